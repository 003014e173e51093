import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';

import { toListRowKey } from '../../../src/core/lists/row-fields.js';
import { secretariatActor, type Actor } from '../../../src/core/permissions/rules.js';
import type { StoredRow } from '../../../src/core/ports.js';
import { planSync, sheetTexts } from '../../../src/core/sync/sheet-sync.js';
import { BASE_SHEET_NAME, fieldsOfLayouts, readTableRows, WORKBOOK_FORMAT, WORKBOOK_FORMAT_VERSION } from '../../../src/core/sync/workbook-format.js';
import { importBytes } from '../../../src/io/import.js';
import { readFollowUpWorkbook, writeFollowUpWorkbook } from '../../../src/io/xlsx/followup-workbook.js';

const samples = join(import.meta.dirname, '..', '..', '..', 'samples');
const result = importBytes('000_af6c26688b7c18a9.txt', readFileSync(join(samples, '000_af6c26688b7c18a9.txt')));
const overview = result.reports.find((r) => r.layout === 'L-R5-OVERVIEW');
if (!overview) throw new Error('000 has a 全体像 table');
const stored: StoredRow[] = overview.rows.map((row, i) => ({
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
const FIELDS = fieldsOfLayouts(['L-R5-OVERVIEW']);
const meta = { format: WORKBOOK_FORMAT, version: WORKBOOK_FORMAT_VERSION, site: 'localhost:/sites/followup', orgCode: 'soumu', fiscalYear: 2023, divisionCode: 'div-somu', userId: 'u1', syncedAt: '2026-12-06T00:00:00.000Z' } as const;
const base = stored.map((r) => ({ rowKey: r.rowKey, eTag: r.eTag, texts: sheetTexts(r, FIELDS) }));

async function exported(): Promise<Buffer> {
  return writeFollowUpWorkbook({ meta, groups: [{ reportKey: overview?.key ?? '', layout: 'L-R5-OVERVIEW', title: overview?.title ?? '', rows: stored }], base, divisionName: '大臣官房総務課' });
}

async function readBack(bytes: Buffer) {
  const read = await readFollowUpWorkbook(bytes);
  if (!read.ok) throw new Error(read.en);
  const kinds = new Map(stored.map((r) => [r.rowKey, r.row.kind]));
  const sheet = read.sheets[0];
  return { read, rows: readTableRows('L-R5-OVERVIEW', sheet?.rows ?? [], (k) => kinds.get(k)) };
}

const suzuki: Actor = { displayName: '鈴木 一郎', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-somu' }] };

describe('the follow-up workbook', () => {
  it('writes the 全体像 layout with its printed headers, hidden keys, a 実施状況 list and a very hidden base', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exported()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('1_全体像');
    expect(ws).toBeDefined();
    const header = ws?.getRow(5).values as unknown[];
    expect(header.slice(1, 6)).toEqual(['大項目', '中項目', 'A 取組の実施状況', 'B Aで「実施未定」を選択した場合の理由', 'C 取組時期・内容・成果、取組における改善点・課題、それらを踏まえた次のアクション']);
    expect([ws?.getColumn(6).hidden, ws?.getColumn(7).hidden, ws?.getColumn(8).hidden]).toEqual([true, true, true]);
    expect(ws?.getCell('C6').value).toBe('実施');
    expect(ws?.getCell('C6').dataValidation?.formulae).toEqual(['"実施,実施未定"']);
    expect(wb.getWorksheet(BASE_SHEET_NAME)?.state).toBe('veryHidden');
  });

  it('reads back what it wrote: nothing to sync', async () => {
    const { read, rows } = await readBack(await exported());
    expect(read.meta.divisionCode).toBe('div-somu');
    expect(rows).toHaveLength(stored.length);
    const plan = planSync({ base: read.base, sheet: rows, list: stored, actor: suzuki, fields: FIELDS });
    expect([plan.toList, plan.toSheet, plan.conflicts, plan.problems, plan.restored, plan.proposals]).toEqual([[], [], [], [], [], []]);
  });

  it('syncs exactly the cells a script edited, even after the rows were sorted', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exported()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('1_全体像') as ExcelJS.Worksheet;
    // Reverse the data rows (a sort), then edit one narrative and one status.
    const first = 6;
    const last = 5 + stored.length;
    const values = Array.from({ length: stored.length }, (_, i) => ws.getRow(first + i).values as unknown[]);
    values.reverse().forEach((v, i) => {
      ws.getRow(first + i).values = v as ExcelJS.CellValue[];
    });
    const target = stored.find((r) => r.row.kind === 'initiative' && r.row.status === 'implemented') as StoredRow;
    const rowNo = Array.from({ length: last - first + 1 }, (_, i) => first + i).find((r) => ws.getCell(`F${r}`).value === target.rowKey) as number;
    ws.getCell(`E${rowNo}`).value = '【継続】 スクリプトで書き換えた内容';
    ws.getCell(`C${rowNo}`).value = '実施未定';
    ws.getCell(`D${rowNo}`).value = '次年度に検討';
    const { read, rows } = await readBack(Buffer.from(await wb.xlsx.writeBuffer()));
    const plan = planSync({ base: read.base, sheet: rows, list: stored, actor: suzuki, fields: FIELDS });
    expect(plan.toList.map((w) => [w.base.rowKey, w.fields])).toEqual([[target.rowKey, ['status', 'reasonNotPlanned', 'narrative']]]);
    expect(plan.toList[0]?.mine.row.narrative).toBe('【継続】 スクリプトで書き換えた内容');
    expect(plan.problems).toEqual([]);
  });

  it('names a formula, an error value and a date in a cell, and never writes them', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exported()) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('1_全体像') as ExcelJS.Worksheet;
    ws.getCell('E6').value = { formula: 'A1&B1', result: 'x' };
    ws.getCell('D6').value = { error: '#N/A' };
    // Excel turns a typed 2024/4/1 into a date serial with a date format.
    ws.getCell('E7').value = new Date('2024-04-01T00:00:00Z');
    ws.getCell('E7').numFmt = 'yyyy/m/d';
    const { read, rows } = await readBack(Buffer.from(await wb.xlsx.writeBuffer()));
    const plan = planSync({ base: read.base, sheet: rows, list: stored, actor: secretariatActor(), fields: FIELDS });
    expect(plan.problems.map((p) => [p.code, p.sheetIndex, p.field, p.value])).toEqual([
      ['BAD_CELL', 0, 'reasonNotPlanned', '#N/A'],
      ['BAD_CELL', 0, 'narrative', '=A1&B1'],
      ['BAD_CELL', 1, 'narrative', '日付 2024-04-01（文字として入力してください）'],
    ]);
    expect(plan.toList).toEqual([]);
  });

  it('keeps text that looks like a formula as text', async () => {
    const tricky = stored.map((r, i) => (i === 0 ? { ...r, row: { ...r.row, narrative: '=HYPERLINK("http://evil.example","x")' } } : r));
    const bytes = await writeFollowUpWorkbook({ meta, groups: [{ reportKey: overview?.key ?? '', layout: 'L-R5-OVERVIEW', title: '', rows: tricky }], base });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(wb.getWorksheet('1_全体像')?.getCell('E6').value).toBe('=HYPERLINK("http://evil.example","x")');
  });

  it('refuses a workbook that is not ours, and one whose key columns were deleted', async () => {
    const other = new ExcelJS.Workbook();
    other.addWorksheet('Sheet1').getCell('A1').value = 'hello';
    const notOurs = await readFollowUpWorkbook(Buffer.from(await other.xlsx.writeBuffer()));
    expect(notOurs.ok ? '' : notOurs.ja).toContain('フォローアップのテンプレートではありません');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await exported()) as unknown as ArrayBuffer);
    (wb.getWorksheet('1_全体像') as ExcelJS.Worksheet).spliceColumns(6, 1);
    const damaged = await readFollowUpWorkbook(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(damaged.ok ? '' : damaged.ja).toContain('非表示のキー列');
    const garbage = await readFollowUpWorkbook(Buffer.from('not a zip'));
    expect(garbage.ok ? '' : garbage.en).toMatch(/^Not a readable Excel workbook/);
  });
});
