/**
 * Ports: interfaces implemented at the edges (style guide 11.2). Every surface (Teams tab, Excel add-in, manager
 * view) reads and writes follow-up rows through FollowUpStore (#4, #10): open a scope, save, refresh, history. The
 * secretariat's operations (import, assignment, audit) are FollowUpAdmin. src/graph implements both over Microsoft
 * Graph, against real Graph or the local Graph-compatible service, unchanged.
 */
import type { AppError, FieldConflict, Issue } from './errors.js';
import type { RowRecord } from './lists/row-fields.js';
import type { Report, Row } from './model/schema.js';
import type { Denial } from './permissions/rules.js';

/** What a token is for: Graph, or SharePoint REST on one tenant origin (item permissions need the latter). */
export type TokenRequest = { resource: 'graph' } | { resource: 'sharepoint'; origin: string };

/** Supplies bearer tokens. The local sign-in and (later) MSAL plug in here. */
export interface TokenProvider {
  /** @throws PermissionError when no token can be obtained without user interaction. */
  getToken(request: TokenRequest): Promise<string>;
}

export interface Clock {
  now(): Date;
}

/**
 * The part of AbortSignal the store needs (core has no DOM types; a real AbortSignal fits). When it fires, nothing
 * more is sent and the call rejects with AbortedError.
 */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Options of a cancellable read. */
export interface ReadOptions {
  signal?: CancelSignal;
  /**
   * A read nobody is waiting for (a view's background refresh, #10): each request is sent once, never retried on
   * 429/503/504 or a network error, and the error comes back at once. Its scheduler waits out Retry-After and the
   * RateLimit headers itself; retrying here as well would spend the tenant's budget twice on a throttled service.
   */
  background?: boolean;
}

/** A row as stored: the domain record plus the item's identity and concurrency token. */
export interface StoredRow extends RowRecord {
  itemId: string;
  /** Opaque; sent back verbatim in If-Match. */
  eTag: string;
  /** ISO timestamp from the service clock. */
  lastModified: string;
}

/** Which rows a view holds: one division of an organisation, or the whole organisation (managers). */
export interface RowScope {
  fiscalYear: number;
  orgCode: string;
  divisionCode?: string;
}

/**
 * Where a refresh continues from. JSON-serialisable so a surface can persist it; otherwise opaque.
 * `delta` uses Graph delta on list items; `modified` is the fallback (indexed Modified query) for clouds without it.
 */
export type RefreshCursor =
  | { mode: 'delta'; scope: RowScope; deltaLink: string }
  | { mode: 'modified'; scope: RowScope; since: string; seenAtEdge: Record<string, string> };

/** An item the mapping could not read (hand-edited in SharePoint, say): shown to the secretariat, never dropped silently. */
export interface UnreadableItem {
  itemId: string;
  issues: Issue[];
}

/** An unreadable FollowUpRows item with what can still be told of it (its RowKey, title and division when readable). */
export interface UnreadableRow extends UnreadableItem {
  rowKey: string | null;
  title: string | null;
  divisionCode: string | null;
}

export interface RowSet {
  rows: StoredRow[];
  cursor: RefreshCursor;
  unreadable: UnreadableItem[];
}

export interface RefreshResult {
  /** Rows in scope created or changed since the cursor (latest state of each). */
  changed: StoredRow[];
  /** Item ids deleted, or moved out of the scope (reassigned), since the cursor. Delta mode only reports deletions. */
  removedItemIds: string[];
  cursor: RefreshCursor;
  unreadable: UnreadableItem[];
  /** The cursor had expired (delta 410): `changed` holds the whole scope; replace, do not patch. */
  resynced: boolean;
}

/** One edited row: the stored row the edit started from, and the record as the user wants it. */
export interface RowEdit {
  base: StoredRow;
  mine: RowRecord;
}

/** Properties an outcome does not have (so `result.stored` reads as undefined there instead of failing to compile). */
type Absent<K extends string> = { [P in K]?: undefined };

/** A row written as asked, or with others' changes to other fields folded in, or found unchanged. */
interface StoredOutcome {
  rowKey: string;
  /** The row as stored after the save. Use it as the next edit's base. */
  stored: StoredRow;
}

