/**
 * The report book as an .xlsx workbook (#12), with exceljs. Browser-safe: the report button runs it in the tab
 * (exceljs is passed in, loaded with import() so it stays out of the tab's first download), the CLI in Node.
 *
 * - A cell holds plain text, as a reader sees it: a rich cell (the lists' p/ul/li/b/br HTML, isHtmlCell) becomes its text, each
 *   paragraph or list item on its own line of the wrapped cell, entities decoded (`&amp;` → `&`). No markup reaches
 *   Excel; the printable HTML report keeps the sanitised markup instead (../core/report/html.ts).
 * - Every text is a string cell (never `{ formula }`), formatted as text (`@`), so `=SUM(A1)`, `+81…`, `-`, `@user`,
 *   a leading tab or CR, or `＝` are shown as typed and never become formulas — in Excel or in LibreOffice.
 * - Row 1 is the document's furniture: 作成日 (和暦) on the left, the classification label on the right; the label is
 *   also in the printed header of every page, the 作成日 and page number in the footer.
 * - A4, the sheet's orientation, fit to one page wide, the column header rows repeated on each page, frozen under them.
 * - 数値: exceljs writes no native charts; the 数値グラフ sheet holds the values as numbers with in-cell data bars
 *   (an Excel-native drawing that prints, sorts and is read out by screen readers) and the target beside them.
 */
import type ExcelJSModule from 'exceljs';
import type { Borders, Fill, Worksheet } from 'exceljs';

import { isHtmlCell, type ReportBook, type ReportSheet, type SheetCell } from '../core/report/book.js';
import { displayWidth } from '../core/text/display-width.js';
import { htmlToText } from '../core/text/index.js';
import type { IndicatorChart } from '../core/report/charts.js';

export type ExcelJS = typeof ExcelJSModule;

/** A4 in the SpreadsheetML paper size list. */
const PAPER_A4 = 9;
const THIN = { style: 'thin' as const, color: { argb: 'FF000000' } };
const BORDER: Partial<Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const HEADER_FILL: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EDF3' } };
const ROW_HEADER_FILL: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF6F8FA' } };
const FONT = 'Yu Gothic';
/** Rows before the model's first row: the 作成日 / label line. */
export const META_ROWS = 1;

/** The text a cell shows: rich text as plain text, line breaks for paragraphs. */
const cellText = (cell: SheetCell): string => (isHtmlCell(cell) ? htmlToText(cell.text) : cell.text);

/** `&` starts a code in Excel's header/footer language: a label such as `R&D` prints as typed. */
const headerText = (text: string): string => text.replace(/&/g, '&&');

function setupPage(ws: Worksheet, book: ReportBook, orientation: 'portrait' | 'landscape', printTitles: string | null): void {
  ws.pageSetup = {
    ...ws.pageSetup,
    paperSize: PAPER_A4,
    orientation,
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: { left: 0.4, right: 0.4, top: 0.75, bottom: 0.6, header: 0.3, footer: 0.3 },
    ...(printTitles ? { printTitlesRow: printTitles } : {}),
  };
  const label = book.label ? `&R&"-,Bold"${headerText(book.label)}` : '';
  ws.headerFooter = {
    ...ws.headerFooter,
    oddHeader: `&L${headerText(book.title)}${label}`,
    oddFooter: `&L作成日：${headerText(book.createdOn)}&R&P / &N`,
  };
}

function writeMetaRow(ws: Worksheet, book: ReportBook, width: number): void {
  const date = ws.getCell(1, 1);
  date.value = `作成日：${book.createdOn}`;
  date.font = { name: FONT, size: 9 };
  if (book.label) {
    const cell = ws.getCell(1, Math.max(2, width));
    cell.value = book.label;
    cell.numFmt = '@';
    cell.font = { name: FONT, size: 10, bold: true };
    cell.alignment = { horizontal: 'right' };
  }
}

/** Excel's largest row height, in points. */
const MAX_ROW_HEIGHT = 409;
const LINE_POINTS = 13.5;

/**
 * Row heights for wrapped text. Excel grows rows to fit on open, LibreOffice does not: without a height a long
 * narrative would print as its first line. Estimated from each cell's lines and its (merged) column width.
 */
