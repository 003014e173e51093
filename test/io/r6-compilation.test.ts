import { describe, expect, it } from 'vitest';

import type { ImportResult, Report } from '../../src/core/model/schema.js';
import { htmlToText, splitEntries, toHalfWidth } from '../../src/core/text/index.js';
import { importDocument, toSourceDoc } from '../../src/io/import.js';
import { R6_COMPILATION_IMPORTER } from '../../src/io/layouts/r6-compilation.js';
import { ORACLE } from '../fixtures/compilation/oracle-002.js';
import { duplicated, FILE_000, FILE_002, firstLines, readSeed, renamedSoumu } from '../fixtures/pdf-text/seeds.js';

const SOURCE = readSeed(FILE_002);
const run = (text: string, file = FILE_002): ImportResult => importDocument(toSourceDoc(file, text));
const RESULT = run(SOURCE);

const byName = (name: string, result: ImportResult = RESULT): Report => {
  const r = result.reports.find((x) => x.organization === name);
  if (!r) throw new Error(`no report for ${name}`);
  return r;
};
const flatA = (r: Report, i: number): string => (r.rows[i]?.narrative ?? '').replace(/\n/g, '');
const errors = (r: Report): string[] => r.issues.filter((i) => i.severity === 'error').map((i) => i.code);

