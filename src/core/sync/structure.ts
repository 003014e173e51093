/**
 * Rows the secretariat adds in the sheet, as rows of the list (#11): pure. A row without a key in a report's table
 * becomes an initiative (取組) of that report, after the report's last row, with the texts typed into its cells
 * parsed as the grid parses them (the domain's own words when one does not fit) and the workbook's division.
 */
import { parseFieldInput } from '../edit/input.js';
import { writeField, type EditableField } from '../edit/fields.js';
import { toListRowKey, type RowRecord } from '../lists/row-fields.js';
import { createRow } from '../model/create-row.js';
import type { Row } from '../model/schema.js';
import type { NewRow, StoredRow } from '../ports.js';
import type { SheetRow } from './sheet-sync.js';

export interface NewRowProblem {
  field: EditableField | null;
  ja: string;
  en: string;
}

/** Report-local key of an added row: `<layout>/added-<n>`, the first n not used by the report. */
export function addedRowKey(layout: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const key = `${layout}/added-${n}`;
    if (!taken.has(key)) return key;
  }
}

/**
 * The list row a proposal becomes, or why it cannot be one. `siblings` are the report's rows in the list (for the
 * key, the order and the 大項目 of the row above); `taken` the report-local keys already used (updated).
 */
export function newRowFromSheet(
  proposal: SheetRow,
  report: { reportKey: string; layout: string; fiscalYear: number; orgCode: string; division: string | null },
  above: StoredRow | undefined,
  siblings: readonly StoredRow[],
  taken: Set<string>,
): { ok: true; row: NewRow } | { ok: false; problem: NewRowProblem } {
  const title = proposal.label.trim();
  if (title === '') return { ok: false, problem: { field: null, ja: '追加した行に取組名がありません。', en: 'The added row has no title.' } };
  const key = addedRowKey(report.layout, taken);
  const sortOrder = siblings.reduce((m, r) => Math.max(m, r.row.sortOrder), -1) + 1;
  const row: Row = createRow({
    key,
    kind: 'initiative',
    sortOrder,
    title,
    majorItem: above?.row.majorItem ?? null,
    majorItemRaw: above?.row.majorItemRaw ?? null,
    division: report.division,
    source: { file: 'workbook', line: proposal.index + 1 },
  });
  let record: RowRecord = { rowKey: toListRowKey(report.reportKey, key), reportKey: report.reportKey, fiscalYear: report.fiscalYear, orgCode: report.orgCode, row, reviewComment: null };
  for (const [field, text] of Object.entries(proposal.texts) as [EditableField, string][]) {
    if (text.trim() === '' || field === 'reviewState' || field === 'reviewComment') continue;
    const parsed = parseFieldInput(record, field, text);
    if (!parsed.ok) return { ok: false, problem: { field, ja: parsed.error.ja, en: parsed.error.en } };
    record = writeField(record, field, parsed.value as never);
  }
  taken.add(key);
  return { ok: true, row: { reportKey: report.reportKey, row: record.row } };
}
