/**
 * The follow-up store over Microsoft Graph (#4, #10), unchanged against real Graph and the local service.
 *
 * - GraphFollowUpStore implements FollowUpStore, what every surface uses: open (./read-rows.ts), saveChanges
 *   (./save-rows.ts), refresh (./refresh-rows.ts), history (./history.ts). Free of Node APIs: it bundles for the
 *   browser.
 * - GraphFollowUpAdmin adds FollowUpAdmin, the secretariat's operations: importReport(s) (./import-reports.ts),
 *   assignRows (./assign-rows.ts), createRows/deleteRows (./structure-rows.ts), audit (./audit.ts). Provisioning is
 *   ./provision.ts.
 *
 * Each concern lives in its own module and takes the StoreContext (./store-context.ts); retries are the connection's
 * one policy (./retry.ts), errors the one mapping (./to-app-error.ts).
 */
import type { Report } from '../core/model/schema.js';
import type { Actor } from '../core/permissions/rules.js';
import type {
  AssignResult,
  AuditReport,
  CreateRowsResult,
  DeleteRowsResult,
  FollowUpAdmin,
  FollowUpStore,
  ImportOptions,
  ImportSummary,
  NewRow,
  ReadOptions,
  RefreshCursor,
  RefreshResult,
  ReportImportOutcome,
  RowEdit,
  RowScope,
  RowSet,
  RowToDelete,
  RowVersion,
  SaveResult,
  StoredRow,
} from '../core/ports.js';
import { LIST_NAMES } from '../core/lists/schema.js';
import { assignRows, DEFAULT_PERMISSION_GROUPS, regrantAssignedRows, type AssignState, type PermissionGroups } from './assign-rows.js';
import { auditRows } from './audit.js';
import { MAX_BATCH_SIZE, type RunOptions } from './batch.js';
import type { GraphConnection } from './create-graph-client.js';
import { rowHistory } from './history.js';
import { importReport, importReports, type AdminLists } from './import-reports.js';
import { recordAllRows } from './ledger.js';
import { openRows } from './read-rows.js';
import { refreshRows } from './refresh-rows.js';
import { saveRows } from './save-rows.js';
import { createRows, deleteRows } from './structure-rows.js';
import { resolveSite, type ResolvedSite, type SiteRef } from './site.js';
import { asAbortSignal, resolveListId, type RefreshMode, type StoreContext } from './store-context.js';

export { DEFAULT_PERMISSION_GROUPS, type PermissionGroups } from './assign-rows.js';
export type { RefreshMode } from './store-context.js';

export interface GraphFollowUpStoreOptions {
  connection: GraphConnection;
  /** A site URL, host:/path or id (resolved: 1 request), or a site already resolved (no request). */
  site: string | SiteRef | { id: string } | ResolvedSite;
  /** Who is editing: the core rule checks every edit before anything is sent. */
  actor: Actor;
  refreshMode?: RefreshMode;
  /** `$top` for item queries; the service may return fewer per page (nextLink is always followed). */
  pageSize?: number;
  /** Batch scheduling; `policy`/`runtime` override the connection's retry policy for this store's batches. */
  batch?: RunOptions;
  /** Window re-read by the Modified fallback to cover clock granularity; items already seen are filtered out. */
  modifiedOverlapMs?: number;
  /** Cancels opening the store (site and list resolution). */
  signal?: ReadOptions['signal'];
}

export interface GraphFollowUpAdminOptions extends GraphFollowUpStoreOptions {
  groups?: PermissionGroups;
  /** Parallel SharePoint REST calls when assigning rows. */
  permissionConcurrency?: number;
}

/** Resolves the site and the Rows list (2 requests, 1 for a resolved site; retried like every read: a dropped connection does not fail them). */
export async function openContext(options: GraphFollowUpStoreOptions): Promise<StoreContext> {
  const { connection } = options;
  const signal = asAbortSignal(options.signal);
  const given = options.site;
  const site = typeof given === 'object' && 'webUrl' in given ? given : await resolveSite(connection.client, given, signal);
  const rowsListId = await resolveListId(connection.client, site, LIST_NAMES.Rows, signal);
  return {
    connection,
    client: connection.client,
    site,
    rowsListId,
    rowsPath: `/sites/${site.id}/lists/${rowsListId}/items`,
    actor: options.actor,
    pageSize: options.pageSize ?? 5000,
    batch: { policy: connection.retry.policy, runtime: connection.retry.runtime, ...options.batch },
    modifiedOverlapMs: options.modifiedOverlapMs ?? 5000,
    refreshMode: options.refreshMode ?? 'auto',
  };
}

/**
 * Opens the surface store: resolves the site and the Rows list once (2 requests).
 * @throws NotFoundError when the site is not provisioned (or the user cannot see the Rows list)
 */
