import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ImportResult } from '../../src/core/model/schema.js';
import { validateReport } from '../../src/core/validate/index.js';
import { findSchemaViolation, importBytes } from '../../src/io/import.js';

const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');
const load = (f: string) => importBytes(f, readFileSync(join(SAMPLES, f)));

describe('imported samples pass validation', () => {
  it.each(['000_af6c26688b7c18a9.txt', '002_2a41778675c87b6f.part.txt', '003_21f51c2eed719b65.txt', '004_62afef42a3180ecf.txt'])(
    '%s has no validation errors',
    (file) => {
      const result = load(file);
      expect(result.reports.length).toBeGreaterThan(0);
      const errors = result.reports.flatMap((r) => (validateReport(r) as { severity: string }[]).filter((i) => i.severity === 'error'));
      expect(errors).toEqual([]);
    },
  );

  it('gives 000 全体像 the focus items of its 重点項目 table, so its 参照 rows resolve', () => {
    const [focus, overview] = load('000_af6c26688b7c18a9.txt').reports;
    expect(focus?.layout).toBe('L-R5-FOCUS');
    expect(overview?.focusItems.map((f) => f.name)).toEqual(['モチベーションの向上', '生産性の向上']);
    expect(overview?.rows.filter((r) => r.crossRef).map((r) => [r.crossRef?.focusItem, r.crossRef?.partial])).toEqual([
      ['生産性の向上', true],
      ['モチベーションの向上', false],
    ]);
  });
});

describe('the model check keeps the importers’ own objects (#8 item 5)', () => {
  it.each(['000_af6c26688b7c18a9.txt', '001_b3ce7628507eeec6.txt', '002_2a41778675c87b6f.part.txt', '003_21f51c2eed719b65.txt', '004_62afef42a3180ecf.txt'])(
    '%s: parsing the result with the zod model changes nothing (no unknown keys, no defaults)',
    (file) => {
      const result = load(file);
      expect(ImportResult.parse(result)).toStrictEqual(result);
    },
  );

  it('names the model path of the first violation, piece by piece', () => {
    const result = load('004_62afef42a3180ecf.txt');
    const bad = structuredClone(result);
    (bad.reports[0]?.rows[3] as unknown as { status: string }).status = 'done';
    expect(findSchemaViolation(bad)?.path).toBe('reports.0.rows.3.status');
    expect(findSchemaViolation(result)).toBeNull();
  });
});
