import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Embedded } from '../../src/entries/embedded.js';
import { launchChromium } from '../support/browser.js';
import { startEmbeddedApp } from '../support/embedded-harness.js';

// The page `npm start` serves, in a real browser (system Chromium, else the npm one), against the real local service.
let dir: string;
let embedded: Embedded;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'e2e-start-'));
  embedded = await startEmbeddedApp(dir);
  ({ browser } = await launchChromium());
});

afterAll(async () => {
  await browser?.close();
  await embedded?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the start page in Chromium', () => {
  it('lists the seeded reports in Japanese and opens one with the keyboard', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP' });
    const page = await context.newPage();
    await page.goto(`${embedded.graph.url}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('ja');
    await expect.poll(() => page.locator('table').first().locator('caption').textContent()).toBe('フォローアップ票');
    expect(await page.locator('table').first().locator('tbody tr').count()).toBe(18);
    // Tab order: the language switch, then the first report link (総務省 令和5年度 L-R5-FOCUS).
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('English');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('総務省');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/reports\/soumu%2F2023%2FL-R5-FOCUS/);
    expect(await page.locator('h1').textContent()).toContain('総務省における女性職員活躍とワークライフバランス推進のための');
    expect(await page.locator('tbody tr').count()).toBe(2);
    expect(await page.locator('tbody tr th[scope="row"]').allTextContents()).toEqual(['モチベーションの向上', '生産性の向上']);
    await context.close();
  });

  it('follows the dark and forced-colors (high contrast) settings', async () => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, colorScheme: 'dark', forcedColors: 'active' });
    const page = await context.newPage();
    await page.goto(`${embedded.graph.url}/?lang=en`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    const [r, g, b] = (await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).match(/\d+/g)?.map(Number) ?? [255, 255, 255];
    // color-scheme: light dark gives a dark canvas under a dark preference.
    expect((r ?? 255) + (g ?? 255) + (b ?? 255)).toBeLessThan(200);
    expect(await page.locator('caption').first().textContent()).toBe('Follow-up reports');
    await context.close();
  });
});
