/**
 * Sites.Selected grants (#13): which app may reach which site at which level, as Graph's site permissions
 * (`/sites/{id}/permissions`, roles read | write | manage | fullcontrol, granted to an application).
 */
import { randomUUID } from 'node:crypto';

import { badRequest, GraphHttpError } from '../errors.js';
import { ACCESS_LEVELS, type AccessLevel } from '../scopes.js';
import type { StoreContext } from './context.js';
import type { SiteRow } from './types.js';

export interface AppGrant {
  id: string;
  appId: string;
  appName: string;
  role: AccessLevel;
}

interface GrantRow { id: string; app_id: string; app_name: string; role: string }

const toGrant = (r: GrantRow): AppGrant => ({ id: r.id, appId: r.app_id, appName: r.app_name, role: r.role as AccessLevel });

export class AppGrants {
  constructor(private readonly ctx: StoreContext) {}

  list(site: SiteRow): AppGrant[] {
    return (this.ctx.stmt('SELECT id, app_id, app_name, role FROM app_grants WHERE site_rid = ? ORDER BY app_id').all(site.rid) as GrantRow[]).map(toGrant);
  }

  roleOf(site: SiteRow, appId: string): AccessLevel | null {
    const r = this.ctx.stmt('SELECT role FROM app_grants WHERE site_rid = ? AND lower(app_id) = lower(?)').get(site.rid, appId) as { role: string } | undefined;
    return r ? (r.role as AccessLevel) : null;
  }

  /**
   * Grants (or changes) an app's role from a Graph permission body:
   * `{ roles: ["write"], grantedToIdentities: [{ application: { id, displayName } }] }` (or `grantedToIdentitiesV2`).
   * @throws GraphHttpError 400 for a body that is not one application with one known role.
   */
  grant(site: SiteRow, body: unknown): AppGrant {
    const b = (typeof body === 'object' && body !== null ? body : {}) as { roles?: unknown; grantedToIdentities?: unknown; grantedToIdentitiesV2?: unknown };
    const roles = Array.isArray(b.roles) ? b.roles : [];
    const role = roles.length === 1 && ACCESS_LEVELS.includes(roles[0] as AccessLevel) ? (roles[0] as AccessLevel) : null;
    if (!role) throw badRequest(`'roles' must hold one of ${ACCESS_LEVELS.join(', ')}.`);
    const ids = Array.isArray(b.grantedToIdentitiesV2) ? b.grantedToIdentitiesV2 : Array.isArray(b.grantedToIdentities) ? b.grantedToIdentities : [];
    const app = (ids[0] as { application?: { id?: unknown; displayName?: unknown } } | undefined)?.application;
    if (ids.length !== 1 || typeof app?.id !== 'string' || !/^[0-9a-f-]{36}$/i.test(app.id)) throw badRequest("'grantedToIdentities' must hold one application with its id (a GUID).");
    const name = typeof app.displayName === 'string' ? app.displayName.slice(0, 255) : '';
    const existing = this.ctx.stmt('SELECT id FROM app_grants WHERE site_rid = ? AND lower(app_id) = lower(?)').get(site.rid, app.id) as { id: string } | undefined;
    const id = existing?.id ?? randomUUID();
    this.ctx.stmt('INSERT INTO app_grants(id, site_rid, app_id, app_name, role) VALUES (?, ?, ?, ?, ?) ON CONFLICT(site_rid, app_id) DO UPDATE SET role = excluded.role, app_name = excluded.app_name').run(id, site.rid, app.id.toLowerCase(), name, role);
    return { id, appId: app.id.toLowerCase(), appName: name, role };
  }

  revoke(site: SiteRow, id: string): void {
    if (this.ctx.stmt('DELETE FROM app_grants WHERE site_rid = ? AND id = ?').run(site.rid, id).changes === 0) throw new GraphHttpError(404, 'itemNotFound', `Permission '${id.slice(0, 64)}' does not exist on this site.`);
  }
}
