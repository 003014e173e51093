// The review cycle enforced by SharePoint's permissions (#12): every rule proven with raw Graph requests as the
// division member (suzuki), the reviewer (takahashi) and the secretariat (sato) against the local service.
import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PermissionError } from '../../../src/core/errors.js';
import { FOLLOW_UP_SCHEMA, LIST_NAMES, schemaAtVersion } from '../../../src/core/lists/schema.js';
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
let reviewPath: string;
let submissionsPath: string;

const somu = (i: number): StoredRow => rows[i] as StoredRow;
const kikaku = (i: number): StoredRow => rows[4 + i] as StoredRow;
const as = (user: string): Client => h.connect(user).client;
const service = (user: 'suzuki' | 'takahashi' | 'sato' | 'tanaka'): Promise<ReviewService> => openReviewService({ connection: h.connect(user), site: h.siteUrl, actor: ACTORS[user]!, groups: GROUPS });

/** The HTTP status a Graph call ends with (200 when it succeeds). */
async function status(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (error) {
    return (error as { statusCode?: number }).statusCode ?? -1;
  }
}

async function fieldsOf(path: string, id: string): Promise<Record<string, unknown> & { eTag: string }> {
  const item = (await as('sato').api(`${path}/${id}?$expand=fields`).get()) as { eTag: string; fields: Record<string, unknown> };
  return { ...item.fields, eTag: item.eTag };
}

async function reviewItem(rowKey: string): Promise<{ id: string; fields: Record<string, unknown> } | undefined> {
  const page = (await as('sato').api(`${reviewPath}?$expand=fields&$filter=fields/RowKey eq '${rowKey.replace(/'/g, "''")}'`).get()) as { value: { id: string; fields: Record<string, unknown> }[] };
  return page.value[0];
}

