import { describe, expect, it } from 'vitest';

import { displayWidth, isPageNumber, joinAll, joinWrapped, toPdfLines } from '../../../src/io/pdf-text/lines.js';
import { assignMinCost, foldForMatch, pairByContent } from '../../../src/io/pdf-text/similarity.js';

describe('toPdfLines', () => {
  it('marks a single leading ASCII space as a page start and keeps an ideographic indent', () => {
    const [a, b, c] = toPdfLines([' 【府省等名：内閣法制局】', '\u3000各部局に対する', '法令 ']);
    expect(a).toMatchObject({ no: 1, text: '【府省等名：内閣法制局】', pageStart: true });
    expect(b).toMatchObject({ no: 2, text: '\u3000各部局に対する', pageStart: false });
    expect(c?.text).toBe('法令');
  });
});

describe('isPageNumber / displayWidth', () => {
  it('reads 14 alone as a page number but not a dated line', () => {
    expect(isPageNumber('14')).toBe(true);
    expect(isPageNumber('14日')).toBe(false);
  });
  it('counts ASCII as half a full-width character', () => {
    expect(displayWidth('GSS移行')).toBe(3.5);
  });
});

describe('joinWrapped', () => {
  it('joins hard wraps without a space (テレワー / ク実施環境の整備)', () => {
    const lines = ['② 行政文書の電磁記録化などテレワー', 'ク実施環境の整備'];
    expect(joinWrapped(lines)).toBe('② 行政文書の電磁記録化などテレワーク実施環境の整備');
  });
  it('ends a paragraph at a short line, a tag, a bullet and a blank line', () => {
    const lines = [
      '【継続】',
      '令和５年度から、新規採用職員研修においてコミュニケーションに関する講義を新',
      '設。',
      '令和５年度から、課長補佐を対象に、部下職員との心理的安全性の構築をメイン',
      'テーマとする研修を新設。',
      '',
      '・ガバメントソリューションサービスの導入に伴い、チャット、Web会議システム等の',
    ];
    expect(joinWrapped(lines).split('\n')).toEqual([
      '【継続】',
      '令和５年度から、新規採用職員研修においてコミュニケーションに関する講義を新設。',
      '令和５年度から、課長補佐を対象に、部下職員との心理的安全性の構築をメインテーマとする研修を新設。',
      '・ガバメントソリューションサービスの導入に伴い、チャット、Web会議システム等の',
    ]);
  });
  it('joinAll glues a wrapped 重点項目 name, keeping its inner spaces', () => {
    expect(joinAll(['「業務見直し・ DX 推進チーム」による業務見直', 'し'])).toBe('「業務見直し・ DX 推進チーム」による業務見直し');
  });
});

describe('assignMinCost', () => {
  it('finds the optimum where greedy fails', () => {
    // Greedy takes (0,0)=1 and then (1,1)=10 (total 11); the optimum is (0,1)+(1,0) = 2+2 = 4.
    expect(assignMinCost([[1, 2], [2, 10]])).toEqual([1, 0]);
  });
  it('leaves rows without a column at -1 in a rectangular problem', () => {
    expect(assignMinCost([[5], [1], [3]])).toEqual([-1, 0, -1]);
  });
});

describe('pairByContent', () => {
  it('pairs by shared phrases regardless of order and rates a clear match near 1', () => {
    const docs = ['テレワーク月間の際に、テレワーク中のコミュニケーション', '転勤の在り方について検討を行い'];
    const names = ['転勤の在り方の見直し', 'テレワークマネジメントの推進'];
    const p = pairByContent(docs, names);
    expect(p.map((x) => x.candidate)).toEqual([1, 0]);
    expect(p[1]?.confidence).toBe(1);
  });
  it('folds U+FF0D and full-width letters for matching only', () => {
    expect(foldForMatch('テレワ－ク　ＧＳＳ')).toBe('テレワークGSS');
  });
});
