/**
 * The data layer of the local Graph service (#3): sites, lists, columns, items, versions, change sequence (delta)
 * and SharePoint-style permissions, over better-sqlite3 with prepared statements. Every write is one transaction,
 * so a rejected request leaves nothing half-written.
 */
import { randomUUID } from 'node:crypto';

import type { Statement } from 'better-sqlite3';

import { builtInColumns, type ColumnDef, defaultFor, MAX_INDEXES, parseColumnDefinition, storageKey, SYSTEM_FIELDS, validateValue } from './columns.js';
import { type Db, getMeta, nowIso } from './db.js';
import { accessDenied, badRequest, GraphHttpError, notFound } from './errors.js';
import { filterRefs, type FilterExpr, type OrderKey, type Ref } from './filter.js';
import { RIGHT, rightsOf, roleById } from './permissions.js';

export interface SiteRow { rid: number; hostname: string; path: string; site_guid: string; web_guid: string; name: string; display_name: string; description: string; created: string; modified: string }
export interface ListRow { lid: number; site_rid: number; guid: string; name: string; display_name: string; description: string; template: string; created: string; modified: string; author: number; editor: number; version: number; next_item_id: number; unique_perms: number }
export interface ItemRow { rid: number; lid: number; item_id: number; guid: string; version: number; created: string; modified: string; author: number; editor: number; fields: string; deleted: number; seq: number; unique_perms: number }
export interface VersionRow { version: number; modified: string; editor: number; fields: string }
export interface Principal { id: number; kind: 'user' | 'group'; key: string; title: string; email: string; login_name: string; oid: string; description: string }

/** The authenticated user of a request and the principals (user + groups) whose assignments apply to them. */
export interface Caller { user: Principal; principalIds: string }

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

export interface DeltaPage { rows: ItemRow[]; nextToken?: string; deltaToken?: string }

const etagOf = (guid: string, version: number): string => `"{${guid.toUpperCase()}},${version}"`;
/** The eTag of an item or list: `"{GUID},N"`. */
export const itemETag = (row: { guid: string; version: number }): string => etagOf(row.guid, row.version);

/**
 * A filterable/orderable operand: `sql` reads the value, `cmp` is the expression to compare and order by. Text and
 * choice columns compare case-insensitively (`COLLATE NOCASE`), as SharePoint's SQL collation (Latin1_General_CI_AS_KS_WS)
 * does; SQLite's NOCASE folds ASCII letters only (documented in docs/local-graph.md).
 */
interface SqlRef { sql: string; cmp: string; kind: 'number' | 'string' | 'boolean' | 'datetime'; indexed: boolean; label: string }

/** Text and choice values compare case-insensitively in SharePoint. */
const caseInsensitive = (c: ColumnDef): boolean => c.kind === 'text' || c.kind === 'choice';
const valueSql = (c: ColumnDef): string => `json_extract(fields, '$.${storageKey(c)}')`;
const cmpSql = (c: ColumnDef): string => (caseInsensitive(c) ? `${valueSql(c)} COLLATE NOCASE` : valueSql(c));

