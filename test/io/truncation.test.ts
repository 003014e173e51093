/**
 * A truncated file never passes as complete (#2 "Bad input"): cut inside a character or inside a cell, every layout
 * reports an error naming file, line, field and the row left incomplete. Cut at a row's end, nothing proves the cut
 * (#9: truncation errors need positive evidence), so the missing last part of the layout is a warning.
 */
import { describe, expect, it } from 'vitest';

import type { ImportIssue, ImportResult } from '../../src/core/model/schema.js';
import { decodeSource, findInvalidUtf8, importBytes } from '../../src/io/import.js';
import { importText, SEED_000, SEED_001, SEED_003, SEED_004, seedText } from './tsv/seeds.js';

const allIssues = (r: ImportResult): ImportIssue[] => [...r.issues, ...r.reports.flatMap((x) => x.issues), ...r.plans.flatMap((p) => p.issues)];
const errors = (r: ImportResult): [string, number, string | undefined, string | undefined][] =>
  allIssues(r)
    .filter((i) => i.severity === 'error')
    .map((i) => [i.code, i.line, i.field, i.rowKey]);

describe('findInvalidUtf8', () => {
  it('accepts valid UTF-8 and finds a cut at the end or a Shift_JIS byte inside', () => {
    const enc = new TextEncoder();
    expect(findInvalidUtf8(enc.encode('令和6年4月1日'))).toBeNull();
    expect(findInvalidUtf8(enc.encode('令和').subarray(0, 5))).toEqual({ offset: 3, truncatedTail: true });
    expect(findInvalidUtf8(Uint8Array.from([0x41, 0x0a, 0x97, 0xdf, 0x98, 0x61]))).toEqual({ offset: 2, truncatedTail: false });
    // An overlong encoding and a UTF-16 surrogate are not UTF-8 either.
    expect(findInvalidUtf8(Uint8Array.from([0xe0, 0x80, 0x80]))).toEqual({ offset: 0, truncatedTail: false });
    expect(findInvalidUtf8(Uint8Array.from([0xed, 0xa0, 0x80]))).toEqual({ offset: 0, truncatedTail: false });
  });

  it('names the line of the first non-UTF-8 byte', () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('一行目\n二行目\n'), 0x82, 0xa0]);
    const decoded = decodeSource('sjis.txt', bytes);
    expect('doc' in decoded).toBe(false);
    expect(decoded.issue).toMatchObject({ severity: 'error', code: 'NOT_UTF8', file: 'sjis.txt', line: 3, field: 'encoding', value: '82 a0' });
  });
});

describe('a file cut inside its last character', () => {
  it('imports 004 up to the cut and names the cut row', () => {
    const bytes = new TextEncoder().encode(seedText(SEED_004));
    const lines = seedText(SEED_004).split('\n');
    // Cut line 8 (a 取組 row) inside 働 of 「1-2. 柔軟な働き方の推進」: 2 of its 3 bytes remain.
    const upTo7 = new TextEncoder().encode(`${lines.slice(0, 7).join('\n')}\n${(lines[7] ?? '').slice(0, 8)}`).length;
    const result = importBytes(SEED_004, bytes.subarray(0, upTo7 + 2));
    expect(result.reports[0]?.rows.map((r) => r.key)).toEqual(['L-R7/1-1', 'L-R7/1-2']);
    expect(errors(result)).toEqual([
      ['TRUNCATED_FILE', 8, 'encoding', 'L-R7/1-2'],
      ['TRUNCATED_ROW', 8, 'cells', 'L-R7/1-2'],
      ['TRUNCATED_DOCUMENT', 8, 'layout', 'L-R7/1-2'],
    ]);
  });
});

describe('a file cut at a line boundary or inside a cell', () => {
  const cutLines = (file: string, n: number): string => seedText(file).split('\n').slice(0, n).join('\n');

  it('000 cut after line 19: the 全体像 lacks its last 大項目 推進体制等', () => {
    const result = importText(SEED_000, cutLines(SEED_000, 19));
    expect(errors(result)).toEqual([['TRUNCATED_DOCUMENT', 19, 'layout', 'L-R5-OVERVIEW/調査/勤務時間管理システムの導入状況']]);
  });

  it('000 cut inside 【時期・対象者の職位】 of line 22: an unclosed 【 makes the cell incomplete', () => {
    const lines = seedText(SEED_000).split('\n');
    const line22 = lines[21] ?? '';
    const text = [...lines.slice(0, 21), line22.slice(0, line22.indexOf('】'))].join('\n');
    const result = importText(SEED_000, text);
    expect(errors(result)).toEqual([
      ['TRUNCATED_CELL', 22, 'surveyAnswers', 'L-R5-OVERVIEW/調査/多面観察の実施状況'],
      ['TRUNCATED_DOCUMENT', 22, 'layout', 'L-R5-OVERVIEW/調査/多面観察の実施状況'],
    ]);
  });

  const warnings = (r: ImportResult): [string, number, string | undefined, string | undefined][] =>
    allIssues(r)
      .filter((i) => i.severity === 'warning' && /TRUNCATED|PART_MISSING/.test(i.code))
      .map((i) => [i.code, i.line, i.field, i.rowKey]);

  // #9: without positive evidence of a cut (the last row ends where a row may end), a missing part is a warning.
  it('003 cut after line 57 at a row end: no 大項目 その他, a warning and no error', () => {
    const result = importText(SEED_003, cutLines(SEED_003, 57));
    expect(errors(result)).toEqual([]);
    expect(warnings(result)).toEqual([['LAYOUT_PART_MISSING', 57, 'layout', 'L-R2/育児・介護等と両立して活躍できるための改革/4']]);
  });

  it('004 cut after line 13 at a row end: no item 6, a warning and no error', () => {
    const result = importText(SEED_004, cutLines(SEED_004, 13));
    expect(errors(result)).toEqual([]);
    expect(warnings(result)).toEqual([['LAYOUT_PART_MISSING', 13, 'layout', 'L-R7/3']]);
    expect(result.reports[0]?.issues.find((i) => i.code === 'POSSIBLY_TRUNCATED')).toBeUndefined();
  });

  it('001 cut at line 690: no part on 推進体制 and a sentence cut short', () => {
    const result = importText(SEED_001, cutLines(SEED_001, 690));
    expect(errors(result)).toEqual([['TRUNCATED_DOCUMENT', 690, 'sections', undefined]]);
    expect(result.plans[0]?.issues.find((i) => i.code === 'POSSIBLY_TRUNCATED')).toMatchObject({ severity: 'warning', line: 690, field: 'body' });
  });

  it('the complete seeds carry none of these issues', () => {
    for (const file of [SEED_000, SEED_001, SEED_003, SEED_004]) {
      const codes = allIssues(importText(file, seedText(file))).map((i) => i.code);
      expect(codes.filter((c) => /TRUNCATED/.test(c)), file).toEqual([]);
    }
  });
});
