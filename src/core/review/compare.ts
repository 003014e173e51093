/**
 * What a reviewer compares (#12), pure: a row's answers field by field in the words the tab shows (the same text a
 * cell holds), between the submitted snapshot, the answers of the last review, last year's answers and now. Answer
 * snapshots are canonical JSON of the FollowUpRows answer columns (src/core/review/review.ts, answersOf); they are
 * laid over the row's stored fields to read them back as a RowRecord.
 */
import { fieldOfCell } from '../edit/cells.js';
import { EDITABLE_FIELDS, FIELD_COLUMNS, FIELD_GROUPS, type EditableField } from '../edit/fields.js';
import { formatFieldValue } from '../edit/input.js';
import { fromRowFields, toRowFields, type RowRecord } from '../lists/row-fields.js';
import { layoutDefinition, layoutOfKey } from '../layouts/columns.js';
import { FieldGroup } from '../lists/schema.js';
import type { Row } from '../model/schema.js';
import type { ReviewRecord, Transition } from './review.js';

/** The fields a division answers (what is submitted, compared and commented on). */
export const ANSWER_FIELDS: readonly EditableField[] = EDITABLE_FIELDS.filter((f) => FIELD_GROUPS[f] === FieldGroup.Division);

const FIELD_OF_COLUMN: ReadonlyMap<string, EditableField> = new Map(ANSWER_FIELDS.map((f) => [FIELD_COLUMNS[f], f]));

/** The answer field stored in a FollowUpRows column (`Narrative` → narrative); null for any other column. */
export function answerFieldOfColumn(column: string | null): EditableField | null {
  return column === null ? null : (FIELD_OF_COLUMN.get(column) ?? null);
}

/** The answer fields a row of its layout has a cell for (what a comment can name), in the fields' order. */
export function answerFieldsOf(reportKey: string, row: Pick<Row, 'key' | 'kind'>): EditableField[] {
  const layout = layoutOfKey(reportKey) ?? layoutOfKey(row.key);
  if (layout === null) return [];
  const has = new Set(layoutDefinition(layout).columns.map((c) => fieldOfCell(layout, row.kind, c.id)));
  return ANSWER_FIELDS.filter((f) => has.has(f));
}

export interface FieldDiff {
  field: EditableField;
  /** The value as a cell shows it ('' when empty). */
  before: string;
  after: string;
}

/** Field-level differences of the answers of two versions of a row (before null: everything filled in is new). */
export function compareAnswers(before: RowRecord | null, after: RowRecord): FieldDiff[] {
  const out: FieldDiff[] = [];
  for (const field of ANSWER_FIELDS) {
    const a = before === null ? '' : formatFieldValue(before, field);
    const b = formatFieldValue(after, field);
    if (a !== b) out.push({ field, before: a, after: b });
  }
  return out;
}

/**
 * The row as it was when `answers` (a submission's snapshot) was taken: the stored row with its answer columns
 * replaced. Null when the snapshot cannot be read (hand-edited JSON): the caller says so instead of a wrong diff.
 */
export function recordWithAnswers(record: RowRecord, answers: string): RowRecord | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answers);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const back = fromRowFields({ ...toRowFields(record), ...(parsed as Record<string, unknown>) });
  return back.ok ? back.value : null;
}

/** The last decision (差戻し or 承認済) of a row, or null when no reviewer has decided on it yet. */
export function lastDecision(review: Pick<ReviewRecord, 'history'>): Transition | null {
  for (let i = review.history.length - 1; i >= 0; i--) {
    const t = review.history[i] as Transition;
    if ((t.state === '差戻し' || t.state === '承認済') && t.refused === undefined) return t;
  }
  return null;
}

/**
 * The submission the last decision was about: the last accepted 提出済 before it. Its id names a FollowUpSubmissions
 * item (whose AnswersJson is what the reviewer looked at); null when there was none.
 */
export function reviewedSubmissionId(review: Pick<ReviewRecord, 'history'>): string | null {
  const decision = lastDecision(review);
  if (decision === null) return null;
  const at = review.history.lastIndexOf(decision);
  for (let i = at - 1; i >= 0; i--) {
    const t = review.history[i] as Transition;
    if (t.state === '提出済' && t.refused === undefined && t.submissionId !== undefined) return t.submissionId;
  }
  return null;
}
