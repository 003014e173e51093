import { describe, expect, it } from 'vitest';

import type { StoredRow } from '../../src/core/ports.js';
import { BASE_SHEET_NAME } from '../../src/core/sync/workbook-format.js';
import type { WorkbookChange } from '../../src/core/sync/workbook-port.js';
import { loadWorkbook, resolveConflict, syncWorkbook, type SyncContext, type SyncReport } from '../../src/core/sync/workbook-sync.js';
import { ExcelFollowUpWorkbook, parseAddress, toCellText, toReadCell, type ExcelApi } from '../../src/hosts/excel/excel-workbook.js';
import { secretariatActor } from '../../src/core/permissions/rules.js';
import { FakeWorkbook, toRect } from '../support/fake-excel.js';
import { MemoryRows } from '../support/memory-rows.js';
import { sampleRows, SOUMU_2023, SUZUKI } from '../support/sample-rows.js';

// The Excel adapter against a fake workbook with Excel's semantics (test/support/fake-excel.ts): values land at
// sync(), unloaded properties throw, the add-in's own writes fire change events, a co-author edits at any time.
const OVERVIEW = '2_全体像';
const FOCUS = '1_重点項目';

interface Setup {
  /** Lets time pass (the echo window of the add-in's own writes). */
  later(): void;
  fake: FakeWorkbook;
  workbook: ExcelFollowUpWorkbook;
  list: MemoryRows;
  ctx: SyncContext;
  rows: StoredRow[];
  changes: WorkbookChange[];
}

async function loaded(rows = sampleRows()): Promise<Setup> {
  const fake = new FakeWorkbook();
  let clock = 0;
  const workbook = new ExcelFollowUpWorkbook({ excel: fake as unknown as ExcelApi, now: () => clock, echoWindowMs: 1000 });
  const list = new MemoryRows(rows, SUZUKI);
  const ctx: SyncContext = { workbook, rows: list, actor: SUZUKI, userId: 'suzuki', now: () => new Date(Date.UTC(2026, 11, 6) + clock) };
  const changes: WorkbookChange[] = [];
  workbook.onChange((c) => changes.push(c));
  await fake.settle();
  await loadWorkbook(ctx, SOUMU_2023, { divisionName: '大臣官房総務課' });
  await fake.settle();
  const later = (): void => {
    clock += 5000;
  };
  later();
  return { later, fake, workbook, list, ctx, rows, changes };
}

/** The sheet row (1-based) holding a row key in a table whose key column is `keyColumn`. */
function rowOf(fake: FakeWorkbook, table: string, rowKey: string): number {
  const t = fake.table(table);
  if (!t) throw new Error(`no table ${table}`);
  const keyCol = [...Array(t.c2 - t.c1 + 1).keys()].find((c) => t.sheet.peek(t.headerRow, t.c1 + c)?.value === '行キー（編集しないでください）') ?? -1;
  for (let r = t.headerRow + 1; r <= t.lastRow; r++) if (t.sheet.peek(r, t.c1 + keyCol)?.value === rowKey) return r + 1;
  throw new Error(`no row ${rowKey}`);
}

const initiative = (rows: StoredRow[]): StoredRow => rows.find((r) => r.reportKey.endsWith('L-R5-OVERVIEW') && r.row.kind === 'initiative' && r.row.status === 'implemented') as StoredRow;

async function sync(s: Setup): Promise<SyncReport> {
  const out = await syncWorkbook(s.ctx, { divisionName: '大臣官房総務課' });
  await s.fake.settle();
  if (!out.ok) throw new Error(out.en);
  return out.report;
}

