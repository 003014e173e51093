/**
 * SharePoint REST (`/sites/followup/_api/web/...`) for the permission calls Graph lacks: break/reset role
 * inheritance, add/remove role assignments, role definitions, site groups and users (#3). JSON follows the
 * `Accept` header: `odata=nometadata`, `odata=minimalmetadata` (default) or `odata=verbose`.
 */
import { requireScope } from '../scopes.js';
import { GraphHttpError } from '../errors.js';
import { PermissionKind, type RoleDefinition } from '../store/roles.js';
import type { LocalGraphStore } from '../store/store.js';
import type { Caller, ItemRow, ListRow, Principal, SiteRow } from '../store/types.js';
import type { ApiResponse } from './graph-api.js';
import { SpViews, type SpRender } from './sp-views.js';

export interface SpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: unknown;
  caller: Caller;
}

interface Seg { name: string; args?: string }

type Format = 'nometadata' | 'minimal' | 'verbose';

const spErr = (status: number, type: string, message: string): GraphHttpError => new GraphHttpError(status, type, message);
const CODES: Record<number, string> = { 400: '-2146232832', 401: '-2147024891', 403: '-2147024891', 404: '-2130575338', 405: '-1', 429: '-2147024860', 503: '-2147024860' };

/** Splits a path on `/` outside quotes and parentheses, keeping `name(args)` together. */
function segments(path: string): Seg[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quoted = false;
  for (const ch of path) {
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (ch === '/' && depth === 0 && !quoted) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out.map((s) => {
    const m = /^([^(]+)(?:\((.*)\))?$/s.exec(s);
    return m ? { name: (m[1] as string).toLowerCase(), ...(m[2] !== undefined ? { args: m[2] } : {}) } : { name: s.toLowerCase() };
  });
}

/** `'text'` → text (with '' unescaped); `guid'…'` → the guid. */
function unquote(a: string | undefined): string | undefined {
  if (a === undefined) return undefined;
  const m = /^(?:guid)?'((?:[^']|'')*)'$/i.exec(a.trim());
  return m ? (m[1] as string).replace(/''/g, "'") : undefined;
}

/** Parses `a=1,b=true` or positional `true,false` into a map (positional keys are `0`, `1`, …). */
function namedArgs(a: string | undefined): Map<string, string> {
  const m = new Map<string, string>();
  if (!a) return m;
  a.split(',').forEach((part, i) => {
    const eq = part.indexOf('=');
    if (eq === -1) m.set(String(i), part.trim());
    else m.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  });
  return m;
}

/** SharePoint REST for permissions over the same store and tokens as Graph. */
export class SpRestApi {
  private readonly views: SpViews;

  constructor(
    private readonly store: LocalGraphStore,
    private readonly origin: () => string,
  ) {
    this.views = new SpViews(store);
  }

  private render(fmt: Format): SpRender {
    return { entity: (t, u, o) => this.entity(fmt, t, u, o), collection: (t, u, i) => this.collection(fmt, t, u, i), voidResult: (m) => this.voidResult(fmt, m) };
  }

  private format(headers: Record<string, string | undefined>): Format {
    const a = (headers.accept ?? '').toLowerCase();
    if (a.includes('odata=verbose')) return 'verbose';
    if (a.includes('odata=nometadata')) return 'nometadata';
    return 'minimal';
  }

  /** An error in SharePoint REST's JSON shape for the requested format. */
  error(status: number, type: string, message: string, headers: Record<string, string | undefined>, extra: Record<string, string> = {}): ApiResponse {
    const err = { code: `${CODES[status] ?? '-1'}, ${type}`, message: { lang: 'en-US', value: message } };
    return { status, headers: extra, body: this.format(headers) === 'verbose' ? { error: err } : { 'odata.error': err } };
  }

  /** Resource units: 5 for permission operations (SharePoint's rate), 1 for other reads, 2 for other writes. */
  cost(method: string, path: string): number {
    if (/roleassignments|breakroleinheritance|resetroleinheritance/i.test(path)) return 5;
    return method === 'GET' ? 1 : 2;
  }

