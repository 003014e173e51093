/**
 * The follow-up workbook with exceljs (#11): the FollowUpWorkbook port for the command line. `export-template` loads
 * a scope into a new workbook and `sync-xlsx` syncs a file, both through src/core/sync/workbook-sync.ts, the same
 * code the Excel add-in runs over office-js; the file's layout is the contract in src/core/sync/workbook-format.ts.
 *
 * Writing: one sheet per report (the layout's printed columns, Japanese headers, wrapped text, widths, a 実施状況
 * list where the layout has one, grey read-only cells, text number format), hidden key columns, and the very hidden
 * base sheet. Text is always written as text: a value beginning with = + - @ never becomes a formula.
 * Reading: never trusts the file. A table is found by its header row on its sheet (another program, LibreOffice say,
 * may drop the table object); every cell that is not a plain value (a formula, #N/A, a date made of typed text) comes
 * back as `bad`.
 */
import ExcelJS from 'exceljs';

import { decodeBase, BASE_SHEET_NAME, badCell, columnLetter, excelSerialToIso, isDateFormat, sheetColumns, type ReadCell } from '../../core/sync/workbook-format.js';
import type { CellWrite, ColumnSpec, FollowUpWorkbook, RowSpec, TableContent, TableSpec, WorkbookContent } from '../../core/sync/workbook-port.js';

const READ_ONLY_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };
const NO_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'none' };
/** Text number format: what the person types stays text (4/1 never becomes a date). */
const TEXT_FORMAT = '@';
/** How many rows a header may have moved down (rows inserted above the table). */
const HEADER_SEARCH_ROWS = 60;

const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

/** A cell's content as the person sees it, or why it is not a value. */
export function readExcelJsCell(cell: ExcelJS.Cell): ReadCell {
  const v = cell.value;
  if (v === null || v === undefined) return { text: '' };
  if (typeof v === 'string') return { text: v };
  if (typeof v === 'number') return typeof cell.numFmt === 'string' && isDateFormat(cell.numFmt) ? badCell.date(excelSerialToIso(v)) : { text: String(v) };
  if (typeof v === 'boolean') return { text: v ? 'TRUE' : 'FALSE' };
  if (v instanceof Date) return badCell.date(isoDate(v));
  if ('error' in v) return badCell.error(String(v.error));
  if ('formula' in v || 'sharedFormula' in v) return badCell.formula(('formula' in v ? v.formula : undefined) ?? (v as ExcelJS.CellSharedFormulaValue).sharedFormula);
  if ('richText' in v) return { text: v.richText.map((r) => r.text).join('') };
  if ('hyperlink' in v) return { text: v.text };
  return { bad: String(cell.text) };
}

/** Where a table sits on its sheet. */
interface Placed {
  ws: ExcelJS.Worksheet;
  headerRow: number;
  width: number;
}

/** exceljs keeps tables it read (or made) by name; their refs must follow the rows we add or delete. */
type TableModel = { tableRef?: string; autoFilterRef?: string; ref?: string };
const tableModel = (ws: ExcelJS.Worksheet, name: string): TableModel | null => {
  const t = (ws as unknown as { tables?: Record<string, { table?: TableModel }> }).tables?.[name];
  return t?.table ?? null;
};

/** A follow-up workbook in memory (exceljs), read from a file or new. */
export class ExcelJsFollowUpWorkbook implements FollowUpWorkbook {
  private constructor(readonly wb: ExcelJS.Workbook) {}

  static create(): ExcelJsFollowUpWorkbook {
    const wb = new ExcelJS.Workbook();
    wb.creator = 'wlb-followup';
    return new ExcelJsFollowUpWorkbook(wb);
  }

