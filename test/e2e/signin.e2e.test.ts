// #8.1: the local sign-in page in a real Chromium with hostile `returnTo` values: no script runs (no dialog), the
// browser never leaves our origin, and a legitimate same-origin path still works.
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { htmlSecurityHeaders } from '../../src/emulator/index.js';
import { type Harness, startHarness } from '../emulator/harness.js';
import { launchChromium } from '../support/browser.js';

let h: Harness;
let browser: Browser;

/** Every GET the service does not answer itself lands on a small page naming its path (so navigation is visible). */
const landing = (req: IncomingMessage, res: ServerResponse): boolean => {
  if (req.method !== 'GET') return false;
  res.writeHead(200, htmlSecurityHeaders());
  res.end('<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>landing</title></head><body><h1>landing</h1></body></html>');
  return true;
};

beforeAll(async () => {
  h = await startHarness({ requestHandler: landing });
  // System Chromium, else the npm one (test/support/browser.ts); its flags keep web security on, so the CSP is real.
  ({ browser } = await launchChromium());
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

interface Watch { context: BrowserContext; dialogs: string[]; offsite: string[]; violations: string[] }

/** A context that records dialogs, CSP violations and any request leaving localhost (and blocks it: no test reaches the internet). */
async function watchedContext(): Promise<Watch> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP' });
  const w: Watch = { context, dialogs: [], offsite: [], violations: [] };
  await context.route('**/*', async (route) => {
    const u = new URL(route.request().url());
    if (u.hostname === 'localhost' && u.port === String(h.g.port)) return route.continue();
    w.offsite.push(route.request().url());
    return route.abort();
  });
  context.on('page', (p) => {
    p.on('dialog', (d) => {
      w.dialogs.push(d.message());
      void d.dismiss();
    });
    p.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) w.violations.push(m.text());
    });
  });
  return w;
}

/** Opens the sign-in page with `returnTo`, picks 鈴木 一郎 and returns where the browser ended up. */
async function signInWith(w: Watch, returnTo: string | undefined, reuse?: Page): Promise<{ url: URL; token: string | null }> {
  const page = reuse ?? (await w.context.newPage());
  const q = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
  await page.goto(`${h.g.url}/_local/signin${q}`);
  await page.getByRole('button', { name: '鈴木 一郎' }).click();
  await page.waitForURL((u) => u.pathname !== '/_local/signin', { timeout: 10_000, waitUntil: 'commit' });
  const url = new URL(page.url());
  const token = await page.evaluate(() => sessionStorage.getItem('followup.localToken'));
  if (!reuse) await page.close();
  return { url, token };
}

describe('the local sign-in page in Chromium', () => {
  it('signs in and returns to a same-origin path', async () => {
    const w = await watchedContext();
    const { url, token } = await signInWith(w, '/reports/soumu%2F2023?lang=en#top');
    expect(url.origin).toBe(h.g.url);
    expect(`${url.pathname}${url.search}${url.hash}`).toBe('/reports/soumu%2F2023?lang=en#top');
    expect(token?.split('.')).toHaveLength(3);
    expect(w.dialogs).toEqual([]);
    expect(w.offsite).toEqual([]);
    expect(w.violations).toEqual([]);
    await w.context.close();
  });

  // Script injection into the page, then every way a browser reads a value as another origin (backslash, tab,
  // protocol-relative, absolute, script and data URLs, encoded forms).
  const hostile = [
    '/</script><script>alert(document.domain)</script>',
    '" autofocus onfocus="alert(1)',
    '/\\evil.example/steal',
    '/\\/evil.example/steal',
    '//evil.example/steal',
    '/\t/evil.example/steal',
    'https://evil.example/steal',
    'JaVaScRiPt:alert(1)//',
    'data:text/html,<script>alert(1)</script>',
    '/%5Cevil.example',
    '/%2F%2Fevil.example',
    ' //evil.example',
  ];

  it('runs no injected script and never leaves the origin, whatever returnTo says', async () => {
    const w = await watchedContext();
    const page = await w.context.newPage();
    for (const rt of hostile) {
      const { url } = await signInWith(w, rt, page);
      expect(url.origin, rt).toBe(h.g.url);
      // Either the safe default '/' or the value kept as an (encoded, inert) path on our origin.
      expect(url.pathname.startsWith('/'), rt).toBe(true);
      expect(url.host, rt).toBe(`localhost:${h.g.port}`);
    }
    expect(w.dialogs).toEqual([]);
    expect(w.offsite).toEqual([]);
    await w.context.close();
  });

  it('blocks inline script by its CSP even if markup were injected', async () => {
    const w = await watchedContext();
    const page = await w.context.newPage();
    await page.goto(`${h.g.url}/_local/signin`);
    // Simulates an injection that got into the DOM: the policy still refuses to run an inline script.
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__injected = true;';
      document.body.appendChild(s);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    expect(ran).toBe(false);
    expect(w.dialogs).toEqual([]);
    await w.context.close();
  });
});