export function rowHeights(sheet: ReportSheet): (number | null)[] {
  const spanWidth = new Map<string, number>();
  for (const m of sheet.merges) {
    let w = 0;
    for (let c = m.left; c <= m.right; c++) w += sheet.columnWidths[c] ?? 8;
    spanWidth.set(`${m.top}:${m.left}`, w / (m.bottom - m.top + 1));
  }
  return sheet.rows.map((row, r) => {
    let lines = 1;
    row.cells.forEach((cell, c) => {
      if (!cell) return;
      const width = spanWidth.get(`${r}:${c}`) ?? sheet.columnWidths[c] ?? 8;
      // A full-width character takes about two width units; one unit of padding.
      const perLine = Math.max(1, width - 1);
      const n = cellText(cell).split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil((displayWidth(line) * 2) / perLine)), 0);
      lines = Math.max(lines, n);
    });
    return lines <= 1 ? null : Math.min(MAX_ROW_HEIGHT, Math.ceil(lines * LINE_POINTS + 4));
  });
}

function writeSheet(wb: ExcelJSModule.Workbook, book: ReportBook, sheet: ReportSheet): void {
  const ws = wb.addWorksheet(sheet.name);
  const width = sheet.columnWidths.length;
  sheet.columnWidths.forEach((w, i) => {
    ws.getColumn(i + 1).width = w;
  });
  writeMetaRow(ws, book, width);
  sheet.rows.forEach((row, r) => {
    const excelRow = r + 1 + META_ROWS;
    row.cells.forEach((cell, c) => {
      if (cell === null) return;
      const target = ws.getCell(excelRow, c + 1);
      // A string value is written as a string cell: exceljs only writes a formula for { formula } values.
      target.value = cellText(cell);
      target.numFmt = '@';
      target.font = { name: FONT, size: cell.style === 'title' ? 12 : 10, bold: cell.style === 'title' || cell.style === 'header' };
      target.alignment = { wrapText: true, vertical: cell.style === 'header' ? 'middle' : 'top', horizontal: cell.style === 'header' ? 'center' : 'left' };
    });
    if (row.kind === 'header' || row.kind === 'body') {
      for (let c = 1; c <= width; c++) {
        const target = ws.getCell(excelRow, c);
        target.border = BORDER;
        if (row.kind === 'header') target.fill = HEADER_FILL;
        else if (row.cells[c - 1]?.style === 'rowHeader') target.fill = ROW_HEADER_FILL;
        if (!target.alignment) target.alignment = { wrapText: true, vertical: 'top' };
      }
    }
  });
  rowHeights(sheet).forEach((h, r) => {
    if (h !== null && sheet.rows[r]?.kind !== 'title') ws.getRow(r + 1 + META_ROWS).height = h;
  });
  for (const m of sheet.merges) ws.mergeCells(m.top + 1 + META_ROWS, m.left + 1, m.bottom + 1 + META_ROWS, m.right + 1);
  const titles = sheet.headerRows ? `${sheet.headerRows.first + 1 + META_ROWS}:${sheet.headerRows.last + 1 + META_ROWS}` : null;
  setupPage(ws, book, sheet.orientation, titles);
  if (sheet.headerRows) ws.views = [{ state: 'frozen', xSplit: 0, ySplit: sheet.headerRows.last + 1 + META_ROWS }];
}

const CHART_COLUMNS = [
  { header: '府省等', width: 14 },
  { header: '指標', width: 30 },
  { header: '区分', width: 22 },
  { header: '現状', width: 14 },
  { header: '現状の時点', width: 16 },
  { header: '目標', width: 18 },
  { header: '目標の時点', width: 14 },
  { header: '現状（%）', width: 22 },
  { header: '目標（%）', width: 10 },
  { header: '目標との差（ポイント）', width: 12 },
] as const;

