/**
 * SharePoint REST views and field formatting of a list (#12 item 5): the calls provisioning makes, answered as
 * SharePoint does, malformed ones refused with SharePoint's error shape. Stored in `sp_views` / `sp_field_formatters`.
 *
 * - `lists/getbytitle('T')/views`: GET the collection; POST `{ __metadata: { type: 'SP.View' }, Title, ViewQuery?,
 *   RowLimit?, PersonalView?, DefaultView? }` creates a view (201).
 * - `views/getbytitle('V')` (or `views('guid')`): GET, MERGE (`X-HTTP-Method: MERGE`) of ViewQuery/RowLimit, DELETE.
 * - `views/getbytitle('V')/viewfields`: GET `{ Items, SchemaXml }`; POST `addviewfield('F')`, `removeviewfield('F')`,
 *   `removeallviewfields`.
 * - `fields`: GET; `fields/getbyinternalnameortitle('F')`: GET, MERGE of CustomFormatter (column formatting JSON).
 *
 * ViewQuery is checked as CAML (./caml.ts): well-formed, known elements, fields of the list, typed values. Rendering
 * the view (which items a query selects, `[Today]`) is SharePoint's; the local service stores and answers only.
 */
import { randomUUID } from 'node:crypto';

import { GraphHttpError } from '../errors.js';
import { PermissionKind } from '../store/roles.js';
import { SYSTEM_FIELDS, type ColumnDef } from '../store/columns.js';
import type { LocalGraphStore } from '../store/store.js';
import type { ListRow, SiteRow } from '../store/types.js';
import { checkCaml } from './caml.js';
import type { ApiResponse } from './graph-api.js';
import type { SpRequest } from './sp-rest.js';

interface Seg { name: string; args?: string }

/** The rendering helpers of SpRestApi (format-aware entity/collection answers). */
export interface SpRender {
  entity(type: string, uri: string, o: Record<string, unknown>): ApiResponse;
  collection(type: string, uri: string, items: Record<string, unknown>[]): ApiResponse;
  voidResult(method: string): ApiResponse;
}

interface ViewRow { lid: number; guid: string; title: string; query: string; row_limit: number; personal: number; is_default: number; fields: string; pos: number }

const spErr = (status: number, type: string, message: string): GraphHttpError => new GraphHttpError(status, type, message);
const unquote = (a: string | undefined): string | undefined => {
  if (a === undefined) return undefined;
  const m = /^(?:guid)?'((?:[^']|'')*)'$/i.exec(a.trim());
  return m ? (m[1] as string).replace(/''/g, "'") : undefined;
};
const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Fields a view may show besides the list's columns (SharePoint's computed ones). */
const VIEW_ONLY_FIELDS = new Set(['LinkTitle', 'LinkTitleNoMenu', 'Edit', 'DocIcon', 'Attachments', 'ID', 'Created', 'Modified', 'Author', 'Editor']);

const SPFIELD_TYPES: Record<string, string> = { text: 'Text', choice: 'Choice', number: 'Number', boolean: 'Boolean', dateTime: 'DateTime', personOrGroup: 'User', system: 'Computed' };

/** Element types column formatting accepts (SharePoint's column-formatting schema, v2). */
const ELM_TYPES = new Set(['div', 'span', 'a', 'img', 'svg', 'path', 'button', 'p', 'filepreview']);

export class SpViews {
  constructor(private readonly store: LocalGraphStore) {}

  private columns(list: ListRow): ColumnDef[] {
    return this.store.lists.columns(list);
  }

  /** Internal names a view or a CAML FieldRef may name on this list. */
  private fieldNames(list: ListRow): Set<string> {
    return new Set([...this.columns(list).map((c) => c.name), ...VIEW_ONLY_FIELDS]);
  }

  private requireManage(req: SpRequest, site: SiteRow, list: ListRow): void {
    if (!this.store.permissions.can(req.caller, PermissionKind.ManageLists, site, list)) throw spErr(403, 'System.UnauthorizedAccessException', 'Access denied.');
  }

