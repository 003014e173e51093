import { describe, expect, it } from 'vitest';

import { filterRefs, FilterSyntaxError, parseFilter, parseOrderBy } from '../../src/emulator/odata/filter.js';

describe('parseFilter', () => {
  it('parses comparisons on fields with string, number, boolean, null and datetime literals', () => {
    expect(parseFilter("fields/Status eq 'done'")).toEqual({ kind: 'cmp', op: 'eq', ref: { kind: 'ref', path: 'fields/Status' }, lit: { kind: 'lit', type: 'string', value: 'done' } });
    expect(parseFilter('fields/Qty ge -1.5')).toMatchObject({ op: 'ge', lit: { type: 'number', value: -1.5 } });
    expect(parseFilter('fields/Done ne true')).toMatchObject({ op: 'ne', lit: { type: 'boolean', value: true } });
    expect(parseFilter('fields/Note eq null')).toMatchObject({ op: 'eq', lit: { type: 'null', value: null } });
    expect(parseFilter('lastModifiedDateTime gt 2024-04-01T00:00:00Z')).toMatchObject({ op: 'gt', ref: { path: 'lastModifiedDateTime' }, lit: { type: 'datetime', value: '2024-04-01T00:00:00Z' } });
  });

  it("unescapes doubled quotes: 'O''Brien' is O'Brien", () => {
    expect(parseFilter("fields/Title eq 'O''Brien'")).toMatchObject({ lit: { value: "O'Brien" } });
  });

  it('flips a literal on the left so the field is always the left operand', () => {
    expect(parseFilter('5 lt id')).toMatchObject({ op: 'gt', ref: { path: 'id' }, lit: { value: 5 } });
  });

  it('gives and precedence over or, honours parentheses and not', () => {
    const e = parseFilter("id eq 1 or id eq 2 and fields/A eq 'x'");
    expect(e).toMatchObject({ kind: 'or', right: { kind: 'and' } });
    const p = parseFilter("(id eq 1 or id eq 2) and not (fields/A eq 'x')");
    expect(p).toMatchObject({ kind: 'and', left: { kind: 'or' }, right: { kind: 'not', expr: { kind: 'cmp' } } });
  });

  it('parses startswith(field, string)', () => {
    expect(parseFilter("startswith(fields/Title, '大臣')")).toEqual({ kind: 'startswith', ref: { kind: 'ref', path: 'fields/Title' }, lit: { kind: 'lit', type: 'string', value: '大臣' } });
  });

  it('rejects unsupported functions and operators naming the token', () => {
    expect(() => parseFilter("contains(fields/Title, 'a')")).toThrow(/unsupported function 'contains'/);
    expect(() => parseFilter("fields/Title has 'a'")).toThrow(/unsupported operator 'has'/);
    expect(() => parseFilter('id eq 1 xor id eq 2')).toThrow(/'xor'/);
    expect(() => parseFilter("fields/Title eq 'open")).toThrow(FilterSyntaxError);
    expect(() => parseFilter('id eq 1 )')).toThrow(/'\)'/);
    expect(() => parseFilter('fields/A eq fields/B')).toThrow(/must compare a field with a literal/);
    expect(() => parseFilter('')).toThrow(/empty/);
  });

  it('lists every referenced field', () => {
    expect(filterRefs(parseFilter("fields/A eq 1 and (id gt 2 or startswith(fields/B,'x'))")).map((r) => r.path)).toEqual(['fields/A', 'id', 'fields/B']);
  });
});

describe('parseOrderBy', () => {
  it('parses several keys with directions', () => {
    expect(parseOrderBy('fields/Due desc, id')).toEqual([
      { ref: { kind: 'ref', path: 'fields/Due' }, desc: true },
      { ref: { kind: 'ref', path: 'id' }, desc: false },
    ]);
  });
  it('rejects junk after a key', () => {
    expect(() => parseOrderBy('fields/Due sideways')).toThrow(/unexpected 'sideways'/);
    expect(() => parseOrderBy('fields/Due desc extra')).toThrow(/unexpected 'extra'/);
  });
});
