/**
 * The report button's work (#12), loaded only when the button is pressed (its own chunk; exceljs in another): the
 * reports → the report book (src/core/report) → an .xlsx workbook or the printable HTML page, as a file to hand over.
 */
import { buildReportBook, dayInJapan } from '../../../core/report/book.js';
import { reportHtml } from '../../../core/report/html.js';
import type { Report } from '../../../core/model/schema.js';

export type ReportFileKind = 'xlsx' | 'html';

export interface ReportFile {
  name: string;
  type: string;
  bytes: Uint8Array | string;
  /** Sheets and 数値 charts in it, for the status line. */
  sheets: number;
  charts: number;
}

/** A file name Windows, macOS and SharePoint accept. */
const safeName = (s: string): string => s.replace(/[\\/:*?"<>|#%\u0000-\u001f]/g, '_').replace(/\s+/g, '_');

export async function buildReportFile(reports: readonly Report[], options: { kind: ReportFileKind; label: string | null; compilation: boolean; now: Date }): Promise<ReportFile> {
  const book = buildReportBook(reports, { today: dayInJapan(options.now), label: options.label, compilation: options.compilation });
  if (book.sheets.length === 0) throw new NoReportError();
  const base = safeName(book.title || 'followup-report');
  if (options.kind === 'html') return { name: `${base}.html`, type: 'text/html;charset=utf-8', bytes: reportHtml(book), sheets: book.sheets.length, charts: book.charts.length };
  const [{ default: excel }, { reportWorkbook }] = await Promise.all([
    import(/* webpackChunkName: "exceljs" */ 'exceljs'),
    import(/* webpackChunkName: "report-xlsx" */ '../../../data/report-workbook.js'),
  ]);
  const bytes = await reportWorkbook(excel, book, options.now);
  return { name: `${base}.xlsx`, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes, sheets: book.sheets.length, charts: book.charts.length };
}

/** The lists hold no report for that year (and 府省等). */
export class NoReportError extends Error {
  constructor() {
    super('No report in the lists for that year.');
    this.name = 'NoReportError';
  }
}
