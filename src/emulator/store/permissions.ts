/**
 * SharePoint-style permissions (#3): rights of a caller on the web, a list or an item from the role assignments in
 * force (own when the object has unique permissions, else inherited), item visibility as SQL, and the changes
 * SharePoint REST makes (break/reset inheritance, add/remove assignments).
 */
import { accessDenied, GraphHttpError } from '../errors.js';
import type { StoreContext } from './context.js';
import type { Principals } from './principals.js';
import { hasPermission, PermissionKind, type RoleDefinitions } from './roles.js';
import type { Caller, ItemRow, ListRow, SiteRow } from './types.js';

export class Permissions {
  /**
   * Rights per (principal set, scope), and whether a list has items with unique permissions. Both are derived from
   * role_assignments / unique_perms, which only this class changes (SharePoint REST calls): every such change clears them.
   */
  private readonly rightsCache = new Map<string, bigint>();
  private readonly uniqueItemsCache = new Map<number, boolean>();

  constructor(
    private readonly ctx: StoreContext,
    private readonly principals: Principals,
    private readonly roles: RoleDefinitions,
  ) {}

  /** Forgets derived permission state; called inside every change to role_assignments or unique_perms. */
  changed(): void {
    this.rightsCache.clear();
    this.uniqueItemsCache.clear();
  }

  private rolesAt(siteRid: number, lid: number, itemId: number, principalIds: string): bigint {
    const key = `${principalIds}|${siteRid}|${lid}|${itemId}`;
    const hit = this.rightsCache.get(key);
    if (hit !== undefined) return hit;
    const rights = this.loadRolesAt(siteRid, lid, itemId, principalIds);
    if (this.rightsCache.size >= 50_000) this.rightsCache.clear();
    this.rightsCache.set(key, rights);
    return rights;
  }

  private loadRolesAt(siteRid: number, lid: number, itemId: number, principalIds: string): bigint {
    const rows = this.ctx.stmt('SELECT roledef_id FROM role_assignments WHERE site_rid = ? AND lid = ? AND item_id = ? AND principal_id IN (SELECT value FROM json_each(?))').all(siteRid, lid, itemId, principalIds) as { roledef_id: number }[];
    return this.roles.mask(siteRid, rows.map((r) => r.roledef_id));
  }
  /** The caller's BasePermissions on the web, a list or an item (a 64-bit mask of SP.PermissionKind bits). */
  webRights(c: Caller, site: SiteRow): bigint {
    return this.rolesAt(site.rid, 0, 0, c.principalIds);
  }
  listRights(c: Caller, list: ListRow): bigint {
    return list.unique_perms ? this.rolesAt(list.site_rid, list.lid, 0, c.principalIds) : this.rolesAt(list.site_rid, 0, 0, c.principalIds);
  }
  itemRights(c: Caller, list: ListRow, item: ItemRow): bigint {
    return item.unique_perms ? this.rolesAt(list.site_rid, list.lid, item.item_id, c.principalIds) : this.listRights(c, list);
  }
  private hasItemScopedAccess(c: Caller, list: ListRow): boolean {
    return this.ctx.stmt('SELECT 1 FROM role_assignments WHERE lid = ? AND item_id > 0 AND principal_id IN (SELECT value FROM json_each(?)) LIMIT 1').get(list.lid, c.principalIds) !== undefined;
  }
  /**
   * The caller may resolve the list: view or add rights on it (an add-only level must reach the list to add), or a
   * role on one of its items (Limited Access).
   */
  canSeeList(c: Caller, list: ListRow): boolean {
    const r = this.listRights(c, list);
    return hasPermission(r, PermissionKind.ViewListItems) || hasPermission(r, PermissionKind.AddListItems) || this.hasItemScopedAccess(c, list);
  }

  /** The caller may open the site: any role on the web, or on anything inside it (SharePoint's Limited Access). */
  assertSiteAccess(c: Caller, site: SiteRow): void {
    if (this.webRights(c, site) !== 0n) return;
    const any = this.ctx.stmt('SELECT 1 FROM role_assignments WHERE site_rid = ? AND principal_id IN (SELECT value FROM json_each(?)) LIMIT 1').get(site.rid, c.principalIds);
    if (!any) throw accessDenied();
  }

