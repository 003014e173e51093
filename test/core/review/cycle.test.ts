// Cycle rules (#12): carrying a report forward, 令和 labels, deadlines, overdue.
import { describe, expect, it } from 'vitest';

import { carryForward, carryRow, continuationSuggestion, isOverdue, parseDeadline, reiwaLabel, reportKeyFor } from '../../../src/core/review/cycle.js';
import { makeReport, makeRow } from '../lists/make-row.js';

describe('carryForward', () => {
  it('keeps structure, division and targets; empties this year\'s answers; relabels the cycle', () => {
    const row = makeRow({
      division: 'div-somu',
      status: 'undecided',
      reasonNotPlanned: '予算',
      outcome: '成果',
      reviewState: 'approved',
      indicatorValues: [
        { category: null, categoryRaw: null, valueKind: 'target', seq: 0, valuePercent: 30, valueText: '30%', qualifier: null, notApplicable: false, asOfRaw: null, asOfPrecision: null, asOfStart: null, asOfEnd: null, note: null },
        { category: null, categoryRaw: null, valueKind: 'current', seq: 0, valuePercent: 21, valueText: '21%', qualifier: null, notApplicable: false, asOfRaw: null, asOfPrecision: null, asOfStart: null, asOfEnd: null, note: null },
      ],
    });
    const carried = carryRow(row);
    expect(carried).toMatchObject({ key: row.key, title: row.title, division: 'div-somu', status: null, reasonNotPlanned: null, narrative: null, outcome: null, tags: [], entries: [], reviewState: 'unreviewed' });
    expect(carried.indicatorValues.map((v) => v.valueKind)).toEqual(['target']);
    const next = carryForward({ ...makeReport({ rows: 2 }), titleRaw: ['フォローアップ', '(令和6年度)'] }, 2025);
    expect(next.ok && [next.value.key, next.value.fiscalYear, next.value.cycleLabel, next.value.titleRaw[1]]).toEqual(['soumu/2025/L-R7', 2025, '令和7年度', '(令和7年度)']);
    expect(carryForward(makeReport(), 2026)).toMatchObject({ ok: false, error: { en: expect.stringContaining('does not follow') } });
    expect(carryForward({ ...makeReport(), fiscalYear: null }, 2025).ok).toBe(false);
  });

  it('labels years and keys', () => {
    expect([reiwaLabel(2019), reiwaLabel(2025)]).toEqual(['令和元年度', '令和7年度']);
    expect(reportKeyFor('soumu/2024/L-R7', 2024, 2025)).toBe('soumu/2025/L-R7');
    expect(reportKeyFor('odd-key', 2024, 2025)).toBe('odd-key/2025');
  });

  it('suggests last year\'s entries as 【継続】, or nothing', () => {
    expect(continuationSuggestion({ narrative: '【拡充】研修を実施', entries: [] })).toBe('【継続】研修を実施');
    expect(continuationSuggestion({ narrative: null, entries: [] })).toBeNull();
  });
});

describe('deadlines', () => {
  it('parses western and 令和 dates, refuses impossible ones', () => {
    expect(parseDeadline('2025/6/30')).toEqual({ ok: true, value: '2025-06-30' });
    expect(parseDeadline('令和７年６月３０日')).toEqual({ ok: true, value: '2025-06-30' });
    expect(parseDeadline('令和元年5月1日')).toEqual({ ok: true, value: '2019-05-01' });
    expect(parseDeadline('2025-02-29').ok).toBe(false);
    expect(parseDeadline('来週').ok).toBe(false);
  });

  it('is overdue after the end of the day in Japan, unless submitted or approved', () => {
    expect(isOverdue('2025-06-30', '差戻し', new Date('2025-06-30T15:00:00Z'))).toBe(true);
    expect(isOverdue('2025-06-30', '提出済', new Date('2025-07-30T00:00:00Z'))).toBe(false);
    expect(isOverdue(null, '未確認', new Date())).toBe(false);
  });
});
