/** Graph v1.0 routes for sites, lists, columns, items, versions and delta, rendering Graph's JSON (#3). */
import { badRequest, GraphHttpError } from '../errors.js';
import { parseExpand } from '../odata/expand.js';
import { FilterSyntaxError, parseFilter, parseOrderBy } from '../odata/filter.js';
import { columnJson } from '../store/columns.js';
import { MAX_PAGE_SIZE, PREFER_NON_INDEXED } from '../store/items.js';
import type { LocalGraphStore } from '../store/store.js';
import { type Caller, itemETag, type ItemRow, type ListRow, type SiteRow } from '../store/types.js';
import { type AccessLevel, requireScope } from '../scopes.js';
import type { AppGrant } from '../store/app-grants.js';
import { malformedPercentEncoding } from './body.js';
import { GraphJson } from './graph-json.js';
import { MAX_QUERY_OPTION_LENGTH } from './limits.js';
import { TeamsApi } from './teams.js';

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

const ITEM_PROPS = new Set(['id', 'eTag', 'createdDateTime', 'lastModifiedDateTime', 'createdBy', 'lastModifiedBy', 'webUrl', 'parentReference', 'contentType', 'sharepointIds', 'name', 'description', 'fields']);
const SUPPORTED_QUERY = new Set(['$filter', '$orderby', '$top', '$select', '$expand', '$skiptoken', 'expand', 'select', 'filter', 'orderby', 'top', 'token', '$count']);

/** Graph routes over a store; `origin()` gives `https://localhost:PORT` for absolute links. */
export class GraphApi {
  constructor(
    private readonly store: LocalGraphStore,
    private readonly origin: () => string,
    private readonly pageSize: number,
  ) {
    this.json = new GraphJson(store, origin);
    this.teams = new TeamsApi(store, origin);
  }

  private readonly teams: TeamsApi;

