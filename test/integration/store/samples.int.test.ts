import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { toListRowKey } from '../../../src/core/lists/row-fields.js';
import type { ImportResult } from '../../../src/core/model/schema.js';
import { assignByRule, importDocuments, roundRobin } from '../../../src/graph/import-documents.js';
import { importBytes, mergeResults } from '../../../src/io/import.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

const SAMPLES = join(import.meta.dirname, '..', '..', '..', 'samples');

let h: StoreHarness;
let samples: ImportResult;
beforeAll(async () => {
  h = await startStoreHarness();
  await h.provision();
  const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.txt')).sort();
  samples = mergeResults(files.map((f) => importBytes(f, readFileSync(join(SAMPLES, f)))));
});
afterAll(async () => {
  await h.close();
});

describe('the sample documents in the store', () => {
  it('imports every sample report and reads every row back unchanged (lossless round trip)', async () => {
    const { store } = await h.open();
    const outcomes = await importDocuments(store, samples);
    expect(outcomes.filter((o) => o.error).map((o) => `${o.reportKey}: ${o.error?.message}`)).toEqual([]);
    expect(outcomes.every((o) => o.summary?.complete)).toBe(true);
    for (const report of samples.reports) {
      const stored = await store.openOrganization(report.fiscalYear as number, report.organizationCode as string);
      const mine = stored.rows.filter((r) => r.reportKey === report.key);
      expect(mine, report.key).toHaveLength(report.rows.length);
      const byKey = new Map(mine.map((r) => [r.rowKey, r.row]));
      for (const row of report.rows) expect(byKey.get(toListRowKey(report.key, row.key)), `${report.key} ${row.key}`).toEqual(row);
    }
    // Re-running the whole import writes nothing new.
    const again = await importDocuments(store, samples);
    expect(again.every((o) => o.summary?.created === 0 && o.summary.complete)).toBe(true);
  });

  it('assigns the demo 総務省 rows to the demo division groups', async () => {
    const { store } = await h.open();
    const divisions = ['div-somu', 'div-kikaku', 'div-gyokan'];
    const results = await assignByRule(store, 2023, 'soumu', roundRobin(divisions));
    expect(results.map((r) => r.divisionCode).sort()).toEqual([...divisions].sort());
    const { store: suzuki } = await h.open('suzuki', ACTORS.suzuki);
    const own = await suzuki.openDivision(2023, 'soumu', 'div-somu');
    const assigned = results.find((r) => r.divisionCode === 'div-somu')?.assigned ?? [];
    expect(own.rows.map((r) => r.rowKey).sort()).toEqual([...assigned].sort());
    expect(own.rows.length).toBeGreaterThan(0);
  });
});
