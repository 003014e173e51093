/**
 * The fields a person edits in a follow-up row, in domain terms (#10, #11): read a field of a RowRecord, write one
 * (keeping derived values coherent: tags and entries follow the narrative, 実施状況 as printed follows the choice),
 * and the list column each field is stored in. The Teams tab's grid, the Excel add-in and the manager view all edit
 * through these functions, so an edit means the same thing on every surface.
 */
import type { RowRecord } from '../lists/row-fields.js';
import { FieldGroup } from '../lists/schema.js';
import type { IndicatorValue, ReviewState, Status, SurveyAnswer } from '../model/schema.js';
import { splitEntries } from '../text/index.js';

/** Fields a surface edits. Everything else of a row is structure (the secretariat) or immutable. */
export const EDITABLE_FIELDS = [
  'status',
  'reasonNotPlanned',
  'narrative',
  'outcome',
  'indicatorValues',
  'surveyAnswers',
  'reviewState',
  'reviewComment',
] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** The value type of each editable field. */
export interface FieldValues {
  status: Status | null;
  reasonNotPlanned: string | null;
  narrative: string | null;
  outcome: string | null;
  indicatorValues: IndicatorValue[];
  surveyAnswers: SurveyAnswer[];
  reviewState: ReviewState;
  reviewComment: string | null;
}
export type FieldValue = FieldValues[EditableField];

/** The FollowUpRows column (src/core/lists/schema.ts) that stores each field; merges and permissions work on these. */
export const FIELD_COLUMNS: Readonly<Record<EditableField, string>> = {
  status: 'Status',
  reasonNotPlanned: 'ReasonNotPlanned',
  narrative: 'Narrative',
  outcome: 'Outcome',
  indicatorValues: 'IndicatorValuesJson',
  surveyAnswers: 'SurveyAnswersJson',
  reviewState: 'ReviewState',
  reviewComment: 'ReviewComment',
};

/** Who fills each field in (the permission rule of src/core/permissions gives groups to actors). */
export const FIELD_GROUPS: Readonly<Record<EditableField, FieldGroup>> = {
  status: FieldGroup.Division,
  reasonNotPlanned: FieldGroup.Division,
  narrative: FieldGroup.Division,
  outcome: FieldGroup.Division,
  indicatorValues: FieldGroup.Division,
  surveyAnswers: FieldGroup.Division,
  // From schema 6 (#12) the review lives in FollowUpReview; on a row these two are the secretariat's (reviewers
  // only read rows, SharePoint refuses their writes), see src/core/review.
  reviewState: FieldGroup.Structure,
  reviewComment: FieldGroup.Structure,
};

/** Japanese and English names of the fields, for messages and labels outside a layout's printed headers. */
export const FIELD_NAMES: Readonly<Record<EditableField, { ja: string; en: string }>> = {
  status: { ja: '実施状況', en: 'Status' },
  reasonNotPlanned: { ja: '実施未定の場合の理由', en: 'Reason (if undecided)' },
  narrative: { ja: '取組時期・内容', en: 'What was done and when' },
  outcome: { ja: '成果・課題・今後の取組', en: 'Results, issues, next steps' },
  indicatorValues: { ja: '数値', en: 'Figures' },
  surveyAnswers: { ja: '調査回答', en: 'Survey answers' },
  reviewState: { ja: '確認状況', en: 'Review state' },
  reviewComment: { ja: '確認コメント', en: 'Review comment' },
};

export function isEditableField(name: string): name is EditableField {
  return (EDITABLE_FIELDS as readonly string[]).includes(name);
}

/** The current value of a field. */
export function readField<F extends EditableField>(record: RowRecord, field: F): FieldValues[F] {
  const r = record.row;
  const values: FieldValues = {
    status: r.status,
    reasonNotPlanned: r.reasonNotPlanned,
    narrative: r.narrative,
    outcome: r.outcome,
    indicatorValues: r.indicatorValues,
    surveyAnswers: r.surveyAnswers,
    reviewState: r.reviewState,
    reviewComment: record.reviewComment,
  };
  return values[field];
}

const blankToNull = (s: string | null): string | null => (s === null || s.trim() === '' ? null : s);

/**
 * The record with one field set. Derived values follow: the narrative's tags and entries are re-read from its text,
 * the printed 実施状況 becomes the chosen term. Raw printed forms that no longer match are dropped when the record is
 * stored (reconcileRaw), so nothing stale is rendered. Returns the same object when the value does not change.
 */
export function writeField<F extends EditableField>(record: RowRecord, field: F, value: FieldValues[F]): RowRecord {
  const r = record.row;
  switch (field) {
    case 'status': {
      const status = value as Status | null;
      if (status === r.status) return record;
      // statusRaw is the printed evidence (SourceRaw, immutable): reconcileRaw drops it once it no longer reads as
      // the status, so the renderers print the chosen term.
      return { ...record, row: { ...r, status } };
    }
    case 'reasonNotPlanned': {
      const text = blankToNull(value as string | null);
      return text === r.reasonNotPlanned ? record : { ...record, row: { ...r, reasonNotPlanned: text } };
    }
    case 'outcome': {
      const text = blankToNull(value as string | null);
      return text === r.outcome ? record : { ...record, row: { ...r, outcome: text } };
    }
    case 'narrative': {
      const text = blankToNull(value as string | null);
      if (text === r.narrative) return record;
      const entries = text === null ? [] : splitEntries(text);
      const tags = [...new Set(entries.flatMap((e) => (e.tag === null ? [] : [e.tag])))];
      return { ...record, row: { ...r, narrative: text, entries, tags } };
    }
    case 'indicatorValues':
      return { ...record, row: { ...r, indicatorValues: value as IndicatorValue[] } };
    case 'surveyAnswers':
      return { ...record, row: { ...r, surveyAnswers: value as SurveyAnswer[] } };
    case 'reviewState': {
      const state = value as ReviewState;
      return state === r.reviewState ? record : { ...record, row: { ...r, reviewState: state } };
    }
    case 'reviewComment': {
      const text = blankToNull(value as string | null);
      return text === record.reviewComment ? record : { ...record, reviewComment: text };
    }
  }
  return record;
}
