/**
 * The row cache of one scope (#10): the rows a view shows, the person's edits on top of them with a state per field,
 * drafts kept in the browser until saved, saves and refreshes through the follow-up store. Framework-free (TanStack
 * Query's core is the model): views subscribe and read immutable snapshots; React binds with useSyncExternalStore.
 *
 * Invariants:
 * - An edit is never dropped without the person's decision: a failed save keeps it (state `failed`, retry), a
 *   refresh that brings someone else's change to the same field turns it into a `conflict`, a draft whose row left
 *   the scope becomes an orphan draft shown until discarded.
 * - Disjoint changes merge silently: a remote change to a field the person did not edit replaces the stored value.
 * - The stored row (`stored`) is always the base the edits apply to; saves send `{ base: stored, mine }` so the
 *   store's If-Match and three-way merge work on the right base.
 */
import { AppError, GraphAccessError, PermissionError, ThrottledError, ValidationError } from '../core/errors.js';
import { EDITABLE_FIELDS, FIELD_COLUMNS, FIELD_GROUPS, readField, writeField, type EditableField, type FieldValue } from '../core/edit/fields.js';
import { FieldGroup } from '../core/lists/schema.js';
import { fillableColumns, layoutOfKey } from '../core/layouts/columns.js';
import type { RowRecord } from '../core/lists/row-fields.js';
import type { Report, Row } from '../core/model/schema.js';
import { checkEdit, type Actor } from '../core/permissions/rules.js';
import type { RefreshCursor, RowScope, SaveResult, StoredRow, UnreadableItem } from '../core/ports.js';
import { isSameValue } from '../core/sync/merge.js';
import { validateRow, type ValidationIssue } from '../core/validate/index.js';
import type { CacheSnapshot, DraftRow, DraftStore, EditDenial, FieldChange, FieldView, LoadStatus, RowsSource, RowView, SaveSummary } from './types.js';

export interface RowCacheOptions {
  source: RowsSource;
  scope: RowScope;
  /** Who edits: the permission rule of src/core/permissions decides what they may change. */
  actor: Actor;
  drafts: DraftStore;
  /** Drafts are kept per user and scope (see draftKeyOf). */
  draftKey: string;
  now?: () => Date;
}

/** The key of a user's drafts for a scope. The user id is an opaque id (no UPN in storage keys). */
export function draftKeyOf(userId: string, scope: RowScope): string {
  return ['followup-drafts', userId, scope.orgCode, String(scope.fiscalYear), scope.divisionCode ?? '*'].join('|');
}

interface Conflict {
  base: FieldValue;
  mine: FieldValue;
  theirs: FieldValue;
}

interface Entry {
  stored: StoredRow;
  /** The person's values, per field. */
  edits: Map<EditableField, FieldValue>;
  /** Incremented by every edit of a field, so a save does not clear an edit typed while it was in flight. */
  editSeq: Map<EditableField, number>;
  conflicts: Map<EditableField, Conflict>;
  saving: Set<EditableField>;
  saved: Set<EditableField>;
  failed: Map<EditableField, { ja: string; en: string; retryable: boolean }>;
  view: RowView | null;
}

interface UndoStep {
  changes: { rowKey: string; field: EditableField; before: FieldValue; after: FieldValue }[];
}

const UNDO_LIMIT = 200;

const errorText = (error: unknown): { ja: string; en: string; retryable: boolean } => {
  if (error instanceof ThrottledError) {
    return { ja: 'サービスが混み合っているため保存できませんでした。編集内容は保持しています。しばらくしてから再試行してください。', en: 'The service is busy; the edit was not saved and is kept. Retry in a moment.', retryable: true };
  }
  if (error instanceof GraphAccessError && (error.statusCode === undefined || error.statusCode >= 500)) {
    return { ja: 'サービスに接続できないため保存できませんでした（オフライン、またはサービスの障害）。編集内容は保持しています。', en: 'The service could not be reached (offline or a service failure); the edit is kept. Retry when connected.', retryable: true };
  }
  if (error instanceof PermissionError) {
    return { ja: `この行を保存する権限がありません: ${error.message}`, en: `You may not save this row: ${error.message}`, retryable: false };
  }
  if (error instanceof ValidationError) return { ja: `保存できない値です: ${error.message}`, en: `The value cannot be stored: ${error.message}`, retryable: false };
  const message = error instanceof Error ? error.message : String(error);
  return { ja: `保存できませんでした: ${message}`, en: `The save failed: ${message}`, retryable: !(error instanceof AppError) };
};