export async function openGraphFollowUpStore(options: GraphFollowUpStoreOptions): Promise<GraphFollowUpStore> {
  return new GraphFollowUpStore(await openContext(options));
}

/**
 * Opens the secretariat's store (surface + admin). The Reports list and the ledger are resolved when an import,
 * assignment or audit first needs them.
 */
export async function openGraphFollowUpAdmin(options: GraphFollowUpAdminOptions): Promise<GraphFollowUpAdmin> {
  return new GraphFollowUpAdmin(await openContext(options), options);
}

export class GraphFollowUpStore implements FollowUpStore {
  constructor(protected readonly ctx: StoreContext) {}

  get site(): ResolvedSite {
    return this.ctx.site;
  }

  get rowsListId(): string {
    return this.ctx.rowsListId;
  }

  /** The store's context, for modules that work beside it (the review cycle, #12). */
  get context(): StoreContext {
    return this.ctx;
  }

  /** The refresh mode in effect (`auto` resolves to `delta` or `modified` on first use). */
  get refreshMode(): RefreshMode {
    return this.ctx.refreshMode;
  }

  open(scope: RowScope, options?: ReadOptions): Promise<RowSet> {
    return openRows(this.ctx, scope, options);
  }

  saveChanges(edits: readonly RowEdit[]): Promise<SaveResult[]> {
    return saveRows(this.ctx, edits);
  }

  refresh(cursor: RefreshCursor, options?: ReadOptions): Promise<RefreshResult> {
    return refreshRows(this.ctx, cursor, options);
  }

  history(row: Pick<StoredRow, 'itemId' | 'rowKey'>, options?: ReadOptions): Promise<RowVersion[]> {
    return rowHistory(this.ctx, row, options);
  }
}

export class GraphFollowUpAdmin extends GraphFollowUpStore implements FollowUpAdmin {
  private lists: Promise<AdminLists> | undefined;
  private readonly assign: AssignState;

  constructor(ctx: StoreContext, options: Pick<GraphFollowUpAdminOptions, 'groups' | 'permissionConcurrency'> = {}) {
    super(ctx);
    this.assign = {
      groups: options.groups ?? DEFAULT_PERMISSION_GROUPS,
      permissionConcurrency: options.permissionConcurrency ?? 4,
      ledgerPath: async () => (await this.adminLists()).ledgerPath,
    };
  }

  /** The Reports list and the ledger (resolved once; not cached after a failure). */
  private adminLists(): Promise<AdminLists> {
    const { client, site } = this.ctx;
    this.lists ??= Promise.all([resolveListId(client, site, LIST_NAMES.Reports), resolveListId(client, site, LIST_NAMES.Ledger)])
      .then(([reports, ledger]) => ({ reportsPath: `/sites/${site.id}/lists/${reports}/items`, ledgerPath: `/sites/${site.id}/lists/${ledger}/items` }))
      .catch((error: unknown) => {
        this.lists = undefined;
        throw error;
      });
    return this.lists;
  }

  importReport(report: Report, options?: ImportOptions): Promise<ImportSummary> {
    return importReport(this.ctx, () => this.adminLists(), report, options);
  }

  importReports(reports: readonly Report[], options?: ImportOptions): Promise<ReportImportOutcome[]> {
    return importReports(this.ctx, () => this.adminLists(), reports, options);
  }

  assignRows(rowKeys: readonly string[], divisionCode: string): Promise<AssignResult> {
    return assignRows(this.ctx, this.assign, rowKeys, divisionCode);
  }

  createRows(rows: readonly NewRow[]): Promise<CreateRowsResult> {
    return createRows(this.ctx, () => this.adminLists(), this.assign, rows);
  }

  deleteRows(rows: readonly RowToDelete[]): Promise<DeleteRowsResult> {
    return deleteRows(this.ctx, () => this.adminLists(), rows);
  }

  async audit(options?: ReadOptions): Promise<AuditReport> {
    return auditRows(this.ctx, (await this.adminLists()).ledgerPath, options);
  }

  /** Upgrade to schema 4: records every existing row in the ledger as it is now (see recordAllRows). */
  async recordExistingRows(): Promise<{ rows: number; reports: number; stored: StoredRow[] }> {
    return recordAllRows(this.ctx, (await this.adminLists()).ledgerPath);
  }

  /** Upgrade to schema 4: gives rows assigned with Edit/Contribute the permission level instead (see regrantAssignedRows). */
  regrantAssignedRows(rows: readonly StoredRow[]): Promise<number> {
    return regrantAssignedRows(this.ctx, this.assign, rows);
  }
}

/** Batches needed to write `n` items (the theoretical minimum for saves and creates). */
export const minimumBatches = (n: number): number => Math.ceil(n / MAX_BATCH_SIZE);
