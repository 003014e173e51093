import { describe, expect, it } from 'vitest';

import type { Report } from '../../src/core/model/schema.js';
import { toSourceDoc } from '../../src/io/import.js';
import { R2_TSV_IMPORTER } from '../../src/io/layouts/r2-tsv.js';
import { countBy, importSeed, rowAt, SEED_000, SEED_001, SEED_002, SEED_003, SEED_004, seedText, tagCounts } from './tsv/seeds.js';

const result = importSeed(SEED_003);
const report = result.reports[0] as Report;
const linesWhere = (pred: (r: Report['rows'][number]) => boolean): number[] => report.rows.filter(pred).map((r) => r.source.line);
const issueLines = (code: string): number[] => report.issues.filter((i) => i.code === code).map((i) => i.line);

describe('R2_TSV_IMPORTER.detect', () => {
  it('is confident on its own seed (003) and not on the others or unrelated text', () => {
    expect(R2_TSV_IMPORTER.detect(toSourceDoc(SEED_003, seedText(SEED_003)))).toBeGreaterThanOrEqual(0.9);
    for (const other of [SEED_000, SEED_001, SEED_002, SEED_004]) {
      expect(R2_TSV_IMPORTER.detect(toSourceDoc(other, seedText(other))), other).toBeLessThan(0.5);
    }
    expect(R2_TSV_IMPORTER.detect(toSourceDoc('memo.txt', '会議メモ\n大項目\t予定\n'))).toBeLessThan(0.5);
  });
});

