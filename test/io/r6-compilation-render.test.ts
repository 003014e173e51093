import { describe, expect, it } from 'vitest';

import type { Report } from '../../src/core/model/schema.js';
import { importDocument, toSourceDoc } from '../../src/io/import.js';
import { measureR6RoundTrip } from '../../src/io/layouts/r6-compilation-roundtrip.js';
import { renderReports } from '../../src/io/render/index.js';
import { FILE_002, readSeed } from '../fixtures/pdf-text/seeds.js';

const SOURCE = readSeed(FILE_002);
const REPORTS = importDocument(toSourceDoc(FILE_002, SOURCE)).reports;
const report = (name: string): Report => {
  const r = REPORTS.find((x) => x.organization === name);
  if (!r) throw new Error(name);
  return r;
};

describe('L-R6-COMPILATION text rendering', () => {
  const text = renderReports(REPORTS, 'L-R6-COMPILATION', 'tsv');
  const lines = text.split('\n');

  it('prints one marker, header block, title and 重点項目 caption per 府省等', () => {
    expect(lines.filter((l) => l.startsWith('【府省等名：'))).toHaveLength(14);
    expect(lines.filter((l) => l === 'Ａ Ｂ')).toHaveLength(14);
    expect(lines.filter((l) => l === '基づく取組計画等のフォローアップ（令和６年度）（重点項目）')).toHaveLength(14);
    expect(lines.filter((l) => l === '重点項目')).toHaveLength(14);
    expect(lines[0]).toBe('＜調査票の見方＞');
  });

  it('writes Ａ and Ｂ with their printed wraps, then the 重点項目 list in printed order', () => {
    const start = lines.indexOf('【府省等名：内閣法制局】');
    const end = lines.indexOf('【府省等名：内閣府】');
    const section = lines.slice(start, end).filter((l) => l !== '');
    expect(section.slice(0, 9)).toEqual([
      '【府省等名：内閣法制局】',
      'Ａ Ｂ',
      '取組時期・内容・成果、取組における改善点・課題、',
      'それらを踏まえた次のアクション',
      'ＷＬＢ取組指針若しくは',
      '各府省取組計画の該当箇所',
      '【継続】',
      '・年間を通じて、法令審査の簡素化の取組を実施したほか、働き方強化月間中は、',
      '原則として意見事務及び審査事務を10時30分から17時までの間に行うよう呼び掛け',
    ]);
    expect(section.slice(-4)).toEqual(['重点項目', '法律案等審査業務の効率化・合理化', '管理職のマネジメント能力向上に向けた環境整備', 'テレワーク中の課題等に対する取組']);
  });

  it('prints a 重点項目 shared by two rows twice and こども家庭庁 with its reason', () => {
    expect(lines.filter((l) => l === '3.「人材の育成と活用」と「マネジメント改革」')).toHaveLength(2);
    expect(lines).toContain('重点項目はR6.4.1以降に設定しているため、記載なし');
  });

  it('is generated from the model: an edited narrative shows up', () => {
    const edited = REPORTS.map((r) => (r.organization === '警察庁' ? { ...r, rows: r.rows.map((row) => ({ ...row, narrativeRaw: '編集後の記載' })) } : r));
    const out = renderReports(edited, 'L-R6-COMPILATION', 'tsv');
    expect(out).toContain('編集後の記載');
    expect(out).not.toContain('・テレワークを実施するための既存の各種資機材等が十分に活用されるよう、各種');
  });
});

describe('L-R6-COMPILATION HTML rendering', () => {
  const html = renderReports(REPORTS, 'L-R6-COMPILATION', 'html');

  it('has one captioned table per 府省等 with rows, with column and row header scopes', () => {
    expect(html.match(/<table>/g)).toHaveLength(13);
    expect(html.match(/<section /g)).toHaveLength(14);
    expect(html.match(/<th scope="row">/g)).toHaveLength(44);
    expect(html).toContain('<th scope="col">重点項目</th>');
    expect(html).toContain('<th scope="row">モチベーションの向上</th>');
    expect(html).toContain('<p>重点項目はR6.4.1以降に設定しているため、記載なし</p>');
  });

  it('escapes text and shows one reference per line', () => {
    const kinyu = renderReports([report('金融庁')], 'L-R6-COMPILATION', 'html');
    expect(kinyu).toMatch(/③定型業務の効率化<br>.*⑤効率的に働ける職場環境の整備/);
    const evil = { ...report('警察庁'), organization: '<script>' };
    expect(renderReports([evil], 'L-R6-COMPILATION', 'html')).toContain('府省等名：&lt;script&gt;');
  });
});

describe('measureR6RoundTrip', () => {
  it('reproduces at least 99% of 002\'s non-empty lines (838 of 846)', () => {
    const r = measureR6RoundTrip(FILE_002, SOURCE);
    // 846 = 847 non-empty lines minus the page number 14 (counted independently of the importer).
    expect(r.sourceCells).toBe(SOURCE.split('\n').filter((l) => l.trim() !== '' && !/^\s*\d{1,3}\s*$/.test(l)).length);
    expect(r.sourceCells).toBe(846);
    expect(r.reproduced / r.sourceCells).toBeGreaterThanOrEqual(0.99);
    expect(r.reproduced).toBe(838);
    // What is not reproduced are PDF layout artefacts the model joins: cover wraps, the glued 宮内庁 line 352,
    // こども家庭庁's ASCII-colon marker and its wrapped reason.
    expect(r.misses.map((m) => m.line)).toEqual([5, 7, 9, 11, 352, 873, 888, 889]);
  });

  it('counts a line the importer does not carry into the model as a miss', () => {
    // Text before the first section is reported as STRAY_FRAGMENT and not imported, so the rendering lacks it.
    const r = measureR6RoundTrip(FILE_002, `どの区間にも属さない行\n${SOURCE}`);
    expect(r.sourceCells).toBe(847);
    expect(r.reproduced).toBe(838);
    expect(r.misses[0]).toEqual({ line: 1, col: 0, expected: 'どの区間にも属さない行', got: null });
  });
});
