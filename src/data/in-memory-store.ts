/**
 * A follow-up store in memory with the Graph store's semantics (#10): eTags that change on every write, If-Match,
 * changed fields only, a three-way merge per list field when the row changed meanwhile, the permission rule, and a
 * change feed for refresh. It backs the data layer's unit tests and the contract suite that the Graph store on the
 * local service also runs (test/contract), so the two cannot drift apart.
 */
import { PermissionError, ValidationError, type AppError } from '../core/errors.js';
import { checkRowFields, fromRowFields, toRowFields, type Fields } from '../core/lists/row-fields.js';
import { checkEdit, type Actor } from '../core/permissions/rules.js';
import type { RefreshCursor, RefreshResult, RowEdit, RowScope, RowSet, SaveResult, StoredRow } from '../core/ports.js';
import { diffFields, mergeFields } from '../core/sync/merge.js';
import type { RowsSource } from './types.js';

interface Change {
  seq: number;
  itemId: string;
  rowKey: string;
  deleted: boolean;
}

const inScope = (row: StoredRow, scope: RowScope): boolean =>
  row.fiscalYear === scope.fiscalYear && row.orgCode === scope.orgCode && (scope.divisionCode === undefined || row.row.division === scope.divisionCode);

/** The shared state of one in-memory "list"; each user gets a view with their own actor (`as`). */
export class InMemoryRows {
  private readonly rows = new Map<string, StoredRow>();
  private readonly changes: Change[] = [];
  private seq = 0;
  private nextItemId = 1;
  private clock = Date.parse('2026-04-01T00:00:00Z');
  /** Requests answered, by kind (tests check that views cost what they should). */
  readonly requests = { open: 0, save: 0, refresh: 0 };
  /** Failures to inject into the next saves (throttling, a dropped connection). */
  readonly failNextSaves: AppError[] = [];

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  /** Adds rows as the secretariat's import would (test setup). */
  seed(records: readonly Omit<StoredRow, 'itemId' | 'eTag' | 'lastModified'>[]): StoredRow[] {
    return records.map((r) => this.put({ ...r, itemId: String(this.nextItemId++), eTag: '', lastModified: '' }));
  }

