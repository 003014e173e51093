/** Graph v1.0 routes for sites, lists, columns, items, versions and delta, rendering Graph's JSON (#3). */
import { type ColumnDef, columnJson, storageKey } from './columns.js';
import { badRequest, GraphHttpError } from './errors.js';
import { FilterSyntaxError, parseFilter, parseOrderBy } from './filter.js';
import { type Caller, itemETag, type ItemRow, type ListRow, type LocalGraphStore, MAX_PAGE_SIZE, PREFER_NON_INDEXED, type SiteRow, type VersionRow } from './service.js';

export interface ApiRequest {
  method: string;
  /** Path after `/v1.0`, still percent-encoded, e.g. `/sites/localhost:/sites/followup`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: unknown;
  caller: Caller;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

const identity = (store: LocalGraphStore, id: number): Record<string, unknown> => {
  const p = store.principal(id);
  return p ? { user: { email: p.email, id: p.oid, displayName: p.title } } : { user: { displayName: 'System Account' } };
};

/** Splits `a,b(c,d),e` at top-level commas. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

interface Expand { fields: boolean; fieldSelect?: string[]; columns: boolean; items: boolean; itemsExpandFields: boolean }

function parseExpand(raw: string | null): Expand {
  const e: Expand = { fields: false, columns: false, items: false, itemsExpandFields: false };
  if (!raw) return e;
  for (const part of splitTop(raw)) {
    const m = /^([A-Za-z]+)(?:\((.*)\))?$/.exec(part);
    if (!m) throw badRequest(`Invalid $expand clause '${part}'.`);
    const name = m[1] as string;
    const inner = m[2];
    if (name === 'fields') {
      e.fields = true;
      if (inner !== undefined) {
        const sel = /^\$?select=(.*)$/.exec(inner.trim());
        if (!sel) throw badRequest(`Invalid $expand option '${inner}': only $select is supported inside fields(...).`);
        e.fieldSelect = (sel[1] as string).split(',').map((x) => x.trim()).filter(Boolean);
      }
    } else if (name === 'columns') e.columns = true;
    else if (name === 'items') {
      e.items = true;
      e.itemsExpandFields = inner !== undefined && /\$?expand=fields/.test(inner);
    } else throw badRequest(`Could not find a navigation property named '${name}' to expand.`);
  }
  return e;
}

const ITEM_PROPS = new Set(['id', 'eTag', 'createdDateTime', 'lastModifiedDateTime', 'createdBy', 'lastModifiedBy', 'webUrl', 'parentReference', 'contentType', 'sharepointIds', 'name', 'description', 'fields']);
const SUPPORTED_QUERY = new Set(['$filter', '$orderby', '$top', '$select', '$expand', '$skiptoken', 'expand', 'select', 'filter', 'orderby', 'top', 'token', '$count']);

/** Graph routes over a store; `origin()` gives `https://localhost:PORT` for absolute links. */
export class GraphApi {
  constructor(
    private readonly store: LocalGraphStore,
    private readonly origin: () => string,
    private readonly pageSize: number,
  ) {}

  private get graphBase(): string {
    return `${this.origin()}/v1.0`;
  }

  /** Handles one Graph request (also used for each $batch sub-request). Never throws. */
  handle(req: ApiRequest): ApiResponse {
    try {
      return this.route(req);
    } catch (e) {
      if (e instanceof GraphHttpError) return { status: e.status, headers: { ...e.headers }, body: { error: { code: e.code, message: e.message } } };
      if (e instanceof FilterSyntaxError) return { status: 400, headers: {}, body: { error: { code: 'invalidRequest', message: e.message } } };
      throw e;
    }
  }

