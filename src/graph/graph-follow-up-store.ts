/**
 * FollowUpStore over Microsoft Graph (#4). Works unchanged against real Graph and the local Graph-compatible service.
 *
 * Reads: one `$filter` on indexed columns (DivisionCode, OrgCode, FiscalYear) + `$expand=fields($select=…)` + paging
 *   via nextLink; never the non-indexed Prefer header. The delta token is taken in the same `$batch`, first.
 * Writes: only changed fields, `PATCH …/fields` with If-Match, up to 20 per `$batch`, throttled sub-requests retried
 *   on their own (src/graph/batch.ts). 412 → re-read + core three-way merge; nothing is overwritten without a decision.
 * Creates: client-generated RowKey (unique column): a replayed create answers 409 and is read back, never duplicated.
 * Refresh: delta, or (selectable, and automatic where delta is refused) an indexed `lastModifiedDateTime` query.
 * Assignment: DivisionCode + item permissions through SharePoint REST (src/graph/sharepoint-rest.ts).
 */
import type { Client } from '@microsoft/microsoft-graph-client';

import { AppError, ConflictError, GraphAccessError, NotFoundError, PermissionError, ValidationError, type FieldConflict, type Issue } from '../core/errors.js';
import {
  checkReportFields,
  checkRowFields,
  fromRowFields,
  pickOwnedFields,
  toDomainValue,
  toListRowKey,
  toReportFields,
  toRowFields,
  type Fields,
  type RowRecord,
} from '../core/lists/row-fields.js';
import { LIST_NAMES, ROWS_LIST, type ImportState } from '../core/lists/schema.js';
import type { Report } from '../core/model/schema.js';
import { checkEdit, type Actor } from '../core/permissions/rules.js';
import type {
  AssignResult,
  FollowUpStore,
  ImportOptions,
  ImportProgress,
  ImportSummary,
  RefreshCursor,
  RefreshResult,
  ReportImportOutcome,
  RowEdit,
  RowScope,
  RowSet,
  SaveResult,
  StoredRow,
  UnreadableItem,
} from '../core/ports.js';
import { diffFields, mergeFields } from '../core/sync/merge.js';
import { MAX_BATCH_SIZE, runBatched, type BatchStep, type RunOptions, type StepResponse } from './batch.js';
import type { GraphConnection } from './create-graph-client.js';
import { collectPages, getPage, odataString, toPage, withQuery, type Page, type ReadRetry } from './paging.js';
import { ROLE_NAMES, SharePointRest } from './sharepoint-rest.js';
import { resolveSite, type ResolvedSite, type SiteRef } from './site.js';
import { toAppError, toAppErrorFromResponse } from './to-app-error.js';

/** How refresh finds changes. `auto` uses delta and falls back to the Modified query where delta is refused. */
export type RefreshMode = 'delta' | 'modified' | 'auto';

/** SharePoint site groups that receive item permissions when rows are assigned. */
export interface PermissionGroups {
  /** Keeps Full Control on every assigned row. */
  secretariat: string;
  /** Gets `reviewerRole` on assigned rows (review fields are guarded by the core rule; SharePoint has no field-level permission). */
  reviewers: string;
  reviewerRole: 'Contribute' | 'Read';
  /**
   * Groups that read every row of the Rows list (assigned or not) without editing it. The default, every division of
   * the demo directory, lets divisions see the whole ministry's follow-up while editing only their own rows. Set
   * before rows are assigned: an assigned row copies the readers at assignment time. On a tenant, one group whose
   * membership changes (the site's Visitors, or a group of all divisions) avoids re-assigning rows.
   */
  readers: readonly string[];
  /** Group of a division (the demo directory names groups by division code, e.g. `div-somu`). */
  divisionGroup(divisionCode: string): string;
}

export const DEFAULT_PERMISSION_GROUPS: PermissionGroups = {
  secretariat: 'secretariat',
  reviewers: 'reviewers',
  reviewerRole: 'Contribute',
  // The local directory's divisions (src/emulator/directory.ts; graph may not import it). A tenant configures its own.
  readers: ['div-somu', 'div-kikaku', 'div-gyokan', 'div-jichi', 'div-joho'],
  divisionGroup: (code) => code,
};

export interface GraphFollowUpStoreOptions {
  connection: GraphConnection;
  site: string | SiteRef | { id: string };
  /** Who is editing: the core rule checks every edit before anything is sent. */
  actor: Actor;
  refreshMode?: RefreshMode;
  /** `$top` for item queries; the service may return fewer per page (nextLink is always followed). */
  pageSize?: number;
  batch?: RunOptions;
  groups?: PermissionGroups;
  /** Parallel SharePoint REST calls when assigning rows. */
  permissionConcurrency?: number;
  /** Window re-read by the Modified fallback to cover clock granularity; items already seen are filtered out. */
  modifiedOverlapMs?: number;
}

interface GraphItem {
  id: string;
  eTag?: string;
  lastModifiedDateTime?: string;
  fields?: Record<string, unknown>;
  deleted?: { state?: string };
}

const ITEM_SELECT = 'id,eTag,lastModifiedDateTime';
const ROW_EXPAND = `fields($select=${ROWS_LIST.columns.map((c) => c.name).join(',')})`;
const EPOCH = '1970-01-01T00:00:00Z';
/** Rounds of re-read + merge before a row is reported as failed because it keeps changing. */
const MAX_MERGE_ROUNDS = 4;

