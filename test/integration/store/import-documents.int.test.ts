// Multi-report imports (#4): a whole document's look-ups and creates share `$batch` requests, with every guarantee
// of importReport (resumable after a crash, never duplicating, never overwriting, per-report outcomes).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GraphAccessError, ValidationError } from '../../../src/core/errors.js';
import { LIST_NAMES } from '../../../src/core/lists/schema.js';
import { toListRowKey } from '../../../src/core/lists/row-fields.js';
import type { ImportResult, Report } from '../../../src/core/model/schema.js';
import type { ImportProgress } from '../../../src/core/ports.js';
import { importDocuments } from '../../../src/graph/import-documents.js';
import { collectPages, getPage, withQuery } from '../../../src/graph/paging.js';
import { importBytes } from '../../../src/io/import.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

const FILE = '002_2a41778675c87b6f.part.txt';
const NO_RETRY = { maxAttempts: 1, maxTotalWaitMs: 1, baseDelayMs: 1, maxDelayMs: 1, jitterRatio: 0 };

let h: StoreHarness;
/** 002, the 重点項目 compilation: 14 reports, 44 rows (largest sample by bytes). */
let doc: ImportResult;
beforeAll(async () => {
  h = await startStoreHarness();
  await h.provision();
  doc = importBytes(FILE, readFileSync(join(import.meta.dirname, '..', '..', '..', 'samples', FILE)));
});
afterAll(async () => {
  await h.close();
});

/** The same document under other report keys, so each test writes its own items. */
const rekeyed = (prefix: string): ImportResult => ({ ...doc, reports: doc.reports.map((r) => ({ ...r, key: `${prefix}/${r.key}` })) });

/** Every item of a list (key column only), read with a separate connection. */
async function keysIn(list: string, column: string): Promise<string[]> {
  const { store } = await h.open();
  const { client } = h.connect();
  const listId = list === LIST_NAMES.Rows ? store.rowsListId : ((await client.api(`/sites/${store.site.id}/lists/${list}?$select=id`).get()) as { id: string }).id;
  const first = await getPage<{ fields?: Record<string, unknown> }>(client, withQuery(`/sites/${store.site.id}/lists/${listId}/items`, { $expand: `fields($select=${column})`, $select: 'id', $top: 5000 }), 'read keys');
  const { items } = await collectPages(client, first, 'read keys');
  return items.map((i) => String(i.fields?.[column]));
}

const rowKeysOf = (reports: readonly Report[]): string[] => reports.flatMap((r) => r.rows.map((row) => toListRowKey(r.key, row.key)));
const only = (keys: string[], wanted: readonly string[]): string[] => keys.filter((k) => wanted.includes(k)).sort();

