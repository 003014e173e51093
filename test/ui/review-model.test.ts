// The review's UI models (#12): the manager's divisions at a glance, why a row cannot be submitted, the row cache's
// review locks (a reviewed row refuses the division's edits with the reason, before any save).
import { describe, expect, it } from 'vitest';

import type { Actor } from '../../src/core/permissions/rules.js';
import type { StoredRow } from '../../src/core/ports.js';
import { initialReview, type ReviewStateJa } from '../../src/core/review/review.js';
import { InMemoryDraftStore } from '../../src/data/drafts.js';
import { InMemoryRows } from '../../src/data/in-memory-store.js';
import { createRowCache, draftKeyOf } from '../../src/data/row-cache.js';
import type { ReviewRow } from '../../src/ui/app/review-port.js';
import { decidable, divisionLines, lastSubmittedAt } from '../../src/ui/views/manager/overview-model.js';
import { lockOf, submitProblems } from '../../src/ui/views/review-model.js';
import { makeIndicatorRow, makeRow } from '../support/builders.js';

const REPORT = 'soumu/2023/L-R5-OVERVIEW';
const SCOPE = { fiscalYear: 2023, orgCode: 'soumu', divisionCode: 'div-somu' };
const suzuki: Actor = { displayName: '鈴木 一郎', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-somu' }] };

function reviewRow(title: string, division: string | null, state: ReviewStateJa, extra: { submittedAt?: string; pending?: string[]; changed?: number; kind?: 'heading' } = {}): ReviewRow {
  const row = makeRow({ title, division, ...(extra.kind ? { kind: extra.kind } : {}) });
  const stored = { rowKey: `${REPORT}/${title}`, reportKey: REPORT, fiscalYear: 2023, orgCode: 'soumu', row, reviewComment: null, itemId: title, eTag: '"1"', lastModified: '2024-05-01T00:00:00Z' } as StoredRow;
  return {
    row: stored,
    answers: '{}',
    review: { ...initialReview({ rowKey: stored.rowKey, reportKey: REPORT, fiscalYear: 2023, orgCode: 'soumu', divisionCode: division }), state, submittedAt: extra.submittedAt ?? null },
    state,
    awaitingLock: (extra.pending?.length ?? 0) > 0,
    pending: (extra.pending ?? []).map((created, i) => ({ id: String(i + 1), created, authorName: '鈴木 一郎' })),
    changedSinceSubmission: Array.from({ length: extra.changed ?? 0 }, () => ({ field: 'Narrative', before: 'a', after: 'b' })),
  };
}

describe('divisionLines', () => {
  it('summarises each division in the ministry’s order: done/total, states, overdue against the deadline, last submitted', () => {
    const rows = [
      reviewRow('a', 'div-somu', '承認済', { submittedAt: '2024-06-01T01:00:00Z' }),
      reviewRow('b', 'div-somu', '提出済', { pending: ['2024-06-03T01:00:00Z'] }),
      reviewRow('c', 'div-somu', '差戻し', { submittedAt: '2024-06-02T01:00:00Z' }),
      reviewRow('d', 'div-kikaku', '未確認'),
      reviewRow('e', null, '未確認'),
      reviewRow('見出し', 'div-kikaku', '未確認', { kind: 'heading' }),
    ];
    const lines = divisionLines(rows, '2024-06-30', new Date('2024-07-01T00:00:00+09:00'), (c) => c ?? '未割当', ['div-kikaku', 'div-somu']);
    expect(lines.map((l) => [l.name, l.done, l.total, l.byState['差戻し'], l.awaitingLock, l.overdue, l.lastSubmitted, l.toDecide])).toEqual([
      ['div-kikaku', 0, 1, 0, 0, 1, null, 0],
      ['div-somu', 2, 3, 1, 1, 1, '2024-06-03T01:00:00Z', 1],
      ['未割当', 0, 1, 0, 0, 1, null, 0],
    ]);
    // Before the deadline's end (in Japan) nothing is overdue.
    expect(divisionLines(rows, '2024-06-30', new Date('2024-06-30T23:00:00+09:00'), (c) => c ?? '').every((l) => l.overdue === 0)).toBe(true);
    expect(lastSubmittedAt(rows[0] as ReviewRow)).toBe('2024-06-01T01:00:00Z');
    expect(rows.map(decidable)).toEqual([false, true, false, false, false, false]);
  });
});

describe('the division side', () => {
  it('names the field of each submission problem and does not repeat the rule that says the same', async () => {
    const rows = new InMemoryRows();
    const undecided = makeRow({ title: '両立支援', sortOrder: 1, division: 'div-somu', status: 'undecided', statusRaw: '実施未定', reasonNotPlanned: null });
    const blank = makeRow({ title: '推進', sortOrder: 2, division: 'div-somu', status: null, statusRaw: null });
    rows.seed([undecided, blank, makeIndicatorRow({ sortOrder: 3, division: 'div-somu' })].map((row) => ({ rowKey: `${REPORT}/${row.key}`, reportKey: REPORT, fiscalYear: 2023, orgCode: 'soumu', row, reviewComment: null })));
    const cache = createRowCache({ source: rows.as(suzuki), scope: SCOPE, actor: suzuki, drafts: new InMemoryDraftStore(), draftKey: draftKeyOf('u', SCOPE) });
    await cache.load();
    const [first, second, third] = cache.getSnapshot().rows;
    expect(submitProblems(first!, 'ja')).toEqual([{ field: 'reasonNotPlanned', text: '実施状況が「実施未定」ですが、理由が記入されていません。' }]);
    expect(submitProblems(second!, 'en')).toEqual([{ field: 'status', text: 'the status (実施 / 実施未定) is blank.' }]);
    expect(submitProblems(third!, 'ja')).toEqual([]);

    // 提出済 and 承認済 lock the row's answers with the reason; 差戻し opens it again.
    const key = first!.rowKey;
    const locked = lockOf(reviewRow('x', 'div-somu', '提出済'));
    cache.setReviewLocks(new Map([[key, locked!]]));
    expect(cache.denial(key, 'narrative')?.ja).toBe('この行は提出済みです。確認者が差し戻すまで編集できません。');
    expect(cache.edit([{ rowKey: key, field: 'reasonNotPlanned', value: '予算' }]).refused.map((r) => r.denial.reason)).toEqual(['review-locked']);
    expect(cache.getSnapshot().dirtyCount).toBe(0);
    expect(lockOf(reviewRow('x', 'div-somu', '差戻し'))).toBeNull();
    cache.setReviewLocks(new Map());
    expect(cache.edit([{ rowKey: key, field: 'reasonNotPlanned', value: '予算' }]).applied).toHaveLength(1);
  });
});