/**
 * Opens the store: resolves the site and the Rows list once (2 requests). The Reports list is resolved when an
 * import first needs it: division members usually have no access to it (their access is item-level on Rows).
 * @throws NotFoundError when the site is not provisioned (or the user cannot see the Rows list).
 */
export async function openGraphFollowUpStore(options: GraphFollowUpStoreOptions): Promise<GraphFollowUpStore> {
  const { client } = options.connection;
  const site = await resolveSite(client, options.site);
  const rows = await resolveListId(client, site, LIST_NAMES.Rows);
  return new GraphFollowUpStore(options, site, rows);
}

/** A list's id by title (`/lists/{list-title}`, platform facts A1). */
async function resolveListId(client: Client, site: ResolvedSite, name: string): Promise<string> {
  let body: { id?: unknown };
  try {
    body = (await client.api(withQuery(`/sites/${site.id}/lists/${encodeURIComponent(name)}`, { $select: 'id' })).get()) as { id?: unknown };
  } catch (error) {
    const e = toAppError(error, `GET list ${name}`);
    if (e instanceof NotFoundError) throw new NotFoundError(`The list ${name} does not exist on ${site.webUrl} (or you cannot see it): run \`npx followup provision --site ${site.webUrl}\` first.`, { cause: e });
    throw e;
  }
  if (typeof body.id !== 'string') throw new GraphAccessError(`GET list ${name}: no id in the answer`, 200, undefined, undefined);
  return body.id;
}

const scopeFilter = (scope: RowScope): string =>
  [
    // Most selective indexed column first: SharePoint seeks on it, so the query stays under the view threshold.
    ...(scope.divisionCode !== undefined ? [`fields/DivisionCode eq ${odataString(scope.divisionCode)}`] : []),
    `fields/OrgCode eq ${odataString(scope.orgCode)}`,
    `fields/FiscalYear eq ${scope.fiscalYear}`,
  ].join(' and ');

const inScope = (row: StoredRow, scope: RowScope): boolean =>
  row.fiscalYear === scope.fiscalYear && row.orgCode === scope.orgCode && (scope.divisionCode === undefined || row.row.division === scope.divisionCode);

const etagOf = (headers: Record<string, string>, body: unknown): string | undefined => {
  const b = body as Record<string, unknown> | undefined;
  const fromBody = b?.['@odata.etag'] ?? b?.eTag;
  return typeof fromBody === 'string' ? fromBody : headers.etag;
};

export class GraphFollowUpStore implements FollowUpStore {
  private readonly client: Client;
  private readonly rowsPath: string;
  private reportsPath: string | undefined;
  private mode: RefreshMode;
  private readonly pageSize: number;
  private sp: SharePointRest | undefined;
  private listPermissions: Promise<void> | undefined;

  constructor(
    private readonly options: GraphFollowUpStoreOptions,
    readonly site: ResolvedSite,
    readonly rowsListId: string,
  ) {
    this.client = options.connection.client;
    this.rowsPath = `/sites/${site.id}/lists/${rowsListId}/items`;
    this.mode = options.refreshMode ?? 'auto';
    this.pageSize = options.pageSize ?? 5000;
  }

  private get readRetry(): ReadRetry {
    return { ...(this.options.batch?.policy ? { policy: this.options.batch.policy } : {}), ...(this.options.batch?.runtime ? { runtime: this.options.batch.runtime } : {}) };
  }

  /** The refresh mode in effect (`auto` resolves to `delta` or `modified` on first use). */
  get refreshMode(): RefreshMode {
    return this.mode;
  }

  // ------------------------------------------------------------------ reads

  openDivision(fiscalYear: number, orgCode: string, divisionCode: string): Promise<RowSet> {
    return this.open({ fiscalYear, orgCode, divisionCode });
  }

  openOrganization(fiscalYear: number, orgCode: string): Promise<RowSet> {
    return this.open({ fiscalYear, orgCode });
  }

  private queryPath(scope: RowScope, since?: string): string {
    const filter = since === undefined ? scopeFilter(scope) : `${scopeFilter(scope)} and lastModifiedDateTime ge ${since}`;
    return withQuery(this.rowsPath, { $filter: filter, $expand: ROW_EXPAND, $select: ITEM_SELECT, $top: this.pageSize });
  }

  private deltaLatestPath(): string {
    return withQuery(`${this.rowsPath}/delta`, { token: 'latest', $expand: ROW_EXPAND, $select: ITEM_SELECT });
  }

