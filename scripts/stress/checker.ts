/**
 * The stress checker (#7 item 5): compares what editors were told (the edit log) with what the list holds — every
 * item and every version of it, read through raw Graph — and counts what must never happen.
 *
 * Every edit writes a value no other edit writes (a token in a text or JSON column), so each acknowledged edit can be
 * found in the history of its field:
 * - lost: acknowledged, yet the value never appears in the field's history;
 * - applied twice: the field turns into the value more than once, or a version changes no field at all (a replayed
 *   write that landed again);
 * - clash not surfaced: the value replaced something other than the base the editor started from (it overwrote an
 *   edit it had not seen) and the editor was told saved/merged instead of conflict.
 * Choice columns (Status, ReviewState) take few values, so they are checked through the unique text written in the
 * same save (ReasonNotPlanned, ReviewComment): at the version where that text appeared, the choice must hold the
 * edit's value and must have held the base (or already the value) just before.
 */
import type { FieldValue } from '../../src/core/lists/row-fields.js';

/** One field of one save, as the editor saw it. */
export interface EditLogEntry {
  /** Which save the entry belongs to (unique over the run). */
  save: number;
  editor: string;
  itemId: string;
  field: string;
  /** The field's value in the base the edit started from. */
  base: FieldValue;
  value: FieldValue;
  /** ack: the store said written (saved/merged, or conflict on another field); conflict: surfaced; failed: not written. */
  status: 'ack' | 'conflict' | 'failed';
  /** For choice columns: the text field written in the same save, which identifies the version. */
  companion?: string;
}

/** An item's versions, oldest first, as owned-field maps. */
export type ItemHistory = readonly Readonly<Record<string, FieldValue>>[];

export interface CheckResult {
  editsAcknowledged: number;
  lost: number;
  appliedTwice: number;
  clashesNotSurfaced: number;
  /** Conflicts the store reported (fields left as the other side wrote them): surfaced clashes. */
  conflictsSurfaced: number;
  /** Choice edits whose companion text was not written in the same save (cannot be placed in the history). */
  unattributed: number;
  /** Examples of each kind of violation, for the report. */
  examples: string[];
}

const same = (a: FieldValue | undefined, b: FieldValue | undefined): boolean => (a ?? null) === (b ?? null);

interface Transition {
  index: number;
  prev: FieldValue;
}

export function checkHistories(log: readonly EditLogEntry[], histories: ReadonlyMap<string, ItemHistory>): CheckResult {
  const result: CheckResult = { editsAcknowledged: 0, lost: 0, appliedTwice: 0, clashesNotSurfaced: 0, conflictsSurfaced: 0, unattributed: 0, examples: [] };
  const note = (s: string): void => {
    if (result.examples.length < 12) result.examples.push(s);
  };
  // Transitions into each value, per item and field.
  const into = new Map<string, Transition[]>();
  const key = (itemId: string, field: string, value: FieldValue): string => `${itemId}\u0000${field}\u0000${String(value)}`;
  for (const [itemId, versions] of histories) {
    for (let i = 1; i < versions.length; i++) {
      const prev = versions[i - 1] as Record<string, FieldValue>;
      const next = versions[i] as Record<string, FieldValue>;
      let changed = false;
      for (const field of new Set([...Object.keys(prev), ...Object.keys(next)])) {
        if (same(prev[field], next[field])) continue;
        changed = true;
        const k = key(itemId, field, next[field] ?? null);
        into.set(k, [...(into.get(k) ?? []), { index: i, prev: prev[field] ?? null }]);
      }
      if (!changed) {
        result.appliedTwice++;
        note(`item ${itemId}: version ${i + 1} changes nothing (a write applied again)`);
      }
    }
  }
  const bySave = new Map<number, EditLogEntry[]>();
  for (const e of log) bySave.set(e.save, [...(bySave.get(e.save) ?? []), e]);

  for (const e of log) {
    if (e.status === 'conflict') result.conflictsSurfaced++;
    if (e.status !== 'ack') continue;
    result.editsAcknowledged++;
    const versions = histories.get(e.itemId) ?? [];
    if (e.companion === undefined) {
      const ts = into.get(key(e.itemId, e.field, e.value)) ?? [];
      if (ts.length === 0) {
        result.lost++;
        note(`lost: ${e.editor} ${e.field} of item ${e.itemId} = ${String(e.value).slice(0, 40)} was acknowledged but never stored`);
        continue;
      }
      if (ts.length > 1) {
        result.appliedTwice += ts.length - 1;
        note(`applied twice: ${e.editor} ${e.field} of item ${e.itemId} became ${String(e.value).slice(0, 40)} ${ts.length} times`);
      }
      const first = ts[0] as Transition;
      if (!same(first.prev, e.base)) {
        result.clashesNotSurfaced++;
        note(`clash not surfaced: ${e.editor} overwrote ${e.field} of item ${e.itemId} (${String(first.prev).slice(0, 30)}) from base ${String(e.base).slice(0, 30)}`);
      }
      continue;
    }
    // A choice: placed by the companion text written in the same save.
    const companion = bySave.get(e.save)?.find((c) => c.field === e.companion && c.status === 'ack');
    const ts = companion ? (into.get(key(e.itemId, companion.field, companion.value)) ?? []) : [];
    const at = ts[0]?.index;
    if (!companion || at === undefined) {
      result.unattributed++;
      continue;
    }
    const now = versions[at]?.[e.field] ?? null;
    const before = versions[at - 1]?.[e.field] ?? null;
    if (!same(now, e.value)) {
      result.lost++;
      note(`lost: ${e.editor} ${e.field} of item ${e.itemId} = ${String(e.value)} is not in the version of its save`);
    } else if (!same(before, e.base) && !same(before, e.value)) {
      result.clashesNotSurfaced++;
      note(`clash not surfaced: ${e.editor} overwrote ${e.field} of item ${e.itemId} (${String(before)}) from base ${String(e.base)}`);
    }
  }
  return result;
}

