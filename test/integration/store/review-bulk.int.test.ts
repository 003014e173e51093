// Bulk decisions row by row (#12): progress after each row, a row the service fails on does not stop the others, and
// nothing is left half-written for it (a return that could not be recorded is locked again).
import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { StoredRow } from '../../../src/core/ports.js';
import { DEFAULT_PERMISSION_GROUPS, type PermissionGroups } from '../../../src/graph/graph-follow-up-store.js';
import { provisionSite } from '../../../src/graph/provision.js';
import { openReviewService, type ReviewService } from '../../../src/graph/review.js';
import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

const GROUPS: PermissionGroups = { ...DEFAULT_PERMISSION_GROUPS, readers: ['div-somu', 'div-kikaku'] };
const SCOPE = { fiscalYear: 2024, orgCode: 'soumu' } as const;

let h: StoreHarness;
let rows: StoredRow[];
let rowsPath: string;

const as = (user: string): Client => h.connect(user).client;
const status = async (call: () => Promise<unknown>): Promise<number> => call().then(() => 200, (e: { statusCode?: number }) => e.statusCode ?? -1);

/** The reviewer's service whose every attempt to record the review of `failKey` is lost on the network. */
function failingReviewer(failKey: string): Promise<ReviewService> {
  const connection = h.connect('takahashi', {
    wrapFetch: (real) => async (url, init) => {
      const body = typeof init?.body === 'string' ? init.body : '';
      if (String(url).endsWith('/$batch') && /"method":"(PATCH|POST)"/.test(body) && body.includes(`"RowKey":"${failKey}"`) && body.includes('"State":')) throw new TypeError('fetch failed: connection reset');
      return real(url, init);
    },
  });
  return openReviewService({ connection, site: h.siteUrl, actor: ACTORS.takahashi!, groups: GROUPS });
}

async function stateOf(rowKey: string): Promise<string> {
  const overview = (await (await openReviewService({ connection: h.connect(), site: h.siteUrl, actor: ACTORS.sato!, groups: GROUPS })).overview(SCOPE)).rows;
  return overview.find((r) => r.row.rowKey === rowKey)?.state ?? '?';
}

beforeAll(async () => {
  h = await startStoreHarness();
  await provisionSite(h.connect(), h.siteUrl, { groups: GROUPS });
  const { store } = await h.open(undefined, undefined, { groups: GROUPS });
  await store.importReport(makeReport({ rows: 3 }));
  const all = (await store.open(SCOPE)).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  await store.assignRows(all.map((r) => r.rowKey), 'div-somu');
  rows = (await store.open(SCOPE)).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  rowsPath = `/sites/${store.site.id}/lists/${store.rowsListId}/items`;
  const suzuki = await openReviewService({ connection: h.connect('suzuki'), site: h.siteUrl, actor: ACTORS.suzuki!, groups: GROUPS });
  expect((await suzuki.submit(rows.map((r) => r.rowKey))).submitted).toHaveLength(3);
  // Accepted (locked, 提出済) by a reviewer's client before the bulk return.
  expect((await (await openReviewService({ connection: h.connect('ito'), site: h.siteUrl, actor: { ...ACTORS.takahashi!, displayName: '伊藤 美咲' }, groups: GROUPS })).processSubmissions(SCOPE)).accepted).toHaveLength(3);
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe('bulk decisions', () => {
  it('returns 3 rows with the middle one failing: progress 1/3, 2/3, 3/3, the others returned, the failed one still locked and 提出済', async () => {
    const [a, b, c] = rows as [StoredRow, StoredRow, StoredRow];
    const progress: string[] = [];
    const reviewer = await failingReviewer(b.rowKey);
    const result = await reviewer.returnRows(
      rows.map((r) => ({ rowKey: r.rowKey, comment: '数値の時点を記入してください。' })),
      (done, total, key) => progress.push(`${done}/${total} ${key}`),
    );
    expect(progress).toEqual([`1/3 ${a.rowKey}`, `2/3 ${b.rowKey}`, `3/3 ${c.rowKey}`]);
    expect(result.done).toEqual([a.rowKey, c.rowKey]);
    expect(result.refused).toEqual([]);
    expect(result.failed.map((f) => [f.rowKey, f.problem.code])).toEqual([[b.rowKey, 'failed']]);
    expect(result.failed[0]!.problem.ja).toBe(`サービスが混み合っているか接続できないため処理できませんでした。この行には何も書き込んでいません。しばらくしてから再試行してください。`);
    expect(result.failed[0]!.problem.en).toContain('nothing was written for this row');
    // Nothing half-written: the failed row is still 提出済 and locked for the division (the unlock was undone).
    expect(await stateOf(b.rowKey)).toBe('提出済');
    expect(await status(() => as('suzuki').api(`${rowsPath}/${b.itemId}/fields`).patch({ Narrative: '差戻し前に書き換える' }))).toBe(403);
    // The others are returned and editable.
    expect([await stateOf(a.rowKey), await stateOf(c.rowKey)]).toEqual(['差戻し', '差戻し']);
    expect(await status(() => as('suzuki').api(`${rowsPath}/${c.itemId}/fields`).patch({ Narrative: '【継続】時点を追記した。' }))).toBe(200);
  });

  it('a retry of the failed row alone succeeds', async () => {
    const b = rows[1]!;
    const result = await (await openReviewService({ connection: h.connect('takahashi'), site: h.siteUrl, actor: ACTORS.takahashi!, groups: GROUPS })).returnRows([{ rowKey: b.rowKey, comment: '数値の時点を記入してください。' }]);
    expect(result).toEqual({ done: [b.rowKey], refused: [], failed: [] });
    expect(await status(() => as('suzuki').api(`${rowsPath}/${b.itemId}/fields`).patch({ Narrative: '【継続】直した。' }))).toBe(200);
  });
});
