/**
 * The change history of a cycle as a table (#12): who changed which field of which row, when, from what to what —
 * from the rows' item versions — and every review transition (提出済 / 差戻し / 承認済, with the comment) from the review
 * list, newest first. Written as .xlsx (src/data/report-workbook.ts) and as CSV for Excel: UTF-8 with a BOM, CRLF,
 * and every text that Excel or LibreOffice would read as a formula or a command neutralised with a leading `'`.
 */
import { ROWS_LIST } from '../lists/schema.js';
import { eraDay } from './book.js';

export interface ChangeEntry {
  /** ISO timestamp. */
  at: string;
  by: string;
  orgCode: string;
  reportKey: string;
  rowKey: string;
  rowTitle: string;
  divisionCode: string | null;
  kind: 'created' | 'edit' | 'review';
  /** The list column's internal name (edits), or null. */
  field: string | null;
  before: unknown;
  after: unknown;
  comment: string | null;
  /** The item version (`3.0`) of an edit. */
  version: string | null;
}

export const HISTORY_COLUMNS = ['日時', '日時（和暦）', '変更者', '府省等', '課室', '行', '項目', '種別', '項目名（列）', '変更前', '変更後', 'コメント', '版'] as const;

const KIND_JA: Readonly<Record<ChangeEntry['kind'], string>> = { created: '作成', edit: '編集', review: '審査' };
const DISPLAY_NAMES = new Map(ROWS_LIST.columns.map((c) => [c.name, c.displayName]));

/** A stored value as text: strings as they are, lists and objects as JSON, nothing as empty. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** 令和8年12月6日 14:05 (Japan time) of an ISO timestamp; the text itself when it is not one. */
export function eraDateTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const jst = new Date(t + 9 * 3600_000).toISOString();
  return `${eraDay(jst.slice(0, 10))} ${jst.slice(11, 16)}`;
}

/** The table's rows, newest first (ties: by row, then field). */
export function historyRows(entries: readonly ChangeEntry[]): string[][] {
  const sorted = [...entries].sort((a, b) => b.at.localeCompare(a.at) || a.rowKey.localeCompare(b.rowKey) || (a.field ?? '').localeCompare(b.field ?? ''));
  return sorted.map((e) => [
    e.at,
    eraDateTime(e.at),
    e.by,
    e.orgCode,
    e.divisionCode ?? '',
    e.rowKey,
    e.rowTitle,
    KIND_JA[e.kind],
    e.field === null ? '' : `${DISPLAY_NAMES.get(e.field) ?? e.field}（${e.field}）`,
    valueText(e.before),
    valueText(e.after),
    e.comment ?? '',
    e.version ?? '',
  ]);
}

/**
 * Text Excel or LibreOffice would evaluate when opening a CSV: a leading `=`, `+`, `-`, `@`, tab or CR (OWASP CSV
 * injection), also after spaces, and the full-width `＝＋－＠` that Japanese input produces (Excel's 日本語 input turns
 * them into formulas when typed; whether its CSV import does is not confirmed here, so they are neutralised too).
 */
const FORMULA_START = /^[\s\u3000]*[=+\-@＝＋－＠]|^[\t\r]/;

/** The text with a leading `'` when a spreadsheet would take it as a formula; other text unchanged. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** RFC 4180 CSV for Excel: BOM, CRLF, every field quoted, formula-like text neutralised. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const field = (s: string): string => `"${neutralizeFormula(s).replace(/"/g, '""')}"`;
  return `\uFEFF${[header, ...rows].map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;
}
