import { describe, expect, it } from 'vitest';

import { ValidationError } from '../../../src/core/errors.js';
import { Row } from '../../../src/core/model/schema.js';
import { planToSeedRows } from '../../../src/core/plan/index.js';
import { importDocument, toSourceDoc } from '../../../src/io/import.js';
import { FILE_001, readSeed } from '../../fixtures/pdf-text/seeds.js';

const PLAN = importDocument(toSourceDoc(FILE_001, readSeed(FILE_001))).plans[0];
if (!PLAN) throw new Error('001 did not import as a plan');

describe('planToSeedRows', () => {
  it('opens a 重点項目 cycle with one empty focus row per 重点項目 of the plan', () => {
    const rows = planToSeedRows(PLAN, 2025, 'L-R6-COMPILATION');
    expect(rows.map((r) => [r.kind, r.title, r.focusItem, r.markerRaw])).toEqual([
      ['focus', 'モチベーションの向上', 'モチベーションの向上', '重点項目１'],
      ['focus', '生産性の向上', '生産性の向上', '重点項目２'],
    ]);
    expect(rows.map((r) => r.guidelineRefs.map((g) => g.nodeId))).toEqual([['G2024:Ⅱ-3'], ['G2024:Ⅱ-1']]);
    expect(rows.map((r) => r.source.line)).toEqual([107, 582]);
    expect(rows.every((r) => r.narrative === null && r.status === null && r.entries.length === 0)).toBe(true);
    expect(rows.map((r) => r.key)).toEqual(['L-R6-COMPILATION/PLAN/FOCUS/1', 'L-R6-COMPILATION/PLAN/FOCUS/2']);
  });

  it('opens a full cycle with heading rows per plan section and one initiative row per plan item', () => {
    const rows = planToSeedRows(PLAN, 2025, 'L-R7');
    for (const r of rows) expect(Row.safeParse(r).success, r.key).toBe(true);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    const initiatives = rows.filter((r) => r.kind === 'initiative');
    const reportable = PLAN.items.filter((i) => i.kind === 'item' && !i.isRepost);
    expect(initiatives).toHaveLength(reportable.length);
    // Ⅱ: 47 numbered items minus the 7 【再掲】 repeats inside Ⅱ.
    expect(initiatives.filter((r) => r.key.startsWith('L-R7/PLAN/Ⅱ-'))).toHaveLength(40);
    expect(rows.filter((r) => r.kind === 'heading' && r.markerNorm?.startsWith('Ⅱ')).map((r) => r.markerNorm)).toEqual([
      'Ⅱ', 'Ⅱ-1', 'Ⅱ-1-(1)', 'Ⅱ-1-(2)', 'Ⅱ-1-(3)', 'Ⅱ-1-(3)-(ⅰ)', 'Ⅱ-1-(3)-(ⅱ)', 'Ⅱ-2', 'Ⅱ-2-(1)', 'Ⅱ-2-(2)', 'Ⅱ-2-(3)',
    ]);
    expect(rows.some((r) => r.key.startsWith('L-R7/PLAN/Ⅰ'))).toBe(false);
    expect(rows.some((r) => r.key === 'L-R7/PLAN/Ⅱ-2-(1)#①')).toBe(false);
  });

  it('keeps the structure, the 重点項目 and a pointer to the plan item on each row', () => {
    const rows = planToSeedRows(PLAN, 2025, 'L-R7');
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const r = byKey.get('L-R7/PLAN/Ⅱ-1-(1)#①');
    expect(r).toMatchObject({
      kind: 'initiative',
      title: '管理職による働き方改革宣言を実施する。',
      focusItem: 'モチベーションの向上',
      parentKey: 'L-R7/PLAN/Ⅱ-1-(1)',
      level: 3,
      markerRaw: '①',
      markerNorm: 'Ⅱ-1-(1)/①',
      majorItem: '総務省の働き方改革を加速するための重点項目',
      status: null,
      narrative: null,
      source: { file: FILE_001, line: 119, endLine: 119 },
    });
    expect(r?.cells).toEqual([{ text: '管理職による働き方改革宣言を実施する。', line: 119, col: 0, role: 'plan:Ⅱ-1-(1)#①' }]);
    expect(byKey.get('L-R7/PLAN/Ⅱ-1-(1)')?.parentKey).toBe('L-R7/PLAN/Ⅱ-1');
    expect(byKey.get('L-R7/PLAN/Ⅲ-1-(1)#①')).toMatchObject({ title: '協議ルールの遵守徹底', focusItem: null });
    expect(byKey.get('L-R7/PLAN/Ⅲ-1-(1)#①')?.guidelineRefs[0]?.nodeId).toBe('G2024:Ⅱ-1-(1)-④');
    // Every parent exists and comes before its children.
    rows.forEach((row, i) => {
      if (row.parentKey === null) return;
      expect(rows.findIndex((p) => p.key === row.parentKey)).toBeLessThan(i);
    });
  });

  it('refuses a fiscal year after the plan period (令和８年３月31日 ends fiscal 2025)', () => {
    expect(() => planToSeedRows(PLAN, 2026, 'L-R7')).toThrow(ValidationError);
    expect(planToSeedRows(PLAN, 2025, 'L-R7').length).toBeGreaterThan(0);
  });
});
