import { join } from 'node:path';

import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

import { secretariatActor } from '../../src/core/permissions/rules.js';
import { CycleAdmin } from '../../src/graph/cycle.js';
import { openReviewService } from '../../src/graph/review.js';
import { axeSerious, SHOTS, useE2eApp } from '../support/e2e-app.js';

// The review cycle in the browser (#12), against the real local service (its own database: these tests write):
// 提出 refused with the rows and fields to fix; then the whole flow with the keyboard only — the division submits,
// the reviewer returns one row with a comment on a field, the division sees the comment on that field, fixes it and
// submits again, the reviewer sees what changed since the review and approves in bulk; axe on every new view and
// screenshots of them in light, dark and high contrast (test-results/screenshots/review-*.png).
const e2e = useE2eApp('e2e-review-');
const SCOPE = { orgCode: 'soumu', fiscalYear: 2023 } as const;
const MANAGER = '/tab.html?view=manager&fy=2023';
const WORK = /仕事と生活の両立支援/;
// Each wait covers a page load and the review's reads: generous, for two cores shared by a whole test run.
const POLL = { timeout: 30_000 };

/** The review of the ministry's rows as the engine reads them (the secretariat's view). */
async function states(): Promise<Map<string, { state: string; title: string; comment: string | null; field: string | null; by: string | null }>> {
  const service = await openReviewService({ connection: e2e.embedded.connection, site: { id: e2e.embedded.site.id }, actor: secretariatActor('大臣官房秘書課') });
  const rows = await service.overview({ ...SCOPE, divisionCode: 'div-somu' });
  return new Map(rows.map((r) => [r.row.rowKey, { state: r.state, title: r.row.row.title, comment: r.review.comment, field: r.review.commentField, by: r.review.decidedBy }]));
}

const overviewGrid = (page: Page): Locator => page.getByRole('grid', { name: /取組計画の全体像/ });
const rowOf = (page: Page, title: RegExp): Locator => overviewGrid(page).getByRole('row').filter({ has: page.getByRole('rowheader', { name: title }) });
const cellOf = (page: Page, title: RegExp, column: string): Locator => rowOf(page, title).locator(`[data-column="${column}"]`);
const focused = (page: Page): Promise<string> => page.evaluate(() => {
  const e = document.activeElement as HTMLElement | null;
  return `${e?.getAttribute('aria-label') ?? ''}|${(e?.innerText ?? '').slice(0, 80)}`;
});

/** Presses Tab (or Shift+Tab) until the focused element's name or text matches: how a keyboard user gets there. */
async function tabTo(page: Page, name: RegExp, back = false): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if (name.test(await focused(page))) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`no tab stop matching ${name}; focus is on ${await focused(page)}`);
}

const notice = (page: Page, id: 'review-notice' | 'manager-notice'): Promise<string> => page.getByTestId(id).textContent().then((t) => t ?? '');

