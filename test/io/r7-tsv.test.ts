import { describe, expect, it } from 'vitest';

import type { Report } from '../../src/core/model/schema.js';
import { toSourceDoc } from '../../src/io/import.js';
import { R7_TSV_IMPORTER } from '../../src/io/layouts/r7-tsv.js';
import { countBy, importSeed, rowAt, SEED_000, SEED_001, SEED_002, SEED_003, SEED_004, seedText, tagCounts } from './tsv/seeds.js';

const result = importSeed(SEED_004);
const report = result.reports[0] as Report;

describe('R7_TSV_IMPORTER.detect', () => {
  it('is confident on its own seed (004) and not on the others (002 shares the title stem) or unrelated text', () => {
    expect(R7_TSV_IMPORTER.detect(toSourceDoc(SEED_004, seedText(SEED_004)))).toBeGreaterThanOrEqual(0.9);
    for (const other of [SEED_000, SEED_001, SEED_002, SEED_003]) {
      expect(R7_TSV_IMPORTER.detect(toSourceDoc(other, seedText(other))), other).toBeLessThan(0.5);
    }
    expect(R7_TSV_IMPORTER.detect(toSourceDoc('memo.txt', '項目\t予定\n'))).toBeLessThan(0.5);
  });
});

describe('importing 004 (L-R7)', () => {
  it('yields one L-R7 report for 令和7年度 with 17 rows: 8 initiatives, 4 surveys, 5 indicators', () => {
    expect(result.issues).toEqual([]);
    expect(report).toMatchObject({ layout: 'L-R7', fiscalYear: 2025, cycleLabel: '令和7年度' });
    expect(report.title).toBe('国家公務員の女性活躍とワークライフバランス推進のための取組指針に基づく取組計画等のフォローアップ(令和7年度)');
    expect(report.rows).toHaveLength(17);
    expect(countBy(report.rows, (r) => r.kind)).toEqual({ initiative: 8, survey: 4, indicator: 5 });
  });

  it('proposes 外務省 from content evidence and asks with ORG_NOT_PRINTED', () => {
    expect(report).toMatchObject({ organization: '外務省', organizationCode: 'mofa', organizationSource: 'inferred' });
    expect(report.issues.filter((i) => i.code === 'ORG_NOT_PRINTED').map((i) => i.proposal?.value)).toEqual(['外務省']);
    expect(importSeed(SEED_004, { org: '外務省' }).reports[0]?.organizationSource).toBe('option');
  });

  it('reads item numbers and titles printed in one cell or in two', () => {
    expect(report.rows.filter((r) => r.kind === 'initiative').map((r) => [r.key, r.markerRaw, r.title])).toEqual([
      ['L-R7/1-1', '1-1.', '業務見直し・デジタル化の推進'],
      ['L-R7/1-2', '1-2.', '柔軟な働き方の推進'],
      ['L-R7/2', '2.', '超過勤務時間の縮減'],
      ['L-R7/3', '3.', 'マネジメント改革'],
      ['L-R7/4', '4.', '仕事と育児等の両立支援'],
      ['L-R7/5-1', '5-1', '女性の採用の拡大'],
      ['L-R7/5-2', '5-2', '女性の登用目標達成に向けた計画的育成'],
      ['L-R7/6', '6', '推進体制・実態把握'],
    ]);
    expect(report.rows.every((r) => r.status === null && r.splitKind === null)).toBe(true);
    expect(tagCounts(result.reports)).toEqual({});
  });

  it('keeps narrative and outcome verbatim, including the literal < of 目標数<実績', () => {
    const overtime = rowAt(report, 10);
    expect(overtime.narrativeRaw?.includes('前月の目標数と実績との乖離(目標数<実績)が大きい課室')).toBe(true);
    expect(overtime.narrative?.includes('(目標数<実績)')).toBe(true);
    expect(overtime.outcomeRaw?.startsWith('<ul style="list-style-type: none"> ・超過勤務に係る各種取組の結果')).toBe(true);
    // §4.4: 004's 5-1 outcome starts 「全体では目標達成済み」 (printed as a ・ bullet of an unclosed <ul>).
    expect(rowAt(report, 24).outcome?.startsWith('・全体では目標達成済み。')).toBe(true);
  });

  it('reads the survey answers of §3.3 (004) and the survey outcomes', () => {
    expect(report.rows.filter((r) => r.kind === 'survey').map((r) => [r.surveyCode, r.surveyAnswers.length])).toEqual([
      ['telework', 1],
      ['work-hours-system', 2],
      ['multi-rater', 3],
      ['engagement', 4],
    ]);
    expect(rowAt(report, 9).surveyAnswers[0]?.text).toBe(
      '令和6年11月(テレワーク月間)にテレワークを実施した本省職員は1,000人超(うち、概ね週1回以上テレワークを実施した本省職員の割合は約32%)',
    );
    expect(rowAt(report, 11).surveyAnswers.map((a) => [a.scope, a.scopeRaw, a.choice, a.text])).toEqual([
      ['本省', '本省', '導入済み又は令和7年度までに導入予定', '導入済み又は令和7年度までに導入予定'],
      ['地方支分部局等（時期、範囲等）', '地方支分部局等(時期、範囲等)', null, '令和7年6月に導入済み'],
    ]);
    expect(rowAt(report, 27).surveyAnswers.map((a) => a.subField)).toEqual(['時期・対象者の職位', '調査・分析のツール', '観察結果の対象者へのフィードバック方法']);
    expect(rowAt(report, 28).surveyAnswers.map((a) => [a.subField, a.text])).toEqual([
      ['時期・対象者', '年に1回程度、本省・在外の全職員を対象に実施。'],
      ['調査・分析のツール', 'アンケート方式による調査。外部業者に分析を委託。'],
      ['フィードバック', '調査結果については、省内に共有（共有する情報は、対象者ごとに判断）。'],
      ['結果の活用', '結果を踏まえ、外部専門家による講演会及びワークショップ開催等を実施。'],
    ]);
    expect(rowAt(report, 27).outcome?.startsWith('・管理者評価の結果を評価対象者に通知することにより')).toBe(true);
  });

  it('reads the indicator values of §4.4 (004) through the import', () => {
    const values = (line: number) => rowAt(report, line).indicatorValues.map((v) => [v.category, v.valueKind, v.valuePercent, v.notApplicable, v.asOfRaw]);
    expect(values(15)).toEqual([[null, 'current', 42.3, false, '令和5年度']]);
    expect(values(16)).toEqual([
      [null, 'target', 100, false, '令和7年度末'],
      [null, 'current', 42.3, false, '令和5年度'],
      [null, 'baseline', 28.8, false, '令和2年度'],
    ]);
    expect(values(17)).toEqual([[null, 'current', 78.7, false, '令和6年3月31日']]);
    expect(values(22)).toEqual([
      ['全体', 'target', 35, false, null],
      ['全体', 'current', 52.1, false, '令和7年4月1日'],
      ['全体', 'baseline', 47.9, false, '令和3年4月1日'],
      ['総合職', 'target', null, true, null],
      ['総合職', 'current', 37.1, false, '令和7年4月1日'],
      ['総合職', 'baseline', null, true, null],
      ['技術系区分', 'target', 30, false, '令和7年度まで'],
      ['技術系区分', 'current', 16.7, false, '令和7年4月1日'],
      ['技術系区分', 'baseline', null, true, null],
    ]);
    expect(rowAt(report, 22).indicatorValues[0]?.qualifier).toBe('毎年度以上');
    expect(rowAt(report, 23).indicatorValues.filter((v) => v.valueKind === 'current').map((v) => [v.category, v.valuePercent])).toEqual([
      ['本省課室長相当職', 11.4],
      ['地方機関課長・本省課長補佐級相当職', 31.3],
      ['係長相当職（本省）', 50.8],
    ]);
  });

  it('gives unique row keys that are stable across imports', () => {
    const keys = report.rows.map((r) => r.key);
    expect(new Set(keys).size).toBe(17);
    expect(importSeed(SEED_004).reports[0]?.rows.map((r) => r.key)).toEqual(keys);
    expect(rowAt(report, 23).key).toBe('L-R7/数値/女性の登用目標');
  });
});