  private async open(scope: RowScope): Promise<RowSet> {
    const what = `read rows of ${scope.orgCode}/${scope.fiscalYear}${scope.divisionCode ? `/${scope.divisionCode}` : ''}`;
    let first: Page<GraphItem>;
    let deltaLink: string | undefined;
    if (this.mode === 'modified') {
      first = await getPage<GraphItem>(this.client, this.queryPath(scope), what, this.readRetry);
    } else {
      // Token first (dependsOn), then the query: a change committed in between shows up again in the next refresh
      // instead of being missed.
      const groups: BatchStep[][] = [
        [
          { id: 'delta', method: 'GET', url: this.deltaLatestPath() },
          { id: 'page', method: 'GET', url: this.queryPath(scope), dependsOn: ['delta'] },
        ],
      ];
      const responses = await runBatched(this.client, groups, this.options.batch);
      const d = responses.get('delta');
      const p = responses.get('page');
      if (d?.status === 200) {
        deltaLink = toPage(d.body).deltaLink;
        if (this.mode === 'auto') this.mode = 'delta';
      } else if (this.mode === 'auto' && d && [400, 404, 405, 501].includes(d.status)) {
        this.mode = 'modified';
      } else {
        throw this.stepError(d, 'GET delta?token=latest');
      }
      if (p?.status === 200) first = toPage<GraphItem>(p.body);
      else if (p?.status === 424) first = await getPage<GraphItem>(this.client, this.queryPath(scope), what, this.readRetry);
      else throw this.stepError(p, what);
    }
    const { items } = await collectPages(this.client, first, what, this.readRetry);
    const { rows, unreadable } = this.toStoredRows(items);
    if (this.mode === 'delta' || deltaLink !== undefined) {
      if (deltaLink === undefined) throw new GraphAccessError('delta?token=latest answered without a deltaLink', 200, undefined, undefined);
      return { rows, unreadable, cursor: { mode: 'delta', scope, deltaLink } };
    }
    return { rows, unreadable, cursor: this.modifiedCursor(scope, EPOCH, {}, rows) };
  }

  private stepError(r: StepResponse | undefined, what: string): AppError {
    if (!r) return new GraphAccessError(`${what}: no answer in the $batch response`, undefined, undefined, undefined);
    return r.error ?? toAppErrorFromResponse(r.status, r.body, r.headers, what);
  }

  private toStoredRow(item: GraphItem): { ok: true; row: StoredRow } | { ok: false; issues: Issue[] } {
    const fields = item.fields ?? {};
    const record = fromRowFields(pickOwnedFields(ROWS_LIST, fields));
    if (!record.ok) return { ok: false, issues: record.error.map((i) => ({ ...i, row: i.row ?? `item ${item.id}` })) };
    const eTag = item.eTag ?? (typeof fields['@odata.etag'] === 'string' ? fields['@odata.etag'] : undefined);
    if (!eTag) return { ok: false, issues: [{ row: `item ${item.id}`, field: 'eTag', reason: 'the service returned no eTag' }] };
    return { ok: true, row: { ...record.value, itemId: String(item.id), eTag, lastModified: item.lastModifiedDateTime ?? (typeof fields.Modified === 'string' ? fields.Modified : EPOCH) } };
  }

  private toStoredRows(items: GraphItem[]): { rows: StoredRow[]; unreadable: UnreadableItem[] } {
    const rows: StoredRow[] = [];
    const unreadable: UnreadableItem[] = [];
    for (const item of items) {
      const r = this.toStoredRow(item);
      if (r.ok) rows.push(r.row);
      else unreadable.push({ itemId: String(item.id), issues: r.issues });
    }
    return { rows, unreadable };
  }

  private modifiedCursor(scope: RowScope, since: string, seenAtEdge: Record<string, string>, rows: StoredRow[]): RefreshCursor {
    const overlap = this.options.modifiedOverlapMs ?? 5000;
    const all = [...rows.map((r) => ({ id: r.itemId, eTag: r.eTag, at: r.lastModified }))];
    const latest = all.reduce((m, r) => (Date.parse(r.at) > Date.parse(m) ? r.at : m), since);
    const edgeFrom = Date.parse(latest) - overlap;
    const edge: Record<string, string> = {};
    for (const [id, eTag] of Object.entries(seenAtEdge)) edge[id] = eTag;
    for (const r of all) if (Date.parse(r.at) >= edgeFrom) edge[r.id] = r.eTag;
    return { mode: 'modified', scope, since: latest, seenAtEdge: edge };
  }

  async refresh(cursor: RefreshCursor): Promise<RefreshResult> {
    return cursor.mode === 'delta' ? this.refreshDelta(cursor) : this.refreshModified(cursor);
  }

  private async refreshDelta(cursor: Extract<RefreshCursor, { mode: 'delta' }>): Promise<RefreshResult> {
    let collected: { items: GraphItem[]; deltaLink?: string };
    try {
      collected = await collectPages(this.client, await getPage<GraphItem>(this.client, cursor.deltaLink, 'GET delta', this.readRetry), 'GET delta', this.readRetry);
    } catch (error) {
      if (error instanceof GraphAccessError && error.statusCode === 410) {
        // The token expired (410 resync): start over with a full read of the scope.
        const fresh = await this.open(cursor.scope);
        return { changed: fresh.rows, removedItemIds: [], unreadable: fresh.unreadable, cursor: fresh.cursor, resynced: true };
      }
      throw error;
    }
    if (!collected.deltaLink) throw new GraphAccessError('delta ended without a deltaLink', 200, undefined, undefined);
    // An item can appear more than once in a delta feed: the last occurrence is its latest state.
    const last = new Map<string, GraphItem>();
    for (const item of collected.items) last.set(String(item.id), item);
    const removedItemIds: string[] = [];
    const needFields: string[] = [];
    const withFields: GraphItem[] = [];
    for (const [id, item] of last) {
      if (item.deleted) removedItemIds.push(id);
      else if (item.fields) withFields.push(item);
      else needFields.push(id);
    }
    withFields.push(...(await this.getItems(needFields)));
    const { rows, unreadable } = this.toStoredRows(withFields);
    const changed: StoredRow[] = [];
    for (const row of rows) {
      // Delta covers the whole list; rows outside the scope (or moved out of it) are reported as removed.
      if (inScope(row, cursor.scope)) changed.push(row);
      else removedItemIds.push(row.itemId);
    }
    return { changed, removedItemIds, unreadable, cursor: { ...cursor, deltaLink: collected.deltaLink }, resynced: false };
  }

