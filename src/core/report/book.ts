/**
 * The official report as data (#12): the reports read from the lists → sheets of cells with their header rows,
 * merges, widths and print setup, and the 数値 charts. Pure: the .xlsx writer (exceljs), the printable HTML and the
 * PDF only draw this model, so the CLI and the browser's report button print the same document.
 *
 * A ministry's follow-up table keeps the document's own lines: each table (重点項目, 全体像, …) is one sheet whose rows
 * are the document's lines in order, so the sheets put end to end reproduce the document cell for cell (the proof
 * compares them with the source). The cross-ministry compilation (L-R6-COMPILATION) is one table of every 府省等.
 */
import { formatPeriod } from '../era/era-date.js';
import { R6_HEADER_CAPTIONS } from '../layouts/r6-captions.js';
import { layoutLines, lineTexts, placeLines, reconcileReports, type LayoutSpec, type PlacedLine } from '../layouts/render/engine.js';
import { R2_SPEC } from '../layouts/render/r2.js';
import { FOCUS_SPEC, OVERVIEW_SPEC } from '../layouts/render/r5.js';
import { R7_SPEC } from '../layouts/render/r7.js';
import type { CellRole } from '../layouts/render/types.js';
import type { Layout, Report, Row } from '../model/schema.js';
import { displayWidth } from '../text/display-width.js';
import { indicatorCharts, type IndicatorChart } from './charts.js';

/** How a cell is drawn. `rich` cells hold the lists' rich text (p/ul/li/b/br kept in HTML, shown as text in .xlsx). */
export type CellStyle = 'title' | 'header' | 'rowHeader' | 'body' | 'rich';

export interface SheetCell {
  text: string;
  style: CellStyle;
  /**
   * The text is the lists' rich text (HTML) though the style is not `rich`: a 項目 cell of a row whose title was
   * imported with markup (`titleRich`, e.g. a <b> word). Drawn like a rich cell's text, styled as its style says.
   */
  html?: true;
}

/** Whether a cell's text is HTML (to sanitise in the HTML report, to read as text in the workbook). */
export const isHtmlCell = (cell: SheetCell): boolean => cell.style === 'rich' || cell.html === true;

export type SheetRowKind = 'blank' | 'title' | 'header' | 'body';

export interface SheetRow {
  kind: SheetRowKind;
  /** One entry per column up to the last written cell; null where the line has no cell. */
  cells: (SheetCell | null)[];
}

