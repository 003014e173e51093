/** The browser benches' set-up: `npm start`'s composition with a headless Chromium, a signed-in page, its requests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';

import type { Embedded } from '../../src/entries/embedded.js';
import { launchChromium } from '../../test/support/browser.js';
import { startEmbeddedApp } from '../../test/support/embedded-harness.js';

/** Graph and SharePoint REST requests a page sends, as `METHOD /path?query`, from when it is called to `stop()`. */
export function recordGraphRequests(page: Page): { paths: string[]; stop(): void } {
  const paths: string[] = [];
  const onRequest = (r: { url(): string; method(): string }): void => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/v1.0/') || u.pathname.includes('/_api/')) paths.push(`${r.method()} ${u.pathname}${u.search}`);
  };
  page.on('request', onRequest);
  return { paths, stop: () => void page.off('request', onRequest) };
}

/**
 * `npm start`'s composition (local service + web app, port 0, dist/ checked) in a temporary folder and a headless
 * Chromium, for `bench`; both stopped and the folder removed afterwards.
 */
export async function withBrowserApp<T>(prefix: string, bench: (embedded: Embedded, browser: Browser) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const embedded = await startEmbeddedApp(dir, { build: true });
  const { browser } = await launchChromium();
  try {
    return await bench(embedded, browser);
  } finally {
    await browser.close();
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A 1280×900 ja-JP page signed in on the local sign-in page as `name`, at `path`. */
export async function signedInPage(browser: Browser, base: string, name: string, path = '/'): Promise<Page> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/_local/signin?returnTo=${encodeURIComponent(path)}`);
  await page.getByRole('button', { name }).click();
  return page;
}
