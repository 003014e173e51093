/**
 * List items (#3): reads with the caller's visibility, filtered and keyset-paged queries, creates, updates and deletes
 * with If-Match, and versions. Every check runs before the single write transaction, so nothing is half-written.
 */
import { randomUUID } from 'node:crypto';

import { nowIso } from '../db.js';
import { accessDenied, badRequest, GraphHttpError, notFound } from '../errors.js';
import { filterRefs, type FilterExpr, type OrderKey } from '../odata/filter.js';
import { type ColumnDef, defaultFor, storageKey, SYSTEM_FIELDS, validateValue } from './columns.js';
import type { StoreContext } from './context.js';
import type { Lists } from './lists.js';
import type { Permissions } from './permissions.js';
import type { Principals } from './principals.js';
import { cmpSql, compileFilter, keysetCondition, keyValue, resolveRef, skipTokenValues, toSqlValue } from './query.js';
import { hasPermission, PermissionKind } from './roles.js';
import { type Caller, itemETag, type ItemRow, type ListRow, type VersionRow } from './types.js';

/** SharePoint's list view threshold. */
export const LIST_VIEW_THRESHOLD = 5000;
export const MAX_PAGE_SIZE = 5000;
export const PREFER_NON_INDEXED = 'HonorNonIndexedQueriesWarningMayFailRandomly';

export interface ItemQuery {
  filter?: FilterExpr;
  orderBy?: OrderKey[];
  top: number;
  skipToken?: string;
  allowNonIndexed: boolean;
}

export class Items {
  constructor(
    private readonly ctx: StoreContext,
    private readonly lists: Lists,
    private readonly permissions: Permissions,
    private readonly principals: Principals,
  ) {}

  private row(list: ListRow, id: string): ItemRow | undefined {
    if (!/^\d+$/.test(id)) return undefined;
    return this.ctx.stmt('SELECT * FROM items WHERE lid = ? AND item_id = ? AND deleted = 0').get(list.lid, Number(id)) as ItemRow | undefined;
  }

  /** A live item the caller may read; 404 otherwise (SharePoint hides what you cannot see). */
  item(c: Caller, list: ListRow, id: string): ItemRow {
    const r = this.row(list, id);
    if (!r || !hasPermission(this.permissions.itemRights(c, list, r), PermissionKind.ViewListItems)) throw notFound(`Item not found: the list item with id '${id}' does not exist or you do not have access to it.`);
    return r;
  }

  /** A live item by id for permission calls (no read check: managing needs its own right). */
  rawItem(list: ListRow, id: number): ItemRow | undefined {
    return this.ctx.stmt('SELECT * FROM items WHERE lid = ? AND item_id = ? AND deleted = 0').get(list.lid, id) as ItemRow | undefined;
  }

  private countLive(list: ListRow): number {
    return (this.ctx.stmt('SELECT count(*) AS n FROM items WHERE lid = ? AND deleted = 0').get(list.lid) as { n: number }).n;
  }