  handle(req: SpRequest): ApiResponse {
    try {
      return this.route(req);
    } catch (e) {
      if (e instanceof GraphHttpError) {
        // A handler that names SharePoint's exception type (it has a dot) keeps it; others by status.
        const type = e.code.includes('.') ? e.code : e.status === 403 ? 'System.UnauthorizedAccessException' : e.status === 404 ? 'System.ArgumentException' : 'Microsoft.SharePoint.SPException';
        // A missing scope names what is missing (#13); SharePoint's own denials stay terse.
        const message = e.status === 403 && !e.message.startsWith('Access denied: ') ? 'Access denied.' : e.message;
        return this.error(e.status, type, message, req.headers);
      }
      throw e;
    }
  }

  private route(req: SpRequest): ApiResponse {
    const idx = req.path.toLowerCase().indexOf('/_api/');
    const sitePath = decodeURIComponent(req.path.slice(0, idx === -1 ? req.path.length - 5 : idx));
    const site = this.store.sites.siteByPath('localhost', sitePath);
    if (!site) throw spErr(404, 'System.IO.FileNotFoundException', `The site ${sitePath} does not exist.`);
    this.store.permissions.assertSiteAccess(req.caller, site);
    // Reads need AllSites.Read; every write here is a permission operation: AllSites.FullControl (#13).
    requireScope(req.caller.scopes, req.method === 'GET' ? 'read' : 'fullcontrol', (appId) => this.store.appGrants.roleOf(site, appId), `SharePoint REST ${req.method}`, 'sharepoint');
    const segs = segments(decodeURIComponent(idx === -1 ? '' : req.path.slice(idx + '/_api/'.length)));
    const fmt = this.format(req.headers);
    const [first, ...rest] = segs;
    if (first?.name !== 'web') throw spErr(404, 'Microsoft.SharePoint.Client.ResourceNotFoundException', `Cannot find resource for the request ${first?.name ?? ''}.`);
    const webUrl = `${this.origin()}${site.path}/_api/web`;
    if (rest.length === 0) return this.entity(fmt, 'SP.Web', webUrl, { Id: site.web_guid, Title: site.display_name, Url: `${this.origin()}${site.path}`, ServerRelativeUrl: site.path });
    const [s0, s1] = rest as [Seg, Seg | undefined];
    switch (s0.name) {
      case 'roledefinitions':
        return this.roleDefinitions(req, fmt, site, webUrl, s0, rest.slice(1));
      case 'sitegroups':
        return this.siteGroups(req, fmt, webUrl, rest.slice(1));
      case 'siteusers':
        return this.siteUsers(req, fmt, webUrl, rest.slice(1));
      case 'currentuser': {
        if (s1?.name === 'groups') {
          // The site groups the caller belongs to (SP.User.Groups): how a client learns its roles (#10).
          const ids = new Set(JSON.parse(req.caller.principalIds) as number[]);
          const groups = this.store.principals.all().filter((p) => p.kind === 'group' && ids.has(p.id));
          return this.collection(fmt, 'SP.Group', `${webUrl}/currentuser/groups`, groups.map((g) => this.principalJson(g)));
        }
        return this.entity(fmt, 'SP.User', `${webUrl}/currentuser`, this.principalJson(req.caller.user));
      }
      case 'getuserbyid': {
        const p = this.store.principals.principal(Number(s0.args));
        if (!p || p.kind !== 'user') throw spErr(404, 'System.ArgumentException', 'User cannot be found.');
        return this.entity(fmt, 'SP.User', `${webUrl}/getuserbyid(${p.id})`, this.principalJson(p));
      }
      case 'ensureuser': {
        if (req.method !== 'POST') throw spErr(405, 'System.InvalidOperationException', 'Use POST for ensureuser.');
        const logon = unquote(s0.args) ?? (req.body as { logonName?: unknown } | undefined)?.logonName;
        if (typeof logon !== 'string') throw spErr(400, 'System.ArgumentException', "ensureuser needs 'logonName'.");
        const p = this.findUser(logon);
        if (!p) throw spErr(404, 'Microsoft.SharePoint.SPException', `The specified user ${logon} could not be found.`);
        return this.entity(fmt, 'SP.User', `${webUrl}/getuserbyid(${p.id})`, this.principalJson(p));
      }
      case 'lists':
        break;
      default:
        return this.securable(req, fmt, site, webUrl, undefined, undefined, rest);
    }
    // lists | lists/getbytitle('T') | lists(guid'…')
    let list: ListRow | undefined;
    let next = rest.slice(1);
    let listUrl: string;
    if (s0.args !== undefined) {
      list = this.store.lists.listByGuidOrTitle(site, unquote(s0.args) ?? s0.args);
      listUrl = `${webUrl}/lists(guid'${list?.guid ?? ''}')`;
    } else if (s1?.name === 'getbytitle' || s1?.name === 'getbyid') {
      list = this.store.lists.listByGuidOrTitle(site, unquote(s1.args) ?? '');
      next = rest.slice(2);
      listUrl = `${webUrl}/lists(guid'${list?.guid ?? ''}')`;
    } else if (s1 === undefined) {
      const lists = this.store.lists.listsOf(req.caller, site);
      return this.collection(fmt, 'SP.List', `${webUrl}/lists`, lists.map((l) => this.listJson(l)));
    } else throw spErr(404, 'Microsoft.SharePoint.Client.ResourceNotFoundException', `Cannot find resource for the request ${s1.name}.`);
    if (!list) throw spErr(404, 'System.ArgumentException', `List '${unquote(s1?.args ?? s0.args) ?? ''}' does not exist at site with URL '${this.origin()}${site.path}'.`);
    // Resolve visibility the way Graph does (invisible lists are 404).
    this.store.lists.list(req.caller, site, list.guid);
    if (next.length === 0) return this.entity(fmt, 'SP.List', listUrl, this.listJson(list));
    const [n0] = next as [Seg];
    if (n0.name === 'views') return this.views.views(req, this.render(fmt), site, list, listUrl, n0, next.slice(1));
    if (n0.name === 'fields') return this.views.fields(req, this.render(fmt), site, list, listUrl, next.slice(1));
    if (n0.name === 'items' && n0.args !== undefined) {
      const id = Number(n0.args);
      const item = Number.isInteger(id) ? this.store.items.rawItem(list, id) : undefined;
      if (!item || !this.store.permissions.can(req.caller, PermissionKind.ViewListItems, site, list, item)) throw spErr(404, 'System.ArgumentException', 'Item does not exist. It may have been deleted by another user.');
      const itemUrl = `${listUrl}/items(${id})`;
      if (next.length === 1) return this.entity(fmt, 'SP.Data.ListItem', itemUrl, { Id: item.item_id, ID: item.item_id, GUID: item.guid, Created: item.created, Modified: item.modified, AuthorId: item.author, EditorId: item.editor, ...(JSON.parse(item.fields) as object) });
      return this.securable(req, fmt, site, itemUrl, list, item, next.slice(1));
    }
    return this.securable(req, fmt, site, listUrl, list, undefined, next);
  }

