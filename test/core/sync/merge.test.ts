import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { diffFields, isSameValue, mergeFields, resolveConflicts } from '../../../src/core/sync/merge.js';

const FIELDS = ['Status', 'ReasonNotPlanned', 'Narrative', 'Outcome', 'ReviewState', 'ReviewComment'] as const;
const value = fc.oneof(fc.constant(null), fc.string({ maxLength: 6 }), fc.integer({ min: 0, max: 5 }));
const record = fc.record(Object.fromEntries(FIELDS.map((f) => [f, value])) as Record<(typeof FIELDS)[number], fc.Arbitrary<string | number | null>>);
type Rec = Record<string, string | number | null>;

/** A change of `base` on the given fields to values guaranteed to differ from base. */
const changed = (base: Rec, fields: readonly string[], tag: string): Rec => {
  const out = { ...base };
  for (const f of fields) out[f] = `${String(base[f])}~${tag}`;
  return out;
};

describe('diffFields', () => {
  it('returns only the fields that changed, with the new values', () => {
    expect(diffFields({ a: 1, b: 'x', c: null }, { a: 1, b: 'y', c: null })).toEqual({ b: 'y' });
    expect(diffFields({ a: 1 }, { a: 1 })).toEqual({});
  });

  it('treats a missing field as null', () => {
    expect(diffFields({ a: null }, {})).toEqual({});
    expect(diffFields({}, { a: 'x' })).toEqual({ a: 'x' });
  });
});

describe('isSameValue', () => {
  it('compares objects structurally regardless of key order', () => {
    expect(isSameValue({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(isSameValue([1, 2], [2, 1])).toBe(false);
    expect(isSameValue(undefined, null)).toBe(true);
    expect(isSameValue(0, null)).toBe(false);
  });
});

describe('mergeFields', () => {
  it('merges edits to different fields and reports the same field changed on both sides', () => {
    const base = { Status: '実施', Narrative: 'a', Outcome: 'x' };
    const mine = { Status: '実施未定', Narrative: 'a', Outcome: 'mine' };
    const theirs = { Status: '実施', Narrative: 'b', Outcome: 'theirs' };
    const result = mergeFields(base, mine, theirs);
    expect(result.merged).toEqual({ Status: '実施未定', Narrative: 'b', Outcome: 'theirs' });
    expect(result.patch).toEqual({ Status: '実施未定' });
    expect(result.conflicts).toEqual([{ field: 'Outcome', base: 'x', mine: 'mine', theirs: 'theirs' }]);
  });

  it('does not conflict when both sides made the same change', () => {
    const result = mergeFields({ a: 1 }, { a: 2 }, { a: 2 });
    expect(result).toEqual({ merged: { a: 2 }, patch: {}, conflicts: [] });
  });

  it('property: disjoint edits never conflict and both survive', () => {
    fc.assert(
      fc.property(record, fc.subarray([...FIELDS]), (base, mineFields) => {
        const theirsFields = FIELDS.filter((f) => !mineFields.includes(f)).slice(0, 3);
        const mine = changed(base, mineFields, 'm');
        const theirs = changed(base, theirsFields, 't');
        const result = mergeFields(base, mine, theirs);
        expect(result.conflicts).toEqual([]);
        for (const f of mineFields) expect(result.merged[f]).toBe(mine[f]);
        for (const f of theirsFields) expect(result.merged[f]).toBe(theirs[f]);
        expect(Object.keys(result.patch).sort()).toEqual([...mineFields].sort());
      }),
    );
  });

  it('property: the same field changed to different values always conflicts and keeps theirs', () => {
    fc.assert(
      fc.property(record, fc.constantFrom(...FIELDS), (base, field) => {
        const mine = changed(base, [field], 'm');
        const theirs = changed(base, [field], 't');
        const result = mergeFields(base, mine, theirs);
        expect(result.conflicts).toEqual([{ field, base: base[field], mine: mine[field], theirs: theirs[field] }]);
        expect(result.merged[field]).toBe(theirs[field]);
        expect(field in result.patch).toBe(false);
      }),
    );
  });

  it('property: merge is idempotent (merging again into the result writes nothing new)', () => {
    fc.assert(
      fc.property(record, record, record, (base, mine, theirs) => {
        const first = mergeFields(base, mine, theirs);
        const again = mergeFields(base, mine, first.merged);
        expect(again.patch).toEqual({});
        expect(again.merged).toEqual(first.merged);
        expect(again.conflicts).toEqual(first.conflicts);
      }),
    );
  });

  it('property: nothing is lost — every field of the result is base, mine or theirs, and a changed field of mine is either written or in conflict', () => {
    fc.assert(
      fc.property(record, record, record, (base, mine, theirs) => {
        const result = mergeFields(base, mine, theirs);
        const conflicted = new Set(result.conflicts.map((c) => c.field));
        for (const f of FIELDS) {
          expect([base[f], mine[f], theirs[f]]).toContainEqual(result.merged[f]);
          if (!isSameValue(mine[f], base[f])) expect(isSameValue(result.merged[f], mine[f]) || conflicted.has(f)).toBe(true);
        }
      }),
    );
  });
});

describe('resolveConflicts', () => {
  it('adds decided values to the patch and leaves undecided conflicts unwritten', () => {
    const result = mergeFields({ a: 1, b: 1, c: 1, d: 1 }, { a: 2, b: 2, c: 2, d: 1 }, { a: 3, b: 3, c: 3, d: 4 });
    const patch = resolveConflicts(result, { a: { take: 'mine' }, b: { take: 'value', value: 9 } });
    expect(patch).toEqual({ a: 2, b: 9 });
  });
});