  private site(req: ApiRequest): { site: SiteRow; rest: string[] } {
    let p = req.path.replace(/%3A/gi, ':');
    if (!p.startsWith('/sites/') && p !== '/sites') throw badRequest(`Resource not found for the segment '${p.split('/')[1] ?? ''}'.`);
    p = p.slice('/sites/'.length);
    let site: SiteRow | undefined;
    let rest: string;
    const colon = p.indexOf(':');
    const slash = p.indexOf('/');
    if (p === 'root' || p.startsWith('root/')) {
      site = this.store.firstSite();
      rest = p.slice(4);
    } else if (colon > 0 && (slash === -1 || colon < slash)) {
      const hostname = p.slice(0, colon);
      const after = p.slice(colon + 1);
      const next = after.indexOf(':');
      const sitePath = next === -1 ? after : after.slice(0, next);
      rest = next === -1 ? '' : after.slice(next + 1);
      site = this.store.siteByPath(hostname, decodeURIComponent(sitePath));
      if (!site) throw new GraphHttpError(404, 'itemNotFound', `Requested site could not be found: ${hostname}:${decodeURIComponent(sitePath)}.`);
    } else {
      const id = decodeURIComponent(slash === -1 ? p : p.slice(0, slash));
      rest = slash === -1 ? '' : p.slice(slash);
      site = this.store.siteById(id);
      if (!site) throw new GraphHttpError(404, 'itemNotFound', `Requested site could not be found: ${id}.`);
    }
    this.store.assertSiteAccess(req.caller, site);
    const segs = rest.split('/').filter((s) => s !== '').map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw badRequest(`Malformed URL segment '${s}'.`);
      }
    });
    return { site, rest: segs };
  }

  private route(req: ApiRequest): ApiResponse {
    for (const k of req.query.keys()) {
      if (k.startsWith('$') && !SUPPORTED_QUERY.has(k)) throw badRequest(`Query option '${k}' is not supported by this API.`);
    }
    const { site, rest } = this.site(req);
    const m = req.method;
    const [a, listKey, b, c, d, e, f] = rest;
    const notAllowed = (): never => {
      throw new GraphHttpError(405, 'methodNotAllowed', `The HTTP method '${m}' is not allowed for this resource.`);
    };
    if (a === undefined) return m === 'GET' ? this.ok(this.siteJson(site, true)) : notAllowed();
    if (a !== 'lists') throw badRequest(`Resource not found for the segment '${a}'.`);
    if (listKey === undefined) {
      if (m === 'GET') return this.ok({ '@odata.context': `${this.graphBase}/$metadata#sites('${this.siteId(site)}')/lists`, value: this.store.listsOf(req.caller, site).map((l) => this.listJson(site, l, false)) });
      if (m === 'POST') {
        const list = this.store.createList(req.caller, site, req.body);
        return { status: 201, headers: { 'Content-Type': JSON_TYPE, Location: `${this.graphBase}/sites/${this.siteId(site)}/lists/${list.guid}` }, body: this.listJson(site, list, true) };
      }
      return notAllowed();
    }
    const list = this.store.list(req.caller, site, listKey);
    if (b === undefined) {
      if (m !== 'GET') return notAllowed();
      const exp = parseExpand(req.query.get('$expand') ?? req.query.get('expand'));
      const body = this.listJson(site, list, true);
      if (exp.columns) body.columns = this.visibleColumns(list, false).map(columnJson);
      if (exp.items) {
        const page = this.store.queryItems(req.caller, list, { top: this.pageSize, allowNonIndexed: false });
        body.items = page.rows.map((r) => this.itemJson(site, list, r, exp.itemsExpandFields ? { fields: true, columns: false, items: false, itemsExpandFields: false } : { fields: false, columns: false, items: false, itemsExpandFields: false }));
      }
      return this.ok(body);
    }
    if (b === 'columns') {
      if (c === undefined) {
        if (m === 'GET') {
          const withHidden = (req.query.get('$select') ?? '').split(',').includes('hidden');
          return this.ok({ '@odata.context': `${this.graphBase}/$metadata#sites('${this.siteId(site)}')/lists('${list.guid}')/columns`, value: this.visibleColumns(list, withHidden).map(columnJson) });
        }
        if (m === 'POST') {
          const col = this.store.createColumn(req.caller, list, req.body);
          return { status: 201, headers: { 'Content-Type': JSON_TYPE }, body: { '@odata.context': `${this.graphBase}/$metadata#sites('${this.siteId(site)}')/lists('${list.guid}')/columns/$entity`, ...columnJson(col) } };
        }
        return notAllowed();
      }
      if (d !== undefined || m !== 'GET') return d !== undefined ? this.unknown(d) : notAllowed();
      const col = this.store.columns(list).find((x) => x.id === c || x.name === c);
      if (!col) throw new GraphHttpError(404, 'itemNotFound', `Column '${c}' does not exist in list '${list.display_name}'.`);
      return this.ok({ '@odata.context': `${this.graphBase}/$metadata#sites('${this.siteId(site)}')/lists('${list.guid}')/columns/$entity`, ...columnJson(col) });
    }
    if (b !== 'items') return this.unknown(b);
    if (c === undefined) {
      if (m === 'GET') return this.listItems(req, site, list);
      if (m === 'POST') {
        const row = this.store.createItem(req.caller, list, req.body);
        return {
          status: 201,
          headers: { 'Content-Type': JSON_TYPE, ETag: itemETag(row), Location: `${this.graphBase}/sites/${this.siteId(site)}/lists/${list.guid}/items/${row.item_id}` },
          body: { '@odata.context': `${this.graphBase}/$metadata#sites('${this.siteId(site)}')/lists('${list.guid}')/items/$entity`, ...this.itemJson(site, list, row, { fields: true, columns: false, items: false, itemsExpandFields: false }) },
        };
      }
      return notAllowed();
    }
    if (c === 'delta' || c === 'delta()') {
      if (d !== undefined) return this.unknown(d);
      return m === 'GET' ? this.delta(req, site, list) : notAllowed();
    }
    const itemId = c;
    const ifMatch = req.headers['if-match'];
    if (d === undefined) {
      if (m === 'GET') {
        const row = this.store.item(req.caller, list, itemId);
        const exp = parseExpand(req.query.get('$expand') ?? req.query.get('expand'));
        return this.ok({ '@odata.context': `${this.graphBase}/$metadata#sites('${this.siteId(site)}')/lists('${list.guid}')/items/$entity`, ...this.select(req, this.itemJson(site, list, row, exp)) }, itemETag(row));
      }
      if (m === 'DELETE') {
        this.store.deleteItem(req.caller, list, itemId, ifMatch);
        return { status: 204, headers: {} };
      }
      if (m === 'PATCH') {
        const body = req.body;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be a listItem object.');
        for (const k of Object.keys(body)) if (k !== 'fields' && !k.startsWith('@odata.')) throw badRequest(`Property '${k}' of listItem cannot be updated; update column values under 'fields'.`);
        const row = this.store.updateFields(req.caller, list, itemId, (body as { fields?: unknown }).fields ?? {}, ifMatch);
        return this.ok({ '@odata.context': `${this.graphBase}/$metadata#sites('${this.siteId(site)}')/lists('${list.guid}')/items/$entity`, ...this.itemJson(site, list, row, { fields: true, columns: false, items: false, itemsExpandFields: false }) }, itemETag(row));
      }
      return notAllowed();
    }
    const ctxItem = `${this.graphBase}/$metadata#sites('${this.siteId(site)}')/lists('${list.guid}')/items('${itemId}')`;
    if (d === 'fields') {
      if (e !== undefined) return this.unknown(e);
      if (m === 'GET') {
        const row = this.store.item(req.caller, list, itemId);
        const sel = req.query.get('$select') ?? req.query.get('select');
        return this.ok({ '@odata.context': `${ctxItem}/fields/$entity`, ...this.fieldsJson(list, row, sel ? sel.split(',').map((x) => x.trim()) : undefined) }, itemETag(row));
      }
      if (m === 'PATCH') {
        const row = this.store.updateFields(req.caller, list, itemId, req.body, ifMatch);
        return this.ok({ '@odata.context': `${ctxItem}/fields/$entity`, ...this.fieldsJson(list, row) }, itemETag(row));
      }
      return notAllowed();
    }
    if (d === 'versions') {
      if (m !== 'GET') return notAllowed();
      const { row, versions } = this.store.versions(req.caller, list, itemId);
      if (e === undefined) return this.ok({ '@odata.context': `${ctxItem}/versions`, value: versions.map((v) => this.versionJson(list, row, v)) });
      const v = versions.find((x) => `${x.version}.0` === e || String(x.version) === e);
      if (!v) throw new GraphHttpError(404, 'itemNotFound', `Version '${e}' of item '${itemId}' does not exist.`);
      if (f === undefined) return this.ok({ '@odata.context': `${ctxItem}/versions/$entity`, ...this.versionJson(list, row, v) });
      if (f === 'fields') return this.ok({ '@odata.context': `${ctxItem}/versions('${e}')/fields/$entity`, ...(this.versionJson(list, row, v).fields as object) });
      return this.unknown(f);
    }
    return this.unknown(d);
  }

  private unknown(seg: string): never {
    throw badRequest(`Resource not found for the segment '${seg}'.`);
  }

  private ok(body: unknown, etag?: string): ApiResponse {
    return { status: 200, headers: etag ? { 'Content-Type': JSON_TYPE, ETag: etag } : { 'Content-Type': JSON_TYPE }, body };
  }

  private select(req: ApiRequest, item: Record<string, unknown>): Record<string, unknown> {
    const raw = req.query.get('$select') ?? req.query.get('select');
    if (!raw) return item;
    const names = raw.split(',').map((x) => x.trim()).filter(Boolean);
    for (const n of names) if (!ITEM_PROPS.has(n)) throw badRequest(`Could not find a property named '${n}' on type 'microsoft.graph.listItem'.`);
    const out: Record<string, unknown> = { '@odata.etag': item['@odata.etag'] };
    for (const n of names) if (item[n] !== undefined) out[n] = item[n];
    if (item.fields !== undefined) out.fields = item.fields;
    return out;
  }

  private parseTop(req: ApiRequest): number {
    const raw = req.query.get('$top') ?? req.query.get('top');
    if (raw === null) return this.pageSize;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw badRequest(`Invalid value '${raw}' for query option '$top': expected a positive integer.`);
    return Math.min(Number(raw), MAX_PAGE_SIZE);
  }

  private listItems(req: ApiRequest, site: SiteRow, list: ListRow): ApiResponse {
    const exp = parseExpand(req.query.get('$expand') ?? req.query.get('expand'));
    const filterRaw = req.query.get('$filter') ?? req.query.get('filter');
    const orderRaw = req.query.get('$orderby') ?? req.query.get('orderby');
    const prefer = (req.headers.prefer ?? '').split(',').map((x) => x.trim());
    const top = this.parseTop(req);
    const page = this.store.queryItems(req.caller, list, {
      filter: filterRaw !== null ? parseFilter(filterRaw) : undefined,
      orderBy: orderRaw !== null ? parseOrderBy(orderRaw) : undefined,
      top,
      skipToken: req.query.get('$skiptoken') ?? undefined,
      allowNonIndexed: prefer.includes(PREFER_NON_INDEXED),
    });
    const value = page.rows.map((r) => this.select(req, this.itemJson(site, list, r, exp)));
    const body: Record<string, unknown> = { '@odata.context': `${this.graphBase}/$metadata#sites('${this.siteId(site)}')/lists('${list.guid}')/items` };
    if (page.nextSkipToken !== undefined) {
      const q = new URLSearchParams(req.query);
      q.set('$skiptoken', page.nextSkipToken);
      body['@odata.nextLink'] = `${this.graphBase}${req.path}?${q.toString()}`;
    }
    body.value = value;
    return { status: 200, headers: prefer.includes(PREFER_NON_INDEXED) ? { 'Content-Type': JSON_TYPE, 'Preference-Applied': PREFER_NON_INDEXED } : { 'Content-Type': JSON_TYPE }, body };
  }

  private delta(req: ApiRequest, site: SiteRow, list: ListRow): ApiResponse {
    const exp = parseExpand(req.query.get('$expand') ?? req.query.get('expand'));
    // Delta returns fields unless the caller narrows them; a plain request gets every field.
    if (!exp.fields) exp.fields = true;
    const base = `${this.graphBase}/sites/${this.siteId(site)}/lists/${list.guid}/items/delta`;
    const token = req.query.get('token') ?? undefined;
    const page = this.store.delta(req.caller, list, token, this.parseTop(req), base);
    const keep = new URLSearchParams(req.query);
    keep.delete('token');
    const link = (t: string): string => {
      const q = new URLSearchParams(keep);
      q.set('token', t);
      return `${base}?${q.toString()}`;
    };
    const body: Record<string, unknown> = { '@odata.context': `${this.graphBase}/$metadata#Collection(listItem)` };
    if (page.nextToken) body['@odata.nextLink'] = link(page.nextToken);
    if (page.deltaToken) body['@odata.deltaLink'] = link(page.deltaToken);
    // A deleted item carries its id, parent site, content type and the deleted facet (listitem-delta.md, example 2).
    const gone = (r: ItemRow): Record<string, unknown> => ({ id: String(r.item_id), parentReference: { siteId: this.siteId(site) }, contentType: this.contentTypeOf(list), deleted: { state: 'deleted' } });
    body.value = page.rows.map((r) => (r.deleted ? gone(r) : this.select(req, this.itemJson(site, list, r, exp))));
    return this.ok(body);
  }

  // ---------------------------------------------------------------- JSON

  siteId(site: SiteRow): string {
    return `${site.hostname},${site.site_guid},${site.web_guid}`;
  }

  siteWebUrl(site: SiteRow): string {
    return `${this.origin()}${site.path}`;
  }

  private siteJson(site: SiteRow, context: boolean): Record<string, unknown> {
    return {
      ...(context ? { '@odata.context': `${this.graphBase}/$metadata#sites/$entity` } : {}),
      createdDateTime: site.created,
      description: site.description,
      id: this.siteId(site),
      lastModifiedDateTime: site.modified,
      name: site.name,
      webUrl: this.siteWebUrl(site),
      displayName: site.display_name,
      siteCollection: { hostname: site.hostname },
      sharepointIds: { siteId: site.site_guid, siteUrl: this.siteWebUrl(site), tenantId: '7f3c0000-0000-4000-8000-000000000001', webId: site.web_guid },
    };
  }

  private listJson(site: SiteRow, l: ListRow, context: boolean): Record<string, unknown> {
    const etag = `"${l.guid},${l.version}"`;
    return {
      ...(context ? { '@odata.context': `${this.graphBase}/$metadata#sites('${this.siteId(site)}')/lists/$entity` } : {}),
      '@odata.etag': etag,
      createdDateTime: l.created,
      description: l.description,
      eTag: etag,
      id: l.guid,
      lastModifiedDateTime: l.modified,
      name: l.name,
      webUrl: `${this.siteWebUrl(site)}/Lists/${l.name}`,
      displayName: l.display_name,
      createdBy: identity(this.store, l.author),
      lastModifiedBy: identity(this.store, l.editor),
      parentReference: { siteId: this.siteId(site) },
      list: { contentTypesEnabled: false, hidden: false, template: l.template },
    };
  }

  private visibleColumns(list: ListRow, withHidden: boolean): ColumnDef[] {
    return this.store.columns(list).filter((c) => withHidden || !c.hidden);
  }

  itemJson(site: SiteRow, list: ListRow, r: ItemRow, exp: Expand): Record<string, unknown> {
    const etag = itemETag(r);
    const out: Record<string, unknown> = {
      '@odata.etag': etag,
      createdDateTime: r.created,
      eTag: etag,
      id: String(r.item_id),
      lastModifiedDateTime: r.modified,
      webUrl: `${this.siteWebUrl(site)}/Lists/${list.name}/${r.item_id}_.000`,
      createdBy: identity(this.store, r.author),
      lastModifiedBy: identity(this.store, r.editor),
      parentReference: { id: list.guid, siteId: this.siteId(site) },
      contentType: this.contentTypeOf(list),
    };
    if (exp.fields) {
      out['fields@odata.context'] = `${this.graphBase}/$metadata#sites('${this.siteId(site)}')/lists('${list.guid}')/items('${r.item_id}')/fields/$entity`;
      out.fields = this.fieldsJson(list, r, exp.fieldSelect);
    }
    return out;
  }

  private contentTypeOf(list: ListRow): { id: string; name: string } {
    return { id: `0x0100${list.guid.replace(/-/g, '').toUpperCase()}`, name: 'Item' };
  }

  private personValue(ids: unknown): unknown {
    const one = (id: unknown): Record<string, unknown> => {
      const p = this.store.principal(Number(id));
      return { LookupId: Number(id), LookupValue: p?.title ?? '', Email: p?.email ?? '' };
    };
    return Array.isArray(ids) ? ids.map(one) : one(ids);
  }

  /** The fieldValueSet of an item (or of one version of it when `v` is given). */
  fieldsJson(list: ListRow, r: ItemRow, select?: string[], v?: VersionRow): Record<string, unknown> {
    const values = JSON.parse(v ? v.fields : r.fields) as Record<string, unknown>;
    const version = v ? v.version : r.version;
    const modified = v ? v.modified : r.modified;
    const editor = v ? v.editor : r.editor;
    const cols = this.store.columns(list);
    const title = values.Title;
    const system: Record<string, unknown> = {
      id: String(r.item_id),
      ID: r.item_id,
      ContentType: 'Item',
      Modified: modified,
      Created: r.created,
      AuthorLookupId: String(r.author),
      EditorLookupId: String(editor),
      Author: this.store.principal(r.author)?.title,
      Editor: this.store.principal(editor)?.title,
      _UIVersionString: `${version}.0`,
      Attachments: false,
      Edit: '',
      LinkTitleNoMenu: title,
      LinkTitle: title,
      ItemChildCount: '0',
      FolderChildCount: '0',
    };
    const out: Record<string, unknown> = { '@odata.etag': itemETag({ guid: r.guid, version }) };
    if (select) {
      for (const name of select) {
        if (name in system) {
          if (system[name] !== undefined) out[name] = system[name];
          continue;
        }
        const col = cols.find((c) => c.kind !== 'system' && (c.name === name || storageKey(c) === name));
        if (!col) throw badRequest(`Column '${name}' does not exist. It may have been deleted by another user.`);
        const stored = values[storageKey(col)];
        if (stored === undefined || stored === null) continue;
        if (col.kind === 'personOrGroup' && name === col.name) {
          const pv = this.personValue(stored);
          out[name] = Array.isArray(pv) ? pv : (pv as { LookupValue: string }).LookupValue;
        } else if (col.kind === 'personOrGroup' && !Array.isArray(stored)) out[name] = String(stored);
        else out[name] = stored;
      }
      return out;
    }
    for (const col of cols) {
      if (col.kind === 'system' || col.hidden) continue;
      const key = storageKey(col);
      const stored = values[key];
      if (stored === undefined || stored === null) continue;
      if (col.kind === 'personOrGroup') {
        if (Array.isArray(stored)) out[col.name] = this.personValue(stored);
        else out[key] = String(stored);
      } else out[key] = stored;
    }
    for (const k of ['id', 'ContentType', 'Modified', 'Created', 'AuthorLookupId', 'EditorLookupId', '_UIVersionString', 'Attachments', 'Edit', 'LinkTitleNoMenu', 'LinkTitle', 'ItemChildCount', 'FolderChildCount']) {
      if (system[k] !== undefined) out[k] = system[k];
    }
    return out;
  }

  private versionJson(list: ListRow, r: ItemRow, v: VersionRow): Record<string, unknown> {
    const fields = this.fieldsJson(list, r, undefined, v);
    delete fields['@odata.etag'];
    return { id: `${v.version}.0`, lastModifiedDateTime: v.modified, lastModifiedBy: identity(this.store, v.editor), fields };
  }
}

/** Resource units SharePoint charges for a Graph request: 1 for a single-item read or a delta with a token, else 2. */
export function graphCost(method: string, path: string, query: URLSearchParams): number {
  if (method !== 'GET') return 2;
  if (/\/items\/delta(\(\))?$/.test(path)) return query.has('token') ? 1 : 2;
  if (/\/(lists|items|columns|versions)$/.test(path)) return 2;
  return 1;
}