  private async refreshModified(cursor: Extract<RefreshCursor, { mode: 'modified' }>): Promise<RefreshResult> {
    const overlap = this.options.modifiedOverlapMs ?? 5000;
    const from = new Date(Math.max(0, Date.parse(cursor.since) - overlap)).toISOString();
    const what = 'GET rows modified since the last read';
    const { items } = await collectPages(this.client, await getPage<GraphItem>(this.client, this.queryPath(cursor.scope, from), what, this.readRetry), what, this.readRetry);
    const { rows, unreadable } = this.toStoredRows(items);
    // The overlap window re-reads rows already reported; the same eTag means nothing new.
    const changed = rows.filter((r) => cursor.seenAtEdge[r.itemId] !== r.eTag);
    const next = this.modifiedCursor(cursor.scope, cursor.since, {}, rows);
    return { changed, removedItemIds: [], unreadable, cursor: next, resynced: false };
  }

  /** GETs items by id, 20 per $batch. */
  private async getItems(ids: readonly string[]): Promise<GraphItem[]> {
    if (ids.length === 0) return [];
    const groups = ids.map((id) => [{ id: `get-${id}`, method: 'GET' as const, url: withQuery(`${this.rowsPath}/${id}`, { $expand: ROW_EXPAND, $select: ITEM_SELECT }) }]);
    const responses = await runBatched(this.client, groups, this.options.batch);
    const out: GraphItem[] = [];
    for (const id of ids) {
      const r = responses.get(`get-${id}`);
      if (r?.status === 200) out.push(r.body as GraphItem);
      else if (r?.status !== 404) throw this.stepError(r, `GET item ${id}`);
    }
    return out;
  }

  // ------------------------------------------------------------------ writes

  async saveChanges(edits: readonly RowEdit[]): Promise<SaveResult[]> {
    const results = new Map<number, SaveResult>();
    interface Work {
      index: number;
      base: Fields;
      mine: Fields;
      eTag: string;
      itemId: string;
      stored: StoredRow;
      conflicts: FieldConflict[];
      merged: boolean;
      rounds: number;
    }
    let work: Work[] = [];
    edits.forEach((edit, index) => {
      const base = toRowFields(edit.base);
      const mine = toRowFields(edit.mine);
      const patch = diffFields(base, mine);
      const changedFields = Object.keys(patch);
      if (changedFields.length === 0) {
        results.set(index, { rowKey: edit.base.rowKey, outcome: 'unchanged', stored: edit.base, conflicts: [] });
        return;
      }
      const denial = checkEdit(this.options.actor, { rowKey: edit.base.rowKey, orgCode: edit.base.orgCode, divisionCode: edit.base.row.division }, changedFields);
      if (denial) {
        results.set(index, { rowKey: edit.base.rowKey, outcome: 'denied', conflicts: [], denial, error: new PermissionError(denial.messageEn) });
        return;
      }
      const issues = checkRowFields(mine, edit.base.rowKey);
      if (issues.length > 0) {
        results.set(index, { rowKey: edit.base.rowKey, outcome: 'failed', conflicts: [], error: new ValidationError(issues) });
        return;
      }
      work.push({ index, base, mine, eTag: edit.base.eTag, itemId: edit.base.itemId, stored: edit.base, conflicts: [], merged: false, rounds: 0 });
    });

    while (work.length > 0) {
      // What each row still needs written on top of what the service holds (theirs = stored).
      const toSend: { w: Work; patch: Fields }[] = [];
      for (const w of work) {
        const theirs = toRowFields(w.stored);
        const { patch } = mergeFields(w.base, w.mine, theirs);
        if (Object.keys(patch).length === 0) this.settle(results, w, edits);
        else toSend.push({ w, patch: patch as Fields });
      }
      const groups = toSend.map(({ w, patch }) => [
        { id: `patch-${w.index}`, method: 'PATCH' as const, url: `${this.rowsPath}/${w.itemId}/fields`, headers: { 'If-Match': w.eTag, 'Content-Type': 'application/json' }, body: patch },
      ]);
      const responses = await runBatched(this.client, groups, this.options.batch);
      const stale: Work[] = [];
      for (const { w, patch } of toSend) {
        const r = responses.get(`patch-${w.index}`);
        if (r?.status === 200) {
          const eTag = etagOf(r.headers, r.body);
          const theirs = toRowFields(w.stored);
          const after = { ...theirs, ...patch };
          const record = fromRowFields(after);
          if (!eTag || !record.ok) {
            // The answer lacks what we need to continue editing: read the item back.
            stale.push(w);
            continue;
          }
          const body = r.body as Record<string, unknown>;
          w.stored = { ...record.value, itemId: w.itemId, eTag, lastModified: typeof body.Modified === 'string' ? body.Modified : w.stored.lastModified };
          w.eTag = eTag;
          this.settle(results, w, edits);
        } else if (r?.status === 412) {
          w.merged = true;
          stale.push(w);
        } else {
          const error = this.stepError(r, `PATCH ${LIST_NAMES.Rows} item ${w.itemId}`);
          results.set(w.index, { rowKey: w.stored.rowKey, outcome: error instanceof PermissionError ? 'denied' : 'failed', conflicts: [], error });
        }
      }
      // 412 (or an answer without an eTag): re-read, merge against the edit's base, and try again.
      const fresh = await this.getItems(stale.map((w) => w.itemId));
      const byId = new Map(fresh.map((i) => [String(i.id), i]));
      work = [];
      for (const w of stale) {
        const item = byId.get(w.itemId);
        if (!item) {
          results.set(w.index, { rowKey: w.stored.rowKey, outcome: 'failed', conflicts: [], error: new NotFoundError(`Row ${w.stored.rowKey} (item ${w.itemId}) no longer exists.`) });
          continue;
        }
        const parsed = this.toStoredRow(item);
        if (!parsed.ok) {
          results.set(w.index, { rowKey: w.stored.rowKey, outcome: 'failed', conflicts: [], error: new ValidationError(parsed.issues) });
          continue;
        }
        w.stored = parsed.row;
        w.eTag = parsed.row.eTag;
        w.rounds++;
        if (w.rounds > MAX_MERGE_ROUNDS) {
          results.set(w.index, { rowKey: w.stored.rowKey, outcome: 'failed', conflicts: [], stored: w.stored, error: new ConflictError(`Row ${w.stored.rowKey} kept changing while saving; reload and try again.`) });
          continue;
        }
        work.push(w);
      }
    }
    return edits.map((edit, i) => results.get(i) ?? { rowKey: edit.base.rowKey, outcome: 'failed', conflicts: [], error: new GraphAccessError('not processed', undefined, undefined, undefined) });
  }

