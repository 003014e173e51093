import { readFileSync } from 'node:fs';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  findNodeByPath,
  findNodesByTitle,
  guidelineNodes,
  joinCell,
  parseGuidelineRefs,
} from '../../../src/core/guideline/index.js';
import { GuidelineRef } from '../../../src/core/model/schema.js';
import { B_CELLS_002, type Expected } from '../../fixtures/compilation/oracle-002.js';

/** 000 L-R5-FOCUS column B (lines 8–9), HTML removed. */
const B_CELLS_000 = [
  { title: 'モチベーションの向上', text: 'Ⅱ「ワークライフバランスの推進のための働き方改革」 3. マネジメント改革', nodeId: 'G2024:Ⅱ-3', path: 'Ⅱ-3' },
  { title: '生産性の向上', text: 'Ⅱ「ワークライフバランスの推進のための働き方改革」 1. 業務効率化・デジタル化の推進', nodeId: 'G2024:Ⅱ-1', path: 'Ⅱ-1' },
];

const summary = (refs: GuidelineRef[]): Expected[] => refs.map((r) => [r.nodeId, r.resolution]);

describe('guidelineNodes', () => {
  it('holds every node of §5.2 with ids G2024:<path>, levels and parents', () => {
    const nodes = guidelineNodes();
    expect(nodes).toHaveLength(32);
    expect(nodes.map((n) => n.path)).toContain('Ⅱ-3-(1)-②-ア');
    const a = findNodeByPath('Ⅱ-3-(1)-②-ア');
    expect(a).toMatchObject({ id: 'G2024:Ⅱ-3-(1)-②-ア', level: 'subItem', title: '管理職に対するマネジメント研修の充実', parentId: 'G2024:Ⅱ-3-(1)-②' });
    expect(findNodeByPath('Ⅳ-(1)')).toMatchObject({ level: 'section', parentId: 'G2024:Ⅳ', title: '各府省等における取組の推進' });
    expect(findNodeByPath('Ⅲ-2')).toMatchObject({ level: 'chapter', title: '女性の登用目標達成に向けた計画的育成' });
    expect(findNodeByPath('Ⅱ')).toMatchObject({ level: 'part', parentId: null });
  });

  it('every parent id names a node that exists', () => {
    const ids = new Set(guidelineNodes().map((n) => n.id));
    for (const n of guidelineNodes()) if (n.parentId !== null) expect(ids.has(n.parentId)).toBe(true);
  });

  it('finds nodes by normalised title, including the テレワ－ク (U+FF0D) variant', () => {
    expect(findNodesByTitle('テレワ－クの推進').map((n) => n.id)).toEqual(['G2024:Ⅱ-1-(2)']);
    expect(findNodesByTitle(' テレワークの推進 ').map((n) => n.id)).toEqual(['G2024:Ⅱ-1-(2)']);
    expect(findNodesByTitle('「推進体制等」').map((n) => n.id)).toEqual(['G2024:Ⅳ']);
    expect(findNodesByTitle('存在しない見出し')).toEqual([]);
  });
});

const SAMPLES = new URL('../../../samples/', import.meta.url);
const sampleLines = (name: string): string[] => readFileSync(new URL(name, SAMPLES), 'utf8').split(/\r?\n/);

describe('the embedded Ｂ cells', () => {
  it('are verbatim copies of samples/002 at the stated lines', () => {
    const lines = sampleLines('002_2a41778675c87b6f.part.txt');
    for (const c of B_CELLS_002) {
      const [from, to] = c.lines.split('–').map(Number);
      expect(lines.slice((from ?? 0) - 1, to).join('\n'), `${c.org} ${c.row}`).toBe(c.text);
    }
  });

  it('are verbatim copies of 000 lines 8–9 column B without <p>', () => {
    const lines = sampleLines('000_af6c26688b7c18a9.txt');
    expect([8, 9].map((n) => lines[n - 1]?.split('\t')[2])).toEqual(B_CELLS_000.map((c) => `<p>${c.text}</p>`));
  });
});