describe('the review cycle in the tab and the manager view', () => {
  it('refuses 提出 while a row does not validate: lists the row and the field, submits nothing', async () => {
    const { page, problems, close } = await e2e.signedIn('鈴木 一郎');
    const submit = page.getByRole('button', { name: /^提出（5行）/ });
    await submit.waitFor();
    expect(await rowOf(page, WORK).getByRole('rowheader').textContent()).toContain('未確認');
    await submit.click();
    const text = await expect.poll(() => notice(page, 'review-notice'), POLL).toContain('提出しませんでした').then(() => notice(page, 'review-notice'));
    expect(text).toContain('「仕事と生活の両立支援」の実施状況: 実施状況（実施／実施未定）が未記入です。');
    expect([...(await states()).values()].map((s) => s.state)).toEqual(['未確認', '未確認', '未確認', '未確認', '未確認']);
    expect(await axeSerious(page)).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });

  it('runs the whole cycle with the keyboard only: submit, return with a comment on a field, fix, resubmit, approve', async () => {
    const suzuki = await e2e.signedIn('鈴木 一郎');
    const d = suzuki.page;
    await overviewGrid(d).waitFor();
    // 実施状況 of the 取組 row: Tab into the overview grid, arrows to the cell, Enter, ↓ to 実施, Enter; Ctrl+S saves.
    for (let i = 0; i < 30 && !(await d.evaluate(() => document.activeElement?.closest('[role=grid]')?.getAttribute('aria-labelledby')?.includes('OVERVIEW') ?? false)); i++) await d.keyboard.press('Tab');
    await d.keyboard.press('ArrowDown');
    await d.keyboard.press('ArrowRight');
    await d.keyboard.press('Enter');
    await d.keyboard.press('ArrowDown');
    await d.keyboard.press('Enter');
    expect(await cellOf(d, WORK, 'status').textContent()).toContain('実施');
    await d.keyboard.press('Control+s');
    await expect.poll(() => d.getByTestId('save-notice').textContent(), POLL).toContain('1 行を保存しました');
    // Back to 提出 (Shift+Tab), Enter: all five rows submitted.
    await tabTo(d, /^\|提出（5行）/, true);
    await d.keyboard.press('Enter');
    await expect.poll(() => notice(d, 'review-notice'), POLL).toContain('5行を提出しました');
    await expect.poll(async () => rowOf(d, WORK).getByRole('rowheader').textContent(), POLL).toContain('提出済');
    expect([...(await states()).values()].every((s) => s.state === '提出済')).toBe(true);

    // The reviewer: the overview, 大臣官房総務課 opened, the 取組 row returned with a comment on 取組時期・内容.
    const takahashi = await e2e.signedIn('高橋 健一', MANAGER);
    const m = takahashi.page;
    const overview = m.getByTestId('division-overview');
    await overview.waitFor();
    // 大臣官房総務課: 5 of 5 rows submitted; the reviewer's page accepts the submissions (locks the rows), none decided.
    const somuCells = (): Promise<string[]> => m.getByTestId('division-overview').locator('[data-division="div-somu"] td').allTextContents();
    await expect.poll(async () => (await somuCells()).slice(1, 6), POLL).toEqual(['5 / 5 行', '0', '5', '0', '0']);
    expect(await m.getByTestId('accept-notice').count()).toBe(0);
    await tabTo(m, /^大臣官房総務課の行を開く/);
    await m.keyboard.press('Enter');
    await m.getByRole('heading', { name: /大臣官房総務課の行（5 行）/ }).waitFor();
    await tabTo(m, /^「仕事と生活の両立支援」を選択/);
    await m.keyboard.press('Space');
    await tabTo(m, /選択した行を差戻し（1行）/, true);
    await m.keyboard.press('Enter');
    const dialog = m.getByRole('dialog', { name: '1行を差し戻す' });
    await dialog.waitFor();
    await expect.poll(() => m.evaluate(() => document.activeElement?.tagName), POLL).toBe('TEXTAREA');
    await m.keyboard.type('成果の数値（利用者数）を追記してください。');
    await m.keyboard.press('Tab');
    for (let i = 0; i < 3; i++) await m.keyboard.press('ArrowDown');
    expect(await dialog.getByRole('combobox', { name: 'コメントする欄' }).inputValue()).toBe('Narrative');
    expect(await axeSerious(m)).toEqual([]);
    await tabTo(m, /差し戻す（1行）/);
    await m.keyboard.press('Enter');
    await expect.poll(() => notice(m, 'manager-notice'), POLL).toContain('1行を差し戻しました');
    const returned = [...(await states()).values()].find((s) => WORK.test(s.title));
    expect(returned).toMatchObject({ state: '差戻し', comment: '成果の数値（利用者数）を追記してください。', field: 'Narrative', by: '高橋 健一' });

    // The division sees the comment on 取組時期・内容 of that row; the other rows are read-only, and say why.
    await d.reload();
    await expect.poll(() => rowOf(d, WORK).getByRole('rowheader').textContent(), POLL).toContain('差戻し');
    const narrative = cellOf(d, WORK, 'narrative');
    expect(await narrative.getByTestId('review-comment').textContent()).toContain('成果の数値（利用者数）を追記してください。');
    expect(await narrative.getAttribute('aria-describedby')).toContain(await narrative.getByTestId('review-comment').getAttribute('id'));
    expect(await cellOf(d, WORK, 'status').getByTestId('review-comment').count()).toBe(0);
    expect(await cellOf(d, /各府省等における取組の推進/, 'narrative').getAttribute('aria-readonly')).toBe('true');
    expect(await rowOf(d, /各府省等における取組の推進/).getByRole('rowheader').textContent()).not.toContain('受付待ち');
    await d.screenshot({ path: join(SHOTS, 'review-tab-returned-light.png'), fullPage: true });
    expect(await axeSerious(d)).toEqual([]);

    // Fix by keyboard: to the content cell, F2, add a line, Ctrl+Enter, Ctrl+S, then 提出 (now 1 row).
    for (let i = 0; i < 30 && !(await d.evaluate(() => document.activeElement?.closest('[role=grid]')?.getAttribute('aria-labelledby')?.includes('OVERVIEW') ?? false)); i++) await d.keyboard.press('Tab');
    await d.keyboard.press('ArrowDown');
    await d.keyboard.press('End');
    await d.keyboard.press('ArrowLeft');
    await expect.poll(() => d.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.column), POLL).toBe('narrative');
    await d.keyboard.press('F2');
    await d.keyboard.press('Control+End');
    await d.keyboard.press('Enter');
    await d.keyboard.type('【継続】テレワーク制度の利用者数は令和5年度に延べ1,200人。');
    await d.keyboard.press('Control+Enter');
    await d.keyboard.press('Control+s');
    await expect.poll(() => d.getByTestId('save-notice').textContent(), POLL).toContain('1 行を保存しました');
    await tabTo(d, /^\|提出（1行）/, true);
    await d.keyboard.press('Enter');
    await expect.poll(() => notice(d, 'review-notice'), POLL).toContain('1行を提出しました');

    // The reviewer sees what changed since the return, then approves every row at once.
    await m.reload();
    await m.getByTestId('division-overview').waitFor();
    await tabTo(m, /^大臣官房総務課の行を開く/);
    await m.keyboard.press('Enter');
    await tabTo(m, /^「仕事と生活の両立支援」の変更を表示/);
    await m.keyboard.press('Enter');
    const changes = m.getByRole('table', { name: /前回の確認（差戻し、.*高橋 健一）からの変更/ });
    await changes.waitFor();
    const changed = changes.getByRole('row').filter({ has: m.getByRole('rowheader', { name: '取組時期・内容' }) });
    expect(await changed.textContent()).toContain('延べ1,200人');
    expect(await changes.getByRole('rowheader').allTextContents()).toEqual(['取組時期・内容']);
    expect(await axeSerious(m)).toEqual([]);
    await tabTo(m, /^確認できる行をすべて選択/, true);
    await m.keyboard.press('Space');
    await tabTo(m, /選択した行を承認（5行）/, true);
    await m.keyboard.press('Enter');
    await m.getByRole('dialog', { name: '5行を承認する' }).waitFor();
    await tabTo(m, /承認する（5行）/);
    await m.keyboard.press('Enter');
    await expect.poll(() => notice(m, 'manager-notice'), POLL).toContain('5行を承認しました');
    expect([...(await states()).values()].map((s) => s.state)).toEqual(['承認済', '承認済', '承認済', '承認済', '承認済']);
    await tabTo(m, /部局・課室の一覧へ戻る/, true);
    await m.keyboard.press('Enter');
    await expect.poll(async () => (await somuCells()).slice(1, 6), POLL).toEqual(['5 / 5 行', '0', '0', '0', '5']);

    // The division: approved rows read-only with the reason in the side panel.
    await d.reload();
    await expect.poll(() => rowOf(d, WORK).getByRole('rowheader').textContent(), POLL).toContain('承認済');
    await cellOf(d, WORK, 'narrative').click();
    expect(await d.getByRole('complementary').textContent()).toContain('この行は承認済みです');
    expect(suzuki.problems).toEqual([]);
    expect(takahashi.problems).toEqual([]);
    await Promise.all([suzuki.close(), takahashi.close()]);
  });

  it('shows the manager view (deadline, overdue) and a division compared with last year in light, dark and high contrast, axe-clean', async () => {
    // The secretariat sets a deadline that has passed: every division but 大臣官房総務課 (all approved) is overdue.
    const cycles = await CycleAdmin.open({ connection: e2e.embedded.connection, site: { id: e2e.embedded.site.id }, actor: secretariatActor('大臣官房秘書課') });
    await cycles.setDeadline('soumu', 2023, '令和6年6月28日');
    for (const mode of ['light', 'dark', 'contrast'] as const) {
      const { page, problems, close } = await e2e.signedIn('高橋 健一', MANAGER, { colorScheme: mode === 'light' ? 'light' : 'dark', forcedColors: mode === 'contrast' ? 'active' : 'none' });
      await page.getByTestId('division-overview').waitFor();
      await expect.poll(() => page.getByText('提出期限: 令和6年6月28日').count(), POLL).toBe(1);
      const overdue = async (division: string): Promise<string> => (await page.getByTestId('division-overview').locator(`[data-division="${division}"] td`).nth(6).textContent()) ?? '';
      expect([await overdue('div-somu'), await overdue('div-kikaku'), await overdue('div-joho')]).toEqual(['0', '2 行', '4 行']);
      // The number columns' headers end where their numbers end (right-aligned together), in every theme.
      const ends = await page.getByTestId('division-overview').evaluate((table) => {
        const right = (el: Element | null | undefined): number => {
          const r = document.createRange();
          if (el) r.selectNodeContents(el);
          return Math.round(r.getBoundingClientRect().right);
        };
        return [2, 3, 4, 5, 6].map((c) => [right(table.querySelectorAll('thead th')[c]), right(table.querySelector('tbody tr[data-division="div-joho"]')?.querySelectorAll('td')[c])]);
      });
      for (const [head, num] of ends) expect(Math.abs(head! - num!), JSON.stringify(ends)).toBeLessThanOrEqual(2);
      // The header's report slot carries the report button (loaded on first paint of the slot).
      await page.getByTestId('manager-report-slot').getByRole('button', { name: '報告書を作成' }).waitFor(POLL);
      await page.screenshot({ path: join(SHOTS, `review-manager-${mode}.png`), fullPage: true });
      expect(await axeSerious(page), `overview ${mode}`).toEqual([]);
      // 令和6年度: the compilation's 重点項目 against the same 重点項目 of 令和5年度.
      await page.getByRole('combobox', { name: '年度' }).selectOption('2024');
      await page.getByRole('button', { name: '未割当の行を開く' }).click();
      await page.getByRole('button', { name: '「モチベーションの向上」の変更を表示' }).click();
      const lastYear = page.getByRole('table', { name: '前年度の回答との違い' });
      await lastYear.waitFor();
      expect(await lastYear.getByRole('rowheader').allTextContents()).toContain('取組時期・内容');
      expect(await lastYear.textContent()).toContain('組織ミッションの共有');
      await page.screenshot({ path: join(SHOTS, `review-division-${mode}.png`), fullPage: true });
      expect(await axeSerious(page), `division ${mode}`).toEqual([]);
      expect(problems, mode).toEqual([]);
      await close();
    }
  });
  it('the secretariat reminds the divisions from the manager view (plan first, then sent once), and the division sees it in its tab', async () => {
    const sato = await e2e.signedIn('佐藤 花子', MANAGER);
    const { page } = sato;
    await page.getByTestId('division-overview').waitFor(POLL);
    await page.getByRole('button', { name: '督促・通知を送信' }).click();
    const dialog = page.getByRole('dialog', { name: '部局・課室への督促・通知' });
    // The plan: divisions with rows not submitted or returned, nothing sent yet.
    await dialog.getByText(/次の \d+ 部局・課室に送信します（まだ送信していません）/).waitFor(POLL);
    const recipients = dialog.getByRole('list', { name: '送信先' });
    expect(await recipients.textContent()).toContain('大臣官房企画課：対象 2 行（送信予定）');
    expect(await axeSerious(page)).toEqual([]);
    await dialog.getByRole('button', { name: /^送信（\d+ 部局・課室）$/ }).click();
    await dialog.getByText(/部局・課室に送信しました/).waitFor(POLL);
    expect(await recipients.textContent()).toContain('大臣官房企画課：対象 2 行（Teams のチャネルに投稿）');
    await page.screenshot({ path: join(SHOTS, 'review-manager-remind.png'), fullPage: true });
    await dialog.getByRole('button', { name: '閉じる' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent), POLL).toBe('督促・通知を送信');
    expect(await axeSerious(page)).toEqual([]);
    // Pressed again the same day: nothing is sent twice (each division's claim for the day answers 409, by design).
    await page.getByRole('button', { name: '督促・通知を送信' }).click();
    await dialog.getByRole('button', { name: /^送信/ }).click();
    await dialog.getByText(/0 部局・課室に送信しました/).waitFor(POLL);
    expect(await recipients.textContent()).toContain('本日送信済み');
    // 田中 (大臣官房企画課) sees the reminder in the tab.
    const tanaka = await e2e.signedIn('田中 誠', '/?fy=2023&division=div-kikaku');
    const notice = tanaka.page.getByTestId('reminder-notice');
    await notice.waitFor(POLL);
    expect(await notice.getAttribute('aria-label')).toBe('取りまとめ担当からのお知らせ');
    expect(await notice.textContent()).toContain('提出期限のお知らせ');
    expect(sato.problems.filter((p) => !p.includes('409 (Conflict)'))).toEqual([]);
    expect(tanaka.problems).toEqual([]);
    await Promise.all([sato.close(), tanaka.close()]);
  });
});
