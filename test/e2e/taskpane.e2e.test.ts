import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { layoutOfKey } from '../../src/core/layouts/columns.js';
import type { StoredRow } from '../../src/core/ports.js';
import { pngSize } from '../../scripts/package-teams-app.js';
import { manifestUrls } from '../../scripts/addin-manifest.js';
import { axeSerious, type OpenedPage, type OpenOptions, SHOTS, useE2eApp } from '../support/e2e-app.js';
import type { FakeWorkbook } from '../support/fake-excel.js';
import { fakeOfficeScript } from '../support/fake-office-script.js';

// The Excel task pane (#11) in a real Chromium against the real local service, with office.js replaced by a fake
// Excel (test/support/fake-excel.ts) served at the Office CDN's URL: sign in, load a division into the workbook,
// edit, see problems as they are made, sync, decide conflicts; axe; light and dark screenshots; the plain browser.
const e2e = useE2eApp('e2e-taskpane-');
let officeJs: string;
const HOST_INFO = '_host_Info=Excel$Web$16.00$ja-JP$$$$0';

beforeAll(() => {
  officeJs = fakeOfficeScript();
});

/** A task pane about 380 px wide, with the Office CDN answered by the fake (or by nothing: `office: false`). */
async function open(options: OpenOptions & { office?: boolean } = {}): Promise<OpenedPage & { officeRequests: string[] }> {
  const { office = true, ...contextOptions } = options;
  const opened = await e2e.open({ viewport: { width: 380, height: 900 }, ...contextOptions });
  const officeRequests: string[] = [];
  await opened.context.route('https://appsforoffice.microsoft.com/**', async (route) => {
    officeRequests.push(route.request().url());
    if (office) await route.fulfill({ status: 200, contentType: 'text/javascript; charset=utf-8', body: officeJs });
    else await route.abort('internetdisconnected');
  });
  return { ...opened, officeRequests };
}

const signInToPane = (page: Page, name: string): Promise<void> => e2e.signIn(page, name, `/taskpane.html?${HOST_INFO}`);

type Fake = FakeWorkbook;
/** Runs `fn` on the page's fake Excel. */
const onFake = <A, R>(page: Page, fn: (fake: Fake, arg: A) => R, arg: A): Promise<R> =>
  page.evaluate(([src, a]) => (new Function('fake', 'arg', `return (${src})(fake, arg);`) as (f: unknown, a: unknown) => R)((window as unknown as { __fakeExcel: unknown }).__fakeExcel, a), [fn.toString(), arg] as const);