/** The editable fields a row of this kind fills in its layout (数値 rows their figures, 調査 rows their answers). */
function fillableFields(row: Row, reportKey: string): ReadonlySet<EditableField> {
  const layout = layoutOfKey(reportKey) ?? layoutOfKey(row.key);
  const fields = new Set<EditableField>(['reviewState', 'reviewComment']);
  if (layout === null) return fields;
  const columns = fillableColumns(layout, row.kind);
  if (row.kind === 'indicator') {
    if (columns.length > 0) fields.add('indicatorValues');
  } else if (row.kind === 'survey') {
    if (columns.length > 0) fields.add('surveyAnswers');
  } else {
    for (const c of columns) if (c.id === 'status' || c.id === 'reasonNotPlanned' || c.id === 'narrative' || c.id === 'outcome') fields.add(c.id);
  }
  return fields;
}

const FIELD_OF_COLUMN = new Map<string, EditableField>(EDITABLE_FIELDS.map((f) => [FIELD_COLUMNS[f], f]));

/** Rules about what a person fills in; structure rules (keys, parents, references) are the secretariat's. */
const PERSON_FIELDS: ReadonlySet<string> = new Set(['status', 'reasonNotPlanned', 'narrative', 'outcome', 'indicatorValues', 'surveyAnswers', 'entries']);

export class RowCache {
  private readonly entries = new Map<string, Entry>();
  private order: string[] = [];
  private status: LoadStatus = 'idle';
  private error: AppError | undefined;
  private unreadable: readonly UnreadableItem[] = [];
  private orphans: DraftRow[] = [];
  private cursor: RefreshCursor | null = null;
  private lastSyncedAt: string | null = null;
  private savingNow: Promise<SaveSummary> | null = null;
  private readonly listeners = new Set<() => void>();
  private snapshot: CacheSnapshot | null = null;
  private undoStack: UndoStep[] = [];
  private redoStack: UndoStep[] = [];
  private draftWrites: Promise<void> = Promise.resolve();
  private loadSeq = 0;
  private readonly now: () => Date;
  private reviewLocks: ReadonlyMap<string, EditDenial> = new Map();

