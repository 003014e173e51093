import { describe, expect, it } from 'vitest';

import type { StoredRow } from '../../src/core/ports.js';
import { indexPreviousYear } from '../../src/data/previous-year.js';
import { makeRow } from '../core/lists/make-row.js';

const stored = (fiscalYear: number, reportKey: string, parts: Parameters<typeof makeRow>[0]): StoredRow => {
  const row = makeRow(parts);
  return { rowKey: `${reportKey}/${row.key}`, reportKey, fiscalYear, orgCode: 'soumu', row, reviewComment: null, itemId: row.key, eTag: '"1"', lastModified: '' };
};

describe('last year’s answer of a row', () => {
  it('finds the same row by key in the same layout, and by name across layouts and renamed surveys', () => {
    const last = [
      stored(2022, 'soumu/2022/L-R5-OVERVIEW', { key: 'L-R5-OVERVIEW/1', kind: 'initiative', title: '業務効率化・デジタル化の推進', narrative: '【継続】昨年の取組' }),
      stored(2022, 'soumu/2022/L-R5-FOCUS', { key: 'L-R5-FOCUS/1', kind: 'focus', title: '生産性の向上', focusItem: '生産性の向上', narrative: '昨年の重点' }),
      stored(2022, 'soumu/2022/L-R5-OVERVIEW', { key: 'L-R5-OVERVIEW/9', kind: 'survey', title: 'エンゲージメント調査等（職員のエンゲージメントや職場環境調査等）の実施状況', surveyCode: 'engagement' }),
      stored(2022, 'soumu/2022/L-R5-OVERVIEW', { key: 'L-R5-OVERVIEW/5', kind: 'initiative', title: 'テレワ－クの推進' }),
    ];
    const index = indexPreviousYear(last);
    const now = (parts: Parameters<typeof makeRow>[0]): StoredRow => stored(2023, 'x', parts);
    expect(index.find(now({ key: 'L-R5-OVERVIEW/1', kind: 'initiative', title: '業務効率化・デジタル化の推進' }))?.row.narrative).toBe('【継続】昨年の取組');
    expect(index.find(now({ key: 'L-R6-COMPILATION/soumu/2', kind: 'focus', title: '生産性の向上', focusItem: '生産性の向上' }))?.row.narrative).toBe('昨年の重点');
    expect(index.find(now({ key: 'L-R7/3', kind: 'survey', title: '職場や職員の状況を把握するための調査（エンゲージメントサーベイ、モチベーションサーベイ等）の実施状況', surveyCode: 'engagement' }))?.row.key).toBe('L-R5-OVERVIEW/9');
    expect(index.find(now({ key: 'L-R7/2', kind: 'initiative', title: 'テレワークの推進' }))?.row.key).toBe('L-R5-OVERVIEW/5');
    // The same key holding another item (the layout renumbered) is not last year's answer.
    expect(index.find(now({ key: 'L-R5-OVERVIEW/1', kind: 'initiative', title: '女性の採用の拡大' }))).toBeNull();
  });
});
