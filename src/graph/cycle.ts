/**
 * The secretariat's cycle operations over Graph (#12): open 令和N年度 from last year's reports (core's carryForward,
 * then the normal import and assignment, so the ledger and item permissions follow), set the deadline, and close a
 * cycle (every assigned row locked for its division, CycleState closed). Last year's rows stay where they are: they
 * are "last year" for the new rows (same report-local key in the previous year's report).
 */
import { ConflictError, PermissionError, ValidationError } from '../core/errors.js';
import { toListRowKey } from '../core/lists/row-fields.js';
import { LIST_NAMES } from '../core/lists/schema.js';
import { carryForward, parseDeadline } from '../core/review/cycle.js';
import { initialReview, toReviewFields } from '../core/review/review.js';
import { DEFAULT_PERMISSION_GROUPS, type PermissionGroups } from './assign-rows.js';
import type { GraphConnection } from './create-graph-client.js';
import { openGraphFollowUpAdmin, type GraphFollowUpAdmin } from './graph-follow-up-store.js';
import { readListReports, type ListReport } from './list-reports.js';
import { getAll, odataString, withQuery } from './paging.js';
import { ADD_WITHOUT_EDIT, EDIT_WITHOUT_DELETE, REVIEW_ROWS } from './permission-levels.js';
import type { GraphItem } from './row-items.js';
import { setRowLock } from './row-lock.js';
import { ROLE_NAMES, SharePointRest } from './sharepoint-rest.js';
import type { SiteRef } from './site.js';
import { batch, resolveListId, stepError } from './store-context.js';
import type { Actor } from '../core/permissions/rules.js';

export interface CycleOptions {
  connection: GraphConnection;
  site: string | SiteRef | { id: string };
  actor: Actor;
  groups?: PermissionGroups;
}

/** The secretariat's cycle operations on one site. */
export class CycleAdmin {
  private constructor(
    private readonly admin: GraphFollowUpAdmin,
    private readonly connection: GraphConnection,
    private readonly reportsPath: string,
    private readonly groups: PermissionGroups,
  ) {}

  static async open(options: CycleOptions): Promise<CycleAdmin> {
    if (!options.actor.isSecretariat) throw new PermissionError(`${options.actor.displayName} is not the secretariat; only the secretariat opens, closes and sets deadlines of cycles.`);
    const groups = options.groups ?? DEFAULT_PERMISSION_GROUPS;
    const admin = await openGraphFollowUpAdmin({ connection: options.connection, site: options.site, actor: options.actor, groups, refreshMode: 'modified' });
    const reports = await resolveListId(options.connection.client, admin.site, LIST_NAMES.Reports);
    return new CycleAdmin(admin, options.connection, `/sites/${admin.site.id}/lists/${reports}/items`, groups);
  }

  get store(): GraphFollowUpAdmin {
    return this.admin;
  }

  /** The reports of a 府省等 and year with their rows as stored (./list-reports.ts). */
  async reports(orgCode: string, fiscalYear: number): Promise<ListReport[]> {
    return readListReports(this.admin.context, { orgCode, fiscalYear });
  }

  /**
   * Opens `toYear` for a 府省等 from its reports of the year before: each carried forward (structure, divisions and
   * targets kept, answers empty, 未確認), imported, and its rows assigned to the same divisions (item permissions).
   * Idempotent: a report of `toYear` that exists already is resumed by the import, never duplicated.
   */
  async openCycle(orgCode: string, toYear: number, deadline?: string): Promise<{ reports: { key: string; rows: number; created: number }[]; assigned: number }> {
    const last = await this.reports(orgCode, toYear - 1);
    if (last.length === 0) throw new ValidationError([{ field: 'FiscalYear', reason: `no report of ${orgCode} for ${toYear - 1} to carry forward` }]);
    const out: { key: string; rows: number; created: number }[] = [];
    let assigned = 0;
    for (const { report } of last) {
      const next = carryForward(report, toYear);
      if (!next.ok) throw new ValidationError([{ field: 'FiscalYear', reason: next.error.en }]);
      const summary = await this.admin.importReport(next.value);
      out.push({ key: next.value.key, rows: next.value.rows.length, created: summary.created });
      const byDivision = new Map<string, string[]>();
      for (const row of next.value.rows) {
        if (row.division === null) continue;
        const keys = byDivision.get(row.division) ?? [];
        keys.push(toListRowKey(next.value.key, row.key));
        byDivision.set(row.division, keys);
      }
      for (const [division, keys] of byDivision) assigned += (await this.admin.assignRows(keys, division)).assigned.length;
    }
    if (deadline !== undefined) await this.setDeadline(orgCode, toYear, deadline);
    // A cycle is open again: reviewers add review items, divisions add submissions (closing the last took both away).
    await this.setReviewListsOpen(true);
    return { reports: out, assigned };
  }

