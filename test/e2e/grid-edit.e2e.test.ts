import { join } from 'node:path';

import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import type { StoredRow } from '../../src/core/ports.js';
import { axeSerious, type OpenedPage, SHOTS, useE2eApp } from '../support/e2e-app.js';

// Editing in the tab (#10), in a real Chromium against the real local service (its own database: these tests write):
// two users of two divisions at once, keyboard only, 実施未定 without a reason as a field error, the IME's Enter,
// a crafted request against another division's row, a conflict resolved in the chooser, the history, a paste from
// Excel with refused cells, a draft surviving a reload, sign-out clearing drafts after asking, axe on each view.
const e2e = useE2eApp('e2e-grid-');
const SCOPE = { orgCode: 'soumu', fiscalYear: 2023 };

/** Signed in at the tab's overview. */
async function signedIn(name: string): Promise<OpenedPage> {
  // A refused request shows in the console as a failed resource load: that is the point of the crafted request.
  const opened = await e2e.signedIn(name, '/', { expectedConsoleErrors: /status of 403/ });
  await overview(opened.page).waitFor();
  return opened;
}

const overview = (page: Page): Locator => page.getByRole('grid', { name: /取組計画の全体像/ });
/** The data row whose row header matches `title`. */
const rowOf = (page: Page, title: RegExp): Locator => overview(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name: title }) });
const cellOf = (page: Page, title: RegExp, column: string): Locator => rowOf(page, title).locator(`[data-column="${column}"]`);
const active = (page: Page): Promise<string> => page.evaluate(() => {
  const e = document.activeElement as HTMLElement | null;
  return `${e?.getAttribute('role') ?? e?.tagName ?? ''}|${e?.dataset.column ?? ''}|${e?.closest('[role=row]')?.querySelector('[role=rowheader]')?.textContent ?? ''}`;
});

async function stored(divisionCode: string, title: RegExp): Promise<StoredRow> {
  const set = await e2e.embedded.store.open({ ...SCOPE, divisionCode });
  const row = set.rows.find((r) => title.test(r.row.title));
  if (!row) throw new Error(`no stored row ${title} in ${divisionCode}`);
  return row;
}

const WORK = /仕事と生活の両立支援/;
const PROMOTION = /各府省等における取組の推進/;

