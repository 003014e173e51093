import { describe, expect, it } from 'vitest';

import { rawYields, reconcileRaw } from '../../../src/core/model/reconcile-raw.js';
import { textToHtml } from '../../../src/core/text/index.js';
import { makeGuidelineRef, makeRow } from '../../support/builders.js';

describe('reconcileRaw', () => {
  const imported = makeRow({
    title: '業務見直し',
    titleRich: '<b>業務見直し</b>',
    narrative: '【継続】 A\n・B\n・C',
    narrativeRaw: '<p>【継続】 A</p> <ul style="list-style-type: none"> ・B ・C',
    outcome: '成果あり',
    outcomeRaw: '成果あり ',
    guidelineRefs: [makeGuidelineRef({ raw: 'Ⅱ-1-(1)-③' })],
    guidelineRefsRaw: 'Ⅱ-1-(1)-③',
  });

  it('returns the row itself while every raw form still gives its value', () => {
    expect(reconcileRaw(imported)).toBe(imported);
  });

  it('drops a stale narrativeRaw after narrative was edited, and keeps the others', () => {
    const out = reconcileRaw({ ...imported, narrative: '【新規】 説明会' });
    expect(out.narrativeRaw).toBeNull();
    expect(out.outcomeRaw).toBe('成果あり ');
    expect(out.titleRich).toBe('<b>業務見直し</b>');
    expect(out.guidelineRefsRaw).toBe('Ⅱ-1-(1)-③');
  });

  it('drops a stale outcomeRaw, titleRich and guidelineRefsRaw', () => {
    const out = reconcileRaw({ ...imported, outcome: '課題あり', title: '業務改善', guidelineRefs: [makeGuidelineRef({ raw: 'Ⅱ-2-(1)' })] });
    expect([out.outcomeRaw, out.titleRich, out.guidelineRefsRaw]).toEqual([null, null, null]);
  });

  it('treats a cleared value as an edit (narrative null → narrativeRaw null)', () => {
    expect(reconcileRaw({ ...imported, narrative: null }).narrativeRaw).toBeNull();
  });

  it('does not mutate its argument', () => {
    const row = { ...imported, narrative: 'x' };
    reconcileRaw(row);
    expect(row.narrativeRaw).toBe(imported.narrativeRaw);
  });
});

describe('rawYields', () => {
  it('accepts printed PDF wraps the value joined (002: テレワー / ク実施環境)', () => {
    expect(rawYields('・行政文書の電磁記録化などテレワー\nク実施環境の整備\n・研修', '・行政文書の電磁記録化などテレワーク実施環境の整備\n・研修')).toBe(true);
  });

  it('rejects a changed character and a changed HTML paragraph split', () => {
    expect(rawYields('テレワー\nク実施', 'テレワーク実行')).toBe(false);
    expect(rawYields('<p>A</p><p>B</p>', 'AB')).toBe(false);
  });

  it('folds spaces within a line', () => {
    expect(rawYields('<p>A　 B</p>', 'A B')).toBe(true);
  });
});

describe('textToHtml', () => {
  it('escapes one line and writes several lines as <p> paragraphs', () => {
    expect(textToHtml('目標数<実績 & 計画')).toBe('目標数&lt;実績 &amp; 計画');
    expect(textToHtml('説明会\n<script>')).toBe('<p>説明会</p><p>&lt;script&gt;</p>');
    expect(textToHtml('')).toBe('');
  });
});
