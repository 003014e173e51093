/**
 * Shared engine of the TSV-layout renderers (#2): regenerates every cell of a row from the model's normalised fields,
 * puts it on the row's source line and column (so an unchanged model reproduces the source positionally), places new
 * rows after their predecessor, and writes TSV or an accessible HTML table.
 */
import { detectIndicatorStyle, formatIndicatorCell } from '../../indicator/index.js';
import { reconcileRaw } from '../../model/reconcile-raw.js';
import type { RawCell, Report, Row, SurveyAnswer } from '../../model/schema.js';
import { STATUS_LABELS_JA } from '../../model/schema.js';
import { textToHtml } from '../../text/index.js';
import type { RenderFormat } from './types.js';
import { escapeHtml, sanitizeRich } from './html.js';
import type { CellRole } from './types.js';
import { PASS_THROUGH_ROLES } from './types.js';
import { formatSubFields } from '../../survey/catalogue.js';

/** A cell to write: column, text, and the role it plays (drives HTML escaping and row headers). */
export interface OutCell {
  col: number;
  role: CellRole;
  text: string;
}

/** A line to write: at a source line (positioned) or after the previous output line (new content). */
export interface OutLine {
  report: Report;
  row: Row | null;
  /** Source line, or null for new content placed after the line before it. */
  line: number | null;
  cells: OutCell[];
  spec: LayoutSpec;
}

export interface LayoutSpec {
  /** Cells per table line. */
  width: number;
  /** Column captions for the HTML <thead> (one per physical column). */
  columns: readonly string[];
  /** Header rows written for a report without source furniture. */
  headerRows: readonly (readonly string[])[];
  /** Separator and paragraph defaults for 数値 cells without a source cell to copy the style from. */
  indicatorSeparator: ' ' | '、';
  /** How labelled 調査 sub-fields are written. */
  subFieldStyle: 'inline' | 'paragraphs';
  /** Cells of a row that has no source position (a row added to the model). One array per line. */
  freshLines(row: Row, previous: Row | null): { col: number; role: CellRole }[][];
  /** Column for a role the model now has a value for but the source row had no cell for. */
  defaultCol(row: Row, role: CellRole, placed: ReadonlyMap<CellRole, number>): number;
}

const KIND_WORD: Partial<Record<Row['kind'], string>> = { indicator: '数値', survey: '調査' };
const RICH_ROLES: ReadonlySet<CellRole> = new Set<CellRole>(['narrative', 'outcome', 'refs', 'indicator', 'survey-fields', 'title', 'marker+title']);

/** The text of a status cell: the choice's label, or the unrecognised printed value when there is no choice. */
function statusText(row: Row): string {
  return row.status === null ? (row.statusRaw ?? '') : STATUS_LABELS_JA[row.status];
}

/** Answers of a 調査 row that belong to one physical line. */
function answersOn(row: Row, line: number | null): SurveyAnswer[] {
  if (line === null) return row.surveyAnswers;
  return row.surveyAnswers.filter((a) => a.source.line === line);
}

/** Regenerates the text of one cell of `row` from its normalised fields. */
export function cellText(
  spec: LayoutSpec,
  row: Row,
  role: CellRole,
  source: RawCell | null,
  markerTokens: string[],
  line: number | null,
  answers: SurveyAnswer[] = answersOn(row, line),
): string {
  if (PASS_THROUGH_ROLES.has(role)) return source?.text ?? '';
  const title = row.titleRich ?? row.title;
  switch (role) {
    case 'majorItem':
      return row.majorItemRaw ?? row.majorItem ?? '';
    case 'kind':
      return KIND_WORD[row.kind] ?? '';
    case 'kind+title':
      return `${KIND_WORD[row.kind] ?? ''} ${title}`.trim();
    case 'marker':
      return markerTokens.shift() ?? '';
    case 'marker+title':
      return [markerTokens.shift(), title].filter((x) => x !== undefined && x !== '').join(' ');
    case 'title':
      return title;
    case 'split':
      return row.splitKind === null ? '' : `(${row.splitKind})`;
    case 'split+status':
      return [row.splitKind === null ? '' : `(${row.splitKind})`, statusText(row)].filter((x) => x !== '').join(' ');
    case 'status':
      return statusText(row);
    case 'reason':
      return row.reasonNotPlanned ?? '';
    case 'narrative':
      return row.narrativeRaw ?? textToHtml(row.narrative ?? '');
    case 'outcome':
      return row.outcomeRaw ?? textToHtml(row.outcome ?? '');
    case 'refs':
      return row.guidelineRefsRaw ?? row.guidelineRefs.map((r) => r.raw).join('\n');
    case 'indicator': {
      const style = source
        ? detectIndicatorStyle(source.text)
        : { separator: spec.indicatorSeparator, paragraphs: row.indicatorValues.some((v) => v.category !== null) };
      return formatIndicatorCell(row.indicatorValues, style);
    }
    case 'survey-scope':
      return answers[0]?.scopeRaw ?? answers[0]?.scope ?? '';
    case 'survey-answer':
      return answers[0]?.choice ?? answers[0]?.text ?? '';
    case 'survey-fields':
      return formatSubFields(answers, spec.subFieldStyle);
    case 'survey-text':
      return answers.map((a) => a.text).join(' ');
    default:
      return source?.text ?? '';
  }
}