beforeAll(async () => {
  h = await startStoreHarness();
  await provisionSite(h.connect(), h.siteUrl, { groups: GROUPS });
  const { store } = await h.open(undefined, undefined, { groups: GROUPS });
  await store.importReport(makeReport({ rows: 8 }));
  const all = (await store.open(SCOPE)).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  await store.assignRows(all.slice(0, 4).map((r) => r.rowKey), 'div-somu');
  await store.assignRows(all.slice(4).map((r) => r.rowKey), 'div-kikaku');
  rows = (await store.open(SCOPE)).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  const site = store.site.id;
  const listId = async (name: string): Promise<string> => ((await as('sato').api(`/sites/${site}/lists/${name}?$select=id`).get()) as { id: string }).id;
  rowsPath = `/sites/${site}/lists/${store.rowsListId}/items`;
  reviewPath = `/sites/${site}/lists/${await listId(LIST_NAMES.Review)}/items`;
  submissionsPath = `/sites/${site}/lists/${await listId(LIST_NAMES.Submissions)}/items`;
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe('what SharePoint refuses, whatever the client', () => {
  it("refuses a reviewer's raw PATCH of a division's answer (403), alone or in $batch, and the row is unchanged", async () => {
    const row = somu(0);
    const before = await fieldsOf(rowsPath, row.itemId);
    const takahashi = as('takahashi');
    expect(await status(() => takahashi.api(`${rowsPath}/${row.itemId}/fields`).patch({ Narrative: 'reviewer rewrote it' }))).toBe(403);
    const batch = (await takahashi.api('/$batch').post({ requests: [{ id: '1', method: 'PATCH', url: `${rowsPath}/${row.itemId}/fields`, headers: { 'Content-Type': 'application/json', 'If-Match': before.eTag }, body: { Status: '実施未定' } }] })) as { responses: { status: number }[] };
    expect(batch.responses.map((r) => r.status)).toEqual([403]);
    // Nor can a reviewer write the old review columns of the row, or add a submission in the division's name.
    expect(await status(() => takahashi.api(`${rowsPath}/${row.itemId}/fields`).patch({ ReviewState: '承認済' }))).toBe(403);
    expect(await status(() => takahashi.api(submissionsPath).post({ fields: { Title: row.rowKey, RowKey: row.rowKey, ReportKey: row.reportKey, FiscalYear: 2024, OrgCode: 'soumu', AnswersJson: '{}' } }))).toBe(403);
    const after = await fieldsOf(rowsPath, row.itemId);
    expect(after.eTag).toBe(before.eTag);
    expect(after.Narrative).toBe(before.Narrative);
  });

  it('refuses a division member writing the review list: no approve, no return (403), through the item or $batch', async () => {
    const suzuki = as('suzuki');
    const row = somu(0);
    const fields = { Title: row.rowKey, RowKey: row.rowKey, ReportKey: row.reportKey, FiscalYear: 2024, OrgCode: 'soumu', State: '承認済' };
    expect(await status(() => suzuki.api(reviewPath).post({ fields }))).toBe(403);
    const batch = (await suzuki.api('/$batch').post({ requests: [{ id: '1', method: 'POST', url: reviewPath, headers: { 'Content-Type': 'application/json' }, body: { fields: { ...fields, State: '差戻し' } } }] })) as { responses: { status: number }[] };
    expect(batch.responses.map((r) => r.status)).toEqual([403]);
    // Divisions read the review list (they see their state and the comments).
    const visible = (await suzuki.api(`${reviewPath}?$expand=fields`).get()) as { value: unknown[] };
    expect(Array.isArray(visible.value)).toBe(true);
    expect(await reviewItem(row.rowKey)).toBeUndefined();
  });

  it('lets a division member add a submission but never change or delete one (add-only level)', async () => {
    const suzuki = as('suzuki');
    const row = somu(3);
    const created = (await suzuki.api(submissionsPath).post({ fields: { Title: row.rowKey, RowKey: row.rowKey, ReportKey: row.reportKey, FiscalYear: 2024, OrgCode: 'soumu', DivisionCode: 'div-somu', AnswersJson: '{"forged":true}' } })) as { id: string; createdBy: { user: { email: string } } };
    expect(created.createdBy.user.email).toBe('suzuki@soumu.localhost');
    expect(await status(() => suzuki.api(`${submissionsPath}/${created.id}/fields`).patch({ AnswersJson: '{}' }))).toBe(403);
    expect(await status(() => suzuki.api(`${submissionsPath}/${created.id}`).delete())).toBe(403);
    // The forged snapshot does not match the row: the reviewer's client refuses it and nothing is locked.
    const processed = await (await service('takahashi')).processSubmissions(SCOPE);
    expect(processed.refused).toContainEqual({ rowKey: row.rowKey, problem: expect.objectContaining({ code: 'edited-after-submission' }) });
    expect(await status(() => suzuki.api(`${rowsPath}/${row.itemId}/fields`).patch({ Outcome: 'still editable' }))).toBe(200);
    expect((await reviewItem(row.rowKey))?.fields.State).toBe('未確認');
  });
});

describe('submit → return with a comment → fix → resubmit → approve', () => {
  it('refuses to submit rows that do not validate (実施未定 needs its reason) or are not the division\'s', async () => {
    const suzuki = as('suzuki');
    await suzuki.api(`${rowsPath}/${somu(1).itemId}/fields`).patch({ Status: '実施未定', ReasonNotPlanned: null });
    const svc = await service('suzuki');
    const result = await svc.submit([somu(1).rowKey, kikaku(0).rowKey, 'no/such/row']);
    expect(result.submitted).toEqual([]);
    expect(result.missing).toEqual(['no/such/row']);
    expect(result.refused.map((r) => [r.rowKey, r.problem.code])).toEqual([
      [somu(1).rowKey, 'invalid-answers'],
      [kikaku(0).rowKey, 'not-a-member'],
    ]);
    expect(result.refused[0]?.problem.ja).toContain('実施未定');
    // Nothing was added.
    const subs = (await as('sato').api(`${submissionsPath}?$expand=fields&$filter=fields/RowKey eq '${somu(1).rowKey}'`).get()) as { value: unknown[] };
    expect(subs.value).toHaveLength(0);
  });

  it('a raw submission the client would refuse is refused when a reviewer processes it: invalid answers, another division\'s row', async () => {
    const suzuki = as('suzuki');
    const invalid = (await fieldsOf(rowsPath, somu(1).itemId)) as Record<string, unknown>;
    const { answersOf } = await import('../../../src/core/review/review.js');
    await suzuki.api(submissionsPath).post({ fields: { Title: somu(1).rowKey, RowKey: somu(1).rowKey, ReportKey: somu(1).reportKey, FiscalYear: 2024, OrgCode: 'soumu', DivisionCode: 'div-somu', AnswersJson: answersOf(invalid) } });
    const other = (await fieldsOf(rowsPath, kikaku(0).itemId)) as Record<string, unknown>;
    await suzuki.api(submissionsPath).post({ fields: { Title: kikaku(0).rowKey, RowKey: kikaku(0).rowKey, ReportKey: kikaku(0).reportKey, FiscalYear: 2024, OrgCode: 'soumu', DivisionCode: 'div-kikaku', AnswersJson: answersOf(other) } });
    const processed = await (await service('takahashi')).processSubmissions(SCOPE);
    expect(processed.accepted).toEqual([]);
    expect(processed.refused.map((r) => [r.rowKey, r.problem.code]).sort()).toEqual([
      [kikaku(0).rowKey, 'not-a-member'],
      [somu(1).rowKey, 'invalid-answers'],
    ].sort());
    // Neither row was locked: their divisions still edit them.
    expect(await status(() => suzuki.api(`${rowsPath}/${somu(1).itemId}/fields`).patch({ ReasonNotPlanned: '予算の確保が未定のため' }))).toBe(200);
    expect(await status(() => as('tanaka').api(`${rowsPath}/${kikaku(0).itemId}/fields`).patch({ Outcome: 'tanaka edits' }))).toBe(200);
    const history = JSON.parse(String((await reviewItem(kikaku(0).rowKey))?.fields.HistoryJson)) as { refused?: string; by: string }[];
    expect(history.at(-1)).toMatchObject({ refused: 'not-a-member', by: '高橋 健一' });
  });

  it('runs the whole cycle with SharePoint enforcing each step', async () => {
    const row = somu(0);
    const suzuki = as('suzuki');
    const division = await service('suzuki');
    const submitted = await division.submit([row.rowKey]);
    expect(submitted).toEqual({ submitted: [row.rowKey], refused: [], missing: [] });
    // Until a reviewer's client accepts it, the row shows 提出済 awaiting the lock; a second submit is refused.
    const [shown] = (await division.rowsByKey([row.rowKey])).found;
    expect([shown?.state, shown?.awaitingLock]).toEqual(['提出済', true]);
    expect((await division.submit([row.rowKey])).refused[0]?.problem.code).toBe('wrong-state');
    // A division member cannot accept, return or approve through our client either.
    await expect(division.approveRows([{ rowKey: row.rowKey }])).rejects.toBeInstanceOf(PermissionError);

    const reviewer = await service('takahashi');
    expect(await reviewer.processSubmissions(SCOPE)).toMatchObject({ accepted: [row.rowKey] });
    const review = await reviewItem(row.rowKey);
    expect(review?.fields).toMatchObject({ State: '提出済', SubmittedBy: '鈴木 一郎', DivisionCode: 'div-somu' });
    // Submitted rows are read-only for the division (SharePoint refuses), and the division cannot approve over Graph.
    expect(await status(() => suzuki.api(`${rowsPath}/${row.itemId}/fields`).patch({ Narrative: 'changed after submitting' }))).toBe(403);
    expect(await status(() => suzuki.api(`${reviewPath}/${review?.id}/fields`).patch({ State: '承認済' }))).toBe(403);
    expect((await reviewItem(row.rowKey))?.fields.State).toBe('提出済');

    // Return with a comment on a field: the division may edit again and sees the comment.
    const returned = await reviewer.returnRows([{ rowKey: row.rowKey, comment: '実施時期を具体的に記入してください。', field: 'Narrative' }]);
    expect(returned).toEqual({ done: [row.rowKey], refused: [], failed: [] });
    const [seen] = (await division.rowsByKey([row.rowKey])).found;
    expect(seen?.review).toMatchObject({ state: '差戻し', comment: '実施時期を具体的に記入してください。', commentField: 'Narrative', decidedBy: '高橋 健一' });
    expect(await status(() => suzuki.api(`${rowsPath}/${row.itemId}/fields`).patch({ Narrative: '【継続】令和6年4月から全課でテレワークを実施した。' }))).toBe(200);

    // Resubmit, approve: 承認済 with who/when of every transition; the row stays read-only for the division.
    expect((await division.submit([row.rowKey])).submitted).toEqual([row.rowKey]);
    const approved = await reviewer.approveRows([{ rowKey: row.rowKey }]);
    expect(approved).toEqual({ done: [row.rowKey], refused: [], failed: [] });
    const final = (await reviewItem(row.rowKey))?.fields as Record<string, unknown>;
    expect(final.State).toBe('承認済');
    const history = JSON.parse(String(final.HistoryJson)) as { state: string; by: string; at: string }[];
    expect(history.map((t) => [t.state, t.by])).toEqual([
      ['提出済', '鈴木 一郎'],
      ['差戻し', '高橋 健一'],
      ['提出済', '鈴木 一郎'],
      ['承認済', '高橋 健一'],
    ]);
    expect(history.every((t) => !Number.isNaN(Date.parse(t.at)))).toBe(true);
    expect(await status(() => suzuki.api(`${rowsPath}/${row.itemId}/fields`).patch({ Narrative: 'after approval' }))).toBe(403);
    // The review item's versions back the history: each transition is a version whose editor SharePoint recorded.
    const versions = (await as('sato').api(`${reviewPath}/${String(review?.id)}/versions`).get()) as { value: { lastModifiedBy: { user: { displayName: string } } }[] };
    expect(versions.value.map((v) => v.lastModifiedBy.user.displayName)).toEqual(['高橋 健一', '高橋 健一', '高橋 健一', '高橋 健一']);
  });

  it('detects an edit made between submission and the lock, refuses the submission and leaves the row editable', async () => {
    const row = somu(2);
    const suzuki = as('suzuki');
    expect((await (await service('suzuki')).submit([row.rowKey])).submitted).toEqual([row.rowKey]);
    await suzuki.api(`${rowsPath}/${row.itemId}/fields`).patch({ Outcome: 'edited in the window' });
    const reviewer = await service('takahashi');
    const processed = await reviewer.processSubmissions(SCOPE);
    const refusal = processed.refused.find((r) => r.rowKey === row.rowKey);
    expect(refusal?.problem).toMatchObject({ code: 'edited-after-submission' });
    expect(refusal?.problem.en).toContain('Outcome');
    expect((await reviewItem(row.rowKey))?.fields.State).toBe('未確認');
    expect(await status(() => suzuki.api(`${rowsPath}/${row.itemId}/fields`).patch({ Outcome: 'still mine' }))).toBe(200);
    // Approving a row that is not 提出済 is refused too.
    const approve = await reviewer.approveRows([{ rowKey: row.rowKey }]);
    expect(approve.refused[0]?.problem.code).toBe('wrong-state');
  });
});

describe('upgrade from schema 5', () => {
  it('copies each row\'s review state into FollowUpReview, gives reviewers "Review rows" instead of editing, locks approved rows', async () => {
    const old = await startStoreHarness();
    try {
      const legacy: PermissionGroups = { ...GROUPS, reviewerRole: 'edit' };
      await provisionSite(old.connect(), old.siteUrl, { schema: schemaAtVersion(FOLLOW_UP_SCHEMA, 5), groups: legacy });
      const { store } = await old.open(undefined, undefined, { groups: legacy });
      await store.importReport(makeReport({ rows: 3 }));
      const all = (await store.open(SCOPE)).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
      await store.assignRows(all.map((r) => r.rowKey), 'div-somu');
      const path = `/sites/${store.site.id}/lists/${store.rowsListId}/items`;
      const takahashi = old.connect('takahashi').client;
      // Schema 5: a reviewer could write any field of an assigned row.
      await takahashi.api(`${path}/${all[0]!.itemId}/fields`).patch({ ReviewState: '承認済', ReviewComment: '確認しました' });
      await takahashi.api(`${path}/${all[1]!.itemId}/fields`).patch({ ReviewState: '差戻し', ReviewComment: '数値を更新してください' });

      const report = await provisionSite(old.connect(), old.siteUrl, { groups: GROUPS });
      expect(report.applied.join('\n')).toMatch(/copy the review state of 3 rows into FollowUpReview/);
      expect(report.applied.join('\n')).toMatch(/lock 1 rows/);
      const review = (await old.connect().client.api(`/sites/${store.site.id}/lists/${LIST_NAMES.Review}/items?$expand=fields`).get()) as { value: { fields: Record<string, unknown> }[] };
      const byKey = new Map(review.value.map((i) => [i.fields.RowKey, i.fields]));
      expect(byKey.get(all[0]!.rowKey)).toMatchObject({ State: '承認済', Comment: '確認しました' });
      expect(byKey.get(all[1]!.rowKey)).toMatchObject({ State: '差戻し', Comment: '数値を更新してください' });
      expect(byKey.get(all[2]!.rowKey)).toMatchObject({ State: '未確認' });
      // The reviewer can no longer write rows; the approved row is read-only for the division, the returned one is not.
      expect(await status(() => takahashi.api(`${path}/${all[2]!.itemId}/fields`).patch({ Narrative: 'x' }))).toBe(403);
      const suzuki = old.connect('suzuki').client;
      expect(await status(() => suzuki.api(`${path}/${all[0]!.itemId}/fields`).patch({ Narrative: 'x' }))).toBe(403);
      expect(await status(() => suzuki.api(`${path}/${all[1]!.itemId}/fields`).patch({ Narrative: 'fixed' }))).toBe(200);
      // A second run changes nothing.
      const again = await provisionSite(old.connect(), old.siteUrl, { groups: GROUPS });
      expect(again.writes).toBe(0);
    } finally {
      await old.close();
    }
  }, 60_000);
});