  /** Permission endpoints common to web, lists and items. */
  private securable(req: SpRequest, fmt: Format, site: SiteRow, baseUrl: string, list: ListRow | undefined, item: ItemRow | undefined, segs: Seg[]): ApiResponse {
    const [s0, s1] = segs as [Seg, Seg | undefined];
    const post = req.method === 'POST';
    const requirePost = (): void => {
      if (!post) throw spErr(405, 'System.InvalidOperationException', `The HTTP method '${req.method}' cannot be used for ${s0.name}.`);
    };
    switch (s0.name) {
      case 'hasuniqueroleassignments': {
        const v = item ? item.unique_perms === 1 : list ? list.unique_perms === 1 : true;
        return fmt === 'verbose' ? this.ok({ d: { HasUniqueRoleAssignments: v } }) : this.ok({ ...(fmt === 'minimal' ? { 'odata.metadata': `${this.origin()}/_api/$metadata#Edm.Boolean` } : {}), value: v });
      }
      case 'breakroleinheritance': {
        requirePost();
        if (!list) throw spErr(400, 'System.InvalidOperationException', 'The web of this site cannot break inheritance.');
        const a = namedArgs(s0.args);
        const copy = (a.get('copyroleassignments') ?? a.get('0') ?? 'true').toLowerCase() === 'true';
        const clear = (a.get('clearsubscopes') ?? a.get('1') ?? 'true').toLowerCase() === 'true';
        this.store.permissions.breakInheritance(req.caller, site, list, item, copy, clear);
        return this.voidResult(fmt, 'BreakRoleInheritance');
      }
      case 'resetroleinheritance':
        requirePost();
        if (!list) throw spErr(400, 'System.InvalidOperationException', 'The web of this site has no parent to inherit from.');
        this.store.permissions.resetInheritance(req.caller, site, list, item);
        return this.voidResult(fmt, 'ResetRoleInheritance');
      case 'roleassignments':
        break;
      default:
        throw spErr(404, 'Microsoft.SharePoint.Client.ResourceNotFoundException', `Cannot find resource for the request ${s0.name}.`);
    }
    if (s1 === undefined) {
      if (req.method !== 'GET') throw spErr(405, 'System.InvalidOperationException', 'Use GET for roleassignments.');
      if (!this.store.permissions.can(req.caller, PermissionKind.EnumeratePermissions, site, list, item)) throw spErr(403, 'System.UnauthorizedAccessException', 'Access denied.');
      const expand = (req.query.get('$expand') ?? '').toLowerCase().split(',').map((x) => x.trim());
      return this.collection(fmt, 'SP.RoleAssignment', `${baseUrl}/roleassignments`, this.assignments(site, list, item, expand.includes('member'), expand.includes('roledefinitionbindings')));
    }
    const a = namedArgs(s1.args);
    switch (s1.name) {
      case 'addroleassignment':
      case 'removeroleassignment': {
        requirePost();
        const principalId = Number(a.get('principalid'));
        const roleId = Number(a.get('roledefid'));
        if (!Number.isInteger(principalId) || !Number.isInteger(roleId)) throw spErr(400, 'System.ArgumentException', `${s1.name} needs principalid=N,roledefid=M.`);
        this.store.permissions.changeAssignment(req.caller, site, list, item, principalId, roleId, s1.name === 'addroleassignment');
        return this.voidResult(fmt, s1.name === 'addroleassignment' ? 'AddRoleAssignment' : 'RemoveRoleAssignment');
      }
      case 'getbyprincipalid': {
        const pid = Number(s1.args);
        if (req.method === 'DELETE') {
          this.store.permissions.removePrincipal(req.caller, site, list, item, pid);
          return { status: 200, headers: {}, body: fmt === 'verbose' ? { d: null } : { 'odata.null': true } };
        }
        if (!this.store.permissions.can(req.caller, PermissionKind.EnumeratePermissions, site, list, item)) throw spErr(403, 'System.UnauthorizedAccessException', 'Access denied.');
        const found = this.assignments(site, list, item, true, true).find((x) => x.PrincipalId === pid);
        if (!found) throw spErr(404, 'System.ArgumentException', `Can not find the principal with id: ${pid}.`);
        return this.entity(fmt, 'SP.RoleAssignment', `${baseUrl}/roleassignments/getbyprincipalid(${pid})`, found);
      }
      default:
        throw spErr(404, 'Microsoft.SharePoint.Client.ResourceNotFoundException', `Cannot find resource for the request ${s1.name}.`);
    }
  }