/** Roles whose model value is present, so a cell must be written even if the source had none. */
function neededRoles(row: Row): CellRole[] {
  const roles: CellRole[] = [];
  if (row.status !== null) roles.push('status');
  if (row.reasonNotPlanned !== null) roles.push('reason');
  if (row.narrativeRaw !== null || row.narrative !== null) roles.push('narrative');
  if (row.outcomeRaw !== null || row.outcome !== null) roles.push('outcome');
  if (row.kind === 'indicator' && row.indicatorValues.length > 0) roles.push('indicator');
  return roles;
}

/** Same-role aliases: a combined cell already carries the status. */
const COVERS: Partial<Record<CellRole, CellRole[]>> = { 'split+status': ['status', 'split'] };

/** Inserts a cell at `col`, moving later cells of the line one column right when the column is taken. */
function insertCell(cells: OutCell[], cell: OutCell): void {
  if (cells.some((c) => c.col === cell.col)) for (const c of cells) if (c.col >= cell.col) c.col += 1;
  cells.push(cell);
  cells.sort((a, b) => a.col - b.col);
}

/** Lays out every row of the reports as output lines, in report and print order. */
export function layoutLines(reports: readonly Report[], specFor: (report: Report) => LayoutSpec): OutLine[] {
  const out: OutLine[] = [];
  const taken = new Set<number>();
  for (const report of reports) {
    const spec = specFor(report);
    const rows = [...report.rows].sort((a, b) => a.sortOrder - b.sortOrder);
    const hasFurniture = rows.some((r) => r.cells.some((c) => c.role === 'page-title' || c.role === 'page-header'));
    if (!hasFurniture) {
      // A report built without a source document: write its title and header the way the template prints them.
      out.push({ report, row: null, line: null, cells: [], spec });
      for (const t of report.titleRaw.length > 0 ? report.titleRaw : [report.title]) {
        out.push({ report, row: null, line: null, cells: [{ col: 0, role: 'page-title', text: t }], spec });
      }
      out.push({ report, row: null, line: null, cells: [], spec });
      for (const h of spec.headerRows) {
        out.push({ report, row: null, line: null, cells: h.map((text, col) => ({ col, role: 'page-header' as const, text })), spec });
      }
    }
    let previous: Row | null = null;
    for (const row of rows) {
      const positioned = row.source.line > 0 && row.cells.length > 0 && !taken.has(row.source.line);
      if (positioned) out.push(...positionedLines(report, row, spec, taken));
      else out.push(...freshLines(report, row, previous, spec));
      previous = row;
    }
  }
  return out;
}

function positionedLines(report: Report, row: Row, spec: LayoutSpec, taken: Set<number>): OutLine[] {
  const tokens = (row.markerRaw ?? '').split(/\s+/).filter((t) => t !== '');
  const byLine = new Map<number, OutCell[]>();
  const placed = new Map<CellRole, number>();
  const cellsSorted = [...row.cells].sort((a, b) => a.line - b.line || a.col - b.col);
  for (const c of cellsSorted) {
    const role = (c.role ?? 'extra') as CellRole;
    const text = cellText(spec, row, role, c, tokens, c.line);
    const list = byLine.get(c.line) ?? [];
    list.push({ col: c.col, role, text });
    byLine.set(c.line, list);
    if (c.line === row.source.line) {
      placed.set(role, c.col);
      for (const r of COVERS[role] ?? []) placed.set(r, c.col);
    }
  }
  const main = byLine.get(row.source.line) ?? [];
  for (const role of neededRoles(row)) {
    if (placed.has(role)) continue;
    const col = spec.defaultCol(row, role, placed);
    insertCell(main, { col, role, text: cellText(spec, row, role, null, [], row.source.line) });
    placed.set(role, col);
  }
  byLine.set(row.source.line, main);
  const lines: OutLine[] = [];
  for (const [line, cells] of [...byLine.entries()].sort((a, b) => a[0] - b[0])) {
    taken.add(line);
    lines.push({ report, row, line, cells, spec });
  }
  // Survey answers added to the model without a source line go on new lines after the row.
  const lineSet = new Set(byLine.keys());
  const loose = row.surveyAnswers.filter((a) => !lineSet.has(a.source.line));
  if (loose.length > 0) {
    for (const a of loose) {
      const fresh = spec.freshLines({ ...row, surveyAnswers: [a] }, row).slice(-1)[0] ?? [];
      lines.push({
        report,
        row,
        line: null,
        spec,
        cells: fresh
          .filter((c) => c.role.startsWith('survey-'))
          .map((c) => ({ col: c.col, role: c.role, text: cellText(spec, row, c.role, null, [], null, [a]) })),
      });
    }
  }
  return lines;
}

