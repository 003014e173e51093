// #13: the production sign-in code (MSAL.js, @azure/msal-browser) in a real Chromium against the local identity
// provider, exactly as on a tenant but for configuration: the sign-in redirect, the demo user's page, the code
// redeemed with PKCE; tokens renewed across an expiry (short-lived tokens here); a revoked session and a refused
// consent end at a clear sign-in prompt. No request leaves the machine.
import { join } from 'node:path';

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Embedded } from '../../src/entries/embedded.js';
import { startE2eApp, type E2eApp } from '../support/embedded-harness.js';

const AT_SECONDS = 6;
let app: E2eApp | undefined;
let embedded: Embedded;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = await startE2eApp('e2e-msal-', { build: true, oidc: { accessTokenLifetimeSeconds: AT_SECONDS } });
  ({ embedded, browser } = app);
  base = embedded.graph.url;
});

afterAll(async () => {
  await app?.close();
});

interface Opened {
  context: BrowserContext;
  page: Page;
  /** Bearer tokens sent to Graph, in order. */
  graphTokens: string[];
  offsite: string[];
  problems: string[];
}

async function open(): Promise<Opened> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP' });
  const o: Opened = { context, page: await context.newPage(), graphTokens: [], offsite: [], problems: [] };
  await context.route('**/*', async (route) => {
    const u = new URL(route.request().url());
    if (u.origin === base) return route.continue();
    o.offsite.push(route.request().url());
    return route.abort();
  });
  o.page.on('request', (r) => {
    const auth = r.headers().authorization;
    if (new URL(r.url()).pathname.startsWith('/v1.0/') && auth) o.graphTokens.push(auth.replace(/^Bearer /, ''));
  });
  o.page.on('pageerror', (e) => o.problems.push(e.message));
  return o;
}

const claims = (t: string): { exp: number; iss: string; upn: string } => JSON.parse(Buffer.from(t.split('.')[1] ?? '', 'base64url').toString()) as { exp: number; iss: string; upn: string };

/** From the app's prompt through MSAL's redirect to the identity provider's page and back. */
async function signInThroughMsal(page: Page, name: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByTestId('signin-prompt').getByRole('button', { name: 'サインイン' }).click();
  await page.waitForURL((u) => u.pathname.endsWith('/oauth2/v2.0/authorize'));
  await page.getByRole('button', { name }).click();
  await expect.poll(() => page.getByTestId('signed-in-user').textContent(), { timeout: 30_000 }).toContain(name);
}

describe('MSAL against the local identity provider', () => {
  it('signs in through MSAL, reads Graph with its tokens and renews them across an expiry', async () => {
    const o = await open();
    const before = embedded.graph.oidc.grants();
    await signInThroughMsal(o.page, '鈴木 一郎');
    await o.page.getByRole('grid').first().waitFor();
    // The authorization request MSAL made carried PKCE S256 and the demo client id; the code was redeemed.
    expect(embedded.graph.oidc.grants().authorizationCode).toBe(before.authorizationCode + 1);
    const first = o.graphTokens[0] ?? '';
    expect(claims(first)).toMatchObject({ iss: `${embedded.graph.oidc.authority()}/v2.0`, upn: 'suzuki@soumu.localhost' });
    // Past the first token's expiry, the next Graph requests carry renewed tokens (refresh-token grants).
    const waitMs = claims(first).exp * 1000 - Date.now() + 1000;
    await o.page.waitForTimeout(Math.max(0, waitMs));
    const sent = o.graphTokens.length;
    await o.page.reload();
    await o.page.getByRole('grid').first().waitFor();
    const later = o.graphTokens.slice(sent);
    expect(later.length).toBeGreaterThan(0);
    for (const t of later) expect(claims(t).exp * 1000).toBeGreaterThan(Date.now() - 1000);
    expect(later).not.toContain(first);
    expect(embedded.graph.oidc.grants().refreshToken).toBeGreaterThan(before.refreshToken);
    expect(o.offsite).toEqual([]);
    expect(o.problems).toEqual([]);
    await o.context.close();
  });

  it('a revoked session ends at a clear sign-in prompt, not a blank tab; signing in again works', async () => {
    const o = await open();
    await signInThroughMsal(o.page, '加藤 裕子');
    await o.page.getByRole('grid').first().waitFor();
    expect(embedded.graph.oidc.revokeSessions('kato')).toBeGreaterThan(0);
    // Access tokens live AT_SECONDS (under MSAL's renewal offset): the next token request uses the revoked refresh token.
    await o.page.reload();
    const prompt = o.page.getByTestId('signin-prompt');
    await prompt.waitFor({ timeout: 30_000 });
    expect(await prompt.textContent()).toContain('サインインの有効期限が切れました');
    await o.page.screenshot({ path: join(import.meta.dirname, '..', '..', 'test-results', 'screenshots', 'msal-session-expired.png') });
    await prompt.getByRole('button', { name: 'サインイン' }).click();
    await o.page.getByRole('button', { name: '加藤 裕子' }).click();
    await expect.poll(() => o.page.getByTestId('signed-in-user').textContent(), { timeout: 30_000 }).toContain('加藤 裕子');
    expect(o.offsite).toEqual([]);
    await o.context.close();
  });

  it('a framed page signs in through a popup that returns to the redirect bridge', async () => {
    const o = await open();
    // A same-origin page framing the app (as a host would): the app cannot navigate to the authority from a frame.
    await o.context.route(`${base}/__framed.html`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: `<!doctype html><html lang="ja"><title>frame</title><iframe title="app" src="/" style="width:100%;height:860px;border:0"></iframe></html>` }));
    const bridge: number[] = [];
    o.context.on('response', (r) => {
      if (new URL(r.url()).pathname === '/auth/redirect.html') bridge.push(r.status());
    });
    await o.page.goto(`${base}/__framed.html`);
    const app = o.page.frameLocator('iframe[title="app"]');
    const [popup] = await Promise.all([o.context.waitForEvent('page'), app.getByTestId('signin-prompt').getByRole('button', { name: 'サインイン' }).click()]);
    await popup.waitForURL((u) => u.pathname.endsWith('/oauth2/v2.0/authorize'));
    await popup.getByRole('button', { name: '田中 誠' }).click();
    await popup.waitForEvent('close', { timeout: 30_000 });
    await expect.poll(() => app.getByTestId('signed-in-user').textContent(), { timeout: 30_000 }).toContain('田中 誠');
    await app.getByRole('grid').first().waitFor();
    expect(bridge).toEqual([200]);
    expect(o.page.url()).toBe(`${base}/__framed.html`);
    expect(o.offsite).toEqual([]);
    expect(o.problems).toEqual([]);
    await o.context.close();
  });

  it('a refused consent comes back as a clear message with the sign-in button', async () => {
    const o = await open();
    await o.page.goto(`${base}/`);
    await o.page.getByTestId('signin-prompt').getByRole('button', { name: 'サインイン' }).click();
    await o.page.getByRole('button', { name: /キャンセル/ }).click();
    const prompt = o.page.getByTestId('signin-prompt');
    await expect.poll(() => prompt.textContent(), { timeout: 30_000 }).toContain('アクセス許可に同意されませんでした');
    await o.page.screenshot({ path: join(import.meta.dirname, '..', '..', 'test-results', 'screenshots', 'msal-consent-declined.png') });
    expect(o.offsite).toEqual([]);
    await o.context.close();
  });
});