  /**
   * The list-level roles that let reviewers add FollowUpReview items and divisions (the reader groups) add
   * FollowUpSubmissions items — the only adds the review lists allow, and they are per list, not per year. While any
   * cycle of the site is open they hold "Edit without delete" and "Add without edit"; once every cycle is closed,
   * Read (so nobody but the secretariat can add an item, even for a made-up RowKey). Items with their own permissions
   * (a closed year's review items) are not affected. Add before remove, so a failure never leaves a group with
   * nothing; a re-run repeats them harmlessly. 2 SharePoint REST calls per group (reviewers + each reader group).
   */
  private async setReviewListsOpen(open: boolean): Promise<void> {
    const sp = new SharePointRest(this.connection, { webUrl: this.admin.site.webUrl });
    const [read, edit, add, reviewers] = await Promise.all([sp.roleId(ROLE_NAMES.Read), sp.roleId(EDIT_WITHOUT_DELETE.name), sp.roleId(ADD_WITHOUT_EDIT.name), sp.groupId(this.groups.reviewers)]);
    const swap = async (list: string, group: number, writing: number): Promise<void> => {
      await sp.addRoleAssignment(list, undefined, group, open ? writing : read);
      await sp.removeRoleAssignment(list, undefined, group, open ? read : writing);
    };
    await swap(LIST_NAMES.Review, reviewers, edit);
    for (const name of this.groups.readers) await swap(LIST_NAMES.Submissions, await sp.groupId(name), add);
  }

  /** Whether any report of the site (every 府省等 and year) belongs to a cycle still open. 1 GET per 5,000 reports. */
  private async anyCycleOpen(): Promise<boolean> {
    const all = await getAll<GraphItem>(this.connection.client, withQuery(this.reportsPath, { $expand: 'fields($select=CycleState)', $select: 'id', $top: 5000 }), 'GET the cycle state of every report');
    return all.items.some((i) => i.fields?.CycleState !== 'closed');
  }

  /**
   * Sets the deadline on every report of the year (1 PATCH per report with If-Match, 20 per `$batch`), then on every
   * row's FollowUpReview item (schema 7: the overdue view compares FollowUpReview.Deadline with [Today]); rows
   * without one get their 未確認 item, so the view lists rows nobody touched. Review items already holding the
   * date are not written: 1 GET + 1 write per other item, 20 per `$batch`.
   */
  async setDeadline(orgCode: string, fiscalYear: number, text: string): Promise<string> {
    const parsed = parseDeadline(text);
    if (!parsed.ok) throw new ValidationError([{ field: 'Deadline', value: text, reason: parsed.error.en }]);
    await this.patchReports(orgCode, fiscalYear, { Deadline: parsed.value });
    const items = await this.reviewItems(orgCode, fiscalYear, parsed.value);
    const stale = items.filter((i) => !String(i.deadline ?? '').startsWith(parsed.value));
    const path = await this.reviewPath();
    const answers = await batch(this.admin.context, stale.map((i, n) => [{ id: `d${n}`, method: 'PATCH' as const, url: `${path}/${i.itemId}/fields`, headers: { 'Content-Type': 'application/json' }, body: { Deadline: parsed.value } }]));
    stale.forEach((i, n) => {
      const a = answers.get(`d${n}`);
      if (a?.status !== 200) throw stepError(a, `PATCH the deadline of review item ${i.rowKey}`);
    });
    return parsed.value;
  }

  private reviewListPath?: Promise<string>;

  private reviewPath(): Promise<string> {
    this.reviewListPath ??= resolveListId(this.connection.client, this.admin.site, LIST_NAMES.Review).then((id) => `/sites/${this.admin.site.id}/lists/${id}/items`);
    return this.reviewListPath;
  }

  /**
   * The FollowUpReview item of every row of the year, creating a 未確認 one (with `deadline`, if given) for each
   * row that has none. 1 GET of the year's review items, + creates, 20 per `$batch` (a 409 — created meanwhile —
   * is read again). Review items of rows that no longer exist are left out.
   */
  private async reviewItems(orgCode: string, fiscalYear: number, deadline?: string): Promise<{ itemId: string; rowKey: string; deadline: string | null }[]> {
    const path = await this.reviewPath();
    const read = async (): Promise<Map<string, { itemId: string; rowKey: string; deadline: string | null }>> => {
      const all = await getAll<GraphItem>(
        this.connection.client,
        withQuery(path, { $filter: `fields/OrgCode eq ${odataString(orgCode)} and fields/FiscalYear eq ${fiscalYear}`, $expand: 'fields($select=RowKey,Deadline)', $select: 'id', $top: 5000 }),
        'GET the review items of the year',
      );
      return new Map(all.items.map((i) => [String(i.fields?.RowKey), { itemId: String(i.id), rowKey: String(i.fields?.RowKey), deadline: typeof i.fields?.Deadline === 'string' ? i.fields.Deadline : null }]));
    };
    const rows = (await this.admin.open({ orgCode, fiscalYear })).rows;
    let have = await read();
    const missing = rows.filter((r) => !have.has(r.rowKey));
    if (missing.length > 0) {
      const answers = await batch(
        this.admin.context,
        missing.map((r, n) => [
          {
            id: `c${n}`,
            method: 'POST' as const,
            url: path,
            headers: { 'Content-Type': 'application/json' },
            body: { fields: { ...toReviewFields(initialReview({ rowKey: r.rowKey, reportKey: r.reportKey, fiscalYear, orgCode, divisionCode: r.row.division })), ...(deadline ? { Deadline: deadline } : {}) } },
          },
        ]),
      );
      missing.forEach((r, n) => {
        const a = answers.get(`c${n}`);
        if (a?.status !== 201 && a?.status !== 200 && a?.status !== 409) throw stepError(a, `create the review item of ${r.rowKey}`);
      });
      have = await read();
    }
    return rows.map((r) => have.get(r.rowKey)).filter((i): i is { itemId: string; rowKey: string; deadline: string | null } => i !== undefined);
  }