describe('editing rows in the tab', () => {
  it('two users of two divisions edit at once: keyboard only, 実施未定 needs a reason, IME Enter, a crafted request refused', async () => {
    const [suzuki, yamamoto] = await Promise.all([signedIn('鈴木 一郎'), signedIn('山本 由美')]);
    const { page } = suzuki;

    // Keyboard only: Tab reaches the overview grid (one tab stop per grid), arrows walk to 実施状況 of the 取組 row.
    for (let i = 0; i < 25 && !(await page.evaluate(() => document.activeElement?.closest('[role=grid]')?.getAttribute('aria-labelledby')?.includes('OVERVIEW') ?? false)); i++) await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    expect(await active(page)).toMatch(/^gridcell\|status\|.*仕事と生活の両立支援/);
    await page.keyboard.press('Enter');
    const status = page.getByRole('combobox', { name: /取組の実施状況/ });
    await expect.poll(() => status.evaluate((e) => e === document.activeElement)).toBe(true);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    // The arrows change the choice only; Enter commits it and the focus returns to the cell.
    expect(await cellOf(page, WORK, 'status').getByText('未保存').count()).toBe(0);
    await page.keyboard.press('Enter');
    await expect.poll(() => active(page)).toMatch(/^gridcell\|status\|/);
    expect(await cellOf(page, WORK, 'status').textContent()).toContain('実施未定');
    expect(await cellOf(page, WORK, 'status').textContent()).toContain('未保存');
    // 実施未定 without a reason: an error on the reason field, in the rule's words.
    const reason = cellOf(page, WORK, 'reasonNotPlanned');
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect(await reason.textContent()).toContain('実施未定の場合の理由が記入されていません');

    // F2 on the content column opens the multi-line editor. The IME's Enter (composition) neither commits nor moves.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('F2');
    const editor = page.getByRole('textbox', { name: /取組時期・内容/ });
    await expect.poll(() => editor.evaluate((e) => e === document.activeElement)).toBe(true);
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Input.imeSetComposition', { text: 'てれわーく', selectionStart: 5, selectionEnd: 5 });
    const composingEnter = await editor.evaluate((e) => {
      let seen = false;
      e.addEventListener('keydown', (k) => (seen = (k as KeyboardEvent).isComposing), { once: true });
      // What a Japanese IME sends to confirm a conversion: Enter with isComposing (and keyCode 229), also with Ctrl.
      e.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', isComposing: true, ctrlKey: true, keyCode: 229, bubbles: true, cancelable: true }));
      return seen;
    });
    expect(composingEnter).toBe(true);
    await page.keyboard.press('Enter');
    await cdp.send('Input.insertText', { text: '【新規】テレワーク' });
    expect(await editor.isVisible()).toBe(true);
    expect(await editor.inputValue()).toContain('【新規】テレワーク');
    await page.keyboard.type('用の端末を配備した');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => active(page)).toMatch(/^gridcell\|narrative\|/);
    expect(await cellOf(page, WORK, 'narrative').textContent()).toContain('【新規】テレワーク用の端末を配備した');

    // Save by keyboard (Ctrl+S): saving unfinished work is allowed; the reason stays an error on the field.
    await page.keyboard.press('Control+s');
    await expect.poll(() => page.getByTestId('save-notice').textContent()).toContain('1 行を保存しました');
    const mine = await stored('div-somu', WORK);
    expect(mine.row.status).toBe('undecided');
    expect(mine.row.reasonNotPlanned).toBeNull();
    expect(mine.row.narrative).toMatch(/【新規】テレワーク用の端末を配備した$/);
    expect(await reason.getAttribute('aria-invalid')).toBe('true');

    // 山本 (自治行政局), at the same time, edits his own row with the mouse and saves.
    const other = (await e2e.embedded.store.open({ ...SCOPE, divisionCode: 'div-jichi' })).rows.find((r) => r.row.kind === 'initiative' && r.row.status !== null);
    if (!other) throw new Error('自治行政局 has no 取組 row with a status');
    const y = yamamoto.page;
    const yCell = overview(y).getByRole('row').filter({ has: y.getByRole('rowheader', { name: other.row.title }) }).locator('[data-column="narrative"]');
    await yCell.dblclick();
    await y.getByRole('textbox', { name: /取組時期・内容/ }).fill('【継続】自治行政局の取組を更新した');
    await y.keyboard.press('Control+Enter');
    await y.getByRole('button', { name: /^保存/ }).click();
    await expect.poll(() => y.getByTestId('save-notice').textContent()).toContain('1 行を保存しました');
    expect((await stored('div-jichi', new RegExp(other.row.title.replace(/[()（）［］[\]]/g, '.')))).row.narrative).toBe('【継続】自治行政局の取組を更新した');

    // A crafted request from 鈴木's page, with his own token, against 山本's row: refused by the service, nothing changed.
    const rowsListId = (e2e.embedded.store as unknown as { rowsListId: string }).rowsListId;
    const crafted = await page.evaluate(
      async ({ url }) => {
        const token = sessionStorage.getItem('followup.localToken') ?? '';
        const res = await fetch(url, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ Narrative: '鈴木が書き換えた' }) });
        return res.status;
      },
      { url: `${e2e.base}/v1.0/sites/${e2e.embedded.site.id}/lists/${rowsListId}/items/${other.itemId}/fields` },
    );
    expect(crafted).toBe(403);
    expect((await stored('div-jichi', new RegExp(other.row.title.replace(/[()（）［］[\]]/g, '.')))).row.narrative).toBe('【継続】自治行政局の取組を更新した');
    // 鈴木 may read 自治行政局's rows: shown with 山本's saved text, read-only (no editor opens).
    await page.getByRole('combobox', { name: '部局・課室' }).selectOption('div-jichi');
    const theirs = overview(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name: other.row.title }) }).locator('[data-column="narrative"]');
    await expect.poll(() => theirs.textContent()).toContain('【継続】自治行政局の取組を更新した');
    expect(await theirs.getAttribute('aria-readonly')).toBe('true');
    await theirs.dblclick();
    expect(await page.getByRole('textbox', { name: /取組時期・内容/ }).count()).toBe(0);
    expect(suzuki.problems).toEqual([]);
    expect(yamamoto.problems).toEqual([]);
    await Promise.all([suzuki.close(), yamamoto.close()]);
  });

  it('resolves a conflict in the side-by-side chooser and stores the choice; the history shows both', async () => {
    const [suzuki, kato] = await Promise.all([signedIn('鈴木 一郎'), signedIn('加藤 裕子')]);
    const { page } = suzuki;
    // 鈴木 edits the content of a row but does not save yet.
    await cellOf(page, PROMOTION, 'narrative').dblclick();
    const editor = page.getByRole('textbox', { name: /取組時期・内容/ });
    await editor.fill('【継続】鈴木の版');
    await page.keyboard.press('Control+Enter');
    // 加藤 (same division) saves the same field first.
    await cellOf(kato.page, PROMOTION, 'narrative').dblclick();
    await kato.page.getByRole('textbox', { name: /取組時期・内容/ }).fill('【継続】加藤の版');
    await kato.page.keyboard.press('Control+Enter');
    await kato.page.getByRole('button', { name: /^保存/ }).click();
    await expect.poll(() => kato.page.getByTestId('save-notice').textContent()).toContain('1 行を保存しました');

    // 鈴木 saves: the field changed on both sides opens the chooser, side by side.
    await page.getByRole('button', { name: /^保存/ }).click();
    await page.getByRole('button', { name: /競合を解決/ }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('【継続】鈴木の版');
    expect(await dialog.textContent()).toContain('【継続】加藤の版');
    expect(await axeSerious(page)).toEqual([]);
    await dialog.getByRole('radio', { name: '編集して決める' }).check();
    await dialog.getByRole('textbox').fill('【継続】鈴木と加藤の版をまとめた');
    await dialog.getByRole('button', { name: '決定して保存' }).click();
    await expect.poll(async () => (await stored('div-somu', PROMOTION)).row.narrative).toBe('【継続】鈴木と加藤の版をまとめた');
    await expect.poll(() => cellOf(page, PROMOTION, 'narrative').textContent()).toContain('保存済み');

    // 加藤 sees it without reloading: the focus refreshes (at once, or within the scheduler's 10 s minimum gap).
    await kato.page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await expect.poll(() => cellOf(kato.page, PROMOTION, 'narrative').textContent(), { timeout: 20_000 }).toContain('鈴木と加藤の版をまとめた');

    // Who changed it, one click away from the field.
    await cellOf(page, PROMOTION, 'narrative').click();
    await page.getByRole('button', { name: '変更履歴を表示' }).click();
    const history = page.getByRole('list', { name: /変更履歴/ });
    await history.waitFor();
    const versions = await history.getByRole('listitem').allTextContents();
    expect(versions[0]).toContain('鈴木 一郎');
    expect(versions[0]).toContain('鈴木と加藤の版をまとめた');
    expect(versions[1]).toContain('加藤 裕子');
    expect(await axeSerious(page)).toEqual([]);
    // Closed, the dialogs give the page back: the grid is in the accessibility tree again, the focus is back on the
    // button that opened the history (not on <body>, where Tabster's focus guards would be tabbable while
    // aria-hidden), and the whole page scans clean; a click on a blank part of the page keeps it so.
    await page.getByRole('dialog').getByRole('button', { name: '閉じる' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => rowOf(page, PROMOTION).count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('変更履歴を表示');
    expect(await axeSerious(page)).toEqual([]);
    await page.mouse.click(4, 880);
    expect(await axeSerious(page)).toEqual([]);
    expect(suzuki.problems).toEqual([]);
    expect(kato.problems).toEqual([]);
    await Promise.all([suzuki.close(), kato.close()]);
  });

  it('pastes a block from Excel (refused cells listed, none applied), keeps the draft over a reload, clears it at sign-out after asking', async () => {
    const opened = await signedIn('鈴木 一郎');
    const { page } = opened;
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.base });
    await cellOf(page, WORK, 'status').click();
    // As Excel copies: tab-separated, an unknown 実施状況 first, a reason, then content with a line break (quoted).
    await page.evaluate((text) => navigator.clipboard.writeText(text), 'たぶん\t予算の確保を調整中のため\t"【拡充】貼り付けた内容\n二行目"\r\n');
    await page.keyboard.press('Control+v');
    const notice = page.getByTestId('save-notice');
    await expect.poll(() => notice.textContent()).toContain('2 個のセルを貼り付け、1 個は貼り付けませんでした');
    expect(await notice.getByRole('listitem').allTextContents()).toEqual([expect.stringMatching(/^1 行目 1 列目（仕事と生活の両立支援 \/ A 取組の実施状況）: 「たぶん」は実施状況の選択肢/)]);
    expect(await cellOf(page, WORK, 'status').textContent()).toMatch(/^実施未定/);
    expect(await cellOf(page, WORK, 'reasonNotPlanned').textContent()).toContain('予算の確保を調整中のため');
    expect(await cellOf(page, WORK, 'narrative').textContent()).toContain('【拡充】貼り付けた内容\n二行目');
    expect(await axeSerious(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'grid-paste.png') });

    // The edit is in IndexedDB: a reload (or a crash) keeps it, marked unsaved.
    await page.reload();
    await overview(page).waitFor();
    await expect.poll(() => cellOf(page, WORK, 'narrative').textContent()).toContain('【拡充】貼り付けた内容');
    expect(await cellOf(page, WORK, 'narrative').textContent()).toContain('未保存');
    expect(await page.getByRole('button', { name: /^保存/ }).textContent()).toBe('保存（1 行）');
    // The editor open on a row: axe again.
    await cellOf(page, WORK, 'reasonNotPlanned').dblclick();
    await page.getByRole('textbox', { name: /理由/ }).waitFor();
    expect(await axeSerious(page)).toEqual([]);
    await page.keyboard.press('Escape');

    // Signing out on a shared PC asks first, then deletes the drafts.
    await page.getByRole('button', { name: 'サインアウト' }).click();
    const ask = page.getByRole('alertdialog');
    expect(await ask.textContent()).toContain('1 行');
    expect(await axeSerious(page)).toEqual([]);
    await ask.getByRole('button', { name: '下書きを削除してサインアウト' }).click();
    await page.getByRole('button', { name: '鈴木 一郎' }).click();
    await page.getByTestId('signed-in-user').waitFor();
    await overview(page).waitFor();
    expect(await cellOf(page, WORK, 'narrative').textContent()).not.toContain('貼り付けた内容');
    expect(await page.getByRole('button', { name: /^保存/ }).textContent()).toBe('保存（0 行）');
    expect(opened.problems).toEqual([]);
    await opened.close();
  });
});