describe('importing 003 (L-R2)', () => {
  it('yields one L-R2 report for 令和2年度 with 58 rows', () => {
    expect(result.issues).toEqual([]);
    expect(result.reports).toHaveLength(1);
    expect(report).toMatchObject({ layout: 'L-R2', fiscalYear: 2020, cycleLabel: '令和2年度' });
    expect(report.title).toBe('令和2年度 女性職員活躍と職員のワークライフバランス推進のための取組計画等フォローアップ');
    expect(report.titleRaw).toEqual(['## 令和2年度 女性職員活躍と職員のワークライフバランス推進のための取組計画等フォローアップ']);
    expect(report.rows).toHaveLength(58);
  });

  it('asks for the 府省等 instead of guessing silently: proposes 財務省 with ORG_NOT_PRINTED', () => {
    expect(report).toMatchObject({ organization: '財務省', organizationCode: 'mof', organizationSource: 'inferred' });
    const ask = report.issues.filter((i) => i.code === 'ORG_NOT_PRINTED');
    expect(ask).toHaveLength(1);
    expect(ask[0]).toMatchObject({ severity: 'warning', proposal: { value: '財務省' } });
    expect(ask[0]?.proposal?.confidence).toBeGreaterThan(0.5);
    const given = importSeed(SEED_003, { org: '財務省' }).reports[0];
    expect(given).toMatchObject({ organization: '財務省', organizationCode: 'mof', organizationSource: 'option' });
    expect(given?.issues.some((i) => i.code === 'ORG_NOT_PRINTED')).toBe(false);
  });

  it('reads 50 実施 (incl. line 68), 1 実施未定 (line 87, with its reason) and 7 rows without status', () => {
    expect(countBy(report.rows, (r) => String(r.status))).toEqual({ implemented: 50, undecided: 1, null: 7 });
    expect(rowAt(report, 68)).toMatchObject({ status: 'implemented', statusRaw: '(独自実施のもの) 実施', splitKind: '独自実施のもの' });
    expect(rowAt(report, 87)).toMatchObject({
      status: 'undecided',
      statusRaw: '実施未定',
      title: '育児等を理由に国家公務員を中途退職した女性 の中途採用',
      reasonNotPlanned: '中途採用において、幅広く募集を行い採用試験を実施したが、採用者の中に、育児等を理由に国家公務員を中途退職した女性は含まれていなかった。',
      narrative: null,
    });
    expect(linesWhere((r) => r.status === null)).toEqual([34, 44, 45, 46, 76, 77, 115]);
  });

  it('reads group headers (34, 44, 115) as headings and 4 indicators (45, 46, 76, 77)', () => {
    expect(linesWhere((r) => r.kind === 'heading')).toEqual([34, 44, 115]);
    expect(report.rows.filter((r) => r.kind === 'heading').map((r) => r.title)).toEqual(['ペーパーレス化の推進', 'その他', 'その他']);
    expect(linesWhere((r) => r.kind === 'indicator')).toEqual([45, 46, 76, 77]);
    expect(countBy(report.rows, (r) => r.kind)).toEqual({ initiative: 51, heading: 3, indicator: 4 });
  });

  it('reads 8 split lines in 4 pairs, each attached to the titled row it splits', () => {
    expect(linesWhere((r) => r.splitKind !== null)).toEqual([50, 51, 68, 69, 101, 102, 104, 105]);
    const pairs = [
      [49, 50, 51],
      [68, 68, 69],
      [101, 101, 102],
      [104, 104, 105],
    ] as const;
    for (const [titled, own, dispatch] of pairs) {
      expect(rowAt(report, own).splitKind, `line ${own}`).toBe('独自実施のもの');
      expect(rowAt(report, dispatch)).toMatchObject({ splitKind: '内閣人事局・人事院が実施するものへの派遣', parentKey: rowAt(report, titled).key, level: 4 });
    }
    expect(rowAt(report, 50).parentKey).toBe(rowAt(report, 49).key);
    expect(rowAt(report, 49)).toMatchObject({ title: 'セミナーによる意識啓発・周知', markerNorm: 'b/イ' });
    expect(rowAt(report, 102).markerRaw).toBe('イ');
    expect(rowAt(report, 51).entries[0]).toEqual({ tag: '継続', text: '「仕事と育児の両立セミナー」（内閣官房内閣人事局主催）に職員を派遣した。' });
  });

  it('attaches rows by the §2.2 rules: line 10 イ under group b of 中項目 2, line 87 ア under 中項目 4 of 女性', () => {
    const mid2 = rowAt(report, 8);
    expect(mid2).toMatchObject({ key: 'L-R2/働き方改革/2', markerNorm: '2', level: 1 });
    expect(rowAt(report, 9)).toMatchObject({ key: 'L-R2/働き方改革/2/b/ア', markerRaw: 'b 7', markerNorm: 'b/ア', parentKey: mid2.key, level: 3 });
    expect(rowAt(report, 10)).toMatchObject({
      key: 'L-R2/働き方改革/2/b/イ',
      markerRaw: 'イ',
      markerNorm: 'b/イ',
      parentKey: mid2.key,
      title: '地方等(地方支分部局及び施設等機関)における管理職を対象とした多面観察の実施',
    });
    const women4 = rowAt(report, 79);
    expect(women4).toMatchObject({ key: 'L-R2/女性の活躍推進のための改革/4', title: '女性職員の中途採用の拡大' });
    expect(rowAt(report, 87)).toMatchObject({ key: 'L-R2/女性の活躍推進のための改革/4/ア', parentKey: women4.key, majorItem: '女性の活躍推進のための改革' });
    expect(rowAt(report, 22)).toMatchObject({ markerRaw: '4', title: '超過勤務の縮減の徹底', majorItem: '働き方改革' });
    expect(rowAt(report, 25)).toMatchObject({ markerRaw: 'i', markerNorm: 'b/イ', key: 'L-R2/働き方改革/4/b/イ' });
    expect(rowAt(report, 34)).toMatchObject({ markerNorm: '7', key: 'L-R2/働き方改革/7' });
    expect(rowAt(report, 57)).toMatchObject({ markerNorm: '4', majorItem: '育児・介護等と両立して活躍できるための改革', majorItemRaw: null });
    expect(rowAt(report, 114)).toMatchObject({ key: 'L-R2/女性の活躍推進のための改革/9/b/ア', markerRaw: 'b ア' });
    expect(rowAt(report, 116)).toMatchObject({ key: 'L-R2/その他', majorItem: 'その他', status: 'implemented' });
    expect(rowAt(report, 66)).toMatchObject({
      title: '育児シートや両立支援シートの 全国的な 制度としての導入',
      titleRich: '育児シートや両立支援シートの <b>全国的な</b> 制度としての導入',
    });
  });

  it('flags the OCR markers: 7→ア on the 8 rows of §2.2 and i→イ on line 25, each with a proposal', () => {
    expect(issueLines('OCR_7_AS_A')).toEqual([9, 23, 24, 35, 43, 48, 63, 66]);
    expect(report.issues.filter((i) => i.code === 'OCR_7_AS_A').every((i) => i.proposal?.value === 'ア')).toBe(true);
    expect(report.issues.find((i) => i.code === 'OCR_I_AS_I')).toMatchObject({ line: 25, proposal: { value: 'イ' } });
  });

  it('maps the garbled vertical 大項目 by character multiset and keeps the raw text', () => {
    const garbled = report.issues.filter((i) => i.code === 'GARBLED_MAJOR_ITEM');
    expect(garbled.map((i) => [i.line, i.value, i.proposal?.value])).toEqual([
      [45, '活躍で・ きる等と 両立して', '育児・介護等と両立して活躍できるための改革'],
      [63, '活 躍 で き る 等 と 両 改 革', '育児・介護等と両立して活躍できるための改革'],
      [75, '育児で・介護のためと両立して', '育児・介護等と両立して活躍できるための改革'],
      [114, '女性改の活躍推進のた', '女性の活躍推進のための改革'],
    ]);
    expect(garbled.map((i) => i.rowKey)).toEqual([45, 63, 75, 114].map((l) => rowAt(report, l).key));
    expect(rowAt(report, 63)).toMatchObject({ majorItem: '育児・介護等と両立して活躍できるための改革', majorItemRaw: '活 躍 で き る 等 と 両 改 革' });
  });

  it('counts the entry tags: 【継続】 100, 【新規】 18, 【拡充】 3', () => {
    expect(tagCounts(result.reports)).toEqual({ 継続: 100, 新規: 18, 拡充: 3 });
    expect(rowAt(report, 42).tags).toEqual(['拡充']);
  });

  it('reads the indicator values of §4.4 (003) through the import', () => {
    expect(rowAt(report, 45).indicatorValues.map((v) => [v.valueKind, v.valuePercent, v.asOfRaw])).toEqual([
      ['target', 13, '令和2年'],
      ['current', 43.6, '令和元年度'],
      ['baseline', 6.6, '平成26年度'],
    ]);
    expect(rowAt(report, 76).indicatorValues.filter((v) => v.valueKind === 'target').map((v) => [v.category, v.valueText])).toEqual([
      ['全体', '政府全体の目標(30%以上(毎年度))に留意'],
      ['総合職', '政府全体の目標(30%以上(毎年度))に留意'],
    ]);
    const promotion = rowAt(report, 77).indicatorValues;
    expect(promotion).toHaveLength(9);
    expect(promotion.filter((v) => v.valueKind === 'current').map((v) => [v.category, v.categoryRaw, v.valuePercent])).toEqual([
      ['本省課室長相当職', '本省課室長相当職', 6.3],
      ['地方機関課長・本省課長補佐級相当職', '地方機関課長・本省課長補佐相当職', 15.4],
      ['係長相当職（本省）', '係長相当職(本省)', 24],
    ]);
  });

  it('keeps each page title and header on the first row of its page (lossless)', () => {
    const pageTitles = report.rows.flatMap((r) => r.cells.filter((c) => c.role === 'page-title').map((c) => c.line));
    expect(pageTitles).toEqual([3, 12, 18, 29, 38, 53, 59, 71, 83, 95, 110]);
    expect(rowAt(report, 16).cells.find((c) => c.role === 'page-title')?.text.startsWith('## 令和2年度')).toBe(true);
  });

  it('gives unique row keys that are stable across imports', () => {
    const keys = report.rows.map((r) => r.key);
    expect(new Set(keys).size).toBe(58);
    expect(importSeed(SEED_003).reports[0]?.rows.map((r) => r.key)).toEqual(keys);
  });
});