  private assignments(site: SiteRow, list: ListRow | undefined, item: ItemRow | undefined, member: boolean, bindings: boolean): Record<string, unknown>[] {
    const byPrincipal = new Map<number, number[]>();
    for (const r of this.store.permissions.effectiveAssignments(site, list, item)) {
      const roles = byPrincipal.get(r.principal_id) ?? [];
      roles.push(r.roledef_id);
      byPrincipal.set(r.principal_id, roles);
    }
    return [...byPrincipal].map(([pid, roles]) => {
      const o: Record<string, unknown> = { PrincipalId: pid };
      const p = this.store.principals.principal(pid);
      if (member && p) o.Member = this.principalJson(p);
      if (bindings) o.RoleDefinitionBindings = roles.map((r) => this.store.roles.byId(site.rid, r)).filter((r): r is RoleDefinition => r !== undefined).map((r) => this.roleJson(r));
      return o;
    });
  }

  /**
   * `roledefinitions`: GET the collection, `getbyname('…')`, `getbyid(N)`, `getbytype(K)` or `roledefinitions(N)`; POST
   * the collection to create a custom level; MERGE (`X-HTTP-Method`) or DELETE a custom level by id. Reading is open to
   * every site user, changes need ManagePermissions on the web (site owners), as in SharePoint.
   */
  private roleDefinitions(req: SpRequest, fmt: Format, site: SiteRow, webUrl: string, self: Seg, segs: Seg[]): ApiResponse {
    const [s, extra] = segs;
    const roles = this.store.roles;
    const requireOwner = (): void => {
      if (!this.store.permissions.can(req.caller, PermissionKind.ManagePermissions, site)) throw spErr(403, 'System.UnauthorizedAccessException', 'Access denied.');
    };
    if (extra !== undefined) throw spErr(404, 'Microsoft.SharePoint.Client.ResourceNotFoundException', `Cannot find resource for the request ${extra.name}.`);
    if (!s && self.args === undefined) {
      if (req.method === 'GET') return this.collection(fmt, 'SP.RoleDefinition', `${webUrl}/roledefinitions`, roles.all(site.rid).map((r) => this.roleJson(r)));
      if (req.method !== 'POST') throw spErr(405, 'System.InvalidOperationException', `The HTTP method '${req.method}' cannot be used for roledefinitions.`);
      requireOwner();
      const created = roles.create(site.rid, req.body);
      return { ...this.entity(fmt, 'SP.RoleDefinition', `${webUrl}/roledefinitions(${created.id})`, this.roleJson(created)), status: 201 };
    }
    const arg = s ? s.args : self.args;
    const name = s ? s.name : 'getbyid';
    const numeric = (): number => {
      const n = Number(arg);
      if (!Number.isSafeInteger(n)) throw spErr(400, 'System.ArgumentException', `'${String(arg).slice(0, 40)}' is not a role definition id.`);
      return n;
    };
    const r =
      name === 'getbyname' ? roles.byName(site.rid, unquote(arg) ?? '')
        : name === 'getbyid' ? roles.byId(site.rid, numeric())
          : name === 'getbytype' ? roles.byType(site.rid, numeric())
            : undefined;
    if (!s || name === 'getbyid' || name === 'getbyname' || name === 'getbytype') {
      if (!r) throw spErr(404, 'Microsoft.SharePoint.SPException', `Cannot find the role definition '${(unquote(arg) ?? arg ?? name).slice(0, 80)}'.`);
      if (req.method === 'GET') return this.entity(fmt, 'SP.RoleDefinition', `${webUrl}/roledefinitions(${r.id})`, this.roleJson(r));
      requireOwner();
      if (req.method === 'MERGE' || req.method === 'PATCH') {
        roles.update(site.rid, r.id, req.body);
        return { status: 204, headers: {} };
      }
      if (req.method === 'DELETE') {
        roles.delete(site.rid, r.id);
        return { status: 200, headers: {}, body: fmt === 'verbose' ? { d: null } : { 'odata.null': true } };
      }
      throw spErr(405, 'System.InvalidOperationException', `The HTTP method '${req.method}' cannot be used for a role definition.`);
    }
    throw spErr(404, 'Microsoft.SharePoint.Client.ResourceNotFoundException', `Cannot find resource for the request ${name}.`);
  }

