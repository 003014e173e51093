import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { toListRowKey } from '../../../src/core/lists/row-fields.js';
import { createRow } from '../../../src/core/model/create-row.js';
import type { Actor } from '../../../src/core/permissions/rules.js';
import type { StoredRow } from '../../../src/core/ports.js';
import { BASE_SHEET_NAME } from '../../../src/core/sync/workbook-format.js';
import { loadWorkbook, syncWorkbook, type SyncReport } from '../../../src/core/sync/workbook-sync.js';
import { importBytes } from '../../../src/io/import.js';
import { ExcelJsFollowUpWorkbook } from '../../../src/io/xlsx/followup-workbook.js';
import { MemoryRows } from '../../support/memory-rows.js';

const samples = join(import.meta.dirname, '..', '..', '..', 'samples');
const result = importBytes('000_af6c26688b7c18a9.txt', readFileSync(join(samples, '000_af6c26688b7c18a9.txt')));
const overview = result.reports.find((r) => r.layout === 'L-R5-OVERVIEW');
if (!overview) throw new Error('000 has a 全体像 table');
const stored: StoredRow[] = overview.rows
  .filter((row) => row.kind !== 'heading')
  .map((row, i) => ({
    rowKey: toListRowKey(overview.key, row.key),
    reportKey: overview.key,
    fiscalYear: 2023,
    orgCode: 'soumu',
    row: { ...row, division: 'div-somu' },
    reviewComment: null,
    itemId: String(i + 1),
    eTag: `"{e${i}},1"`,
    lastModified: '2026-04-01T00:00:00Z',
  }));