function freshLines(report: Report, row: Row, previous: Row | null, spec: LayoutSpec): OutLine[] {
  const tokens = (row.markerRaw ?? '').split(/\s+/).filter((t) => t !== '');
  const planned = spec.freshLines(row, previous);
  return planned.map((cells, i) => {
    const answers = row.kind === 'survey' && planned.length > 1 ? row.surveyAnswers.slice(i, i + 1) : row.surveyAnswers;
    return {
      report,
      row,
      line: null,
      spec,
      cells: cells.map((c) => ({ col: c.col, role: c.role, text: cellText(spec, row, c.role, null, tokens, null, answers) })),
    };
  });
}

/** One physical line of the output document: its cells, its nominal width, and the report and row it belongs to. */
export interface PlacedLine {
  cells: OutCell[];
  width: number;
  report: Report | null;
  row: Row | null;
}

/**
 * Places the lines in document order: positioned lines at their source line number (gaps stay as empty lines), new
 * lines after the line before them. The TSV writer and the report sheets (#12) share this order, so a workbook
 * reproduces the document line for line.
 */
export function placeLines(lines: readonly OutLine[]): PlacedLine[] {
  const fixed = new Map<number, PlacedLine>();
  const inserted = new Map<number, PlacedLine[]>();
  let cursor = 0;
  let maxLine = 0;
  for (const l of lines) {
    if (l.line !== null) {
      const entry = fixed.get(l.line) ?? { cells: [], width: l.spec.width, report: l.report, row: l.row };
      entry.cells.push(...l.cells);
      fixed.set(l.line, entry);
      cursor = l.line;
      maxLine = Math.max(maxLine, l.line);
    } else {
      const list = inserted.get(cursor) ?? [];
      list.push({ cells: l.cells, width: l.spec.width, report: l.report, row: l.row });
      inserted.set(cursor, list);
    }
  }
  const out: PlacedLine[] = [...(inserted.get(0) ?? [])];
  for (let line = 1; line <= maxLine; line += 1) {
    out.push(fixed.get(line) ?? { cells: [], width: 0, report: null, row: null });
    out.push(...(inserted.get(line) ?? []));
  }
  return out;
}

/** The cells of a placed line as one array of texts (empty strings between); a title-only line is as wide as its cells. */
export function lineTexts(entry: PlacedLine): string[] {
  const { cells } = entry;
  if (cells.length === 0) return [];
  const titleOnly = cells.every((c) => c.role === 'page-title');
  const width = titleOnly ? Math.max(...cells.map((c) => c.col)) + 1 : Math.max(entry.width, ...cells.map((c) => c.col + 1));
  const row = new Array<string>(width).fill('');
  for (const c of cells) row[c.col] = c.text;
  return row;
}

/** Writes the lines as TSV: positioned lines at their source line number, new lines after the line before them. */
export function toTsv(lines: readonly OutLine[]): string {
  return placeLines(lines)
    .map((entry) => lineTexts(entry).map((t) => t.replace(/[\t\r\n]+/g, ' ')).join('\t'))
    .join('\n');
}

/** Writes one accessible <table> per report: caption, column headers with scope, the row title as row header. */
export function toHtml(lines: readonly OutLine[], reports: readonly Report[], specFor: (report: Report) => LayoutSpec): string {
  const tables: string[] = [];
  for (const report of reports) {
    const spec = specFor(report);
    const body: string[] = [];
    for (const l of lines) {
      if (l.report !== report || l.row === null) continue;
      const data = l.cells.filter((c) => !PASS_THROUGH_ROLES.has(c.role));
      if (data.length === 0) continue;
      const width = Math.max(spec.width, ...data.map((c) => c.col + 1));
      const tds: string[] = [];
      for (let col = 0; col < width; col += 1) {
        const cell = data.find((c) => c.col === col);
        const content = cell === undefined ? '' : RICH_ROLES.has(cell.role) ? sanitizeRich(cell.text) : escapeHtml(cell.text);
        const isHeader = cell !== undefined && (cell.role === 'title' || cell.role === 'marker+title' || cell.role === 'kind+title');
        tds.push(isHeader ? `<th scope="row">${content}</th>` : `<td>${content}</td>`);
      }
      body.push(`<tr>${tds.join('')}</tr>`);
    }
    const head = spec.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
    tables.push(
      [
        '<table>',
        `<caption>${escapeHtml(report.title)}</caption>`,
        `<thead><tr>${head}</tr></thead>`,
        `<tbody>${body.length > 0 ? '\n' + body.join('\n') + '\n' : ''}</tbody>`,
        '</table>',
      ].join('\n'),
    );
  }
  return tables.join('\n');
}

/** The reports with every row's stale raw forms dropped, so edited values reach the output (reconcileRaw). */
export function reconcileReports(reports: readonly Report[]): Report[] {
  return reports.map((r) => ({ ...r, rows: r.rows.map(reconcileRaw) }));
}

/** Renders reports in the layout described by `spec`; a raw form that no longer gives its value is not printed. */
export function renderWithSpec(reports: readonly Report[], format: RenderFormat, specFor: (report: Report) => LayoutSpec): string {
  const current = reconcileReports(reports);
  const lines = layoutLines(current, specFor);
  return format === 'html' ? toHtml(lines, current, specFor) : toTsv(lines);
}