  private siteGroups(req: SpRequest, fmt: Format, webUrl: string, segs: Seg[]): ApiResponse {
    const groups = this.store.principals.all().filter((p) => p.kind === 'group');
    const [s, sub] = segs;
    if (!s) return this.collection(fmt, 'SP.Group', `${webUrl}/sitegroups`, groups.map((g) => this.principalJson(g)));
    const key = unquote(s.args) ?? s.args ?? '';
    const g = s.name === 'getbyname' ? groups.find((x) => x.title === key || x.key === key.toLowerCase()) : s.name === 'getbyid' ? groups.find((x) => x.id === Number(key)) : undefined;
    void req;
    if (!g) throw spErr(404, 'Microsoft.SharePoint.SPException', 'Group cannot be found.');
    if (sub?.name === 'users') return this.collection(fmt, 'SP.User', `${webUrl}/sitegroups(${g.id})/users`, this.store.principals.members(g.id).map((u) => this.principalJson(u)));
    return this.entity(fmt, 'SP.Group', `${webUrl}/sitegroups(${g.id})`, this.principalJson(g));
  }

  private siteUsers(req: SpRequest, fmt: Format, webUrl: string, segs: Seg[]): ApiResponse {
    const users = this.store.principals.all().filter((p) => p.kind === 'user');
    const [s] = segs;
    if (!s) return this.collection(fmt, 'SP.User', `${webUrl}/siteusers`, users.map((u) => this.principalJson(u)));
    const key = (unquote(s.args) ?? s.args ?? '').toLowerCase();
    const u =
      s.name === 'getbyemail' ? users.find((x) => x.email.toLowerCase() === key)
        : s.name === 'getbyid' ? users.find((x) => x.id === Number(key))
          : s.name === 'getbyloginname' ? users.find((x) => x.login_name.toLowerCase() === key)
            : undefined;
    void req;
    if (!u) throw spErr(404, 'Microsoft.SharePoint.SPException', 'User cannot be found.');
    return this.entity(fmt, 'SP.User', `${webUrl}/getuserbyid(${u.id})`, this.principalJson(u));
  }

