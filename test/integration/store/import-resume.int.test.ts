import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ResponseType } from '@microsoft/microsoft-graph-client';

import { GraphAccessError, ValidationError } from '../../../src/core/errors.js';
import { LIST_NAMES } from '../../../src/core/lists/schema.js';
import type { ImportProgress } from '../../../src/core/ports.js';
import { withQuery } from '../../../src/graph/paging.js';
import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

let h: StoreHarness;
beforeAll(async () => {
  h = await startStoreHarness();
  await h.provision();
});
afterAll(async () => {
  await h.close();
});

/** The report item of `reportKey` (id and ImportState), read with a separate connection. */
async function reportItem(reportKey: string): Promise<{ id: string; state: unknown } | undefined> {
  const { store } = await h.open();
  const { client } = h.connect();
  const page = (await client.api(withQuery(`/sites/${store.site.id}/lists/${LIST_NAMES.Reports}/items`, { $filter: `fields/ReportKey eq '${reportKey}'`, $expand: 'fields($select=ReportKey,ImportState)', $select: 'id' })).get()) as { value: { id: string; fields: Record<string, unknown> }[] };
  const item = page.value[0];
  return item ? { id: item.id, state: item.fields.ImportState ?? null } : undefined;
}

/** Deletes the list item of a row as the secretariat (site owner); Graph answers 204. */
async function deleteRow(rowKey: string): Promise<void> {
  const { store } = await h.open();
  const row = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows.find((r) => r.rowKey === rowKey);
  expect(row).toBeDefined();
  const res = await h.connect().client.api(`/sites/${store.site.id}/lists/${store.rowsListId}/items/${row?.itemId ?? ''}`).responseType(ResponseType.RAW).delete();
  expect((res as Response).status).toBe(204);
}

async function rowKeysOf(reportKey: string): Promise<string[]> {
  const { store } = await h.open();
  const rows = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows.filter((r) => r.reportKey === reportKey);
  return rows.map((r) => r.rowKey);
}

