// Two gaps of the review cycle closed (#12 items 1/3), proven with raw Graph and SharePoint REST requests:
// (a) a locked row (submitted/approved) stays locked when the secretariat reassigns it to another division;
// (b) after `cycle close`, reviewers can write neither FollowUpReview nor the submissions list of that year.
import type { Client } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

let h: StoreHarness;
let cycles: CycleAdmin;
let rows: StoredRow[];
let rowsPath: string;
let reviewPath: string;
let submissionsPath: string;
let dispatcher: Agent;

const as = (user: string): Client => h.connect(user).client;
const service = (user: 'suzuki' | 'takahashi' | 'tanaka'): Promise<ReviewService> => openReviewService({ connection: h.connect(user), site: h.siteUrl, actor: ACTORS[user]!, groups: GROUPS });
const status = async (call: () => Promise<unknown>): Promise<number> => call().then(() => 200, (e: { statusCode?: number }) => e.statusCode ?? -1);

async function item(path: string, id: string): Promise<{ eTag: string; fields: Record<string, unknown> }> {
  return (await as('sato').api(`${path}/${id}?$expand=fields`).get()) as { eTag: string; fields: Record<string, unknown> };
}

async function reviewItems(): Promise<{ id: string; eTag: string; fields: Record<string, unknown> }[]> {
  return ((await as('sato').api(`${reviewPath}?$expand=fields&$top=100`).get()) as { value: { id: string; eTag: string; fields: Record<string, unknown> }[] }).value;
}

/** A raw SharePoint REST POST as `user` (its status). */
async function spPost(user: string, path: string): Promise<number> {
  const res = await fetch(`${h.siteUrl}/_api/${path}`, { method: 'POST', headers: { Authorization: `Bearer ${h.graph.tokenFor(user)}`, Accept: 'application/json;odata=nometadata' }, dispatcher } as RequestInit);
  await res.text();
  return res.status;
}

beforeAll(async () => {
  h = await startStoreHarness();
  dispatcher = new Agent({ connect: { ca: h.graph.ca } });
  await provisionSite(h.connect(), h.siteUrl, { groups: GROUPS });
  cycles = await CycleAdmin.open({ connection: h.connect(), site: h.siteUrl, actor: ACTORS.sato!, groups: GROUPS });
  await cycles.store.importReport(makeReport({ rows: 4 }));
  const all = (await cycles.store.open(SCOPE)).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  await cycles.store.assignRows(all.slice(0, 3).map((r) => r.rowKey), 'div-somu');
  rows = (await cycles.store.open(SCOPE)).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  const site = cycles.store.site.id;
  const listId = async (name: string): Promise<string> => ((await as('sato').api(`/sites/${site}/lists/${name}?$select=id`).get()) as { id: string }).id;
  rowsPath = `/sites/${site}/lists/${cycles.store.rowsListId}/items`;
  reviewPath = `/sites/${site}/lists/${await listId(LIST_NAMES.Review)}/items`;
  submissionsPath = `/sites/${site}/lists/${await listId(LIST_NAMES.Submissions)}/items`;
}, 60_000);
afterAll(async () => {
  await dispatcher.close();
  await h.close();
});

describe('(a) the lock survives reassignment', () => {
  it('a submitted row reassigned to another division stays read-only for the new division; an open row becomes theirs', async () => {
    const [locked, open] = [rows[0]!, rows[1]!];
    expect((await (await service('suzuki')).submit([locked.rowKey])).submitted).toEqual([locked.rowKey]);
    expect((await (await service('takahashi')).processSubmissions(SCOPE)).accepted).toEqual([locked.rowKey]);
    // 人事異動: the secretariat moves both rows to 企画課.
    expect((await cycles.store.assignRows([locked.rowKey, open.rowKey], 'div-kikaku')).assigned).toEqual([locked.rowKey, open.rowKey]);
    const before = await item(rowsPath, locked.itemId);
    expect(before.fields.DivisionCode).toBe('div-kikaku');
    const tanaka = as('tanaka');
    expect(await status(() => tanaka.api(`${rowsPath}/${locked.itemId}/fields`).patch({ Narrative: 'new division rewrites a submitted answer' }))).toBe(403);
    const batch = (await tanaka.api('/$batch').post({ requests: [{ id: '1', method: 'PATCH', url: `${rowsPath}/${locked.itemId}/fields`, headers: { 'Content-Type': 'application/json', 'If-Match': before.eTag }, body: { Status: '実施未定' } }] })) as { responses: { status: number }[] };
    expect(batch.responses.map((r) => r.status)).toEqual([403]);
    expect((await item(rowsPath, locked.itemId)).eTag).toBe(before.eTag);
    // The old division has lost the row either way; the unlocked row is the new division's to edit.
    expect(await status(() => as('suzuki').api(`${rowsPath}/${locked.itemId}/fields`).patch({ Narrative: 'old division' }))).toBe(403);
    expect(await status(() => as('suzuki').api(`${rowsPath}/${open.itemId}/fields`).patch({ Narrative: 'old division' }))).toBe(403);
    expect(await status(() => tanaka.api(`${rowsPath}/${open.itemId}/fields`).patch({ Narrative: '企画課が引き継いだ。' }))).toBe(200);
    // Assigning the locked row again (a re-run) does not unlock it either.
    await cycles.store.assignRows([locked.rowKey], 'div-kikaku');
    expect(await status(() => tanaka.api(`${rowsPath}/${locked.itemId}/fields`).patch({ Narrative: 'after a re-run' }))).toBe(403);
    // Returned by a reviewer, it is unlocked for the division that owns it now.
    expect((await (await service('takahashi')).returnRows([{ rowKey: locked.rowKey, comment: '担当替えに伴い確認してください。' }])).done).toEqual([locked.rowKey]);
    expect(await status(() => tanaka.api(`${rowsPath}/${locked.itemId}/fields`).patch({ Narrative: '企画課が確認した。' }))).toBe(200);
  });
});

