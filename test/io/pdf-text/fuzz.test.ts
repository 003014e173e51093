/**
 * The PDF-text importers (002 compilation, 001 plan) under random damage (#2 "Fuzz the importer"): lines dropped,
 * duplicated, cut, swapped and page furniture injected. They never throw, always yield a schema-valid result with
 * unique row keys; a 002 row that lost its 重点項目 carries an error, one that lost its Ｂ cell a warning (domain §8.4.5).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ImportResult } from '../../../src/core/model/schema.js';
import { importDocument, toSourceDoc } from '../../../src/io/import.js';
import { renderReports } from '../../../src/io/render/index.js';
import { SEED_001, SEED_002, seedText } from '../tsv/seeds.js';

type Edit = { kind: 'drop' | 'dup' | 'cut' | 'swap' | 'furniture' | 'blank'; at: number; a: number };

const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('drop', 'dup', 'cut', 'swap', 'furniture', 'blank'),
  at: fc.nat(),
  a: fc.nat(),
});

/** Page furniture as the PDF text prints it (page numbers, repeated captions) dropped at random places. */
const FURNITURE = ['- 12 -', '重点項目', 'Ａ', 'Ｂ', '【府省等名：架空庁】', '＜調査票の見方＞'];

function mutate(lines: readonly string[], edits: readonly Edit[]): string {
  const out = [...lines];
  for (const e of edits) {
    if (out.length === 0) break;
    const i = e.at % out.length;
    const line = out[i] ?? '';
    if (e.kind === 'drop') out.splice(i, 1 + (e.a % 5));
    else if (e.kind === 'dup') out.splice(i, 0, line);
    else if (e.kind === 'cut') out[i] = line.slice(0, e.a % (line.length + 1));
    else if (e.kind === 'blank') out.splice(i, 0, '');
    else if (e.kind === 'furniture') out.splice(i, 0, FURNITURE[e.a % FURNITURE.length] ?? '');
    else {
      const j = e.a % out.length;
      [out[i], out[j]] = [out[j] ?? '', line];
    }
  }
  return out.join('\n');
}

function check(file: string, text: string): ImportResult {
  const result = importDocument(toSourceDoc(file, text));
  expect(result.issues.filter((i) => i.code === 'IMPORTER_FAILED' || i.code === 'INVALID_MODEL')).toEqual([]);
  expect(ImportResult.safeParse(result).success).toBe(true);
  for (const report of result.reports) {
    const keys = report.rows.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
  }
  return result;
}

describe('PDF-text importers under random damage (fuzz)', () => {
  // 60 imports of the whole compilation: allow for a loaded machine.
  it('002: never throws, stays schema-valid, and names every row that lost its 重点項目 (error) or Ｂ cell (warning)', { timeout: 60_000 }, () => {
    const lines = seedText(SEED_002).split('\n');
    fc.assert(
      fc.property(fc.array(editArb, { minLength: 1, maxLength: 10 }), (edits) => {
        const result = check(SEED_002, mutate(lines, edits));
        for (const report of result.reports) {
          for (const row of report.rows) {
            const where = `${report.organization ?? '?'} ${row.key} at line ${row.source.line}`;
            // 重点項目 is required: its absence is an error on the row.
            if (row.focusItem === null) expect(report.issues.some((i) => i.severity === 'error' && i.rowKey === row.key), where).toBe(true);
            // Ｂ is expected but optional (domain §8.4.5, "warning only"): its absence is still named on the row.
            if (row.guidelineRefsRaw === null) expect(report.issues.some((i) => i.severity !== 'info' && i.field === 'guidelineRefs' && i.rowKey === row.key), where).toBe(true);
          }
        }
        if (result.reports.length > 0) expect(typeof renderReports(result.reports, 'L-R6-COMPILATION', 'tsv')).toBe('string');
      }),
      { numRuns: 60, seed: 20250602 },
    );
  });

  it('001: never throws and stays schema-valid; plan items keep a source line inside the file', () => {
    const lines = seedText(SEED_001).split('\n');
    fc.assert(
      fc.property(fc.array(editArb, { minLength: 1, maxLength: 10 }), (edits) => {
        const text = mutate(lines, edits);
        const result = check(SEED_001, text);
        const count = text.split('\n').length;
        for (const plan of result.plans) for (const item of plan.items) expect(item.source.line).toBeLessThanOrEqual(count);
      }),
      { numRuns: 60, seed: 20250603 },
    );
  });

  it('arbitrary text never crashes either importer family', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom(...FURNITURE, '【府省等名：内閣府】', 'Ⅰ．基本的考え方', '①　取組')), { maxLength: 40 }), (ls) => {
        check('random.txt', ['国家公務員の女性活躍とワークライフバランス推進のための取組指針に基づく取組計画等のフォローアップ（令和６年度）（重点項目）', ...ls].join('\n'));
        check('random-plan.txt', ['改定', 'Ⅰ．基本的考え方', '取組計画', '重点項目１', ...ls].join('\n'));
      }),
      { numRuns: 100, seed: 20250604 },
    );
  });
});
