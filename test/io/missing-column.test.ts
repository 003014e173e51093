/** A header column the table lacks: cells are located by the header's captions, never by template positions (#2). */
import { describe, expect, it } from 'vitest';

import type { ImportResult, Row } from '../../src/core/model/schema.js';
import { importSeed, importText, SEED_000, SEED_003, SEED_004, seedText } from './tsv/seeds.js';

/** The text with cell `col` removed from every line in [from, to] that has it. */
const dropColumn = (text: string, col: number, from = 1, to = Number.MAX_SAFE_INTEGER): string =>
  text
    .split('\n')
    .map((l, i) => {
      const cells = l.split('\t');
      if (i + 1 < from || i + 1 > to || cells.length <= col) return l;
      cells.splice(col, 1);
      return cells.join('\t');
    })
    .join('\n');

/**
 * 003's rows drift (小項目 lines print the status one cell right), so its (B)/(C) column is the cell `offset` after
 * each line's status cell, and the header caption containing `caption`.
 */
const dropAfterStatus = (text: string, offset: number, caption: string): string =>
  text
    .split('\n')
    .map((l) => {
      const cells = l.split('\t');
      const header = cells.findIndex((c) => c.includes(caption));
      const status = cells.findIndex((c) => /^(?:\(.*\)\s*)?実施(?:未定)?$/.test(c.trim()));
      const at = header >= 0 ? header : status >= 0 ? status + offset : -1;
      if (at < 0 || at >= cells.length) return l;
      // Some lines print the narrative right after a 実施 status (no empty (B) cell): nothing to remove there.
      if (offset === 1 && header < 0 && !(cells[status] ?? '').includes('実施未定') && (cells[at] ?? '').trim() !== '') return l;
      cells.splice(at, 1);
      return cells.join('\t');
    })
    .join('\n');

const rowsOf = (r: ImportResult): Row[] => r.reports.flatMap((rep) => rep.rows);
const issuesOf = (r: ImportResult): { code: string; line: number; rowKey?: string; value?: unknown }[] =>
  [...r.issues, ...r.reports.flatMap((rep) => rep.issues)].map((i) => ({ code: i.code, line: i.line, rowKey: i.rowKey, value: i.value }));
const pick = (rows: Row[], field: keyof Row): Record<string, unknown> => Object.fromEntries(rows.map((r) => [r.key, r[field]]));

describe('004 without the 「具体的な取組時期・内容」 column', () => {
  const original = importSeed(SEED_004);
  const result = importText(SEED_004, dropColumn(seedText(SEED_004), 2));

  it('reports the missing header column', () => {
    expect(issuesOf(result)).toContainEqual({ code: 'HEADER_COLUMN_MISSING', line: 6, rowKey: undefined, value: '具体的な取組時期・内容' });
  });

  it('leaves every narrative null instead of reading the outcome into it (L-R7/1-1)', () => {
    const row = rowsOf(result).find((r) => r.key === 'L-R7/1-1');
    expect(row?.narrative).toBeNull();
    expect(row?.outcome).toBe(rowsOf(original).find((r) => r.key === 'L-R7/1-1')?.outcome);
    expect(rowsOf(result).filter((r) => r.narrative !== null)).toEqual([]);
  });

  it('keeps every outcome and gives each row a MISSING_CELLS error with its rowKey', () => {
    const initiatives = rowsOf(original).filter((r) => r.kind === 'initiative');
    expect(pick(rowsOf(result).filter((r) => r.kind === 'initiative'), 'outcome')).toEqual(pick(initiatives, 'outcome'));
    const flagged = issuesOf(result).filter((i) => i.code === 'MISSING_CELLS' && i.rowKey === 'L-R7/1-1');
    expect(flagged).toEqual([{ code: 'MISSING_CELLS', line: 7, rowKey: 'L-R7/1-1', value: undefined }]);
  });
});