  /** The JSON renderer (also gives the site id and URL of the demo site). */
  readonly json: GraphJson;

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
      site = this.store.sites.firstSite();
      rest = p.slice(4);
    } else if (colon > 0 && (slash === -1 || colon < slash)) {
      const hostname = p.slice(0, colon);
      const after = p.slice(colon + 1);
      const next = after.indexOf(':');
      const sitePath = next === -1 ? after : after.slice(0, next);
      rest = next === -1 ? '' : after.slice(next + 1);
      site = this.store.sites.siteByPath(hostname, decodeURIComponent(sitePath));
      if (!site) throw new GraphHttpError(404, 'itemNotFound', `Requested site could not be found: ${hostname}:${decodeURIComponent(sitePath)}.`);
    } else {
      const id = decodeURIComponent(slash === -1 ? p : p.slice(0, slash));
      rest = slash === -1 ? '' : p.slice(slash);
      site = this.store.sites.siteById(id);
      if (!site) throw new GraphHttpError(404, 'itemNotFound', `Requested site could not be found: ${id}.`);
    }
    this.store.permissions.assertSiteAccess(req.caller, site);
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
    // Also checked for the whole request URL by the server; $batch step URLs only pass here.
    const bad = malformedPercentEncoding(req.path);
    if (bad !== undefined) throw badRequest(`The URL path has a malformed percent-encoding at '${bad}'.`);
    for (const [k, v] of req.query) {
      if (k.startsWith('$') && !SUPPORTED_QUERY.has(k)) throw badRequest(`Query option '${k}' is not supported by this API.`);
      if (v.length > MAX_QUERY_OPTION_LENGTH) throw badRequest(`The value of query option '${k.slice(0, 40)}' is ${v.length} characters long; the limit is ${MAX_QUERY_OPTION_LENGTH}.`);
    }
    if (req.path.startsWith('/teams/')) return this.teams.handle(req);
    const { site, rest } = this.site(req);
    const m = req.method;
    const [a, listKey, b, c, d, e, f] = rest;
    const notAllowed = (): never => {
      throw new GraphHttpError(405, 'methodNotAllowed', `The HTTP method '${m}' is not allowed for this resource.`);
    };
    // The token's delegated scopes (#13), before anything is read or written: Graph answers 403 without them.
    const need: AccessLevel = a === 'permissions' ? 'fullcontrol' : m === 'GET' ? 'read' : a === 'lists' && (b === undefined || b === 'columns') ? 'manage' : 'write';
    requireScope(req.caller.scopes, need, (appId) => this.store.appGrants.roleOf(site, appId), `${m} ${a === undefined ? 'site' : a === 'permissions' ? 'site permissions' : b === undefined ? 'lists' : b}`);
    if (a === 'permissions') return this.sitePermissions(req, site, listKey, rest.length);
    if (a === undefined) return m === 'GET' ? this.ok(this.json.siteJson(site, true)) : notAllowed();
    if (a !== 'lists') throw badRequest(`Resource not found for the segment '${a}'.`);
    if (listKey === undefined) {
      if (m === 'GET') return this.ok({ '@odata.context': `${this.graphBase}/$metadata#sites('${this.json.siteId(site)}')/lists`, value: this.store.lists.listsOf(req.caller, site).map((l) => this.json.listJson(site, l, false)) });
      if (m === 'POST') {
        const list = this.store.lists.createList(req.caller, site, req.body);
        return { status: 201, headers: { 'Content-Type': JSON_TYPE, Location: `${this.graphBase}/sites/${this.json.siteId(site)}/lists/${list.guid}` }, body: this.json.listJson(site, list, true) };
      }
      return notAllowed();
    }
    const list = this.store.lists.list(req.caller, site, listKey);
    if (b === undefined) {
      if (m !== 'GET') return notAllowed();
      const exp = parseExpand(req.query.get('$expand') ?? req.query.get('expand'));
      const body = this.json.listJson(site, list, true);
      if (exp.columns) body.columns = this.json.visibleColumns(list, false).map(columnJson);
      if (exp.items) {
        const page = this.store.items.queryItems(req.caller, list, { top: this.pageSize, allowNonIndexed: false });
        body.items = page.rows.map((r) => this.json.itemJson(site, list, r, exp.itemsExpandFields ? { fields: true, columns: false, items: false, itemsExpandFields: false } : { fields: false, columns: false, items: false, itemsExpandFields: false }));
      }
      return this.ok(body);
    }
    if (b === 'columns') {
      if (c === undefined) {
        if (m === 'GET') {
          const withHidden = (req.query.get('$select') ?? '').split(',').includes('hidden');
          return this.ok({ '@odata.context': `${this.graphBase}/$metadata#sites('${this.json.siteId(site)}')/lists('${list.guid}')/columns`, value: this.json.visibleColumns(list, withHidden).map(columnJson) });
        }
        if (m === 'POST') {
          const col = this.store.lists.createColumn(req.caller, list, req.body);
          return { status: 201, headers: { 'Content-Type': JSON_TYPE }, body: { '@odata.context': `${this.graphBase}/$metadata#sites('${this.json.siteId(site)}')/lists('${list.guid}')/columns/$entity`, ...columnJson(col) } };
        }
        return notAllowed();
      }
      if (d !== undefined || m !== 'GET') return d !== undefined ? this.unknown(d) : notAllowed();
      const col = this.store.lists.columns(list).find((x) => x.id === c || x.name === c);
      if (!col) throw new GraphHttpError(404, 'itemNotFound', `Column '${c}' does not exist in list '${list.display_name}'.`);
      return this.ok({ '@odata.context': `${this.graphBase}/$metadata#sites('${this.json.siteId(site)}')/lists('${list.guid}')/columns/$entity`, ...columnJson(col) });
    }
    if (b !== 'items') return this.unknown(b);
    if (c === undefined) {
      if (m === 'GET') return this.listItems(req, site, list);
      if (m === 'POST') {
        const row = this.store.items.createItem(req.caller, list, req.body);
        return {
          status: 201,
          headers: { 'Content-Type': JSON_TYPE, ETag: itemETag(row), Location: `${this.graphBase}/sites/${this.json.siteId(site)}/lists/${list.guid}/items/${row.item_id}` },
          body: { '@odata.context': `${this.graphBase}/$metadata#sites('${this.json.siteId(site)}')/lists('${list.guid}')/items/$entity`, ...this.json.itemJson(site, list, row, { fields: true, columns: false, items: false, itemsExpandFields: false }) },
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
        const row = this.store.items.item(req.caller, list, itemId);
        const exp = parseExpand(req.query.get('$expand') ?? req.query.get('expand'));
        return this.ok({ '@odata.context': `${this.graphBase}/$metadata#sites('${this.json.siteId(site)}')/lists('${list.guid}')/items/$entity`, ...this.select(req, this.json.itemJson(site, list, row, exp)) }, itemETag(row));
      }
      if (m === 'DELETE') {
        this.store.items.deleteItem(req.caller, list, itemId, ifMatch);
        return { status: 204, headers: {} };
      }
      if (m === 'PATCH') {
        const body = req.body;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be a listItem object.');
        for (const k of Object.keys(body)) if (k !== 'fields' && !k.startsWith('@odata.')) throw badRequest(`Property '${k}' of listItem cannot be updated; update column values under 'fields'.`);
        const row = this.store.items.updateFields(req.caller, list, itemId, (body as { fields?: unknown }).fields ?? {}, ifMatch);
        return this.ok({ '@odata.context': `${this.graphBase}/$metadata#sites('${this.json.siteId(site)}')/lists('${list.guid}')/items/$entity`, ...this.json.itemJson(site, list, row, { fields: true, columns: false, items: false, itemsExpandFields: false }) }, itemETag(row));
      }
      return notAllowed();
    }
    const ctxItem = `${this.graphBase}/$metadata#sites('${this.json.siteId(site)}')/lists('${list.guid}')/items('${itemId}')`;
    if (d === 'fields') {
      if (e !== undefined) return this.unknown(e);
      if (m === 'GET') {
        const row = this.store.items.item(req.caller, list, itemId);
        const sel = req.query.get('$select') ?? req.query.get('select');
        return this.ok({ '@odata.context': `${ctxItem}/fields/$entity`, ...this.json.fieldsJson(list, row, sel ? sel.split(',').map((x) => x.trim()) : undefined) }, itemETag(row));
      }
      if (m === 'PATCH') {
        const row = this.store.items.updateFields(req.caller, list, itemId, req.body, ifMatch);
        return this.ok({ '@odata.context': `${ctxItem}/fields/$entity`, ...this.json.fieldsJson(list, row) }, itemETag(row));
      }
      return notAllowed();
    }
    if (d === 'versions') {
      if (m !== 'GET') return notAllowed();
      const { row, versions } = this.store.items.versions(req.caller, list, itemId);
      if (e === undefined) return this.ok({ '@odata.context': `${ctxItem}/versions`, value: versions.map((v) => this.json.versionJson(list, row, v)) });
      const v = versions.find((x) => `${x.version}.0` === e || String(x.version) === e);
      if (!v) throw new GraphHttpError(404, 'itemNotFound', `Version '${e}' of item '${itemId}' does not exist.`);
      if (f === undefined) return this.ok({ '@odata.context': `${ctxItem}/versions/$entity`, ...this.json.versionJson(list, row, v) });
      if (f === 'fields') return this.ok({ '@odata.context': `${ctxItem}/versions('${e}')/fields/$entity`, ...(this.json.versionJson(list, row, v).fields as object) });
      return this.unknown(f);
    }
    return this.unknown(d);
  }

  /** `/sites/{id}/permissions`: the apps granted under Sites.Selected (list, grant, revoke). Needs full control. */
  private sitePermissions(req: ApiRequest, site: SiteRow, id: string | undefined, segs: number): ApiResponse {
    if (segs > 2) throw badRequest('Resource not found for the segment after the permission id.');
    this.store.permissions.assertSiteOwner(req.caller, site);
    const json = (g: AppGrant): Record<string, unknown> => {
      const identity = { application: { id: g.appId, displayName: g.appName } };
      return { id: g.id, roles: [g.role], grantedToIdentities: [identity], grantedToIdentitiesV2: [identity] };
    };
    const ctx = `${this.graphBase}/$metadata#sites('${this.json.siteId(site)}')/permissions`;
    if (id === undefined) {
      if (req.method === 'GET') return this.ok({ '@odata.context': ctx, value: this.store.appGrants.list(site).map(json) });
      if (req.method === 'POST') return { status: 201, headers: { 'Content-Type': JSON_TYPE }, body: { '@odata.context': `${ctx}/$entity`, ...json(this.store.appGrants.grant(site, req.body)) } };
      throw new GraphHttpError(405, 'methodNotAllowed', `The HTTP method '${req.method}' is not allowed for this resource.`);
    }
    if (req.method === 'DELETE') {
      this.store.appGrants.revoke(site, id);
      return { status: 204, headers: {} };
    }
    if (req.method === 'GET') {
      const g = this.store.appGrants.list(site).find((x) => x.id === id);
      if (!g) throw new GraphHttpError(404, 'itemNotFound', `Permission '${id.slice(0, 64)}' does not exist on this site.`);
      return this.ok({ '@odata.context': `${ctx}/$entity`, ...json(g) });
    }
    throw new GraphHttpError(405, 'methodNotAllowed', `The HTTP method '${req.method}' is not allowed for this resource.`);
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
    const page = this.store.items.queryItems(req.caller, list, {
      filter: filterRaw !== null ? parseFilter(filterRaw) : undefined,
      orderBy: orderRaw !== null ? parseOrderBy(orderRaw) : undefined,
      top,
      skipToken: req.query.get('$skiptoken') ?? undefined,
      allowNonIndexed: prefer.includes(PREFER_NON_INDEXED),
    });
    const value = page.rows.map((r) => this.select(req, this.json.itemJson(site, list, r, exp)));
    const body: Record<string, unknown> = { '@odata.context': `${this.graphBase}/$metadata#sites('${this.json.siteId(site)}')/lists('${list.guid}')/items` };
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
    const base = `${this.graphBase}/sites/${this.json.siteId(site)}/lists/${list.guid}/items/delta`;
    const token = req.query.get('token') ?? undefined;
    const page = this.store.delta.page(req.caller, list, token, this.parseTop(req), base);
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
    const gone = (r: ItemRow): Record<string, unknown> => ({ id: String(r.item_id), parentReference: { siteId: this.json.siteId(site) }, contentType: this.json.contentTypeOf(list), deleted: { state: 'deleted' } });
    body.value = page.rows.map((r) => (r.deleted ? gone(r) : this.select(req, this.json.itemJson(site, list, r, exp))));
    return this.ok(body);
  }
}

/** Resource units SharePoint charges for a Graph request: 1 for a single-item read or a delta with a token, else 2. */
export function graphCost(method: string, path: string, query: URLSearchParams): number {
  if (method !== 'GET') return 2;
  if (/\/items\/delta(\(\))?$/.test(path)) return query.has('token') ? 1 : 2;
  if (/\/(lists|items|columns|versions)$/.test(path)) return 2;
  return 1;
}