  /** The caller may manage the site's permissions (a site owner): required to grant apps access (#13). */
  assertSiteOwner(c: Caller, site: SiteRow): void {
    if (!hasPermission(this.webRights(c, site), PermissionKind.ManagePermissions)) throw accessDenied('Access denied: only a site owner (Full Control) may read or change the apps granted on the site.');
  }

  /** SQL restricting `items` rows to those the caller may read, plus its parameters. */
  visibilityClause(c: Caller, list: ListRow): { sql: string; params: unknown[] } {
    const listRead = hasPermission(this.listRights(c, list), PermissionKind.ViewListItems);
    let hasUnique = this.uniqueItemsCache.get(list.lid);
    if (hasUnique === undefined) {
      hasUnique = this.ctx.stmt('SELECT 1 FROM items WHERE lid = ? AND unique_perms = 1 LIMIT 1').get(list.lid) !== undefined;
      this.uniqueItemsCache.set(list.lid, hasUnique);
    }
    if (!hasUnique) return listRead ? { sql: '', params: [] } : { sql: ' AND 0', params: [] };
    const readable = (this.ctx.stmt('SELECT DISTINCT item_id FROM role_assignments WHERE lid = ? AND item_id > 0 AND principal_id IN (SELECT value FROM json_each(?))').all(list.lid, c.principalIds) as { item_id: number }[]).map((r) => r.item_id);
    const ids = JSON.stringify(readable);
    return listRead
      ? { sql: ' AND (unique_perms = 0 OR item_id IN (SELECT value FROM json_each(?)))', params: [ids] }
      : { sql: ' AND unique_perms = 1 AND item_id IN (SELECT value FROM json_each(?))', params: [ids] };
  }

  /** Scope key of a securable object: web (lid 0), list (item 0) or item. */
  scopeOf(site: SiteRow, list?: ListRow, item?: ItemRow): { siteRid: number; lid: number; itemId: number; unique: boolean } {
    if (item && list) return { siteRid: site.rid, lid: list.lid, itemId: item.item_id, unique: item.unique_perms === 1 };
    if (list) return { siteRid: site.rid, lid: list.lid, itemId: 0, unique: list.unique_perms === 1 };
    return { siteRid: site.rid, lid: 0, itemId: 0, unique: true };
  }

  /** Whether the caller holds a permission on a securable object. */
  can(c: Caller, kind: PermissionKind, site: SiteRow, list?: ListRow, item?: ItemRow): boolean {
    return hasPermission(this.rightsOn(c, site, list, item), kind);
  }

  /** Rights of the caller on a securable object. */
  rightsOn(c: Caller, site: SiteRow, list?: ListRow, item?: ItemRow): bigint {
    if (item && list) return this.itemRights(c, list, item);
    if (list) return this.listRights(c, list);
    return this.webRights(c, site);
  }

  /** The assignments in force on an object: its own when unique, else the parent's (inherited). */
  effectiveAssignments(site: SiteRow, list?: ListRow, item?: ItemRow): { principal_id: number; roledef_id: number }[] {
    const scope = item && item.unique_perms ? { lid: list?.lid ?? 0, itemId: item.item_id } : list && list.unique_perms ? { lid: list.lid, itemId: 0 } : { lid: 0, itemId: 0 };
    return this.ctx.stmt('SELECT principal_id, roledef_id FROM role_assignments WHERE site_rid = ? AND lid = ? AND item_id = ? ORDER BY principal_id, roledef_id').all(site.rid, scope.lid, scope.itemId) as { principal_id: number; roledef_id: number }[];
  }

  private requireManagePermissions(c: Caller, site: SiteRow, list?: ListRow, item?: ItemRow): void {
    if (!hasPermission(this.rightsOn(c, site, list, item), PermissionKind.ManagePermissions)) throw accessDenied();
  }

  private bumpItem(item: ItemRow | undefined): void {
    // A permission change re-announces the item to delta, so users who gained access receive it.
    if (item) this.ctx.stmt('UPDATE items SET seq = ? WHERE rid = ?').run(this.ctx.nextSeq(), item.rid);
  }