describe('000 with a middle column removed', () => {
  const original = rowsOf(importSeed(SEED_000));

  it('重点項目 table without A: narrative null, the B references kept, MISSING_CELLS per row', () => {
    const result = importText(SEED_000, dropColumn(seedText(SEED_000), 1, 1, 10));
    const focus = rowsOf(result).filter((r) => r.kind === 'focus');
    expect(focus.map((r) => r.narrative)).toEqual([null, null]);
    expect(pick(focus, 'guidelineRefsRaw')).toEqual(pick(original.filter((r) => r.kind === 'focus'), 'guidelineRefsRaw'));
    expect(issuesOf(result).filter((i) => i.code === 'HEADER_COLUMN_MISSING')).toEqual([{ code: 'HEADER_COLUMN_MISSING', line: 6, rowKey: undefined, value: 'A' }]);
    expect(issuesOf(result).filter((i) => i.code === 'MISSING_CELLS').map((i) => i.rowKey)).toEqual(focus.map((r) => r.key));
  });

  it('全体像 without B: statuses and narratives of the initiatives unchanged', () => {
    const result = importText(SEED_000, dropColumn(seedText(SEED_000), 3, 11));
    const init = (rows: Row[]): Row[] => rows.filter((r) => r.kind === 'initiative');
    expect(pick(init(rowsOf(result)), 'narrative')).toEqual(pick(init(original), 'narrative'));
    expect(pick(init(rowsOf(result)), 'status')).toEqual(pick(init(original), 'status'));
    expect(issuesOf(result).some((i) => i.code === 'MISSING_CELLS' && i.rowKey === 'L-R5-OVERVIEW/ワークライフバランスの推進のための働き方改革/1')).toBe(true);
  });
});

describe('003 with a middle column removed', () => {
  const original = rowsOf(importSeed(SEED_003));

  it('without (B): statuses, narratives and outcomes unchanged, the header gap reported', () => {
    const result = importText(SEED_003, dropAfterStatus(seedText(SEED_003), 1, '(B)'));
    const rows = rowsOf(result);
    expect(rows).toHaveLength(original.length);
    for (const f of ['status', 'narrative', 'outcome'] as const) {
      const before = pick(original, f);
      const after = pick(rows, f);
      expect(Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k])).map((k) => `${f} ${k}: ${JSON.stringify(before[k])?.slice(0, 30)} → ${JSON.stringify(after[k])?.slice(0, 30)}`)).toEqual([]);
    }
    expect(rows.every((r) => r.reasonNotPlanned === null)).toBe(true);
    // The first header maps the columns; it is reported once.
    expect(issuesOf(result).filter((i) => i.code === 'HEADER_COLUMN_MISSING')).toEqual([
      { code: 'HEADER_COLUMN_MISSING', line: 5, rowKey: undefined, value: '(A)で「実施未定」を選択した場合の理由 (B)' },
    ]);
  });

  it('without (B): a 実施未定 row with (C) and (D) keeps them in narrative and outcome', () => {
    const lines = seedText(SEED_003).split('\n');
    lines[86] = '女性の活躍推進のための改革\t\tア\t中途採用\t実施未定\t理由\t内容C\t成果D';
    const result = importText(SEED_003, dropAfterStatus(lines.join('\n'), 1, '(B)'));
    const row = rowsOf(result).find((r) => r.source.line === 87);
    expect([row?.status, row?.reasonNotPlanned, row?.narrative, row?.outcome]).toEqual(['undecided', null, '内容C', '成果D']);
  });

  it('without (C): narratives null, never the (D) outcome', () => {
    const lines = seedText(SEED_003).split('\n');
    lines[6] = lines[6]?.replace(/\t$/, '\t成果D') ?? '';
    const result = importText(SEED_003, dropAfterStatus(lines.join('\n'), 2, '(C)'));
    const rows = rowsOf(result);
    expect(rows.filter((r) => r.narrative !== null).map((r) => r.key)).toEqual([]);
    expect(rows.find((r) => r.source.line === 7)?.outcome).toBe('成果D');
  });
});