  /** Records the final outcome of a row whose remaining patch is empty. */
  private settle(results: Map<number, SaveResult>, w: { index: number; base: Fields; mine: Fields; stored: StoredRow; merged: boolean }, edits: readonly RowEdit[]): void {
    const theirs = toRowFields(w.stored);
    const { conflicts } = mergeFields(w.base, w.mine, theirs);
    const decoded = conflicts.map((c) => ({ field: c.field, base: toDomainValue(c.field, c.base), mine: toDomainValue(c.field, c.mine), theirs: toDomainValue(c.field, c.theirs) }));
    const othersChanged = Object.keys(diffFields(w.mine, theirs)).length > 0;
    const outcome = decoded.length > 0 ? 'conflict' : w.merged && othersChanged ? 'merged' : 'saved';
    results.set(w.index, { rowKey: edits[w.index]?.base.rowKey ?? w.stored.rowKey, outcome, stored: w.stored, conflicts: decoded });
  }

  // ------------------------------------------------------------------ imports

  async importReport(report: Report, options: ImportOptions = {}): Promise<ImportSummary> {
    const [outcome] = await this.importReports([report], options);
    if (outcome?.summary && !outcome.error) return outcome.summary;
    throw outcome?.error ?? new GraphAccessError(`import of ${report.key}: no outcome`, undefined, undefined, undefined);
  }