  private put(row: StoredRow): StoredRow {
    const version = Number(/,(\d+)"?$/.exec(this.rows.get(row.rowKey)?.eTag ?? '')?.[1] ?? 0) + 1;
    const stored: StoredRow = { ...row, eTag: `"{mem-${row.itemId}},${version}"`, lastModified: this.tick() };
    this.rows.set(row.rowKey, stored);
    this.changes.push({ seq: ++this.seq, itemId: row.itemId, rowKey: row.rowKey, deleted: false });
    return stored;
  }

  /** The row as stored now. */
  get(rowKey: string): StoredRow | undefined {
    return this.rows.get(rowKey);
  }

  /** All rows (test assertions). */
  all(): StoredRow[] {
    return [...this.rows.values()];
  }

  /** Deletes a row (the secretariat) and records it in the change feed. */
  delete(rowKey: string): void {
    const row = this.rows.get(rowKey);
    if (!row) return;
    this.rows.delete(rowKey);
    this.changes.push({ seq: ++this.seq, itemId: row.itemId, rowKey, deleted: true });
  }

  /** Writes list fields directly over the stored row (another user, SharePoint's own form). */
  patchFields(rowKey: string, patch: Fields): StoredRow {
    const row = this.rows.get(rowKey);
    if (!row) throw new Error(`Assertion failed: no row ${rowKey}`);
    const record = fromRowFields({ ...toRowFields(row), ...patch });
    if (!record.ok) throw new ValidationError(record.error);
    return this.put({ ...record.value, itemId: row.itemId, eTag: row.eTag, lastModified: row.lastModified });
  }

  /** A store for one user. */
  as(actor: Actor): InMemoryFollowUpStore {
    return new InMemoryFollowUpStore(this, actor);
  }

  /** @internal */
  read(scope: RowScope): StoredRow[] {
    return [...this.rows.values()].filter((r) => inScope(r, scope));
  }

  /** @internal */
  cursorAt(scope: RowScope): RefreshCursor {
    return { mode: 'delta', scope, deltaLink: `memory:${this.seq}` };
  }

  /** @internal */
  changesSince(cursor: RefreshCursor): RefreshResult {
    const from = cursor.mode === 'delta' ? Number(cursor.deltaLink.replace(/^memory:/, '')) : 0;
    const last = new Map<string, Change>();
    for (const c of this.changes) if (c.seq > from) last.set(c.itemId, c);
    const changed: StoredRow[] = [];
    const removedItemIds: string[] = [];
    for (const c of last.values()) {
      const row = c.deleted ? undefined : this.rows.get(c.rowKey);
      if (row && row.itemId === c.itemId && inScope(row, cursor.scope)) changed.push(row);
      else removedItemIds.push(c.itemId);
    }
    return { changed, removedItemIds, unreadable: [], cursor: this.cursorAt(cursor.scope), resynced: false };
  }

  /** @internal Writes one edit as the Graph store does: If-Match on the base, else a merge against what is stored. */
  write(edit: RowEdit, actor: Actor): SaveResult {
    const rowKey = edit.base.rowKey;
    const base = toRowFields(edit.base);
    const mine = toRowFields(edit.mine);
    const changed = Object.keys(diffFields(base, mine));
    if (changed.length === 0) return { rowKey, outcome: 'unchanged', stored: this.rows.get(rowKey) ?? edit.base };
    const denial = checkEdit(actor, { rowKey, orgCode: edit.base.orgCode, divisionCode: edit.base.row.division }, changed);
    if (denial) return { rowKey, outcome: 'denied', denial, error: new PermissionError(denial.messageEn) };
    const issues = checkRowFields(mine, rowKey);
    if (issues.length > 0) return { rowKey, outcome: 'failed', error: new ValidationError(issues) };
    const stored = this.rows.get(rowKey);
    if (!stored) return { rowKey, outcome: 'failed', error: new ValidationError([{ row: rowKey, reason: 'the row no longer exists' }]) };
    const theirs = toRowFields(stored);
    const sameBase = stored.eTag === edit.base.eTag;
    const { patch, conflicts } = sameBase ? { patch: diffFields(base, mine), conflicts: [] } : mergeFields(base, mine, theirs);
    if (Object.keys(patch).length === 0) return conflicts.length > 0 ? { rowKey, outcome: 'conflict', stored, conflicts } : { rowKey, outcome: 'unchanged', stored };
    const written = this.patchFields(rowKey, patch as Fields);
    return conflicts.length > 0 ? { rowKey, outcome: 'conflict', stored: written, conflicts } : { rowKey, outcome: sameBase ? 'saved' : 'merged', stored: written };
  }
}

/** One user's view of the in-memory rows: the surface of the follow-up store. */
export class InMemoryFollowUpStore implements RowsSource {
  constructor(
    readonly rows: InMemoryRows,
    readonly actor: Actor,
  ) {}

  open(scope: RowScope, options?: { signal?: AbortSignal }): Promise<RowSet> {
    this.rows.requests.open++;
    if (options?.signal?.aborted) return Promise.reject(options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted'));
    return Promise.resolve({ rows: this.rows.read(scope), cursor: this.rows.cursorAt(scope), unreadable: [] });
  }

  saveChanges(edits: readonly RowEdit[]): Promise<SaveResult[]> {
    this.rows.requests.save++;
    const failure = this.rows.failNextSaves.shift();
    if (failure) {
      // The whole request failed: as with a network error, nothing was written.
      return Promise.resolve(edits.map((e): SaveResult => ({ rowKey: e.base.rowKey, outcome: 'failed', error: failure })));
    }
    return Promise.resolve(edits.map((e) => this.rows.write(e, this.actor)));
  }

  refresh(cursor: RefreshCursor): Promise<RefreshResult> {
    this.rows.requests.refresh++;
    return Promise.resolve(this.rows.changesSince(cursor));
  }
}