describe('L-R6-COMPILATION importer on 002 (domain.md §6.1 oracle)', () => {
  it('is picked by the dispatcher and passes the model schema without file-level issues', () => {
    expect(R6_COMPILATION_IMPORTER.detect(toSourceDoc(FILE_002, SOURCE))).toBeGreaterThanOrEqual(0.9);
    expect(RESULT.issues).toEqual([]);
    expect(RESULT.plans).toEqual([]);
  });

  it('imports 14 reports in printed order with their names and codes', () => {
    expect(RESULT.reports.map((r) => r.organization)).toEqual(ORACLE.map((o) => o.name));
    expect(RESULT.reports.map((r) => r.organizationCode)).toEqual(ORACLE.map((o) => o.code));
    expect(new Set(RESULT.reports.map((r) => r.key)).size).toBe(14);
    for (const r of RESULT.reports) {
      expect(r.organizationSource).toBe('printed');
      expect(r.layout).toBe('L-R6-COMPILATION');
      expect(r.fiscalYear).toBe(2024);
      expect(r.cycleLabel).toBe('令和６年度');
      expect(r.implementationYear).toBe(2023);
      expect(r.title).toBe('国家公務員の女性活躍とワークライフバランス推進のための取組指針に基づく取組計画等のフォローアップ（令和６年度）（重点項目）');
      expect(r.coverNote).toMatch(/^＜調査票の見方＞\n※ この調査票は、/);
      expect(r.coverNote).toContain('令和５年度の実施状況を記載しています。');
      expect(errors(r)).toEqual([]);
    }
  });

  it('has 44 rows, 43 distinct 重点項目 and the per-ministry row counts', () => {
    expect(RESULT.reports.map((r) => r.rows.length)).toEqual([4, 3, 4, 5, 8, 1, 3, 4, 4, 2, 0, 2, 2, 2]);
    expect(RESULT.reports.reduce((n, r) => n + r.rows.length, 0)).toBe(44);
    expect(RESULT.reports.reduce((n, r) => n + r.focusItems.length, 0)).toBe(43);
    expect(byName('消費者庁').focusItems).toHaveLength(3);
    expect(new Set(byName('消費者庁').rows.map((r) => r.focusItem)).size).toBe(3);
  });

  for (const o of ORACLE) {
    it(`pairs every ${o.name} row with its 重点項目 by content`, () => {
      const r = byName(o.name);
      expect(r.rows.map((row) => row.focusItem)).toEqual(o.rows.map(([, f]) => f));
      expect(r.rows.map((row) => row.title)).toEqual(o.rows.map(([, f]) => f));
      o.rows.forEach(([aStart], i) => expect(flatA(r, i).startsWith(aStart), `${o.name} R${String(i + 1)}: ${flatA(r, i).slice(0, 40)}`).toBe(true));
      r.rows.forEach((row, i) => {
        expect(row.kind).toBe('focus');
        expect(row.sortOrder).toBe(i);
        expect(row.key).toBe(`L-R6-COMPILATION/FOCUS/${String(i + 1)}`);
      });
    });
  }

  it('keeps the printed 重点項目 order where it differs from the row order and flags it for review', () => {
    const order = (name: string): string[] =>
      [...byName(name).focusItems].sort((a, b) => (a.printedOrder ?? 0) - (b.printedOrder ?? 0)).map((f) => f.name);
    expect(order('内閣法制局')).toEqual(['法律案等審査業務の効率化・合理化', '管理職のマネジメント能力向上に向けた環境整備', 'テレワーク中の課題等に対する取組']);
    expect(order('宮内庁')).toEqual(['マネジメント強化', '執務環境の整備', 'テレワーク環境の整備', 'コミュニケーションの活性化による心理的安全性の確保', 'やりがいにつながる働きかけの強化']);
    expect(order('公正取引委員会').slice(2, 7)).toEqual([
      '期首・期末面談、身上申告書の活用',
      '人事異動における説明・対話の実施',
      '転勤の在り方の見直し',
      '管理職のマネジメント能力向上に向けた環境整備',
      'テレワークマネジメントの推進',
    ]);
    expect(order('個人情報保護委員会')).toEqual(['男性の育児への参画促進', '「業務見直し・ DX 推進チーム」による業務見直し', '自己成長の機会提供、チューター制度等の活用']);
    for (const name of ['内閣法制局', '宮内庁', '公正取引委員会', '個人情報保護委員会']) {
      const mismatch = byName(name).issues.find((i) => i.code === 'FOCUS_ORDER_MISMATCH');
      expect(mismatch?.proposal?.value, name).toMatch(/^R1→/);
      const pairings = byName(name).issues.filter((i) => i.code === 'FOCUS_PAIRING');
      expect(pairings.map((p) => p.rowKey)).toEqual(byName(name).rows.map((row) => row.key));
      expect(pairings.map((p) => p.proposal?.value)).toEqual(byName(name).rows.map((row) => row.focusItem));
    }
    expect(byName('警察庁').issues).toEqual([]);
  });

  it('gives こども家庭庁 (ASCII colon marker) zero rows and its reason', () => {
    const r = byName('こども家庭庁');
    expect(r.rows).toEqual([]);
    expect(r.focusItems).toEqual([]);
    expect(r.noRowsReason).toBe('重点項目はR6.4.1以降に設定しているため、記載なし');
    expect(r.source.line).toBe(873);
  });

  it('assigns the markers printed after the rows to the section of the preceding header', () => {
    for (const [name, line, firstRow] of [
      ['個人情報保護委員会', 609, 568],
      ['カジノ管理委員会', 863, 836],
    ] as const) {
      const r = byName(name);
      expect(r.issues.find((i) => i.code === 'MARKER_AFTER_ROWS')?.line).toBe(line);
      expect(r.rows[0]?.source.line).toBe(firstRow);
    }
  });

  it('counts the entry tags 【継続】59, 【新規】15, 【新規・継続】1 and rows without tags in 3 府省等', () => {
    const entries = RESULT.reports.flatMap((r) => r.rows.flatMap((row) => row.entries));
    expect(entries.filter((e) => e.tag === '継続')).toHaveLength(59);
    expect(entries.filter((e) => e.tag === '新規')).toHaveLength(15);
    expect(entries.filter((e) => e.tag === '新規・継続')).toHaveLength(1);
    const untagged = RESULT.reports.filter((r) => r.rows.length > 0 && r.rows.every((row) => row.tags.length === 0)).map((r) => r.organization);
    expect(untagged).toEqual(['警察庁', '消費者庁', 'デジタル庁']);
    expect(byName('内閣官房').rows[1]?.tags).toEqual(['継続', '新規']);
  });

  it('joins PDF wraps without a space and keeps the printed lines in narrativeRaw', () => {
    const r = byName('内閣官房').rows[2];
    expect(r?.narrative).toContain('TeamsやSharePoint等の新たなアプリケーションを活用した');
    expect(r?.narrativeRaw?.split('\n')).toHaveLength(9);
    expect(r?.narrativeRaw?.split('\n')[1]).toBe('令和５年末のGSSへの移行により、TeamsやSharePoint等の新たなアプリケーション');
    expect(byName('内閣府').rows[2]?.narrative).toContain('（令和５年９月４日より）');
    // 宮内庁 R3: a short line ends a paragraph, so 「新設。」 and the next 令和５年度から are separate lines.
    expect(byName('宮内庁').rows[2]?.narrative).toContain('講義を新設。\n令和５年度から、課長補佐を対象に');
    // 金融庁: blank lines separate the entries inside one Ａ cell.
    expect(byName('金融庁').rows[0]?.entries).toHaveLength(3);
    expect(byName('金融庁').rows[3]?.entries).toHaveLength(6);
    expect(byName('金融庁').rows[3]?.entries[5]?.text).toMatch(/^・課長補佐以上職員においては、/);
  });

  it('keeps character variants verbatim (U+FF0D, ⑴, U+3000)', () => {
    expect(byName('公正取引委員会').rows[3]?.guidelineRefsRaw).toContain('（２）テレワ－クの推進');
    expect(byName('内閣府').rows[2]?.narrative).toContain('補佐－係長－係員');
    expect(byName('内閣府').rows[2]?.narrative).toContain('コミュニケ－ション');
    expect(byName('個人情報保護委員会').rows[1]?.guidelineRefsRaw).toContain('⑵人材育成のための人事当局の役割');
    const ideographic = (s: string): number => [...s].filter((c) => c === '\u3000').length;
    const inModel = RESULT.reports.flatMap((r) => r.rows).reduce((n, row) => n + ideographic(row.narrativeRaw ?? '') + ideographic(row.guidelineRefsRaw ?? ''), 0);
    expect(inModel).toBe(ideographic(SOURCE));
  });

  it('splits the 重点項目 glued to a Ｂ run (宮内庁 line 352) and reads Ｂ printed before Ａ', () => {
    const k = byName('宮内庁');
    expect(k.rows.map((r) => r.guidelineRefsRaw)).toEqual(Array(5).fill('（別添）具体的な取組事項'));
    expect(k.rows[4]?.cells.find((c) => c.role === 'focusItem')).toEqual({ text: 'やりがいにつながる働きかけの強化', line: 352, col: 0, role: 'focusItem' });
    const j = byName('公正取引委員会').rows[1];
    expect(j?.source.line).toBe(393);
    expect(j?.cells.find((c) => c.role === 'guidelineRefs')?.line).toBe(379);
    const f = byName('金融庁').rows[3];
    expect(f?.cells.find((c) => c.role === 'guidelineRefs')?.line).toBe(720);
  });

  it('resolves guideline references through the shared parser', () => {
    const nodes = (name: string, i: number): (string | null)[] => byName(name).rows[i]?.guidelineRefs.map((g) => g.nodeId) ?? [];
    expect(nodes('公正取引委員会', 0)).toEqual(['G2024:Ⅳ-(1)-②']);
    expect(nodes('公正取引委員会', 1)).toEqual(['G2024:Ⅱ-1-(1)-①', 'G2024:Ⅱ-1-(1)-②', 'G2024:Ⅱ-1-(1)-③', 'G2024:Ⅱ-1-(1)-⑤']);
    expect(nodes('金融庁', 3)).toEqual(['G2024:Ⅱ-1-(1)-③', 'G2024:Ⅱ-1-(1)-⑤']);
    expect(nodes('総務省', 0)).toEqual(['G2024:Ⅱ-3']);
    expect(nodes('総務省', 1)).toEqual(['G2024:Ⅱ-1']);
    expect(byName('宮内庁').rows.every((r) => r.guidelineRefs.every((g) => g.resolution === 'plan-specific'))).toBe(true);
    expect(byName('個人情報保護委員会').rows[2]?.guidelineRefs[0]).toMatchObject({ nodeId: 'G2024:Ⅱ-4-(1)', resolution: 'title-match' });
  });

  it('reproduces 000 L-R5-FOCUS for 総務省 (same 重点項目 texts, §0)', () => {
    const cells = readSeed(FILE_000).split('\n').slice(7, 9).map((l) => l.split('\t'));
    const soumu = byName('総務省');
    // Compare without whitespace and with full-width ASCII folded: 000 prints 令和5年度 / 1on1, 002 令和５年度 / １on１.
    const fold = (s: string): string => toHalfWidth(s).replace(/\s+/g, '');
    cells.forEach((cell, i) => {
      expect(soumu.rows[i]?.focusItem).toBe(cell[0]);
      const e000 = splitEntries(htmlToText(cell[1] ?? ''))[0];
      const e002 = soumu.rows[i]?.entries[0];
      expect(e002?.tag).toBe(e000?.tag);
      expect(fold(e002?.text.split('\n')[0] ?? '')).toBe(fold(e000?.text.split('\n')[0] ?? ''));
      if (i === 0) expect(fold(e002?.text ?? '')).toBe(fold(e000?.text ?? ''));
    });
    // The 生産性の向上 entry differs by one character in the sources: 002 「定期的に開催」, 000 「定期的開催」.
    const e000 = splitEntries(htmlToText(cells[1]?.[1] ?? ''))[0]?.text ?? '';
    expect(fold(soumu.rows[1]?.entries[0]?.text ?? '').replace('定期的に開催', '定期的開催')).toBe(fold(e000));
  });
});

