import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Actor } from '../../../src/core/permissions/rules.js';
import type { StoredRow } from '../../../src/core/ports.js';
import { resolveConflicts, mergeFields } from '../../../src/core/sync/merge.js';
import { toRowFields } from '../../../src/core/lists/row-fields.js';
import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

const kato: Actor = { displayName: '加藤 裕子', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-somu' }] };
const ROWS = 30;

let h: StoreHarness;
beforeAll(async () => {
  h = await startStoreHarness();
  await h.provision();
  const { store } = await h.open();
  const report = makeReport({ rows: ROWS });
  await store.importReport(report);
  const all = await store.open({ fiscalYear: 2024, orgCode: 'soumu' });
  await store.assignRows(all.rows.map((r) => r.rowKey), 'div-somu');
});
afterAll(async () => {
  await h.close();
});

const edit = (base: StoredRow, change: Partial<StoredRow['row']>) => ({ base, mine: { ...base, row: { ...base.row, ...change } } });
const bySort = (rows: StoredRow[]) => [...rows].sort((a, b) => a.row.sortOrder - b.row.sortOrder);

describe('two division members editing the same rows', () => {
  it('merges edits to different fields silently and loses nothing', async () => {
    const a = await h.open('suzuki', ACTORS.suzuki);
    const b = await h.open('kato', kato);
    const rowsA = bySort((await a.store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' })).rows);
    const rowsB = bySort((await b.store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' })).rows);
    expect(rowsA).toHaveLength(ROWS);

    const savedA = await a.store.saveChanges(rowsA.map((r) => edit(r, { narrative: `A: ${r.row.title}` })));
    expect(savedA.map((s) => s.outcome)).toEqual(Array(ROWS).fill('saved'));

    // B started from the same base and changes other fields: every row is 412 → re-read → merged.
    b.connection.resetCounters();
    const savedB = await b.store.saveChanges(rowsB.map((r) => edit(r, { outcome: `B: ${r.row.title}`, status: 'undecided', reasonNotPlanned: '調整中' })));
    expect(savedB.map((s) => s.outcome)).toEqual(Array(ROWS).fill('merged'));
    expect(savedB.every((s) => s.conflicts === undefined)).toBe(true);
    // 2 PATCH batches, 2 re-read batches, 2 merged PATCH batches.
    expect(b.connection.counters.logical).toBe(6);

    const final = bySort((await a.store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' })).rows);
    for (const r of final) {
      expect(r.row.narrative).toBe(`A: ${r.row.title}`);
      expect(r.row.outcome).toBe(`B: ${r.row.title}`);
      expect(r.row.status).toBe('undecided');
      expect(r.row.reasonNotPlanned).toBe('調整中');
    }
    // The result B got back is the stored row: usable as the base of the next edit.
    expect(savedB.map((s) => s.stored?.eTag)).toEqual(final.map((r) => r.eTag));
  });

  it('reports the same field changed on both sides as a conflict with base, mine and theirs, overwriting nothing', async () => {
    const a = await h.open('suzuki', ACTORS.suzuki);
    const b = await h.open('kato', kato);
    const [rowA] = bySort((await a.store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' })).rows);
    const [rowB] = bySort((await b.store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' })).rows);
    if (!rowA || !rowB) throw new Error('no rows');
    const base = rowA.row.narrative;

    expect((await a.store.saveChanges([edit(rowA, { narrative: 'mine-A' })]))[0]?.outcome).toBe('saved');
    const [result] = await b.store.saveChanges([edit(rowB, { narrative: 'mine-B', outcome: 'B outcome' })]);
    expect(result?.outcome).toBe('conflict');
    expect(result?.conflicts).toEqual([{ field: 'Narrative', base, mine: 'mine-B', theirs: 'mine-A' }]);
    // The non-conflicting field was written; the conflicting one kept A's value.
    expect(result?.stored?.row.narrative).toBe('mine-A');
    expect(result?.stored?.row.outcome).toBe('B outcome');

    const stored = (await a.store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' })).rows.find((r) => r.rowKey === rowA.rowKey);
    expect(stored?.row.narrative).toBe('mine-A');

    // B decides to keep theirs + append: a new edit on top of the stored row saves normally.
    const current = result?.stored as StoredRow;
    const merge = mergeFields(toRowFields(rowB), toRowFields({ ...rowB, row: { ...rowB.row, narrative: 'mine-B' } }), toRowFields(current));
    expect(resolveConflicts(merge, { Narrative: { take: 'value', value: 'mine-A + mine-B' } })).toEqual({ Narrative: 'mine-A + mine-B' });
    const [decided] = await b.store.saveChanges([edit(current, { narrative: 'mine-A + mine-B' })]);
    expect(decided?.outcome).toBe('saved');
    expect(decided?.stored?.row.narrative).toBe('mine-A + mine-B');
  });

  it('sends nothing for an unchanged row', async () => {
    const a = await h.open('suzuki', ACTORS.suzuki);
    const rows = (await a.store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' })).rows;
    a.connection.resetCounters();
    const results = await a.store.saveChanges(rows.map((r) => ({ base: r, mine: { ...r, row: { ...r.row } } })));
    expect(results.every((s) => s.outcome === 'unchanged')).toBe(true);
    expect(a.connection.counters.attempts).toBe(0);
  });
});