  breakInheritance(c: Caller, site: SiteRow, list: ListRow, item: ItemRow | undefined, copy: boolean, clearSubscopes: boolean): void {
    this.requireManagePermissions(c, site, list, item);
    const scope = this.scopeOf(site, list, item);
    try {
      this.ctx.db.transaction(() => {
        if (!scope.unique) {
          const inherited = this.effectiveAssignments(site, list, item);
          const ins = this.ctx.stmt('INSERT OR IGNORE INTO role_assignments(site_rid, lid, item_id, principal_id, roledef_id) VALUES (?,?,?,?,?)');
          if (copy) for (const a of inherited) ins.run(scope.siteRid, scope.lid, scope.itemId, a.principal_id, a.roledef_id);
          // Without copying, SharePoint leaves exactly one assignment: the current user with Full Control.
          else ins.run(scope.siteRid, scope.lid, scope.itemId, c.user.id, 1073741829);
          if (item) {
            this.ctx.stmt('UPDATE items SET unique_perms = 1 WHERE rid = ?').run(item.rid);
            item.unique_perms = 1;
          } else {
            this.ctx.stmt('UPDATE lists SET unique_perms = 1 WHERE lid = ?').run(list.lid);
            list.unique_perms = 1;
          }
        }
        if (!item && clearSubscopes) {
          this.ctx.stmt('DELETE FROM role_assignments WHERE lid = ? AND item_id > 0').run(list.lid);
          this.ctx.stmt('UPDATE items SET unique_perms = 0, seq = ? WHERE lid = ? AND unique_perms = 1').run(this.ctx.nextSeq(), list.lid);
        }
        this.bumpItem(item);
      })();
    } finally {
      this.changed();
    }
  }

  resetInheritance(c: Caller, site: SiteRow, list: ListRow, item: ItemRow | undefined): void {
    this.requireManagePermissions(c, site, list, item);
    const scope = this.scopeOf(site, list, item);
    try {
      this.ctx.db.transaction(() => {
        this.ctx.stmt('DELETE FROM role_assignments WHERE site_rid = ? AND lid = ? AND item_id = ?').run(scope.siteRid, scope.lid, scope.itemId);
        if (item) {
          this.ctx.stmt('UPDATE items SET unique_perms = 0 WHERE rid = ?').run(item.rid);
          item.unique_perms = 0;
        } else {
          this.ctx.stmt('UPDATE lists SET unique_perms = 0 WHERE lid = ?').run(list.lid);
          list.unique_perms = 0;
        }
        this.bumpItem(item);
      })();
    } finally {
      this.changed();
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
    if (!this.roles.byId(site.rid, roleId)) throw new GraphHttpError(404, 'roleNotFound', `Cannot find role definition with id: ${roleId}.`);
    try {
      this.ctx.db.transaction(() => {
        if (add) this.ctx.stmt('INSERT OR IGNORE INTO role_assignments(site_rid, lid, item_id, principal_id, roledef_id) VALUES (?,?,?,?,?)').run(scope.siteRid, scope.lid, scope.itemId, principalId, roleId);
        else this.ctx.stmt('DELETE FROM role_assignments WHERE site_rid = ? AND lid = ? AND item_id = ? AND principal_id = ? AND roledef_id = ?').run(scope.siteRid, scope.lid, scope.itemId, principalId, roleId);
        this.bumpItem(item);
      })();
    } finally {
      this.changed();
    }
  }

  /** Removes every role of a principal on an object (`roleassignments/getbyprincipalid(N)` DELETE). */
  removePrincipal(c: Caller, site: SiteRow, list: ListRow | undefined, item: ItemRow | undefined, principalId: number): void {
    this.requireManagePermissions(c, site, list, item);
    const scope = this.scopeOf(site, list, item);
    if (!scope.unique) throw new GraphHttpError(400, 'inheritsPermissions', 'This operation is not allowed on an object that inherits permissions.');
    try {
      this.ctx.db.transaction(() => {
        this.ctx.stmt('DELETE FROM role_assignments WHERE site_rid = ? AND lid = ? AND item_id = ? AND principal_id = ?').run(scope.siteRid, scope.lid, scope.itemId, principalId);
        this.bumpItem(item);
      })();
    } finally {
      this.changed();
    }
  }
}
