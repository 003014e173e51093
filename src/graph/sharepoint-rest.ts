/**
 * Item permissions through SharePoint REST (#4, platform facts A10): Graph cannot grant a listItem permission to a
 * user or group, so assigning rows to a division breaks the item's inheritance and adds role assignments here.
 * SharePoint REST needs a token for the SharePoint resource (TokenRequest `sharepoint`), not a Graph token.
 */
import { GraphAccessError, NotFoundError, PermissionError, ThrottledError, type AppError } from '../core/errors.js';
import type { GraphConnection } from './create-graph-client.js';
import { parseRetryAfter } from './to-app-error.js';

/** SharePoint's built-in role definitions used here. */
export const ROLE_NAMES = { FullControl: 'Full Control', Edit: 'Edit', Contribute: 'Contribute', Read: 'Read' } as const;

export interface SharePointRestOptions {
  /** The site's web URL (`https://tenant.sharepoint.com/sites/x`). */
  webUrl: string;
  /** Attempts per call on 429/503 (honouring Retry-After, with jitter) and network errors. Default 12. */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export class SharePointRest {
  private readonly origin: string;
  private readonly web: string;
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly connection: GraphConnection,
    private readonly options: SharePointRestOptions,
  ) {
    this.web = options.webUrl.replace(/\/+$/, '');
    this.origin = new URL(this.web).origin;
  }

  /** Calls `${webUrl}/_api/${path}`; returns the parsed JSON (or null for an empty body). */
  async call(method: 'GET' | 'POST', path: string): Promise<unknown> {
    const url = `${this.web}/_api/${path}`;
    const maxAttempts = this.options.maxAttempts ?? 12;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 1; ; attempt++) {
      const token = await this.connection.tokenProvider.getToken({ resource: 'sharepoint', origin: this.origin });
      let res: Response;
      try {
        res = await this.connection.fetchRaw(url, { method, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json;odata=nometadata' } });
      } catch (error) {
        if (attempt < maxAttempts) {
          await sleep(200 * attempt);
          continue;
        }
        throw new GraphAccessError(`${method} ${path}: network error`, undefined, 'networkError', undefined, { cause: error });
      }
      const text = await res.text();
      if (res.ok) {
        if (text === '') return null;
        try {
          return JSON.parse(text) as unknown;
        } catch (error) {
          throw new GraphAccessError(`${method} ${path}: the ${res.status} answer is not JSON: ${text.slice(0, 200)}`, res.status, undefined, res.headers.get('request-id') ?? undefined, { cause: error });
        }
      }
      const retryAfter = parseRetryAfter(res.headers.get('Retry-After'));
      if ((res.status === 429 || res.status === 503) && attempt < maxAttempts) {
        await sleep(Math.min(retryAfter ?? 250 * 2 ** attempt, 30_000) * (1 + 0.2 * Math.random()));
        continue;
      }
      throw this.toError(res.status, text, `${method} ${path}`, retryAfter, res.headers.get('request-id') ?? res.headers.get('sprequestguid') ?? undefined);
    }
  }

  private toError(status: number, text: string, what: string, retryAfter: number | undefined, requestId: string | undefined): AppError {
    let message = text.slice(0, 300);
    let code: string | undefined;
    try {
      const body = JSON.parse(text) as { error?: { code?: string; message?: string | { value?: string } }; 'odata.error'?: { code?: string; message?: { value?: string } } };
      const e = body.error ?? body['odata.error'];
      code = e?.code;
      message = typeof e?.message === 'string' ? e.message : (e?.message?.value ?? message);
    } catch {
      // Not JSON (an HTML error page): the text itself is the best evidence we have.
    }
    const detail = `${what}: ${status}${code ? ` ${code}` : ''} — ${message}`;
    if (status === 401 || status === 403) return new PermissionError(detail);
    if (status === 404) return new NotFoundError(detail);
    if (status === 429 || status === 503) return new ThrottledError(detail, retryAfter);
    return new GraphAccessError(detail, status, code, requestId);
  }

  private async idOf(path: string): Promise<number> {
    const cached = this.ids.get(path);
    if (cached !== undefined) return cached;
    const body = (await this.call('GET', path)) as { Id?: unknown; d?: { Id?: unknown } } | null;
    const id = Number(body?.Id ?? body?.d?.Id);
    if (!Number.isInteger(id)) throw new GraphAccessError(`GET ${path}: no Id in the answer`, 200, undefined, undefined);
    this.ids.set(path, id);
    return id;
  }

  /** Principal id of a site group (by name). */
  groupId(name: string): Promise<number> {
    return this.idOf(`web/sitegroups/getbyname(${quote(name)})`);
  }

  /** Role definition id (by name, e.g. `Edit`). */
  roleId(name: string): Promise<number> {
    return this.idOf(`web/roledefinitions/getbyname(${quote(name)})`);
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
    if (typeof v !== 'boolean') throw new GraphAccessError(`GET hasuniqueroleassignments of ${listTitle}: no boolean in the answer`, 200, undefined, undefined);
    return v;
  }

  /**
   * Gives the list (or item) its own role assignments. Does nothing on an object that already has them.
   * `clearSubscopes` on a list would also reset every item's unique permissions: pass false there.
   */
  async breakInheritance(listTitle: string, itemId: string | undefined, copyRoleAssignments: boolean, clearSubscopes: boolean): Promise<void> {
    await this.call('POST', `${this.target(listTitle, itemId)}/breakroleinheritance(copyRoleAssignments=${copyRoleAssignments},clearSubscopes=${clearSubscopes})`);
  }

  /** Adds a role for a principal (idempotent: an existing binding is kept as is). */
  async addRoleAssignment(listTitle: string, itemId: string | undefined, principalId: number, roleId: number): Promise<void> {
    await this.call('POST', `${this.target(listTitle, itemId)}/roleassignments/addroleassignment(principalid=${principalId},roledefid=${roleId})`);
  }

  /** Removes one role binding of a principal (its other roles stay). */
  async removeRoleAssignment(listTitle: string, itemId: string | undefined, principalId: number, roleId: number): Promise<void> {
    await this.call('POST', `${this.target(listTitle, itemId)}/roleassignments/removeroleassignment(principalid=${principalId},roledefid=${roleId})`);
  }
}
