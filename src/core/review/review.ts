/**
 * The review cycle of a row (#12), pure: 未確認 → 提出済 → 差戻し / 承認済, who and when of every transition, what a
 * submission must satisfy, and the field-level diff that shows edits made after a submission.
 *
 * SharePoint has no field-level security and no server of ours runs, so the state is split over lists whose
 * permissions do the enforcing (docs/lists.md, "Review cycle"): a division adds a FollowUpSubmissions item (add-only
 * for it), a reviewer's client accepts it (locks the row: the division's editing level is removed) and records
 * 提出済 in FollowUpReview (divisions only read it), then returns (unlocks) or approves. This module decides every
 * step from data; src/graph/review.ts carries the steps out.
 */
import type { Fields } from '../lists/row-fields.js';
import { canonicalJson } from '../lists/row-fields.js';
import { FieldGroup, REVIEW_STATE_CHOICES, ROWS_LIST } from '../lists/schema.js';
import { hasStatusColumn, layoutOfKey } from '../layouts/columns.js';
import type { Row } from '../model/schema.js';
import { err, ok, type Result } from '../result.js';

export type ReviewStateJa = (typeof REVIEW_STATE_CHOICES)[number];

/** The FollowUpRows columns a division answers: what a submission freezes and a reviewer may never write. */
export const ANSWER_COLUMNS: readonly string[] = ROWS_LIST.columns.filter((c) => c.group === FieldGroup.Division).map((c) => c.name);

/** One transition, in order. `by`/`at` of 提出済 come from the submission item (set by SharePoint). */
export interface Transition {
  state: ReviewStateJa;
  by: string;
  at: string;
  comment?: string;
  field?: string;
  submissionId?: string;
  /** A submission looked at and not accepted: why (the state did not change). */
  refused?: string;
}

/** A FollowUpReview item in domain terms. */
export interface ReviewRecord {
  rowKey: string;
  reportKey: string;
  fiscalYear: number;
  orgCode: string;
  divisionCode: string | null;
  state: ReviewStateJa;
  comment: string | null;
  commentField: string | null;
  submissionId: string | null;
  submittedAnswers: string | null;
  submittedBy: string | null;
  submittedAt: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  history: Transition[];
}

/** A FollowUpSubmissions item: what the division sent, and who/when as SharePoint recorded them. */
export interface Submission {
  id: string;
  rowKey: string;
  divisionCode: string | null;
  answers: string;
  /** createdBy.user.email / displayName (set by SharePoint, not by the client). */
  authorEmail: string;
  authorName: string;
  created: string;
}

export interface ReviewProblem {
  code:
    | 'not-submittable'
    | 'invalid-answers'
    | 'not-a-member'
    | 'edited-after-submission'
    | 'wrong-state'
    | 'comment-required'
    | 'already-processed'
    /** The row still inherits its permissions and the actor may not give it its own: the secretariat's client locks it. */
    | 'needs-secretariat'
    /** The service failed while this row was being decided; what had been written for it was undone. */
    | 'failed'
    /** The row's item cannot be read (a column's value hand-edited beyond repair): nothing is decided on it. */
    | 'unreadable';
  ja: string;
  en: string;
  /** The FollowUpRows column the problem is about, when it is about one (the tab shows it on that field). */
  field?: string;
}

const problem = (code: ReviewProblem['code'], ja: string, en: string, field?: string): ReviewProblem => ({ code, ja, en, ...(field ? { field } : {}) });

