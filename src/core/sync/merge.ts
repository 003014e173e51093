/**
 * Field-level diff and three-way merge (#4), shared by the Teams tab, the Excel add-in and the Graph store.
 *
 * Graph answers a stale `If-Match` with 412 and does not update the item (listitem-update). The store then re-reads
 * the item ("theirs") and merges per field against the base the edit started from: edits to different fields merge
 * silently; the same field changed to different values on both sides is a conflict and keeps the stored value until
 * someone decides. Nothing is overwritten without a decision.
 */
import type { FieldConflict } from '../errors.js';

export type { FieldConflict } from '../errors.js';

/** A flat record of field values (list fields, or any other per-field snapshot). */
export type FieldSnapshot = Readonly<Record<string, unknown>>;

/** Structural equality for field values: primitives, arrays and plain objects (key order ignored); undefined = null. */
export function isSameValue(a: unknown, b: unknown): boolean {
  const x = a === undefined ? null : a;
  const y = b === undefined ? null : b;
  if (x === y) return true;
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return Number.isNaN(x) && Number.isNaN(y);
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => isSameValue(v, y[i]));
  const xr = x as Record<string, unknown>;
  const yr = y as Record<string, unknown>;
  const keys = new Set([...Object.keys(xr), ...Object.keys(yr)]);
  for (const k of keys) if (!isSameValue(xr[k], yr[k])) return false;
  return true;
}

/** The fields whose value differs between `base` and `mine`, with mine's values: what a save sends. */
export function diffFields<T extends FieldSnapshot>(base: T, mine: T): Partial<T> {
  const patch: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(base), ...Object.keys(mine)])) {
    if (!isSameValue(base[k], mine[k])) patch[k] = mine[k] === undefined ? null : mine[k];
  }
  return patch as Partial<T>;
}

export interface MergeResult<T extends FieldSnapshot> {
  /** The record after the merge: theirs plus every non-conflicting change of mine. */
  merged: T;
  /** What must be written on top of theirs to reach `merged` (empty when theirs already has it). */
  patch: Partial<T>;
  /** Fields both sides changed to different values; `merged` keeps theirs for these. */
  conflicts: FieldConflict[];
}

/**
 * Three-way merge per field.
 * - mine unchanged from base → theirs wins (nothing to write);
 * - theirs unchanged from base → mine wins (written);
 * - both changed to the same value → no conflict, nothing to write;
 * - both changed to different values → conflict carrying base, mine and theirs; theirs is kept.
 *
 * @example mergeFields({ a: 1, b: 1 }, { a: 2, b: 1 }, { a: 1, b: 3 }) → merged { a: 2, b: 3 }, patch { a: 2 }, no conflicts
 */
export function mergeFields<T extends FieldSnapshot>(base: T, mine: T, theirs: T): MergeResult<T> {
  const merged: Record<string, unknown> = { ...theirs };
  const patch: Record<string, unknown> = {};
  const conflicts: FieldConflict[] = [];
  const keys = [...new Set([...Object.keys(base), ...Object.keys(mine), ...Object.keys(theirs)])].sort();
  for (const k of keys) {
    const b = base[k] ?? null;
    const m = mine[k] ?? null;
    const t = theirs[k] ?? null;
    if (isSameValue(m, b) || isSameValue(m, t)) continue;
    if (isSameValue(t, b)) {
      merged[k] = m;
      patch[k] = m;
      continue;
    }
    conflicts.push({ field: k, base: b, mine: m, theirs: t });
  }
  return { merged: merged as T, patch: patch as Partial<T>, conflicts };
}

/** How a conflict is decided: keep the stored value, take mine, or a new value typed by the user. */
export type ConflictDecision = { take: 'theirs' } | { take: 'mine' } | { take: 'value'; value: unknown };

/**
 * Applies decisions to a merge result and returns the patch to write on top of theirs (with theirs' eTag).
 * Conflicts without a decision stay unwritten.
 */
export function resolveConflicts<T extends FieldSnapshot>(result: MergeResult<T>, decisions: Readonly<Record<string, ConflictDecision>>): Partial<T> {
  const patch: Record<string, unknown> = { ...result.patch };
  for (const c of result.conflicts) {
    const d = decisions[c.field];
    if (!d || d.take === 'theirs') continue;
    patch[c.field] = d.take === 'mine' ? c.mine : d.value;
  }
  return patch as Partial<T>;
}
