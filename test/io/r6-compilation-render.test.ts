import { describe, expect, it } from 'vitest';

import { Report } from '../../src/core/model/schema.js';
import { importDocument, toSourceDoc } from '../../src/io/import.js';
import { markerName } from '../../src/io/layouts/r6-compilation.js';
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
    expect(lines.filter((l) => markerName(l) !== null)).toHaveLength(14);
    // こども家庭庁's marker keeps its printed ASCII colon (line 873).
    expect(lines.filter((l) => l.startsWith('【府省等名：'))).toHaveLength(13);
    expect(lines).toContain('【府省等名:こども家庭庁】');
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
    const at = lines.indexOf('重点項目はR6.4.1以降に設定しているため、記載');
    expect(lines.slice(at, at + 2)).toEqual(['重点項目はR6.4.1以降に設定しているため、記載', 'なし']);
  });

  it('prints the cover with its printed wraps and 宮内庁 line 352 with the 重点項目 glued to Ｂ', () => {
    expect(lines.filter((l) => l !== '').slice(0, 5)).toEqual(SOURCE.split('\n').slice(0, 11).map((l) => l.trim()).filter((l) => l !== ''));
    expect(lines).toContain('（別添）具体的な取組事項やりがいにつながる働きかけの強化');
    expect(lines.filter((l) => l === 'やりがいにつながる働きかけの強化')).toHaveLength(0);
  });

  it('is generated from the model: an edited 重点項目 name, reference, marker, reason and cover show up', () => {
    const edited: Report[] = structuredClone(REPORTS);
    const kunai = edited.find((r) => r.organization === '宮内庁');
    const kodomo = edited.find((r) => r.organization === 'こども家庭庁');
    if (!kunai || !kodomo) throw new Error('sections');
    // The glued 重点項目 (line 352) and a listed one (line 341) renamed in the model: list and rows.
    for (const [from, to] of [
      ['やりがいにつながる働きかけの強化', '働きがいの向上'],
      ['テレワーク環境の整備', 'テレワークの推進'],
    ] as const) {
      for (const f of kunai.focusItems) if (f.name === from) f.name = to;
      for (const row of kunai.rows) if (row.focusItem === from) row.focusItem = to;
    }
    const r1 = kunai.rows[0];
    if (!r1) throw new Error('row');
    // The reference edited the way a user would: the parsed reference, not its printed raw cell.
    r1.guidelineRefs = [{ raw: '（別添）具体的な取組事項２', path: null, nodeId: null, resolution: 'unresolved', confidence: 0 }];
    kodomo.organization = 'こども庁';
    kodomo.noRowsReason = '記載なし';
    for (const r of edited) r.coverNote = '＜調査票の見方＞\n※ 注記';
    const out = renderReports(edited, 'L-R6-COMPILATION', 'tsv').split('\n');
    expect(out).toContain('（別添）具体的な取組事項働きがいの向上');
    expect(out).not.toContain('（別添）具体的な取組事項やりがいにつながる働きかけの強化');
    expect(out).toContain('テレワークの推進');
    expect(out).not.toContain('テレワーク環境の整備');
    expect(out).toContain('（別添）具体的な取組事項２');
    expect(out).toContain('【府省等名：こども庁】');
    expect(out).not.toContain('【府省等名:こども家庭庁】');
    expect(out).toContain('記載なし');
    expect(out).not.toContain('なし');
    expect(out.filter((l) => l !== '').slice(0, 2)).toEqual(['＜調査票の見方＞', '※ 注記']);
  });

  it('is generated from the model: an edited narrative shows up', () => {
    const edited = REPORTS.map((r) => (r.organization === '警察庁' ? { ...r, rows: r.rows.map((row) => ({ ...row, narrative: '編集後の記載' })) } : r));
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
  it('reproduces at least 99% of 002\'s non-empty lines, exactly all 846', () => {
    const r = measureR6RoundTrip(FILE_002, SOURCE);
    // 846 = 847 non-empty lines minus the page number 14 (counted independently of the importer).
    expect(r.sourceCells).toBe(SOURCE.split('\n').filter((l) => l.trim() !== '' && !/^\s*\d{1,3}\s*$/.test(l)).length);
    expect(r.sourceCells).toBe(846);
    expect(r.reproduced / r.sourceCells).toBeGreaterThanOrEqual(0.99);
    // The cover wraps (lines 5–11), the glued 宮内庁 line 352, こども家庭庁's ASCII-colon marker (873) and its wrapped
    // reason (888–889) are kept in the model as printed (Report.cells, Row.cells), so nothing is missed any more.
    expect(r.reproduced).toBe(846);
    expect(r.misses).toEqual([]);
  });

  it('counts a line the importer does not carry into the model as a miss', () => {
    // Text before the first section is reported as STRAY_FRAGMENT and not imported, so the rendering lacks it.
    const r = measureR6RoundTrip(FILE_002, `どの区間にも属さない行\n${SOURCE}`);
    expect(r.sourceCells).toBe(847);
    expect(r.reproduced).toBe(846);
    expect(r.misses[0]).toEqual({ line: 1, col: 0, expected: 'どの区間にも属さない行', got: null });
  });
});

describe('L-R6-COMPILATION printed forms in the model', () => {
  it('keeps the cover, the marker line and the no-rows reason as printed, with their positions', () => {
    const kodomo = report('こども家庭庁');
    expect(Report.parse(kodomo)).toEqual(kodomo);
    expect(kodomo.cells).toEqual([
      {
        text: SOURCE.split('\n').slice(0, 11).map((l) => l.trim()).filter((l) => l !== '').join('\n'),
        line: 1,
        col: 0,
        role: 'coverNote',
      },
      { text: '【府省等名:こども家庭庁】', line: 873, col: 0, role: 'marker' },
      { text: '重点項目はR6.4.1以降に設定しているため、記載\nなし', line: 888, col: 0, role: 'noRowsReason' },
    ]);
    expect(kodomo.noRowsReason).toBe('重点項目はR6.4.1以降に設定しているため、記載なし');
    expect(report('内閣官房').cells?.find((c) => c.role === 'marker')).toEqual({ text: '【府省等名：内閣官房】', line: 12, col: 0, role: 'marker' });
  });

  it('records 宮内庁 line 352 as a layout fact on the row whose Ｂ cell carries the glued 重点項目', () => {
    const kunai = report('宮内庁');
    const r5 = kunai.rows[4];
    expect(r5?.focusItem).toBe('やりがいにつながる働きかけの強化');
    expect(r5?.guidelineRefsRaw).toBe('（別添）具体的な取組事項');
    expect(r5?.cells.filter((c) => c.line === 352)).toEqual([
      { text: '（別添）具体的な取組事項', line: 352, col: 2, role: 'guidelineRefs' },
      { text: 'やりがいにつながる働きかけの強化', line: 352, col: 0, role: 'focusItem' },
      { text: '（別添）具体的な取組事項やりがいにつながる働きかけの強化', line: 352, col: 2, role: 'guidelineRefs+focusItem' },
    ]);
  });
});
