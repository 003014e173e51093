/**
 * The follow-up workbook with exceljs (#11): `export-template` writes it, `sync-xlsx` reads it back. The layout of
 * the file is the contract in src/core/sync/workbook-format.ts, which the Excel add-in writes and reads too.
 *
 * Writing: one sheet per report (the layout's printed columns, Japanese headers, wrapped text, widths, a 実施状況
 * list where the layout has one, grey read-only cells for what the person does not fill in), hidden key columns,
 * and the very hidden base sheet. Text is always written as text: a value beginning with = + - @ never becomes a
 * formula. Reading: never trusts the file; every cell that is not a plain value (a formula, #N/A, a date Excel made
 * of a typed text) comes back as `bad`, and a workbook that is not ours gets a specific message.
 */
import ExcelJS from 'exceljs';

import { formatPeriod } from '../../core/era/index.js';
import type { Layout } from '../../core/model/schema.js';
import type { StoredRow } from '../../core/ports.js';
import type { BaseRow } from '../../core/sync/sheet-sync.js';
import {
  BASE_SHEET_NAME,
  decodeBase,
  encodeBase,
  rowCells,
  sheetColumns,
  sheetNameOf,
  tableNameOf,
  type ReadCell,
  type WorkbookMeta,
} from '../../core/sync/workbook-format.js';

export interface WorkbookGroup {
  reportKey: string;
  layout: Layout;
  /** The report's title as printed, shown above the table. */
  title: string;
  rows: readonly StoredRow[];
}

export interface WriteOptions {
  meta: Omit<WorkbookMeta, 'sheets'>;
  groups: readonly WorkbookGroup[];
  base: readonly BaseRow[];
  /** Shown above each table (e.g. 大臣官房総務課). */
  divisionName?: string;
}

/** Rows above the table: title, scope line, note, blank. The table's header is on row HEADER_ROW. */
const HEADER_ROW = 5;
const READ_ONLY_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };
const STATUS_LIST = '"実施,実施未定"';

const columnLetter = (n: number): string => {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
};