describe('L-R6-COMPILATION importer on synthetic inputs built from 002', () => {
  it('(a) keeps a 府省等 it has never seen, with no code and a warning', () => {
    const result = run(renamedSoumu(SOURCE));
    expect(result.reports).toHaveLength(14);
    const r = byName('架空庁', result);
    expect(r).toMatchObject({ organization: '架空庁', organizationCode: null, organizationSource: 'printed' });
    expect(r.key).toBe('L-R6-COMPILATION/2024/架空庁');
    expect(r.rows.map((row) => row.focusItem)).toEqual(['モチベーションの向上', '生産性の向上']);
    expect(r.issues.find((i) => i.code === 'UNKNOWN_ORGANIZATION')).toMatchObject({ severity: 'warning', line: 1010, value: '架空庁' });
  });

  it('(b) imports the file printed twice as 28 sections with unique keys and the same pairings', () => {
    const result = run(duplicated(SOURCE));
    expect(result.reports).toHaveLength(28);
    const names = ORACLE.map((o) => o.name);
    expect(result.reports.map((r) => r.organization)).toEqual([...names, ...names]);
    expect(new Set(result.reports.map((r) => r.key)).size).toBe(28);
    expect(result.reports[14]?.key).toBe('L-R6-COMPILATION/2024/cas~2');
    const pairs = (rs: Report[]): (string | null)[][] => rs.map((r) => r.rows.map((row) => row.focusItem));
    expect(pairs(result.reports.slice(14))).toEqual(pairs(RESULT.reports));
    expect(pairs(result.reports.slice(0, 14))).toEqual(pairs(RESULT.reports));
    // The second cover must not turn into an Ａ row of 総務省.
    expect(result.reports[13]?.rows).toHaveLength(2);
  });

  it('(c) imports only the first 3 sections when the file holds only them', () => {
    const result = run(firstLines(SOURCE, 279));
    expect(result.reports.map((r) => r.organization)).toEqual(['内閣官房', '内閣法制局', '内閣府']);
    expect(result.reports.map((r) => r.rows.length)).toEqual([4, 3, 4]);
    expect(result.reports.flatMap(errors)).toEqual([]);
  });

  it('(d) flags a file cut inside 金融庁 R3: no half-filled row passes as complete', () => {
    const result = run(firstLines(SOURCE, 700));
    expect(result.reports).toHaveLength(8);
    const r = result.reports[7];
    expect(r?.organization).toBe('金融庁');
    expect(r?.rows).toHaveLength(3);
    expect(r?.issues.find((i) => i.code === 'SECTION_INCOMPLETE')?.severity).toBe('error');
    const withError = (key: string): string[] => (r?.issues ?? []).filter((i) => i.rowKey === key && i.severity === 'error').map((i) => i.code);
    // Only one 重点項目 value (若手職員のキャリアパスの明確化) was printed before the cut.
    expect(r?.rows[0]?.focusItem).toBe('若手職員のキャリアパスの明確化');
    expect(withError('L-R6-COMPILATION/FOCUS/2')).toEqual(['FOCUS_NOT_FOUND']);
    expect(withError('L-R6-COMPILATION/FOCUS/3')).toEqual(['FOCUS_NOT_FOUND', 'REFERENCE_MISSING', 'NARRATIVE_TRUNCATED']);
    expect(r?.rows[2]?.focusItem).toBeNull();
    expect(result.reports.slice(0, 7).flatMap(errors)).toEqual([]);
  });

  it('(d) flags a file cut in the middle of a line of the last row', () => {
    const cut = SOURCE.slice(0, SOURCE.indexOf('「業務見直し研修」を定期的に開催。') + 8);
    const result = run(cut);
    expect(result.reports).toHaveLength(14);
    const r = result.reports[13];
    expect(r?.rows[0]?.focusItem).toBe('モチベーションの向上');
    expect(r?.rows[1]?.focusItem).toBeNull();
    expect(r?.issues.filter((i) => i.rowKey === 'L-R6-COMPILATION/FOCUS/2' && i.severity === 'error').map((i) => i.code)).toEqual([
      'FOCUS_NOT_FOUND',
      'REFERENCE_MISSING',
      'NARRATIVE_TRUNCATED',
    ]);
  });

  it('does not claim other documents', () => {
    for (const name of [FILE_000, '001_b3ce7628507eeec6.txt', '003_21f51c2eed719b65.txt', '004_62afef42a3180ecf.txt']) {
      expect(R6_COMPILATION_IMPORTER.detect(toSourceDoc(name, readSeed(name))), name).toBeLessThan(0.5);
    }
  });
});
