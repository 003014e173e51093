// What a reviewer compares (#12): answers field by field as the cells show them, snapshots read back, the last decision.
import { describe, expect, it } from 'vitest';

import { answerFieldOfColumn, answerFieldsOf, compareAnswers, lastDecision, recordWithAnswers, reviewedSubmissionId } from '../../../src/core/review/compare.js';
import { answersOf, initialReview, type Transition } from '../../../src/core/review/review.js';
import { toRowFields } from '../../../src/core/lists/row-fields.js';
import { makeRecord, makeRow } from '../lists/make-row.js';

describe('compareAnswers', () => {
  it('lists only the answer fields that differ, with the text each cell shows', () => {
    const before = makeRecord(makeRow({ status: 'implemented', statusRaw: '実施' }));
    const after = makeRecord(makeRow({ status: 'undecided', statusRaw: '実施未定', reasonNotPlanned: '予算が未定のため', title: '名前だけ変えた' }));
    expect(compareAnswers(before, after)).toEqual([
      { field: 'status', before: '実施', after: '実施未定' },
      { field: 'reasonNotPlanned', before: '', after: '予算が未定のため' },
    ]);
  });

  it('treats a missing "before" (nothing to compare with) as every filled-in field being new', () => {
    expect(compareAnswers(null, makeRecord()).map((d) => d.field)).toEqual(['status', 'narrative']);
  });
});

describe('recordWithAnswers', () => {
  it('reads a submission snapshot back over the stored row, and refuses JSON that is not an object', () => {
    const stored = makeRecord(makeRow({ narrative: '【継続】今の内容', narrativeRaw: null, entries: [], tags: [] }));
    const snapshot = answersOf({ ...toRowFields(stored), Narrative: '【継続】提出した内容', NarrativeEntriesJson: null });
    const back = recordWithAnswers(stored, snapshot);
    expect(back?.row.narrative).toBe('【継続】提出した内容');
    expect(compareAnswers(back, stored)).toEqual([{ field: 'narrative', before: '【継続】提出した内容', after: '【継続】今の内容' }]);
    expect(recordWithAnswers(stored, '[1,2]')).toBeNull();
    expect(recordWithAnswers(stored, '{not json')).toBeNull();
  });
});

describe('the last decision and the submission it was about', () => {
  const t = (state: Transition['state'], at: string, extra: Partial<Transition> = {}): Transition => ({ state, by: '高橋 健一', at, ...extra });
  const review = { ...initialReview({ rowKey: 'k', reportKey: 'r', fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' }) };

  it('skips refused submissions and finds the accepted one before the last 差戻し/承認済', () => {
    const history = [t('提出済', '1', { submissionId: '10' }), t('差戻し', '2', { comment: '直して' }), t('差戻し', '3', { submissionId: '11', refused: 'edited-after-submission' }), t('提出済', '4', { submissionId: '12' })];
    expect(lastDecision({ history })?.at).toBe('2');
    expect(reviewedSubmissionId({ history })).toBe('10');
    expect(lastDecision({ history: [...history, t('承認済', '5')] })?.state).toBe('承認済');
    expect(reviewedSubmissionId({ history: [...history, t('承認済', '5')] })).toBe('12');
    expect(lastDecision(review)).toBeNull();
    expect(reviewedSubmissionId(review)).toBeNull();
  });
});

describe('answer fields', () => {
  it('maps list columns to fields, and knows which fields a row of its layout has cells for', () => {
    expect(answerFieldOfColumn('Narrative')).toBe('narrative');
    expect(answerFieldOfColumn('Title')).toBeNull();
    expect(answerFieldOfColumn(null)).toBeNull();
    expect(answerFieldsOf('soumu/2023/L-R5-OVERVIEW', { key: 'x', kind: 'initiative' })).toEqual(['status', 'reasonNotPlanned', 'narrative']);
    expect(answerFieldsOf('soumu/2023/L-R5-OVERVIEW', { key: 'x', kind: 'indicator' })).toEqual(['indicatorValues']);
    expect(answerFieldsOf('soumu/2023/L-R5-OVERVIEW', { key: 'x', kind: 'heading' })).toEqual([]);
  });
});
