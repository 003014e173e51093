// Races a reviewer's client can lose (#12, found by the red team): two reviewers' clients accepting the same
// submissions, and two reviewers deciding the same row at once. Whatever the order, nothing fails over a harmless race
// and the row's permissions match its recorded state: 提出済/承認済 read-only for the division, 差戻し editable again.
import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { LIST_NAMES } from '../../../src/core/lists/schema.js';
import type { StoredRow } from '../../../src/core/ports.js';
import { CycleAdmin } from '../../../src/graph/cycle.js';
import { DEFAULT_PERMISSION_GROUPS, type PermissionGroups } from '../../../src/graph/graph-follow-up-store.js';
import { provisionSite } from '../../../src/graph/provision.js';
import { openReviewService, type ReviewService } from '../../../src/graph/review.js';
import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

const GROUPS: PermissionGroups = { ...DEFAULT_PERMISSION_GROUPS, readers: ['div-somu', 'div-kikaku'] };
const SCOPE = { fiscalYear: 2024, orgCode: 'soumu' } as const;
const ITO = { displayName: '伊藤 美咲', isSecretariat: false, reviewerOf: ['soumu'], divisions: [] };

let h: StoreHarness;
let rows: StoredRow[];
let rowsPath: string;
let reviewPath: string;

const as = (user: string): Client => h.connect(user).client;
const service = (user: 'suzuki' | 'takahashi' | 'ito'): Promise<ReviewService> =>
  openReviewService({ connection: h.connect(user), site: h.siteUrl, actor: user === 'ito' ? ITO : ACTORS[user]!, groups: GROUPS });
const status = async (call: () => Promise<unknown>): Promise<number> => call().then(() => 200, (e: { statusCode?: number }) => e.statusCode ?? -1);

beforeAll(async () => {
  h = await startStoreHarness();
  await provisionSite(h.connect(), h.siteUrl, { groups: GROUPS });
  const cycles = await CycleAdmin.open({ connection: h.connect(), site: h.siteUrl, actor: ACTORS.sato!, groups: GROUPS });
  await cycles.store.importReport(makeReport({ rows: 10 }));
  const all = (await cycles.store.open(SCOPE)).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  await cycles.store.assignRows(all.map((r) => r.rowKey), 'div-somu');
  rows = (await cycles.store.open(SCOPE)).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  const site = cycles.store.site.id;
  const listId = async (name: string): Promise<string> => ((await as('sato').api(`/sites/${site}/lists/${name}?$select=id`).get()) as { id: string }).id;
  rowsPath = `/sites/${site}/lists/${cycles.store.rowsListId}/items`;
  reviewPath = `/sites/${site}/lists/${await listId(LIST_NAMES.Review)}/items`;
}, 60_000);
afterAll(async () => {
  await h?.close();
});

async function stateOf(rowKey: string): Promise<string> {
  const items = ((await as('sato').api(`${reviewPath}?$expand=fields&$top=100`).get()) as { value: { fields: Record<string, unknown> }[] }).value;
  return String(items.find((i) => i.fields.RowKey === rowKey)?.fields.State ?? '未確認');
}

