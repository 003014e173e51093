import { describe, expect, it } from 'vitest';

import { fromGuidanceFields, guidanceFor, toGuidanceFields, toGuidanceKey, type Guidance } from '../../../src/core/guidance/guidance.js';

const item = (parts: Partial<Guidance>): Guidance => ({ title: '欄', orgCode: null, layout: null, rowKind: null, field: 'narrative', example: null, instructions: null, maxLength: null, ...parts });

describe('writing guidance (FollowUpGuidance)', () => {
  it('round-trips through the list fields, blanks as nulls and row kinds in Japanese', () => {
    const g = item({ orgCode: 'soumu', layout: 'L-R7', rowKind: 'indicator', field: 'indicatorValues', example: '目標：30%（令和7年度）', instructions: '  ', maxLength: 400 });
    const fields = toGuidanceFields(g);
    expect(fields).toMatchObject({ GuidanceKey: 'soumu/L-R7/indicator/indicatorValues', RowKind: '数値', Instructions: null, MaxLength: 400 });
    expect(fromGuidanceFields(fields)).toEqual({ ok: true, value: { ...g, instructions: null } });
  });

  it('names what is wrong with a hand-edited item instead of dropping it silently', () => {
    const r = fromGuidanceFields({ Title: 'x', Field: 'title', Layout: 'L-R9', MaxLength: 0 }, '7');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.map((i) => i.field)).toEqual(['Field', 'Layout', 'MaxLength']);
  });

  it('picks the most specific item and fills its blanks from the wider ones', () => {
    const items = [
      item({ example: '全体の例', instructions: '全体の要領', maxLength: 4000 }),
      item({ layout: 'L-R7', example: 'R7 の例' }),
      item({ orgCode: 'gaimu', example: '外務省の例', maxLength: 100 }),
      item({ field: 'outcome', example: '成果の例' }),
    ];
    const target = { orgCode: 'soumu', layout: 'L-R7' as const, rowKind: 'initiative' as const, field: 'narrative' };
    expect(guidanceFor(items, target)).toMatchObject({ example: 'R7 の例', instructions: '全体の要領', maxLength: 4000 });
    expect(guidanceFor(items, { ...target, orgCode: 'gaimu' })).toMatchObject({ example: '外務省の例', maxLength: 100 });
    expect(guidanceFor(items, { ...target, layout: 'L-R2' })?.example).toBe('全体の例');
    expect(guidanceFor(items, { ...target, field: 'reasonNotPlanned' })).toBeNull();
    expect(toGuidanceKey(items[0]!)).toBe('*/*/*/narrative');
  });
});