  private findUser(logon: string): Principal | undefined {
    const k = logon.toLowerCase().replace(/^i:0#\.f\|membership\|/, '');
    return this.store.principals.all().find((p) => p.kind === 'user' && (p.key === k || p.email.toLowerCase() === k || p.login_name.toLowerCase() === logon.toLowerCase()));
  }

  private principalJson(p: Principal): Record<string, unknown> {
    if (p.kind === 'group') {
      return {
        Id: p.id, IsHiddenInUI: false, LoginName: p.login_name, Title: p.title, PrincipalType: 8, AllowMembersEditMembership: false, AllowRequestToJoinLeave: false,
        AutoAcceptRequestToJoinLeave: false, Description: p.description, OnlyAllowMembersViewMembership: false, OwnerTitle: p.title, RequestToJoinLeaveEmailSetting: null,
      };
    }
    return {
      Id: p.id, IsHiddenInUI: false, LoginName: p.login_name, Title: p.title, PrincipalType: 1, Email: p.email, Expiration: '', IsEmailAuthenticationGuestUser: false,
      IsShareByEmailGuestUser: false, IsSiteAdmin: false, UserId: { NameId: p.oid, NameIdIssuer: 'urn:federation:microsoftonline' }, UserPrincipalName: p.email,
    };
  }

  private roleJson(r: RoleDefinition): Record<string, unknown> {
    return { BasePermissions: { ...r.basePermissions }, Description: r.description, Hidden: false, Id: r.id, Name: r.name, Order: r.order, RoleTypeKind: r.roleTypeKind };
  }

  private listJson(l: ListRow): Record<string, unknown> {
    return { Id: l.guid, Title: l.display_name, Description: l.description, BaseTemplate: 100, Created: l.created, LastItemModifiedDate: l.modified, HasUniqueRoleAssignments: l.unique_perms === 1, EntityTypeName: `${l.name}List`, ListItemEntityTypeFullName: `SP.Data.${l.name}ListItem` };
  }

  private ok(body: unknown): ApiResponse {
    return { status: 200, headers: {}, body };
  }

  private entity(fmt: Format, type: string, uri: string, o: Record<string, unknown>): ApiResponse {
    if (fmt === 'verbose') return this.ok({ d: { __metadata: { id: uri, uri, type }, ...o } });
    if (fmt === 'minimal') return this.ok({ 'odata.metadata': `${this.origin()}/_api/$metadata#${type}/@Element`, 'odata.type': type, 'odata.id': uri, ...o });
    return this.ok(o);
  }

  private collection(fmt: Format, type: string, uri: string, items: Record<string, unknown>[]): ApiResponse {
    if (fmt === 'verbose') return this.ok({ d: { results: items.map((o) => ({ __metadata: { type }, ...o })) } });
    if (fmt === 'minimal') return this.ok({ 'odata.metadata': `${this.origin()}/_api/$metadata#${type}s`, value: items.map((o) => ({ 'odata.type': type, ...o })) });
    void uri;
    return this.ok({ value: items });
  }

  private voidResult(fmt: Format, method: string): ApiResponse {
    return this.ok(fmt === 'verbose' ? { d: { [method]: null } } : { 'odata.null': true });
  }
}