/** The sheet address of a row's cell: the table's column `column` (0-based) on the row whose key is `rowKey`. */
const cellOf = (page: Page, table: string, rowKey: string, column: number): Promise<{ sheet: string; address: string }> =>
  onFake(
    page,
    (fake, a) => {
      const t = fake.table(a.table);
      if (!t) throw new Error(`no table ${a.table}`);
      let keyCol = -1;
      for (let c = t.c1; c <= t.c2; c++) if (t.sheet.peek(t.headerRow, c)?.value === '行キー（編集しないでください）') keyCol = c;
      for (let r = t.headerRow + 1; r <= t.lastRow; r++) {
        if (t.sheet.peek(r, keyCol)?.value === a.rowKey) {
          let s = '';
          for (let x = t.c1 + a.column + 1; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
          return { sheet: t.sheet.name, address: `${s}${r + 1}` };
        }
      }
      throw new Error(`no row ${a.rowKey}`);
    },
    { table, rowKey, column },
  );

const somu = async (): Promise<StoredRow[]> => (await e2e.embedded.store.open({ fiscalYear: 2023, orgCode: 'soumu', divisionCode: 'div-somu' })).rows;

describe('the Excel task pane with a fake Excel', () => {
  it('serves every URL of the manifest over https: the pane with its CSP, and the icons at their sizes', async () => {
    const { urls, images } = manifestUrls(readFileSync(join(import.meta.dirname, '..', '..', 'manifest', 'manifest.xml'), 'utf8'));
    const probe = await e2e.browser.newPage({ ignoreHTTPSErrors: true });
    const served = [];
    for (const url of urls.filter((u) => u.startsWith('https://localhost:3000/'))) {
      const r = await probe.request.get(url.replace('https://localhost:3000', e2e.base));
      served.push({ url, status: r.status(), type: r.headers()['content-type']?.split(';')[0] });
    }
    expect(served.map((s) => s.status)).toEqual(served.map(() => 200));
    expect(served.find((s) => s.url.endsWith('/taskpane.html'))?.type).toBe('text/html');
    await probe.close();
    const page = await e2e.browser.newPage({ ignoreHTTPSErrors: true });
    const pane = await page.request.get(`${e2e.base}/taskpane.html`);
    const csp = pane.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self' https://appsforoffice.microsoft.com;");
    expect(csp).toMatch(/frame-ancestors [^;]*https:\/\/\*\.officeapps\.live\.com|frame-ancestors [^;]*https:\/\/\*\.office\.com/);
    for (const { url, size } of images) {
      const png = await (await page.request.get(url.replace('https://localhost:3000', e2e.base))).body();
      expect({ url, ...pngSize(png) }).toMatchObject({ url, width: size, height: size });
    }
    await page.close();
  });

  it('in a plain browser says what it is, and never asks for office.js', async () => {
    const { page, problems, officeRequests, close } = await open({ office: false });
    await page.goto(`${e2e.base}/taskpane.html`);
    await page.getByText('このページは Excel のアドイン').waitFor();
    expect(officeRequests).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });

  it('loads the division, shows problems as they are made, syncs both ways and lets the person decide a conflict', async () => {
    const { page, problems, close } = await open();
    await signInToPane(page, '鈴木 一郎');
    // Scope: his division and the latest year with rows; the workbook is blank.
    await page.getByText('このブックにはまだフォローアップの表がありません').waitFor();
    expect(await page.getByRole('combobox', { name: '部局・課室' }).inputValue()).toBe('div-somu');
    await page.getByRole('button', { name: 'ブックに読み込む' }).click();
    await page.getByText('5 行を 2 個の表に読み込みました').waitFor();
    expect(await onFake(page, (f) => f.tables.map((t) => `${t.name}@${t.sheet.name}`), null)).toEqual(['FollowUp1@1_重点項目', 'FollowUp2@2_全体像']);
    expect(await onFake(page, (f) => f.settings.get('followup.scope'), null)).toEqual({ fiscalYear: 2023, divisionCode: 'div-somu' });
    await page.getByText('未同期の変更はありません。').waitFor();

    const rows = await somu();
    const focus = rows.find((r) => layoutOfKey(r.reportKey) === 'L-R5-FOCUS') as StoredRow;
    const initiative = rows.find((r) => layoutOfKey(r.reportKey) === 'L-R5-OVERVIEW' && r.row.kind === 'initiative') as StoredRow;
    // The person types: a narrative, and a 実施状況 that is not a choice (typed past the list, as a paste would).
    const narrative = await cellOf(page, 'FollowUp1', focus.rowKey, 1);
    const status = await cellOf(page, 'FollowUp2', initiative.rowKey, 2);
    await onFake(page, (f, a) => f.type(a.narrative.sheet, a.narrative.address, '【継続】 作業ウィンドウから記入'), { narrative });
    await onFake(page, (f, a) => f.type(a.status.sheet, a.status.address, '済'), { status });
    await page.getByText('未同期の変更: 2 件').waitFor();
    const issue = page.getByRole('listitem').filter({ hasText: '「済」は実施状況の選択肢' });
    await issue.waitFor();
    expect(await issue.textContent()).toContain(`${status.sheet}!${status.address}`);
    await issue.getByRole('button', { name: `${status.sheet}!${status.address} へ移動` }).click();
    await expect.poll(() => onFake(page, (f) => f.selection, null)).toEqual({ sheet: status.sheet, address: status.address });

    // Fixed, then synced: exactly the two fields reach the list.
    await onFake(page, (f, a) => f.type(a.status.sheet, a.status.address, '実施'), { status });
    await page.getByText('問題は見つかっていません。').waitFor();
    await page.getByRole('button', { name: '同期' }).click();
    await page.getByText(/2 項目（2 行）をリストへ送り/).waitFor();
    const after = await somu();
    expect(after.find((r) => r.rowKey === focus.rowKey)?.row.narrative).toBe('【継続】 作業ウィンドウから記入');
    expect(after.find((r) => r.rowKey === initiative.rowKey)?.row.status).toBe('implemented');

    // A colleague changes the same field in the tab while the person edits it in the sheet: a conflict.
    const current = after.find((r) => r.rowKey === focus.rowKey) as StoredRow;
    await e2e.embedded.store.saveChanges([{ base: current, mine: { ...current, row: { ...current.row, narrative: '【継続】 タブで同僚が記入' } } }]);
    await onFake(page, (f, a) => f.type(a.narrative.sheet, a.narrative.address, '【継続】 シートで本人が記入'), { narrative });
    await page.getByRole('button', { name: '同期' }).click();
    const card = page.getByRole('listitem').filter({ hasText: 'モチベーションの向上' }).filter({ hasText: 'シートの値（自分）' });
    await card.waitFor();
    expect(await card.textContent()).toContain('【継続】 シートで本人が記入');
    expect(await card.textContent()).toContain('【継続】 タブで同僚が記入');
    expect(await card.textContent()).toContain('【継続】 作業ウィンドウから記入');
    expect((await somu()).find((r) => r.rowKey === focus.rowKey)?.row.narrative).toBe('【継続】 タブで同僚が記入');
    expect(await onFake(page, (f, a) => f.valueAt(a.sheet, a.address), narrative)).toBe('【継続】 シートで本人が記入');
    expect(await axeSerious(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'taskpane-conflict-light.png'), fullPage: true });

    await card.getByRole('button', { name: 'シートの値を使う' }).click();
    await page.getByText('問題は見つかっていません。').waitFor();
    await expect.poll(async () => (await somu()).find((r) => r.rowKey === focus.rowKey)?.row.narrative).toBe('【継続】 シートで本人が記入');
    await expect.poll(() => page.getByText('シートの値（自分）').count()).toBe(0);
    expect(problems).toEqual([]);
    await close();
  });

  it('asks the secretariat about rows deleted and added in the sheet, then deletes and creates them in the list', async () => {
    const { page, problems, close } = await open();
    await signInToPane(page, '佐藤 花子');
    // The whole ministry, 令和5年度 (the secretariat's default year is the latest, 令和6年度).
    await page.getByRole('combobox', { name: '年度' }).selectOption('2023');
    await expect.poll(() => page.getByRole('combobox', { name: '部局・課室' }).inputValue()).toBe('');
    await page.getByRole('button', { name: 'ブックに読み込む' }).click();
    await page.getByText(/行を \d+ 個の表に読み込みました/).waitFor();
    // A row of 自治行政局 (no other test here reads that division) deleted, a row typed below its table.
    const jichi = (await e2e.embedded.store.open({ fiscalYear: 2023, orgCode: 'soumu', divisionCode: 'div-jichi' })).rows.find((r) => layoutOfKey(r.reportKey) === 'L-R5-OVERVIEW' && r.row.kind === 'initiative') as StoredRow;
    await onFake(
      page,
      (f, key) => {
        for (const t of f.tables) {
          let keyCol = -1;
          for (let c = t.c1; c <= t.c2; c++) if (t.sheet.peek(t.headerRow, c)?.value === '行キー（編集しないでください）') keyCol = c;
          for (let r = t.headerRow + 1; r <= t.lastRow; r++) {
            if (t.sheet.peek(r, keyCol)?.value !== key) continue;
            f.deleteTableRow(t.name, r - t.headerRow - 1);
            f.typeRowBelow(t.name, ['', '作業ウィンドウで追加した取組', '実施', '', '【新規】 追加の取組']);
            return;
          }
        }
        throw new Error(`no row ${key}`);
      },
      jichi.rowKey,
    );
    await page.getByRole('button', { name: '同期' }).click();
    const deleted = page.getByRole('alertdialog', { name: 'シートで削除された行' });
    await deleted.waitFor();
    expect(await deleted.textContent()).toContain(jichi.row.title);
    expect(await axeSerious(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'taskpane-structure-delete.png'), fullPage: true });
    await deleted.getByRole('button', { name: 'リストから削除' }).click();
    const added = page.getByRole('alertdialog', { name: 'シートで追加された行' });
    await added.waitFor();
    expect(await added.textContent()).toContain('作業ウィンドウで追加した取組');
    await added.getByRole('button', { name: 'リストに作成' }).click();
    await page.getByText(/1 行をリストに作成しました/).waitFor();
    const list = (await e2e.embedded.store.open({ fiscalYear: 2023, orgCode: 'soumu' })).rows;
    expect(list.some((r) => r.rowKey === jichi.rowKey)).toBe(false);
    expect(list.find((r) => r.row.title === '作業ウィンドウで追加した取組')?.row).toMatchObject({ status: 'implemented', narrative: '【新規】 追加の取組', division: null });
    // The focus is back on the page (the sync button), not on <body>: axe is clean with no dialog open.
    expect(await axeSerious(page)).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });

  it('signs in through the Office dialog (MSAL against the local identity provider), tokens in memory only', async () => {
    const { page, problems, close } = await open();
    const context = page.context();
    await page.goto(`${e2e.base}/taskpane.html?${HOST_INFO}`);
    const prompt = page.getByTestId('signin-prompt');
    // First sign-in: the dialog shows the identity provider's page; the person picks a user; the dialog closes.
    const [dialog] = await Promise.all([context.waitForEvent('page'), prompt.getByRole('button', { name: 'サインイン' }).click()]);
    await dialog.waitForURL((u) => u.pathname.endsWith('/oauth2/v2.0/authorize'));
    await dialog.getByRole('button', { name: '鈴木 一郎' }).click();
    await dialog.waitForEvent('close', { timeout: 30_000 });
    await page.getByText('このブックにはまだフォローアップの表がありません').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('signed-in-user').textContent()).toContain('鈴木 一郎');
    // The pane (a third-party frame in Excel on the web) stored nothing: no MSAL cache, no local token. localStorage
    // holds the dialog's own MSAL cache (a top-level window; visible here only because this pane is not framed).
    expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);
    expect(await page.evaluate(() => Object.keys(localStorage).every((k) => k.startsWith('msal.')))).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'taskpane-dialog-signed-in.png'), fullPage: true });

    // The pane forgets its tokens on reload; the next dialog signs in from its own cache, without a page to click.
    await page.reload();
    const [silent] = await Promise.all([context.waitForEvent('page'), prompt.getByRole('button', { name: 'サインイン' }).click()]);
    await silent.waitForEvent('close', { timeout: 30_000 });
    await page.getByText('このブックにはまだフォローアップの表がありません').waitFor({ timeout: 30_000 });

    // Sign out (a dialog that clears its cache), then a dialog closed by the person: a clear message, not a blank pane.
    const [out] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'サインアウト' }).click()]);
    await out.waitForEvent('close', { timeout: 30_000 });
    await prompt.waitFor();
    const [closed] = await Promise.all([context.waitForEvent('page'), prompt.getByRole('button', { name: 'サインイン' }).click()]);
    await closed.waitForURL((u) => u.pathname.endsWith('/oauth2/v2.0/authorize'));
    await closed.close();
    await expect.poll(() => prompt.textContent(), { timeout: 10_000 }).toContain('サインインのウィンドウが閉じられました');
    expect(await page.getByTestId('signin-detail').textContent()).toContain('12006');
    await page.screenshot({ path: join(SHOTS, 'taskpane-dialog-closed.png'), fullPage: true });
    expect(problems).toEqual([]);
    await close();
  });

  it('renders dark and high contrast, keeps the workbook’s scope in its settings, with axe clean', async () => {
    for (const mode of ['dark', 'contrast'] as const) {
      const { page, problems, close } = await open({ colorScheme: 'dark', forcedColors: mode === 'contrast' ? 'active' : 'none' });
      await signInToPane(page, '田中 誠');
      await page.getByRole('button', { name: 'ブックに読み込む' }).click();
      await page.getByText(/行を \d+ 個の表に読み込みました/).waitFor();
      expect(await onFake(page, (f) => (f.settings.get('followup.scope') as { fiscalYear: number } | undefined)?.fiscalYear, null)).toBeTypeOf('number');
      const theme = await page.evaluate(() => document.querySelector('[data-theme]')?.getAttribute('data-theme'));
      expect(theme).toBe(mode);
      const background = await page.evaluate(() => getComputedStyle(document.querySelector('[data-theme]') as Element).backgroundColor);
      expect(background).not.toBe('rgb(255, 255, 255)');
      expect(await axeSerious(page)).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `taskpane-${mode}.png`), fullPage: true });
      expect(problems).toEqual([]);
      await close();
    }
  });
});