describe('parseGuidelineRefs on the Ｂ cells of 002', () => {
  for (const c of B_CELLS_002) {
    it(`resolves ${c.org} ${c.row} (002 lines ${c.lines}) as ${c.expected.map((e) => `${e[0] ?? '—'} ${e[1]}`).join(', ')}`, () => {
      expect(summary(parseGuidelineRefs(c.text, { orgName: c.org }))).toEqual(c.expected);
    });
  }

  it('resolves the same without the organisation, except デジタル庁 R2 whose plan numbering looks like Ⅱ-3-(1)', () => {
    for (const c of B_CELLS_002) {
      const refs = parseGuidelineRefs(c.text);
      if (c.org === 'デジタル庁' && c.row === 'R2') {
        expect(summary(refs)).toEqual([['G2024:Ⅱ-3-(1)', 'exact']]);
      } else {
        expect(summary(refs)).toEqual(c.expected);
      }
    }
  });

  it('keeps the normalised path as read, with the unknown part left out (金融庁 R3)', () => {
    const refs = (row: string, org: string) => {
      const c = B_CELLS_002.find((x) => x.row === row && x.org === org);
      if (!c) throw new Error(`no case ${org} ${row}`);
      return parseGuidelineRefs(c.text, { orgName: org }).map((r) => r.path);
    };
    expect(refs('R3', '金融庁')).toEqual(['3-(1)-①', '3-(1)-②']);
    expect(refs('R1', 'カジノ管理委員会')).toEqual(['Ⅳ-3-(1)-②']);
    expect(refs('R1', '個人情報保護委員会')).toEqual(['第2-1-②']);
    expect(refs('R3', '個人情報保護委員会')).toEqual(['第2-4-(1)']);
    expect(refs('R2', '消費者庁')).toEqual(['Ⅱ-1-(2)']);
    expect(refs('R1', '宮内庁')).toEqual([null]);
  });

  it('joins PDF wraps without a space and splits one reference per leaf, raw texts adding up to the cell', () => {
    const c = B_CELLS_002.find((x) => x.org === '公正取引委員会' && x.row === 'R2');
    if (!c) throw new Error('case missing');
    const refs = parseGuidelineRefs(c.text);
    expect(refs.map((r) => r.raw)).toEqual([
      'Ⅱ「ワークライフバランスの推進のための働き方改革」１．業務効率化・デジタル化の推進（１）業務の廃止を含めた業務見直し・効率化①廃止を含めた業務の棚卸し',
      '②業務見直し',
      '③定型業務の効率化',
      '⑤効率的に働ける職場環境の整備',
    ]);
    expect(refs.map((r) => r.raw).join('')).toBe(joinCell(c.text).text);
  });

  it('joins 管 + 理職 across a wrap (内閣官房 R4)', () => {
    const [ref] = parseGuidelineRefs('（１）職員のやりがい向上も踏まえた管\n理職のマネジメント向上');
    expect(ref?.raw).toBe('（１）職員のやりがい向上も踏まえた管理職のマネジメント向上');
  });

  it('gives title-matches a lower confidence than exact hits', () => {
    const all = B_CELLS_002.flatMap((c) => parseGuidelineRefs(c.text, { orgName: c.org }));
    const exact = all.filter((r) => r.resolution === 'exact').map((r) => r.confidence);
    const title = all.filter((r) => r.resolution === 'title-match').map((r) => r.confidence);
    expect(title.length).toBe(4);
    expect(Math.max(...title)).toBeLessThan(Math.min(...exact));
    for (const r of all) expect(GuidelineRef.safeParse(r).success).toBe(true);
  });
});

describe('parseGuidelineRefs on 000 column B', () => {
  for (const c of B_CELLS_000) {
    it(`resolves ${c.title}'s B cell exactly to ${c.path}`, () => {
      const refs = parseGuidelineRefs(c.text, { orgName: '総務省' });
      expect(refs).toEqual([{ raw: c.text, path: c.path, nodeId: c.nodeId, resolution: 'exact', confidence: 1 }]);
    });
  }

  it('tolerates the <p> wrapper of the TSV cell', () => {
    const refs = parseGuidelineRefs(`<p>${B_CELLS_000[0]?.text ?? ''}</p>`);
    expect(summary(refs)).toEqual([['G2024:Ⅱ-3', 'exact']]);
  });
});

