/**
 * OData to SQL for list items (#3): a parsed `$filter` (odata/filter.ts) compiled against a list's columns into a
 * parameterised WHERE clause, `$orderby` keys, and the keyset `$skiptoken` of the next page.
 */
import { badRequest, GraphHttpError } from '../errors.js';
import type { FilterExpr, Ref } from '../odata/filter.js';
import { type ColumnDef, storageKey } from './columns.js';
import type { ItemRow, ListRow } from './types.js';

/**
 * A filterable/orderable operand: `sql` reads the value, `cmp` is the expression to compare and order by. Text and
 * choice columns compare case-insensitively (`COLLATE NOCASE`), as SharePoint's SQL collation (Latin1_General_CI_AS_KS_WS)
 * does; SQLite's NOCASE folds ASCII letters only (documented in docs/local-graph.md).
 */
export interface SqlRef { sql: string; cmp: string; kind: 'number' | 'string' | 'boolean' | 'datetime'; indexed: boolean; label: string }

/** Text and choice values compare case-insensitively in SharePoint. */
export const caseInsensitive = (c: ColumnDef): boolean => c.kind === 'text' || c.kind === 'choice';
/** SQL reading a column's stored value. */
export const valueSql = (c: ColumnDef): string => `json_extract(fields, '$.${storageKey(c)}')`;
/** SQL a column's values are compared and ordered by (case-insensitive for text and choice). */
export const cmpSql = (c: ColumnDef): string => (caseInsensitive(c) ? `${valueSql(c)} COLLATE NOCASE` : valueSql(c));