/** Writes the workbook; returns the .xlsx bytes. */
export async function writeFollowUpWorkbook(options: WriteOptions): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'wlb-followup';
  wb.created = new Date(options.meta.syncedAt);
  const sheets: WorkbookMeta['sheets'] = [];
  options.groups.forEach((group, index) => {
    const name = sheetNameOf(group.layout, index);
    const table = tableNameOf(index);
    sheets.push({ name, table, reportKey: group.reportKey, layout: group.layout });
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: HEADER_ROW }], pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
    const columns = sheetColumns(group.layout);
    ws.getCell('A1').value = group.title;
    ws.getCell('A1').font = { bold: true, size: 12 };
    const year = formatPeriod({ start: `${options.meta.fiscalYear}-04-01`, end: `${options.meta.fiscalYear + 1}-03-31`, precision: 'fiscalYear' });
    ws.getCell('A2').value = [year, options.divisionName ?? options.meta.divisionCode ?? '', `同期: ${options.meta.syncedAt}`].filter((s) => s !== '').join('　');
    ws.getCell('A3').value = '灰色の欄は記入しません。行の並べ替え・絞り込みはできますが、右端の非表示の列（行キー等）は編集・削除しないでください。';
    ws.getCell('A3').font = { size: 9, color: { argb: 'FF555555' } };
    ws.addTable({
      name: table,
      displayName: table,
      ref: `A${HEADER_ROW}`,
      headerRow: true,
      style: { theme: 'TableStyleLight1', showRowStripes: false },
      columns: columns.map((c) => ({ name: c.header, filterButton: true })),
      rows: group.rows.map((r) => rowCells(r, group.layout).values),
    });
    columns.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      col.width = c.width;
      if (c.kind === 'key') col.hidden = true;
    });
    ws.getRow(HEADER_ROW).alignment = { wrapText: true, vertical: 'middle' };
    ws.getRow(HEADER_ROW).height = 45;
    group.rows.forEach((r, k) => {
      const cells = rowCells(r, group.layout);
      const excelRow = ws.getRow(HEADER_ROW + 1 + k);
      cells.values.forEach((value, i) => {
        const cell = excelRow.getCell(i + 1);
        // Explicitly text: exceljs writes strings as shared strings, never as formulas.
        cell.value = value;
        cell.alignment = { wrapText: true, vertical: 'top' };
        if (!cells.editable[i]) cell.fill = READ_ONLY_FILL;
        if (cells.fields[i] === 'status') {
          cell.dataValidation = { type: 'list', allowBlank: true, formulae: [STATUS_LIST], showErrorMessage: true, errorStyle: 'stop', errorTitle: '実施状況', error: '「実施」または「実施未定」を選んでください。' };
        }
      });
    });
    const last = HEADER_ROW + Math.max(1, group.rows.length);
    ws.pageSetup.printArea = `A1:${columnLetter(columns.filter((c) => c.kind === 'layout').length)}${last}`;
    ws.pageSetup.printTitlesRow = `${HEADER_ROW}:${HEADER_ROW}`;
  });
  const base = wb.addWorksheet(BASE_SHEET_NAME);
  base.state = 'veryHidden';
  encodeBase({ ...options.meta, sheets }, options.base).forEach((chunk, i) => {
    base.getCell(`A${i + 1}`).value = chunk;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export interface ReadSheet {
  reportKey: string;
  layout: Layout;
  name: string;
  /** Data rows below the header, cell by cell in sheet-column order. */
  rows: ReadCell[][];
}

export type ReadWorkbookResult =
  | { ok: true; meta: WorkbookMeta; base: BaseRow[]; sheets: ReadSheet[] }
  | { ok: false; ja: string; en: string };

const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

/** A cell's content as the person sees it, or why it is not a value. */
function readCell(cell: ExcelJS.Cell): ReadCell {
  const v = cell.value;
  if (v === null || v === undefined) return { text: '' };
  if (typeof v === 'string') return { text: v };
  if (typeof v === 'number') return { text: String(v) };
  if (typeof v === 'boolean') return { text: v ? 'TRUE' : 'FALSE' };
  if (v instanceof Date) return { bad: `日付 ${isoDate(v)}（文字として入力してください）` };
  if ('error' in v) return { bad: String(v.error) };
  if ('formula' in v || 'sharedFormula' in v) return { bad: `=${('formula' in v ? v.formula : undefined) ?? (v as ExcelJS.CellSharedFormulaValue).sharedFormula}` };
  if ('richText' in v) return { text: v.richText.map((r) => r.text).join('') };
  if ('hyperlink' in v) return { text: v.text };
  return { bad: String(cell.text) };
}

/** Reads a follow-up workbook back: its base, and each table's data rows. */
export async function readFollowUpWorkbook(bytes: Uint8Array | ArrayBuffer): Promise<ReadWorkbookResult> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes instanceof Uint8Array ? (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer) : bytes);
  } catch (error) {
    return { ok: false, ja: `Excel ブック（.xlsx）として読めません: ${error instanceof Error ? error.message : String(error)}`, en: `Not a readable Excel workbook (.xlsx): ${error instanceof Error ? error.message : String(error)}` };
  }
  const baseSheet = wb.getWorksheet(BASE_SHEET_NAME);
  const chunks: string[] = [];
  baseSheet?.getColumn(1).eachCell({ includeEmpty: false }, (cell) => {
    chunks.push(typeof cell.value === 'string' ? cell.value : String(cell.text));
  });
  const base = decodeBase(chunks);
  if (!base.ok) return base;
  const sheets: ReadSheet[] = [];
  for (const s of base.meta.sheets) {
    const ws = wb.getWorksheet(s.name);
    if (!ws) return { ok: false, ja: `シート「${s.name}」がありません（名前の変更・削除はできません）。`, en: `The sheet "${s.name}" is missing (sheets must not be renamed or deleted).` };
    const columns = sheetColumns(s.layout);
    // The header row: the first row whose cells carry the expected headers (rows may have been inserted above).
    let header = -1;
    for (let r = 1; r <= Math.min(ws.rowCount, 50) && header < 0; r++) {
      const row = ws.getRow(r);
      if (columns.every((c, i) => String(row.getCell(i + 1).text).trim() === c.header)) header = r;
    }
    if (header < 0) {
      const keys = columns.filter((c) => c.kind === 'key').map((c) => c.header);
      return {
        ok: false,
        ja: `シート「${s.name}」に表の見出し行が見つかりません。列の削除・並べ替えや、非表示のキー列（${keys.join('、')}）の編集はできません。`,
        en: `No table header row found on sheet "${s.name}": columns must not be deleted or moved, and the hidden key columns (${keys.join(', ')}) must not be edited.`,
      };
    }
    const rows: ReadCell[][] = [];
    for (let r = header + 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      rows.push(columns.map((_, i) => readCell(row.getCell(i + 1))));
    }
    sheets.push({ reportKey: s.reportKey, layout: s.layout, name: s.name, rows });
  }
  return { ok: true, meta: base.meta, base: base.rows, sheets };
}
