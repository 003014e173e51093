/**
 * A list of follow-up rows in memory with the Graph store's save semantics (#4): eTags, a three-way merge per field
 * when the row changed since the edit's base, conflicts left unwritten, the permission rule checked first. For the
 * workbook sync's unit tests; the integration tests run the real store against the local service.
 */
import { EDITABLE_FIELDS, FIELD_COLUMNS, readField, writeField, type EditableField, type FieldValues } from '../../src/core/edit/fields.js';
import { parseFieldInput } from '../../src/core/edit/input.js';
import { isSameValue } from '../../src/core/sync/merge.js';
import { checkEdit, secretariatActor, type Actor } from '../../src/core/permissions/rules.js';
import { NotFoundError, PermissionError, ValidationError, type FieldConflict } from '../../src/core/errors.js';
import { toListRowKey } from '../../src/core/lists/row-fields.js';
import type { CreateRowsResult, DeleteRowsResult, NewRow, RowEdit, RowScope, RowSet, RowToDelete, SaveResult, StoredRow } from '../../src/core/ports.js';
import type { SyncRows, SyncStructure } from '../../src/core/sync/workbook-sync.js';

export class MemoryRows implements SyncRows, SyncStructure {
  readonly rows = new Map<string, StoredRow>();
  /** Calls made, for assertions on batching. */
  readonly calls: { open: number; save: number[] } = { open: 0, save: [] };
  /** Rows per createRows call (the secretariat's). */
  readonly creates: number[] = [];
  /** Runs between the read of a save and its write (a co-worker's save landing meanwhile). */
  beforeWrite: (() => void) | null = null;

  constructor(
    rows: readonly StoredRow[],
    private readonly actor: Actor = secretariatActor(),
  ) {
    for (const r of rows) this.rows.set(r.rowKey, r);
  }

  as(actor: Actor): MemoryRows {
    const other = new MemoryRows([], actor);
    (other as { rows: Map<string, StoredRow> }).rows = this.rows;
    return other;
  }

  async open(scope: RowScope): Promise<RowSet> {
    this.calls.open++;
    const rows = [...this.rows.values()].filter((r) => r.fiscalYear === scope.fiscalYear && r.orgCode === scope.orgCode && (scope.divisionCode === undefined || r.row.division === scope.divisionCode));
    return { rows, cursor: { mode: 'modified', scope, since: '2026-01-01T00:00:00Z', seenAtEdge: {} }, unreadable: [] };
  }

  private bump(row: StoredRow): StoredRow {
    const version = Number(/,(\d+)"$/.exec(row.eTag)?.[1] ?? '1') + 1;
    return { ...row, eTag: row.eTag.replace(/,\d+"$/, `,${version}"`), lastModified: new Date(Date.parse(row.lastModified) + 1000).toISOString() };
  }

  /** Someone else's edit, stored at once (as the tab would). */
  edit(rowKey: string, field: EditableField, text: string): StoredRow {
    const cur = this.rows.get(rowKey);
    if (!cur) throw new Error(`no row ${rowKey}`);
    const parsed = parseFieldInput(cur, field, text);
    if (!parsed.ok) throw new Error(parsed.error.en);
    const next = this.bump({ ...cur, ...writeField(cur, field, parsed.value) });
    this.rows.set(rowKey, next);
    return next;
  }

  async saveChanges(edits: readonly RowEdit[]): Promise<SaveResult[]> {
    this.calls.save.push(edits.length);
    this.beforeWrite?.();
    return edits.map((e): SaveResult => {
      const key = e.base.rowKey;
      const current = this.rows.get(key);
      if (!current) return { rowKey: key, outcome: 'failed', error: new NotFoundError('The item is gone.') };
      const changed = EDITABLE_FIELDS.filter((f) => !isSameValue(readField(e.base, f), readField(e.mine, f)));
      if (changed.length === 0) return { rowKey: key, outcome: 'unchanged', stored: current };
      const denial = checkEdit(this.actor, { rowKey: key, orgCode: current.orgCode, divisionCode: current.row.division }, changed.map((f) => FIELD_COLUMNS[f]));
      if (denial) return { rowKey: key, outcome: 'denied', denial, error: new PermissionError(denial.messageEn) };
      const moved = current.eTag !== e.base.eTag;
      let next: StoredRow = current;
      const conflicts: FieldConflict[] = [];
      for (const f of changed) {
        const theirs = readField(current, f);
        const mine = readField(e.mine, f);
        if (moved && !isSameValue(theirs, readField(e.base, f)) && !isSameValue(theirs, mine)) {
          conflicts.push({ field: FIELD_COLUMNS[f], base: readField(e.base, f), mine, theirs });
          continue;
        }
        next = { ...next, ...writeField(next, f, mine as FieldValues[typeof f]) };
      }
      if (next !== current) next = this.bump(next);
      this.rows.set(key, next);
      return conflicts.length > 0 ? { rowKey: key, outcome: 'conflict', stored: next, conflicts } : { rowKey: key, outcome: moved ? 'merged' : 'saved', stored: next };
    });
  }

  /** The secretariat's create (FollowUpAdmin.createRows): the report's 府省等 and year from its rows here. */
  async createRows(rows: readonly NewRow[]): Promise<CreateRowsResult> {
    if (!this.actor.isSecretariat) throw new PermissionError('only the secretariat adds rows');
    this.creates.push(rows.length);
    const out: CreateRowsResult = { created: [], taken: [] };
    for (const { reportKey, row } of rows) {
      const rowKey = toListRowKey(reportKey, row.key);
      const sibling = [...this.rows.values()].find((r) => r.reportKey === reportKey);
      if (!sibling) throw new ValidationError([{ field: 'ReportKey', reason: `no report ${reportKey}` }]);
      if (this.rows.has(rowKey)) {
        out.taken.push(rowKey);
        continue;
      }
      const stored: StoredRow = { rowKey, reportKey, fiscalYear: sibling.fiscalYear, orgCode: sibling.orgCode, row, reviewComment: null, itemId: `new-${this.rows.size + 1}`, eTag: `"{new-${rowKey}},1"`, lastModified: '2026-12-06T00:00:00Z' };
      this.rows.set(rowKey, stored);
      out.created.push(stored);
    }
    return out;
  }

  /** The secretariat's delete (FollowUpAdmin.deleteRows), with If-Match. */
  async deleteRows(rows: readonly RowToDelete[]): Promise<DeleteRowsResult> {
    if (!this.actor.isSecretariat) throw new PermissionError('only the secretariat deletes rows');
    const out: DeleteRowsResult = { deleted: [], changed: [] };
    for (const r of rows) {
      const current = this.rows.get(r.rowKey);
      if (current && current.eTag !== r.eTag) {
        out.changed.push(r.rowKey);
        continue;
      }
      this.rows.delete(r.rowKey);
      out.deleted.push(r.rowKey);
    }
    return out;
  }
}