describe('two reviewers decide the same row at once', () => {
  it('two reviewers’ clients accept the same submissions at once: neither fails', async () => {
    const keys = rows.slice(6, 8).map((r) => r.rowKey);
    expect((await (await service('suzuki')).submit(keys)).submitted).toEqual(keys);
    const [a, b] = await Promise.all([service('takahashi'), service('ito')]);
    const results = await Promise.allSettled([a.processSubmissions(SCOPE), b.processSubmissions(SCOPE)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? 'fulfilled' : String(r.reason)))).toEqual(['fulfilled', 'fulfilled']);
    // Each submission accepted once, by one of the two; nobody refused it.
    const done = results.flatMap((r) => (r.status === 'fulfilled' ? r.value.accepted : []));
    expect(done.sort()).toEqual([...keys].sort());
    expect(results.flatMap((r) => (r.status === 'fulfilled' ? r.value.refused : []))).toEqual([]);
    for (const k of keys) expect(await stateOf(k)).toBe('提出済');
    // Both rows locked for the division, as 提出済 says.
    for (const row of rows.slice(6, 8)) expect(await status(() => as('suzuki').api(`${rowsPath}/${row.itemId}/fields`).patch({ Outcome: 'after accept' }))).toBe(403);
  }, 60_000);

  it('approve racing return: the row ends locked if approved, editable if returned', async () => {
    const outcomes: string[] = [];
    for (const [i, row] of rows.slice(0, 6).entries()) {
      expect((await (await service('suzuki')).submit([row.rowKey])).submitted).toEqual([row.rowKey]);
      expect((await (await service('takahashi')).processSubmissions(SCOPE)).accepted).toEqual([row.rowKey]);
      const [a, b] = await Promise.all([service('takahashi'), service('ito')]);
      // Started in turn approval first and return first, the second after 0–2 ticks, so the writes interleave as they come.
      const approve = (): Promise<unknown> => a.approveRows([{ rowKey: row.rowKey }]);
      const giveBack = (): Promise<unknown> => b.returnRows([{ rowKey: row.rowKey, comment: '理由を補ってください。' }]);
      const [first, second] = i % 2 === 0 ? [approve, giveBack] : [giveBack, approve];
      const later = async (): Promise<unknown> => {
        for (let t = 0; t < Math.floor(i / 2); t++) await new Promise((r) => setTimeout(r, 0));
        return second();
      };
      const decided = await Promise.all([first(), later()]);
      // Exactly one of the two decisions went through; the other lost its If-Match and wrote nothing.
      expect(decided.map((d) => (d as { done: string[] }).done.length).sort()).toEqual([0, 1]);
      const state = await stateOf(row.rowKey);
      const patch = await status(() => as('suzuki').api(`${rowsPath}/${row.itemId}/fields`).patch({ Outcome: `edited after ${state}` }));
      outcomes.push(`${state}:${patch}`);
      expect(['承認済', '差戻し']).toContain(state);
      expect(patch, `row ${row.rowKey} is ${state}`).toBe(state === '承認済' ? 403 : 200);
    }
  }, 120_000);

  // The same race interleaved on purpose: the loser has read the review (提出済) and writes only after the winner is
  // through, so its If-Match answers 412 — both ways round.
  for (const winner of ['approve', 'return'] as const) {
    it(`the ${winner === 'approve' ? 'return' : 'approval'} loses to ${winner === 'approve' ? 'an approval' : 'a return'} recorded meanwhile: nothing of it is written, the lock matches`, async () => {
      const row = rows[winner === 'approve' ? 8 : 9]!;
      await (await service('suzuki')).submit([row.rowKey]);
      expect((await (await service('takahashi')).processSubmissions(SCOPE)).accepted).toEqual([row.rowKey]);
      const [a, b] = await Promise.all([service('takahashi'), service('ito')]);
      const approve = (): ReturnType<ReviewService['approveRows']> => a.approveRows([{ rowKey: row.rowKey }]);
      const giveBack = (): ReturnType<ReviewService['returnRows']> => b.returnRows([{ rowKey: row.rowKey, comment: '理由を補ってください。' }]);
      const [loserService, first, second] = winner === 'approve' ? [b, approve, giveBack] : [a, giveBack, approve];
      let winning: Promise<unknown> = Promise.resolve();
      let meanwhile = 0;
      const save = (loserService as unknown as { saveReview: (...args: unknown[]) => Promise<void> }).saveReview.bind(loserService);
      vi.spyOn(loserService as unknown as { saveReview: (...args: unknown[]) => Promise<void> }, 'saveReview').mockImplementationOnce(async (...args) => {
        winning = first();
        await winning;
        // Just before the loser writes: the division's raw PATCH (a return that unlocked first opened the row here).
        meanwhile = await status(() => as('suzuki').api(`${rowsPath}/${row.itemId}/fields`).patch({ Outcome: 'edited during the race' }));
        return save(...args);
      });
      const lost = await second();
      const won = (await winning) as { done: string[] };
      expect(won.done).toEqual([row.rowKey]);
      expect(meanwhile).toBe(winner === 'approve' ? 403 : 200);
      expect(lost.done).toEqual([]);
      expect(lost.failed.map((f) => [f.rowKey, f.problem.en])).toEqual([[row.rowKey, "Someone changed the row's review meanwhile. Read the list again and retry (nothing was written for this row)."]]);
      const state = await stateOf(row.rowKey);
      expect(state).toBe(winner === 'approve' ? '承認済' : '差戻し');
      expect(await status(() => as('suzuki').api(`${rowsPath}/${row.itemId}/fields`).patch({ Outcome: `edited after ${state}` }))).toBe(winner === 'approve' ? 403 : 200);
    }, 60_000);
  }
});