  /**
   * Requests (0% faults, Reports list id cached): ceil(2R/20) look-up batches (ReportKey eq on each list, per
   * report), then ceil(missing items/20) create batches, every report's creates packed together, then
   * ceil(marks/20) batches that set `ImportState = complete` on the report items whose rows now all exist.
   * A report whose item says `complete` is skipped (nothing created, `complete: true`): its import finished, so a
   * row missing now was deleted on purpose. Only `importing` (or empty: items from schema 1) reports are resumed.
   */
  async importReports(reports: readonly Report[], options: ImportOptions = {}): Promise<ReportImportOutcome[]> {
    const outcomes: (ReportImportOutcome | undefined)[] = reports.map(() => undefined);
    const fail = (plan: ImportPlan, error: unknown): void => {
      outcomes[plan.index] = { reportKey: plan.report.key, error: error instanceof Error ? error : new Error(String(error)) };
    };
    // Every report is checked before anything is written; one that cannot be stored is left out (ValidationError).
    // A key given twice is imported in a second pass, after the first (as importing them one by one would).
    let plans: ImportPlan[] = [];
    const repeats: number[] = [];
    const keys = new Set<string>();
    reports.forEach((report, index) => {
      if (keys.has(report.key)) {
        repeats.push(index);
        return;
      }
      keys.add(report.key);
      const prepared = prepareImport(report);
      if (prepared instanceof ValidationError) outcomes[index] = { reportKey: report.key, error: prepared };
      else plans.push({ index, report, ...prepared, hasReport: false, reportItemId: undefined, state: null, present: new Set(), raced: 0, failures: [], progress: { reportKey: report.key, totalRows: prepared.records.length, alreadyPresent: 0, created: 0 } });
    });

    if (plans.length > 0) {
      try {
        this.reportsPath ??= `/sites/${this.site.id}/lists/${await resolveListId(this.client, this.site, LIST_NAMES.Reports)}/items`;
      } catch (error) {
        for (const p of plans) fail(p, error);
        plans = [];
      }
    }
    const reportsPath = this.reportsPath as string;

    // What is already there (a resumed import): each report item and the RowKeys of each report, all in as few
    // `$batch` requests as possible (ReportKey is indexed on both lists: served under the list view threshold).
    const lookupGroups = plans.flatMap((p, k) => [
      [{ id: `report-${k}`, method: 'GET' as const, url: this.reportLookupPath(reportsPath, p.report.key) }],
      [{ id: `rows-${k}`, method: 'GET' as const, url: withQuery(this.rowsPath, { $filter: `fields/ReportKey eq ${odataString(p.report.key)}`, $expand: 'fields($select=RowKey)', $select: 'id', $top: this.pageSize }) }],
    ]);
    const lookups = plans.length > 0 ? await runBatched(this.client, lookupGroups, this.options.batch) : new Map<string, StepResponse>();
    const ready: ImportPlan[] = [];
    for (const [k, p] of plans.entries()) {
      try {
        const rep = lookups.get(`report-${k}`);
        const rws = lookups.get(`rows-${k}`);
        if (rep?.status !== 200) throw this.stepError(rep, `find report ${p.report.key}`);
        if (rws?.status !== 200) throw this.stepError(rws, `find rows of ${p.report.key}`);
        this.noteReportItem(p, toPage<GraphItem>(rep.body).value[0]);
        const existing = await collectPages<{ fields?: { RowKey?: unknown } }>(this.client, toPage(rws.body), `find rows of ${p.report.key}`, this.readRetry);
        for (const i of existing.items) p.present.add(String(i.fields?.RowKey));
        p.progress.alreadyPresent = p.records.filter((r) => p.present.has(r.rowKey)).length;
        ready.push(p);
      } catch (error) {
        fail(p, error);
      }
    }

    // Creates of every report together, the report item before its rows; 20 per `$batch`.
    const groups: BatchStep[][] = [];
    const owner = new Map<string, { plan: ImportPlan; row: boolean }>();
    for (const [k, p] of ready.entries()) {
      // Completed earlier: nothing is created, not even a row that is missing now (it was deleted on purpose).
      if (p.state === 'complete') continue;
      if (!p.hasReport) {
        groups.push([{ id: `create-report-${k}`, method: 'POST', url: reportsPath, body: { fields: dropNulls(p.reportFields) } }]);
        owner.set(`create-report-${k}`, { plan: p, row: false });
      }
      p.records.forEach((r, i) => {
        if (p.present.has(r.rowKey)) return;
        groups.push([{ id: `create-${k}-${i}`, method: 'POST', url: this.rowsPath, body: { fields: dropNulls(toRowFields(r)) } }]);
        owner.set(`create-${k}-${i}`, { plan: p, row: true });
      });
    }
    await runBatched(this.client, groups, {
      ...this.options.batch,
      shouldStop: () => options.signal?.aborted === true,
      onBatchSettled: (settled) => {
        const touched = new Set<ImportPlan>();
        for (const s of settled) {
          const o = owner.get(s.id);
          if (!o) continue;
          touched.add(o.plan);
          if (s.status === 201 || s.status === 409) {
            // 409, unique RowKey/ReportKey: it exists already (an earlier attempt landed, or a concurrent import).
            if (!o.row) {
              o.plan.hasReport = true;
              const id = (s.body as { id?: unknown } | undefined)?.id;
              if (s.status === 201 && (typeof id === 'string' || typeof id === 'number')) o.plan.reportItemId = String(id);
            }
            else if (s.status === 201) o.plan.progress.created++;
            else o.plan.raced++;
          } else {
            o.plan.failures.push(s.error ?? toAppErrorFromResponse(s.status, s.body, s.headers, `create ${s.id}`));
          }
        }
        for (const p of touched) options.onProgress?.({ ...p.progress, alreadyPresent: p.progress.alreadyPresent + p.raced });
      },
    });

    // The completion mark, once the report item and every row exist (not after an abort: stop means stop).
    if (options.signal?.aborted !== true) await this.markComplete(ready.filter((p) => p.state !== 'complete' && p.failures.length === 0 && p.hasReport && p.progress.alreadyPresent + p.raced + p.progress.created === p.progress.totalRows), reportsPath);

    for (const p of ready) {
      const progress = { ...p.progress, alreadyPresent: p.progress.alreadyPresent + p.raced };
      const first = p.failures[0];
      if (first) {
        fail(
          p,
          new GraphAccessError(
            `import of ${p.report.key} stopped: ${p.failures.length} request(s) failed (first: ${first.message}). Run the import again to resume; rows already created are kept and never duplicated.`,
            first instanceof GraphAccessError ? first.statusCode : undefined,
            first instanceof GraphAccessError ? first.graphCode : first.code,
            first instanceof GraphAccessError ? first.requestId : undefined,
            { cause: first },
          ),
        );
      } else {
        outcomes[p.index] = { reportKey: p.report.key, summary: { ...progress, complete: p.state === 'complete' } };
      }
    }

    if (repeats.length > 0) {
      const again = await this.importReports(
        repeats.map((i) => reports[i] as Report),
        options,
      );
      repeats.forEach((i, k) => (outcomes[i] = again[k]));
    }
    return outcomes.map((o, i) => o ?? { reportKey: reports[i]?.key ?? '', error: new GraphAccessError('not processed', undefined, undefined, undefined) });
  }

