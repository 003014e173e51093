import { readFileSync } from 'node:fs';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  findNodeByPath,
  findNodesByTitle,
  guidelineNodes,
  joinCell,
  learnGuidelineTitles,
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
    // §5.2's 32 titled nodes, four titles of Ⅱ-4-(2) read from 001 and three nodes whose titles no document prints.
    expect(nodes).toHaveLength(39);
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

  it('resolves the same without the organisation, except where plan numbering looks like the guideline’s', () => {
    for (const c of B_CELLS_002) {
      const refs = parseGuidelineRefs(c.text);
      if (c.org === 'デジタル庁' && c.row === 'R2') {
        expect(summary(refs)).toEqual([['G2024:Ⅱ-3-(1)', 'exact']]);
      } else if (c.org === '内閣府' && (c.row === 'R2' || c.row === 'R3')) {
        // Without 内閣府's plan, `１．業務効率化・デジタル化の推進（６）業務の棚卸し` is a well-formed guideline path
        // the catalogue lacks (#9): structural. With the organisation it is the plan's own heading (test above).
        expect(summary(refs)).toEqual([[c.row === 'R2' ? 'G2024:Ⅱ-1-(6)' : 'G2024:Ⅱ-1-(4)', 'structural']]);
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

describe('the catalogue says where each title comes from (#9)', () => {
  it('gives every node a source, and a title only where a document prints it', () => {
    for (const n of guidelineNodes()) {
      expect(n.source.length, n.path).toBeGreaterThan(5);
      expect(n.title === '', n.path).toBe(n.titleSource === 'none');
    }
    expect(findNodeByPath('Ⅰ')).toMatchObject({ title: '', titleSource: 'none' });
    expect(findNodeByPath('Ⅱ-4-(2)-①')).toMatchObject({ title: '働く時間の柔軟化', titleSource: 'plan' });
    expect(findNodeByPath('Ⅱ')?.closedChildren).toEqual([1, 2, 3, 4]);
  });
});

describe('structural references: well-formed guideline paths the catalogue lacks (#9)', () => {
  const one = (text: string, orgName?: string): [string | null, string, string | null] => {
    const [r] = parseGuidelineRefs(text, orgName ? { orgName } : {});
    return [r?.nodeId ?? null, r?.resolution ?? '', r?.path ?? null];
  };

  it('keeps the parsed path of Ⅱ-2-(2), Ⅱ-3-(3) and Ⅱ-1-(3)-①②③ with resolution structural', () => {
    expect(one('Ⅱ「ワークライフバランスの推進のための働き方改革」\n２．勤務時間管理のシステム化と勤務時\n間管理の徹底\n（２）的確な勤務時間管理による超過勤\n務縮減と勤務間インターバルの確保等')).toEqual(['G2024:Ⅱ-2-(2)', 'structural', 'Ⅱ-2-(2)']);
    expect(one('Ⅱ．３．（３）')).toEqual(['G2024:Ⅱ-3-(3)', 'structural', 'Ⅱ-3-(3)']);
    expect(summary(parseGuidelineRefs('Ⅱ「ワークライフバランスの推進のため\nの働き方改革」\n１．業務効率化・デジタル化の推進\n（３）国会関係業務の効率化\n①②③'))).toEqual([
      ['G2024:Ⅱ-1-(3)-①', 'structural'],
      ['G2024:Ⅱ-1-(3)-②', 'structural'],
      ['G2024:Ⅱ-1-(3)-③', 'structural'],
    ]);
  });

  it('resolves Ⅱ-4-(2)-① by its number (its title is read from the plan, so it never contradicts a citation)', () => {
    expect(one('Ⅱ　４　仕事と生活の両立支援\n⑵仕事と生活を両立しながら活躍できる環境づくり\n①柔軟な勤務時間')).toEqual(['G2024:Ⅱ-4-(2)-①', 'exact', 'Ⅱ-4-(2)-①']);
    expect(one('Ⅱ-4-(2)-①')).toEqual(['G2024:Ⅱ-4-(2)-①', 'exact', 'Ⅱ-4-(2)-①']);
  });

  it('is not structural where the numbers cannot be the guideline’s', () => {
    // Ⅱ has chapters 1–4 only; Ⅳ has sections, not chapters; a printed title contradicting the known part.
    expect(one('Ⅱ．７．（１）')[1]).toBe('plan-specific');
    expect(one('Ⅳ．２．（１）')[1]).toBe('plan-specific');
    expect(one('Ⅱ．総務省の働き方改革を加速するための重点項目\n１．（３）')[1]).toBe('plan-specific');
    // A title naming the organisation is its own plan's heading; so is a cell that says 取組計画.
    expect(one('Ⅳ．推進体制等\n（２）当省が一丸となって取り組むための体制')[1]).toBe('plan-specific');
    expect(one('取組計画\nⅢ．２．（１）テレワーク実施環境の整備')[1]).toBe('plan-specific');
    // Without a part and without titles, `2-(2)` could be Ⅱ-2-(2) or Ⅲ-2-(2).
    expect(one('２．（２）')[1]).toBe('plan-specific');
  });

  it('learns a title printed under a structural path and resolves a later citation of that title alone', () => {
    const learned = learnGuidelineTitles([{ text: 'Ⅱ．２．勤務時間管理のシステム化と勤務時間管理の徹底\n（２）的確な勤務時間管理による超過勤務縮減と勤務間インターバルの確保等' }]);
    expect([...learned]).toEqual([['Ⅱ-2-(2)', '的確な勤務時間管理による超過勤務縮減と勤務間インターバルの確保等']]);
    const [r] = parseGuidelineRefs('「的確な勤務時間管理による超過勤務縮減と勤務間インターバルの確保等」', { learned });
    expect(r).toMatchObject({ nodeId: 'G2024:Ⅱ-2-(2)', resolution: 'structural' });
    expect(parseGuidelineRefs('「的確な勤務時間管理による超過勤務縮減と勤務間インターバルの確保等」')[0]?.resolution).toBe('unresolved');
  });
});

describe('Ｂ cells in the forms unseen 府省等 print (#9)', () => {
  it('reads a quoted part title without its numeral as the part (class 1)', () => {
    expect(summary(parseGuidelineRefs('「ワークライフバランスの推進のため\nの働き方改革」\n３．マネジメント改革\n（２）人材育成のための人事当局の役割\n②自己成長の機会提供'))).toEqual([['G2024:Ⅱ-3-(2)-②', 'exact']]);
    expect(summary(parseGuidelineRefs('「マネジメント改革」\n（１）職員のやりがい向上も踏まえた管\n理職のマネジメント向上'))).toEqual([['G2024:Ⅱ-3-(1)', 'exact']]);
  });

  it('reads quoted titles alone as title-matches (class 1)', () => {
    expect(summary(parseGuidelineRefs('「仕事と生活の両立支援」のうち「男性の\n育児への参画促進」'))).toEqual([['G2024:Ⅱ-4-(1)', 'title-match']]);
    expect(summary(parseGuidelineRefs('「マネジメント改革」'))).toEqual([['G2024:Ⅱ-3', 'title-match']]);
    // A quoted text that is no guideline title stays what it was (個人情報保護委員会's plan heading).
    expect(summary(parseGuidelineRefs('②「業務見直し・ DX 推進チーム」に\nよる 業務見直し'))).toEqual([[null, 'plan-specific']]);
  });

  it('reads labelled bullet blocks as one reference per block, inheriting nothing across labels (class 2)', () => {
    const cell = ['・業務見直し', 'Ⅱ．ワークライフバランスの推進のため', 'の働き方改革', '１．業務効率化・デジタル化の推進', '（１）業務の廃止を含めた業務見直し・', '効率化', '③定型業務の効率化', '・テレワーク', '１．業務効率化・デジタル化の推進', '（２）テレワークの推進'].join('\n');
    const refs = parseGuidelineRefs(cell);
    expect(summary(refs)).toEqual([
      ['G2024:Ⅱ-1-(1)-③', 'exact'],
      ['G2024:Ⅱ-1-(2)', 'exact'],
    ]);
    expect(refs[1]?.raw.startsWith('・テレワーク')).toBe(true);
    expect(refs.map((r) => r.raw).join('')).toBe(joinCell(cell).text);
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
