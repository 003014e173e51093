/**
 * Ports: interfaces implemented at the edges (style guide 11.2). Every surface (Teams tab, Excel add-in, manager
 * view, importer) reads and writes follow-up rows through FollowUpStore (#4); src/graph implements it over Microsoft
 * Graph, against real Graph or the local Graph-compatible service, unchanged.
 */
import type { AppError, FieldConflict, Issue } from './errors.js';
import type { RowRecord } from './lists/row-fields.js';
import type { Report } from './model/schema.js';
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

export type SaveOutcome =
  /** Written as asked. */
  | 'saved'
  /** The row changed meanwhile; the edits touched other fields and were merged and written. */
  | 'merged'
  /** Nothing changed; nothing was sent. */
  | 'unchanged'
  /** Some fields were changed on both sides: those keep the stored value (see conflicts); the rest was written. */
  | 'conflict'
  /** The permission rule refused the edit; nothing was sent. */
  | 'denied'
  /** The service refused or failed (see error); nothing of this row was written. */
  | 'failed';

export interface SaveResult {
  rowKey: string;
  outcome: SaveOutcome;
  /** The row as stored after the save (for saved/merged/conflict/unchanged). Use it as the next edit's base. */
  stored?: StoredRow;
  conflicts: FieldConflict[];
  denial?: Denial;
  error?: AppError;
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
}

/** The data layer every surface uses. */
export interface FollowUpStore {
  /** A division's rows for a fiscal year, with a cursor for refresh. @throws PermissionError, ThrottledError, GraphAccessError */
  openDivision(fiscalYear: number, orgCode: string, divisionCode: string): Promise<RowSet>;
  /** A whole organisation's rows for a fiscal year (managers, secretariat). */
  openOrganization(fiscalYear: number, orgCode: string): Promise<RowSet>;
  /** Writes only changed fields with If-Match; merges on 412. Never throws for per-row problems: see each result. */
  saveChanges(edits: readonly RowEdit[]): Promise<SaveResult[]>;
  /** Rows changed since the cursor. */
  refresh(cursor: RefreshCursor): Promise<RefreshResult>;
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
}
