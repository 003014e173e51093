/**
 * The editable grid's model (#10), pure and tested without React: one table per report in the documents' order, its
 * columns as the layout prints them (LAYOUT_DEFINITIONS: 実施状況, 理由, 内容, 成果 as printed; 大項目 becomes the
 * group rows), the rows grouped under their 大項目, and which field each cell holds for each row kind.
 */
import { fieldOfCell } from '../../../core/edit/cells.js';
import type { EditableField } from '../../../core/edit/fields.js';
import { layoutDefinition, layoutOfKey, type ColumnContent, type ColumnInput } from '../../../core/layouts/columns.js';
import type { Layout } from '../../../core/model/schema.js';
import type { ValidationIssue } from '../../../core/validate/index.js';
import type { RowView } from '../../../data/types.js';

/** A grid column: a printed layout column, or the division that owns the row (not printed; the tab needs it). */
export interface GridColumn {
  id: ColumnContent | 'division';
  /** The header as printed (the accessible name of the column header). */
  header: string;
  shortHeader: string;
  input: ColumnInput;
  /** CSS grid track. */
  width: string;
}

export type GridLine =
  | { type: 'group'; key: string; label: string }
  | { type: 'row'; key: string; view: RowView; /** Index among the table's data rows (the paste plan's row index). */ dataIndex: number };

export interface GridTable {
  reportKey: string;
  layout: Layout;
  columns: GridColumn[];
  lines: GridLine[];
  /** Data rows only, in printed order. */
  rows: RowView[];
}

const WIDTHS: Readonly<Record<GridColumn['id'], string>> = {
  majorItem: 'minmax(8rem, 0.8fr)',
  item: 'minmax(11rem, 1.1fr)',
  focusItem: 'minmax(11rem, 1.1fr)',
  status: '7.5rem',
  reasonNotPlanned: 'minmax(10rem, 1fr)',
  narrative: 'minmax(16rem, 2.4fr)',
  outcome: 'minmax(12rem, 1.5fr)',
  guidelineRefs: 'minmax(12rem, 1.1fr)',
  division: '8.5rem',
};

/** Tables in the order the documents print them: a 重点項目 table before its overview. */
const LAYOUT_ORDER: readonly Layout[] = ['L-R5-FOCUS', 'L-R5-OVERVIEW', 'L-R2', 'L-R7', 'L-R6-COMPILATION'];

/** The grid columns of a layout: its printed columns but 大項目 (the group rows carry it), then 担当. */
export function gridColumns(layout: Layout, divisionHeader: string): GridColumn[] {
  const printed = layoutDefinition(layout)
    .columns.filter((c) => c.id !== 'majorItem')
    .map((c): GridColumn => ({ id: c.id, header: c.header, shortHeader: c.shortHeader, input: c.input, width: WIDTHS[c.id] }));
  return [...printed, { id: 'division', header: divisionHeader, shortHeader: divisionHeader, input: 'readonly', width: WIDTHS.division }];
}

/** The rows of a scope as the official tables print them. */
export function buildTables(rows: readonly RowView[], divisionHeader: string): GridTable[] {
  const byReport = new Map<string, RowView[]>();
  for (const r of rows) {
    const list = byReport.get(r.stored.reportKey) ?? [];
    list.push(r);
    byReport.set(r.stored.reportKey, list);
  }
  const tables: GridTable[] = [];
  for (const [reportKey, list] of byReport) {
    const layout = layoutOfKey(reportKey) ?? layoutOfKey(list[0]?.stored.row.key ?? '');
    if (layout === null) continue;
    const sorted = [...list].sort((a, b) => a.stored.row.sortOrder - b.stored.row.sortOrder);
    const lines: GridLine[] = [];
    let group: string | null | undefined;
    sorted.forEach((view, dataIndex) => {
      const row = view.stored.row;
      const major = row.kind === 'focus' ? null : (row.majorItemRaw ?? row.majorItem);
      if (major !== null && major !== group) lines.push({ type: 'group', key: `group:${dataIndex}:${major}`, label: major });
      if (major !== null || row.kind === 'focus') group = major;
      lines.push({ type: 'row', key: view.rowKey, view, dataIndex });
    });
    tables.push({ reportKey, layout, columns: gridColumns(layout, divisionHeader), lines, rows: sorted });
  }
  const order = (l: Layout): number => LAYOUT_ORDER.indexOf(l);
  return tables.sort((a, b) => order(a.layout) - order(b.layout) || a.reportKey.localeCompare(b.reportKey));
}

/** The field a cell holds for a row (null: nothing to fill in there). */
export function fieldAt(layout: Layout, view: RowView, column: GridColumn): EditableField | null {
  if (column.id === 'division') return null;
  return fieldOfCell(layout, view.stored.row.kind, column.id);
}

/** The column where a field's issues show (tags are part of the narrative; figures and answers sit where printed). */
export function columnOfIssue(layout: Layout, issue: Pick<ValidationIssue, 'field'>): ColumnContent | null {
  const def = layoutDefinition(layout);
  switch (issue.field) {
    case 'status':
    case 'reasonNotPlanned':
    case 'narrative':
    case 'outcome':
      return def.columns.some((c) => c.id === issue.field) ? issue.field : def.columns.some((c) => c.id === 'narrative') ? 'narrative' : null;
    case 'entries':
      return 'narrative';
    case 'indicatorValues':
      return def.indicatorColumn;
    case 'surveyAnswers':
      return def.surveyColumn;
    default:
      return null;
  }
}

/** A rule's message without the location prefix the import report needs (the field shows where it is). */
export function issueText(issue: Pick<ValidationIssue, 'message' | 'messageEn'>, lang: 'ja' | 'en'): string {
  return lang === 'ja' ? issue.message.replace(/^.*?項目「[^」]*」: /, '') : issue.messageEn.replace(/^.*?field \w+: /, '');
}

/** Lines a keyboard move lands on: the next line in the direction (clamped), Page keys by `page` lines. */
export function moveLine(current: number, count: number, key: 'ArrowUp' | 'ArrowDown' | 'PageUp' | 'PageDown' | 'Home' | 'End', page = 10): number {
  const last = count - 1;
  switch (key) {
    case 'ArrowUp':
      return Math.max(0, current - 1);
    case 'ArrowDown':
      return Math.min(last, current + 1);
    case 'PageUp':
      return Math.max(0, current - page);
    case 'PageDown':
      return Math.min(last, current + page);
    case 'Home':
      return 0;
    case 'End':
      return last;
  }
}
