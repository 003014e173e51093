import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { RowSet, StoredRow } from '../../../src/core/ports.js';
import type { RefreshMode } from '../../../src/graph/graph-follow-up-store.js';
import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

const DIVISIONS = ['div-somu', 'div-kikaku'];

let h: StoreHarness;
beforeAll(async () => {
  h = await startStoreHarness();
  await h.provision();
  const { store } = await h.open();
  await store.importReport(makeReport({ rows: 60, divisionOf: (i) => DIVISIONS[i % 2] as string }));
});
afterAll(async () => {
  await h.close();
});

/** Another user (the secretariat in another session) changes `n` rows of the division. */
async function remoteChange(rows: StoredRow[], n: number, tag: string): Promise<string[]> {
  const { store } = await h.open();
  const picked = rows.slice(0, n);
  const results = await store.saveChanges(picked.map((r) => ({ base: r, mine: { ...r, row: { ...r.row, outcome: `${tag} ${r.row.sortOrder}` } } })));
  expect(results.map((r) => [r.outcome, r.error?.message])).toEqual(picked.map(() => ["saved", undefined]));
  return picked.map((r) => r.rowKey);
}

describe.each<RefreshMode>(['delta', 'modified'])('refresh (%s)', (mode) => {
  let set: RowSet;
  let viewer: Awaited<ReturnType<StoreHarness['open']>>;

  beforeAll(async () => {
    viewer = await h.open('sato', ACTORS.sato, { refreshMode: mode });
    set = await viewer.store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' });
    expect(set.rows).toHaveLength(30);
    expect(set.cursor.mode).toBe(mode);
  });

  it('costs exactly one request when nothing changed', async () => {
    viewer.connection.resetCounters();
    const result = await viewer.store.refresh(set.cursor);
    expect(result.changed).toEqual([]);
    expect(viewer.connection.counters.attempts).toBe(1);
    set = { ...set, cursor: result.cursor };
  });

  it('returns exactly the 10 rows changed remotely, with their new values', async () => {
    const changedKeys = await remoteChange(set.rows, 10, `${mode}-change`);
    // A change in another division is not this view's business.
    const other = await h.open();
    const kikaku = (await other.store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-kikaku' })).rows;
    await remoteChange(kikaku, 1, `other division ${mode}`);
    viewer.connection.resetCounters();
    const result = await viewer.store.refresh(set.cursor);
    expect(result.changed.map((r) => r.rowKey).sort()).toEqual([...changedKeys].sort());
    expect(result.changed.every((r) => r.row.outcome === `${mode}-change ${r.row.sortOrder}`)).toBe(true);
    expect(viewer.connection.counters.attempts).toBe(1);
    const again = await viewer.store.refresh(result.cursor);
    expect(again.changed).toEqual([]);
    set = { ...set, cursor: again.cursor };
  });
});

describe('refresh after the delta token expired (410)', () => {
  it('re-reads the scope and says so', async () => {
    const viewer = await h.open('sato', ACTORS.sato, { refreshMode: 'delta' });
    const set = await viewer.store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' });
    h.graph.expireDeltaTokens();
    const result = await viewer.store.refresh(set.cursor);
    expect(result.resynced).toBe(true);
    expect(result.changed).toHaveLength(30);
    expect((await viewer.store.refresh(result.cursor)).changed).toEqual([]);
  });
});