describe('the Excel adapter on a fake workbook', () => {
  it('loads one formatted table per report: headers, text cells, grey read-only cells, 実施状況 list, hidden keys, very hidden base', async () => {
    const { fake, rows } = await loaded();
    expect(fake.tables.map((t) => [t.name, t.sheet.name])).toEqual([
      ['FollowUp1', FOCUS],
      ['FollowUp2', OVERVIEW],
    ]);
    const sheet = fake.requireSheet(OVERVIEW);
    expect(fake.valueAt(OVERVIEW, 'A1')).toBe('総務省　令和5年度　取組計画の全体像');
    expect([fake.valueAt(OVERVIEW, 'C5'), fake.valueAt(OVERVIEW, 'F5')]).toEqual(['A 取組の実施状況', '行キー（編集しないでください）']);
    expect([...sheet.hiddenColumns].sort()).toEqual([5, 6, 7]);
    expect(sheet.frozenRows).toBe(5);
    expect(sheet.columnWidths.get(4)).toBe(371);
    const target = initiative(rows);
    const r = rowOf(fake, 'FollowUp2', target.rowKey);
    expect(fake.cellAt(OVERVIEW, `C${r}`)).toMatchObject({ value: '実施', numberFormat: '@', fill: null, wrapText: true });
    expect(fake.cellAt(OVERVIEW, `A${r}`).fill).toBe('#EDEDED');
    const validation = sheet.validations.find((v) => v.c1 === 2);
    expect(validation?.rule).toEqual({ list: { inCellDropDown: true, source: '実施,実施未定' } });
    expect([validation?.r1, validation?.r2]).toEqual([5, fake.table('FollowUp2')?.lastRow]);
    expect(fake.requireSheet(BASE_SHEET_NAME).visibility).toBe('VeryHidden');
    // A 数値 row's status cell is not filled in: grey.
    const figures = rows.find((x) => x.reportKey.endsWith('L-R5-OVERVIEW') && x.row.kind === 'indicator') as StoredRow;
    const f = rowOf(fake, 'FollowUp2', figures.rowKey);
    expect([fake.cellAt(OVERVIEW, `C${f}`).fill, fake.cellAt(OVERVIEW, `E${f}`).fill]).toEqual(['#EDEDED', null]);
  });

  it('keeps Excel’s batch semantics: nothing lands before sync(), unloaded properties throw', async () => {
    const fake = new FakeWorkbook();
    await expect(
      fake.run(async (ctx) => {
        const range = ctx.workbook.worksheets.getItem('Sheet1').getRange('A1');
        range.values = [['x']];
        expect(fake.valueAt('Sheet1', 'A1')).toBe('');
        range.load('values');
        await ctx.sync();
        expect(fake.valueAt('Sheet1', 'A1')).toBe('x');
        return range.values;
      }),
    ).resolves.toEqual([['x']]);
    await expect(fake.run(async (ctx) => ctx.workbook.worksheets.getItem('Sheet1').getRange('A1').values)).rejects.toThrow(/PropertyNotLoaded/);
    await expect(
      fake.run(async (ctx) => {
        ctx.workbook.worksheets.getItem('Sheet1').getRange('A1').values = [['lost']];
      }),
    ).rejects.toThrow(/never synced/);
  });

  it('reads a load back with nothing to sync, in a few round trips', async () => {
    const s = await loaded();
    const before = s.fake.syncs;
    const report = await sync(s);
    expect([report.sent.rows, report.cellsWritten, report.issues, report.conflicts, report.restored]).toEqual([0, 0, [], [], []]);
    // read, re-read and the base: each one Excel.run of two syncs at most.
    expect(s.fake.syncs - before).toBeLessThanOrEqual(6);
  });

  it('sends the person’s edits after a sort, takes the list’s into the cells, and hears only the person’s own changes', async () => {
    const s = await loaded();
    const target = initiative(s.rows);
    const other = s.rows.find((r) => r.reportKey.endsWith('L-R5-OVERVIEW') && r.row.kind === 'initiative' && r !== target) as StoredRow;
    s.fake.sort('FollowUp2', 1, true);
    const r = rowOf(s.fake, 'FollowUp2', target.rowKey);
    s.fake.type(OVERVIEW, `C${r}`, '実施未定');
    s.fake.type(OVERVIEW, `D${r}`, '次年度に検討する');
    s.list.edit(other.rowKey, 'narrative', '【拡充】 タブで書いた内容');
    await s.fake.settle();
    expect(s.changes.map((c) => [c.table, c.source])).toEqual([
      ['FollowUp2', 'local'],
      ['FollowUp2', 'local'],
    ]);
    const report = await sync(s);
    expect(report.sent).toEqual({ rows: 1, fields: 2, saved: 1, merged: 0 });
    expect([s.list.rows.get(target.rowKey)?.row.status, s.list.rows.get(target.rowKey)?.row.reasonNotPlanned]).toEqual(['undecided', '次年度に検討する']);
    expect(s.fake.valueAt(OVERVIEW, `E${rowOf(s.fake, 'FollowUp2', other.rowKey)}`)).toBe('【拡充】 タブで書いた内容');
    expect(report.cellsWritten).toBe(1);
    // The add-in's own writes (the cell, the base) fired events too; none reached the listener.
    expect(s.fake.events.length).toBeGreaterThan(2);
    expect(s.changes).toHaveLength(2);
    const again = await sync(s);
    expect([again.sent.rows, again.cellsWritten]).toEqual([0, 0]);
  });

  it('leaves a cell a co-author changed between the read and the write, and sends it on the next sync', async () => {
    const s = await loaded();
    const target = initiative(s.rows);
    const mine = s.rows.find((r) => r.reportKey.endsWith('L-R5-OVERVIEW') && r.row.kind === 'initiative' && r !== target) as StoredRow;
    s.list.edit(target.rowKey, 'narrative', '【新規】 リスト側の変更');
    const r = rowOf(s.fake, 'FollowUp2', target.rowKey);
    s.fake.type(OVERVIEW, `E${rowOf(s.fake, 'FollowUp2', mine.rowKey)}`, '【継続】 自分の変更');
    // While the sync saves, a co-author types into the very cell the list's change was going to.
    s.list.beforeWrite = () => s.fake.coauthor(OVERVIEW, `E${r}`, '【継続】 共同編集者の変更');
    const report = await sync(s);
    s.list.beforeWrite = null;
    expect(report.changedMeanwhile.map((n) => n.rowKey)).toEqual([target.rowKey]);
    expect(s.fake.valueAt(OVERVIEW, `E${r}`)).toBe('【継続】 共同編集者の変更');
    expect(s.changes.some((c) => c.source === 'remote')).toBe(true);
    const next = await sync(s);
    expect(next.sent.rows).toBe(1);
    expect(s.list.rows.get(target.rowKey)?.row.narrative).toBe('【継続】 共同編集者の変更');
  });

  it('lists a clash with mine, theirs and base and writes nothing of it until the person chooses', async () => {
    const s = await loaded();
    const target = initiative(s.rows);
    const r = rowOf(s.fake, 'FollowUp2', target.rowKey);
    const base = String(s.fake.valueAt(OVERVIEW, `E${r}`));
    s.fake.type(OVERVIEW, `E${r}`, '【継続】 シートの内容');
    s.list.edit(target.rowKey, 'narrative', '【継続】 リストの内容');
    const report = await sync(s);
    expect(report.conflicts.map((c) => [c.field, c.mine, c.theirs, c.base, c.place?.address])).toEqual([['narrative', '【継続】 シートの内容', '【継続】 リストの内容', base, `${OVERVIEW}!E${r}`]]);
    expect(s.fake.valueAt(OVERVIEW, `E${r}`)).toBe('【継続】 シートの内容');
    expect(s.list.rows.get(target.rowKey)?.row.narrative).toBe('【継続】 リストの内容');
    expect((await sync(s)).conflicts).toHaveLength(1);
    // Mine: the next sync sends the sheet's text.
    await resolveConflict(s.workbook, report.conflicts[0] as never, 'mine', report.list);
    const after = await sync(s);
    expect([after.conflicts.length, after.sent.rows]).toEqual([0, 1]);
    expect(s.list.rows.get(target.rowKey)?.row.narrative).toBe('【継続】 シートの内容');
  });

  it('takes theirs into the cell when the person chooses the list’s value', async () => {
    const s = await loaded();
    const target = initiative(s.rows);
    const r = rowOf(s.fake, 'FollowUp2', target.rowKey);
    s.fake.type(OVERVIEW, `E${r}`, '【継続】 シートの内容');
    s.list.edit(target.rowKey, 'narrative', '【継続】 リストの内容');
    const report = await sync(s);
    await resolveConflict(s.workbook, report.conflicts[0] as never, 'theirs', report.list);
    expect(s.fake.valueAt(OVERVIEW, `E${r}`)).toBe('【継続】 リストの内容');
    const after = await sync(s);
    expect([after.conflicts.length, after.sent.rows, after.cellsWritten]).toEqual([0, 0, 0]);
  });

  it('restores a row the division deleted, lists a typed row as a proposal, and writes neither to the list', async () => {
    const s = await loaded();
    const target = initiative(s.rows);
    const t = s.fake.table('FollowUp2');
    const before = (t?.lastRow ?? 0) - (t?.headerRow ?? 0);
    s.fake.deleteTableRow('FollowUp2', rowOf(s.fake, 'FollowUp2', target.rowKey) - 6);
    s.fake.typeRowBelow('FollowUp2', ['', '新しい取組', '実施', '', '【新規】 提案']);
    await s.fake.settle();
    const report = await sync(s);
    expect(report.restored.map((n) => n.rowKey)).toEqual([target.rowKey]);
    expect(report.proposals.map((p) => p.label)).toEqual(['新しい取組']);
    expect(s.list.calls.save).toEqual([]);
    expect(rowOf(s.fake, 'FollowUp2', target.rowKey)).toBeGreaterThan(5);
    expect((t?.lastRow ?? 0) - (t?.headerRow ?? 0)).toBe(before + 1);
    const again = await sync(s);
    expect([again.restored.length, again.proposals.length]).toEqual([0, 1]);
  });

  it('for the secretariat, after its confirmation: deletes from the list a row deleted in the sheet, creates a typed row', async () => {
    const s = await loaded();
    const sato = secretariatActor('佐藤 花子');
    const list = s.list.as(sato);
    const ctx: SyncContext = { ...s.ctx, rows: list, actor: sato, structure: list };
    const target = initiative(s.rows);
    s.fake.deleteTableRow('FollowUp2', rowOf(s.fake, 'FollowUp2', target.rowKey) - 6);
    s.fake.typeRowBelow('FollowUp2', ['', '新しい取組', '実施', '', '【新規】 提案']);
    await s.fake.settle();
    const asked: string[] = [];
    const out = await syncWorkbook(ctx, {
      divisionName: '大臣官房総務課',
      decideDeleted: (rows) => (asked.push(`delete ${rows.map((r) => r.label).join()}`), Promise.resolve('delete')),
      confirmCreate: (rows) => (asked.push(`create ${rows.map((r) => r.label).join()}`), Promise.resolve(true)),
    });
    await s.fake.settle();
    if (!out.ok) throw new Error(out.en);
    expect(asked).toEqual([`delete ${target.row.title}`, 'create 新しい取組']);
    expect(out.report.deleted.map((n) => n.rowKey)).toEqual([target.rowKey]);
    expect([out.report.restored.length, out.report.proposals.length, out.report.issues]).toEqual([0, 0, []]);
    expect(s.list.rows.has(target.rowKey)).toBe(false);
    // The typed row is an initiative of the table's report, with the sheet's values and the workbook's division.
    const created = [...s.list.rows.values()].find((r) => r.row.title === '新しい取組') as StoredRow;
    expect(out.report.created.map((n) => n.rowKey)).toEqual([created.rowKey]);
    expect(created.reportKey).toBe(target.reportKey);
    expect(created.row).toMatchObject({ key: 'L-R5-OVERVIEW/added-1', kind: 'initiative', status: 'implemented', narrative: '【新規】 提案', division: 'div-somu' });
    // The sheet's keyless row is now the created row (keyed): a second sync has nothing to do or ask.
    expect(rowOf(s.fake, 'FollowUp2', created.rowKey)).toBeGreaterThan(5);
    asked.length = 0;
    const again = await syncWorkbook(ctx, { decideDeleted: () => Promise.resolve('delete'), confirmCreate: () => Promise.resolve(true) });
    if (!again.ok) throw new Error(again.en);
    expect([asked, again.report.proposals.length, again.report.created.length, again.report.deleted.length, again.report.sent.rows]).toEqual([[], 0, 0, 0, 0]);
  });

  it('names a formula, an error value, a date Excel made and a pasted duplicate row, and writes none of them', async () => {
    const s = await loaded();
    const [a, b, c] = s.rows.filter((r) => r.reportKey.endsWith('L-R5-OVERVIEW') && r.row.kind === 'initiative') as [StoredRow, StoredRow, StoredRow];
    const ra = rowOf(s.fake, 'FollowUp2', a.rowKey);
    const rb = rowOf(s.fake, 'FollowUp2', b.rowKey);
    // Cells pasted with their formats from elsewhere (General), then typed into.
    for (const address of [`E${ra}`, `D${ra}`, `E${rb}`]) s.fake.cellAt(OVERVIEW, address).numberFormat = 'General';
    s.fake.type(OVERVIEW, `E${ra}`, '=A1&B1');
    s.fake.type(OVERVIEW, `D${ra}`, '#N/A');
    s.fake.type(OVERVIEW, `E${rb}`, '2024/4/1');
    const copy = Array.from({ length: 8 }, (_, i) => s.fake.valueAt(OVERVIEW, `${String.fromCharCode(65 + i)}${rowOf(s.fake, 'FollowUp2', c.rowKey)}`));
    s.fake.typeRowBelow('FollowUp2', copy as string[]);
    await s.fake.settle();
    const report = await sync(s);
    expect(report.issues.map((i) => [i.code, i.rowKey === a.rowKey ? 'a' : i.rowKey === b.rowKey ? 'b' : 'c', i.field, i.value]).sort()).toEqual(
      [
        ['BAD_CELL', 'a', 'narrative', '=A1&B1'],
        ['BAD_CELL', 'a', 'reasonNotPlanned', '#N/A'],
        ['BAD_CELL', 'b', 'narrative', '日付 2024-04-01（文字として入力してください）'],
        ['DUPLICATE_KEY', 'c', null, null],
        ['DUPLICATE_KEY', 'c', null, null],
      ].sort(),
    );
    expect(s.list.calls.save).toEqual([]);
  });

  it('keeps text that looks like a formula as text, in the cell and back', async () => {
    const rows = sampleRows();
    const target = initiative(rows);
    Object.assign(target.row, { narrative: '=HYPERLINK("http://evil.example","x")' });
    const s = await loaded(rows);
    const r = rowOf(s.fake, 'FollowUp2', target.rowKey);
    expect(s.fake.cellAt(OVERVIEW, `E${r}`)).toMatchObject({ value: '=HYPERLINK("http://evil.example","x")', formula: null });
    expect((await sync(s)).sent.rows).toBe(0);
  });

  it('moves the cells of a thousand rows in a constant number of round trips', async () => {
    const many = Array.from({ length: 10 }, (_, k) => sampleRows().map((r) => ({ ...r, rowKey: `${r.rowKey}#${k}`, row: { ...r.row, sortOrder: r.row.sortOrder + k * 1000 } }))).flat();
    const s = await loaded(many);
    const before = s.fake.syncs;
    for (const r of many.filter((x) => x.row.kind === 'initiative' && x.reportKey.endsWith('L-R5-OVERVIEW')).slice(0, 40)) s.list.edit(r.rowKey, 'narrative', `【継続】 ${r.rowKey}`);
    const out = await syncWorkbook(s.ctx);
    expect(out.ok && out.report.cellsWritten).toBe(40);
    // At most 8 round trips for the sync, and the 40 events of our own 40 cells judged together in at most 2 more
    // (during the sync or after it, as the 30 ms burst timer falls on a loaded machine); none reaches the listener.
    await s.fake.settle();
    expect(s.fake.syncs - before).toBeLessThanOrEqual(10);
    expect(s.changes).toEqual([]);
  });
});