  /** Checks `__metadata.type` when the body carries one (odata=verbose), or demands it when the request says verbose. */
  private entityBody(req: SpRequest, expected: (type: string) => boolean, typeName: string): Record<string, unknown> {
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw spErr(400, 'Microsoft.SharePoint.Client.InvalidClientQueryException', `The request body must be a JSON object (${typeName}).`);
    const b = body as Record<string, unknown>;
    const meta = b.__metadata as { type?: unknown } | undefined;
    const verbose = (req.headers['content-type'] ?? '').toLowerCase().includes('odata=verbose');
    if (meta !== undefined || verbose) {
      const type = typeof meta?.type === 'string' ? meta.type : '';
      if (!expected(type)) throw spErr(400, 'Microsoft.SharePoint.Client.InvalidClientQueryException', `A type named '${type}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.`);
    }
    return b;
  }

  private rows(list: ListRow): ViewRow[] {
    return this.store.ctx.stmt('SELECT * FROM sp_views WHERE lid = ? ORDER BY pos').all(list.lid) as ViewRow[];
  }

  private viewJson(site: SiteRow, list: ListRow, v: ViewRow): Record<string, unknown> {
    return {
      Id: v.guid, Title: v.title, ViewQuery: v.query, RowLimit: v.row_limit, PersonalView: v.personal === 1, DefaultView: v.is_default === 1, Hidden: false, Paged: true,
      ViewType: 'HTML', ServerRelativeUrl: `${site.path}/Lists/${list.name}/${encodeURIComponent(v.title)}.aspx`,
    };
  }

