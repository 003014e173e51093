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
import { DEFAULT_PERMISSION_GROUPS, type PermissionGroups } from './assign-rows.js';
import type { GraphConnection } from './create-graph-client.js';
import { openGraphFollowUpAdmin, type GraphFollowUpAdmin } from './graph-follow-up-store.js';
import { readListReports, type ListReport } from './list-reports.js';
import { EDIT_WITHOUT_DELETE } from './permission-levels.js';
import { SharePointRest } from './sharepoint-rest.js';
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
    return { reports: out, assigned };
  }

  /** Sets the deadline on every report of the year (1 PATCH per report with If-Match, 20 per `$batch`). */
  async setDeadline(orgCode: string, fiscalYear: number, text: string): Promise<string> {
    const parsed = parseDeadline(text);
    if (!parsed.ok) throw new ValidationError([{ field: 'Deadline', value: text, reason: parsed.error.en }]);
    await this.patchReports(orgCode, fiscalYear, { Deadline: parsed.value });
    return parsed.value;
  }

  /**
   * Closes a cycle: every assigned row loses its division's editing level (read-only for everyone but the
   * secretariat; SharePoint refuses the division's writes), then the reports are marked closed. 1 SharePoint REST
   * call per assigned row; a re-run repeats the removals harmlessly.
   */
  async closeCycle(orgCode: string, fiscalYear: number): Promise<{ locked: number }> {
    const rows = (await this.admin.open({ orgCode, fiscalYear })).rows.filter((r) => r.row.division !== null);
    const sp = new SharePointRest(this.connection, { webUrl: this.admin.site.webUrl });
    const level = await sp.roleId(EDIT_WITHOUT_DELETE.name);
    for (const r of rows) await sp.removeRoleAssignment(LIST_NAMES.Rows, r.itemId, await sp.groupId(this.groups.divisionGroup(r.row.division as string)), level);
    await this.patchReports(orgCode, fiscalYear, { CycleState: 'closed' });
    return { locked: rows.length };
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
