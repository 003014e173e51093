/**
 * The division's side of review (#12), pure: why a row cannot be submitted (field by field, in the page's language)
 * and why a reviewed row is read-only for the division.
 */
import { isEditableField, type EditableField } from '../../core/edit/fields.js';
import { answerFieldOfColumn } from '../../core/review/compare.js';
import { submissionProblems } from '../../core/review/review.js';
import type { EditDenial, RowView } from '../../data/types.js';
import type { ReviewRow } from '../app/review-port.js';
import { issueText } from '../components/FollowUpGrid/grid-model.js';

/** The field a validation issue is about, in the tab's fields (tags and entries are the narrative). */
const issueField = (field: string): EditableField | null => (isEditableField(field) ? field : field === 'entries' || field === 'tags' ? 'narrative' : null);

/** Why a row cannot be submitted, field by field, in the page's language (empty: it can be). */
export function submitProblems(view: RowView, lang: 'ja' | 'en'): { field: EditableField | null; text: string }[] {
  const out: { field: EditableField | null; text: string }[] = [];
  for (const p of submissionProblems(view.current.row, view.stored.reportKey)) {
    out.push({ field: answerFieldOfColumn(p.field ?? null), text: p[lang].replace(/^(行 [^:]+|Row [^:]+): /, '') });
  }
  for (const i of view.issues) {
    if (i.severity !== 'error') continue;
    const field = issueField(i.field);
    if (out.some((o) => o.field === field)) continue;
    out.push({ field, text: issueText(i, lang) });
  }
  return out;
}

export function lockOf(r: ReviewRow): EditDenial | null {
  if (r.state === '承認済') return { reason: 'review-locked', ja: 'この行は承認済みです。変更が必要なときは、確認者に差戻しを依頼してください。', en: 'This row is approved. Ask the reviewer to return it if it needs a change.' };
  if (r.state === '提出済') return { reason: 'review-locked', ja: 'この行は提出済みです。確認者が差し戻すまで編集できません。', en: 'This row is submitted. It cannot be edited until the reviewer returns it.' };
  return null;
}