  /** One page of the items the caller may read, filtered and ordered with keyset paging. */
  queryItems(c: Caller, list: ListRow, q: ItemQuery): { rows: ItemRow[]; nextSkipToken?: string } {
    const columns = this.lists.columns(list);
    const refs = [...(q.filter ? filterRefs(q.filter) : []), ...(q.orderBy ?? []).map((k) => k.ref)].map((r) => resolveRef(list, columns, r));
    const nonIndexed = refs.find((r) => !r.indexed);
    if (nonIndexed) {
      if (!q.allowNonIndexed) {
        throw badRequest(`Field '${nonIndexed.label}' cannot be referenced in filter or orderby as it is not indexed. Provide the 'Prefer: ${PREFER_NON_INDEXED}' header to allow this, but be warned that such queries may fail on large lists.`);
      }
      if (this.countLive(list) > LIST_VIEW_THRESHOLD) {
        throw new GraphHttpError(500, 'generalException', 'The attempted operation is prohibited because it exceeds the list view threshold.');
      }
    }
    const params: unknown[] = [list.lid];
    let sql = 'SELECT * FROM items WHERE lid = ? AND deleted = 0';
    const vis = this.permissions.visibilityClause(c, list);
    sql += vis.sql;
    params.push(...vis.params);
    if (q.filter) sql += ` AND ${compileFilter(list, columns, q.filter, params)}`;
    const keys: { sql: string; cmp: string; desc: boolean }[] = (q.orderBy ?? []).map((k) => {
      const r = resolveRef(list, columns, k.ref);
      return { sql: r.sql, cmp: r.cmp, desc: k.desc };
    });
    if (keys.length === 0 || keys[keys.length - 1]?.sql !== 'item_id') keys.push({ sql: 'item_id', cmp: 'item_id', desc: false });
    if (q.skipToken !== undefined) sql += keysetCondition(keys, skipTokenValues(this.ctx.unseal(q.skipToken), keys.length), params);
    sql += ` ORDER BY ${keys.map((k) => `${k.cmp}${k.desc ? ' DESC' : ''}`).join(', ')} LIMIT ?`;
    params.push(q.top + 1);
    let rows: ItemRow[];
    try {
      rows = this.ctx.stmt(sql).all(...params.map(toSqlValue)) as ItemRow[];
    } catch (e) {
      // The limits on $filter/$orderby keep SQLite within its own; should one still be hit, the client learns that the
      // query is too complex, and the SQL error goes to stderr only (no SQL text in answers).
      process.stderr.write(`local Graph service: item query failed: ${e instanceof Error ? e.message : String(e)}\n`);
      throw badRequest('The query is too complex to run: simplify $filter or $orderby.');
    }
    if (rows.length <= q.top) return { rows };
    rows.length = q.top;
    const lastRow = rows[rows.length - 1] as ItemRow;
    return { rows, nextSkipToken: this.ctx.seal(keys.map((k) => keyValue(lastRow, k.sql))) };
  }

