// A row whose DivisionCode was set without assignment (imported with it, or typed in SharePoint) still inherits its
// permissions. Locking it on acceptance must not fail with SharePoint's 400 "inherits permissions" (#12): the
// accepting client breaks inheritance (copying) and then locks; proven with the division's raw Graph PATCH.
import type { Client } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { StoredRow } from '../../../src/core/ports.js';
import { CycleAdmin } from '../../../src/graph/cycle.js';
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
let dispatcher: Agent;

const as = (user: string): Client => h.connect(user).client;
const service = (user: 'suzuki' | 'takahashi' | 'sato'): Promise<ReviewService> => openReviewService({ connection: h.connect(user), site: h.siteUrl, actor: ACTORS[user]!, groups: GROUPS });
const status = async (call: () => Promise<unknown>): Promise<number> => call().then(() => 200, (e: { statusCode?: number }) => e.statusCode ?? -1);

async function sp(user: string, method: 'GET' | 'POST', path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${h.siteUrl}/_api/${path}`, { method, headers: { Authorization: `Bearer ${h.graph.tokenFor(user)}`, Accept: 'application/json;odata=nometadata' }, dispatcher } as RequestInit);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function item(id: string): Promise<{ eTag: string; fields: Record<string, unknown> }> {
  return (await as('sato').api(`${rowsPath}/${id}?$expand=fields`).get()) as { eTag: string; fields: Record<string, unknown> };
}

beforeAll(async () => {
  h = await startStoreHarness();
  dispatcher = new Agent({ connect: { ca: h.graph.ca } });
  await provisionSite(h.connect(), h.siteUrl, { groups: GROUPS });
  const { store } = await h.open(undefined, undefined, { groups: GROUPS });
  // Imported with its divisions printed: DivisionCode is set, no item permissions were ever set by assignment.
  await store.importReport(makeReport({ rows: 3, divisionOf: () => 'div-somu' }));
  rows = (await store.open(SCOPE)).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  rowsPath = `/sites/${store.site.id}/lists/${store.rowsListId}/items`;
  // A team site's members edit what inherits: the division's group holds Edit on the web.
  const group = (await sp('sato', 'GET', `web/sitegroups/getbyname('div-somu')`)).body.Id as number;
  const edit = (await sp('sato', 'GET', `web/roledefinitions/getbyname('Edit')`)).body.Id as number;
  expect((await sp('sato', 'POST', `web/roleassignments/addroleassignment(principalid=${group},roledefid=${edit})`)).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await dispatcher.close();
  await h.close();
});

describe('locking a row that inherits its permissions', () => {
  it('the row inherits and its division can edit it before submission', async () => {
    expect(rows.map((r) => r.row.division)).toEqual(['div-somu', 'div-somu', 'div-somu']);
    const unique = await sp('sato', 'GET', `web/lists/getbytitle('FollowUpRows')/items(${rows[0]!.itemId})/hasuniqueroleassignments`);
    expect(unique.body.value).toBe(false);
    expect(await status(() => as('suzuki').api(`${rowsPath}/${rows[0]!.itemId}/fields`).patch({ Narrative: '【継続】提出前に直した。' }))).toBe(200);
  });

  it('a reviewer cannot lock it (no ManagePermissions on an inheriting item): the submission waits, nothing is written', async () => {
    const target = rows[0]!;
    expect((await (await service('suzuki')).submit([target.rowKey])).submitted).toEqual([target.rowKey]);
    const before = await item(target.itemId);
    const seen = h.records.length;
    const result = await (await service('takahashi')).processSubmissions(SCOPE);
    expect(result.accepted).toEqual([]);
    expect(result.refused.map((r) => [r.rowKey, r.problem.code])).toEqual([[target.rowKey, 'needs-secretariat']]);
    expect(result.refused[0]!.problem.ja).toContain('取りまとめ担当');
    expect(h.records.slice(seen).filter((r) => r.method === 'POST' && !r.url.endsWith('/$batch')).map((r) => r.status)).toEqual([403]);
    expect((await item(target.itemId)).eTag).toBe(before.eTag);
    expect((await sp('sato', 'GET', `web/lists/getbytitle('FollowUpRows')/items(${target.itemId})/hasuniqueroleassignments`)).body.value).toBe(false);
    const overview = (await (await service('takahashi')).overview(SCOPE)).rows;
    expect(overview.find((r) => r.row.rowKey === target.rowKey)).toMatchObject({ state: '提出済', awaitingLock: true });
  });

  it('the secretariat accepts it: the row gets its own permissions, the division PATCH answers 403 and nothing changes', async () => {
    const target = rows[0]!;
    const result = await (await service('sato')).processSubmissions(SCOPE);
    expect(result).toEqual({ accepted: [target.rowKey], refused: [] });
    const before = await item(target.itemId);
    expect(await status(() => as('suzuki').api(`${rowsPath}/${target.itemId}/fields`).patch({ Narrative: '受付後に書き換える' }))).toBe(403);
    const batch = (await as('suzuki').api('/$batch').post({ requests: [{ id: '1', method: 'PATCH', url: `${rowsPath}/${target.itemId}/fields`, headers: { 'Content-Type': 'application/json', 'If-Match': before.eTag }, body: { Status: '実施未定' } }] })) as { responses: { status: number }[] };
    expect(batch.responses.map((r) => r.status)).toEqual([403]);
    const after = await item(target.itemId);
    expect(after.eTag).toBe(before.eTag);
    expect(after.fields.Narrative).toBe('【継続】提出前に直した。');
    // Copied, not emptied: the secretariat keeps Full Control, the division still reads its row.
    expect(await status(() => as('sato').api(`${rowsPath}/${target.itemId}/fields`).patch({ Title: '取組 1' }))).toBe(200);
    expect(((await as('suzuki').api(`${rowsPath}/${target.itemId}?$expand=fields`).get()) as { fields: { RowKey: string } }).fields.RowKey).toBe(target.rowKey);
    // Another inheriting row of the same division is untouched (still editable).
    expect(await status(() => as('suzuki').api(`${rowsPath}/${rows[1]!.itemId}/fields`).patch({ Narrative: '別の行' }))).toBe(200);
  });

  it('a return unlocks it for the division, an approval after resubmission locks it again', async () => {
    const target = rows[0]!;
    expect((await (await service('takahashi')).returnRows([{ rowKey: target.rowKey, comment: '数値を確認してください。' }])).done).toEqual([target.rowKey]);
    expect(await status(() => as('suzuki').api(`${rowsPath}/${target.itemId}/fields`).patch({ Narrative: '【継続】確認して直した。' }))).toBe(200);
    expect((await (await service('suzuki')).submit([target.rowKey])).submitted).toEqual([target.rowKey]);
    expect((await (await service('takahashi')).approveRows([{ rowKey: target.rowKey }])).done).toEqual([target.rowKey]);
    expect(await status(() => as('suzuki').api(`${rowsPath}/${target.itemId}/fields`).patch({ Narrative: '承認後' }))).toBe(403);
    expect((await item(target.itemId)).fields.Narrative).toBe('【継続】確認して直した。');
  });

  it('closing the cycle locks the rows that still inherit too (no 400): the division PATCH answers 403', async () => {
    const cycles = await CycleAdmin.open({ connection: h.connect(), site: h.siteUrl, actor: ACTORS.sato!, groups: GROUPS });
    expect(await status(() => as('suzuki').api(`${rowsPath}/${rows[2]!.itemId}/fields`).patch({ Narrative: '締切前' }))).toBe(200);
    expect(await cycles.closeCycle('soumu', 2024)).toMatchObject({ locked: 3, listsClosed: true });
    const before = await item(rows[2]!.itemId);
    expect(await status(() => as('suzuki').api(`${rowsPath}/${rows[2]!.itemId}/fields`).patch({ Narrative: '締切後' }))).toBe(403);
    expect((await item(rows[2]!.itemId)).eTag).toBe(before.eTag);
    expect(before.fields.Narrative).toBe('締切前');
  });
});