  /** `…/views[/…]`. */
  views(req: SpRequest, r: SpRender, site: SiteRow, list: ListRow, listUrl: string, self: Seg, segs: Seg[]): ApiResponse {
    const url = `${listUrl}/views`;
    const [s0, ...rest] = segs;
    const byArg = self.args !== undefined ? { name: 'id', args: self.args } : s0 && (s0.name === 'getbytitle' || s0.name === 'getbyid') ? s0 : undefined;
    if (!byArg) {
      if (s0 !== undefined) throw spErr(404, 'Microsoft.SharePoint.Client.ResourceNotFoundException', `Cannot find resource for the request ${s0.name}.`);
      if (req.method === 'GET') return r.collection('SP.View', url, this.rows(list).map((v) => this.viewJson(site, list, v)));
      if (req.method !== 'POST') throw spErr(405, 'System.InvalidOperationException', `The HTTP method '${req.method}' cannot be used for views.`);
      this.requireManage(req, site, list);
      const b = this.entityBody(req, (t) => t === 'SP.View', 'SP.View');
      const allowed = new Set(['__metadata', 'Title', 'ViewQuery', 'RowLimit', 'PersonalView', 'DefaultView', 'Paged']);
      for (const k of Object.keys(b)) if (!allowed.has(k)) throw spErr(400, 'Microsoft.SharePoint.Client.InvalidClientQueryException', `The property '${k}' does not exist on type 'SP.View' or is not supported by the local service (supported: ${[...allowed].slice(1).join(', ')}).`);
      const title = b.Title;
      if (typeof title !== 'string' || title.trim() === '' || title.length > 255) throw spErr(400, 'System.ArgumentException', 'Title: a view needs a title of 1 to 255 characters.');
      const query = this.viewQuery(list, b.ViewQuery ?? '');
      const rowLimit = this.rowLimit(b.RowLimit ?? 30);
      for (const k of ['PersonalView', 'DefaultView', 'Paged']) if (b[k] !== undefined && typeof b[k] !== 'boolean') throw spErr(400, 'Microsoft.SharePoint.Client.InvalidClientQueryException', `${k} must be a boolean.`);
      if (b.PersonalView === true) throw spErr(400, 'System.ArgumentException', 'PersonalView: the local service stores public views only.');
      const pos = this.rows(list).length;
      const row: ViewRow = { lid: list.lid, guid: randomUUID(), title, query, row_limit: rowLimit, personal: 0, is_default: b.DefaultView === true ? 1 : 0, fields: '[]', pos };
      this.store.db.transaction(() => {
        if (row.is_default === 1) this.store.ctx.stmt('UPDATE sp_views SET is_default = 0 WHERE lid = ?').run(list.lid);
        this.store.ctx.stmt('INSERT INTO sp_views(lid, guid, title, query, row_limit, personal, is_default, fields, pos) VALUES (?,?,?,?,?,?,?,?,?)').run(row.lid, row.guid, row.title, row.query, row.row_limit, row.personal, row.is_default, row.fields, row.pos);
      })();
      return { ...r.entity('SP.View', `${url}('${row.guid}')`, this.viewJson(site, list, row)), status: 201 };
    }
    const key = unquote(byArg.args) ?? byArg.args ?? '';
    const all = this.rows(list);
    // getbytitle is case-insensitive in SharePoint; ids are GUIDs.
    const view = byArg.name === 'getbytitle' ? all.find((v) => v.title.toLowerCase() === key.toLowerCase()) : all.find((v) => v.guid === key.toLowerCase());
    if (!view) throw spErr(404, 'System.ArgumentException', 'The specified view is invalid.');
    const viewUrl = `${url}('${view.guid}')`;
    const rest2 = byArg === s0 ? rest : segs;
    if (rest2.length === 0) {
      if (req.method === 'GET') return r.entity('SP.View', viewUrl, this.viewJson(site, list, view));
      this.requireManage(req, site, list);
      if (req.method === 'DELETE') {
        this.store.ctx.stmt('DELETE FROM sp_views WHERE lid = ? AND guid = ?').run(list.lid, view.guid);
        return { status: 200, headers: {}, body: { 'odata.null': true } };
      }
      if (req.method !== 'MERGE' && req.method !== 'PATCH') throw spErr(405, 'System.InvalidOperationException', `The HTTP method '${req.method}' cannot be used for a view.`);
      const b = this.entityBody(req, (t) => t === 'SP.View', 'SP.View');
      for (const k of Object.keys(b)) if (!['__metadata', 'ViewQuery', 'RowLimit', 'Title'].includes(k)) throw spErr(400, 'Microsoft.SharePoint.Client.InvalidClientQueryException', `The property '${k}' cannot be changed through the local service (ViewQuery, RowLimit, Title).`);
      const next = { ...view };
      if (b.ViewQuery !== undefined) next.query = this.viewQuery(list, b.ViewQuery);
      if (b.RowLimit !== undefined) next.row_limit = this.rowLimit(b.RowLimit);
      if (b.Title !== undefined) {
        if (typeof b.Title !== 'string' || b.Title.trim() === '' || b.Title.length > 255) throw spErr(400, 'System.ArgumentException', 'Title: a view needs a title of 1 to 255 characters.');
        next.title = b.Title;
      }
      this.store.ctx.stmt('UPDATE sp_views SET query = ?, row_limit = ?, title = ? WHERE lid = ? AND guid = ?').run(next.query, next.row_limit, next.title, list.lid, view.guid);
      return { status: 204, headers: {} };
    }
    const [f0, f1] = rest2 as [Seg, Seg | undefined];
    if (f0.name !== 'viewfields') throw spErr(404, 'Microsoft.SharePoint.Client.ResourceNotFoundException', `Cannot find resource for the request ${f0.name}.`);
    const fields = JSON.parse(view.fields) as string[];
    if (f1 === undefined) {
      if (req.method !== 'GET') throw spErr(405, 'System.InvalidOperationException', `The HTTP method '${req.method}' cannot be used for viewfields.`);
      return r.entity('SP.ViewFieldCollection', `${viewUrl}/viewfields`, { Items: fields, SchemaXml: `<FieldRef Name="${fields.map(escapeXml).join('" /><FieldRef Name="')}" />`.replace('<FieldRef Name="" />', '') });
    }
    if (req.method !== 'POST') throw spErr(405, 'System.InvalidOperationException', `The HTTP method '${req.method}' cannot be used for ${f1.name}.`);
    this.requireManage(req, site, list);
    let next: string[];
    switch (f1.name) {
      case 'addviewfield': {
        const name = unquote(f1.args) ?? (req.body as { strField?: unknown } | null)?.strField;
        if (typeof name !== 'string' || name === '') throw spErr(400, 'System.ArgumentException', "addviewfield needs the field's internal name: addviewfield('Name').");
        const col = this.columns(list).find((c) => c.name === name || c.displayName === name);
        if (!col && !VIEW_ONLY_FIELDS.has(name)) throw spErr(400, 'System.ArgumentException', `Column '${name}' does not exist. It may have been deleted by another user.`);
        const internal = col?.name ?? name;
        next = fields.includes(internal) ? fields : [...fields, internal];
        break;
      }
      case 'removeviewfield': {
        const name = unquote(f1.args) ?? '';
        next = fields.filter((f) => f !== name);
        break;
      }
      case 'removeallviewfields':
        next = [];
        break;
      default:
        throw spErr(404, 'Microsoft.SharePoint.Client.ResourceNotFoundException', `Cannot find resource for the request ${f1.name}.`);
    }
    this.store.ctx.stmt('UPDATE sp_views SET fields = ? WHERE lid = ? AND guid = ?').run(JSON.stringify(next), list.lid, view.guid);
    return r.voidResult(f1.name === 'addviewfield' ? 'AddViewField' : f1.name === 'removeviewfield' ? 'RemoveViewField' : 'RemoveAllViewFields');
  }

