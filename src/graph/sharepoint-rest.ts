/**
 * SharePoint REST for what Graph cannot do (#4, #8, platform facts A10): item permissions (break inheritance, role
 * assignments) and permission levels (role definitions). SharePoint REST needs a token for the SharePoint resource
 * (TokenRequest `sharepoint`), not a Graph token. Retries and error mapping are the Graph client's: the one policy
 * (./retry.ts) and the one mapping (./to-app-error.ts).
 *
 * Answers are asked for as `application/json;odata=nometadata` (plain objects, `{ value: [...] }` for collections);
 * request bodies are sent as `application/json;odata=verbose` with their `__metadata` types, the shape every
 * SharePoint version documents for POSTs to `_api`.
 */
import { GraphAccessError, NotFoundError } from '../core/errors.js';
import type { GraphConnection } from './create-graph-client.js';
import { sendWithRetries } from './retry.js';
import { toAppError, toAppErrorFromResponse } from './to-app-error.js';

/** SharePoint's built-in role definitions used here. */
export const ROLE_NAMES = { FullControl: 'Full Control', Edit: 'Edit', Contribute: 'Contribute', Read: 'Read' } as const;

/** SharePoint BasePermissions: two 32-bit halves of a 64-bit mask, as decimal strings (Edm.Int64 in JSON). */
export interface BasePermissions {
  High: string;
  Low: string;
}

/** A role definition (permission level) of a web. */
export interface RoleDefinition {
  id: number;
  name: string;
  description: string;
  order: number;
  basePermissions: BasePermissions;
}

/** A list view as SharePoint REST describes it. */
export interface ListView {
  id: string;
  title: string;
  query: string;
  rowLimit: number;
  fields: string[];
}

export interface SharePointRestOptions {
  /** The site's web URL (`https://tenant.sharepoint.com/sites/x`). */
  webUrl: string;
}

interface CallOptions {
  /** JSON body (sent verbose, with its `__metadata`). */
  body?: unknown;
  /** Whether a replay after a lost answer is harmless (permission calls are idempotent; creates are not). */
  replaySafe?: boolean;
  /** Sent as POST with `X-HTTP-Method: MERGE` and `IF-MATCH: *` (an update of the addressed object). */
  merge?: boolean;
  signal?: AbortSignal;
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export class SharePointRest {
  private readonly origin: string;
  private readonly web: string;
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly connection: GraphConnection,
    options: SharePointRestOptions,
  ) {
    this.web = options.webUrl.replace(/\/+$/, '');
    this.origin = new URL(this.web).origin;
  }

