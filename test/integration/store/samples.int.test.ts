import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { toListRowKey } from '../../../src/core/lists/row-fields.js';
import type { ImportResult } from '../../../src/core/model/schema.js';
import type { StoredRow } from '../../../src/core/ports.js';
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
      const stored = await store.open({ fiscalYear: report.fiscalYear as number, orgCode: report.organizationCode as string });
      const mine = stored.rows.filter((r) => r.reportKey === report.key);
      expect(mine, report.key).toHaveLength(report.rows.length);
      const byKey = new Map(mine.map((r) => [r.rowKey, r.row]));
      for (const row of report.rows) expect(byKey.get(toListRowKey(report.key, row.key)), `${report.key} ${row.key}`).toEqual(row);
    }
    // Re-running the whole import writes nothing new.
    const again = await importDocuments(store, samples);
    expect(again.every((o) => o.summary?.created === 0 && o.summary.complete)).toBe(true);
  });

  it('reads an edited narrative back without its stale printed form', async () => {
    const { store } = await h.open();
    const report = samples.reports.find((r) => r.rows.some((row) => row.narrativeRaw !== null && row.narrative !== null)) as ImportResult['reports'][number];
    const imported = report.rows.find((row) => row.narrativeRaw !== null && row.narrative !== null) as ImportResult['reports'][number]['rows'][number];
    const rowKey = toListRowKey(report.key, imported.key);
    const read = async (): Promise<StoredRow> => (await store.open({ fiscalYear: report.fiscalYear as number, orgCode: report.organizationCode as string })).rows.find((r) => r.rowKey === rowKey) as StoredRow;
    const base = await read();
    expect(base.row).toEqual(imported);
    const edit = '【新規】在宅勤務の手引きを改訂し、全職員に周知した。';
    const [saved] = await store.saveChanges([{ base, mine: { ...base, row: { ...base.row, narrative: edit } } }]);
    expect(saved?.outcome).toBe('saved');
    expect(saved?.stored?.row.narrative).toBe(edit);
    expect(saved?.stored?.row.narrativeRaw).toBe(null);
    const back = await read();
    expect(back.row.narrative).toBe(edit);
    expect(back.row.narrativeRaw).toBe(null);
    // Everything else of the row is as imported (its other printed forms included).
    expect({ ...back.row, narrative: imported.narrative, narrativeRaw: imported.narrativeRaw }).toEqual(imported);
    // Saving it again changes nothing: the model is coherent with what the list holds.
    expect((await store.saveChanges([{ base: back, mine: back }]))[0]?.outcome).toBe('unchanged');
  });

  it('assigns the demo 総務省 rows to the demo division groups', async () => {
    const { store } = await h.open();
    const divisions = ['div-somu', 'div-kikaku', 'div-gyokan'];
    const results = await assignByRule(store, 2023, 'soumu', roundRobin(divisions));
    expect(results.map((r) => r.divisionCode).sort()).toEqual([...divisions].sort());
    const { store: suzuki } = await h.open('suzuki', ACTORS.suzuki);
    const own = await suzuki.open({ fiscalYear: 2023, orgCode: 'soumu', divisionCode: 'div-somu' });
    const assigned = results.find((r) => r.divisionCode === 'div-somu')?.assigned ?? [];
    expect(own.rows.map((r) => r.rowKey).sort()).toEqual([...assigned].sort());
    expect(own.rows.length).toBeGreaterThan(0);
  });
});