describe('resumable imports', () => {
  it('resumes after an abort between batches and creates each row exactly once', async () => {
    const report = makeReport({ key: 'soumu/2024/abort', rows: 130 });
    const { store } = await h.open('sato', ACTORS.sato, { batch: { concurrency: 1 } });
    const controller = new AbortController();
    const progress: ImportProgress[] = [];
    const first = await store.importReport(report, {
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p);
        if (progress.length === 3) controller.abort();
      },
    });
    // Batch 1 holds the report item and 19 rows, batches 2 and 3 hold 20 rows each.
    expect(first).toMatchObject({ created: 59, alreadyPresent: 0, complete: false });
    expect(progress.map((p) => p.created)).toEqual([19, 39, 59]);
    expect(await rowKeysOf(report.key)).toHaveLength(59);

    const { store: again } = await h.open();
    const second = await again.importReport(report);
    expect(second).toMatchObject({ totalRows: 130, alreadyPresent: 59, created: 71, complete: true });
    const keys = await rowKeysOf(report.key);
    expect(keys).toHaveLength(130);
    expect(new Set(keys).size).toBe(130);
    // A third run finds everything and writes nothing.
    const seen = h.records.length;
    expect(await again.importReport(report)).toMatchObject({ alreadyPresent: 130, created: 0, complete: true });
    expect(h.records.slice(seen).every((r) => r.method === 'GET' || JSON.parse(r.body ?? '{}').requests?.every((s: { method: string }) => s.method === 'GET'))).toBe(true);
  });

  it('resumes after a crash where the last batch landed but its answer was lost', async () => {
    const report = makeReport({ key: 'soumu/2024/crash', rows: 90 });
    let batches = 0;
    // The third $batch reaches the service (rows are created) but the process "dies" before reading the answer;
    // every later request fails too, as in a crashed client.
    const { store } = await h.open('sato', ACTORS.sato, { batch: { concurrency: 1, policy: { maxAttempts: 1, maxTotalWaitMs: 1, baseDelayMs: 1, maxDelayMs: 1, jitterRatio: 0 } } }, {
      wrapFetch: (real) => async (url, init) => {
        if (url.endsWith('/$batch') && String(init.body).includes('"POST"') && ++batches >= 3) {
          if (batches === 3) await (await real(url, init)).arrayBuffer();
          throw new TypeError('fetch failed: connection reset (simulated crash)');
        }
        return real(url, init);
      },
    });
    await expect(store.importReport(report)).rejects.toBeInstanceOf(GraphAccessError);
    // The lost batch did land: 20 + 20 + 20 items minus the report item, which still says the import is running.
    expect(await rowKeysOf(report.key)).toHaveLength(59);
    expect((await reportItem(report.key))?.state).toBe('importing');

    const { store: restarted } = await h.open();
    const summary = await restarted.importReport(report);
    expect(summary).toMatchObject({ totalRows: 90, alreadyPresent: 59, created: 31, complete: true });
    const keys = await rowKeysOf(report.key);
    expect(keys).toHaveLength(90);
    expect(new Set(keys).size).toBe(90);
    expect((await reportItem(report.key))?.state).toBe('complete');
  });

  it('does not re-create a row deleted after the import completed: the re-run creates 0 and only reads', async () => {
    const report = makeReport({ key: 'soumu/2024/deleted', rows: 12 });
    const { store } = await h.open();
    expect(await store.importReport(report)).toEqual({ reportKey: report.key, totalRows: 12, alreadyPresent: 0, created: 12, complete: true });
    expect((await reportItem(report.key))?.state).toBe('complete');
    const gone = `${report.key}/${report.rows[3]?.key ?? ''}`;
    await deleteRow(gone);

    const { store: again } = await h.open();
    const seen = h.records.length;
    expect(await again.importReport(report)).toEqual({ reportKey: report.key, totalRows: 12, alreadyPresent: 11, created: 0, complete: true });
    // The Reports and ledger list ids, then one $batch of the two look-ups: no write.
    expect(h.records.slice(seen).map((r) => r.method)).toEqual(['GET', 'GET', 'POST']);
    expect((JSON.parse(h.records[h.records.length - 1]?.body ?? '{}') as { requests: { method: string }[] }).requests.map((r) => r.method)).toEqual(['GET', 'GET']);
    const keys = await rowKeysOf(report.key);
    expect(keys).toHaveLength(11);
    expect(keys).not.toContain(gone);
  });

  it('resumes a report item without ImportState (written by schema 1) once, then marks it complete', async () => {
    const report = makeReport({ key: 'soumu/2024/legacy', rows: 6 });
    const { store } = await h.open();
    await store.importReport(report);
    const item = await reportItem(report.key);
    // As a site provisioned and seeded before schema 2 has it: the column exists (added by the upgrade), empty.
    await h.connect().client.api(`/sites/${store.site.id}/lists/${LIST_NAMES.Reports}/items/${item?.id ?? ''}/fields`).patch({ ImportState: null });
    expect((await reportItem(report.key))?.state).toBe(null);
    await deleteRow(`${report.key}/${report.rows[0]?.key ?? ''}`);

    // Schema 1 could not tell a crash from a delete: the missing row is re-created this once, and the item marked.
    expect(await store.importReport(report)).toEqual({ reportKey: report.key, totalRows: 6, alreadyPresent: 5, created: 1, complete: true });
    expect((await reportItem(report.key))?.state).toBe('complete');
    await deleteRow(`${report.key}/${report.rows[0]?.key ?? ''}`);
    expect(await store.importReport(report)).toEqual({ reportKey: report.key, totalRows: 6, alreadyPresent: 5, created: 0, complete: true });
    expect(await rowKeysOf(report.key)).toHaveLength(5);
  });

  it('treats a create that already landed (409 on the unique RowKey) as present, never as a duplicate', async () => {
    const report = makeReport({ key: 'soumu/2024/race', rows: 25 });
    const a = await h.open();
    const b = await h.open();
    const [x, y] = await Promise.all([a.store.importReport(report), b.store.importReport(report)]);
    expect(x.complete && y.complete).toBe(true);
    expect(await rowKeysOf(report.key)).toHaveLength(25);
  });

  it('refuses, before writing anything, a report without a fiscal year or 府省等 code', async () => {
    const { store } = await h.open();
    const seen = h.records.length;
    await expect(store.importReport({ ...makeReport({ key: 'soumu/x' }), organizationCode: null })).rejects.toBeInstanceOf(ValidationError);
    await expect(store.importReport({ ...makeReport({ key: 'soumu/y', rows: 1 }), title: 'x'.repeat(300) })).rejects.toThrow(/Title: longer than 255/);
    expect(h.records.length).toBe(seen);
  });
});
