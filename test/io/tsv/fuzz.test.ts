import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ImportResult } from '../../../src/core/model/schema.js';
import { importDocument, toSourceDoc } from '../../../src/io/import.js';
import { renderReports } from '../../../src/io/render/index.js';
import { SEED_000, SEED_003, SEED_004, seedText } from './seeds.js';

type Edit = { kind: 'drop' | 'dup' | 'swapCells' | 'cutLine'; at: number; a: number; b: number };

const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('drop', 'dup', 'swapCells', 'cutLine'),
  at: fc.nat(),
  a: fc.nat(),
  b: fc.nat(),
});

/** Applies random line drops, duplications, cell swaps and cuts to a seed's lines. */
function mutate(lines: readonly string[], edits: readonly Edit[]): string {
  const out = [...lines];
  for (const e of edits) {
    if (out.length === 0) break;
    const i = e.at % out.length;
    const line = out[i] ?? '';
    if (e.kind === 'drop') out.splice(i, 1);
    else if (e.kind === 'dup') out.splice(i, 0, line);
    else if (e.kind === 'cutLine') out[i] = line.slice(0, e.a % (line.length + 1));
    else {
      const cells = line.split('\t');
      const x = e.a % cells.length;
      const y = e.b % cells.length;
      [cells[x], cells[y]] = [cells[y] ?? '', cells[x] ?? ''];
      out[i] = cells.join('\t');
    }
  }
  return out.join('\n');
}

describe('TSV importers under random damage (fuzz)', () => {
  for (const seed of [SEED_000, SEED_003, SEED_004]) {
    it(`never throws on ${seed} with lines dropped, duplicated, cut or cells swapped, and always yields a schema-valid result`, () => {
      const lines = seedText(seed).split('\n');
      fc.assert(
        fc.property(fc.array(editArb, { minLength: 1, maxLength: 8 }), (edits) => {
          const result = importDocument(toSourceDoc(seed, mutate(lines, edits)));
          expect(result.issues.filter((i) => i.code === 'IMPORTER_FAILED' || i.code === 'INVALID_MODEL')).toEqual([]);
          expect(ImportResult.safeParse(result).success).toBe(true);
          for (const report of result.reports) {
            const keys = report.rows.map((r) => r.key);
            expect(new Set(keys).size).toBe(keys.length);
          }
          const first = result.reports[0];
          if (first) {
            expect(typeof renderReports(result.reports, first.layout, 'tsv')).toBe('string');
            expect(typeof renderReports(result.reports, first.layout, 'html')).toBe('string');
          }
        }),
        { numRuns: 80, seed: 20250601 },
      );
    });
  }
});
