// The review state machine (#12): transitions, who/when, submission checks, edits after submission.
import { describe, expect, it } from 'vitest';

import {
  acceptSubmission,
  answersOf,
  approveRow,
  diffAnswers,
  displayedState,
  fromReviewFields,
  initialReview,
  pendingSubmissions,
  returnRow,
  submissionProblems,
  toReviewFields,
  type ReviewRecord,
  type Submission,
} from '../../../src/core/review/review.js';
import { makeRow } from '../lists/make-row.js';

const base = initialReview({ rowKey: 'soumu/2024/L-R7/L-R7/1-1', reportKey: 'soumu/2024/L-R7', fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' });
const answers = answersOf({ Status: '実施', Narrative: '【継続】周知した。', Outcome: '' });
const sub = (id: string, over: Partial<Submission> = {}): Submission => ({ id, rowKey: base.rowKey, divisionCode: 'div-somu', answers, authorEmail: 'suzuki@soumu.localhost', authorName: '鈴木 一郎', created: `2024-06-0${id}T01:00:00Z`, ...over });
const ctx = { row: makeRow(), reportKey: 'soumu/2024/L-R7', currentAnswers: answers, divisionCode: 'div-somu', authorIsMember: true };

function accepted(): ReviewRecord {
  const r = acceptSubmission(base, sub('1'), ctx, '高橋 健一', '2024-06-02T00:00:00Z');
  if (!r.ok) throw new Error(r.error.problem.en);
  return r.value;
}

describe('answersOf and diffAnswers', () => {
  it('ignores non-answer columns and treats blank as null, so equal answers give equal strings', () => {
    expect(answersOf({ Status: '実施', Narrative: 'x', Title: 'changed', ReviewState: '承認済' })).toBe(answersOf({ Narrative: 'x', Status: '実施', Outcome: '' }));
    expect(answersOf({ Status: '実施' })).not.toBe(answersOf({ Status: '実施未定' }));
  });

  it('names each changed answer field with its before and after', () => {
    expect(diffAnswers(answers, { Status: '実施未定', Narrative: '【継続】周知した。', ReasonNotPlanned: '予算' })).toEqual([
      { field: 'Status', before: '実施', after: '実施未定' },
      { field: 'ReasonNotPlanned', before: null, after: '予算' },
    ]);
  });
});

describe('submissionProblems', () => {
  it('needs the reason when 実施未定, and a status where the layout prints one', () => {
    expect(submissionProblems(makeRow({ status: 'undecided', reasonNotPlanned: '  ' }), 'soumu/2024/L-R5-OVERVIEW').map((p) => p.ja)).toEqual([expect.stringContaining('理由が記入されていません')]);
    expect(submissionProblems(makeRow({ status: null }), 'soumu/2024/L-R5-OVERVIEW').map((p) => p.en)).toEqual([expect.stringContaining('status')]);
    expect(submissionProblems(makeRow({ status: 'undecided', reasonNotPlanned: '予算が未定' }), 'soumu/2024/L-R5-OVERVIEW')).toEqual([]);
    expect(submissionProblems(makeRow({ kind: 'heading' }), 'soumu/2024/L-R7')[0]?.code).toBe('not-submittable');
  });
});

describe('transitions', () => {
  it('accepts a valid submission: 未確認 → 提出済, who and when from the submission item', () => {
    const r = accepted();
    expect(r).toMatchObject({ state: '提出済', submissionId: '1', submittedBy: '鈴木 一郎', submittedAt: '2024-06-01T01:00:00Z', submittedAnswers: answers });
    expect(r.history).toEqual([{ state: '提出済', by: '鈴木 一郎', at: '2024-06-01T01:00:00Z', submissionId: '1' }]);
  });

  it('refuses a submission by a non-member, of changed answers or invalid ones, recording why and keeping the state', () => {
    const notMember = acceptSubmission(base, sub('1'), { ...ctx, authorIsMember: false }, '高橋 健一', 'now');
    expect(notMember.ok).toBe(false);
    if (!notMember.ok) {
      expect(notMember.error.problem.code).toBe('not-a-member');
      expect(notMember.error.record.state).toBe('未確認');
      expect(notMember.error.record.history).toEqual([{ state: '未確認', by: '高橋 健一', at: 'now', submissionId: '1', refused: 'not-a-member' }]);
    }
    const changed = acceptSubmission(base, sub('1'), { ...ctx, currentAnswers: answersOf({ Status: '実施', Narrative: 'later edit' }) }, 'x', 'now');
    expect(!changed.ok && changed.error.problem).toMatchObject({ code: 'edited-after-submission', en: expect.stringContaining('Narrative') });
    const invalid = acceptSubmission(base, sub('1'), { ...ctx, row: makeRow({ status: 'undecided', reasonNotPlanned: null }) }, 'x', 'now');
    expect(!invalid.ok && invalid.error.problem.code).toBe('invalid-answers');
    const otherDivision = acceptSubmission(base, sub('1', { divisionCode: 'div-kikaku' }), ctx, 'x', 'now');
    expect(!otherDivision.ok && otherDivision.error.problem.code).toBe('not-a-member');
  });

  it('returns only submitted rows, with a comment; approves only unchanged submitted rows', () => {
    expect(returnRow(base, 'x', null, 'r', 'now')).toMatchObject({ ok: false, error: { code: 'wrong-state' } });
    expect(returnRow(accepted(), '  ', null, 'r', 'now')).toMatchObject({ ok: false, error: { code: 'comment-required' } });
    const returned = returnRow(accepted(), '時期を記入', 'Narrative', '高橋 健一', 't2');
    expect(returned).toMatchObject({ ok: true, value: { state: '差戻し', comment: '時期を記入', commentField: 'Narrative', decidedBy: '高橋 健一', decidedAt: 't2' } });
    expect(approveRow(accepted(), answersOf({ Status: '実施', Narrative: 'changed' }), 'r', 'now')).toMatchObject({ ok: false, error: { code: 'edited-after-submission' } });
    expect(approveRow(accepted(), answers, '高橋 健一', 't3')).toMatchObject({ ok: true, value: { state: '承認済', decidedBy: '高橋 健一' } });
    expect(approveRow(base, answers, 'r', 'now')).toMatchObject({ ok: false, error: { code: 'wrong-state' } });
  });

  it('never accepts a submission twice, and a resubmission after a return becomes 提出済 again', () => {
    const r = accepted();
    expect(acceptSubmission(r, sub('1'), ctx, 'x', 'now')).toMatchObject({ ok: false, error: { problem: { code: 'already-processed' } } });
    expect(acceptSubmission(r, sub('2'), ctx, 'x', 'now')).toMatchObject({ ok: false, error: { problem: { code: 'wrong-state' } } });
    const returned = returnRow(r, 'fix', null, 'x', 't');
    if (!returned.ok) throw new Error('return');
    expect(pendingSubmissions(returned.value, [sub('1'), sub('2')]).map((s) => s.id)).toEqual(['2']);
    expect(displayedState(returned.value, [sub('1'), sub('2')])).toEqual({ state: '提出済', awaitingLock: true });
    expect(acceptSubmission(returned.value, sub('2'), ctx, 'x', 'now')).toMatchObject({ ok: true, value: { state: '提出済', submissionId: '2' } });
  });
});

describe('FollowUpReview fields', () => {
  it('round-trips a record, and reads a hand-edited history or state safely', () => {
    const r = accepted();
    expect(fromReviewFields(toReviewFields(r))).toEqual(r);
    expect(fromReviewFields({ RowKey: 'k', State: 'approved?', HistoryJson: '{not json' })).toMatchObject({ state: '未確認', history: [] });
  });
});

describe('summarizeDivisions', () => {
  it('counts rows done, per state, awaiting the lock, edited after submission and overdue, per division', async () => {
    const { summarizeDivisions } = await import('../../../src/core/review/review.js');
    const summary = summarizeDivisions(
      [
        { divisionCode: 'div-somu', state: '承認済', awaitingLock: false, changed: 0 },
        { divisionCode: 'div-somu', state: '提出済', awaitingLock: false, changed: 1 },
        { divisionCode: 'div-somu', state: '提出済', awaitingLock: true, changed: 0 },
        { divisionCode: 'div-somu', state: '差戻し', awaitingLock: false, changed: 0 },
        { divisionCode: null, state: '未確認', awaitingLock: false, changed: 0 },
      ],
      (s) => s === '差戻し' || s === '未確認',
    );
    expect(summary).toEqual([
      { divisionCode: 'div-somu', total: 4, done: 3, byState: { 未確認: 0, 提出済: 2, 差戻し: 1, 承認済: 1 }, awaitingLock: 1, editedAfterSubmission: 1, overdue: 1 },
      { divisionCode: null, total: 1, done: 0, byState: { 未確認: 1, 提出済: 0, 差戻し: 0, 承認済: 0 }, awaitingLock: 0, editedAfterSubmission: 0, overdue: 1 },
    ]);
  });
});