function toSqlValue(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Service over one SQLite database. */
export class LocalGraphStore {
  private readonly stmts = new Map<string, Statement>();
  private readonly lists = new Map<number, ListRow>();
  private readonly columnCache = new Map<number, ColumnDef[]>();
  readonly principals = new Map<number, Principal>();
  private readonly membership = new Map<number, number[]>();
  /** Callers by lower-case UPN: principals and group membership do not change while the service runs. */
  private readonly callers = new Map<string, Caller | null>();
  /** Sites by id or path key; sites are only created at first start. */
  private readonly siteCache = new Map<string, SiteRow | null>();
  /**
   * Rights per (principal set, scope), and whether a list has items with unique permissions. Both are derived from
   * role_assignments / unique_perms, which only this class changes (SharePoint REST calls): every such change clears them.
   */
  private readonly rightsCache = new Map<string, number>();
  private readonly uniqueItemsCache = new Map<number, boolean>();
  private seq: number;
  private deltaFloor: number;
  readonly epoch: string;
  readonly secret: string;

  constructor(readonly db: Db) {
    for (const p of db.prepare('SELECT * FROM principals').all() as Principal[]) this.principals.set(p.id, p);
    for (const m of db.prepare('SELECT group_id, user_id FROM group_members').all() as { group_id: number; user_id: number }[]) {
      const groups = this.membership.get(m.user_id) ?? [];
      groups.push(m.group_id);
      this.membership.set(m.user_id, groups);
    }
    for (const l of db.prepare('SELECT * FROM lists').all() as ListRow[]) this.lists.set(l.lid, l);
    // Brings column indexes of databases made by earlier versions up to date (no-op when they already are).
    for (const l of this.lists.values()) for (const col of this.columns(l)) if (col.indexed && col.kind !== 'system') this.ensureIndex(l.lid, col);
    this.seq = (db.prepare('SELECT max(seq) AS s FROM items').get() as { s: number | null }).s ?? 0;
    this.deltaFloor = Number(getMeta(db, 'delta_floor') ?? '0');
    this.seq = Math.max(this.seq, this.deltaFloor);
    this.epoch = getMeta(db, 'epoch') ?? 'x';
    this.secret = getMeta(db, 'token_secret') ?? '';
  }

  /** A cached prepared statement. */
  stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  // ---------------------------------------------------------------- principals

  /** The caller for a user principal found by UPN. */
  callerByUpn(upn: string): Caller | undefined {
    const key = upn.toLowerCase();
    const cached = this.callers.get(key);
    if (cached !== undefined) return cached ?? undefined;
    let found: Caller | null = null;
    for (const p of this.principals.values()) {
      if (p.kind === 'user' && p.key === key) found = { user: p, principalIds: JSON.stringify([p.id, ...(this.membership.get(p.id) ?? [])]) };
    }
    if (this.callers.size < 10_000) this.callers.set(key, found);
    return found ?? undefined;
  }

  /** Principal by site-local id. */
  principal(id: number): Principal | undefined {
    return this.principals.get(id);
  }

  /** Group members (user principals). */
  members(groupId: number): Principal[] {
    const out: Principal[] = [];
    for (const [uid, groups] of this.membership) if (groups.includes(groupId)) out.push(this.principals.get(uid) as Principal);
    return out;
  }

  // ---------------------------------------------------------------- sites

  private cachedSite(key: string, load: () => SiteRow | undefined): SiteRow | undefined {
    const hit = this.siteCache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const row = load() ?? null;
    // Misses are cached too (bounded): a client probing unknown sites must not grow memory without limit.
    if (row !== null || this.siteCache.size < 1000) this.siteCache.set(key, row);
    return row ?? undefined;
  }

  siteByPath(hostname: string, path: string): SiteRow | undefined {
    const p = `/${path.replace(/^\/+|\/+$/g, '')}`;
    return this.cachedSite(`p|${hostname.toLowerCase()}|${p.toLowerCase()}`, () => this.stmt('SELECT * FROM sites WHERE lower(hostname) = lower(?) AND lower(path) = lower(?)').get(hostname, p) as SiteRow | undefined);
  }

  siteById(id: string): SiteRow | undefined {
    return this.cachedSite(`i|${id.toLowerCase()}`, () => {
      const parts = id.split(',');
      if (parts.length === 3) return this.stmt('SELECT * FROM sites WHERE lower(hostname) = lower(?) AND lower(site_guid) = lower(?) AND lower(web_guid) = lower(?)').get(...parts) as SiteRow | undefined;
      if (parts.length === 2) return this.stmt('SELECT * FROM sites WHERE lower(hostname) = lower(?) AND lower(site_guid) = lower(?)').get(...parts) as SiteRow | undefined;
      // A bare hostname addresses that host's root site, as `GET /sites/{hostname}` does in Graph.
      return (this.stmt('SELECT * FROM sites WHERE lower(site_guid) = lower(?)').get(id) ?? this.stmt('SELECT * FROM sites WHERE lower(hostname) = lower(?) ORDER BY rid LIMIT 1').get(id)) as SiteRow | undefined;
    });
  }

  firstSite(): SiteRow {
    return this.stmt('SELECT * FROM sites ORDER BY rid LIMIT 1').get() as SiteRow;
  }

  /** The caller may open the site: any role on the web, or on anything inside it (SharePoint's Limited Access). */
  assertSiteAccess(c: Caller, site: SiteRow): void {
    if (this.webRights(c, site) !== 0) return;
    const any = this.stmt('SELECT 1 FROM role_assignments WHERE site_rid = ? AND principal_id IN (SELECT value FROM json_each(?)) LIMIT 1').get(site.rid, c.principalIds);
    if (!any) throw accessDenied();
  }

  // ---------------------------------------------------------------- rights

  /** Forgets derived permission state; called inside every change to role_assignments or unique_perms. */
  private permissionsChanged(): void {
    this.rightsCache.clear();
    this.uniqueItemsCache.clear();
  }

  private rolesAt(siteRid: number, lid: number, itemId: number, principalIds: string): number {
    const key = `${principalIds}|${siteRid}|${lid}|${itemId}`;
    const hit = this.rightsCache.get(key);
    if (hit !== undefined) return hit;
    const rights = this.loadRolesAt(siteRid, lid, itemId, principalIds);
    if (this.rightsCache.size >= 50_000) this.rightsCache.clear();
    this.rightsCache.set(key, rights);
    return rights;
  }

  private loadRolesAt(siteRid: number, lid: number, itemId: number, principalIds: string): number {
    const rows = this.stmt('SELECT roledef_id FROM role_assignments WHERE site_rid = ? AND lid = ? AND item_id = ? AND principal_id IN (SELECT value FROM json_each(?))').all(siteRid, lid, itemId, principalIds) as { roledef_id: number }[];
    return rightsOf(rows.map((r) => r.roledef_id));
  }
  webRights(c: Caller, site: SiteRow): number {
    return this.rolesAt(site.rid, 0, 0, c.principalIds);
  }
  listRights(c: Caller, list: ListRow): number {
    return list.unique_perms ? this.rolesAt(list.site_rid, list.lid, 0, c.principalIds) : this.rolesAt(list.site_rid, 0, 0, c.principalIds);
  }
  itemRights(c: Caller, list: ListRow, item: ItemRow): number {
    return item.unique_perms ? this.rolesAt(list.site_rid, list.lid, item.item_id, c.principalIds) : this.listRights(c, list);
  }
  private hasItemScopedAccess(c: Caller, list: ListRow): boolean {
    return this.stmt('SELECT 1 FROM role_assignments WHERE lid = ? AND item_id > 0 AND principal_id IN (SELECT value FROM json_each(?)) LIMIT 1').get(list.lid, c.principalIds) !== undefined;
  }
  private canSeeList(c: Caller, list: ListRow): boolean {
    return (this.listRights(c, list) & RIGHT.view) !== 0 || this.hasItemScopedAccess(c, list);
  }

  // ---------------------------------------------------------------- lists and columns

  listsOf(c: Caller, site: SiteRow): ListRow[] {
    return [...this.lists.values()].filter((l) => l.site_rid === site.rid && this.canSeeList(c, l)).sort((a, b) => a.lid - b.lid);
  }

  /** A list by GUID or display name; 404 when missing or invisible to the caller. */
  list(c: Caller, site: SiteRow, idOrTitle: string): ListRow {
    const key = idOrTitle.toLowerCase();
    const found = [...this.lists.values()].find((l) => l.site_rid === site.rid && (l.guid === key || l.display_name.toLowerCase() === key || l.name.toLowerCase() === key));
    if (!found || !this.canSeeList(c, found)) throw notFound(`List '${idOrTitle}' does not exist at site with URL '${site.path}'.`);
    return found;
  }

  /** A list by GUID without permission checks (SharePoint REST resolves before checking). */
  listByGuidOrTitle(site: SiteRow, idOrTitle: string): ListRow | undefined {
    const key = idOrTitle.toLowerCase();
    return [...this.lists.values()].find((l) => l.site_rid === site.rid && (l.guid === key || l.display_name.toLowerCase() === key));
  }

  columns(list: ListRow): ColumnDef[] {
    let cols = this.columnCache.get(list.lid);
    if (!cols) {
      const custom = (this.stmt('SELECT def FROM columns WHERE lid = ? ORDER BY pos').all(list.lid) as { def: string }[]).map((r) => JSON.parse(r.def) as ColumnDef);
      const builtins = builtInColumns();
      // Title first (it is a template column), then the list's own columns, then the read-only built-ins.
      cols = [builtins[0] as ColumnDef, ...custom, ...builtins.slice(1)];
      this.columnCache.set(list.lid, cols);
    }
    return cols;
  }

  private writableColumns(list: ListRow): Map<string, ColumnDef> {
    const m = new Map<string, ColumnDef>();
    for (const col of this.columns(list)) if (col.kind !== 'system' && !col.readOnly) m.set(col.name, col);
    return m;
  }

  createList(c: Caller, site: SiteRow, body: unknown): ListRow {
    if ((this.webRights(c, site) & RIGHT.manageLists) === 0) throw accessDenied();
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be a list object.');
    const b = body as Record<string, unknown>;
    for (const k of Object.keys(b)) {
      // Graph assigns a list's `name` (its URL name) itself and refuses one in the body.
      if (k === 'name') throw badRequest("Cannot define a 'name' for a list as it is assigned by the server. Instead, provide 'displayName'");
      if (!['displayName', 'description', 'columns', 'list', '@odata.type'].includes(k)) throw badRequest(`Property '${k}' does not exist on type 'microsoft.graph.list'.`);
    }
    const displayName = b.displayName;
    if (typeof displayName !== 'string' || displayName.trim() === '') throw badRequest("The list property 'displayName' is required.");
    if (displayName.length > 255) throw badRequest('The list displayName exceeds 255 characters.');
    if (b.description !== undefined && typeof b.description !== 'string') throw badRequest("Invalid value for property 'description': expected a string.");
    const template = 'genericList';
    if (b.list !== undefined) {
      if (typeof b.list !== 'object' || b.list === null) throw badRequest("Invalid value for property 'list': expected a listInfo object.");
      const info = b.list as Record<string, unknown>;
      for (const k of Object.keys(info)) if (!['template', 'contentTypesEnabled', 'hidden'].includes(k)) throw badRequest(`Property '${k}' does not exist on type 'microsoft.graph.listInfo'.`);
      if (info.template !== undefined && info.template !== 'genericList') throw badRequest(`List template '${String(info.template)}' is not supported by the local service (use 'genericList').`);
    }
    const columnBodies = b.columns ?? [];
    if (!Array.isArray(columnBodies)) throw badRequest("Invalid value for property 'columns': expected an array of columnDefinition.");
    const defs = columnBodies.map((x) => parseColumnDefinition(x));
    const names = new Set<string>();
    for (const d of defs) {
      if (names.has(d.name.toLowerCase())) throw new GraphHttpError(409, 'nameAlreadyExists', `A column named '${d.name}' is defined twice.`);
      names.add(d.name.toLowerCase());
    }
    if (defs.filter((d) => d.indexed).length > MAX_INDEXES - 1) throw badRequest(`A list can have at most ${MAX_INDEXES} indexed columns.`);
    const urlName = displayName.replace(/[^A-Za-z0-9]/g, '') || `List${this.lists.size + 1}`;
    const exists = [...this.lists.values()].some((l) => l.site_rid === site.rid && l.display_name.toLowerCase() === displayName.toLowerCase());
    if (exists) throw new GraphHttpError(409, 'nameAlreadyExists', `A list, survey, discussion board, or document library with the specified title '${displayName}' already exists in this website.`);
    let name = urlName;
    for (let i = 1; [...this.lists.values()].some((l) => l.site_rid === site.rid && l.name.toLowerCase() === name.toLowerCase()); i++) name = `${urlName}${i}`;
    const t = nowIso();
    const row: ListRow = {
      lid: 0, site_rid: site.rid, guid: randomUUID(), name, display_name: displayName, description: typeof b.description === 'string' ? b.description : '',
      template, created: t, modified: t, author: c.user.id, editor: c.user.id, version: 1, next_item_id: 1, unique_perms: 0,
    };
    this.db.transaction(() => {
      const r = this.stmt('INSERT INTO lists(site_rid, guid, name, display_name, description, template, created, modified, author, editor, version, next_item_id, unique_perms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0)')
        .run(row.site_rid, row.guid, row.name, row.display_name, row.description, row.template, row.created, row.modified, row.author, row.editor, row.version, row.next_item_id);
      row.lid = Number(r.lastInsertRowid);
      defs.forEach((d, i) => this.insertColumn(row.lid, i, d));
    })();
    this.lists.set(row.lid, row);
    return row;
  }

  private insertColumn(lid: number, pos: number, d: ColumnDef): void {
    this.stmt('INSERT INTO columns(lid, pos, name, def) VALUES (?,?,?,?)').run(lid, pos, d.name, JSON.stringify(d));
    if (d.indexed) this.ensureIndex(lid, d);
  }

  private ensureIndex(lid: number, d: ColumnDef): void {
    // Expression index per indexed column so $filter/$orderby on it are index seeks, like SharePoint's column indexes.
    // Text and choice columns are indexed with the case-insensitive collation their comparisons use (`ixc_`); earlier
    // versions built a binary `ix_` index for them, which is replaced.
    if (caseInsensitive(d)) {
      this.db.exec(`DROP INDEX IF EXISTS ix_${lid}_${d.name}; CREATE INDEX IF NOT EXISTS ixc_${lid}_${d.name} ON items(lid, ${cmpSql(d)}, item_id)`);
    } else this.db.exec(`CREATE INDEX IF NOT EXISTS ix_${lid}_${d.name} ON items(lid, ${valueSql(d)}, item_id)`);
  }


  createColumn(c: Caller, list: ListRow, body: unknown): ColumnDef {
    if ((this.listRights(c, list) & RIGHT.manageLists) === 0) throw accessDenied();
    const d = parseColumnDefinition(body);
    const cols = this.columns(list);
    if (cols.some((x) => x.name.toLowerCase() === d.name.toLowerCase())) throw new GraphHttpError(409, 'nameAlreadyExists', `A column named '${d.name}' already exists in this list.`);
    if (d.indexed && cols.filter((x) => x.indexed).length >= MAX_INDEXES) throw badRequest(`A list can have at most ${MAX_INDEXES} indexed columns.`);
    if (d.required || d.enforceUniqueValues) {
      const n = (this.stmt('SELECT count(*) AS n FROM items WHERE lid = ? AND deleted = 0').get(list.lid) as { n: number }).n;
      if (n > 0 && d.enforceUniqueValues) throw badRequest(`Column '${d.name}' cannot enforce unique values on a list that already has items without values.`);
    }
    const pos = (this.stmt('SELECT coalesce(max(pos), -1) + 1 AS p FROM columns WHERE lid = ?').get(list.lid) as { p: number }).p;
    this.db.transaction(() => {
      this.insertColumn(list.lid, pos, d);
      this.touchList(list, c);
    })();
    this.columnCache.delete(list.lid);
    return d;
  }

  private touchList(list: ListRow, c: Caller): void {
    list.modified = nowIso();
    list.editor = c.user.id;
    this.stmt('UPDATE lists SET modified = ?, editor = ? WHERE lid = ?').run(list.modified, list.editor, list.lid);
  }

  // ---------------------------------------------------------------- item visibility

  /** SQL restricting `items` rows to those the caller may read, plus its parameters. */
  private visibilityClause(c: Caller, list: ListRow): { sql: string; params: unknown[] } {
    const listRead = (this.listRights(c, list) & RIGHT.view) !== 0;
    let hasUnique = this.uniqueItemsCache.get(list.lid);
    if (hasUnique === undefined) {
      hasUnique = this.stmt('SELECT 1 FROM items WHERE lid = ? AND unique_perms = 1 LIMIT 1').get(list.lid) !== undefined;
      this.uniqueItemsCache.set(list.lid, hasUnique);
    }
    if (!hasUnique) return listRead ? { sql: '', params: [] } : { sql: ' AND 0', params: [] };
    const readable = (this.stmt('SELECT DISTINCT item_id FROM role_assignments WHERE lid = ? AND item_id > 0 AND principal_id IN (SELECT value FROM json_each(?))').all(list.lid, c.principalIds) as { item_id: number }[]).map((r) => r.item_id);
    const ids = JSON.stringify(readable);
    return listRead
      ? { sql: ' AND (unique_perms = 0 OR item_id IN (SELECT value FROM json_each(?)))', params: [ids] }
      : { sql: ' AND unique_perms = 1 AND item_id IN (SELECT value FROM json_each(?))', params: [ids] };
  }

  private row(list: ListRow, id: string): ItemRow | undefined {
    if (!/^\d+$/.test(id)) return undefined;
    return this.stmt('SELECT * FROM items WHERE lid = ? AND item_id = ? AND deleted = 0').get(list.lid, Number(id)) as ItemRow | undefined;
  }

  /** A live item the caller may read; 404 otherwise (SharePoint hides what you cannot see). */
  item(c: Caller, list: ListRow, id: string): ItemRow {
    const r = this.row(list, id);
    if (!r || (this.itemRights(c, list, r) & RIGHT.view) === 0) throw notFound(`Item not found: the list item with id '${id}' does not exist or you do not have access to it.`);
    return r;
  }

  // ---------------------------------------------------------------- queries

  private resolveRef(list: ListRow, ref: Ref): SqlRef {
    const p = ref.path;
    if (p === 'id' || p === 'fields/id' || p === 'fields/ID') return { sql: 'item_id', cmp: 'item_id', kind: 'number', indexed: true, label: 'ID' };
    if (p === 'lastModifiedDateTime' || p === 'fields/Modified') return { sql: 'modified', cmp: 'modified', kind: 'datetime', indexed: true, label: 'Modified' };
    if (p === 'createdDateTime' || p === 'fields/Created') return { sql: 'created', cmp: 'created', kind: 'datetime', indexed: false, label: 'Created' };
    if (p === 'fields/AuthorLookupId') return { sql: 'author', cmp: 'author', kind: 'number', indexed: false, label: 'Author' };
    if (p === 'fields/EditorLookupId') return { sql: 'editor', cmp: 'editor', kind: 'number', indexed: false, label: 'Editor' };
    if (!p.startsWith('fields/')) throw badRequest(`Invalid filter clause: '${p}' is not a filterable property of listItem; use 'fields/<column>', 'id', 'createdDateTime' or 'lastModifiedDateTime'.`);
    const name = p.slice('fields/'.length);
    const base = name.endsWith('LookupId') ? name.slice(0, -'LookupId'.length) : name;
    const col = this.columns(list).find((x) => x.kind !== 'system' && (x.name === name || (x.kind === 'personOrGroup' && x.name === base)));
    if (!col) throw badRequest(`Field '${name}' does not exist in list '${list.display_name}'.`);
    const kind = col.kind === 'number' || col.kind === 'personOrGroup' ? 'number' : col.kind === 'boolean' ? 'boolean' : col.kind === 'dateTime' ? 'datetime' : 'string';
    return { sql: valueSql(col), cmp: cmpSql(col), kind, indexed: col.indexed, label: col.name };
  }

  private literal(ref: SqlRef, lit: { type: string; value: string | number | boolean | null }): string | number | null {
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

  private compileFilter(list: ListRow, e: FilterExpr, params: unknown[]): string {
    switch (e.kind) {
      case 'and':
      case 'or':
        return `(${this.compileFilter(list, e.left, params)} ${e.kind.toUpperCase()} ${this.compileFilter(list, e.right, params)})`;
      case 'not':
        return `(NOT coalesce(${this.compileFilter(list, e.expr, params)}, 0))`;
      case 'startswith': {
        const r = this.resolveRef(list, e.ref);
        if (r.kind !== 'string') throw badRequest(`Invalid filter clause: startswith needs a text field, but '${r.label}' is ${r.kind}.`);
        const v = String(e.lit.value);
        params.push(v, v.length, v);
        return `(${r.cmp} >= ? AND substr(${r.sql}, 1, ?) = ? COLLATE NOCASE)`;
      }
      case 'cmp': {
        const r = this.resolveRef(list, e.ref);
        const v = this.literal(r, e.lit);
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

  private countLive(list: ListRow): number {
    return (this.stmt('SELECT count(*) AS n FROM items WHERE lid = ? AND deleted = 0').get(list.lid) as { n: number }).n;
  }

  /** One page of the items the caller may read, filtered and ordered with keyset paging. */
  queryItems(c: Caller, list: ListRow, q: ItemQuery): { rows: ItemRow[]; nextSkipToken?: string } {
    const refs = [...(q.filter ? filterRefs(q.filter) : []), ...(q.orderBy ?? []).map((k) => k.ref)].map((r) => this.resolveRef(list, r));
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
    const vis = this.visibilityClause(c, list);
    sql += vis.sql;
    params.push(...vis.params);
    if (q.filter) sql += ` AND ${this.compileFilter(list, q.filter, params)}`;
    const keys: { sql: string; cmp: string; desc: boolean }[] = (q.orderBy ?? []).map((k) => {
      const r = this.resolveRef(list, k.ref);
      return { sql: r.sql, cmp: r.cmp, desc: k.desc };
    });
    if (keys.length === 0 || keys[keys.length - 1]?.sql !== 'item_id') keys.push({ sql: 'item_id', cmp: 'item_id', desc: false });
    if (q.skipToken !== undefined) {
      const last = decodeSkipToken(q.skipToken, keys.length);
      // Keyset condition over (k1, k2, …) with SQLite's NULLs-first ordering.
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
      sql += ors.length > 0 ? ` AND (${ors.join(' OR ')})` : ' AND 0';
    }
    sql += ` ORDER BY ${keys.map((k) => `${k.cmp}${k.desc ? ' DESC' : ''}`).join(', ')} LIMIT ?`;
    params.push(q.top + 1);
    let rows: ItemRow[];
    try {
      rows = this.stmt(sql).all(...params.map(toSqlValue)) as ItemRow[];
    } catch (e) {
      throw badRequest(`The query could not be run: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (rows.length <= q.top) return { rows };
    rows.length = q.top;
    const lastRow = rows[rows.length - 1] as ItemRow;
    const values = keys.map((k) => keyValue(lastRow, k.sql));
    return { rows, nextSkipToken: Buffer.from(JSON.stringify(values)).toString('base64url') };
  }

  // ---------------------------------------------------------------- writes

  private validateFields(c: Caller, list: ListRow, body: unknown, creating: boolean): Record<string, unknown> {
    void c;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be a fieldValueSet object.');
    const cols = this.writableColumns(list);
    const byKey = new Map<string, ColumnDef>();
    for (const col of cols.values()) byKey.set(storageKey(col), col);
    const out: Record<string, unknown> = {};
    const isPrincipal = (id: number, groups: boolean): boolean => {
      const p = this.principals.get(id);
      return p !== undefined && (groups || p.kind === 'user');
    };
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (key.includes('@odata.')) continue;
      const col = byKey.get(key);
      if (!col) {
        if (SYSTEM_FIELDS.has(key) || (cols.get(key) === undefined && this.columns(list).some((x) => x.name === key))) throw badRequest(`Field '${key}' is read-only.`);
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
    for (const col of this.writableColumns(list).values()) {
      if (!col.enforceUniqueValues) continue;
      const v = values[storageKey(col)];
      if (v === undefined || v === null) continue;
      // Case-insensitive for text and choice, as SharePoint's collation; uses the column's index.
      const hit = this.stmt(`SELECT item_id FROM items WHERE lid = ? AND deleted = 0 AND ${cmpSql(col)} = ? AND item_id <> ? LIMIT 1`).get(list.lid, toSqlValue(v), selfId);
      if (hit) dupes.push(col.name);
    }
    if (dupes.length > 0) {
      throw new GraphHttpError(409, 'nameAlreadyExists', `The list item could not be added or updated because duplicate values were found in the following field(s) in the list: [${dupes.join(', ')}].`);
    }
  }

  createItem(c: Caller, list: ListRow, body: unknown): ItemRow {
    if ((this.listRights(c, list) & RIGHT.edit) === 0) throw accessDenied();
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be a listItem object.');
    for (const k of Object.keys(body)) if (k !== 'fields' && !k.startsWith('@odata.')) throw badRequest(`Property '${k}' cannot be set when creating a listItem; put column values under 'fields'.`);
    const values = this.validateFields(c, list, (body as { fields?: unknown }).fields ?? {}, true);
    for (const [k, v] of Object.entries(values)) if (v === null) delete values[k];
    const t = nowIso();
    return this.db.transaction(() => {
      this.checkUnique(list, values, 0);
      const id = list.next_item_id;
      const fields = JSON.stringify(values);
      const seq = ++this.seq;
      const guid = randomUUID();
      const r = this.stmt('INSERT INTO items(lid, item_id, guid, version, created, modified, author, editor, fields, deleted, seq, unique_perms) VALUES (?,?,?,?,?,?,?,?,?,0,?,0)')
        .run(list.lid, id, guid, 1, t, t, c.user.id, c.user.id, fields, seq);
      this.stmt('INSERT INTO versions(lid, item_id, version, modified, editor, fields) VALUES (?,?,?,?,?,?)').run(list.lid, id, 1, t, c.user.id, fields);
      this.stmt('UPDATE lists SET next_item_id = ?, modified = ? WHERE lid = ?').run(id + 1, t, list.lid);
      list.next_item_id = id + 1;
      list.modified = t;
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
    if ((this.itemRights(c, list, row) & RIGHT.edit) === 0) throw accessDenied();
    this.checkIfMatch(row, ifMatch);
    const patch = this.validateFields(c, list, body, false);
    const merged = { ...(JSON.parse(row.fields) as Record<string, unknown>) };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    const t = nowIso();
    return this.db.transaction(() => {
      this.checkUnique(list, patch, row.item_id);
      const fields = JSON.stringify(merged);
      const version = row.version + 1;
      const seq = ++this.seq;
      this.stmt('UPDATE items SET fields = ?, version = ?, modified = ?, editor = ?, seq = ? WHERE rid = ?').run(fields, version, t, c.user.id, seq, row.rid);
      this.stmt('INSERT INTO versions(lid, item_id, version, modified, editor, fields) VALUES (?,?,?,?,?,?)').run(list.lid, row.item_id, version, t, c.user.id, fields);
      return { ...row, fields, version, modified: t, editor: c.user.id, seq };
    })();
  }

  deleteItem(c: Caller, list: ListRow, id: string, ifMatch: string | undefined): void {
    const row = this.item(c, list, id);
    if ((this.itemRights(c, list, row) & RIGHT.edit) === 0) throw accessDenied();
    this.checkIfMatch(row, ifMatch);
    // The row stays as a tombstone so delta can report the deletion.
    this.stmt('UPDATE items SET deleted = 1, seq = ?, modified = ? WHERE rid = ?').run(++this.seq, nowIso(), row.rid);
  }

  versions(c: Caller, list: ListRow, id: string): { row: ItemRow; versions: VersionRow[] } {
    const row = this.item(c, list, id);
    const versions = this.stmt('SELECT version, modified, editor, fields FROM versions WHERE lid = ? AND item_id = ? ORDER BY version DESC').all(list.lid, row.item_id) as VersionRow[];
    return { row, versions };
  }

  // ---------------------------------------------------------------- delta

  private encodeDelta(list: ListRow, t: { m: 'e' | 'c'; s: number; a?: number }): string {
    return Buffer.from(JSON.stringify({ v: 1, e: this.epoch, l: list.guid, ...t })).toString('base64url');
  }

  /** Empties the change log (tombstones) so every earlier delta token gets 410, as an expired token would. */
  expireDeltaTokens(): void {
    // Advance the sequence so every token issued so far lies below the floor, and later ones do not.
    this.deltaFloor = ++this.seq;
    this.db.transaction(() => {
      this.stmt("INSERT OR REPLACE INTO meta(key, value) VALUES ('delta_floor', ?)").run(String(this.deltaFloor));
      this.stmt('DELETE FROM items WHERE deleted = 1').run();
    })();
    this.permissionsChanged();
  }

  /**
   * One delta page: a fresh enumeration (no token), `latest`, or the changes after a token.
   * @throws GraphHttpError 410 for a token that is unknown, from another database or older than the change log.
   */
  delta(c: Caller, list: ListRow, token: string | undefined, top: number, resyncUrl: string): DeltaPage {
    const vis = this.visibilityClause(c, list);
    if (token === 'latest') return { rows: [], deltaToken: this.encodeDelta(list, { m: 'c', s: this.seq }) };
    if (token === undefined) return this.enumerate(list, vis, 0, this.seq, top);
    let t: { v?: number; e?: string; l?: string; m?: string; s?: number; a?: number };
    try {
      t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof t;
    } catch {
      t = {};
    }
    const gone = (): GraphHttpError =>
      new GraphHttpError(410, 'resyncChangesApplyDifferences', 'The delta token is no longer valid; a full resynchronization is required. Follow the Location header to enumerate the list again.', { Location: resyncUrl });
    if (t.v !== 1 || t.e !== this.epoch || t.l !== list.guid || typeof t.s !== 'number' || (t.m !== 'e' && t.m !== 'c')) throw gone();
    if (t.m === 'e') return this.enumerate(list, vis, t.a ?? 0, t.s, top);
    if (t.s < this.deltaFloor || t.s > this.seq) throw gone();
    const rows = this.stmt(`SELECT * FROM items WHERE lid = ? AND seq > ?${vis.sql} ORDER BY seq LIMIT ?`).all(list.lid, t.s, ...vis.params, top + 1) as ItemRow[];
    if (rows.length > top) {
      rows.length = top;
      return { rows, nextToken: this.encodeDelta(list, { m: 'c', s: (rows[rows.length - 1] as ItemRow).seq }) };
    }
    return { rows, deltaToken: this.encodeDelta(list, { m: 'c', s: this.seq }) };
  }

  private enumerate(list: ListRow, vis: { sql: string; params: unknown[] }, after: number, upto: number, top: number): DeltaPage {
    // Items changed after `upto` are left for the next round, so the enumeration is a consistent snapshot.
    const rows = this.stmt(`SELECT * FROM items WHERE lid = ? AND deleted = 0 AND seq > ? AND seq <= ?${vis.sql} ORDER BY seq LIMIT ?`).all(list.lid, after, upto, ...vis.params, top + 1) as ItemRow[];
    if (rows.length > top) {
      rows.length = top;
      return { rows, nextToken: this.encodeDelta(list, { m: 'e', s: upto, a: (rows[rows.length - 1] as ItemRow).seq }) };
    }
    return { rows, deltaToken: this.encodeDelta(list, { m: 'c', s: upto }) };
  }

  // ---------------------------------------------------------------- permissions (SharePoint REST)

  /** Scope key of a securable object: web (lid 0), list (item 0) or item. */
  scopeOf(site: SiteRow, list?: ListRow, item?: ItemRow): { siteRid: number; lid: number; itemId: number; unique: boolean } {
    if (item && list) return { siteRid: site.rid, lid: list.lid, itemId: item.item_id, unique: item.unique_perms === 1 };
    if (list) return { siteRid: site.rid, lid: list.lid, itemId: 0, unique: list.unique_perms === 1 };
    return { siteRid: site.rid, lid: 0, itemId: 0, unique: true };
  }

  /** Rights of the caller on a securable object. */
  rightsOn(c: Caller, site: SiteRow, list?: ListRow, item?: ItemRow): number {
    if (item && list) return this.itemRights(c, list, item);
    if (list) return this.listRights(c, list);
    return this.webRights(c, site);
  }

  /** The assignments in force on an object: its own when unique, else the parent's (inherited). */
  effectiveAssignments(site: SiteRow, list?: ListRow, item?: ItemRow): { principal_id: number; roledef_id: number }[] {
    const scope = item && item.unique_perms ? { lid: list?.lid ?? 0, itemId: item.item_id } : list && list.unique_perms ? { lid: list.lid, itemId: 0 } : { lid: 0, itemId: 0 };
    return this.stmt('SELECT principal_id, roledef_id FROM role_assignments WHERE site_rid = ? AND lid = ? AND item_id = ? ORDER BY principal_id, roledef_id').all(site.rid, scope.lid, scope.itemId) as { principal_id: number; roledef_id: number }[];
  }

  private requireManagePermissions(c: Caller, site: SiteRow, list?: ListRow, item?: ItemRow): void {
    if ((this.rightsOn(c, site, list, item) & RIGHT.managePermissions) === 0) throw accessDenied();
  }

  private bumpItem(item: ItemRow | undefined): void {
    // A permission change re-announces the item to delta, so users who gained access receive it.
    if (item) this.stmt('UPDATE items SET seq = ? WHERE rid = ?').run(++this.seq, item.rid);
  }

  breakInheritance(c: Caller, site: SiteRow, list: ListRow, item: ItemRow | undefined, copy: boolean, clearSubscopes: boolean): void {
    this.requireManagePermissions(c, site, list, item);
    const scope = this.scopeOf(site, list, item);
    try {
      this.db.transaction(() => {
        if (!scope.unique) {
          const inherited = this.effectiveAssignments(site, list, item);
          const ins = this.stmt('INSERT OR IGNORE INTO role_assignments(site_rid, lid, item_id, principal_id, roledef_id) VALUES (?,?,?,?,?)');
          if (copy) for (const a of inherited) ins.run(scope.siteRid, scope.lid, scope.itemId, a.principal_id, a.roledef_id);
          // Without copying, SharePoint leaves exactly one assignment: the current user with Full Control.
          else ins.run(scope.siteRid, scope.lid, scope.itemId, c.user.id, 1073741829);
          if (item) {
            this.stmt('UPDATE items SET unique_perms = 1 WHERE rid = ?').run(item.rid);
            item.unique_perms = 1;
          } else {
            this.stmt('UPDATE lists SET unique_perms = 1 WHERE lid = ?').run(list.lid);
            list.unique_perms = 1;
          }
        }
        if (!item && clearSubscopes) {
          this.stmt('DELETE FROM role_assignments WHERE lid = ? AND item_id > 0').run(list.lid);
          this.stmt('UPDATE items SET unique_perms = 0, seq = ? WHERE lid = ? AND unique_perms = 1').run(++this.seq, list.lid);
        }
        this.bumpItem(item);
      })();
    } finally {
      this.permissionsChanged();
    }
  }

  resetInheritance(c: Caller, site: SiteRow, list: ListRow, item: ItemRow | undefined): void {
    this.requireManagePermissions(c, site, list, item);
    const scope = this.scopeOf(site, list, item);
    try {
      this.db.transaction(() => {
        this.stmt('DELETE FROM role_assignments WHERE site_rid = ? AND lid = ? AND item_id = ?').run(scope.siteRid, scope.lid, scope.itemId);
        if (item) {
          this.stmt('UPDATE items SET unique_perms = 0 WHERE rid = ?').run(item.rid);
          item.unique_perms = 0;
        } else {
          this.stmt('UPDATE lists SET unique_perms = 0 WHERE lid = ?').run(list.lid);
          list.unique_perms = 0;
        }
        this.bumpItem(item);
      })();
    } finally {
      this.permissionsChanged();
    }
  }

  /**
   * Adds or removes one role assignment on a list, an item or the web.
   * @throws GraphHttpError 400 when the object still inherits, 404 for an unknown principal or role.
   */
  changeAssignment(c: Caller, site: SiteRow, list: ListRow | undefined, item: ItemRow | undefined, principalId: number, roleId: number, add: boolean): void {
    this.requireManagePermissions(c, site, list, item);
    const scope = this.scopeOf(site, list, item);
    if (!scope.unique) throw new GraphHttpError(400, 'inheritsPermissions', 'This operation is not allowed on an object that inherits permissions.');
    if (!this.principals.has(principalId)) throw new GraphHttpError(404, 'principalNotFound', `Cannot find principal with id: ${principalId}.`);
    if (!roleById(roleId)) throw new GraphHttpError(404, 'roleNotFound', `Cannot find role definition with id: ${roleId}.`);
    try {
      this.db.transaction(() => {
        if (add) this.stmt('INSERT OR IGNORE INTO role_assignments(site_rid, lid, item_id, principal_id, roledef_id) VALUES (?,?,?,?,?)').run(scope.siteRid, scope.lid, scope.itemId, principalId, roleId);
        else this.stmt('DELETE FROM role_assignments WHERE site_rid = ? AND lid = ? AND item_id = ? AND principal_id = ? AND roledef_id = ?').run(scope.siteRid, scope.lid, scope.itemId, principalId, roleId);
        this.bumpItem(item);
      })();
    } finally {
      this.permissionsChanged();
    }
  }

  /** Removes every role of a principal on an object (`roleassignments/getbyprincipalid(N)` DELETE). */
  removePrincipal(c: Caller, site: SiteRow, list: ListRow | undefined, item: ItemRow | undefined, principalId: number): void {
    this.requireManagePermissions(c, site, list, item);
    const scope = this.scopeOf(site, list, item);
    if (!scope.unique) throw new GraphHttpError(400, 'inheritsPermissions', 'This operation is not allowed on an object that inherits permissions.');
    try {
      this.db.transaction(() => {
        this.stmt('DELETE FROM role_assignments WHERE site_rid = ? AND lid = ? AND item_id = ? AND principal_id = ?').run(scope.siteRid, scope.lid, scope.itemId, principalId);
        this.bumpItem(item);
      })();
    } finally {
      this.permissionsChanged();
    }
  }

  /** A live item by id for permission calls (no read check: managing needs its own right). */
  rawItem(list: ListRow, id: number): ItemRow | undefined {
    return this.stmt('SELECT * FROM items WHERE lid = ? AND item_id = ? AND deleted = 0').get(list.lid, id) as ItemRow | undefined;
  }
}

function keyValue(row: ItemRow, sql: string): unknown {
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

function decodeSkipToken(token: string, n: number): unknown[] {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v) || v.length !== n || v.some((x) => x !== null && typeof x !== 'string' && typeof x !== 'number')) {
    throw badRequest('The $skiptoken is invalid for this query; follow @odata.nextLink exactly as returned.');
  }
  return v;
}