/** The 数値 values as a table with data bars (0–100 %) on the current value. */
function writeCharts(wb: ExcelJSModule.Workbook, book: ReportBook, charts: readonly IndicatorChart[], name: string): void {
  const ws = wb.addWorksheet(name);
  CHART_COLUMNS.forEach((c, i) => {
    ws.getColumn(i + 1).width = c.width;
  });
  writeMetaRow(ws, book, CHART_COLUMNS.length);
  const headerRow = 1 + META_ROWS;
  CHART_COLUMNS.forEach((c, i) => {
    const cell = ws.getCell(headerRow, i + 1);
    cell.value = c.header;
    cell.font = { name: FONT, size: 10, bold: true };
    cell.fill = HEADER_FILL;
    cell.border = BORDER;
    cell.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  });
  let r = headerRow + 1;
  for (const chart of charts) {
    for (const s of chart.series) {
      const now = s.current[0];
      const values: (string | number | null)[] = [
        chart.organization ?? '',
        chart.title,
        s.category ?? '',
        now?.text ?? '',
        now?.asOf ?? '',
        s.target?.text ?? '',
        s.target?.asOf ?? '',
        now?.percent ?? null,
        s.target?.percent ?? null,
        now?.percent != null && s.target?.percent != null ? Math.round((now.percent - s.target.percent) * 10) / 10 : null,
      ];
      values.forEach((v, i) => {
        const cell = ws.getCell(r, i + 1);
        cell.border = BORDER;
        cell.font = { name: FONT, size: 10 };
        cell.alignment = { wrapText: true, vertical: 'top' };
        if (v === null) return;
        cell.value = v;
        if (typeof v === 'string') cell.numFmt = '@';
        else cell.numFmt = i === 9 ? '+0.0;-0.0;0.0' : '0.0"%"';
      });
      r += 1;
    }
  }
  if (r > headerRow + 1) {
    ws.addConditionalFormatting({
      ref: `H${headerRow + 1}:H${r - 1}`,
      rules: [{ type: 'dataBar', priority: 1, gradient: false, minLength: 0, maxLength: 100, cfvo: [{ type: 'num', value: 0 }, { type: 'num', value: 100 }], color: { argb: 'FF1F5AA6' } } as ExcelJSModule.DataBarRuleType],
    });
  }
  setupPage(ws, book, 'landscape', `${headerRow}:${headerRow}`);
  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: headerRow }];
}

/** The workbook of `book` as .xlsx bytes. */
export async function reportWorkbook(excel: ExcelJS, book: ReportBook, now: Date): Promise<Uint8Array> {
  const wb = new excel.Workbook();
  wb.creator = 'wlb-followup';
  wb.title = book.title;
  wb.created = now;
  wb.modified = now;
  for (const sheet of book.sheets) writeSheet(wb, book, sheet);
  if (book.charts.length > 0) writeCharts(wb, book, book.charts, '数値グラフ');
  const buffer = await wb.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

/** The change history (src/core/report/history.ts) as a one-sheet workbook: every value a text cell, a filter. */
export async function historyWorkbook(excel: ExcelJS, title: string, header: readonly string[], rows: readonly (readonly string[])[], now: Date): Promise<Uint8Array> {
  const wb = new excel.Workbook();
  wb.creator = 'wlb-followup';
  wb.title = title;
  wb.created = now;
  const ws = wb.addWorksheet('変更履歴');
  const widths = [20, 20, 16, 10, 12, 28, 28, 8, 22, 40, 40, 30, 6];
  header.forEach((h, i) => {
    ws.getColumn(i + 1).width = widths[i] ?? 16;
    const cell = ws.getCell(1, i + 1);
    cell.value = h;
    cell.font = { name: FONT, size: 10, bold: true };
    cell.fill = HEADER_FILL;
    cell.border = BORDER;
    cell.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  });
  rows.forEach((row, r) => {
    row.forEach((text, c) => {
      const cell = ws.getCell(r + 2, c + 1);
      cell.value = text;
      cell.numFmt = '@';
      cell.font = { name: FONT, size: 9 };
      cell.alignment = { wrapText: true, vertical: 'top' };
      cell.border = BORDER;
    });
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, rows.length + 1), column: header.length } };
  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: 1 }];
  ws.pageSetup = { ...ws.pageSetup, paperSize: PAPER_A4, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' };
  ws.headerFooter = { ...ws.headerFooter, oddHeader: `&L${headerText(title)}`, oddFooter: '&R&P / &N' };
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}