describe('parseGuidelineRefs marker forms', () => {
  it('reads ⑴ and （1） and （２）． as sections, １．/1./１/３　/glued ３ as chapters', () => {
    expect(parseGuidelineRefs('Ⅱ　４　仕事と生活の両立支援\n⑴男性の育児への参画促進')[0]?.path).toBe('Ⅱ-4-(1)');
    expect(parseGuidelineRefs('Ⅱ\n1.業務効率化・デジタル化の推進\n（1）業務の廃止を含めた業務見直し・効率化')[0]).toMatchObject({
      path: 'Ⅱ-1-(1)',
      resolution: 'exact',
    });
    expect(parseGuidelineRefs('Ⅱ３マネジメント改革（２）人材育成のための人事当局の役割')[0]?.nodeId).toBe('G2024:Ⅱ-3-(2)');
    expect(parseGuidelineRefs('Ⅱ．１業務効率化・デジタル化の推進')[0]?.nodeId).toBe('G2024:Ⅱ-1');
  });

  it('reads typed node paths such as Ⅱ-3-(1)-② and Ⅱ－３－（２）－①', () => {
    expect(summary(parseGuidelineRefs('Ⅱ-3-(1)-②'))).toEqual([['G2024:Ⅱ-3-(1)-②', 'exact']]);
    expect(summary(parseGuidelineRefs('Ⅱ－３－（２）－①'))).toEqual([['G2024:Ⅱ-3-(2)-①', 'exact']]);
  });

  it('does not read a katakana ア wrapped to the start of a line as sub-item ア', () => {
    const refs = parseGuidelineRefs('Ⅱ\n３．マネジメント改革\n（２）人材育成のための人事当局の役割\n①人事異動を通じた人材育成・キャリ\nア形成');
    expect(summary(refs)).toEqual([['G2024:Ⅱ-3-(2)-①', 'exact']]);
  });

  it('inherits the open upper levels for a second chapter in one cell', () => {
    const refs = parseGuidelineRefs('Ⅱ「ワークライフバランスの推進のための働き方改革」\n１．業務効率化・デジタル化の推進\n３．マネジメント改革');
    expect(refs.map((r) => r.path)).toEqual(['Ⅱ-1', 'Ⅱ-3']);
    expect(summary(refs)).toEqual([
      ['G2024:Ⅱ-1', 'exact'],
      ['G2024:Ⅱ-3', 'exact'],
    ]);
  });

  it('title-matches an unnumbered guideline title and leaves other text unresolved', () => {
    expect(summary(parseGuidelineRefs('テレワ－クの推進'))).toEqual([['G2024:Ⅱ-1-(2)', 'title-match']]);
    expect(parseGuidelineRefs('該当なし')).toEqual([{ raw: '該当なし', path: null, nodeId: null, resolution: 'unresolved', confidence: 0 }]);
  });

  it('returns no references for an empty or blank cell', () => {
    expect(parseGuidelineRefs('')).toEqual([]);
    expect(parseGuidelineRefs(' \n\u3000\n')).toEqual([]);
  });

  it('never throws and always returns schema-valid references for arbitrary text', () => {
    const markerish = fc.constantFrom(...'ⅠⅡⅣ第１２３1.．（）()⑴⑵①②⑤アイ「」\n 　<p></p>ー－業務効率化マネジメント改革'.split(''));
    const text = fc.oneof(fc.string(), fc.array(markerish, { maxLength: 60 }).map((a) => a.join('')));
    fc.assert(
      fc.property(text, fc.option(fc.constantFrom('デジタル庁', '内閣府', '宮内庁', '不明な府省'), { nil: undefined }), (t, org) => {
        const refs = parseGuidelineRefs(t, { orgName: org });
        for (const r of refs) expect(GuidelineRef.safeParse(r).success).toBe(true);
        expect(refs.map((r) => r.raw).join('')).toBe(joinCell(t).text);
      }),
      { numRuns: 500 },
    );
  });
});