/**
 * What happened to one edited row, by `outcome` (a discriminated union: each outcome carries what it needs).
 * - `saved`: every value asked for is in the list (also when the answer to our write was lost and the write is found
 *   there on a re-read). `stored` may include changes others made to other fields meanwhile.
 * - `merged`: the row had changed meanwhile; the edit touched other fields and was written on top (three-way merge).
 * - `unchanged`: nothing to write; nothing was sent.
 * - `conflict`: some fields were changed on both sides: those keep the stored value (see `conflicts`), the rest was
 *   written.
 * - `denied`: refused, by the permission rule before anything was sent (`denial`), or by the service (403).
 * - `failed`: the service refused or failed (see `error`); nothing more of this row was written. When a write of it
 *   was sent but its answer never came, the next save from the same base finds it and reports `saved`.
 */
export type SaveResult =
  | ({ outcome: 'saved' } & StoredOutcome & Absent<'conflicts' | 'denial' | 'error'>)
  | ({ outcome: 'merged' } & StoredOutcome & Absent<'conflicts' | 'denial' | 'error'>)
  | ({ outcome: 'unchanged' } & StoredOutcome & Absent<'conflicts' | 'denial' | 'error'>)
  | ({ outcome: 'conflict'; conflicts: FieldConflict[] } & StoredOutcome & Absent<'denial' | 'error'>)
  | ({ outcome: 'denied'; rowKey: string; denial?: Denial; error: AppError } & Absent<'stored' | 'conflicts'>)
  | ({ outcome: 'failed'; rowKey: string; error: AppError; stored?: StoredRow } & Absent<'conflicts' | 'denial'>);

export type SaveOutcome = SaveResult['outcome'];

/** Who made a version and when, and the row as it was then. */
export interface RowVersion {
  /** The version label (`3.0`). */
  versionId: string;
  /** ISO timestamp. */
  modifiedAt: string;
  /** Display name and id of the user who made it, as the service reports them (null when it does not). */
  modifiedBy: { id?: string; displayName?: string; email?: string } | null;
  /** The row at this version; null when its fields cannot be read (see issues). */
  record: RowRecord | null;
  issues: Issue[];
  /** Columns whose value differs from the previous (older) version; every column set for the first one. */
  changedFields: string[];
  /** The changed columns' values before (null for the first version) and after, as stored (change history, #12). */
  changes?: { field: string; before: unknown; after: unknown }[];
}

export interface ImportProgress {
  reportKey: string;
  totalRows: number;
  /** Rows that were already in the list when this run started (a resumed import). */
  alreadyPresent: number;
  /** Rows created by this run so far. */
  created: number;
}

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  /** Stops between batches (AbortSignal fits). A re-run resumes where the list says the import stopped. */
  signal?: { readonly aborted: boolean };
}

export interface ImportSummary extends ImportProgress {
  /**
   * True when the report's import has completed: its report item says so (`ImportState = complete`), set once the
   * item and one list item per row existed. A completed import is never resumed: a row deleted afterwards stays
   * deleted (a re-run reports it `complete` with `created: 0` and `alreadyPresent` below `totalRows`).
   */
  complete: boolean;
}

/** What happened to one report of a multi-report import: a summary, or why it was not (completely) stored. */
export interface ReportImportOutcome {
  reportKey: string;
  summary?: ImportSummary;
  /** ValidationError (nothing of this report was written), or the failure that stopped it (re-run to resume). */
  error?: AppError | Error;
}

export interface AssignResult {
  divisionCode: string;
  assigned: string[];
  /** Row keys not found in the list. */
  missing: string[];
  /** What the secretariat should know (e.g. the permission level is missing, so Edit stood in for it). */
  warnings?: string[];
}

/** The data layer every surface uses (Teams tab, Excel add-in, manager view). Nothing here needs the secretariat. */
export interface FollowUpStore {
  /**
   * The rows of a scope (a division's rows of a fiscal year, or a whole organisation's), with a cursor for refresh.
   * @throws PermissionError, ThrottledError, GraphAccessError; AbortedError when `signal` fires
   */
  open(scope: RowScope, options?: ReadOptions): Promise<RowSet>;
  /** Writes only changed fields with If-Match; merges on 412. Never throws for per-row problems: see each result. */
  saveChanges(edits: readonly RowEdit[]): Promise<SaveResult[]>;
  /** Rows changed since the cursor. @throws as open */
  refresh(cursor: RefreshCursor, options?: ReadOptions): Promise<RefreshResult>;
  /** The row's versions, newest first: who changed it, when, and the values at each version. @throws as open */
  history(row: Pick<StoredRow, 'itemId' | 'rowKey'>, options?: ReadOptions): Promise<RowVersion[]>;
}