/** A JSON value as an SQLite parameter. */
export function toSqlValue(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Resolves `fields/X`, `id`, `createdDateTime`… against the list's columns. */
export function resolveRef(list: ListRow, columns: ColumnDef[], ref: Ref): SqlRef {
  const p = ref.path;
  if (p === 'id' || p === 'fields/id' || p === 'fields/ID') return { sql: 'item_id', cmp: 'item_id', kind: 'number', indexed: true, label: 'ID' };
  if (p === 'lastModifiedDateTime' || p === 'fields/Modified') return { sql: 'modified', cmp: 'modified', kind: 'datetime', indexed: true, label: 'Modified' };
  if (p === 'createdDateTime' || p === 'fields/Created') return { sql: 'created', cmp: 'created', kind: 'datetime', indexed: false, label: 'Created' };
  if (p === 'fields/AuthorLookupId') return { sql: 'author', cmp: 'author', kind: 'number', indexed: false, label: 'Author' };
  if (p === 'fields/EditorLookupId') return { sql: 'editor', cmp: 'editor', kind: 'number', indexed: false, label: 'Editor' };
  if (!p.startsWith('fields/')) throw badRequest(`Invalid filter clause: '${p}' is not a filterable property of listItem; use 'fields/<column>', 'id', 'createdDateTime' or 'lastModifiedDateTime'.`);
  const name = p.slice('fields/'.length);
  const base = name.endsWith('LookupId') ? name.slice(0, -'LookupId'.length) : name;
  const col = columns.find((x) => x.kind !== 'system' && (x.name === name || (x.kind === 'personOrGroup' && x.name === base)));
  if (!col) throw badRequest(`Field '${name}' does not exist in list '${list.display_name}'.`);
  const kind = col.kind === 'number' || col.kind === 'personOrGroup' ? 'number' : col.kind === 'boolean' ? 'boolean' : col.kind === 'dateTime' ? 'datetime' : 'string';
  return { sql: valueSql(col), cmp: cmpSql(col), kind, indexed: col.indexed, label: col.name };
}

function literal(ref: SqlRef, lit: { type: string; value: string | number | boolean | null }): string | number | null {
  if (lit.type === 'null') return null;
  const bad = (): GraphHttpError => badRequest(`Invalid filter clause: the value ${JSON.stringify(lit.value)} cannot be compared with field '${ref.label}' (${ref.kind}).`);
  switch (ref.kind) {
    case 'number':
      if (typeof lit.value === 'number') return lit.value;
      // SharePoint accepts quoted numbers for lookup ids ('fields/OwnerLookupId eq '12'').
      if (typeof lit.value === 'string' && /^-?\d+(\.\d+)?$/.test(lit.value)) return Number(lit.value);
      throw bad();
    case 'boolean':
      if (typeof lit.value === 'boolean') return lit.value ? 1 : 0;
      if (lit.value === 1 || lit.value === 0) return lit.value;
      throw bad();
    case 'datetime': {
      if (typeof lit.value !== 'string') throw bad();
      const d = new Date(lit.value);
      if (Number.isNaN(d.getTime())) throw bad();
      return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    default:
      if (typeof lit.value === 'string') return lit.value;
      if (typeof lit.value === 'number') return String(lit.value);
      throw bad();
  }
}

/** Compiles a filter into SQL, pushing its parameters onto `params`. */
export function compileFilter(list: ListRow, columns: ColumnDef[], e: FilterExpr, params: unknown[]): string {
  switch (e.kind) {
    case 'and':
    case 'or': {
      // A chain of one operator compiles flat (a OR b OR c), so long chains do not nest the SQL expression.
      const operands: FilterExpr[] = [];
      const stack: FilterExpr[] = [e];
      while (stack.length > 0) {
        const x = stack.pop() as FilterExpr;
        if (x.kind === e.kind) stack.push(x.right, x.left);
        else operands.push(x);
      }
      return `(${operands.map((x) => compileFilter(list, columns, x, params)).join(` ${e.kind.toUpperCase()} `)})`;
    }
    case 'not':
      return `(NOT coalesce(${compileFilter(list, columns, e.expr, params)}, 0))`;
    case 'startswith': {
      const r = resolveRef(list, columns, e.ref);
      if (r.kind !== 'string') throw badRequest(`Invalid filter clause: startswith needs a text field, but '${r.label}' is ${r.kind}.`);
      const v = String(e.lit.value);
      params.push(v, v.length, v);
      return `(${r.cmp} >= ? AND substr(${r.sql}, 1, ?) = ? COLLATE NOCASE)`;
    }
    case 'cmp': {
      const r = resolveRef(list, columns, e.ref);
      const v = literal(r, e.lit);
      if (v === null) {
        if (e.op === 'eq') return `(${r.sql} IS NULL)`;
        if (e.op === 'ne') return `(${r.sql} IS NOT NULL)`;
        throw badRequest(`Invalid filter clause: '${e.op}' cannot compare with null.`);
      }
      params.push(v);
      const op = { eq: '=', ne: 'IS NOT', lt: '<', gt: '>', le: '<=', ge: '>=' }[e.op];
      return `(${r.cmp} ${op} ?)`;
    }
  }
}

/** The value of an order key of a row, as the skip token records it. */
export function keyValue(row: ItemRow, sql: string): unknown {
  switch (sql) {
    case 'item_id':
      return row.item_id;
    case 'modified':
      return row.modified;
    case 'created':
      return row.created;
    case 'author':
      return row.author;
    case 'editor':
      return row.editor;
    default: {
      const key = /\$\.([A-Za-z0-9_]+)/.exec(sql)?.[1] ?? '';
      const v = (JSON.parse(row.fields) as Record<string, unknown>)[key];
      return v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v;
    }
  }
}

/**
 * Checks the order-key values a `$skiptoken` carried (unsealed by the store: `undefined` when it was not made here).
 * @throws GraphHttpError 400 when it was not made for this query.
 */
export function skipTokenValues(v: unknown, n: number): unknown[] {
  if (!Array.isArray(v) || v.length !== n || v.some((x) => x !== null && typeof x !== 'string' && !(typeof x === 'number' && Number.isFinite(x)))) {
    throw badRequest('The $skiptoken is invalid for this query; follow @odata.nextLink exactly as returned.');
  }
  return v;
}

/**
 * The keyset condition `(k1, k2, …) > last` with SQLite's NULLs-first ordering (NULLs last when descending), pushing
 * its parameters onto `params`.
 */
export function keysetCondition(keys: { sql: string; cmp: string; desc: boolean }[], last: unknown[], params: unknown[]): string {
  const ors: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const parts: string[] = [];
    for (let j = 0; j < i; j++) {
      parts.push(`${(keys[j] as { cmp: string }).cmp} IS ?`);
      params.push(last[j]);
    }
    const k = keys[i] as { sql: string; cmp: string; desc: boolean };
    const v = last[i];
    if (v === null) {
      if (k.desc) {
        continue;
      }
      parts.push(`${k.sql} IS NOT NULL`);
    } else if (k.desc) {
      parts.push(`(${k.cmp} < ? OR ${k.sql} IS NULL)`);
      params.push(v);
    } else {
      parts.push(`${k.cmp} > ?`);
      params.push(v);
    }
    ors.push(`(${parts.join(' AND ')})`);
  }
  return ors.length > 0 ? ` AND (${ors.join(' OR ')})` : ' AND 0';
}
