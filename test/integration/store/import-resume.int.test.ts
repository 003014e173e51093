import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GraphAccessError, ValidationError } from '../../../src/core/errors.js';
import type { ImportProgress } from '../../../src/core/ports.js';
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

async function rowKeysOf(reportKey: string): Promise<string[]> {
  const { store } = await h.open();
  const rows = (await store.openOrganization(2024, 'soumu')).rows.filter((r) => r.reportKey === reportKey);
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
    const { store } = await h.open('sato', ACTORS.sato, { batch: { concurrency: 1, policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1, jitterRatio: 0 } } }, {
      wrapFetch: (real) => async (url, init) => {
        if (url.endsWith('/$batch') && String(init.body).includes('"POST"') && ++batches >= 3) {
          if (batches === 3) await (await real(url, init)).arrayBuffer();
          throw new TypeError('fetch failed: connection reset (simulated crash)');
        }
        return real(url, init);
      },
    });
    await expect(store.importReport(report)).rejects.toBeInstanceOf(GraphAccessError);
    // The lost batch did land: 20 + 20 + 20 items minus the report item.
    expect(await rowKeysOf(report.key)).toHaveLength(59);

    const { store: restarted } = await h.open();
    const summary = await restarted.importReport(report);
    expect(summary).toMatchObject({ totalRows: 90, alreadyPresent: 59, created: 31, complete: true });
    const keys = await rowKeysOf(report.key);
    expect(keys).toHaveLength(90);
    expect(new Set(keys).size).toBe(90);
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