/** One row whose tie to its report or division was changed by someone other than the secretariat's tools. */
export interface AuditFinding {
  itemId: string;
  /** The RowKey the secretariat's record holds (null: the item is not in the record, e.g. created by hand). */
  expectedRowKey: string | null;
  /**
   * Fields whose value differs from the record (RowKey, ReportKey, DivisionCode, SourceRaw), or `missing`; and each
   * secretariat field (Title, FiscalYear, SortOrder…) changed since the row was recorded, with `expected` = the value
   * before the change and who/when changed it.
   */
  fields: { field: string; expected: string | null; actual: string | null; changedBy?: string; changedAt?: string }[];
  /** Who changed it and when: the version that introduced the current value (of the most recently changed field). */
  changedBy: string | null;
  changedAt: string | null;
}

export interface AuditReport {
  /** Rows compared. */
  checked: number;
  findings: AuditFinding[];
  /** Rows the record holds that are no longer in the list (deleted). */
  missing: { rowKey: string; reportKey: string }[];
  /** Graph requests the audit made (reads only). */
  requests: number;
}

/** A row the secretariat adds to a report that exists. `row.key` is report-local; `row.division` (or null) is assigned. */
export interface NewRow {
  reportKey: string;
  row: Row;
}

/** A row the secretariat deletes, as last read: the delete carries its eTag (If-Match). */
export type RowToDelete = Pick<StoredRow, 'itemId' | 'eTag' | 'rowKey' | 'reportKey'> & { row: Pick<Row, 'key'> };

export interface CreateRowsResult {
  /** The rows as stored, in the order given. */
  created: StoredRow[];
  /** List row keys already in the list (not created). */
  taken: string[];
}

export interface DeleteRowsResult {
  /** List row keys deleted (or already gone). */
  deleted: string[];
  /** Rows changed since they were read (If-Match failed): not deleted; read them again and decide. */
  changed: string[];
}

/** The secretariat's operations (provisioning lives in src/graph/provision.ts). */
export interface FollowUpAdmin {
  /**
   * Creates the report and its rows with client-generated keys, then marks the report's import complete.
   * Resumable: an import that did not complete (crash, timeout, abort) is resumed by a re-run, which skips rows
   * already in the list, so it never duplicates; a completed import is not resumed, so rows deleted afterwards
   * are not re-created. Existing rows are never overwritten.
   * @throws ValidationError before anything is written when the report cannot be stored.
   */
  importReport(report: Report, options?: ImportOptions): Promise<ImportSummary>;
  /**
   * Imports several reports (a document) with the guarantees of importReport, their look-ups and creates packed
   * together into as few `$batch` requests as possible. One outcome per report, in order: a report that cannot be
   * stored (ValidationError, nothing of it written) or fails does not stop the others. Never throws for per-report
   * problems; `onProgress` reports each report a batch touched.
   */
  importReports(reports: readonly Report[], options?: ImportOptions): Promise<ReportImportOutcome[]>;
  /** Assigns rows to a division (secretariat): sets DivisionCode and the item permissions. */
  assignRows(rowKeys: readonly string[], divisionCode: string): Promise<AssignResult>;
  /**
   * Adds rows to reports that exist (secretariat, #11): items created with their keys, recorded in the ledger, item
   * permissions of assigned rows set as assignRows sets them. A key in use is not created (`taken`).
   * @throws PermissionError, ValidationError (a closed cycle, a missing report, a value the list refuses: nothing written)
   */
  createRows(rows: readonly NewRow[]): Promise<CreateRowsResult>;
  /**
   * Deletes rows (secretariat, #11) with If-Match, and forgets them in the ledger. Refused for a closed cycle.
   * @throws PermissionError, ValidationError (nothing deleted)
   */
  deleteRows(rows: readonly RowToDelete[]): Promise<DeleteRowsResult>;
  /**
   * Compares every row's RowKey, ReportKey, DivisionCode and SourceRaw with the record the secretariat's tools keep
   * where divisions cannot write, and lists the differences (SharePoint cannot protect single fields). Reads only.
   */
  audit(options?: ReadOptions): Promise<AuditReport>;
}