  /** Reads .xlsx bytes; a file that is not a workbook gets a clear message. */
  static async open(bytes: Uint8Array): Promise<{ ok: true; workbook: ExcelJsFollowUpWorkbook } | { ok: false; ja: string; en: string }> {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { ok: false, ja: `Excel ブック（.xlsx）として読めません: ${why}`, en: `Not a readable Excel workbook (.xlsx): ${why}` };
    }
    // LibreOffice writes tables without a style; exceljs cannot write such a table back, so give it ours.
    for (const ws of wb.worksheets) {
      const tables = (ws as unknown as { tables?: Record<string, { table?: { style?: unknown } }> }).tables ?? {};
      for (const t of Object.values(tables)) if (t.table && !t.table.style) t.table.style = { theme: 'TableStyleLight1', showRowStripes: false };
    }
    return { ok: true, workbook: new ExcelJsFollowUpWorkbook(wb) };
  }

  async toBuffer(): Promise<Buffer> {
    return Buffer.from(await this.wb.xlsx.writeBuffer());
  }

  private baseChunks(): string[] | null {
    const sheet = this.wb.getWorksheet(BASE_SHEET_NAME);
    if (!sheet) return null;
    const chunks: string[] = [];
    sheet.getColumn(1).eachCell({ includeEmpty: false }, (cell) => {
      chunks.push(typeof cell.value === 'string' ? cell.value : String(cell.text));
    });
    return chunks;
  }

  /** The follow-up tables the base names, found on their sheets by their header row. */
  private placed(): Map<string, Placed & { sheet: string; headers: string[] }> {
    const out = new Map<string, Placed & { sheet: string; headers: string[] }>();
    const chunks = this.baseChunks();
    const base = chunks ? decodeBase(chunks) : null;
    if (!base?.ok) return out;
    for (const s of base.meta.sheets) {
      const ws = this.wb.getWorksheet(s.name);
      if (!ws) continue;
      const columns = sheetColumns(s.layout);
      const texts = (r: number): string[] => columns.map((_, i) => String(ws.getRow(r).getCell(i + 1).text).trim());
      // The header row: every expected header in place; else the row with most of them (for a precise message).
      let best = { row: -1, hits: 0 };
      for (let r = 1; r <= Math.min(Math.max(ws.rowCount, 1), HEADER_SEARCH_ROWS); r++) {
        const row = ws.getRow(r);
        const cells: string[] = [];
        row.eachCell({ includeEmpty: true }, (cell) => cells.push(String(cell.text).trim()));
        const hits = columns.filter((c) => cells.includes(c.header)).length;
        if (hits > best.hits) best = { row: r, hits };
        if (hits === columns.length && texts(r).every((t, i) => t === columns[i]?.header)) {
          best = { row: r, hits };
          break;
        }
      }
      if (best.row < 0) continue;
      const headerRow = best.row;
      const headers: string[] = [];
      ws.getRow(headerRow).eachCell({ includeEmpty: true }, (cell, col) => {
        headers[col - 1] = String(cell.text);
      });
      const trimmed = [...headers.map((h) => h ?? '')];
      while (trimmed.length > 0 && trimmed.at(-1)?.trim() === '') trimmed.pop();
      out.set(s.table, { ws, sheet: s.name, headerRow, width: columns.length, headers: trimmed });
    }
    return out;
  }

  async read(): Promise<WorkbookContent> {
    const tables: TableContent[] = [];
    for (const [name, p] of this.placed()) {
      const rows: ReadCell[][] = [];
      for (let r = p.headerRow + 1; r <= p.ws.rowCount; r++) {
        const row = p.ws.getRow(r);
        rows.push(Array.from({ length: Math.max(p.width, p.headers.length) }, (_, i) => readExcelJsCell(row.getCell(i + 1))));
      }
      // Blank rows at the end of the sheet are not rows of the table.
      while (rows.length > 0 && rows.at(-1)?.every((c) => 'text' in c && c.text.trim() === '')) rows.pop();
      tables.push({ name, sheet: p.sheet, headers: p.headers, rows, headerRow: p.headerRow, firstColumn: 0 });
    }
    return { base: this.baseChunks(), tables };
  }

  async putTable(spec: TableSpec): Promise<void> {
    const existing = this.wb.getWorksheet(spec.sheet);
    if (existing) this.wb.removeWorksheet(existing.id);
    const headerRow = spec.lines.length + 2;
    const ws = this.wb.addWorksheet(spec.sheet, {
      views: [{ state: 'frozen', ySplit: headerRow }],
      pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    });
    spec.lines.forEach((line, i) => {
      const cell = ws.getCell(`A${i + 1}`);
      cell.value = line;
      cell.font = i === 0 ? { bold: true, size: 12 } : { size: 9, color: { argb: 'FF555555' } };
    });
    const rows = spec.rows.length > 0 ? spec.rows : [{ values: spec.columns.map(() => ''), editable: spec.columns.map(() => true) }];
    ws.addTable({
      name: spec.table,
      displayName: spec.table,
      ref: `A${headerRow}`,
      headerRow: true,
      style: { theme: 'TableStyleLight1', showRowStripes: false },
      columns: spec.columns.map((c) => ({ name: c.header, filterButton: true })),
      rows: rows.map((r) => r.values.map(() => '')),
    });
    spec.columns.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      col.width = c.width;
      if (c.hidden) col.hidden = true;
    });
    const header = ws.getRow(headerRow);
    header.alignment = { wrapText: true, vertical: 'middle' };
    header.height = 45;
    this.fillRows(ws, headerRow + 1, spec.columns, rows);
    const visible = spec.columns.filter((c) => !c.hidden).length;
    ws.pageSetup.printArea = `A1:${columnLetter(visible - 1)}${headerRow + rows.length}`;
    ws.pageSetup.printTitlesRow = `${headerRow}:${headerRow}`;
  }

  /** Values and formats of data rows starting at sheet row `first`. */
  private fillRows(ws: ExcelJS.Worksheet, first: number, columns: readonly ColumnSpec[], rows: readonly RowSpec[]): void {
    rows.forEach((r, k) => {
      const excelRow = ws.getRow(first + k);
      r.values.forEach((value, i) => {
        const cell = excelRow.getCell(i + 1);
        cell.numFmt = TEXT_FORMAT;
        // Strings are written as shared strings, never as formulas, whatever they begin with.
        cell.value = value;
        cell.alignment = { wrapText: true, vertical: 'top' };
        cell.fill = r.editable[i] ? NO_FILL : READ_ONLY_FILL;
        const choices = columns[i]?.choices;
        if (choices) {
          cell.dataValidation = { type: 'list', allowBlank: true, formulae: [`"${choices.join(',')}"`], showErrorMessage: true, errorStyle: 'stop', errorTitle: '実施状況', error: `「${choices.join('」または「')}」を選んでください。` };
        }
      });
    });
  }

  private require(table: string): Placed & { sheet: string; headers: string[] } {
    const p = this.placed().get(table);
    if (!p) throw new Error(`The follow-up table ${table} is not in the workbook.`);
    return p;
  }

  /** Moves the table's end to cover `dataRows` rows below its header. */
  private resize(p: Placed, table: string, dataRows: number): void {
    const model = tableModel(p.ws, table);
    if (!model) return;
    const ref = `A${p.headerRow}:${columnLetter(p.width - 1)}${p.headerRow + Math.max(1, dataRows)}`;
    model.tableRef = ref;
    model.autoFilterRef = ref;
  }

  private dataRowCount(p: Placed): number {
    let last = p.headerRow;
    for (let r = p.headerRow + 1; r <= p.ws.rowCount; r++) {
      const row = p.ws.getRow(r);
      if (Array.from({ length: p.width }, (_, i) => row.getCell(i + 1).value).some((v) => v !== null && v !== undefined && v !== '')) last = r;
    }
    return last - p.headerRow;
  }

  async appendRows(table: string, columns: readonly ColumnSpec[], rows: readonly RowSpec[]): Promise<void> {
    const p = this.require(table);
    const count = this.dataRowCount(p);
    this.fillRows(p.ws, p.headerRow + 1 + count, columns, rows);
    this.resize(p, table, count + rows.length);
  }

  async writeCells(cells: readonly CellWrite[]): Promise<void> {
    const placed = this.placed();
    for (const c of cells) {
      const p = placed.get(c.table);
      if (!p) throw new Error(`The follow-up table ${c.table} is not in the workbook.`);
      const cell = p.ws.getRow(p.headerRow + 1 + c.row).getCell(c.column + 1);
      cell.numFmt = TEXT_FORMAT;
      cell.value = c.text;
    }
  }

  async deleteRows(table: string, rows: readonly number[]): Promise<void> {
    const p = this.require(table);
    const count = this.dataRowCount(p);
    for (const r of [...rows].sort((a, b) => b - a)) p.ws.spliceRows(p.headerRow + 1 + r, 1);
    this.resize(p, table, count - rows.length);
  }

  async removeSheets(names: readonly string[]): Promise<void> {
    for (const n of names) {
      const ws = this.wb.getWorksheet(n);
      if (ws) this.wb.removeWorksheet(ws.id);
    }
  }

  async writeBase(chunks: readonly string[]): Promise<void> {
    const old = this.wb.getWorksheet(BASE_SHEET_NAME);
    if (old) this.wb.removeWorksheet(old.id);
    const base = this.wb.addWorksheet(BASE_SHEET_NAME);
    base.state = 'veryHidden';
    chunks.forEach((chunk, i) => {
      base.getCell(`A${i + 1}`).value = chunk;
    });
  }
}