/** A merged range, 0-based and inclusive. */
export interface Merge {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface ReportSheet {
  /** Sheet name: ≤ 31 characters, none of []:*?/\ (Excel's rules). */
  name: string;
  /** The table's title, for the HTML caption and the print header. */
  caption: string;
  rows: SheetRow[];
  merges: Merge[];
  /** The column header rows (0-based, inclusive), repeated at the top of every printed page; null when none. */
  headerRows: { first: number; last: number } | null;
  /** Column widths in Excel character units. */
  columnWidths: number[];
  orientation: 'portrait' | 'landscape';
}

export interface ReportBook {
  /** Document title, e.g. 令和6年度 総務省 取組計画等のフォローアップ. */
  title: string;
  /** Classification label printed in the header and on each sheet (機密性2), or null. */
  label: string | null;
  /** 和暦 date the report was made (令和8年12月6日). */
  createdOn: string;
  /** 和暦 fiscal year (令和6年度), or null when the reports do not say. */
  fiscalYearLabel: string | null;
  sheets: ReportSheet[];
  charts: IndicatorChart[];
}

export interface BuildOptions {
  /** Classification label (`--label 機密性2`); empty or absent: none. */
  label?: string | null;
  /** The day the report is made, `YYYY-MM-DD` (injected: core reads no clock). */
  today: string;
  /** The cross-ministry 重点項目 compilation of the reports (each 府省等's 重点項目, whichever layout holds them). */
  compilation?: boolean;
}

const RICH_ROLES: ReadonlySet<CellRole> = new Set<CellRole>(['narrative', 'outcome', 'refs', 'indicator', 'survey-fields']);
const ROW_HEADER_ROLES: ReadonlySet<CellRole> = new Set<CellRole>(['title', 'marker+title', 'kind+title']);

/** The table spec of a report's layout, or null for the compilation (built from the model, not from lines). */
export function tableSpecOf(layout: Layout): LayoutSpec | null {
  switch (layout) {
    case 'L-R5-FOCUS':
      return FOCUS_SPEC;
    case 'L-R5-OVERVIEW':
      return OVERVIEW_SPEC;
    case 'L-R2':
      return R2_SPEC;
    case 'L-R7':
      return R7_SPEC;
    default:
      return null;
  }
}

const SHEET_NAMES: Partial<Record<Layout, string>> = {
  'L-R5-FOCUS': '重点項目',
  'L-R5-OVERVIEW': '全体像',
  'L-R2': 'フォローアップ',
  'L-R7': 'フォローアップ',
  'L-R6-COMPILATION': '重点項目（府省等）',
};

/** A sheet name Excel accepts, unique among `taken`. */
export function sheetName(wanted: string, taken: ReadonlySet<string>): string {
  const base = wanted.replace(/[[\]:*?/\\]/g, '・').slice(0, 28) || 'Sheet';
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}(${n})`;
  return name;
}

function rowKindOf(line: PlacedLine): SheetRowKind {
  if (line.cells.length === 0 || line.cells.every((c) => c.text.trim() === '')) return 'blank';
  if (line.cells.every((c) => c.role === 'page-title')) return 'title';
  if (line.cells.some((c) => c.role === 'page-header')) return 'header';
  return 'body';
}

function styleOf(role: CellRole, kind: SheetRowKind): CellStyle {
  if (kind === 'title') return 'title';
  if (kind === 'header') return 'header';
  if (ROW_HEADER_ROLES.has(role)) return 'rowHeader';
  return RICH_ROLES.has(role) ? 'rich' : 'body';
}

function toSheetRow(line: PlacedLine): SheetRow {
  const kind = rowKindOf(line);
  const texts = lineTexts(line);
  const cells: (SheetCell | null)[] = texts.map((text, col) => {
    const cell = line.cells.find((c) => c.col === col);
    if (cell === undefined || text === '') return null;
    const style = styleOf(cell.role, kind);
    // The title of a row imported with markup is its titleRich (engine.ts cellText); the marker beside it is plain.
    return style === 'rowHeader' && line.row?.titleRich != null ? { text, style, html: true } : { text, style };
  });
  while (cells.length > 0 && cells[cells.length - 1] === null) cells.pop();
  return { kind, cells };
}

/**
 * Merges of a block of header rows, the way the paper forms draw them: a caption whose column is empty in every
 * other header row spans right over those empty columns, and a caption with nothing under it spans down.
 */
export function headerMerges(rows: readonly SheetRow[], first: number, last: number, width: number): Merge[] {
  const text = (r: number, c: number): string => rows[r]?.cells[c]?.text ?? '';
  const emptyColumn = (c: number): boolean => {
    for (let r = first; r <= last; r++) if (text(r, c) !== '') return false;
    return true;
  };
  const merges: Merge[] = [];
  const covered = new Set<string>();
  for (let r = first; r <= last; r++) {
    for (let c = 0; c < width; c++) {
      if (text(r, c) === '' || covered.has(`${r}:${c}`)) continue;
      let right = c;
      while (right + 1 < width && emptyColumn(right + 1)) right++;
      let bottom = r;
      const emptyBelow = (rr: number): boolean => {
        for (let cc = c; cc <= right; cc++) if (text(rr, cc) !== '') return false;
        return true;
      };
      while (bottom + 1 <= last && emptyBelow(bottom + 1)) bottom++;
      if (right > c || bottom > r) {
        merges.push({ top: r, left: c, bottom, right });
        for (let rr = r; rr <= bottom; rr++) for (let cc = c; cc <= right; cc++) covered.add(`${rr}:${cc}`);
      }
    }
  }
  return merges;
}

/**
 * Column widths from the content: the header words fit (up to 24), and the body's typical cell (its 80th percentile
 * line, so one long note does not widen a status column) up to 60; longer text wraps.
 */
export function columnWidthsOf(rows: readonly SheetRow[], width: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < width; c++) {
    let header = 4;
    const body: number[] = [];
    for (const row of rows) {
      const cell = row.cells[c];
      if (!cell || row.kind === 'title' || row.kind === 'blank') continue;
      // Display width counts a full-width character as 1; an Excel width unit is about half of one.
      const longestLine = Math.max(...cell.text.split('\n').map((l) => displayWidth(l))) * 2 + 1;
      if (row.kind === 'header') header = Math.max(header, Math.min(24, longestLine));
      else body.push(Math.min(60, longestLine));
    }
    body.sort((a, b) => a - b);
    const typical = body.length > 0 ? (body[Math.floor((body.length - 1) * 0.8)] ?? 0) : 0;
    out.push(Math.ceil(Math.max(header, typical, 6)));
  }
  return out;
}

function finishSheet(name: string, caption: string, rows: SheetRow[], extraMerges: Merge[] = []): ReportSheet {
  const width = Math.max(1, ...rows.filter((r) => r.kind !== 'title').map((r) => r.cells.length));
  const headerIdx = rows.flatMap((r, i) => (r.kind === 'header' ? [i] : []));
  const firstHeader = headerIdx[0];
  let headerRows: ReportSheet['headerRows'] = null;
  if (firstHeader !== undefined) {
    let last = firstHeader;
    while (rows[last + 1]?.kind === 'header') last++;
    headerRows = { first: firstHeader, last };
  }
  const merges = [...extraMerges];
  if (headerRows) merges.push(...headerMerges(rows, headerRows.first, headerRows.last, width));
  // A title line spans the table, so its long text prints on the page rather than running off to the right.
  rows.forEach((r, i) => {
    if (r.kind === 'title' && width > 1 && r.cells.length <= 1) merges.push({ top: i, left: 0, bottom: i, right: width - 1 });
  });
  const columnWidths = columnWidthsOf(rows, width);
  const total = columnWidths.reduce((a, b) => a + b, 0);
  return { name, caption, rows, merges, headerRows, columnWidths, orientation: total > 110 ? 'landscape' : 'portrait' };
}

/**
 * The document's lines grouped by table: a blank line belongs to the table after it (the last one at the end).
 * Null when tables interleave (then one sheet holds the whole document, still line for line).
 */
function blocksByReport(placed: readonly PlacedLine[]): { report: Report; lines: PlacedLine[] }[] | null {
  const owners: (Report | null)[] = placed.map((l) => (l.cells.length > 0 ? l.report : null));
  let next: Report | null = null;
  for (let i = owners.length - 1; i >= 0; i--) {
    if (owners[i] === null) owners[i] = next;
    else next = owners[i] ?? null;
  }
  const lastOwner = [...owners].reverse().find((o) => o !== null) ?? null;
  const blocks: { report: Report; lines: PlacedLine[] }[] = [];
  placed.forEach((line, i) => {
    const owner = owners[i] ?? lastOwner;
    if (owner === null) return;
    const current = blocks[blocks.length - 1];
    if (current?.report === owner) current.lines.push(line);
    else blocks.push({ report: owner, lines: [line] });
  });
  return new Set(blocks.map((b) => b.report)).size === blocks.length ? blocks : null;
}

/** The sheets of one ministry's follow-up table (every report of the document in its own layout). */
function tableSheets(reports: readonly Report[], taken: Set<string>): ReportSheet[] {
  const specFor = (r: Report): LayoutSpec => tableSpecOf(r.layout) ?? OVERVIEW_SPEC;
  const placed = placeLines(layoutLines(reports, specFor));
  const blocks = blocksByReport(placed) ?? (reports[0] ? [{ report: reports[0], lines: placed }] : []);
  return blocks.map(({ report, lines }) => {
    const name = sheetName(SHEET_NAMES[report.layout] ?? report.layout, taken);
    taken.add(name);
    return finishSheet(name, report.title, lines.map(toSheetRow));
  });
}

const refsOf = (row: Row): string =>
  row.guidelineRefs.length > 0 ? row.guidelineRefs.map((g) => g.raw).join('\n') : (row.guidelineRefsRaw ?? '').replace(/\n/g, '');

/**
 * The cross-ministry 重点項目 compilation (002's layout): one table, 府省等名 | 重点項目 | Ａ | Ｂ, a 府省等's name merged
 * down over its rows; a 府省等 without rows prints its reason across the table.
 */
function compilationSheet(reports: readonly Report[], title: string, taken: Set<string>): ReportSheet {
  const body = (text: string, style: CellStyle = 'body'): SheetCell | null => (text === '' ? null : { text, style });
  const rows: SheetRow[] = [
    { kind: 'title', cells: [{ text: title, style: 'title' }] },
    { kind: 'blank', cells: [] },
    {
      kind: 'header',
      cells: ['府省等名', '重点項目', `Ａ ${R6_HEADER_CAPTIONS[0]}${R6_HEADER_CAPTIONS[1]}`, `Ｂ ${R6_HEADER_CAPTIONS[2]}${R6_HEADER_CAPTIONS[3]}`].map((text) => ({ text, style: 'header' as const })),
    },
  ];
  const merges: Merge[] = [];
  const sorted = [...reports].sort((a, b) => (a.organization ?? '').localeCompare(b.organization ?? '', 'ja'));
  for (const r of sorted) {
    const org = r.organization ?? '（不明）';
    const start = rows.length;
    if (r.rows.length === 0) {
      rows.push({ kind: 'body', cells: [{ text: org, style: 'rowHeader' }, body(r.noRowsReason ?? '記載なし')] });
      merges.push({ top: start, left: 1, bottom: start, right: 3 });
      continue;
    }
    for (const row of [...r.rows].sort((a, b) => a.sortOrder - b.sortOrder)) {
      rows.push({
        kind: 'body',
        cells: [rows.length === start ? { text: org, style: 'rowHeader' } : null, body(row.focusItem ?? row.title, 'rowHeader'), body(row.narrative ?? row.narrativeRaw ?? ''), body(refsOf(row))],
      });
    }
    if (rows.length - 1 > start) merges.push({ top: start, left: 0, bottom: rows.length - 1, right: 0 });
  }
  const name = sheetName(SHEET_NAMES['L-R6-COMPILATION'] ?? '重点項目', taken);
  taken.add(name);
  const sheet = finishSheet(name, title, rows, merges);
  return { ...sheet, columnWidths: [14, 22, 60, 26], orientation: 'landscape' };
}

/**
 * The reports the cross-ministry 重点項目 compilation is made of (#12): per 府省等, its compilation section when the site
 * holds one (imported from a compilation such as 002), else its own 重点項目 table (L-R5-FOCUS, as 000 prints it), else
 * its rows marked with a 重点項目. A 府省等 with none of these is left out (it reported no 重点項目 table this year).
 */
export function compilationSources(reports: readonly Report[]): Report[] {
  const byOrg = new Map<string, Report[]>();
  for (const r of reports) {
    const org = r.organizationCode ?? r.organization ?? r.key;
    byOrg.set(org, [...(byOrg.get(org) ?? []), r]);
  }
  const out: Report[] = [];
  for (const mine of byOrg.values()) {
    const compiled = mine.filter((r) => r.layout === 'L-R6-COMPILATION');
    if (compiled.length > 0) {
      out.push(...compiled);
      continue;
    }
    const focus = mine.filter((r) => r.layout === 'L-R5-FOCUS');
    if (focus.length > 0) {
      out.push(...focus.map((r) => ({ ...r, rows: r.rows.map((row) => ({ ...row, focusItem: row.focusItem ?? row.title })) })));
      continue;
    }
    const marked = mine.flatMap((r) => r.rows.filter((row) => row.kind === 'focus' || (row.focusItem !== null && row.kind === 'initiative')));
    const first = mine[0];
    if (first && marked.length > 0) out.push({ ...first, layout: 'L-R6-COMPILATION', rows: marked });
  }
  return out;
}

/** A day as YYYY-MM-DD in Japan (UTC+9, no daylight saving): the 作成日 of a report is a Japanese date. */
export function dayInJapan(now: Date): string {
  return new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

/** 令和N年度 of a Western fiscal year. */
export function eraFiscalYear(year: number): string {
  return formatPeriod({ start: `${year}-04-01`, end: `${year + 1}-03-31`, precision: 'fiscalYear' });
}

/** 令和N年M月D日 of an ISO date. */
export function eraDay(isoDate: string): string {
  return formatPeriod({ start: isoDate, end: isoDate, precision: 'day' });
}

/**
 * Builds the report book of `reports` (one document: a ministry's tables, or the compilation of every 府省等).
 * Edited values win over stale printed forms (reconcileReports), so the lists' latest edits are what prints.
 */
export function buildReportBook(reports: readonly Report[], options: BuildOptions): ReportBook {
  const current = reconcileReports(reports);
  const taken = new Set<string>();
  const years = [...new Set(current.map((r) => r.fiscalYear).filter((y): y is number => y !== null))];
  const fiscalYearLabel = years.length === 1 && years[0] !== undefined ? eraFiscalYear(years[0]) : null;
  const compilation = options.compilation ? compilationSources(current) : current.filter((r) => r.layout === 'L-R6-COMPILATION');
  const tables = options.compilation ? [] : current.filter((r) => r.layout !== 'L-R6-COMPILATION');
  const orgs = [...new Set(current.map((r) => r.organization).filter((o): o is string => o !== null))];
  const title = options.compilation
    ? `${fiscalYearLabel ?? ''} 取組計画等のフォローアップ（重点項目・府省等横断）`.trim()
    : [fiscalYearLabel, orgs.join('・'), '取組計画等のフォローアップ'].filter((x) => x).join(' ');
  const sheets = [...(tables.length > 0 ? tableSheets(tables, taken) : []), ...(compilation.length > 0 ? [compilationSheet(compilation, title, taken)] : [])];
  const label = options.label?.trim() ? options.label.trim() : null;
  return { title, label, createdOn: eraDay(options.today), fiscalYearLabel, sheets, charts: indicatorCharts(current) };
}