  private reportLookupPath(reportsPath: string, reportKey: string): string {
    return withQuery(reportsPath, { $filter: `fields/ReportKey eq ${odataString(reportKey)}`, $expand: 'fields($select=ReportKey,ImportState)', $select: 'id' });
  }

  /** Records what a look-up found of a report's item: that it exists, its id and its import state. */
  private noteReportItem(p: ImportPlan, item: GraphItem | undefined): void {
    if (!item) return;
    p.hasReport = true;
    p.reportItemId = String(item.id);
    const state = item.fields?.ImportState;
    p.state = state === 'complete' || state === 'importing' ? state : null;
  }

  /**
   * Sets `ImportState = complete` on the report items of `plans` (every row of each exists): one PATCH per report,
   * 20 per `$batch`. Safe to replay (it sets a constant). A report item created by a concurrent import (409) has no
   * known id: it is looked up first (an extra batch, only in that race). A failed mark is a failure of the report
   * (re-run to resume: the next run finds every row, creates nothing and marks it).
   */
  private async markComplete(plans: ImportPlan[], reportsPath: string): Promise<void> {
    const unknown = plans.filter((p) => p.reportItemId === undefined);
    if (unknown.length > 0) {
      const found = await runBatched(this.client, unknown.map((p, k) => [{ id: `find-report-${k}`, method: 'GET' as const, url: this.reportLookupPath(reportsPath, p.report.key) }]), this.options.batch);
      unknown.forEach((p, k) => {
        const r = found.get(`find-report-${k}`);
        if (r?.status === 200) this.noteReportItem(p, toPage<GraphItem>(r.body).value[0]);
        else p.failures.push(this.stepError(r, `find report ${p.report.key}`));
      });
    }
    const marks = plans.filter((p) => p.failures.length === 0 && p.reportItemId !== undefined && p.state !== 'complete');
    const state: ImportState = 'complete';
    const answers = await runBatched(
      this.client,
      marks.map((p, k) => [{ id: `mark-${k}`, method: 'PATCH' as const, url: `${reportsPath}/${p.reportItemId as string}/fields`, body: { ImportState: state } }]),
      this.options.batch,
    );
    marks.forEach((p, k) => {
      const r = answers.get(`mark-${k}`);
      if (r?.status === 200) p.state = 'complete';
      else p.failures.push(this.stepError(r, `mark ${p.report.key} complete`));
    });
    for (const p of plans) if (p.failures.length === 0 && p.state !== 'complete') p.failures.push(new GraphAccessError(`mark ${p.report.key} complete: its report item was not found`, undefined, undefined, undefined));
  }

  // ------------------------------------------------------------------ assignment

  async assignRows(rowKeys: readonly string[], divisionCode: string): Promise<AssignResult> {
    if (!this.options.actor.isSecretariat) throw new PermissionError(`${this.options.actor.displayName} is not the secretariat; only the secretariat assigns rows to divisions.`);
    const keys = [...new Set(rowKeys)];
    const groups = keys.map((k, i) => [{ id: `find-${i}`, method: 'GET' as const, url: withQuery(this.rowsPath, { $filter: `fields/RowKey eq ${odataString(k)}`, $expand: ROW_EXPAND, $select: ITEM_SELECT }) }]);
    const found = await runBatched(this.client, groups, this.options.batch);
    const rows: StoredRow[] = [];
    const missing: string[] = [];
    keys.forEach((k, i) => {
      const r = found.get(`find-${i}`);
      if (r?.status !== 200) throw this.stepError(r, `find row ${k}`);
      const item = toPage<GraphItem>(r.body).value[0];
      if (!item) {
        missing.push(k);
        return;
      }
      const parsed = this.toStoredRow(item);
      if (!parsed.ok) throw new ValidationError(parsed.issues);
      rows.push(parsed.row);
    });
    const previous = new Map(rows.map((r) => [r.itemId, r.row.division]));
    // DivisionCode through the normal save path (If-Match, merge on 412).
    const saved = await this.saveChanges(rows.map((r) => ({ base: r, mine: { ...r, row: { ...r.row, division: divisionCode } } })));
    const failed = saved.find((s) => s.outcome === 'failed' || s.outcome === 'denied' || s.outcome === 'conflict');
    if (failed) throw failed.error ?? new ConflictError(`Row ${failed.rowKey}: DivisionCode was changed meanwhile`, failed.conflicts);
    await this.setItemPermissions(rows.map((r) => ({ itemId: r.itemId, previous: previous.get(r.itemId) ?? null })), divisionCode);
    return { divisionCode, assigned: rows.map((r) => r.rowKey), missing };
  }