  /**
   * Closes a cycle: read-only for everyone but the secretariat, enforced by SharePoint.
   * - every assigned row loses its division's editing level, and the reviewers' "Review rows" becomes Read (a
   *   reviewer can no longer unlock a row or grant themselves Edit): 3 SharePoint REST calls per assigned row;
   * - every row's FollowUpReview item (created 未確認 where missing, so a reviewer cannot add one for a real row:
   *   RowKey is unique) gets its own permissions with the reviewers at Read: 3 calls per row;
   * - then the reports are marked closed, and when no cycle of the site is open any more, the reviewers' add on
   *   FollowUpReview and the divisions' add on FollowUpSubmissions become Read (`setReviewListsOpen`): 1 GET + 12
   *   calls with the default groups. While another year is open they stay (that year needs them).
   * A re-run repeats the calls harmlessly (breaking an item that has its own permissions changes nothing, a removal
   * of what is not there is ignored, an add of what is there kept).
   */
  async closeCycle(orgCode: string, fiscalYear: number): Promise<{ locked: number; reviewItems: number; listsClosed: boolean }> {
    const rows = (await this.admin.open({ orgCode, fiscalYear })).rows.filter((r) => r.row.division !== null);
    const sp = new SharePointRest(this.connection, { webUrl: this.admin.site.webUrl });
    const [level, read, reviewers] = await Promise.all([sp.roleId(EDIT_WITHOUT_DELETE.name), sp.roleId(ROLE_NAMES.Read), sp.groupId(this.groups.reviewers)]);
    const review = this.groups.reviewerRole === 'review' ? await sp.roleId(REVIEW_ROWS.name) : this.groups.reviewerRole === 'edit' ? level : undefined;
    for (const r of rows) {
      // A row that still inherits its permissions gets its own first (./row-lock.ts).
      await setRowLock(sp, this.groups, r.itemId, r.row.division as string, true);
      if (review !== undefined) {
        await sp.addRoleAssignment(LIST_NAMES.Rows, r.itemId, reviewers, read);
        await sp.removeRoleAssignment(LIST_NAMES.Rows, r.itemId, reviewers, review);
      }
    }
    const items = await this.reviewItems(orgCode, fiscalYear);
    for (const i of items) {
      await sp.breakInheritance(LIST_NAMES.Review, i.itemId, true, true);
      await sp.addRoleAssignment(LIST_NAMES.Review, i.itemId, reviewers, read);
      await sp.removeRoleAssignment(LIST_NAMES.Review, i.itemId, reviewers, level);
    }
    await this.patchReports(orgCode, fiscalYear, { CycleState: 'closed' });
    const listsClosed = !(await this.anyCycleOpen());
    if (listsClosed) await this.setReviewListsOpen(false);
    return { locked: rows.length, reviewItems: items.length, listsClosed };
  }

  private async patchReports(orgCode: string, fiscalYear: number, fields: Record<string, string>): Promise<void> {
    const items = await this.reports(orgCode, fiscalYear);
    if (items.length === 0) throw new ValidationError([{ field: 'FiscalYear', reason: `no report of ${orgCode} for ${fiscalYear}` }]);
    const answers = await batch(
      this.admin.context,
      items.map((i, n) => [{ id: `r${n}`, method: 'PATCH' as const, url: `${this.reportsPath}/${i.itemId}/fields`, headers: { 'Content-Type': 'application/json', 'If-Match': i.eTag }, body: fields }]),
    );
    items.forEach((i, n) => {
      const a = answers.get(`r${n}`);
      if (a?.status === 412) throw new ConflictError(`Report ${i.report.key} was changed meanwhile; run the command again.`);
      if (a?.status !== 200) throw stepError(a, `PATCH report ${i.report.key}`);
    });
  }
}