  private validateFields(list: ListRow, body: unknown, creating: boolean): Record<string, unknown> {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be a fieldValueSet object.');
    const cols = this.lists.writableColumns(list);
    const byKey = new Map<string, ColumnDef>();
    for (const col of cols.values()) byKey.set(storageKey(col), col);
    const out: Record<string, unknown> = {};
    const isPrincipal = (id: number, groups: boolean): boolean => this.principals.isPrincipal(id, groups);
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (key.includes('@odata.')) continue;
      const col = byKey.get(key);
      if (!col) {
        if (SYSTEM_FIELDS.has(key) || (cols.get(key) === undefined && this.lists.columns(list).some((x) => x.name === key))) throw badRequest(`Field '${key}' is read-only.`);
        const person = cols.get(key);
        if (person?.kind === 'personOrGroup') throw badRequest(`Field '${key}' is a person or group field: write '${key}LookupId' with the site-local user id.`);
        throw badRequest(`Field '${key}' is not recognized`);
      }
      out[key] = validateValue(col, key, value, isPrincipal);
    }
    // `required` is not enforced here: SharePoint checks it in its forms only, and its APIs (CSOM/JSOM/REST, which
    // Graph sits on) create and update items with required columns, Title included, left empty. See docs/local-graph.md.
    if (creating) {
      for (const col of cols.values()) {
        const k = storageKey(col);
        if (out[k] === undefined) {
          const d = defaultFor(col);
          if (d !== undefined) out[k] = d;
        }
      }
    }
    return out;
  }

  private checkUnique(list: ListRow, values: Record<string, unknown>, selfId: number): void {
    const dupes: string[] = [];
    for (const col of this.lists.writableColumns(list).values()) {
      if (!col.enforceUniqueValues) continue;
      const v = values[storageKey(col)];
      if (v === undefined || v === null) continue;
      // Case-insensitive for text and choice, as SharePoint's collation; uses the column's index.
      const hit = this.ctx.stmt(`SELECT item_id FROM items WHERE lid = ? AND deleted = 0 AND ${cmpSql(col)} = ? AND item_id <> ? LIMIT 1`).get(list.lid, toSqlValue(v), selfId);
      if (hit) dupes.push(col.name);
    }
    if (dupes.length > 0) {
      throw new GraphHttpError(409, 'nameAlreadyExists', `The list item could not be added or updated because duplicate values were found in the following field(s) in the list: [${dupes.join(', ')}].`);
    }
  }

  createItem(c: Caller, list: ListRow, body: unknown): ItemRow {
    // Adding needs AddListItems only: a level may allow adding without editing (an add-only list, #12).
    if (!hasPermission(this.permissions.listRights(c, list), PermissionKind.AddListItems)) throw accessDenied();
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be a listItem object.');
    for (const k of Object.keys(body)) if (k !== 'fields' && !k.startsWith('@odata.')) throw badRequest(`Property '${k}' cannot be set when creating a listItem; put column values under 'fields'.`);
    const values = this.validateFields(list, (body as { fields?: unknown }).fields ?? {}, true);
    for (const [k, v] of Object.entries(values)) if (v === null) delete values[k];
    const t = nowIso();
    return this.ctx.db.transaction(() => {
      this.checkUnique(list, values, 0);
      const id = list.next_item_id;
      const fields = JSON.stringify(values);
      const seq = this.ctx.nextSeq();
      const guid = randomUUID();
      const r = this.ctx.stmt('INSERT INTO items(lid, item_id, guid, version, created, modified, author, editor, fields, deleted, seq, unique_perms) VALUES (?,?,?,?,?,?,?,?,?,0,?,0)')
        .run(list.lid, id, guid, 1, t, t, c.user.id, c.user.id, fields, seq);
      this.ctx.stmt('INSERT INTO versions(lid, item_id, version, modified, editor, fields) VALUES (?,?,?,?,?,?)').run(list.lid, id, 1, t, c.user.id, fields);
      this.lists.itemAdded(list, id, t);
      return { rid: Number(r.lastInsertRowid), lid: list.lid, item_id: id, guid, version: 1, created: t, modified: t, author: c.user.id, editor: c.user.id, fields, deleted: 0, seq, unique_perms: 0 };
    })();
  }

  private checkIfMatch(row: ItemRow, ifMatch: string | undefined): void {
    if (ifMatch === undefined || ifMatch.trim() === '*') return;
    const current = itemETag(row);
    const given = ifMatch.trim();
    const unquoted = current.slice(1, -1);
    // W/ weak tags never match a strong comparison, as in RFC 9110.
    if (given !== current && given !== unquoted && given.toLowerCase() !== current.toLowerCase()) {
      throw new GraphHttpError(412, 'resourceModified', `The request ETag value '${given}' does not match the object's ETag value '${current}'.`);
    }
  }

  updateFields(c: Caller, list: ListRow, id: string, body: unknown, ifMatch: string | undefined): ItemRow {
    const row = this.item(c, list, id);
    if (!hasPermission(this.permissions.itemRights(c, list, row), PermissionKind.EditListItems)) throw accessDenied();
    this.checkIfMatch(row, ifMatch);
    const patch = this.validateFields(list, body, false);
    const merged = { ...(JSON.parse(row.fields) as Record<string, unknown>) };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    const t = nowIso();
    return this.ctx.db.transaction(() => {
      this.checkUnique(list, patch, row.item_id);
      const fields = JSON.stringify(merged);
      const version = row.version + 1;
      const seq = this.ctx.nextSeq();
      this.ctx.stmt('UPDATE items SET fields = ?, version = ?, modified = ?, editor = ?, seq = ? WHERE rid = ?').run(fields, version, t, c.user.id, seq, row.rid);
      this.ctx.stmt('INSERT INTO versions(lid, item_id, version, modified, editor, fields) VALUES (?,?,?,?,?,?)').run(list.lid, row.item_id, version, t, c.user.id, fields);
      return { ...row, fields, version, modified: t, editor: c.user.id, seq };
    })();
  }

  deleteItem(c: Caller, list: ListRow, id: string, ifMatch: string | undefined): void {
    const row = this.item(c, list, id);
    // Deleting is its own right: a level can allow editing but not deleting (#8).
    if (!hasPermission(this.permissions.itemRights(c, list, row), PermissionKind.DeleteListItems)) throw accessDenied();
    this.checkIfMatch(row, ifMatch);
    // The row stays as a tombstone so delta can report the deletion.
    this.ctx.stmt('UPDATE items SET deleted = 1, seq = ?, modified = ? WHERE rid = ?').run(this.ctx.nextSeq(), nowIso(), row.rid);
  }

  versions(c: Caller, list: ListRow, id: string): { row: ItemRow; versions: VersionRow[] } {
    const row = this.item(c, list, id);
    if (!hasPermission(this.permissions.itemRights(c, list, row), PermissionKind.ViewVersions)) throw accessDenied();
    const versions = this.ctx.stmt('SELECT version, modified, editor, fields FROM versions WHERE lid = ? AND item_id = ? ORDER BY version DESC').all(list.lid, row.item_id) as VersionRow[];
    return { row, versions };
  }
}
