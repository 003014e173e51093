/**
 * Saving edited rows (#4, #7): only changed fields, `PATCH …/items/{id}/fields` with If-Match, up to 20 per `$batch`.
 * A 412 re-reads the item and merges per field against the edit's base (src/core/sync/merge.ts): other fields merge
 * silently, the same field changed on both sides is a conflict that keeps the stored value. Nothing is overwritten
 * without a decision.
 *
 * Exact outcomes. Comparisons leave out the printed forms that reading derives (withoutPrintedForms): a row read
 * back after an edit no longer carries the stale narrativeRaw the list item still holds, and that is nobody's edit.
 * So when the answer to our PATCH was lost and its replay gets 412, the re-read finds our values and the row is
 * `saved` — not `merged` (nothing of anyone else had to be folded into a write) and not `conflict`. `merged` means a
 * write after a re-read carried our edit on top of someone else's.
 *
 * Never throws for per-row problems (a failed re-read after 412 fails that row only); every row already written
 * keeps its result even when something unexpected stops the rest (only those rows report the error).
 */
import { AppError, ConflictError, GraphAccessError, NotFoundError, PermissionError, ValidationError, type FieldConflict } from '../core/errors.js';
import { checkRowFields, fromRowFields, toDomainValue, toRowFields, withoutPrintedForms, type Fields } from '../core/lists/row-fields.js';
import { LIST_NAMES } from '../core/lists/schema.js';
import { checkEdit } from '../core/permissions/rules.js';
import type { RowEdit, SaveResult, StoredRow } from '../core/ports.js';
import { diffFields, mergeFields } from '../core/sync/merge.js';
import { readItems } from './read-rows.js';
import { etagOf, toStoredRow } from './row-items.js';
import { batch, stepError, type StoreContext } from './store-context.js';

/** Rounds of re-read + merge before a row is reported as failed because it keeps changing. */
const MAX_MERGE_ROUNDS = 4;

interface Work {
  index: number;
  rowKey: string;
  base: Fields;
  mine: Fields;
  itemId: string;
  /** The row as last known to be stored (the edit's base, then each answer or re-read). */
  stored: StoredRow;
  /** A write computed after a re-read (someone else's changes folded in) was sent. */
  mergedWrite: boolean;
  /** Re-reads done so far. */
  rounds: number;
}

/** The fields `mine` changes relative to `base` (printed forms left out), with mine's full values. */
function changesOf(base: Fields, mine: Fields, theirs: Fields): { patch: Fields; conflicts: FieldConflict[] } {
  const { patch, conflicts } = mergeFields(withoutPrintedForms(base), withoutPrintedForms(mine), withoutPrintedForms(theirs));
  const full: Fields = {};
  for (const k of Object.keys(patch)) full[k] = mine[k] ?? null;
  const decoded = conflicts.map((c) => ({ field: c.field, base: toDomainValue(c.field, base[c.field]), mine: toDomainValue(c.field, mine[c.field]), theirs: toDomainValue(c.field, theirs[c.field]) }));
  return { patch: full, conflicts: decoded };
}

