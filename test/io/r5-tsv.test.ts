import { describe, expect, it } from 'vitest';

import type { Report } from '../../src/core/model/schema.js';
import { toSourceDoc } from '../../src/io/import.js';
import { R5_TSV_IMPORTER } from '../../src/io/layouts/r5-tsv.js';
import { countBy, importSeed, rowAt, SEED_000, SEED_001, SEED_002, SEED_003, SEED_004, seedText, tagCounts } from './tsv/seeds.js';

const result = importSeed(SEED_000);
const focus = result.reports[0] as Report;
const overview = result.reports[1] as Report;

/** Value triples (kind, seq, percent, asOf) of one category of a 数値 row. */
const valuesOf = (line: number, category: string | null): [string, number, number | null, string | null][] =>
  rowAt(overview, line)
    .indicatorValues.filter((v) => v.category === category)
    .map((v) => [v.valueKind, v.seq, v.valuePercent, v.asOfRaw]);

describe('R5_TSV_IMPORTER.detect', () => {
  it('is confident on its own seed (000) and not on 001–004 or unrelated text', () => {
    expect(R5_TSV_IMPORTER.detect(toSourceDoc(SEED_000, seedText(SEED_000)))).toBeGreaterThanOrEqual(0.9);
    for (const other of [SEED_001, SEED_002, SEED_003, SEED_004]) {
      expect(R5_TSV_IMPORTER.detect(toSourceDoc(other, seedText(other))), other).toBeLessThan(0.5);
    }
    expect(R5_TSV_IMPORTER.detect(toSourceDoc('memo.txt', '会議メモ\n明日の予定\tなし\n'))).toBeLessThan(0.5);
  });
});