/** The answer columns of a FollowUpRows `fields` set, canonical: equal answers give equal strings. */
export function answersOf(fields: Readonly<Record<string, unknown>>): string {
  const out: Record<string, unknown> = {};
  for (const c of ANSWER_COLUMNS) {
    const v = fields[c];
    out[c] = v === undefined || v === '' ? null : v;
  }
  return canonicalJson(out);
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** Field-level diff of two answer snapshots (canonical JSON of answer columns, or `fields` objects). */
export function diffAnswers(before: string | Readonly<Record<string, unknown>> | null, after: string | Readonly<Record<string, unknown>>): FieldChange[] {
  const parse = (v: string | Readonly<Record<string, unknown>> | null): Record<string, unknown> => (v === null ? {} : typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : { ...v });
  const a = parse(before);
  const b = parse(after);
  const out: FieldChange[] = [];
  for (const field of ANSWER_COLUMNS) {
    const x = a[field] ?? null;
    const y = b[field] ?? null;
    if (canonicalJson(x) !== canonicalJson(y)) out.push({ field, before: x, after: y });
  }
  return out;
}

/**
 * What a row must satisfy to be submitted: 実施未定 needs its reason, a row of a layout with a status column needs a
 * status. (Values out of their range, e.g. a ratio over 100 %, never get this far: the row would not parse.) Empty when
 * the row may be submitted.
 */
export function submissionProblems(row: Row, reportKey: string): ReviewProblem[] {
  const out: ReviewProblem[] = [];
  const where = `行 ${row.key}`;
  const layout = layoutOfKey(reportKey) ?? layoutOfKey(row.key);
  if (row.kind === 'heading') out.push(problem('not-submittable', `${where}: 見出し行は提出の対象ではありません。`, `Row ${row.key}: heading rows are not submitted.`));
  if (row.kind === 'initiative' && layout !== null && hasStatusColumn(layout) && row.status === null) {
    out.push(problem('invalid-answers', `${where}: 実施状況（実施／実施未定）が未記入です。`, `Row ${row.key}: the status (実施 / 実施未定) is blank.`, 'Status'));
  }
  if (row.status === 'undecided' && (row.reasonNotPlanned ?? '').trim() === '') {
    out.push(problem('invalid-answers', `${where}: 実施状況が「実施未定」ですが、理由が記入されていません。`, `Row ${row.key}: the status is 実施未定 (undecided) but no reason is given.`, 'ReasonNotPlanned'));
  }
  return out;
}

/** The review of a row that has none yet (rows imported after the upgrade get their item on first transition). */
export function initialReview(row: { rowKey: string; reportKey: string; fiscalYear: number; orgCode: string; divisionCode: string | null }): ReviewRecord {
  return { ...row, state: '未確認', comment: null, commentField: null, submissionId: null, submittedAnswers: null, submittedBy: null, submittedAt: null, decidedBy: null, decidedAt: null, history: [] };
}

/** Submissions of a row not yet looked at by a reviewer's client (neither accepted nor refused), oldest first. */
export function pendingSubmissions(review: ReviewRecord, submissions: readonly Submission[]): Submission[] {
  const seen = new Set(review.history.map((t) => t.submissionId).filter((x): x is string => x !== undefined));
  if (review.submissionId) seen.add(review.submissionId);
  return submissions.filter((s) => s.rowKey === review.rowKey && !seen.has(s.id)).sort((a, b) => a.created.localeCompare(b.created) || Number(a.id) - Number(b.id));
}

/** What the row's own client shows: the recorded state, or 提出済 (awaiting a reviewer's lock) with a pending submission. */
export function displayedState(review: ReviewRecord, submissions: readonly Submission[]): { state: ReviewStateJa; awaitingLock: boolean } {
  const canBecomeSubmitted = review.state === '未確認' || review.state === '差戻し';
  if (canBecomeSubmitted && pendingSubmissions(review, submissions).length > 0) return { state: '提出済', awaitingLock: true };
  return { state: review.state, awaitingLock: false };
}

export interface AcceptContext {
  /** The row as it is now (after the lock, when the caller re-reads it). */
  row: Row;
  reportKey: string;
  currentAnswers: string;
  divisionCode: string | null;
  /** Whether the submission's author is a member of the row's division group. */
  authorIsMember: boolean;
}

/**
 * Accepting a submission: 未確認 or 差戻し → 提出済. Refused (the state stays, the refusal is recorded) when the
 * author is not in the row's division, the row no longer holds what was submitted, or the answers do not validate.
 */
export function acceptSubmission(review: ReviewRecord, s: Submission, ctx: AcceptContext, processedBy: string, now: string): Result<ReviewRecord, { problem: ReviewProblem; record: ReviewRecord }> {
  const refuse = (p: ReviewProblem): Result<never, { problem: ReviewProblem; record: ReviewRecord }> =>
    err({ problem: p, record: { ...review, history: [...review.history, { state: review.state, by: processedBy, at: now, submissionId: s.id, refused: p.code }] } });
  if (review.history.some((t) => t.submissionId === s.id) || review.submissionId === s.id) return err({ problem: problem('already-processed', `提出 ${s.id} は処理済みです。`, `Submission ${s.id} was processed already.`), record: review });
  if (review.state !== '未確認' && review.state !== '差戻し') return refuse(problem('wrong-state', `行 ${review.rowKey} は「${review.state}」のため提出できません。`, `Row ${review.rowKey} is ${review.state}; it cannot be submitted now.`));
  if (!ctx.authorIsMember || (s.divisionCode !== null && s.divisionCode !== ctx.divisionCode)) {
    return refuse(problem('not-a-member', `${s.authorName} さんは行 ${review.rowKey} の担当部局・課室の一員ではありません。`, `${s.authorName} is not a member of the division that owns row ${review.rowKey}.`));
  }
  if (s.answers !== ctx.currentAnswers) {
    const fields = diffAnswers(s.answers, ctx.currentAnswers).map((c) => c.field);
    return refuse(problem('edited-after-submission', `行 ${review.rowKey} は提出後に変更されています（${fields.join('、')}）。再提出が必要です。`, `Row ${review.rowKey} was changed after it was submitted (${fields.join(', ')}); it must be submitted again.`));
  }
  const problems = submissionProblems(ctx.row, ctx.reportKey);
  if (problems.length > 0) return refuse(problems[0] as ReviewProblem);
  return ok({
    ...review,
    divisionCode: ctx.divisionCode,
    state: '提出済',
    submissionId: s.id,
    submittedAnswers: s.answers,
    submittedBy: s.authorName,
    submittedAt: s.created,
    history: [...review.history, { state: '提出済', by: s.authorName, at: s.created, submissionId: s.id }],
  });
}

/** 提出済 → 差戻し with a comment (on a field, or the whole row). */
export function returnRow(review: ReviewRecord, comment: string, field: string | null, by: string, now: string): Result<ReviewRecord, ReviewProblem> {
  if (review.state !== '提出済') return err(problem('wrong-state', `行 ${review.rowKey} は「${review.state}」です。差戻しできるのは提出済の行だけです。`, `Row ${review.rowKey} is ${review.state}; only submitted rows can be returned.`));
  const text = comment.trim();
  if (text === '') return err(problem('comment-required', `行 ${review.rowKey}: 差戻しにはコメントが必要です。`, `Row ${review.rowKey}: a return needs a comment.`));
  return ok({ ...review, state: '差戻し', comment: text, commentField: field, decidedBy: by, decidedAt: now, history: [...review.history, { state: '差戻し', by, at: now, comment: text, ...(field ? { field } : {}) }] });
}

/** 提出済 → 承認済, only while the row still holds exactly what was submitted. */
export function approveRow(review: ReviewRecord, currentAnswers: string, by: string, now: string, comment?: string): Result<ReviewRecord, ReviewProblem> {
  if (review.state !== '提出済') return err(problem('wrong-state', `行 ${review.rowKey} は「${review.state}」です。承認できるのは提出済の行だけです。`, `Row ${review.rowKey} is ${review.state}; only submitted rows can be approved.`));
  if (review.submittedAnswers !== currentAnswers) {
    const fields = diffAnswers(review.submittedAnswers, currentAnswers).map((c) => c.field);
    return err(problem('edited-after-submission', `行 ${review.rowKey} は提出後に変更されています（${fields.join('、')}）。差戻して再提出を求めてください。`, `Row ${review.rowKey} was changed after submission (${fields.join(', ')}); return it for resubmission.`));
  }
  const text = comment?.trim() ?? '';
  return ok({ ...review, state: '承認済', comment: text === '' ? review.comment : text, commentField: text === '' ? review.commentField : null, decidedBy: by, decidedAt: now, history: [...review.history, { state: '承認済', by, at: now, ...(text ? { comment: text } : {}) }] });
}

/** Whether the division may edit the row's answers (our clients' guard; SharePoint enforces it once locked). */
export function divisionMayEdit(state: ReviewStateJa): boolean {
  return state === '未確認' || state === '差戻し';
}

/** Whether the row should be locked (division without its editing level) in a given state. */
export const lockedIn = (state: ReviewStateJa): boolean => state === '提出済' || state === '承認済';

/** FollowUpReview `fields` of a record. */
export function toReviewFields(r: ReviewRecord): Fields {
  const t = (v: string | null): string | null => (v === null || v === '' ? null : v);
  return {
    Title: r.rowKey,
    RowKey: r.rowKey,
    ReportKey: r.reportKey,
    FiscalYear: r.fiscalYear,
    OrgCode: r.orgCode,
    DivisionCode: t(r.divisionCode),
    State: r.state,
    Comment: t(r.comment),
    CommentField: t(r.commentField),
    SubmissionId: t(r.submissionId),
    SubmittedAnswersJson: t(r.submittedAnswers),
    SubmittedBy: t(r.submittedBy),
    SubmittedAt: t(r.submittedAt),
    DecidedBy: t(r.decidedBy),
    DecidedAt: t(r.decidedAt),
    HistoryJson: r.history.length === 0 ? null : JSON.stringify(r.history),
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** A FollowUpReview item's fields in domain terms; unknown states read as 未確認 (and the caller reports it). */
export function fromReviewFields(f: Readonly<Record<string, unknown>>): ReviewRecord {
  const state = (REVIEW_STATE_CHOICES as readonly string[]).includes(String(f.State)) ? (f.State as ReviewStateJa) : '未確認';
  let history: Transition[] = [];
  try {
    const parsed = typeof f.HistoryJson === 'string' ? (JSON.parse(f.HistoryJson) as unknown) : [];
    if (Array.isArray(parsed)) history = parsed.filter((t): t is Transition => typeof t === 'object' && t !== null && typeof (t as Transition).state === 'string');
  } catch {
    // A history that is not JSON (edited by hand in SharePoint) is shown as empty; the versions still hold it.
    history = [];
  }
  return {
    rowKey: String(f.RowKey ?? ''),
    reportKey: String(f.ReportKey ?? ''),
    fiscalYear: Number(f.FiscalYear),
    orgCode: String(f.OrgCode ?? ''),
    divisionCode: str(f.DivisionCode),
    state,
    comment: str(f.Comment),
    commentField: str(f.CommentField),
    submissionId: str(f.SubmissionId),
    submittedAnswers: str(f.SubmittedAnswersJson),
    submittedBy: str(f.SubmittedBy),
    submittedAt: str(f.SubmittedAt),
    decidedBy: str(f.DecidedBy),
    decidedAt: str(f.DecidedAt),
    history,
  };
}

/** One division at a glance (the manager view, `followup review status`). */
export interface DivisionSummary {
  divisionCode: string | null;
  total: number;
  /** Rows 提出済 or 承認済. */
  done: number;
  byState: Record<ReviewStateJa, number>;
  /** Rows submitted but not yet accepted by a reviewer's client. */
  awaitingLock: number;
  /** Rows 提出済 or 承認済 whose answers differ from what was submitted. */
  editedAfterSubmission: number;
  overdue: number;
}

/** Summaries per division (unassigned rows under `null`), in division-code order. */
export function summarizeDivisions(rows: readonly { divisionCode: string | null; state: ReviewStateJa; awaitingLock: boolean; changed: number }[], overdue: (state: ReviewStateJa) => boolean): DivisionSummary[] {
  const out = new Map<string | null, DivisionSummary>();
  for (const r of rows) {
    const s = out.get(r.divisionCode) ?? { divisionCode: r.divisionCode, total: 0, done: 0, byState: { 未確認: 0, 提出済: 0, 差戻し: 0, 承認済: 0 }, awaitingLock: 0, editedAfterSubmission: 0, overdue: 0 };
    s.total++;
    s.byState[r.state]++;
    if (r.state === '提出済' || r.state === '承認済') s.done++;
    if (r.awaitingLock) s.awaitingLock++;
    if (r.changed > 0 && !r.awaitingLock) s.editedAfterSubmission++;
    if (overdue(r.state)) s.overdue++;
    out.set(r.divisionCode, s);
  }
  return [...out.values()].sort((a, b) => (a.divisionCode ?? '\uffff').localeCompare(b.divisionCode ?? '\uffff'));
}
