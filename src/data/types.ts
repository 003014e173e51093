/**
 * Shapes of the UI data layer (#10): a framework-free cache of one scope's rows with optimistic, per-field edit
 * state, drafts that survive a reload, and saves and refreshes through the follow-up store. React binds to it with
 * thin hooks (useSyncExternalStore); the Excel task pane and the manager view use the same cache.
 */
import type { AppError } from '../core/errors.js';
import type { EditableField, FieldValue } from '../core/edit/fields.js';
import type { RowRecord } from '../core/lists/row-fields.js';
import type { Denial } from '../core/permissions/rules.js';
import type { RefreshCursor, RefreshResult, RowEdit, RowScope, RowSet, SaveResult, StoredRow, UnreadableItem } from '../core/ports.js';
import type { ValidationIssue } from '../core/validate/index.js';

/** Where a field stands between the person's keyboard and the list. */
export type FieldState =
  /** As stored. */
  | 'clean'
  /** Changed here, not yet saved (kept as a draft in the browser). */
  | 'edited'
  /** Sent; waiting for the answer. */
  | 'saving'
  /** Stored by the last save. */
  | 'saved'
  /** Someone else changed the same field meanwhile: the person decides (mine / theirs / a new value). */
  | 'conflict'
  /** The last save of this field failed (throttled, offline, refused): the edit is kept; retry. */
  | 'failed';

/** One field's state as a view shows it. */
export interface FieldView {
  state: FieldState;
  /** The value shown: the edit when there is one, else the stored value. */
  value: FieldValue;
  /** For `conflict`: the value both sides started from, mine, and the one stored now. */
  conflict?: { base: FieldValue; mine: FieldValue; theirs: FieldValue };
  /** For `failed`: why, in both languages. */
  error?: { ja: string; en: string; retryable: boolean };
}

/** One row as a view shows it. */
export interface RowView {
  rowKey: string;
  /** The row as stored (the base of the current edits). */
  stored: StoredRow;
  /** The row with the current edits applied (what the person sees). */
  current: RowRecord;
  /** Fields with an edit, a conflict, a failure or a fresh save; absent fields are clean. */
  fields: Partial<Record<EditableField, FieldView>>;
  /** Validation of the current values, limited to the fields a person fills in. */
  issues: readonly ValidationIssue[];
  /** True when any field has an unsaved edit or an open conflict. */
  dirty: boolean;
}

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** Everything a view renders, as one immutable value (a new object after every change). */
export interface CacheSnapshot {
  status: LoadStatus;
  error?: AppError;
  rows: readonly RowView[];
  /** Items the mapping could not read (hand-edited in SharePoint): shown, never dropped silently. */
  unreadable: readonly UnreadableItem[];
  /** Drafts of rows that are no longer in the scope (deleted or reassigned): kept until the person discards them. */
  orphanDrafts: readonly DraftRow[];
  saving: boolean;
  /** Rows with an unsaved edit or an open conflict. */
  dirtyCount: number;
  conflictCount: number;
  failedCount: number;
  canUndo: boolean;
  canRedo: boolean;
  /** ISO time of the last successful read (open or refresh). */
  lastSyncedAt: string | null;
  /** Set when drafts cannot be kept in the browser (storage full or blocked): a reload would lose unsaved edits. */
  draftWarning?: { ja: string; en: string };
  /** The last background refresh failed (offline, throttled): the rows shown may be out of date. */
  refreshError?: AppError;
}

/** What the cache needs of the follow-up store (the surface part of FollowUpStore). */
export interface RowsSource {
  open(scope: RowScope, options?: { signal?: AbortSignal }): Promise<RowSet>;
  saveChanges(edits: readonly RowEdit[]): Promise<SaveResult[]>;
  /** `background`: nobody waits for it; each request is sent once (ReadOptions.background). */
  refresh(cursor: RefreshCursor, options?: { signal?: AbortSignal; background?: boolean }): Promise<RefreshResult>;
}

/** One row's unsaved edits as kept in the browser: the values the edits started from, and the edits. */
export interface DraftRow {
  rowKey: string;
  /** eTag of the stored row the edits started from. */
  baseETag: string;
  /** Title, to name the row when it is no longer in the scope. */
  title: string;
  base: Partial<Record<EditableField, FieldValue>>;
  mine: Partial<Record<EditableField, FieldValue>>;
}

/** Where drafts live between visits (IndexedDB in the browser, memory in tests). Keyed per user and scope. */
export interface DraftStore {
  load(key: string): Promise<DraftRow[]>;
  save(key: string, rows: readonly DraftRow[]): Promise<void>;
  clear(key: string): Promise<void>;
  /** Every key held (signing out on a shared PC clears them all after asking). */
  keys(): Promise<string[]>;
}

/** Why a field cannot be edited by this person, when it cannot. */
export interface EditDenial {
  ja: string;
  en: string;
  reason: Denial['reason'] | 'not-in-layout' | 'read-only-row' | 'review-locked';
}

/** One change to one field (an edit, a paste cell, an undo step). */
export interface FieldChange {
  rowKey: string;
  field: EditableField;
  value: FieldValue;
}

/** What a save did, for the status line. */
export interface SaveSummary {
  rows: number;
  saved: number;
  conflicts: number;
  failed: number;
  denied: number;
}
