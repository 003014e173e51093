import { join } from 'node:path';

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { axeSerious, SHOTS, useE2eApp } from '../support/e2e-app.js';

// The app `npm start` serves (#10), in a real browser (system Chromium, else the npm one) against the real local service: the local
// sign-in, who is signed in and what they may do, the scope's rows read through Graph from the browser, the three
// themes (screenshots in test-results/screenshots/), an axe-core scan, the configuration page.
const e2e = useE2eApp('e2e-tab-');
const { open, signIn } = e2e;

/** Row headers as printed: without the review state each one also carries (確認状況: 未確認, #12). */
const titlesOf = (texts: readonly string[]): string[] => texts.map((t) => t.replace(/\s*確認状況: .*$/u, ''));
const rowHeaders = async (page: Page, caption: string): Promise<string[]> => titlesOf(await page.getByRole('grid', { name: new RegExp(caption) }).getByRole('rowheader').allTextContents());

describe('the tab in a plain browser (npm start)', () => {
  it('asks to sign in, signs in as 鈴木 一郎, shows who he is and his division’s rows', async () => {
    const { page, problems, close } = await open();
    const response = await page.goto(`${e2e.base}/`);
    // A CSP without 'unsafe-inline' for scripts; the run-time styles carry the page's nonce.
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toMatch(/style-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain('frame-ancestors');
    expect(await page.getAttribute('html', 'lang')).toBe('ja');
    await page.getByRole('button', { name: 'サインイン' }).click();
    await page.getByRole('button', { name: '鈴木 一郎' }).click();
    const user = page.getByTestId('signed-in-user');
    await expect.poll(() => user.textContent()).toContain('鈴木 一郎');
    await expect.poll(() => user.textContent()).toContain('部局・課室の担当者');
    expect(await user.textContent()).toContain('所属する部局・課室:大臣官房総務課');
    // The default scope: his division, the latest fiscal year with its rows; the URL says so.
    await page.getByRole('grid').first().waitFor();
    expect(new URL(page.url()).searchParams.get('division')).toBe('div-somu');
    expect(new URL(page.url()).searchParams.get('fy')).toBe('2023');
    expect(await page.getByRole('combobox', { name: '部局・課室' }).inputValue()).toBe('div-somu');
    expect(await page.getByRole('combobox', { name: '年度' }).locator('option:checked').textContent()).toBe('令和5年度（5 行）');
    // Grouped as the official table: the 重点項目 table, then the overview under its 大項目, columns as printed.
    expect(await page.getByRole('grid').count()).toBe(2);
    expect(await rowHeaders(page, '^重点項目')).toEqual(['モチベーションの向上']);
    const overview = page.getByRole('grid', { name: /取組計画の全体像/ });
    expect(titlesOf(await overview.getByRole('rowheader').allTextContents())).toEqual([
      '4.仕事と生活の両立支援',
      '［数値］男性職員の育児休業取得率',
      '［数値］男性職員の「男の産休」（配偶者出産休暇・育児参加のための休暇）取得率',
      '各府省等における取組の推進',
    ]);
    // 大項目 are the group rows; the column headers are the layout's as printed (実施状況, 理由, 内容…).
    expect(await overview.getByRole('row').filter({ hasNot: page.getByRole('rowheader') }).filter({ hasNot: page.getByRole('columnheader') }).allTextContents()).toEqual(['ワークライフバランスの推進のための働き方改革', '推進体制等']);
    expect(await overview.getByRole('columnheader').allTextContents()).toEqual([
      '中項目',
      'A 取組の実施状況',
      'B Aで「実施未定」を選択した場合の理由',
      'C 取組時期・内容・成果、取組における改善点・課題、それらを踏まえた次のアクション',
      '担当',
    ]);
    // 数値 with 和暦 dates and a chart whose text alternative says the same figures.
    expect(await overview.textContent()).toContain('目標: 30%（令和3年度）');
    expect(await overview.getByRole('img', { name: /現状の推移: 66\.3%（令和4年度）。目標: 30%（令和3年度）/ }).count()).toBe(1);
    // The 重点項目's guideline section by its title, not only its number.
    expect(await page.getByRole('grid', { name: /^重点項目/ }).getByRole('gridcell').filter({ hasText: 'Ⅱ-3' }).textContent()).toContain('マネジメント改革');
    // Division names come from the FollowUpDivisions list, with the division's guidance.
    expect(await page.getByText('記入の手引き').count()).toBe(1);
    expect(problems).toEqual([]);
    await close();
  });

  it('lets a member of two divisions switch between them, each with its own rows', async () => {
    const { page, close } = await open();
    await signIn(page, '小林 恵');
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toContain('自治行政局、情報流通行政局');
    const division = page.getByRole('combobox', { name: '部局・課室' });
    await expect.poll(() => division.inputValue()).toBe('div-jichi');
    expect(await division.locator('option').allTextContents()).toEqual(['全ての部局・課室', '大臣官房総務課', '大臣官房企画課', '行政管理局', '自治行政局', '情報流通行政局']);
    await page.getByRole('grid').first().waitFor();
    const jichi = await page.getByRole('rowheader').allTextContents();
    await division.selectOption('div-joho');
    await expect.poll(() => new URL(page.url()).searchParams.get('division')).toBe('div-joho');
    await expect.poll(async () => (await page.getByRole('rowheader').allTextContents()).join('|')).not.toBe(jichi.join('|'));
    await page.getByRole('grid').first().waitFor();
    const joho = (await page.getByRole('rowheader').allTextContents()).filter((t) => !/改革|推進体制/.test(t));
    expect(joho.length).toBeGreaterThan(0);
    expect(joho.filter((t) => jichi.includes(t))).toEqual([]);
    await close();
  });

  it('works by keyboard alone: skip link, language, sign-out, then the division picker', async () => {
    const { page, close } = await open();
    await signIn(page, '小林 恵');
    await page.getByRole('grid').first().waitFor();
    const focused = (): Promise<string> => page.evaluate(() => `${document.activeElement?.tagName ?? ''}:${document.activeElement?.textContent?.trim() ?? ''}`);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('A:本文へ移動');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('A:English');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('BUTTON:サインアウト');
    await page.keyboard.press('Tab');
    const division = page.getByRole('combobox', { name: '部局・課室' });
    expect(await division.evaluate((e) => e === document.activeElement)).toBe(true);
    expect(await division.inputValue()).toBe('div-jichi');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => new URL(page.url()).searchParams.get('division')).toBe('div-joho');
    await page.getByRole('grid').first().waitFor();
    await close();
  });

  it('opens the secretariat on the whole ministry, latest cycle first, and switches the fiscal year', async () => {
    const { page, close } = await open();
    await signIn(page, '佐藤 花子');
    await expect.poll(() => page.getByTestId('signed-in-user').textContent()).toContain('取りまとめ担当（事務局）');
    expect(await page.getByTestId('signed-in-user').textContent()).toContain('全ての行を編集し');
    expect(await page.getByRole('combobox', { name: '部局・課室' }).inputValue()).toBe('');
    const year = page.getByRole('combobox', { name: '年度' });
    await expect.poll(async () => year.locator('option').allTextContents()).toEqual(['令和6年度（2 行）', '令和5年度（17 行）']);
    await page.getByRole('grid', { name: /重点項目の取りまとめ/ }).waitFor();
    await year.selectOption('2023');
    await page.getByRole('grid', { name: /取組計画の全体像（15 行）/ }).waitFor();
    await close();
  });

  it('speaks English for an English browser, and switches language by link', async () => {
    const { page, close } = await open({ locale: 'en-US' });
    await signIn(page, '鈴木 一郎');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getByTestId('signed-in-user').textContent()).toContain('Signed in as');
    await expect.poll(() => page.getByRole('combobox', { name: 'Fiscal year' }).locator('option:checked').textContent()).toBe('FY2023 (令和5年度) (5 rows)');
    await page.getByRole('link', { name: '日本語' }).click();
    await expect.poll(() => page.getAttribute('html', 'lang')).toBe('ja');
    await close();
  });

  it('renders light, dark and high contrast, follows a theme change live, and passes axe', async () => {
    const seen: Record<string, { theme: string | null; background: string }> = {};
    for (const mode of ['light', 'dark', 'contrast'] as const) {
      const { page, problems, close } = await open({ colorScheme: mode === 'light' ? 'light' : 'dark', forcedColors: mode === 'contrast' ? 'active' : 'none' });
      await signIn(page, '鈴木 一郎');
      await page.getByRole('grid').first().waitFor();
      await page.screenshot({ path: join(SHOTS, `tab-${mode}.png`), fullPage: true });
      const provider = page.locator('[data-theme]').first();
      seen[mode] = { theme: await provider.getAttribute('data-theme'), background: await provider.evaluate((e) => getComputedStyle(e).backgroundColor) };
      expect(await axeSerious(page), mode).toEqual([]);
      expect(problems, mode).toEqual([]);
      if (mode === 'contrast') {
        // Disabled is visible without relying on colour (GrayText is near CanvasText in some palettes): dashed, not bold.
        const style = (name: RegExp) => page.getByRole('button', { name }).evaluate((e) => ({ disabled: (e as HTMLButtonElement).disabled, border: getComputedStyle(e).borderTopStyle }));
        expect(await style(/^保存/)).toEqual({ disabled: true, border: 'dashed' });
        expect(await style(/^サインアウト$/)).toEqual({ disabled: false, border: 'solid' });
      }
      if (mode === 'light') {
        await page.emulateMedia({ colorScheme: 'dark' });
        await expect.poll(() => provider.getAttribute('data-theme')).toBe('dark');
      }
      await close();
    }
    expect(seen.light).toEqual({ theme: 'light', background: 'rgb(255, 255, 255)' });
    expect(seen.dark?.theme).toBe('dark');
    const sum = (c: string): number =>
      (c.match(/\d+/g) ?? [])
        .slice(0, 3)
        .map(Number)
        .reduce((n, x) => n + x, 0);
    expect(sum(seen.dark?.background ?? '')).toBeLessThan(200);
    expect(seen.contrast?.theme).toBe('contrast');
    expect(sum(seen.contrast?.background ?? '')).toBeLessThan(100);
  });

  it('passes axe on the sign-in prompt', async () => {
    const { page, close } = await open();
    await page.goto(`${e2e.base}/tab.html`);
    await page.getByRole('button', { name: 'サインイン' }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await close();
  });
});