  constructor(private readonly options: RowCacheOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get scope(): RowScope {
    return this.options.scope;
  }

  // ------------------------------------------------------------------ subscription

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The current state; the same object until something changes (safe for useSyncExternalStore). */
  getSnapshot(): CacheSnapshot {
    this.snapshot ??= this.buildSnapshot();
    return this.snapshot;
  }

  private changed(rowKeys?: Iterable<string>): void {
    if (rowKeys) for (const k of rowKeys) { const e = this.entries.get(k); if (e) e.view = null; }
    else for (const e of this.entries.values()) e.view = null;
    this.snapshot = null;
    for (const l of [...this.listeners]) l();
  }

  // ------------------------------------------------------------------ reads

  /**
   * Reads the scope, then re-applies the drafts kept for this user and scope (rebased on what is stored now).
   * A newer load or an aborted signal makes this one's result ignored.
   */
  async load(signal?: AbortSignal): Promise<void> {
    const seq = ++this.loadSeq;
    this.status = 'loading';
    this.error = undefined;
    this.changed();
    try {
      const [set, drafts] = await Promise.all([this.options.source.open(this.options.scope, signal ? { signal } : undefined), this.options.drafts.load(this.options.draftKey)]);
      if (seq !== this.loadSeq || signal?.aborted) return;
      this.entries.clear();
      this.order = [];
      for (const row of set.rows) this.entries.set(row.rowKey, this.newEntry(row));
      this.sortOrder();
      this.unreadable = set.unreadable;
      this.cursor = set.cursor;
      this.orphans = [];
      for (const d of drafts) this.applyDraft(d);
      this.status = 'ready';
      this.lastSyncedAt = this.now().toISOString();
    } catch (error) {
      if (seq !== this.loadSeq || signal?.aborted) return;
      this.status = 'error';
      this.error = error instanceof AppError ? error : new GraphAccessError(error instanceof Error ? error.message : String(error), { cause: error });
    }
    this.changed();
  }

  /**
   * Brings in changes made by others since the last read (the store's delta refresh). Remote changes to fields
   * without an edit replace the stored values; a remote change to an edited field becomes a conflict. Does nothing
   * while loading or saving (the save's answer carries the newest state of what it wrote). `background`: a refresh
   * nobody waits for (the RefreshScheduler's): sent once, a 429/503 rejects at once for the scheduler to back off.
   * @returns the number of rows that changed
   */
  async refresh(signal?: AbortSignal, options: { background?: boolean } = {}): Promise<number> {
    if (this.status !== 'ready' || this.cursor === null || this.savingNow) return 0;
    let result: Awaited<ReturnType<RowsSource['refresh']>>;
    try {
      result = await this.options.source.refresh(this.cursor, { ...(signal ? { signal } : {}), ...(options.background ? { background: true } : {}) });
    } catch (error) {
      // Shown in the status line; the rows stay as they are and the scheduler tries again later.
      this.refreshError = error instanceof AppError ? error : new GraphAccessError(String(error), { cause: error });
      this.changed([]);
      throw this.refreshError;
    }
    if (signal?.aborted) return 0;
    this.refreshError = undefined;
    const touched = new Set<string>();
    if (result.resynced) {
      const present = new Set(result.changed.map((r) => r.rowKey));
      for (const key of [...this.entries.keys()]) if (!present.has(key)) this.remove(key, touched);
    }
    const byItem = new Map([...this.entries.values()].map((e) => [e.stored.itemId, e.stored.rowKey]));
    for (const id of result.removedItemIds) {
      const key = byItem.get(id);
      if (key !== undefined) this.remove(key, touched);
    }
    for (const row of result.changed) {
      const entry = this.entries.get(row.rowKey);
      if (!entry) {
        this.entries.set(row.rowKey, this.newEntry(row));
        this.order.push(row.rowKey);
      } else if (entry.stored.eTag !== row.eTag) {
        this.rebase(entry, row, (f) => readField(entry.stored, f));
      }
      touched.add(row.rowKey);
    }
    this.sortOrder();
    this.unreadable = [...this.unreadable.filter((u) => !result.unreadable.some((n) => n.itemId === u.itemId)), ...result.unreadable];
    this.cursor = result.cursor;
    this.lastSyncedAt = this.now().toISOString();
    if (touched.size > 0) this.persistDrafts();
    this.changed(touched.size > 0 ? undefined : []);
    return touched.size;
  }

  private remove(rowKey: string, touched: Set<string>): void {
    const entry = this.entries.get(rowKey);
    if (!entry) return;
    if (entry.edits.size > 0) this.orphans.push(this.toDraft(entry));
    this.entries.delete(rowKey);
    this.order = this.order.filter((k) => k !== rowKey);
    touched.add(rowKey);
  }

  private newEntry(stored: StoredRow): Entry {
    return { stored, edits: new Map(), editSeq: new Map(), conflicts: new Map(), saving: new Set(), saved: new Set(), failed: new Map(), view: null };
  }

  private sortOrder(): void {
    this.order = [...this.entries.keys()].sort((a, b) => {
      const x = this.entries.get(a)?.stored as StoredRow;
      const y = this.entries.get(b)?.stored as StoredRow;
      return x.reportKey < y.reportKey ? -1 : x.reportKey > y.reportKey ? 1 : x.row.sortOrder - y.row.sortOrder;
    });
  }

  /**
   * Moves an entry onto a newer stored row. Per edited field (b = the value the edit started from, m = mine,
   * t = stored now): t = b keeps the edit; t = m drops it (already stored); anything else is a conflict.
   */
  private rebase(entry: Entry, stored: StoredRow, baseOf: (f: EditableField) => FieldValue): void {
    for (const [field, mine] of [...entry.edits]) {
      const theirs = readField(stored, field);
      const open = entry.conflicts.get(field);
      const base = open ? open.base : baseOf(field);
      if (isSameValue(theirs, mine)) {
        entry.edits.delete(field);
        entry.conflicts.delete(field);
      } else if (isSameValue(theirs, base) && !open) {
        // Nobody else touched it: the edit stays on the new base.
      } else {
        entry.conflicts.set(field, { base, mine, theirs });
      }
    }
    entry.saved.clear();
    entry.stored = stored;
  }

  private applyDraft(draft: DraftRow): void {
    const entry = this.entries.get(draft.rowKey);
    if (!entry) {
      this.orphans.push(draft);
      return;
    }
    for (const [field, value] of Object.entries(draft.mine) as [EditableField, FieldValue][]) {
      entry.edits.set(field, value);
      entry.editSeq.set(field, (entry.editSeq.get(field) ?? 0) + 1);
    }
    if (entry.stored.eTag !== draft.baseETag) {
      // The row changed since the draft was made: rebase from the draft's own base values.
      const stored = entry.stored;
      this.rebase(entry, stored, (f) => (f in draft.base ? (draft.base[f] as FieldValue) : readField(stored, f)));
    } else {
      for (const [field, mine] of [...entry.edits]) if (isSameValue(mine, readField(entry.stored, field))) entry.edits.delete(field);
    }
  }

  // ------------------------------------------------------------------ edits

  /**
   * Rows the review cycle holds read-only for this person (#12: 提出済 and 承認済 rows of their division), with the
   * reason shown: their answers are refused here before SharePoint would refuse the save.
   */
  setReviewLocks(locks: ReadonlyMap<string, EditDenial>): void {
    const touched = new Set([...this.reviewLocks.keys(), ...locks.keys()]);
    this.reviewLocks = locks;
    this.changed(touched);
  }

  /** Why `field` of `rowKey` cannot be edited by this person, or null when it can. */
  denial(rowKey: string, field: EditableField): EditDenial | null {
    const entry = this.entries.get(rowKey);
    if (!entry) return { reason: 'read-only-row', ja: 'この行は表示範囲にありません。', en: 'This row is not in the view.' };
    const row = entry.stored.row;
    if (!fillableFields(row, entry.stored.reportKey).has(field)) {
      return { reason: 'not-in-layout', ja: 'この様式のこの行には、この欄はありません。', en: 'This row of this layout has no such field.' };
    }
    const lock = this.reviewLocks.get(rowKey);
    if (lock && FIELD_GROUPS[field] === FieldGroup.Division) return lock;
    const denied = checkEdit(this.options.actor, { rowKey, orgCode: entry.stored.orgCode, divisionCode: row.division }, [FIELD_COLUMNS[field]]);
    return denied ? { reason: denied.reason, ja: denied.messageJa, en: denied.messageEn } : null;
  }

  /**
   * Applies changes typed or pasted by the person, as one undo step. Changes to fields they may not edit are
   * refused (returned with the reason) and nothing of them is applied.
   */
  edit(changes: readonly FieldChange[]): { applied: FieldChange[]; refused: (FieldChange & { denial: EditDenial })[] } {
    const applied: FieldChange[] = [];
    const refused: (FieldChange & { denial: EditDenial })[] = [];
    const step: UndoStep = { changes: [] };
    for (const change of changes) {
      const denial = this.denial(change.rowKey, change.field);
      if (denial) {
        refused.push({ ...change, denial });
        continue;
      }
      const before = this.valueOf(change.rowKey, change.field);
      if (isSameValue(before, change.value)) continue;
      this.setEdit(change.rowKey, change.field, change.value);
      step.changes.push({ rowKey: change.rowKey, field: change.field, before, after: change.value });
      applied.push(change);
    }
    if (step.changes.length > 0) {
      this.undoStack.push(step);
      if (this.undoStack.length > UNDO_LIMIT) this.undoStack.shift();
      this.redoStack = [];
      this.persistDrafts();
      this.changed(step.changes.map((c) => c.rowKey));
    }
    return { applied, refused };
  }

  /** The value a view shows for a field: the edit when there is one, else the stored value. */
  valueOf(rowKey: string, field: EditableField): FieldValue {
    const entry = this.entries.get(rowKey);
    if (!entry) return null;
    return entry.edits.has(field) ? (entry.edits.get(field) as FieldValue) : readField(entry.stored, field);
  }

  private setEdit(rowKey: string, field: EditableField, value: FieldValue): void {
    const entry = this.entries.get(rowKey);
    if (!entry) return;
    // Typing into a conflicted field is a decision: a new value.
    entry.conflicts.delete(field);
    entry.failed.delete(field);
    entry.saved.delete(field);
    if (isSameValue(value, readField(entry.stored, field))) entry.edits.delete(field);
    else entry.edits.set(field, value);
    entry.editSeq.set(field, (entry.editSeq.get(field) ?? 0) + 1);
  }

  undo(): boolean {
    return this.replay(this.undoStack, this.redoStack, 'before');
  }

  redo(): boolean {
    return this.replay(this.redoStack, this.undoStack, 'after');
  }

  private replay(from: UndoStep[], to: UndoStep[], which: 'before' | 'after'): boolean {
    const step = from.pop();
    if (!step) return false;
    for (const c of step.changes) this.setEdit(c.rowKey, c.field, c[which]);
    to.push(step);
    this.persistDrafts();
    this.changed(step.changes.map((c) => c.rowKey));
    return true;
  }

  /** Decides a conflict: keep what is stored (theirs), keep mine, or store a new value. */
  resolveConflict(rowKey: string, field: EditableField, decision: { take: 'theirs' } | { take: 'mine' } | { take: 'value'; value: FieldValue }): void {
    const entry = this.entries.get(rowKey);
    const conflict = entry?.conflicts.get(field);
    if (!entry || !conflict) return;
    entry.conflicts.delete(field);
    if (decision.take === 'theirs') entry.edits.delete(field);
    else this.setEdit(rowKey, field, decision.take === 'mine' ? conflict.mine : decision.value);
    this.persistDrafts();
    this.changed([rowKey]);
  }

  /** Drops every unsaved edit and open conflict of a row (or of all rows), and orphan drafts when all. */
  discard(rowKey?: string): void {
    const targets = rowKey === undefined ? [...this.entries.values()] : [this.entries.get(rowKey)].filter((e): e is Entry => e !== undefined);
    for (const e of targets) {
      e.edits.clear();
      e.conflicts.clear();
      e.failed.clear();
    }
    if (rowKey === undefined) this.orphans = [];
    this.undoStack = [];
    this.redoStack = [];
    this.persistDrafts();
    this.changed(rowKey === undefined ? undefined : [rowKey]);
  }

  /** Forgets the orphan draft of a row that left the scope. */
  discardOrphan(rowKey: string): void {
    this.orphans = this.orphans.filter((o) => o.rowKey !== rowKey);
    this.persistDrafts();
    this.changed([]);
  }

  // ------------------------------------------------------------------ saves

  /**
   * Saves every row with edits (conflicted fields wait for a decision). Rows are written by the store with If-Match
   * and merged on 412; each field ends `saved`, `conflict` or `failed` (the edit kept). A save already running is
   * joined, not repeated.
   */
  save(): Promise<SaveSummary> {
    this.savingNow ??= this.runSave().finally(() => {
      this.savingNow = null;
      this.changed([]);
    });
    return this.savingNow;
  }

  private async runSave(): Promise<SaveSummary> {
    const sending: { entry: Entry; fields: EditableField[]; seq: Map<EditableField, number>; base: StoredRow }[] = [];
    for (const key of this.order) {
      const entry = this.entries.get(key) as Entry;
      const fields = [...entry.edits.keys()].filter((f) => !entry.conflicts.has(f));
      if (fields.length === 0) continue;
      sending.push({ entry, fields, seq: new Map(fields.map((f) => [f, entry.editSeq.get(f) ?? 0])), base: entry.stored });
    }
    const summary: SaveSummary = { rows: sending.length, saved: 0, conflicts: 0, failed: 0, denied: 0 };
    if (sending.length === 0) return summary;
    for (const s of sending) {
      for (const f of s.fields) {
        s.entry.saving.add(f);
        s.entry.failed.delete(f);
        s.entry.saved.delete(f);
      }
    }
    this.changed(sending.map((s) => s.entry.stored.rowKey));
    const edits = sending.map((s) => {
      let mine: RowRecord = s.base;
      for (const f of s.fields) mine = writeField(mine, f, s.entry.edits.get(f) as FieldValue);
      return { base: s.base, mine };
    });
    let results: SaveResult[];
    try {
      results = await this.options.source.saveChanges(edits);
    } catch (error) {
      // saveChanges reports per-row problems as results; a throw means nothing is known to be written.
      const text = errorText(error);
      for (const s of sending) for (const f of s.fields) {
        s.entry.saving.delete(f);
        s.entry.failed.set(f, text);
      }
      summary.failed = sending.length;
      this.changed(sending.map((s) => s.entry.stored.rowKey));
      return summary;
    }
    const byKey = new Map(results.map((r) => [r.rowKey, r]));
    for (const s of sending) {
      const { entry } = s;
      const result = byKey.get(entry.stored.rowKey);
      for (const f of s.fields) entry.saving.delete(f);
      if (!result) {
        for (const f of s.fields) entry.failed.set(f, { ja: '保存の結果が返りませんでした。編集内容は保持しています。', en: 'The save returned no result for this row; the edit is kept.', retryable: true });
        summary.failed++;
        continue;
      }
      switch (result.outcome) {
        case 'saved':
        case 'merged':
        case 'unchanged':
        case 'conflict': {
          const conflicted = new Set((result.conflicts ?? []).map((c) => FIELD_OF_COLUMN.get(c.field)).filter((f): f is EditableField => f !== undefined));
          const before = entry.stored;
          if (result.stored) entry.stored = result.stored;
          for (const f of s.fields) {
            const mine = entry.edits.get(f) as FieldValue;
            if (conflicted.has(f)) {
              entry.conflicts.set(f, { base: readField(before, f), mine, theirs: readField(entry.stored, f) });
              continue;
            }
            // An edit typed while the save was in flight stays an edit on the new base.
            if ((entry.editSeq.get(f) ?? 0) === s.seq.get(f)) {
              entry.edits.delete(f);
              entry.saved.add(f);
            } else if (isSameValue(entry.edits.get(f), readField(entry.stored, f))) {
              entry.edits.delete(f);
            }
          }
          // Edits not sent (open conflicts) are rebased on what is stored now.
          if (result.stored && result.stored.eTag !== before.eTag) {
            for (const [f, c] of entry.conflicts) if (!conflicted.has(f)) entry.conflicts.set(f, { ...c, theirs: readField(entry.stored, f) });
          }
          if (conflicted.size > 0) summary.conflicts++;
          else summary.saved++;
          break;
        }
        case 'denied': {
          const text = { ja: result.denial?.messageJa ?? '編集できない行です。', en: result.denial?.messageEn ?? 'This row cannot be edited.', retryable: false };
          for (const f of s.fields) entry.failed.set(f, text);
          summary.denied++;
          break;
        }
        case 'failed': {
          const text = errorText(result.error);
          for (const f of s.fields) entry.failed.set(f, text);
          summary.failed++;
          break;
        }
      }
    }
    this.persistDrafts();
    this.changed(sending.map((s) => s.entry.stored.rowKey));
    return summary;
  }

  // ------------------------------------------------------------------ drafts

  private toDraft(entry: Entry): DraftRow {
    const base: DraftRow['base'] = {};
    const mine: DraftRow['mine'] = {};
    for (const [f, v] of entry.edits) {
      mine[f] = v;
      base[f] = entry.conflicts.get(f)?.base ?? readField(entry.stored, f);
    }
    return { rowKey: entry.stored.rowKey, baseETag: entry.stored.eTag, title: entry.stored.row.title, base, mine };
  }

  /** Writes the drafts (serialised: a slow write never overtakes a newer one). */
  private persistDrafts(): void {
    const rows = [...this.order.map((k) => this.entries.get(k) as Entry).filter((e) => e.edits.size > 0).map((e) => this.toDraft(e)), ...this.orphans];
    const key = this.options.draftKey;
    this.draftWrites = this.draftWrites
      .then(() => (rows.length === 0 ? this.options.drafts.clear(key) : this.options.drafts.save(key, rows)))
      .then(
        () => {
          if (this.draftWarning) {
            this.draftWarning = undefined;
            this.changed([]);
          }
        },
        (error: unknown) => {
          // The edits stay in memory; say that a reload would lose them.
          this.draftWarning = { ja: `下書きをこのブラウザーに保存できませんでした（${error instanceof Error ? error.message : String(error)}）。再読み込みすると未保存の編集は失われます。`, en: `Drafts could not be kept in this browser (${error instanceof Error ? error.message : String(error)}); a reload would lose unsaved edits.` };
          this.changed([]);
        },
      );
  }

  private draftWarning: { ja: string; en: string } | undefined;
  private refreshError: AppError | undefined;

  /** Resolves when every draft write issued so far has finished (tests, sign-out). */
  flushDrafts(): Promise<void> {
    return this.draftWrites;
  }

  // ------------------------------------------------------------------ views

  private reportsFor(): Map<string, Report> {
    const reports = new Map<string, Report>();
    for (const key of this.order) {
      const e = this.entries.get(key) as Entry;
      const layout = layoutOfKey(e.stored.reportKey) ?? layoutOfKey(e.stored.row.key);
      if (layout === null) continue;
      let report = reports.get(e.stored.reportKey);
      if (!report) {
        report = { key: e.stored.reportKey, organization: null, organizationCode: e.stored.orgCode, organizationSource: 'unknown', fiscalYear: e.stored.fiscalYear, cycleLabel: null, implementationYear: null, layout, title: '', titleRaw: [], coverNote: null, noRowsReason: null, focusItems: [], rows: [], issues: [], reviewState: 'unreviewed', source: e.stored.row.source };
        reports.set(e.stored.reportKey, report);
      }
      report.rows.push(this.currentOf(e).row);
    }
    return reports;
  }

  private currentOf(entry: Entry): RowRecord {
    let current: RowRecord = entry.stored;
    for (const [f, v] of entry.edits) current = writeField(current, f, v);
    return current;
  }

  private buildView(entry: Entry, report: Report | undefined): RowView {
    const current = this.currentOf(entry);
    const fields: RowView['fields'] = {};
    const touched = new Set<EditableField>([...entry.edits.keys(), ...entry.conflicts.keys(), ...entry.saving, ...entry.saved, ...entry.failed.keys()]);
    for (const f of touched) {
      const value = readField(current, f);
      const conflict = entry.conflicts.get(f);
      const failed = entry.failed.get(f);
      let view: FieldView;
      if (conflict) view = { state: 'conflict', value, conflict };
      else if (entry.saving.has(f)) view = { state: 'saving', value };
      else if (failed) view = { state: 'failed', value, error: failed };
      else if (entry.edits.has(f)) view = { state: 'edited', value };
      else view = { state: 'saved', value };
      fields[f] = view;
    }
    const issues: ValidationIssue[] = report ? validateRow(current.row, report).filter((i) => PERSON_FIELDS.has(i.field)) : [];
    return { rowKey: entry.stored.rowKey, stored: entry.stored, current, fields, issues, dirty: entry.edits.size > 0 || entry.conflicts.size > 0 };
  }

  private buildSnapshot(): CacheSnapshot {
    let reports: Map<string, Report> | null = null;
    const rows: RowView[] = [];
    let conflictCount = 0;
    let failedCount = 0;
    let dirtyCount = 0;
    for (const key of this.order) {
      const entry = this.entries.get(key) as Entry;
      if (!entry.view) {
        reports ??= this.reportsFor();
        entry.view = this.buildView(entry, reports.get(entry.stored.reportKey));
      }
      rows.push(entry.view);
      if (entry.conflicts.size > 0) conflictCount++;
      if (entry.failed.size > 0) failedCount++;
      if (entry.view.dirty) dirtyCount++;
    }
    return {
      status: this.status,
      ...(this.error ? { error: this.error } : {}),
      rows,
      unreadable: this.unreadable,
      orphanDrafts: [...this.orphans],
      saving: this.savingNow !== null,
      dirtyCount,
      conflictCount,
      failedCount,
      canUndo: this.undoStack.length > 0,
      canRedo: this.redoStack.length > 0,
      lastSyncedAt: this.lastSyncedAt,
      ...(this.draftWarning ? { draftWarning: this.draftWarning } : {}),
      ...(this.refreshError ? { refreshError: this.refreshError } : {}),
    };
  }
}

/** Creates the cache of one scope (nothing is read until `load`). */
export function createRowCache(options: RowCacheOptions): RowCache {
  return new RowCache(options);
}
