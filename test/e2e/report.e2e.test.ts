import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { AxeBuilder } from '@axe-core/playwright';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { type OpenedPage, SHOTS, useE2eApp } from '../support/e2e-app.js';

// The report button (#12) in a real browser against the local service: the secretariat makes the ministry's workbook
// and printable page from the lists in the browser (no server of ours does the work), in the three themes.
const e2e = useE2eApp('e2e-report-');

/** 佐藤 花子 (the secretariat) at the tab, with its report region shown. */
async function signedIn(options: { colorScheme?: 'light' | 'dark'; forcedColors?: 'active' | 'none' } = {}): Promise<OpenedPage> {
  const opened = await e2e.signedIn('佐藤 花子', '/', { acceptDownloads: true, ...options });
  await opened.page.getByRole('region', { name: '報告書（公式様式）' }).waitFor();
  return opened;
}

describe('the report button', () => {
  it('makes the ministry’s workbook and printable page from the lists, with the label', async () => {
    const { page, problems, close } = await signedIn();
    const region = page.getByRole('region', { name: '報告書（公式様式）' });
    await region.getByRole('textbox', { name: /区分/ }).fill('機密性2');
    await region.getByRole('button', { name: '報告書を作成' }).click();
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: /Excel ブック/ }).click()]);
    expect(xlsx.suggestedFilename()).toMatch(/^令和6年度_総務省_取組計画等のフォローアップ\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await xlsx.path())!) as unknown as ArrayBuffer);
    const first = wb.worksheets[0]!;
    expect(first.getCell(1, first.columnCount).value).toBe('機密性2');
    expect(first.headerFooter.oddHeader).toContain('機密性2');
    await expect.poll(() => region.getByRole('status').textContent()).toMatch(/\.xlsx を保存しました（表 \d+、数値グラフ \d+）/);
    await page.screenshot({ path: join(SHOTS, 'report-button-light.png'), clip: (await region.boundingBox())! });
    await region.getByRole('button', { name: '報告書を作成' }).click();
    const [html] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: '印刷用 HTML を保存' }).click()]);
    const text = readFileSync((await html.path())!, 'utf8');
    expect(text).toMatch(/^<!doctype html>/);
    expect(text).toContain('<span class="label" aria-label="区分 機密性2">機密性2</span>');
    expect(problems).toEqual([]);
    // The printable page as printed (A4): the report's first screen.
    const printed = await page.context().newPage();
    await printed.setContent(text);
    await printed.emulateMedia({ media: 'print' });
    await printed.screenshot({ path: join(SHOTS, 'report-printable.png') });
    await close();
  });

  it('reads in dark and high contrast and passes axe', async () => {
    for (const mode of ['dark', 'contrast'] as const) {
      const { page, problems, close } = await signedIn({ colorScheme: 'dark', forcedColors: mode === 'contrast' ? 'active' : 'none' });
      const region = page.getByRole('region', { name: '報告書（公式様式）' });
      await region.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, `report-button-${mode}.png`), clip: (await region.boundingBox())! });
      const axe = await new AxeBuilder({ page }).include('[data-testid="report-button"]').analyze();
      expect(axe.violations.map((v) => `${v.id}: ${v.help}`), mode).toEqual([]);
      expect(problems, mode).toEqual([]);
      await close();
    }
  });
});