export async function saveRows(ctx: StoreContext, edits: readonly RowEdit[]): Promise<SaveResult[]> {
  const results: (SaveResult | undefined)[] = edits.map(() => undefined);
  let work: Work[] = [];
  edits.forEach((edit, index) => {
    const rowKey = edit.base.rowKey;
    const base = toRowFields(edit.base);
    const mine = toRowFields(edit.mine);
    const changed = Object.keys(diffFields(withoutPrintedForms(base), withoutPrintedForms(mine)));
    if (changed.length === 0) {
      results[index] = { outcome: 'unchanged', rowKey, stored: edit.base };
      return;
    }
    const denial = checkEdit(ctx.actor, { rowKey, orgCode: edit.base.orgCode, divisionCode: edit.base.row.division }, changed);
    if (denial) {
      results[index] = { outcome: 'denied', rowKey, denial, error: new PermissionError(denial.messageEn) };
      return;
    }
    const issues = checkRowFields(mine, rowKey);
    if (issues.length > 0) {
      results[index] = { outcome: 'failed', rowKey, error: new ValidationError(issues) };
      return;
    }
    work.push({ index, rowKey, base, mine, itemId: edit.base.itemId, stored: edit.base, mergedWrite: false, rounds: 0 });
  });

  const settle = (w: Work, conflicts: FieldConflict[]): void => {
    results[w.index] = conflicts.length > 0 ? { outcome: 'conflict', rowKey: w.rowKey, stored: w.stored, conflicts } : { outcome: w.mergedWrite ? 'merged' : 'saved', rowKey: w.rowKey, stored: w.stored };
  };
  const fail = (w: Work, error: AppError | Error, stored?: StoredRow): void => {
    const e = error instanceof AppError ? error : new GraphAccessError(error.message, { cause: error });
    results[w.index] = e instanceof PermissionError ? { outcome: 'denied', rowKey: w.rowKey, error: e } : { outcome: 'failed', rowKey: w.rowKey, error: e, ...(stored ? { stored } : {}) };
  };

  try {
    while (work.length > 0) {
      // What each row still needs written on top of what the service holds (theirs = stored).
      const toSend: { w: Work; patch: Fields }[] = [];
      for (const w of work) {
        const { patch, conflicts } = changesOf(w.base, w.mine, toRowFields(w.stored));
        if (Object.keys(patch).length === 0) {
          settle(w, conflicts);
        } else {
          // A write after a re-read carries our edit on top of someone else's: `merged` once it is in the list.
          if (w.rounds > 0) w.mergedWrite = true;
          toSend.push({ w, patch });
        }
      }
      const responses = await batch(
        ctx,
        toSend.map(({ w, patch }) => [{ id: `patch-${w.index}`, method: 'PATCH' as const, url: `${ctx.rowsPath}/${w.itemId}/fields`, headers: { 'If-Match': w.stored.eTag, 'Content-Type': 'application/json' }, body: patch }]),
      );
      const stale: Work[] = [];
      for (const { w, patch } of toSend) {
        const r = responses.get(`patch-${w.index}`);
        if (r?.status === 200) {
          const eTag = etagOf(r.headers, r.body);
          const record = fromRowFields({ ...toRowFields(w.stored), ...patch });
          if (!eTag || !record.ok) {
            // The answer lacks what we need to continue editing: read the item back.
            stale.push(w);
            continue;
          }
          const body = r.body as Record<string, unknown>;
          w.stored = { ...record.value, itemId: w.itemId, eTag, lastModified: typeof body.Modified === 'string' ? body.Modified : w.stored.lastModified };
          // Conflicts found on the re-read stay reported: those fields kept the stored value.
          settle(w, changesOf(w.base, w.mine, toRowFields(w.stored)).conflicts);
        } else if (r?.status === 412) {
          stale.push(w);
        } else {
          fail(w, stepError(r, `PATCH ${LIST_NAMES.Rows} item ${w.itemId}`));
        }
      }
      // 412 (or an answer without an eTag): re-read, merge against the edit's base, and try again.
      const fresh = await readItems(ctx, stale.map((w) => w.itemId));
      work = [];
      for (const w of stale) {
        const read = fresh.get(w.itemId);
        if (!read || read.kind === 'failed') {
          fail(w, read?.error ?? new GraphAccessError(`Row ${w.rowKey}: the re-read after 412 got no answer`));
          continue;
        }
        if (read.kind === 'gone') {
          fail(w, new NotFoundError(`Row ${w.rowKey} (item ${w.itemId}) no longer exists.`, { status: 404 }));
          continue;
        }
        const parsed = toStoredRow(read.item);
        if (!parsed.ok) {
          fail(w, new ValidationError(parsed.issues));
          continue;
        }
        w.stored = parsed.row;
        w.rounds++;
        if (w.rounds > MAX_MERGE_ROUNDS) {
          fail(w, new ConflictError(`Row ${w.rowKey} kept changing while saving; reload and try again.`, [], { status: 412 }), w.stored);
          continue;
        }
        work.push(w);
      }
    }
  } catch (error) {
    // Cancelled, or a bug: rows already settled keep their results; only the rest report the error.
    for (const w of work) if (results[w.index] === undefined) fail(w, error instanceof Error ? error : new Error(String(error)));
  }
  return edits.map((edit, i) => results[i] ?? { outcome: 'failed', rowKey: edit.base.rowKey, error: new GraphAccessError('not processed') });
}