  /**
   * Calls `${webUrl}/_api/${path}`; returns the parsed JSON (or null for an empty body).
   * @throws PermissionError, NotFoundError, ThrottledError, ConflictError, GraphAccessError (with status and request id)
   */
  async call(method: 'GET' | 'POST', path: string, options: CallOptions = {}): Promise<unknown> {
    const url = `${this.web}/_api/${path}`;
    const what = `${method} ${path}`;
    const token = await this.connection.tokenProvider.getToken({ resource: 'sharepoint', origin: this.origin });
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json;odata=nometadata' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json;odata=verbose';
    if (options.merge) Object.assign(headers, { 'X-HTTP-Method': 'MERGE', 'IF-MATCH': '*' });
    const { policy, runtime } = this.connection.retry;
    let res: Response;
    try {
      res = await sendWithRetries(
        () =>
          this.connection.fetchRaw(url, {
            method,
            headers,
            ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
          }),
        { replaySafe: method === 'GET' || options.replaySafe === true || options.merge === true, policy, runtime, ...(options.signal ? { signal: options.signal } : {}) },
      );
    } catch (error) {
      throw toAppError(error, what);
    }
    const text = await res.text();
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        // Not JSON (an HTML error page from a proxy, say): the text itself is the evidence, handled below.
        body = text;
      }
    }
    if (!res.ok) throw toAppErrorFromResponse(res.status, body, res.headers, what);
    if (typeof body === 'string') throw new GraphAccessError(`${what}: the ${res.status} answer is not JSON: ${body.slice(0, 200)}`, { status: res.status, ...requestIdOf(res) });
    return body;
  }

  private async idOf(path: string): Promise<number> {
    const cached = this.ids.get(path);
    if (cached !== undefined) return cached;
    const body = (await this.call('GET', path)) as { Id?: unknown; d?: { Id?: unknown } } | null;
    const id = Number(body?.Id ?? body?.d?.Id);
    if (!Number.isInteger(id)) throw new GraphAccessError(`GET ${path}: no Id in the answer`, { status: 200 });
    this.ids.set(path, id);
    return id;
  }

  /** Principal id of a site group (by name). */
  groupId(name: string): Promise<number> {
    return this.idOf(`web/sitegroups/getbyname(${quote(name)})`);
  }

  /** E-mail addresses of a site group's members (`sitegroups/getbyname('…')/users`), lower-cased. */
  async groupMemberEmails(name: string): Promise<string[]> {
    const body = (await this.call('GET', `web/sitegroups/getbyname(${quote(name)})/users`)) as { value?: unknown[]; d?: { results?: unknown[] } } | null;
    const users = (body?.value ?? body?.d?.results ?? []) as { Email?: unknown; UserPrincipalName?: unknown }[];
    return users.map((u) => String(u.Email ?? u.UserPrincipalName ?? '').toLowerCase()).filter((e) => e !== '');
  }

  /** Role definition id (by name, e.g. `Edit`). */
  roleId(name: string): Promise<number> {
    return this.idOf(`web/roledefinitions/getbyname(${quote(name)})`);
  }

  /** Every role definition (permission level) of the web. */
  async roleDefinitions(): Promise<RoleDefinition[]> {
    const body = (await this.call('GET', 'web/roledefinitions')) as { value?: unknown[]; d?: { results?: unknown[] } } | null;
    const items = (body?.value ?? body?.d?.results ?? []) as Record<string, unknown>[];
    return items.map(toRoleDefinition);
  }

  /**
   * Creates a permission level (`POST web/roledefinitions`). Not replay-safe (a second one with the same name is
   * refused), so it is not re-sent after a lost answer: provisioning looks again on its next run.
   */
  async createRoleDefinition(definition: Omit<RoleDefinition, 'id'>): Promise<RoleDefinition> {
    const body = {
      __metadata: { type: 'SP.RoleDefinition' },
      Name: definition.name,
      Description: definition.description,
      Order: definition.order,
      BasePermissions: { __metadata: { type: 'SP.BasePermissions' }, High: definition.basePermissions.High, Low: definition.basePermissions.Low },
    };
    const created = (await this.call('POST', 'web/roledefinitions', { body })) as Record<string, unknown> | null;
    const role = toRoleDefinition((created?.d ?? created ?? {}) as Record<string, unknown>);
    if (!Number.isInteger(role.id)) throw new GraphAccessError('POST web/roledefinitions: no Id in the answer', { status: 201 });
    this.ids.set(`web/roledefinitions/getbyname(${quote(definition.name)})`, role.id);
    return role;
  }

  /** The views of a list (`GET lists/getbytitle('T')/views`) with their fields (1 + 1 GET per view). */
  async views(listTitle: string): Promise<ListView[]> {
    const list = this.target(listTitle);
    const body = (await this.call('GET', `${list}/views`)) as { value?: unknown[] } | null;
    const out: ListView[] = [];
    for (const v of (body?.value ?? []) as Record<string, unknown>[]) {
      const title = String(v.Title ?? '');
      const fields = (await this.call('GET', `${list}/views/getbytitle(${quote(title)})/viewfields`)) as { Items?: unknown } | null;
      out.push({ id: String(v.Id ?? ''), title, query: String(v.ViewQuery ?? ''), rowLimit: Number(v.RowLimit ?? 0), fields: Array.isArray(fields?.Items) ? fields.Items.map(String) : [] });
    }
    return out;
  }

  /**
   * Creates a public view (`POST …/views` with an SP.View) and sets its fields (`removeallviewfields`, then one
   * `addviewfield` per field: SharePoint gives a new view the list's default fields). 2 + n calls. The create is not
   * replay-safe (a second view with the same title would be added): provisioning looks again on its next run.
   */
  async createView(listTitle: string, view: { title: string; query: string; rowLimit: number; fields: readonly string[] }): Promise<void> {
    const list = this.target(listTitle);
    await this.call('POST', `${list}/views`, { body: { __metadata: { type: 'SP.View' }, Title: view.title, PersonalView: false, ViewQuery: view.query, RowLimit: view.rowLimit } });
    const at = `${list}/views/getbytitle(${quote(view.title)})/viewfields`;
    await this.call('POST', `${at}/removeallviewfields`, { replaySafe: true });
    for (const f of view.fields) await this.call('POST', `${at}/addviewfield(${quote(f)})`, { replaySafe: true });
  }

  /** The column formatting JSON of a field (`CustomFormatter`), null when it has none. */
  async customFormatter(listTitle: string, field: string): Promise<string | null> {
    const body = (await this.call('GET', `${this.target(listTitle)}/fields/getbyinternalnameortitle(${quote(field)})`)) as { CustomFormatter?: unknown } | null;
    const f = body?.CustomFormatter;
    return typeof f === 'string' && f !== '' ? f : null;
  }

  /** Sets a field's column formatting (`MERGE` of SP.Field `CustomFormatter`). */
  async setCustomFormatter(listTitle: string, field: string, formatter: string): Promise<void> {
    await this.call('POST', `${this.target(listTitle)}/fields/getbyinternalnameortitle(${quote(field)})`, { merge: true, body: { __metadata: { type: 'SP.Field' }, CustomFormatter: formatter } });
  }

  /** `web/lists/getbytitle('T')`, or one of its items when `itemId` is given. */
  private target(listTitle: string, itemId?: string): string {
    const list = `web/lists/getbytitle(${quote(listTitle)})`;
    return itemId === undefined ? list : `${list}/items(${Number(itemId)})`;
  }

  /** Whether the list (or item) has its own role assignments rather than inheriting them. */
  async hasUniqueRoleAssignments(listTitle: string, itemId?: string): Promise<boolean> {
    const body = (await this.call('GET', `${this.target(listTitle, itemId)}/hasuniqueroleassignments`)) as { value?: unknown; d?: { HasUniqueRoleAssignments?: unknown } } | null;
    const v = body?.value ?? body?.d?.HasUniqueRoleAssignments;
    if (typeof v !== 'boolean') throw new GraphAccessError(`GET hasuniqueroleassignments of ${listTitle}: no boolean in the answer`, { status: 200 });
    return v;
  }

  /**
   * Gives the list (or item) its own role assignments. Does nothing on an object that already has them.
   * `clearSubscopes` on a list would also reset every item's unique permissions: pass false there.
   */
  async breakInheritance(listTitle: string, itemId: string | undefined, copyRoleAssignments: boolean, clearSubscopes: boolean): Promise<void> {
    await this.call('POST', `${this.target(listTitle, itemId)}/breakroleinheritance(copyRoleAssignments=${copyRoleAssignments},clearSubscopes=${clearSubscopes})`, { replaySafe: true });
  }

  /** Adds a role for a principal (idempotent: an existing binding is kept as is). */
  async addRoleAssignment(listTitle: string, itemId: string | undefined, principalId: number, roleId: number): Promise<void> {
    await this.call('POST', `${this.target(listTitle, itemId)}/roleassignments/addroleassignment(principalid=${principalId},roledefid=${roleId})`, { replaySafe: true });
  }

  /**
   * Role definition ids a principal holds directly on the list (or item): `roleassignments/getbyprincipalid(N)`
   * with its bindings; none (the local service answers 404 for a principal without an assignment; SharePoint's
   * status for it is not documented, so a 400 ArgumentException counts as none too) is an empty list.
   */
  async principalRoleIds(listTitle: string, itemId: string | undefined, principalId: number): Promise<number[]> {
    try {
      const body = (await this.call('GET', `${this.target(listTitle, itemId)}/roleassignments/getbyprincipalid(${principalId})?$expand=RoleDefinitionBindings`)) as { RoleDefinitionBindings?: unknown } | null;
      const bindings = body?.RoleDefinitionBindings;
      const list = (Array.isArray(bindings) ? bindings : ((bindings as { results?: unknown[] } | undefined)?.results ?? [])) as { Id?: unknown }[];
      return list.map((b) => Number(b.Id)).filter(Number.isInteger);
    } catch (error) {
      if (error instanceof NotFoundError || (error as { status?: number }).status === 400) return [];
      throw error;
    }
  }

  /** Removes one role binding of a principal (its other roles stay). */
  async removeRoleAssignment(listTitle: string, itemId: string | undefined, principalId: number, roleId: number): Promise<void> {
    await this.call('POST', `${this.target(listTitle, itemId)}/roleassignments/removeroleassignment(principalid=${principalId},roledefid=${roleId})`, { replaySafe: true });
  }
}

function requestIdOf(res: Response): { requestId?: string } {
  const id = res.headers.get('request-id') ?? res.headers.get('sprequestguid');
  return id ? { requestId: id } : {};
}

function toRoleDefinition(r: Record<string, unknown>): RoleDefinition {
  const bp = (r.BasePermissions ?? {}) as { High?: unknown; Low?: unknown };
  return {
    id: Number(r.Id),
    name: String(r.Name ?? ''),
    description: String(r.Description ?? ''),
    order: Number(r.Order ?? 0),
    basePermissions: { High: String(bp.High ?? '0'), Low: String(bp.Low ?? '0') },
  };
}