  private viewQuery(list: ListRow, q: unknown): string {
    if (typeof q !== 'string') throw spErr(400, 'Microsoft.SharePoint.Client.InvalidClientQueryException', 'ViewQuery must be a string of CAML.');
    const problem = checkCaml(q, this.fieldNames(list));
    if (problem) throw spErr(400, 'Microsoft.SharePoint.SPException', `ViewQuery: ${problem}`);
    return q;
  }

  private rowLimit(v: unknown): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 5000) throw spErr(400, 'System.ArgumentOutOfRangeException', 'RowLimit must be an integer from 1 to 5000.');
    return v;
  }

  private formatterOf(list: ListRow, field: string): string | null {
    const row = this.store.ctx.stmt('SELECT formatter FROM sp_field_formatters WHERE lid = ? AND field = ?').get(list.lid, field) as { formatter: string } | undefined;
    return row?.formatter ?? null;
  }

  private fieldJson(list: ListRow, c: ColumnDef): Record<string, unknown> {
    return {
      Id: c.id, InternalName: c.name, StaticName: c.name, EntityPropertyName: c.name, Title: c.displayName, Description: c.description,
      TypeAsString: SPFIELD_TYPES[c.kind] ?? 'Text', Hidden: c.hidden, ReadOnlyField: c.readOnly, Required: c.required, Indexed: c.indexed,
      EnforceUniqueValues: c.enforceUniqueValues, CustomFormatter: this.formatterOf(list, c.name),
    };
  }

  /** `…/fields[/getbyinternalnameortitle('F')]`. */
  fields(req: SpRequest, r: SpRender, site: SiteRow, list: ListRow, listUrl: string, segs: Seg[]): ApiResponse {
    const url = `${listUrl}/fields`;
    const [s0, extra] = segs;
    const cols = this.columns(list).filter((c) => !SYSTEM_FIELDS.has(c.name) || c.name === 'Title');
    if (!s0) {
      if (req.method !== 'GET') throw spErr(405, 'System.InvalidOperationException', `The HTTP method '${req.method}' cannot be used for fields.`);
      return r.collection('SP.Field', url, cols.map((c) => this.fieldJson(list, c)));
    }
    if (extra !== undefined) throw spErr(404, 'Microsoft.SharePoint.Client.ResourceNotFoundException', `Cannot find resource for the request ${extra.name}.`);
    if (s0.name !== 'getbyinternalnameortitle' && s0.name !== 'getbytitle' && s0.name !== 'getbyid') throw spErr(404, 'Microsoft.SharePoint.Client.ResourceNotFoundException', `Cannot find resource for the request ${s0.name}.`);
    const key = unquote(s0.args) ?? '';
    const col = cols.find((c) => (s0.name === 'getbyid' ? c.id === key.toLowerCase() : s0.name === 'getbytitle' ? c.displayName === key : c.name === key || c.displayName === key));
    if (!col) throw spErr(400, 'System.ArgumentException', `Column '${key}' does not exist. It may have been deleted by another user.`);
    const fieldUrl = `${url}('${col.id}')`;
    if (req.method === 'GET') return r.entity(`SP.Field${SPFIELD_TYPES[col.kind] === 'Text' ? 'Text' : SPFIELD_TYPES[col.kind] ?? ''}`, fieldUrl, this.fieldJson(list, col));
    if (req.method !== 'MERGE' && req.method !== 'PATCH') throw spErr(405, 'System.InvalidOperationException', `The HTTP method '${req.method}' cannot be used for a field (use POST with X-HTTP-Method: MERGE).`);
    this.requireManage(req, site, list);
    const b = this.entityBody(req, (t) => /^SP\.Field[A-Za-z]*$/.test(t), 'SP.Field');
    for (const k of Object.keys(b)) if (k !== '__metadata' && k !== 'CustomFormatter') throw spErr(400, 'Microsoft.SharePoint.Client.InvalidClientQueryException', `The property '${k}' cannot be changed through the local service (CustomFormatter only).`);
    const f = b.CustomFormatter;
    if (f !== null && typeof f !== 'string') throw spErr(400, 'Microsoft.SharePoint.Client.InvalidClientQueryException', 'CustomFormatter must be a string (the column formatting JSON, serialised) or null.');
    if (typeof f === 'string' && f !== '') {
      const problem = checkFormatter(f);
      if (problem) throw spErr(400, 'System.ArgumentException', `CustomFormatter: ${problem}`);
    }
    if (f === null || f === '') this.store.ctx.stmt('DELETE FROM sp_field_formatters WHERE lid = ? AND field = ?').run(list.lid, col.name);
    else this.store.ctx.stmt('INSERT INTO sp_field_formatters(lid, field, formatter) VALUES (?,?,?) ON CONFLICT(lid, field) DO UPDATE SET formatter = excluded.formatter').run(list.lid, col.name, f);
    return { status: 204, headers: {} };
  }
}

