import { describe, expect, it } from 'vitest';

import { displayWidth, isPageNumber, joinAll, joinWrapped, toPdfLines } from '../../../src/io/pdf-text/lines.js';
import { assignFocus, CONFLICT_CONFIDENCE, DEFAULT_PAIRING_PARAMS, pairingEvidence } from '../../../src/io/pdf-text/focus-pairing.js';
import { assignMinCost, foldForMatch } from '../../../src/io/pdf-text/similarity.js';

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

describe('assignFocus (#9: content evidence, order only breaks ties)', () => {
  const pair = (rows: { a: string; b: string }[], names: string[], params = DEFAULT_PAIRING_PARAMS) => assignFocus(pairingEvidence(rows, names), params);

  it('pairs by shared phrases regardless of order and rates a clear match near 1', () => {
    const rows = [
      { a: 'テレワーク月間の際に、テレワーク中のコミュニケーション', b: '' },
      { a: '転勤の在り方について検討を行い', b: '' },
    ];
    // On content alone the match is clear…
    const p = pair(rows, ['転勤の在り方の見直し', 'テレワークマネジメントの推進'], { ...DEFAULT_PAIRING_PARAMS, orderConflict: false });
    expect(p.map((x) => x.candidate)).toEqual([1, 0]);
    expect(p[1]?.confidence).toBeGreaterThan(0.8);
    // …but the printed order (a third source) says otherwise: the rows depart from it and go to review.
    const shipped = pair(rows, ['転勤の在り方の見直し', 'テレワークマネジメントの推進']);
    expect(shipped.map((x) => x.candidate)).toEqual([1, 0]);
    expect(shipped.map((x) => [x.departs, x.contradicted, x.confidence])).toEqual([
      [true, true, CONFLICT_CONFIDENCE],
      [true, true, CONFLICT_CONFIDENCE],
    ]);
  });

  it('lets content beat the printed order, whatever the order bonus', () => {
    const rows = [
      { a: '育児休業からの復帰前に面談を行った。', b: '' },
      { a: '超過勤務の縮減のため事前命令を徹底した。', b: '' },
    ];
    const p = pair(rows, ['超過勤務の縮減', '育児休業からの復帰支援'], { ...DEFAULT_PAIRING_PARAMS, orderTieBreak: 0.05 });
    expect(p.map((x) => x.candidate)).toEqual([1, 0]);
  });

  it('keeps the printed order where the content says nothing (a tie)', () => {
    const rows = [
      { a: '取組を実施した。', b: '' },
      { a: '取組を実施した。', b: '' },
    ];
    const p = pair(rows, ['重点項目甲', '重点項目乙']);
    expect(p.map((x) => x.candidate)).toEqual([0, 1]);
    expect(Math.max(...p.map((x) => x.confidence))).toBeLessThan(0.6);
  });

  it('does not pair a row with another 重点項目 its text quotes word for word (class 4)', () => {
    const rows = [
      { a: '会議の運営方法を見直し、会議時間を原則３０分とする効率化を進めた。会議資料の電子化は重点項目「ペーパーレス化の推進」とも連動している。', b: '' },
      { a: '複合機による印刷枚数を毎月公表し、紙の使用量を削減した。', b: '' },
    ];
    const p = pair(rows, ['ペーパーレス化の推進', '会議運営の効率化']);
    expect(p.map((x) => x.candidate)).toEqual([1, 0]);
  });

  it('uses the Ｂ text: a 重点項目 that is the cited plan heading', () => {
    const rows = [
      { a: '各部局に聴取を行い、留意点を周知した。', b: '１．業務効率化・デジタル化の推進（６）業務の棚卸し' },
      { a: '各部局に聴取を行い、事例を収集した。', b: '１．業務効率化・デジタル化の推進（１）国会関係業務の効率化' },
    ];
    expect(pair(rows, ['国会関係業務の効率化', '業務の棚卸し']).map((x) => x.candidate)).toEqual([1, 0]);
  });

  it('rates a forced pairing (one row, one value) by its own evidence, and a value printed twice has no rival', () => {
    expect(pair([{ a: 'テレワークの推進のため、', b: '' }], ['テレワークの推進'])[0]?.confidence).toBeGreaterThan(0.6);
    expect(pair([{ a: '研修を行った。', b: '' }], ['テレワークの推進'])[0]?.confidence).toBe(0);
    const twice = pair(
      [
        { a: '人材育成の取組', b: '' },
        { a: '人事戦略の取組', b: '' },
      ],
      ['人材の育成', '人材の育成'],
    );
    // Both rows take the name printed twice; each is as certain as its own text says (the second says nothing).
    expect(twice.map((x) => x.candidate).sort()).toEqual([0, 1]);
    expect(twice[0]?.confidence).toBeGreaterThan(0.6);
    expect(twice[1]?.confidence).toBe(0);
  });

  it('agreeing Ａ and Ｂ evidence in the printed order: confident, no contradiction', () => {
    const rows = [
      { a: '超過勤務の縮減のため、事前命令と実績の突合を毎月行った。', b: '２．勤務時間管理（２）超過勤務縮減' },
      { a: '育児休業から復帰する職員と復帰前に面談を行い、復帰支援の計画を作った。', b: '４．両立支援（３）育児休業取得中・復職後の支援' },
    ];
    const p = pair(rows, ['超過勤務の縮減', '育児休業からの復帰支援']);
    expect(p.map((x) => x.candidate)).toEqual([0, 1]);
    expect(p.map((x) => [x.conflict, x.departs, x.contradicted])).toEqual([
      [null, false, false],
      [null, false, false],
    ]);
    expect(Math.min(...p.map((x) => x.confidence))).toBeGreaterThanOrEqual(0.6);
  });

  describe('contradicting evidence goes to review whatever the weights (#9 class 4, written anew)', () => {
    // Ｂ cells that cite the neighbour's material: each row's Ａ text says one 重点項目, its Ｂ reference the other.
    const crossed = [
      { a: '庁舎の会議室にウェブ会議用の機材を整備し、会議資料は電子配布とした。', b: '（３）職員の育成・キャリア形成の支援' },
      { a: '若手職員が先輩職員に相談できるメンター制度を設け、キャリア面談を年２回行った。', b: '（１）会議の効率化とウェブ会議の活用' },
    ];
    const names = ['会議の効率化', '若手職員の育成'];

    it('Ｂ citing the neighbour: paired by the Ａ text, capped below the threshold, the Ｂ source named', () => {
      const p = pair(crossed, names);
      expect(p.map((x) => x.candidate)).toEqual([0, 1]);
      for (const x of p) {
        expect(x.contradicted).toBe(true);
        expect(x.confidence).toBeLessThan(0.6);
        expect(x.conflict?.source).toBe('b');
      }
      expect(p[0]?.conflict?.candidate).toBe(1);
      expect(p[1]?.conflict?.candidate).toBe(0);
    });

    it('the same rows with a heavy Ｂ weight: the pairing flips, and is still put to review (the Ａ source named)', () => {
      const p = pair(crossed, names, { ...DEFAULT_PAIRING_PARAMS, referenceWeight: 4 });
      expect(p.map((x) => x.candidate)).toEqual([1, 0]);
      expect(p.map((x) => [x.contradicted, x.conflict?.source])).toEqual([
        [true, 'a'],
        [true, 'a'],
      ]);
      expect(Math.max(...p.map((x) => x.confidence))).toBeLessThan(0.6);
    });

    it('an Ａ text mentioning another 重点項目 in its own words (no word-for-word quote to mask)', () => {
      const rows = [
        { a: '打合せは原則３０分とし、ウェブでの開催を標準とした。あわせて若手職員を育成する観点から、若手が進行役を務める。', b: '（１）会議の効率化とウェブ会議の活用' },
        { a: 'メンター制度を設け、キャリア面談を年２回行った。', b: '（３）職員の育成・キャリア形成の支援' },
      ];
      // Weighing the Ｂ text at nothing, the mention decides and the pairing is wrong; it departs from the printed order.
      const p = pair(rows, names, { ...DEFAULT_PAIRING_PARAMS, referenceWeight: 0 });
      expect(p.map((x) => [x.candidate, x.departs, x.contradicted])).toEqual([
        [1, true, true],
        [0, true, true],
      ]);
      expect(Math.max(...p.map((x) => x.confidence))).toBeLessThan(0.6);
      // With the shipped weights the Ｂ text wins, and the Ａ text's mention still sends the rows to review.
      const shipped = pair(rows, names);
      expect(shipped.map((x) => x.candidate)).toEqual([0, 1]);
      expect(shipped.map((x) => [x.contradicted, x.conflict?.source])).toEqual([
        [true, 'a'],
        [true, 'a'],
      ]);
    });
  });

  it('a tolerance lets a slight disagreement pass; the shipped rule has none', () => {
    const rows = [
      { a: '会議の効率化のため、ウェブ会議を標準とした。', b: '（１）会議の効率化（３）職員の育成' },
      { a: '若手職員の育成のため、メンター制度を設けた。', b: '（３）職員の育成' },
    ];
    const names = ['会議の効率化', '若手職員の育成'];
    const strict = pair(rows, names);
    expect(strict.map((x) => x.candidate)).toEqual([0, 1]);
    expect(strict.every((x) => x.conflict === null || x.contradicted)).toBe(true);
    const lenient = pair(rows, names, { ...DEFAULT_PAIRING_PARAMS, conflictTolerance: 10 });
    expect(lenient.every((x) => !x.contradicted)).toBe(true);
  });

  it('folds U+FF0D and full-width letters for matching only', () => {
    expect(foldForMatch('テレワ－ク　ＧＳＳ')).toBe('テレワークGSS');
  });
});