describe('the configuration page (config.html)', () => {
  it('defaults to the user’s division and the latest cycle, and opens the tab with that scope outside Teams', async () => {
    const { page, problems, close } = await open();
    await signIn(page, '鈴木 一郎', '/config.html');
    await expect.poll(() => page.getByRole('combobox', { name: '部局・課室' }).inputValue()).toBe('div-somu');
    await expect.poll(() => page.getByRole('combobox', { name: '年度' }).inputValue()).toBe('2023');
    expect(await page.getByRole('status').textContent()).toContain('保存するとこの範囲がタブに表示されます');
    await page.screenshot({ path: join(SHOTS, 'config-light.png'), fullPage: true });
    expect(await axeSerious(page)).toEqual([]);
    await page.getByRole('button', { name: 'この範囲で開く' }).click();
    await page.waitForURL(/\/tab\.html\?/);
    const q = new URL(page.url()).searchParams;
    expect([q.get('site'), q.get('org'), q.get('fy'), q.get('division')]).toEqual([`${e2e.base}/sites/followup`, 'soumu', '2023', 'div-somu']);
    await page.getByRole('grid').first().waitFor();
    expect(problems).toEqual([]);
    await close();
  });
});

describe('the printable report view', () => {
  it('prints a report with the division names of the Divisions list', async () => {
    const { page, close } = await open();
    await page.goto(`${e2e.base}/reports/${encodeURIComponent('soumu/2023/L-R5-OVERVIEW')}`);
    expect(await page.locator('caption').textContent()).toBe('行数: 15');
    const divisions = await page.locator('tbody tr td:nth-child(4)').allTextContents();
    expect(new Set(divisions)).toEqual(new Set(['大臣官房総務課', '大臣官房企画課', '行政管理局', '自治行政局', '情報流通行政局']));
    await close();
  });
});