  /**
   * Permissions of the Rows list, set once per store (then cached): the list gets its own role assignments, made
   * of exactly the secretariat (Full Control), the reviewers (Read) and the reader groups (Read; e.g. every division,
   * so divisions see the whole ministry). Assigned items copy this set, so it must be explicit: a list that still
   * inherits from the site would hand every site Member's Edit (a team site's default) to each assigned row.
   * An existing unique list keeps its assignments; the reader groups are (re-)added, which SharePoint ignores when
   * present. Calls: 1 check + (first time) 1 break + 2 adds, + 1 add per reader group.
   */
  private async ensureListPermissions(sp: SharePointRest, groups: PermissionGroups, ids: { secretariat: number; reviewers: number; full: number; read: number }): Promise<void> {
    const list = LIST_NAMES.Rows;
    if (!(await sp.hasUniqueRoleAssignments(list))) {
      // clearSubscopes=false: rows assigned earlier keep their own permissions.
      await sp.breakInheritance(list, undefined, false, false);
      await sp.addRoleAssignment(list, undefined, ids.secretariat, ids.full);
      await sp.addRoleAssignment(list, undefined, ids.reviewers, ids.read);
    }
    for (const name of groups.readers) await sp.addRoleAssignment(list, undefined, await sp.groupId(name), ids.read);
  }

  /**
   * Item permissions of assigned rows: each item copies the list's explicit set (secretariat Full Control, reviewers
   * and reader groups Read), then the division's group gets Edit and the reviewers `reviewerRole`. A previous
   * division's Edit is removed on reassignment (its Read, if it is a reader, stays). A repeated add is kept as is and
   * a repeated break changes nothing on an item that already has its own assignments (the local service does so;
   * SharePoint's documentation does not say), so a re-run after a failure converges.
   * Calls per row: break + division Edit (+ reviewers Contribute) (+ remove on reassignment) — 3 by default.
   */
  private async setItemPermissions(items: { itemId: string; previous: string | null }[], divisionCode: string): Promise<void> {
    const groups = this.options.groups ?? DEFAULT_PERMISSION_GROUPS;
    this.sp ??= new SharePointRest(this.options.connection, { webUrl: this.site.webUrl });
    const sp = this.sp;
    const [division, secretariat, reviewers, edit, full, read, contribute] = await Promise.all([
      sp.groupId(groups.divisionGroup(divisionCode)),
      sp.groupId(groups.secretariat),
      sp.groupId(groups.reviewers),
      sp.roleId(ROLE_NAMES.Edit),
      sp.roleId(ROLE_NAMES.FullControl),
      sp.roleId(ROLE_NAMES.Read),
      sp.roleId(ROLE_NAMES.Contribute),
    ]);
    this.listPermissions ??= this.ensureListPermissions(sp, groups, { secretariat, reviewers, full, read }).catch((error: unknown) => {
      // Not cached when it failed: the next assignment tries again.
      this.listPermissions = undefined;
      throw error;
    });
    await this.listPermissions;
    const list = LIST_NAMES.Rows;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const item = items[next++] as { itemId: string; previous: string | null };
        await sp.breakInheritance(list, item.itemId, true, true);
        if (groups.reviewerRole === 'Contribute') await sp.addRoleAssignment(list, item.itemId, reviewers, contribute);
        if (item.previous !== null && item.previous !== divisionCode) {
          const old = await sp.groupId(groups.divisionGroup(item.previous));
          await sp.removeRoleAssignment(list, item.itemId, old, edit);
        }
        await sp.addRoleAssignment(list, item.itemId, division, edit);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.permissionConcurrency ?? 4, items.length) }, worker));
  }
}

/** One report of an import: what to write, what the list already holds, and how far this run got. */
interface ImportPlan {
  index: number;
  report: Report;
  records: RowRecord[];
  reportFields: Fields;
  hasReport: boolean;
  /** Id of the report item, when known (found by the look-up or created by this run). */
  reportItemId: string | undefined;
  /** ImportState of the report item (null: no item yet, or an item from schema 1 without the column). */
  state: ImportState | null;
  present: Set<string>;
  progress: ImportProgress;
  /** Creates answered 409: the item was there already (counted as present). */
  raced: number;
  failures: AppError[];
}

/** The items a report becomes, or every reason it cannot be stored (before anything is written). */
function prepareImport(report: Report): { records: RowRecord[]; reportFields: Fields } | ValidationError {
  const issues: Issue[] = [];
  if (report.fiscalYear === null) issues.push({ field: 'fiscalYear', reason: '年度が不明です / the fiscal year is unknown' });
  if (report.organizationCode === null) issues.push({ field: 'organizationCode', reason: '府省等コードが不明です（--org で指定）/ the 府省等 code is unknown (give it with --org)' });
  if (issues.length > 0) return new ValidationError(issues);
  const fiscalYear = report.fiscalYear as number;
  const orgCode = report.organizationCode as string;
  const records: RowRecord[] = report.rows.map((row) => ({ rowKey: toListRowKey(report.key, row.key), reportKey: report.key, fiscalYear, orgCode, row, reviewComment: null }));
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.rowKey)) issues.push({ row: r.row.key, field: 'key', reason: 'duplicate row key in the report' });
    seen.add(r.rowKey);
    issues.push(...checkRowFields(toRowFields(r), r.rowKey));
  }
  const importing: ImportState = 'importing';
  const reportFields = { ...toReportFields(report, records.length), ImportState: importing };
  issues.push(...checkReportFields(reportFields, report.key));
  return issues.length > 0 ? new ValidationError(issues) : { records, reportFields };
}

function dropNulls(fields: Fields): Fields {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
}

/** Batches needed to write `n` items (the theoretical minimum for saves and creates). */
export const minimumBatches = (n: number): number => Math.ceil(n / MAX_BATCH_SIZE);