describe('(b) a closed cycle is read-only for reviewers too', () => {
  it('the deadline reaches every row\'s review item (the overdue view), even rows nobody touched', async () => {
    expect(await cycles.setDeadline('soumu', 2024, '2024-06-30')).toBe('2024-06-30');
    const items = await reviewItems();
    expect(items.map((i) => i.fields.RowKey).sort()).toEqual(rows.map((r) => r.rowKey).sort());
    expect(items.map((i) => String(i.fields.Deadline).slice(0, 10))).toEqual(items.map(() => '2024-06-30'));
    expect(items.find((i) => i.fields.RowKey === rows[3]!.rowKey)?.fields.State).toBe('未確認');
    // Setting the same deadline again writes nothing.
    const seen = h.records.length;
    await cycles.setDeadline('soumu', 2024, '2024-06-30');
    expect(h.records.slice(seen).filter((r) => r.method !== 'GET' && !r.url.endsWith('/$batch'))).toEqual([]);
  });

  it('after close, a reviewer\'s raw writes to FollowUpReview, the submissions and the rows\' permissions are refused and nothing changes', async () => {
    const target = rows[1]!;
    const [review] = (await reviewItems()).filter((i) => i.fields.RowKey === target.rowKey);
    const takahashi = as('takahashi');
    // Open: the reviewer may write the review item (the cycle's normal work).
    expect(await status(() => takahashi.api(`${reviewPath}/${review!.id}/fields`).patch({ Comment: 'open cycle' }))).toBe(200);
    expect(await cycles.closeCycle('soumu', 2024)).toEqual({ locked: 3, reviewItems: 4, listsClosed: true });
    const before = await reviewItems();
    const count = (await as('sato').api(`${submissionsPath}?$top=100`).get()) as { value: unknown[] };
    expect(await status(() => takahashi.api(`${reviewPath}/${review!.id}/fields`).patch({ State: '承認済' }))).toBe(403);
    const batch = (await takahashi.api('/$batch').post({ requests: [{ id: '1', method: 'PATCH', url: `${reviewPath}/${review!.id}/fields`, headers: { 'Content-Type': 'application/json' }, body: { State: '差戻し', Comment: 'x' } }] })) as { responses: { status: number }[] };
    expect(batch.responses.map((r) => r.status)).toEqual([403]);
    expect(await status(() => takahashi.api(`${reviewPath}/${review!.id}`).delete())).toBe(403);
    // A second review item for a real row: no cycle is open, so the reviewers only read the list (403; the unique
    // RowKey would answer 409 while another year is open).
    expect(await status(() => takahashi.api(reviewPath).post({ fields: { Title: target.rowKey, RowKey: target.rowKey, ReportKey: target.reportKey, FiscalYear: 2024, OrgCode: 'soumu', State: '承認済' } }))).toBe(403);
    expect(await status(() => takahashi.api(submissionsPath).post({ fields: { Title: target.rowKey, RowKey: target.rowKey, ReportKey: target.reportKey, FiscalYear: 2024, OrgCode: 'soumu', AnswersJson: '{}' } }))).toBe(403);
    // Nor can a reviewer unlock a row any more (their "Review rows" became Read), or edit it.
    const groups = (await fetch(`${h.siteUrl}/_api/web/sitegroups/getbyname('div-kikaku')`, { headers: { Authorization: `Bearer ${h.graph.tokenFor('sato')}`, Accept: 'application/json;odata=nometadata' }, dispatcher } as RequestInit).then((r) => r.json())) as { Id: number };
    const edit = (await fetch(`${h.siteUrl}/_api/web/roledefinitions/getbyname('Edit without delete')`, { headers: { Authorization: `Bearer ${h.graph.tokenFor('sato')}`, Accept: 'application/json;odata=nometadata' }, dispatcher } as RequestInit).then((r) => r.json())) as { Id: number };
    expect(await spPost('takahashi', `web/lists/getbytitle('FollowUpRows')/items(${target.itemId})/roleassignments/addroleassignment(principalid=${groups.Id},roledefid=${edit.Id})`)).toBe(403);
    expect(await status(() => takahashi.api(`${rowsPath}/${target.itemId}/fields`).patch({ Narrative: 'reviewer' }))).toBe(403);
    expect(await status(() => as('tanaka').api(`${rowsPath}/${target.itemId}/fields`).patch({ Narrative: 'division' }))).toBe(403);
    // Our client refuses as well (SharePoint's 403 surfaces), and nothing changed.
    const returned = await (await service('takahashi')).returnRows([{ rowKey: target.rowKey, comment: 'after close' }]);
    expect(returned.done).toEqual([]);
    expect([...returned.refused, ...returned.failed].map((f) => f.rowKey)).toEqual([target.rowKey]);
    expect((await reviewItems()).map((i) => [i.id, i.eTag])).toEqual(before.map((i) => [i.id, i.eTag]));
    expect(((await as('sato').api(`${submissionsPath}?$top=100`).get()) as { value: unknown[] }).value).toHaveLength(count.value.length);
    // The secretariat keeps full control.
    expect(await status(() => as('sato').api(`${reviewPath}/${review!.id}/fields`).patch({ Comment: 'secretariat' }))).toBe(200);
  });

  it('with no cycle open, a reviewer cannot add a review item even for a made-up RowKey, nor a division a submission', async () => {
    const before = (await reviewItems()).length;
    const submissions = ((await as('sato').api(`${submissionsPath}?$top=100`).get()) as { value: unknown[] }).value.length;
    const madeUp = { Title: 'soumu/2024/L-R7/9-9', RowKey: 'soumu/2024/L-R7/9-9', ReportKey: 'soumu/2024/L-R7', FiscalYear: 2024, OrgCode: 'soumu', State: '承認済' };
    expect(await status(() => as('takahashi').api(reviewPath).post({ fields: madeUp }))).toBe(403);
    const batch = (await as('takahashi').api('/$batch').post({ requests: [{ id: '1', method: 'POST', url: reviewPath, headers: { 'Content-Type': 'application/json' }, body: { fields: { ...madeUp, RowKey: 'made-up-2', Title: 'made-up-2' } } }] })) as { responses: { status: number }[] };
    expect(batch.responses.map((r) => r.status)).toEqual([403]);
    expect(await status(() => as('tanaka').api(submissionsPath).post({ fields: { Title: rows[1]!.rowKey, RowKey: rows[1]!.rowKey, ReportKey: rows[1]!.reportKey, FiscalYear: 2024, OrgCode: 'soumu', DivisionCode: 'div-kikaku', AnswersJson: '{}' } }))).toBe(403);
    expect(await reviewItems()).toHaveLength(before);
    expect(((await as('sato').api(`${submissionsPath}?$top=100`).get()) as { value: unknown[] }).value).toHaveLength(submissions);
    // Reviewers and divisions still read the lists.
    expect(((await as('takahashi').api(`${reviewPath}?$top=100`).get()) as { value: unknown[] }).value).toHaveLength(before);
  });

  it('the next cycle gives the adds back: a division submits a 2025 row and a reviewer records its review', async () => {
    const opened = await cycles.openCycle('soumu', 2025);
    expect(opened.assigned).toBe(3);
    const next = (await cycles.store.open({ fiscalYear: 2025, orgCode: 'soumu' })).rows.filter((r) => r.row.division === 'div-kikaku').sort((a, b) => a.row.sortOrder - b.row.sortOrder)[0]!;
    await cycles.store.saveChanges([{ base: next, mine: { ...next, row: { ...next.row, status: 'implemented', narrative: '【継続】2025年度も実施した。' } } }]);
    const tanaka = await openReviewService({ connection: h.connect('tanaka'), site: h.siteUrl, actor: ACTORS.tanaka!, groups: GROUPS });
    expect((await tanaka.submit([next.rowKey])).submitted).toEqual([next.rowKey]);
    expect((await (await service('takahashi')).processSubmissions({ fiscalYear: 2025, orgCode: 'soumu' })).accepted).toEqual([next.rowKey]);
    expect((await reviewItems()).find((i) => i.fields.RowKey === next.rowKey)?.fields.State).toBe('提出済');
    // Closing 2025 too takes them away again.
    expect((await cycles.closeCycle('soumu', 2025)).listsClosed).toBe(true);
    expect(await status(() => as('takahashi').api(reviewPath).post({ fields: { Title: 'x', RowKey: 'made-up-3', ReportKey: 'soumu/2025/L-R7', FiscalYear: 2025, OrgCode: 'soumu' } }))).toBe(403);
  });
});
