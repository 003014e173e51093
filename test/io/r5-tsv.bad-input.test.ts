import { describe, expect, it } from 'vitest';

import { ImportResult } from '../../src/core/model/schema.js';
import { importBytes } from '../../src/io/import.js';
import { importText, rowAt, SEED_000, seedText } from './tsv/seeds.js';

const lines000 = seedText(SEED_000).split('\n');
const withLine = (n: number, edit: (line: string) => string): string => lines000.map((l, i) => (i === n - 1 ? edit(l) : l)).join('\n');

describe('L-R5 import of bad input', () => {
  it('reports a header lacking column B with its line and caption, and marks the rows that miss the cell', () => {
    // The 重点項目 table without its B column (WLB取組指針の該当箇所): header and rows lose their third cell.
    const text = lines000.map((l, i) => (i >= 5 && i <= 8 ? l.split('\t').slice(0, 2).join('\t') : l)).join('\n');
    const result = importText(SEED_000, text);
    expect(ImportResult.safeParse(result).success).toBe(true);
    const focus = result.reports.find((r) => r.layout === 'L-R5-FOCUS');
    const missing = focus?.issues.find((i) => i.code === 'HEADER_COLUMN_MISSING');
    expect(missing).toMatchObject({ severity: 'error', line: 6, field: 'B', value: 'B' });
    expect(missing?.message).toContain('6行目');
    expect(missing?.messageEn).toContain('line 6');
    expect(focus?.issues.filter((i) => i.code === 'MISSING_CELLS').map((i) => [i.line, i.rowKey])).toEqual([
      [8, 'L-R5-FOCUS/モチベーションの向上'],
      [9, 'L-R5-FOCUS/生産性の向上'],
    ]);
    expect(focus?.rows.map((r) => r.guidelineRefs)).toEqual([[], []]);
  });

  it('reports an impossible date (令和0年13月) in a 数値 cell with file, line and field, keeping the text', () => {
    const result = importText(SEED_000, withLine(25, (l) => l.replace('目標：30%（令和3年度）', '目標：30%（令和0年13月）')));
    const overview = result.reports[1];
    const issue = overview?.issues.find((i) => i.code === 'INVALID_DATE');
    expect(issue).toMatchObject({ severity: 'error', file: SEED_000, line: 25, col: 4, field: 'indicatorValues', value: '令和0年13月' });
    expect(issue?.rowKey).toBe('L-R5-OVERVIEW/数値/男性職員の育児休業取得率');
    const target = overview ? rowAt(overview, 25).indicatorValues[0] : undefined;
    expect(target).toMatchObject({ valueKind: 'target', valuePercent: 30, asOfRaw: '令和0年13月', asOfStart: null });
  });

  it('reports a percentage over 100 and keeps the value as text with no percent', () => {
    const result = importText(SEED_000, withLine(25, (l) => l.replace('現状：66.3%', '現状：166.3%')));
    expect(ImportResult.safeParse(result).success).toBe(true);
    const overview = result.reports[1];
    expect(overview?.issues.find((i) => i.code === 'PERCENT_OUT_OF_RANGE')).toMatchObject({ severity: 'error', line: 25, value: '166.3%' });
    const current = overview ? rowAt(overview, 25).indicatorValues.find((v) => v.valueKind === 'current') : undefined;
    expect(current).toMatchObject({ valuePercent: null, valueText: '166.3%' });
  });

  it('reads a file with a BOM (through importBytes) like one without', () => {
    const bytes = new TextEncoder().encode(`\ufeff${seedText(SEED_000)}`);
    const result = importBytes(SEED_000, bytes);
    expect(result.reports.map((r) => [r.layout, r.rows.length])).toEqual([
      ['L-R5-FOCUS', 2],
      ['L-R5-OVERVIEW', 15],
    ]);
    expect(result.reports[0]?.titleRaw[0]).toBe('令和5年度 総務省における女性職員活躍とワークライフバランス推進のための');
  });

  it('reads CRLF line endings with the same line numbers', () => {
    const result = importText(SEED_000, seedText(SEED_000).replace(/\n/g, '\r\n'));
    expect(result.reports[1]?.rows.map((r) => r.source.line)).toEqual([16, 17, 18, 19, 21, 22, 23, 24, 25, 26, 33, 34, 35, 36, 37]);
    expect(result.reports[1]?.rows[0]?.narrativeRaw?.endsWith('\r')).toBe(false);
  });

  it('flags an unknown status value instead of guessing one', () => {
    const result = importText(SEED_000, withLine(18, (l) => l.replace('\t実施\t', '\t済\t')));
    const row = result.reports[1] ? rowAt(result.reports[1], 18) : undefined;
    expect(row).toMatchObject({ status: null, statusRaw: '済' });
    expect(result.reports[1]?.issues.find((i) => i.code === 'UNKNOWN_STATUS')).toMatchObject({ line: 18, col: 2, value: '済', rowKey: row?.key });
  });
});