const suzuki: Actor = { displayName: '鈴木 一郎', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-somu' }] };
const SCOPE = { site: 'localhost:/sites/followup', orgCode: 'soumu', fiscalYear: 2023, divisionCode: 'div-somu' };
const SHEET = '1_全体像';

/** The template as `export-template` writes it, and the list it came from. */
async function exported(): Promise<{ bytes: Buffer; list: MemoryRows }> {
  const list = new MemoryRows(stored, suzuki);
  const workbook = ExcelJsFollowUpWorkbook.create();
  await loadWorkbook({ workbook, rows: list, actor: suzuki, userId: 'u1', now: () => new Date('2026-12-06T00:00:00Z') }, SCOPE, { divisionName: '大臣官房総務課' });
  return { bytes: await workbook.toBuffer(), list };
}

/** Edits the file as another program would (exceljs stands in for a script), then syncs it. */
async function editAndSync(edit: (ws: ExcelJS.Worksheet) => void, list?: MemoryRows): Promise<{ report: SyncReport | null; message: string; list: MemoryRows; bytes: Buffer }> {
  const first = await exported();
  const rows = list ?? first.list;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(first.bytes as unknown as ArrayBuffer);
  edit(wb.getWorksheet(SHEET) as ExcelJS.Worksheet);
  const opened = await ExcelJsFollowUpWorkbook.open(Buffer.from(await wb.xlsx.writeBuffer()));
  if (!opened.ok) return { report: null, message: opened.ja, list: rows, bytes: first.bytes };
  const outcome = await syncWorkbook({ workbook: opened.workbook, rows, actor: suzuki, userId: 'u1' });
  return { report: outcome.ok ? outcome.report : null, message: outcome.ok ? '' : outcome.ja, list: rows, bytes: await opened.workbook.toBuffer() };
}

/** The sheet row holding a row key (hidden column F of the 全体像 layout). */
const rowOf = (ws: ExcelJS.Worksheet, rowKey: string): number => {
  for (let r = 6; r <= ws.rowCount; r++) if (ws.getCell(`F${r}`).value === rowKey) return r;
  throw new Error(`no row ${rowKey}`);
};

const target = stored.find((r) => r.row.kind === 'initiative' && r.row.status === 'implemented') as StoredRow;

describe('the follow-up workbook (exceljs)', () => {
  it('writes the 全体像 layout: printed headers, text cells, grey read-only cells, hidden keys, a 実施状況 list, a very hidden base', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exported()).bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(SHEET) as ExcelJS.Worksheet;
    expect(ws.getCell('A1').value).toBe('総務省　令和5年度　取組計画の全体像');
    const header = ws.getRow(5).values as unknown[];
    expect(header.slice(1, 9)).toEqual(['大項目', '中項目', 'A 取組の実施状況', 'B Aで「実施未定」を選択した場合の理由', 'C 取組時期・内容・成果、取組における改善点・課題、それらを踏まえた次のアクション', '行キー（編集しないでください）', '項目ID', 'eTag']);
    expect([6, 7, 8].map((c) => ws.getColumn(c).hidden)).toEqual([true, true, true]);
    const r = rowOf(ws, target.rowKey);
    expect(ws.getCell(`C${r}`).value).toBe('実施');
    expect(ws.getCell(`C${r}`).dataValidation?.formulae).toEqual(['"実施,実施未定"']);
    expect(ws.getCell(`C${r}`).numFmt).toBe('@');
    expect((ws.getCell(`A${r}`).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFEDEDED');
    expect((ws.getCell(`E${r}`).fill as ExcelJS.FillPattern).pattern).toBe('none');
    expect(ws.getCell(`E${r}`).alignment?.wrapText).toBe(true);
    expect(ws.getColumn(5).width).toBe(70);
    expect(wb.getWorksheet(BASE_SHEET_NAME)?.state).toBe('veryHidden');
  });

  it('reads back what it wrote: a sync finds nothing to do', async () => {
    const { report, list } = await editAndSync(() => undefined);
    expect(report?.sent.rows).toBe(0);
    expect([report?.cellsWritten, report?.conflicts, report?.issues, report?.restored, report?.proposals]).toEqual([0, [], [], [], []]);
    expect(list.calls.save).toEqual([]);
  });

  it('sends exactly the cells a script edited, even after the rows were sorted', async () => {
    const { report, list } = await editAndSync((ws) => {
      const first = 6;
      const n = stored.length;
      const values = Array.from({ length: n }, (_, i) => ws.getRow(first + i).values as ExcelJS.CellValue[]);
      values.reverse().forEach((v, i) => {
        ws.getRow(first + i).values = v;
      });
      const r = rowOf(ws, target.rowKey);
      ws.getCell(`E${r}`).value = '【継続】 スクリプトで書き換えた内容';
      ws.getCell(`C${r}`).value = '実施未定';
      ws.getCell(`D${r}`).value = '次年度に検討';
    });
    expect(report?.issues).toEqual([]);
    expect(report?.sent).toEqual({ rows: 1, fields: 3, saved: 1, merged: 0 });
    const after = list.rows.get(target.rowKey)?.row;
    expect([after?.status, after?.reasonNotPlanned, after?.narrative]).toEqual(['undecided', '次年度に検討', '【継続】 スクリプトで書き換えた内容']);
    for (const r of stored) if (r.rowKey !== target.rowKey) expect(list.rows.get(r.rowKey)).toBe(r);
  });

  it('names a formula, an error value and a date in a cell, and writes none of them', async () => {
    const { report, list } = await editAndSync((ws) => {
      const r = rowOf(ws, target.rowKey);
      ws.getCell(`E${r}`).value = { formula: 'A1&B1', result: 'x' };
      ws.getCell(`D${r}`).value = { error: '#N/A' };
      const s = rowOf(ws, stored.find((x) => x !== target && x.row.kind === 'initiative')?.rowKey ?? '');
      // Excel turns a typed 2024/4/1 into a date serial with a date format.
      ws.getCell(`E${s}`).value = 45383;
      ws.getCell(`E${s}`).numFmt = 'yyyy/m/d';
    });
    expect(report?.issues.map((i) => [i.code, i.field, i.value, i.place?.header?.slice(0, 1)])).toEqual([
      ['BAD_CELL', 'reasonNotPlanned', '#N/A', 'B'],
      ['BAD_CELL', 'narrative', '=A1&B1', 'C'],
      ['BAD_CELL', 'narrative', '日付 2024-04-01（文字として入力してください）', 'C'],
    ]);
    expect(report?.issues[0]?.place?.address).toMatch(/^1_全体像!D\d+$/);
    expect(list.calls.save).toEqual([]);
  });

  it('names a row pasted twice and a key edited by hand, and writes neither', async () => {
    const { report, list } = await editAndSync((ws) => {
      const r = rowOf(ws, target.rowKey);
      ws.getCell(`E${r}`).value = '【継続】 重複した行の内容';
      const copy = ws.getRow(r).values as ExcelJS.CellValue[];
      ws.getRow(6 + stored.length).values = copy;
      const other = stored.find((x) => x !== target) as StoredRow;
      ws.getCell(`F${rowOf(ws, other.rowKey)}`).value = `${other.rowKey}-edited`;
    });
    expect(report?.issues.map((i) => i.code).sort()).toEqual(['DUPLICATE_KEY', 'DUPLICATE_KEY', 'UNKNOWN_KEY']);
    expect(report?.issues.find((i) => i.code === 'UNKNOWN_KEY')?.ja).toContain('キー列が編集された');
    // The edited-key row's own item is missing from the sheet: it comes back, nothing is written to the list.
    expect(report?.restored).toHaveLength(1);
    expect(list.calls.save).toEqual([]);
  });

  it('keeps text that looks like a formula as text', async () => {
    const tricky = stored.map((r, i) => (i === 0 ? { ...r, row: { ...r.row, narrative: '=HYPERLINK("http://evil.example","x")' } } : r));
    const workbook = ExcelJsFollowUpWorkbook.create();
    await loadWorkbook({ workbook, rows: new MemoryRows(tricky, suzuki), actor: suzuki, userId: null }, SCOPE);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await workbook.toBuffer()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(SHEET) as ExcelJS.Worksheet;
    expect(ws.getCell(`E${rowOf(ws, tricky[0]?.rowKey ?? '')}`).value).toBe('=HYPERLINK("http://evil.example","x")');
  });

  it('refuses a workbook that is not ours, one whose key column was deleted, and bytes that are no workbook', async () => {
    const other = new ExcelJS.Workbook();
    other.addWorksheet('Sheet1').getCell('A1').value = 'hello';
    const notOurs = await ExcelJsFollowUpWorkbook.open(Buffer.from(await other.xlsx.writeBuffer()));
    const blank = notOurs.ok ? await syncWorkbook({ workbook: notOurs.workbook, rows: new MemoryRows([]), actor: suzuki, userId: null }) : null;
    expect(blank?.ok ? '' : blank?.reason).toBe('blank');
    const { message, list } = await editAndSync((ws) => ws.spliceColumns(6, 1));
    expect(message).toContain('非表示のキー列');
    expect(list.calls).toEqual({ open: 1, save: [] }); // the export's read only
    const garbage = await ExcelJsFollowUpWorkbook.open(Buffer.from('not a zip'));
    expect(garbage.ok ? '' : garbage.en).toMatch(/^Not a readable Excel workbook/);
  });

  it('takes the list’s changes into the cells and keeps them when the file is synced again', async () => {
    const first = await exported();
    first.list.edit(target.rowKey, 'narrative', '【拡充】 タブで更新した内容');
    const opened = await ExcelJsFollowUpWorkbook.open(first.bytes);
    if (!opened.ok) throw new Error(opened.en);
    const out = await syncWorkbook({ workbook: opened.workbook, rows: first.list, actor: suzuki, userId: 'u1' });
    expect(out.ok && out.report.cellsWritten).toBe(1);
    const again = await ExcelJsFollowUpWorkbook.open(await opened.workbook.toBuffer());
    if (!again.ok) throw new Error(again.en);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await again.workbook.toBuffer()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(SHEET) as ExcelJS.Worksheet;
    expect(ws.getCell(`E${rowOf(ws, target.rowKey)}`).value).toBe('【拡充】 タブで更新した内容');
    const second = await syncWorkbook({ workbook: again.workbook, rows: first.list, actor: suzuki, userId: 'u1' });
    expect(second.ok && [second.report.sent.rows, second.report.cellsWritten]).toEqual([0, 0]);
  });
});

/** Rows of a report in `layout`: one of the division, one of another division (not in the division's scope). */
function layoutRows(layout: 'L-R2' | 'L-R7'): StoredRow[] {
  const reportKey = `soumu/2023/${layout}`;
  return ['div-somu', 'div-kikaku'].map((division, i) => {
    const row = createRow({
      key: `${layout}/${i + 1}`,
      kind: 'initiative',
      sortOrder: i,
      majorItem: '働き方改革',
      majorItemRaw: '働き方改革',
      markerRaw: `${i + 1}.`,
      markerNorm: String(i + 1),
      title: `取組 ${i + 1}`,
      status: layout === 'L-R2' ? 'undecided' : null,
      statusRaw: layout === 'L-R2' ? '実施未定' : null,
      narrative: `【継続】取組 ${i + 1} の内容`,
      narrativeRaw: `【継続】取組 ${i + 1} の内容`,
      outcome: `成果 ${i + 1}`,
      division,
      source: { file: 'layout-test.txt', line: i + 3 },
      cells: [],
    });
    return { rowKey: toListRowKey(reportKey, row.key), reportKey, fiscalYear: 2023, orgCode: 'soumu', row, reviewComment: null, itemId: String(100 + i), eTag: `"{l${i}},1"`, lastModified: '2026-04-01T00:00:00Z' };
  });
}

describe('the layouts of other reports (L-R2, L-R7)', () => {
  const KEYS = ['行キー（編集しないでください）', '項目ID', 'eTag'];
  it.each([
    ['L-R2', ['大項目', '中項目・小項目', '各取組の実施状況 (A)', '(A)で「実施未定」を選択した場合の理由 (B)', '取組を行った(行う)時期、取組内容及び取組における工夫 (C)', '取組を行ったことによる具体的な成果 (D)'], 'C'],
    ['L-R7', ['項目', '具体的な取組時期・内容', '具体的な成果・課題・今後の取組'], null],
  ] as const)('writes %s in the columns it prints, a 実施状況 list only where it has one, grey where the division does not write', async (layout, headers, statusColumn) => {
    const rows = layoutRows(layout);
    const workbook = ExcelJsFollowUpWorkbook.create();
    const out = await loadWorkbook({ workbook, rows: new MemoryRows(rows, suzuki), actor: suzuki, userId: 'u1' }, SCOPE, { divisionName: '大臣官房総務課' });
    expect([out.list.length, out.tables, out.unreadable]).toEqual([1, 1, 0]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await workbook.toBuffer()) as unknown as ArrayBuffer);
    const ws = wb.worksheets.find((w) => w.state === 'visible') as ExcelJS.Worksheet;
    const headerRow = [...Array(10).keys()].map((i) => i + 1).find((r) => ws.getCell(`A${r}`).value === headers[0]) as number;
    expect((ws.getRow(headerRow).values as unknown[]).slice(1)).toEqual([...headers, ...KEYS]);
    expect(KEYS.map((_, i) => ws.getColumn(headers.length + 1 + i).hidden)).toEqual([true, true, true]);
    const own = headerRow + 1;
    expect(ws.getCell(own + 1, 1).value ?? null).toBeNull();
    expect([ws.getCell(own, headers.length - 1).value, ws.getCell(own, headers.length).value]).toEqual(['【継続】取組 1 の内容', '成果 1']);
    if (statusColumn) {
      expect(ws.getCell(`${statusColumn}${own}`).value).toBe('実施未定');
      expect(ws.getCell(`${statusColumn}${own}`).dataValidation?.formulae).toEqual(['"実施,実施未定"']);
    } else {
      for (let c = 1; c <= headers.length; c++) expect(ws.getCell(own, c).dataValidation?.type).toBeUndefined();
    }
    // The division's cells are white and wrapped; the printed item columns (the secretariat's) are grey.
    const fill = (c: number): string => {
      const f = ws.getCell(own, c).fill as ExcelJS.FillPattern | undefined;
      return !f || f.pattern === 'none' ? 'white' : (f.fgColor?.argb ?? 'white');
    };
    expect(headers.map((_, i) => fill(i + 1))).toEqual(layout === 'L-R2' ? ['FFEDEDED', 'FFEDEDED', 'white', 'white', 'white', 'white'] : ['FFEDEDED', 'white', 'white']);
    expect(ws.getCell(own, headers.length).alignment?.wrapText).toBe(true);
  });
});
