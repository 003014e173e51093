import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { StoredRow } from '../../../src/core/ports.js';
import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

const ROWS = 120;
// Storms fail 60% of requests: allow enough attempts that a step giving up is vanishingly unlikely (0.6^40).
const STORM_RETRY = { maxAttempts: 40, maxTotalWaitMs: 10_000, baseDelayMs: 1, maxDelayMs: 5, jitterRatio: 0.5 };

let h: StoreHarness;
let rowsPath: string;
beforeAll(async () => {
  h = await startStoreHarness();
  await h.provision();
});
afterAll(async () => {
  await h.close();
});

async function versionsOf(rows: StoredRow[]): Promise<number[]> {
  const client = h.connect().client;
  const out: number[] = [];
  for (const r of rows) {
    const body = (await client.api(`${rowsPath}/${r.itemId}/versions`).get()) as { value: unknown[] };
    out.push(body.value.length);
  }
  return out;
}

describe('throttling storms (injected 429 and 503 on 30% of requests each)', () => {
  it('imports every row exactly once', async () => {
    const { store } = await h.open('sato', ACTORS.sato, { batch: { policy: STORM_RETRY } });
    rowsPath = `/sites/${store.site.id}/lists/${store.rowsListId}/items`;
    h.graph.setFaults({ rate429: 0.3, rate503: 0.3, retryAfterSeconds: 0, seed: 4 });
    const summary = await store.importReport(makeReport({ rows: ROWS }));
    h.graph.setFaults({ rate429: 0, rate503: 0 });
    expect(summary).toMatchObject({ totalRows: ROWS, complete: true });
    expect(summary.created + summary.alreadyPresent).toBe(ROWS);
    expect(h.graph.stats().throttled + h.records.filter((r) => r.status === 429 || r.status === 503).length).toBeGreaterThan(0);
    const rows = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows;
    expect(rows).toHaveLength(ROWS);
    expect(new Set(rows.map((r) => r.rowKey)).size).toBe(ROWS);
  });

  it('lands every changed row exactly once (one new version per row) and reports each as saved', async () => {
    const { store, connection } = await h.open('sato', ACTORS.sato, { batch: { policy: STORM_RETRY } });
    const rows = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows;
    h.graph.setFaults({ rate429: 0.3, rate503: 0.3, retryAfterSeconds: 0, seed: 11 });
    connection.resetCounters();
    const results = await store.saveChanges(rows.map((r) => ({ base: r, mine: { ...r, row: { ...r.row, outcome: `成果 ${r.row.sortOrder}` } } })));
    const attempts = connection.counters.attempts;
    h.graph.setFaults({ rate429: 0, rate503: 0 });
    expect(results.map((r) => r.outcome)).toEqual(Array(ROWS).fill('saved'));
    // Retries happened (the storm was real) …
    expect(attempts).toBeGreaterThan(Math.ceil(ROWS / 20));
    // … yet each row has exactly two versions: the create and one update.
    expect(await versionsOf(rows)).toEqual(Array(ROWS).fill(2));
    const after = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows;
    expect(after.every((r) => r.row.outcome === `成果 ${r.row.sortOrder}`)).toBe(true);
  });

  it('survives dropped connections as well (requests lost before the service handled them)', async () => {
    const { store } = await h.open('sato', ACTORS.sato, { batch: { policy: STORM_RETRY } });
    const rows = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows.slice(0, 40);
    h.graph.setFaults({ rate429: 0.1, rate503: 0.1, dropRate: 0.2, retryAfterSeconds: 0, seed: 5 });
    const results = await store.saveChanges(rows.map((r) => ({ base: r, mine: { ...r, row: { ...r.row, narrative: `再送 ${r.row.sortOrder}` } } })));
    h.graph.setFaults({ rate429: 0, rate503: 0, dropRate: 0 });
    expect(results.map((r) => r.outcome)).toEqual(Array(40).fill('saved'));
    expect(await versionsOf(rows)).toEqual(Array(40).fill(3));
  });

  // A `$batch` answered 504 as a whole is re-sent by src/graph/batch.ts (its steps count one attempt each). Graph's outer
  // 429/503 come before the batch is handled (the local service injects them before authentication), but a 504 can
  // come after its sub-requests ran. Simulated here: the first `$batch` carrying each PATCH reaches the service and
  // lands, then its answer is replaced by 504.
  it('never applies a sub-request twice when a whole $batch is re-sent after it landed (outer 504)', async () => {
    let swallowed = 0;
    const seen = new Set<string>();
    const patchUrls = (body: string): string[] => (JSON.parse(body) as { requests: { method: string; url: string }[] }).requests.filter((q) => q.method === 'PATCH').map((q) => q.url);
    const { store, connection } = await h.open('sato', ACTORS.sato, {}, {
      wrapFetch: (real) => async (url, init) => {
        const res = await real(url, init);
        const body = typeof init.body === 'string' ? init.body : '';
        if (url.endsWith('/$batch') && body.includes('"PATCH"') && patchUrls(body).some((u) => !seen.has(u))) {
          for (const u of patchUrls(body)) seen.add(u);
          swallowed++;
          // Read the real answer to its end, so the connection is free again (else closing the service waits for it).
          await res.arrayBuffer();
          return new Response(JSON.stringify({ error: { code: 'gatewayTimeout', message: 'simulated' } }), { status: 504, headers: { 'Content-Type': 'application/json', 'Retry-After': '0' } });
        }
        return res;
      },
    });
    const rows = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows.slice(0, 30);
    const before = await versionsOf(rows);
    connection.resetCounters();
    const results = await store.saveChanges(rows.map((r) => ({ base: r, mine: { ...r, row: { ...r.row, reasonNotPlanned: `504 ${r.row.sortOrder}` } } })));
    expect(swallowed).toBe(2);
    // The re-sent PATCHes carry the old If-Match: 412, re-read, nothing left to write (theirs = mine) → saved.
    expect(results.map((r) => r.outcome)).toEqual(Array(30).fill('saved'));
    expect(await versionsOf(rows)).toEqual(before.map((v) => v + 1));
    // 2 PATCH batches (answered 504), the same 30 PATCHes again (412), 2 batches of re-reads; no hidden re-sends.
    expect(connection.counters.logical).toBe(6);
    expect(connection.counters.attempts).toBe(6);
  });
});