describe('importing a document of many reports', () => {
  it('imports 002 in the minimum: 6 batches (look-ups, creates riding with the last look-ups, the ledger last, then the marks; plus the 2 list ids once)', async () => {
    const result = rekeyed('count');
    expect(result.reports.map((r) => r.rows.length)).toEqual([4, 3, 4, 5, 8, 1, 3, 4, 4, 2, 0, 2, 2, 2]);
    const { store } = await h.open();
    const seen = h.records.length;
    const outcomes = await importDocuments(store, result);
    expect(outcomes.map((o) => o.error?.message)).toEqual(result.reports.map(() => undefined));
    expect(outcomes.map((o) => o.summary?.created)).toEqual([4, 3, 4, 5, 8, 1, 3, 4, 4, 2, 0, 2, 2, 2]);
    expect(outcomes.every((o) => o.summary?.complete)).toBe(true);
    expect(h.records.length - seen).toBe(8);
    // 28 look-ups, 58 creates and 14 ledger items, 14 marks: 20 look-ups; 8 look-ups + the first 12 creates of the
    // reports already looked up; 20 + 20 + 20 creates (the 14 ledger items last); the 14 marks.
    const steps = (i: number): { id: string; method: string }[] => (JSON.parse(h.records[i]?.body ?? '{}') as { requests: { id: string; method: string }[] }).requests;
    const n = h.records.length;
    expect([6, 5, 4, 3, 2, 1].map((back) => steps(n - back).map((r) => r.method).join(' '))).toEqual([
      Array(20).fill('GET').join(' '),
      [...Array(8).fill('GET'), ...Array(12).fill('POST')].join(' '),
      Array(20).fill('POST').join(' '),
      Array(20).fill('POST').join(' '),
      Array(20).fill('POST').join(' '),
      Array(14).fill('PATCH').join(' '),
    ]);
    expect(steps(n - 2).filter((r) => r.id.startsWith('ledger-'))).toHaveLength(14);
    // The last batch holds the 14 marks, nothing else.
    const last = JSON.parse(h.records[h.records.length - 1]?.body ?? '{}') as { requests?: { method: string; body?: unknown }[] };
    expect(last.requests?.map((r) => [r.method, r.body])).toEqual(result.reports.map(() => ['PATCH', { ImportState: 'complete' }]));
    // A re-run only looks (2 batches) and writes nothing.
    const again = h.records.length;
    const second = await importDocuments(store, result);
    expect(second.map((o) => o.summary?.alreadyPresent)).toEqual([4, 3, 4, 5, 8, 1, 3, 4, 4, 2, 0, 2, 2, 2]);
    expect(second.map((o) => o.summary?.created)).toEqual(result.reports.map(() => 0));
    expect(h.records.length - again).toBe(2);
    expect(h.records.slice(again).every((r) => JSON.parse(r.body ?? '{}').requests?.every((s: { method: string }) => s.method === 'GET'))).toBe(true);
  });

  it('resumes after a crash mid-way through 002: exactly one item per RowKey and one report item per report', async () => {
    const result = rekeyed('crash');
    let posts = 0;
    // Creates go 20 per batch (report item, then its rows, report by report), the first 12 with the last look-ups. The
    // second batch of creates is cut short like a gateway timeout: the service handles only every other sub-request
    // (so some reports get rows but no report item, others a report item and some rows), and the answer never
    // arrives. Every later request fails, as in a crashed client.
    const { store } = await h.open('sato', ACTORS.sato, { batch: { concurrency: 1, policy: NO_RETRY } }, {
      wrapFetch: (real) => async (url, init) => {
        if (url.endsWith('/$batch') && String(init.body).includes('"POST"') && ++posts >= 2) {
          if (posts === 2) {
            const body = JSON.parse(String(init.body)) as { requests: unknown[] };
            await (await real(url, { ...init, body: JSON.stringify({ requests: body.requests.filter((_, i) => i % 2 === 0) }) })).arrayBuffer();
          }
          throw new TypeError('fetch failed: connection reset (simulated crash)');
        }
        return real(url, init);
      },
    });
    const crashed = await importDocuments(store, result);
    // The first batch's reports (cas, clb, cao, kunaicho: 16 rows) have every row, but their ledger items were still
    // to be sent (after every row): no report completed, each reports the failure.
    expect(crashed.map((o) => o.summary?.complete ?? false)).toEqual(result.reports.map(() => false));
    expect(crashed.every((o) => o.error instanceof GraphAccessError && /Run the import again to resume/.test(o.error.message))).toBe(true);
    const wantedRows = rowKeysOf(result.reports);
    const wantedReports = result.reports.map((r) => r.key);
    // Landed: the first 12 creates (cas and clb whole, cao's report item and rows 1-2) and every other one of the next
    // 20 (cao row 3; kunaicho's report item, rows 2 and 4; jftc's report item, rows 2, 4, 6, 8; npa's row, not its
    // report item): 17 rows, 5 report items.
    expect(only(await keysIn(LIST_NAMES.Rows, 'RowKey'), wantedRows)).toHaveLength(17);
    expect(only(await keysIn(LIST_NAMES.Reports, 'ReportKey'), wantedReports)).toEqual(wantedReports.slice(0, 5).sort());

    const { store: restarted } = await h.open();
    const progress: ImportProgress[] = [];
    const resumed = await importDocuments(restarted, result, { onProgress: (p) => progress.push(p) });
    expect(resumed.map((o) => o.error?.message)).toEqual(result.reports.map(() => undefined));
    expect(resumed.every((o) => o.summary?.complete)).toBe(true);
    expect(resumed.map((o) => o.summary?.alreadyPresent)).toEqual([4, 3, 3, 2, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(resumed.map((o) => o.summary?.created)).toEqual([0, 0, 1, 3, 4, 0, 3, 4, 4, 2, 0, 2, 2, 2]);
    // Every report had something to create (at least its ledger item): each is reported, once per batch it was in.
    expect([...new Set(progress.map((p) => p.reportKey))].sort()).toEqual([...wantedReports].sort());
    const rows = only(await keysIn(LIST_NAMES.Rows, 'RowKey'), wantedRows);
    expect(rows).toEqual([...wantedRows].sort());
    expect(new Set(rows).size).toBe(44);
    expect(only(await keysIn(LIST_NAMES.Reports, 'ReportKey'), wantedReports)).toEqual([...wantedReports].sort());
  });

  it('resumes after an abort between batches without duplicating', async () => {
    const result = rekeyed('abort');
    const controller = new AbortController();
    const { store } = await h.open('sato', ACTORS.sato, { batch: { concurrency: 1 } });
    const first = await importDocuments(store, result, { signal: controller.signal, onProgress: () => controller.abort() });
    // One batch with creates went out (the last 8 look-ups and 12 creates): cas and clb have every item, cao its
    // report item and 2 rows, the others were not started. Stopping means no further request, so not even their
    // completion marks: none is complete yet.
    expect(first.map((o) => o.summary?.created)).toEqual([4, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(first.map((o) => o.summary?.complete)).toEqual(result.reports.map(() => false));
    const second = await importDocuments(store, result);
    expect(second.map((o) => o.summary?.created)).toEqual([0, 0, 2, 5, 8, 1, 3, 4, 4, 2, 0, 2, 2, 2]);
    expect(second.every((o) => o.summary?.complete)).toBe(true);
    const rows = only(await keysIn(LIST_NAMES.Rows, 'RowKey'), rowKeysOf(result.reports));
    expect(rows).toHaveLength(44);
    expect(new Set(rows).size).toBe(44);
    expect(only(await keysIn(LIST_NAMES.Reports, 'ReportKey'), result.reports.map((r) => r.key))).toHaveLength(14);
  });

  it('refuses a report that cannot be stored before writing it, and still imports the others', async () => {
    const result = rekeyed('bad');
    const broken = { ...result, reports: result.reports.map((r, i) => (i === 1 ? { ...r, title: 'x'.repeat(300) } : i === 2 ? { ...r, organizationCode: null } : r)) };
    const { store } = await h.open();
    const outcomes = await importDocuments(store, broken);
    expect(outcomes[1]?.error).toBeInstanceOf(ValidationError);
    expect(outcomes[1]?.error?.message).toMatch(/Title: longer than 255/);
    expect(outcomes[2]?.error).toBeInstanceOf(ValidationError);
    expect(outcomes.filter((o) => o.summary?.complete).map((o) => o.reportKey)).toEqual(broken.reports.filter((_, i) => i !== 1 && i !== 2).map((r) => r.key));
    const bad = broken.reports.slice(1, 3);
    expect(only(await keysIn(LIST_NAMES.Rows, 'RowKey'), rowKeysOf(bad))).toEqual([]);
    expect(only(await keysIn(LIST_NAMES.Reports, 'ReportKey'), bad.map((r) => r.key))).toEqual([]);
    expect(only(await keysIn(LIST_NAMES.Rows, 'RowKey'), rowKeysOf(broken.reports))).toHaveLength(44 - 3 - 4);
  });

  it('imports a report key given twice once, reporting both', async () => {
    const result = rekeyed('twice');
    const cas = result.reports[0] as Report;
    const { store } = await h.open();
    const outcomes = await store.importReports([cas, result.reports[1] as Report, cas]);
    expect(outcomes.map((o) => [o.reportKey, o.summary?.created, o.summary?.alreadyPresent])).toEqual([
      [cas.key, 4, 0],
      [result.reports[1]?.key, 3, 0],
      [cas.key, 0, 4],
    ]);
    expect(only(await keysIn(LIST_NAMES.Reports, 'ReportKey'), [cas.key])).toEqual([cas.key]);
  });
});
