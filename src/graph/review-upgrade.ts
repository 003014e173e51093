/**
 * Upgrade to schema 6 (#12): the review moves out of FollowUpRows into FollowUpReview, and reviewers lose the
 * editing level on rows. Run by provisioning once (the version is recorded after it; a failed run is redone):
 *
 * - every existing row gets its FollowUpReview item with the state and comment it had (ReviewState, ReviewComment;
 *   未確認 when blank), 20 creates per `$batch`; one that exists (409 on the unique RowKey) is kept as it is;
 * - each assigned row: reviewers' "Edit without delete" is replaced by "Review rows"; a row that was 提出済 or 承認済
 *   is locked (the division's editing level removed), as the cycle would have left it.
 *   SharePoint REST calls per assigned row: 2, +1 when locked.
 */
import { REVIEW_STATE_CHOICES } from '../core/lists/schema.js';
import { LIST_NAMES } from '../core/lists/schema.js';
import { initialReview, lockedIn, toReviewFields, type ReviewStateJa } from '../core/review/review.js';
import type { PermissionGroups } from './assign-rows.js';
import { runBatched, type BatchStep } from './batch.js';
import type { GraphConnection } from './create-graph-client.js';
import { getAll, withQuery } from './paging.js';
import { EDIT_WITHOUT_DELETE, REVIEW_ROWS } from './permission-levels.js';
import type { GraphItem } from './row-items.js';
import { SharePointRest } from './sharepoint-rest.js';
import type { ResolvedSite } from './site.js';
import { toAppErrorFromResponse } from './to-app-error.js';

export interface ReviewUpgradeResult {
  created: number;
  regranted: number;
  locked: number;
}

export async function upgradeToReview(connection: GraphConnection, site: ResolvedSite, listIds: Record<string, string>, groups: PermissionGroups, now: Date = new Date()): Promise<ReviewUpgradeResult> {
  const { client } = connection;
  const rowsPath = `/sites/${site.id}/lists/${listIds[LIST_NAMES.Rows]}/items`;
  const reviewPath = `/sites/${site.id}/lists/${listIds[LIST_NAMES.Review]}/items`;
  const rows = await getAll<GraphItem>(client, withQuery(rowsPath, { $expand: 'fields($select=RowKey,ReportKey,FiscalYear,OrgCode,DivisionCode,ReviewState,ReviewComment)', $select: 'id', $top: 5000 }), 'GET rows');
  const existing = await getAll<GraphItem>(client, withQuery(reviewPath, { $expand: 'fields($select=RowKey)', $select: 'id', $top: 5000 }), 'GET FollowUpReview items');
  const have = new Set(existing.items.map((i) => String(i.fields?.RowKey)));
  const at = now.toISOString();
  const states = new Map<string, ReviewStateJa>();
  const steps: BatchStep[] = [];
  for (const item of rows.items) {
    const f = item.fields ?? {};
    const rowKey = String(f.RowKey ?? '');
    const state = (REVIEW_STATE_CHOICES as readonly string[]).includes(String(f.ReviewState)) ? (f.ReviewState as ReviewStateJa) : '未確認';
    states.set(String(item.id), state);
    if (rowKey === '' || have.has(rowKey)) continue;
    const comment = typeof f.ReviewComment === 'string' && f.ReviewComment !== '' ? f.ReviewComment : null;
    const record = {
      ...initialReview({ rowKey, reportKey: String(f.ReportKey ?? ''), fiscalYear: Number(f.FiscalYear), orgCode: String(f.OrgCode ?? ''), divisionCode: typeof f.DivisionCode === 'string' && f.DivisionCode !== '' ? f.DivisionCode : null }),
      state,
      comment,
      history: state === '未確認' && comment === null ? [] : [{ state, by: 'schema 6 upgrade', at, ...(comment ? { comment } : {}) }],
    };
    steps.push({ id: `review-${steps.length}`, method: 'POST', url: reviewPath, headers: { 'Content-Type': 'application/json' }, body: { fields: toReviewFields(record) } });
  }
  const answers = await runBatched(client, steps.map((s) => [s]), { policy: connection.retry.policy, runtime: connection.retry.runtime });
  let created = 0;
  for (const s of steps) {
    const r = answers.get(s.id);
    if (r?.status === 201 || r?.status === 200) created++;
    else if (r?.status !== 409) throw r?.error ?? toAppErrorFromResponse(r?.status ?? 0, r?.body, r?.headers ?? {}, `create the review item (${s.id})`);
  }
  const sp = new SharePointRest(connection, { webUrl: site.webUrl });
  const assigned = rows.items.filter((i) => typeof i.fields?.DivisionCode === 'string' && i.fields.DivisionCode !== '');
  if (assigned.length === 0) return { created, regranted: 0, locked: 0 };
  const [reviewers, edit, review] = await Promise.all([sp.groupId(groups.reviewers), sp.roleId(EDIT_WITHOUT_DELETE.name), sp.roleId(REVIEW_ROWS.name)]);
  let regranted = 0;
  let locked = 0;
  for (const item of assigned) {
    const id = String(item.id);
    if (!(await sp.hasUniqueRoleAssignments(LIST_NAMES.Rows, id))) continue;
    if (groups.reviewerRole === 'review') {
      await sp.addRoleAssignment(LIST_NAMES.Rows, id, reviewers, review);
      await sp.removeRoleAssignment(LIST_NAMES.Rows, id, reviewers, edit);
      regranted++;
    }
    if (lockedIn(states.get(id) ?? '未確認')) {
      await sp.removeRoleAssignment(LIST_NAMES.Rows, id, await sp.groupId(groups.divisionGroup(String(item.fields?.DivisionCode))), edit);
      locked++;
    }
  }
  return { created, regranted, locked };
}