/** Column formatting JSON: an object whose `elmType` (and each child's) is one SharePoint renders. */
/** Limits of a column formatter the local service accepts: SharePoint refuses formatters over about 100 KB. */
export const MAX_FORMATTER_CHARS = 100_000;
export const MAX_FORMATTER_DEPTH = 32;

export function checkFormatter(text: string): string | null {
  if (text.length > MAX_FORMATTER_CHARS) return `the formatter is ${text.length} characters long; the limit is ${MAX_FORMATTER_CHARS}`;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `not JSON (${e instanceof Error ? e.message : String(e)})`;
  }
  const walk = (node: unknown, where: string, depth = 1): string | null => {
    if (depth > MAX_FORMATTER_DEPTH) return `${where}: elements nest deeper than ${MAX_FORMATTER_DEPTH} levels`;
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return `${where} must be an object`;
    const n = node as Record<string, unknown>;
    if (typeof n.elmType !== 'string' || !ELM_TYPES.has(n.elmType)) return `${where}.elmType must be one of ${[...ELM_TYPES].join(', ')} (got ${JSON.stringify(n.elmType)})`;
    if (n.children !== undefined) {
      if (!Array.isArray(n.children)) return `${where}.children must be an array`;
      for (const [i, c] of n.children.entries()) {
        const p = walk(c, `${where}.children[${i}]`, depth + 1);
        if (p) return p;
      }
    }
    return null;
  };
  return walk(v, 'root');
}
