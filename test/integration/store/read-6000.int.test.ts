import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

const TOTAL = 6000;
const DIVISIONS = ['div-somu', 'div-kikaku', 'div-gyokan', 'div-jichi', 'div-joho'];
const divisionOf = (i: number): string => DIVISIONS[i % DIVISIONS.length] as string;

let h: StoreHarness;
beforeAll(async () => {
  h = await startStoreHarness();
  await h.provision();
  const { store } = await h.open();
  const summary = await store.importReport(makeReport({ rows: TOTAL, divisionOf }));
  expect(summary).toMatchObject({ created: TOTAL, complete: true });
  // Another fiscal year and another organisation in the same list: the filter must leave them out.
  await store.importReport(makeReport({ key: 'soumu/2023/L-R7', fiscalYear: 2023, rows: 40, divisionOf }));
  await store.importReport(makeReport({ key: 'mof/2024/L-R7', orgCode: 'mof', rows: 40, divisionOf }));
});
afterAll(async () => {
  await h.close();
});

describe('reads beyond the 5,000-item view threshold', () => {
  it("returns exactly one division's rows for a fiscal year across pages, filtering on indexed columns without the Prefer header", async () => {
    const { store, connection } = await h.open('sato', ACTORS.sato, { pageSize: 300 });
    const seen = h.records.length;
    connection.resetCounters();
    const set = await store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' });
    const expected = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => divisionOf(i) === 'div-somu');
    expect(set.rows).toHaveLength(expected.length);
    expect(new Set(set.rows.map((r) => r.row.sortOrder))).toEqual(new Set(expected));
    expect(set.rows.every((r) => r.row.division === 'div-somu' && r.fiscalYear === 2024 && r.orgCode === 'soumu')).toBe(true);
    const traffic = h.records.slice(seen);
    // 1200 rows at 300 per page: the first page travels in the $batch with the delta token, 3 more follow the nextLink.
    expect(connection.counters.logical).toBe(4);
    expect(traffic.every((r) => !Object.keys(r.headers).some((k) => k.toLowerCase() === 'prefer'))).toBe(true);
    const batch = JSON.parse(traffic[0]?.body ?? '{}') as { requests: { url: string; headers?: Record<string, string> }[] };
    expect(batch.requests.every((s) => !Object.keys(s.headers ?? {}).some((k) => k.toLowerCase() === 'prefer'))).toBe(true);
    expect(decodeURIComponent(batch.requests[1]?.url ?? '')).toContain("$filter=fields/DivisionCode eq 'div-somu' and fields/OrgCode eq 'soumu' and fields/FiscalYear eq 2024");
  });

  it('reads a whole ministry (6,000 rows of one year) the same way', async () => {
    const { store, connection } = await h.open('takahashi', ACTORS.takahashi);
    connection.resetCounters();
    const set = await store.open({ fiscalYear: 2024, orgCode: 'soumu' });
    expect(set.rows).toHaveLength(TOTAL);
    expect(new Set(set.rows.map((r) => r.rowKey)).size).toBe(TOTAL);
    expect(set.unreadable).toEqual([]);
    // The service caps a page at 5,000 items, so 6,000 rows need exactly 2 requests.
    expect(connection.counters.logical).toBe(2);
  });
});