describe('adapter helpers', () => {
  it('parses addresses as Excel reports them', () => {
    expect(parseAddress('E12')).toEqual({ r1: 11, c1: 4, r2: 11, c2: 4 });
    expect(parseAddress("'2_全体像'!A6:H6")).toEqual({ r1: 5, c1: 0, r2: 5, c2: 7 });
    expect(parseAddress('A:A')).toEqual({ r1: 0, c1: 0, r2: 1048575, c2: 0 });
    expect(toRect('B3:D7')).toEqual({ r1: 2, c1: 1, r2: 6, c2: 3 });
  });

  it('quotes texts Excel would take for a formula, and reads cells as the person sees them', () => {
    expect(['=1', '+x', '-y', '@z', "'q", '【継続】'].map(toCellText)).toEqual(["'=1", "'+x", "'-y", "'@z", "''q", '【継続】']);
    expect(toReadCell('x', '=A1&B1', 'String', '@')).toEqual({ bad: '=A1&B1' });
    expect(toReadCell('=text', '=text', 'String', '@')).toEqual({ text: '=text' });
    expect(toReadCell('#N/A', '#N/A', 'Error', 'General')).toEqual({ bad: '#N/A' });
    expect(toReadCell(45383, 45383, 'Double', 'yyyy/m/d')).toEqual({ bad: '日付 2024-04-01（文字として入力してください）' });
    expect(toReadCell(12, 12, 'Double', 'General')).toEqual({ text: '12' });
    expect(toReadCell('', '', 'Empty', '@')).toEqual({ text: '' });
  });
});
