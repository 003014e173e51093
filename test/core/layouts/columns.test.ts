import { describe, expect, it } from 'vitest';

import { fillableColumns, hasStatusColumn, LAYOUT_DEFINITIONS, layoutOfKey } from '../../../src/core/layouts/columns.js';
import { LAYOUTS } from '../../../src/core/model/schema.js';
import { OVERVIEW_SPEC, FOCUS_SPEC } from '../../../src/core/layouts/render/r5.js';

describe('layout columns', () => {
  it('prints the 全体像 headers the renderer writes (one source of truth for the form)', () => {
    expect(LAYOUT_DEFINITIONS['L-R5-OVERVIEW'].columns.map((c) => c.header)).toEqual(OVERVIEW_SPEC.columns);
    expect(LAYOUT_DEFINITIONS['L-R5-FOCUS'].columns.map((c) => c.header)).toEqual(FOCUS_SPEC.columns);
  });

  it('has a 実施状況 column exactly where the form has one', () => {
    expect(LAYOUTS.filter(hasStatusColumn)).toEqual(['L-R2', 'L-R5-OVERVIEW']);
  });

  it('names the reason, content and results columns as printed', () => {
    const headers = (l: keyof typeof LAYOUT_DEFINITIONS): string[] => LAYOUT_DEFINITIONS[l].columns.map((c) => c.header);
    expect(headers('L-R2').some((h) => h.includes('理由'))).toBe(true);
    expect(headers('L-R7')).toEqual(['項目', '具体的な取組時期・内容', '具体的な成果・課題・今後の取組']);
  });

  it('lets 数値 and 調査 rows fill only the column the form re-purposes for them', () => {
    expect(fillableColumns('L-R5-OVERVIEW', 'indicator').map((c) => c.id)).toEqual(['narrative']);
    expect(fillableColumns('L-R5-OVERVIEW', 'initiative').map((c) => c.id)).toEqual(['status', 'reasonNotPlanned', 'narrative']);
    expect(fillableColumns('L-R5-FOCUS', 'survey')).toEqual([]);
    expect(fillableColumns('L-R7', 'heading')).toEqual([]);
  });

  it('reads the layout from report and row keys', () => {
    expect(layoutOfKey('soumu/2023/L-R5-FOCUS')).toBe('L-R5-FOCUS');
    expect(layoutOfKey('L-R7/5-1')).toBe('L-R7');
    expect(layoutOfKey('nothing/here')).toBeNull();
  });
});