describe('importing 000 (L-R5-FOCUS + L-R5-OVERVIEW)', () => {
  it('yields the 重点項目 report then the 全体像 report, both for 総務省 令和5年度 as printed in the title', () => {
    expect(result.issues).toEqual([]);
    expect(result.reports.map((r) => r.layout)).toEqual(['L-R5-FOCUS', 'L-R5-OVERVIEW']);
    for (const r of result.reports) {
      expect(r).toMatchObject({ organization: '総務省', organizationCode: 'soumu', organizationSource: 'printed', fiscalYear: 2023, cycleLabel: '令和5年度' });
    }
    expect(focus.title).toBe('令和5年度 総務省における女性職員活躍とワークライフバランス推進のための取組計画等フォローアップ（重点項目）');
    expect(focus.titleRaw).toEqual(['令和5年度 総務省における女性職員活躍とワークライフバランス推進のための', '取組計画等フォローアップ（重点項目）']);
    expect(overview.title).toBe('令和5年度 総務省における女性職員活躍とワークライフバランス推進のための取組計画等のフォローアップ（重点項目含む全体像）');
    expect(result.reports.some((r) => r.issues.some((i) => i.code === 'ORG_NOT_PRINTED'))).toBe(false);
  });

  it('reads the two 重点項目 rows with their B references resolving to Ⅱ-3 and Ⅱ-1', () => {
    expect(focus.rows.map((r) => [r.kind, r.title, r.focusItem])).toEqual([
      ['focus', 'モチベーションの向上', 'モチベーションの向上'],
      ['focus', '生産性の向上', '生産性の向上'],
    ]);
    expect(focus.focusItems).toEqual([
      { name: 'モチベーションの向上', number: null, printedOrder: 0 },
      { name: '生産性の向上', number: null, printedOrder: 1 },
    ]);
    const [motivation, productivity] = focus.rows;
    expect(motivation?.guidelineRefsRaw).toBe('<p>Ⅱ「ワークライフバランスの推進のための働き方改革」 3. マネジメント改革</p>');
    expect(motivation?.guidelineRefs.map((g) => [g.path, g.nodeId])).toEqual([['Ⅱ-3', 'G2024:Ⅱ-3']]);
    expect(productivity?.guidelineRefs.map((g) => [g.path, g.nodeId])).toEqual([['Ⅱ-1', 'G2024:Ⅱ-1']]);
    expect(productivity?.narrativeRaw?.startsWith('<p>【継続】 省内の業務見直し推進のため以下の取組を実施。</p> <ul style="list-style-type: none">')).toBe(true);
    expect(productivity?.entries[0]?.tag).toBe('継続');
    expect(motivation?.source).toEqual({ file: SEED_000, line: 8, col: 0 });
  });

  it('reads 15 全体像 rows: 8 initiatives (5 実施, 3 blank), 3 surveys, 4 indicators', () => {
    expect(overview.rows).toHaveLength(15);
    expect(countBy(overview.rows, (r) => r.kind)).toEqual({ initiative: 8, survey: 3, indicator: 4 });
    const initiatives = overview.rows.filter((r) => r.kind === 'initiative');
    expect(initiatives.map((r) => [r.source.line, r.status])).toEqual([
      [16, 'implemented'],
      [17, null],
      [18, 'implemented'],
      [21, null],
      [24, null],
      [35, 'implemented'],
      [36, 'implemented'],
      [37, 'implemented'],
    ]);
    expect(overview.rows.map((r) => r.sortOrder)).toEqual([...Array(15).keys()]);
  });

  it('reads 中項目 markers, titles, 大項目 and the 小項目 sitting in the status column', () => {
    const r16 = rowAt(overview, 16);
    expect(r16).toMatchObject({
      majorItem: 'ワークライフバランスの推進のための働き方改革',
      majorItemRaw: 'ワークライフバランスの推進のための働き方改革',
      markerRaw: '1.',
      markerNorm: '1',
      title: '業務効率化・デジタル化の推進',
      statusRaw: '実施',
      level: 1,
      parentKey: null,
      crossRef: { focusItem: '生産性の向上', partial: true },
    });
    const r17 = rowAt(overview, 17);
    expect(r17).toMatchObject({ title: '業務の廃止等による業務見直し・効率化', parentKey: r16.key, level: 2, status: null, majorItem: 'ワークライフバランスの推進のための働き方改革' });
    expect(overview.issues.find((i) => i.code === 'STATUS_COLUMN_HOLDS_TITLE')).toMatchObject({ line: 17, col: 2, rowKey: r17.key, proposal: { confidence: 0.85 } });
    expect(rowAt(overview, 21).crossRef).toEqual({ focusItem: 'モチベーションの向上', partial: false });
    expect(rowAt(overview, 37)).toMatchObject({ majorItem: '推進体制等', markerRaw: null, title: '各府省等における取組の推進', status: 'implemented' });
    expect(rowAt(overview, 35)).toMatchObject({ majorItem: '女性の活躍推進のための改革', markerNorm: '1', title: '女性の採用の拡大' });
  });

  it('counts the entry tags of the document: 【継続】 7, 【新規】 1', () => {
    expect(tagCounts(result.reports)).toEqual({ 継続: 7, 新規: 1 });
  });

  it('reads the survey answers of §3.3, including the second scope line and the year-labelled sub-field', () => {
    const hours = rowAt(overview, 19);
    expect(hours.surveyCode).toBe('work-hours-system');
    expect(hours.surveyAnswers.map((a) => [a.scope, a.scopeRaw, a.choice, a.text, a.source.line])).toEqual([
      ['本省', '本省', '導入済み又は令和7年度までに導入予定', '導入済み又は令和7年度までに導入予定', 19],
      ['地方支分部局等（時期、範囲等）', '地方支分部局等（時期、範囲等）', null, '本省の導入に合わせて全地方支分部局においても導入予定', 20],
    ]);
    const multi = rowAt(overview, 22);
    expect(multi.surveyAnswers.map((a) => a.subField)).toEqual(['時期・対象者の職位', '調査・分析のツール', '観察結果の対象者へのフィードバック方法', 'その他備考等']);
    expect(multi.surveyAnswers[3]?.subFieldRaw).toBe('【その他備考等（令和5年度に実施した新たな取組等）】');
    const engagement = rowAt(overview, 23);
    expect(engagement.surveyAnswers.map((a) => a.subField)).toEqual(['時期・対象者', '調査・分析のツール', 'フィードバック', '結果の活用', 'その他備考等']);
    expect(engagement.surveyAnswers[1]?.text).toBe('Microsoft Forms');
  });

  it('reads the indicator values of §4.4 through the import, including the shifted and merged rows', () => {
    expect(valuesOf(25, null)).toEqual([
      ['target', 0, 30, '令和3年度'],
      ['current', 0, 66.3, '令和4年度'],
      ['baseline', 0, 49.4, '令和3年度'],
      ['note', 0, null, null],
    ]);
    expect(rowAt(overview, 25).indicatorValues[3]?.valueText).toBe('※目標については、令和6年3月に1週間以上の取得率を85%に改正');
    expect(valuesOf(26, null)).toEqual([
      ['target', 0, 100, '令和7年度末'],
      ['current', 0, 75, '令和4年度'],
      ['current', 1, 68.2, '令和3年度'],
      ['current', 2, 72.2, '令和2年度'],
      ['baseline', 0, 70.2, '令和元年度'],
    ]);
    expect(rowAt(overview, 26).indicatorValues[0]?.valueText).toBe('両休暇合計5日以上取得率100%');
    expect(rowAt(overview, 33).indicatorValues).toHaveLength(18);
    expect(valuesOf(33, '全体').slice(0, 2)).toEqual([
      ['target', 0, 35, null],
      ['current', 0, 43.5, '令和6年4月1日'],
    ]);
    expect(rowAt(overview, 33).indicatorValues.filter((v) => v.valueKind === 'target' && v.notApplicable).map((v) => v.category)).toEqual(['総合職', '技術系区分']);
    expect(rowAt(overview, 34).indicatorValues).toHaveLength(15);
    expect(valuesOf(34, '係長相当職（本省）')).toEqual([
      ['target', 0, 35, '令和7年度末'],
      ['current', 0, 34.3, '令和5年7月'],
      ['current', 1, 33.4, '令和4年7月'],
      ['current', 2, 31.8, '令和3年7月'],
      ['baseline', 0, 32, '令和2年7月'],
    ]);
    expect(overview.rows.filter((r) => r.kind === 'indicator').map((r) => r.indicatorCode)).toEqual([
      'male-childcare-leave',
      'male-paternity-leave',
      'women-recruitment',
      'women-promotion',
    ]);
  });

  it('records the irregularities of §6.3 as issues with line and code', () => {
    const at = (code: string): number[] => overview.issues.filter((i) => i.code === code).map((i) => i.line);
    expect(at('SHIFTED_CELLS')).toEqual([26]);
    expect(at('MERGED_KIND_NAME')).toEqual([33, 34]);
    expect(at('STRAY_FRAGMENT')).toEqual([38]);
    expect(overview.issues.find((i) => i.code === 'STRAY_FRAGMENT')).toMatchObject({ severity: 'warning', value: 'ほかの', col: 0 });
    expect(overview.issues.find((i) => i.code === 'NON_CP932_CHAR')).toMatchObject({ line: 24, col: 4, value: '发' });
    expect(overview.rows.some((r) => r.title === 'ほかの')).toBe(false);
  });

  it('gives unique row keys that are the same on a second import', () => {
    const keys = result.reports.flatMap((r) => r.rows.map((row) => row.key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(importSeed(SEED_000).reports.flatMap((r) => r.rows.map((row) => row.key))).toEqual(keys);
    expect(rowAt(overview, 34).key).toBe('L-R5-OVERVIEW/数値/女性の登用目標');
    expect(rowAt(overview, 18).key).toBe('L-R5-OVERVIEW/ワークライフバランスの推進のための働き方改革/2');
  });

  it('keeps every non-empty cell of a data row with its line, column and role', () => {
    const r26 = rowAt(overview, 26);
    expect(r26.cells.map((c) => [c.line, c.col, c.role])).toEqual([
      [26, 0, 'kind'],
      [26, 1, 'title'],
      [26, 3, 'indicator'],
    ]);
  });
});
