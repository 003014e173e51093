/** Lists and their columns (#3): lookup by GUID or title, creation through Graph, column indexes. */
import { randomUUID } from 'node:crypto';

import { nowIso } from '../db.js';
import { accessDenied, badRequest, GraphHttpError, notFound } from '../errors.js';
import { builtInColumns, type ColumnDef, MAX_INDEXES, parseColumnDefinition } from './columns.js';
import type { StoreContext } from './context.js';
import type { Permissions } from './permissions.js';
import { caseInsensitive, cmpSql, valueSql } from './query.js';
import { hasPermission, PermissionKind } from './roles.js';
import type { Caller, ListRow, SiteRow } from './types.js';

export class Lists {
  private readonly lists = new Map<number, ListRow>();
  private readonly columnCache = new Map<number, ColumnDef[]>();

  constructor(
    private readonly ctx: StoreContext,
    private readonly permissions: Permissions,
  ) {
    for (const l of ctx.db.prepare('SELECT * FROM lists').all() as ListRow[]) this.lists.set(l.lid, l);
    // Brings column indexes of databases made by earlier versions up to date (no-op when they already are).
    for (const l of this.lists.values()) for (const col of this.columns(l)) if (col.indexed && col.kind !== 'system') this.ensureIndex(l.lid, col);
  }

  listsOf(c: Caller, site: SiteRow): ListRow[] {
    return [...this.lists.values()].filter((l) => l.site_rid === site.rid && this.permissions.canSeeList(c, l)).sort((a, b) => a.lid - b.lid);
  }

  /** A list by GUID or display name; 404 when missing or invisible to the caller. */
  list(c: Caller, site: SiteRow, idOrTitle: string): ListRow {
    const key = idOrTitle.toLowerCase();
    const found = [...this.lists.values()].find((l) => l.site_rid === site.rid && (l.guid === key || l.display_name.toLowerCase() === key || l.name.toLowerCase() === key));
    if (!found || !this.permissions.canSeeList(c, found)) throw notFound(`List '${idOrTitle}' does not exist at site with URL '${site.path}'.`);
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
      const custom = (this.ctx.stmt('SELECT def FROM columns WHERE lid = ? ORDER BY pos').all(list.lid) as { def: string }[]).map((r) => JSON.parse(r.def) as ColumnDef);
      const builtins = builtInColumns();
      // Title first (it is a template column), then the list's own columns, then the read-only built-ins.
      cols = [builtins[0] as ColumnDef, ...custom, ...builtins.slice(1)];
      this.columnCache.set(list.lid, cols);
    }
    return cols;
  }

  /** The columns values can be written to, by name. */
  writableColumns(list: ListRow): Map<string, ColumnDef> {
    const m = new Map<string, ColumnDef>();
    for (const col of this.columns(list)) if (col.kind !== 'system' && !col.readOnly) m.set(col.name, col);
    return m;
  }

  createList(c: Caller, site: SiteRow, body: unknown): ListRow {
    if (!hasPermission(this.permissions.webRights(c, site), PermissionKind.ManageLists)) throw accessDenied();
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
    this.ctx.db.transaction(() => {
      const r = this.ctx.stmt('INSERT INTO lists(site_rid, guid, name, display_name, description, template, created, modified, author, editor, version, next_item_id, unique_perms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0)')
        .run(row.site_rid, row.guid, row.name, row.display_name, row.description, row.template, row.created, row.modified, row.author, row.editor, row.version, row.next_item_id);
      row.lid = Number(r.lastInsertRowid);
      defs.forEach((d, i) => this.insertColumn(row.lid, i, d));
    })();
    this.lists.set(row.lid, row);
    return row;
  }

  private insertColumn(lid: number, pos: number, d: ColumnDef): void {
    this.ctx.stmt('INSERT INTO columns(lid, pos, name, def) VALUES (?,?,?,?)').run(lid, pos, d.name, JSON.stringify(d));
    if (d.indexed) this.ensureIndex(lid, d);
  }

  private ensureIndex(lid: number, d: ColumnDef): void {
    // Expression index per indexed column so $filter/$orderby on it are index seeks, like SharePoint's column indexes.
    // Text and choice columns are indexed with the case-insensitive collation their comparisons use (`ixc_`); earlier
    // versions built a binary `ix_` index for them, which is replaced.
    if (caseInsensitive(d)) {
      this.ctx.db.exec(`DROP INDEX IF EXISTS ix_${lid}_${d.name}; CREATE INDEX IF NOT EXISTS ixc_${lid}_${d.name} ON items(lid, ${cmpSql(d)}, item_id)`);
    } else this.ctx.db.exec(`CREATE INDEX IF NOT EXISTS ix_${lid}_${d.name} ON items(lid, ${valueSql(d)}, item_id)`);
  }

  createColumn(c: Caller, list: ListRow, body: unknown): ColumnDef {
    if (!hasPermission(this.permissions.listRights(c, list), PermissionKind.ManageLists)) throw accessDenied();
    const d = parseColumnDefinition(body);
    const cols = this.columns(list);
    if (cols.some((x) => x.name.toLowerCase() === d.name.toLowerCase())) throw new GraphHttpError(409, 'nameAlreadyExists', `A column named '${d.name}' already exists in this list.`);
    if (d.indexed && cols.filter((x) => x.indexed).length >= MAX_INDEXES) throw badRequest(`A list can have at most ${MAX_INDEXES} indexed columns.`);
    if (d.required || d.enforceUniqueValues) {
      const n = (this.ctx.stmt('SELECT count(*) AS n FROM items WHERE lid = ? AND deleted = 0').get(list.lid) as { n: number }).n;
      if (n > 0 && d.enforceUniqueValues) throw badRequest(`Column '${d.name}' cannot enforce unique values on a list that already has items without values.`);
    }
    const pos = (this.ctx.stmt('SELECT coalesce(max(pos), -1) + 1 AS p FROM columns WHERE lid = ?').get(list.lid) as { p: number }).p;
    this.ctx.db.transaction(() => {
      this.insertColumn(list.lid, pos, d);
      this.touchList(list, c);
    })();
    this.columnCache.delete(list.lid);
    return d;
  }

  private touchList(list: ListRow, c: Caller): void {
    list.modified = nowIso();
    list.editor = c.user.id;
    this.ctx.stmt('UPDATE lists SET modified = ?, editor = ? WHERE lid = ?').run(list.modified, list.editor, list.lid);
  }

  /** Records that an item was added: the next item id and the list's modification time. */
  itemAdded(list: ListRow, id: number, t: string): void {
    this.ctx.stmt('UPDATE lists SET next_item_id = ?, modified = ? WHERE lid = ?').run(id + 1, t, list.lid);
    list.next_item_id = id + 1;
    list.modified = t;
  }
}
