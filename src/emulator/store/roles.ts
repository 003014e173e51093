/**
 * SharePoint role definitions (permission levels) and their BasePermissions (#3, #8): the four built-in levels with
 * SharePoint's own masks, and custom levels a site defines through SharePoint REST (`POST _api/web/roledefinitions`),
 * stored per site. Rights are 64-bit masks of SP.PermissionKind bits, as SharePoint computes them, so a level can allow
 * editing without deleting, or adding without editing.
 */
import { ROLE } from '../db.js';
import { badRequest, GraphHttpError } from '../errors.js';
import type { StoreContext } from './context.js';

/** SP.PermissionKind: the bit number (1-based) of each permission in a BasePermissions mask. */
export const PermissionKind = {
  ViewListItems: 1,
  AddListItems: 2,
  EditListItems: 3,
  DeleteListItems: 4,
  ApproveItems: 5,
  OpenItems: 6,
  ViewVersions: 7,
  DeleteVersions: 8,
  CancelCheckout: 9,
  ManagePersonalViews: 10,
  ManageLists: 12,
  ViewFormPages: 13,
  AnonymousSearchAccessList: 14,
  Open: 17,
  ViewPages: 18,
  AddAndCustomizePages: 19,
  ApplyThemeAndBorder: 20,
  ApplyStyleSheets: 21,
  ViewUsageData: 22,
  CreateSSCSite: 23,
  ManageSubwebs: 24,
  CreateGroups: 25,
  ManagePermissions: 26,
  BrowseDirectories: 27,
  BrowseUserInfo: 28,
  AddDelPrivateWebParts: 29,
  UpdatePersonalWebParts: 30,
  ManageWeb: 31,
  AnonymousSearchAccessWebLists: 32,
  UseClientIntegration: 37,
  UseRemoteAPIs: 38,
  ManageAlerts: 39,
  CreateAlerts: 40,
  EditMyUserInfo: 41,
  EnumeratePermissions: 63,
} as const;
export type PermissionKind = (typeof PermissionKind)[keyof typeof PermissionKind];

/** The mask bit of one permission. */
export const permissionBit = (kind: PermissionKind): bigint => 1n << BigInt(kind - 1);
/** Whether a rights mask holds a permission. */
export const hasPermission = (rights: bigint, kind: PermissionKind): boolean => (rights & permissionBit(kind)) !== 0n;

/** SharePoint REST's BasePermissions: the high and low 32 bits as decimal strings. */
export interface BasePermissions { High: string; Low: string }

export const toMask = (p: BasePermissions): bigint => (BigInt(p.High) << 32n) | BigInt(p.Low);
export const toBasePermissions = (mask: bigint): BasePermissions => ({ High: String((mask >> 32n) & 0xffffffffn), Low: String(mask & 0xffffffffn) });

export interface RoleDefinition {
  id: number;
  name: string;
  description: string;
  order: number;
  /** SP.RoleType: 2 Reader, 3 Contributor, 5 Administrator, 6 Editor; 0 for custom levels. */
  roleTypeKind: number;
  basePermissions: BasePermissions;
  mask: bigint;
  builtIn: boolean;
}

const builtIn = (id: number, name: string, description: string, order: number, roleTypeKind: number, High: string, Low: string): RoleDefinition => ({
  id, name, description, order, roleTypeKind, basePermissions: { High, Low }, mask: toMask({ High, Low }), builtIn: true,
});

/**
 * SharePoint Online's standard levels (ids, names, order, RoleTypeKind, BasePermissions as `_api/web/roledefinitions`
 * returns them). Edit and Contribute include DeleteListItems; Edit adds ManageLists; Read is view only.
 */
export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  builtIn(ROLE.FullControl, 'Full Control', 'Has full control.', 1, 5, '2147483647', '4294967295'),
  builtIn(ROLE.Edit, 'Edit', 'Can add, edit and delete lists; can view, add, update and delete list items and documents.', 48, 6, '432', '1012866047'),
  builtIn(ROLE.Contribute, 'Contribute', 'Can view, add, update, and delete list items and documents.', 64, 3, '432', '1011028719'),
  builtIn(ROLE.Read, 'Read', 'Can view pages and list items and download documents.', 128, 2, '176', '138612833'),
];

/** Ids of custom levels start after SharePoint's reserved range of built-ins. [U] on a tenant: not checked. */
const FIRST_CUSTOM_ID = 1073741924;
const MAX_NAME = 255;
const MAX_DESCRIPTION = 512;
const UINT32_MAX = 4294967295;
const normalName = (n: string): string => n.replace(/\s+/g, '').toLowerCase();

interface RoleRow { site_rid: number; id: number; name: string; description: string; ord: number; high: string; low: string }

/** The fields of a role definition body, after validation. */
export interface RoleDefinitionInput { name?: string; description?: string; order?: number; basePermissions?: BasePermissions }

const ROLE_PROPS = new Set(['Name', 'Description', 'Order', 'BasePermissions', '__metadata', 'odata.type', '@odata.type', 'odata.metadata', '@odata.context']);

function uint32(v: unknown, field: string): string {
  const n = typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : typeof v === 'number' ? v : NaN;
  if (!Number.isInteger(n) || n < 0 || n > UINT32_MAX) throw badRequest(`BasePermissions.${field} must be an integer from 0 to ${UINT32_MAX} (a number or a decimal string), got ${JSON.stringify(v)?.slice(0, 40) ?? String(v)}.`);
  return String(n);
}

/**
 * Validates a role definition body as SharePoint REST accepts it: `odata=verbose` (with `__metadata` objects) or
 * `odata=nometadata` JSON, `Name`, `Description`, `Order`, `BasePermissions { High, Low }` (numbers or decimal strings).
 * @throws GraphHttpError 400 naming the field.
 */
export function parseRoleDefinitionBody(body: unknown, creating: boolean): RoleDefinitionInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The body must be an SP.RoleDefinition object: { "Name", "Description", "Order", "BasePermissions": { "High", "Low" } }.');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !ROLE_PROPS.has(k));
  if (unknown.length > 0) throw badRequest(`Property '${unknown[0]}' does not exist on type 'SP.RoleDefinition' (settable: Name, Description, Order, BasePermissions).`);
  const out: RoleDefinitionInput = {};
  if (b.Name !== undefined || creating) {
    if (typeof b.Name !== 'string' || b.Name.trim() === '') throw badRequest("The role definition needs a 'Name' (a non-empty string).");
    if (b.Name.length > MAX_NAME || /[\u0000-\u001f\u007f]/.test(b.Name)) throw badRequest(`The role definition 'Name' must be at most ${MAX_NAME} characters without control characters.`);
    out.name = b.Name.trim();
  }
  if (b.Description !== undefined) {
    if (typeof b.Description !== 'string' || b.Description.length > MAX_DESCRIPTION) throw badRequest(`The role definition 'Description' must be a string of at most ${MAX_DESCRIPTION} characters.`);
    out.description = b.Description;
  }
  if (b.Order !== undefined) {
    if (typeof b.Order !== 'number' || !Number.isInteger(b.Order) || b.Order < 0 || b.Order > 65535) throw badRequest("The role definition 'Order' must be an integer from 0 to 65535.");
    out.order = b.Order;
  }
  if (b.BasePermissions !== undefined || creating) {
    const p = b.BasePermissions;
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw badRequest("The role definition needs 'BasePermissions': { \"High\": \"…\", \"Low\": \"…\" }.");
    const bp = p as Record<string, unknown>;
    const extra = Object.keys(bp).filter((k) => !['High', 'Low', '__metadata', 'odata.type', '@odata.type'].includes(k));
    if (extra.length > 0) throw badRequest(`Property '${extra[0]}' does not exist on type 'SP.BasePermissions' (High, Low).`);
    out.basePermissions = { High: uint32(bp.High, 'High'), Low: uint32(bp.Low, 'Low') };
  }
  return out;
}

/** The role definitions of each site: built-ins from code, custom levels from the `role_definitions` table. */
export class RoleDefinitions {
  private readonly custom = new Map<string, RoleDefinition>();

  constructor(
    private readonly ctx: StoreContext,
    /** Called after every change, so derived rights are recomputed. */
    private readonly changed: () => void,
  ) {
    for (const r of ctx.db.prepare('SELECT * FROM role_definitions').all() as RoleRow[]) this.custom.set(`${r.site_rid}|${r.id}`, this.fromRow(r));
  }

  private fromRow(r: RoleRow): RoleDefinition {
    const basePermissions = { High: r.high, Low: r.low };
    return { id: r.id, name: r.name, description: r.description, order: r.ord, roleTypeKind: 0, basePermissions, mask: toMask(basePermissions), builtIn: false };
  }

  /** Every level of a site, built-ins first, then custom levels by order. */
  all(siteRid: number): RoleDefinition[] {
    const own = [...this.custom.entries()].filter(([k]) => k.startsWith(`${siteRid}|`)).map(([, v]) => v).sort((a, b) => a.order - b.order || a.id - b.id);
    return [...BUILT_IN_ROLES, ...own];
  }

  byId(siteRid: number, id: number): RoleDefinition | undefined {
    return BUILT_IN_ROLES.find((r) => r.id === id) ?? this.custom.get(`${siteRid}|${id}`);
  }

  /** By name, case- and space-insensitively (`FullControl` finds Full Control). */
  byName(siteRid: number, name: string): RoleDefinition | undefined {
    const n = normalName(name);
    return this.all(siteRid).find((r) => normalName(r.name) === n);
  }

  byType(siteRid: number, kind: number): RoleDefinition | undefined {
    return this.all(siteRid).find((r) => r.roleTypeKind === kind && kind !== 0);
  }

  /** The rights a set of assigned levels grants on a site. */
  mask(siteRid: number, ids: Iterable<number>): bigint {
    let m = 0n;
    for (const id of ids) m |= this.byId(siteRid, id)?.mask ?? 0n;
    return m;
  }

  /**
   * Creates a custom level.
   * @throws GraphHttpError 400 for an invalid body, 409 when the name is taken.
   */
  create(siteRid: number, body: unknown): RoleDefinition {
    const input = parseRoleDefinitionBody(body, true);
    const name = input.name as string;
    if (this.byName(siteRid, name)) throw new GraphHttpError(409, 'roleDefinitionExists', `A permission level named '${name}' already exists on this site.`);
    const maxId = Math.max(FIRST_CUSTOM_ID - 1, ...[...this.custom.values()].map((r) => r.id));
    const row: RoleRow = { site_rid: siteRid, id: maxId + 1, name, description: input.description ?? '', ord: input.order ?? 0, high: (input.basePermissions as BasePermissions).High, low: (input.basePermissions as BasePermissions).Low };
    this.ctx.stmt('INSERT INTO role_definitions(site_rid, id, name, description, ord, high, low) VALUES (?,?,?,?,?,?,?)').run(row.site_rid, row.id, row.name, row.description, row.ord, row.high, row.low);
    const def = this.fromRow(row);
    this.custom.set(`${siteRid}|${def.id}`, def);
    this.changed();
    return def;
  }

  /**
   * Changes a custom level (`MERGE`): any of Name, Description, Order, BasePermissions.
   * @throws GraphHttpError 404 unknown, 400 built-in or invalid, 409 name taken.
   */
  update(siteRid: number, id: number, body: unknown): RoleDefinition {
    const current = this.requireCustom(siteRid, id);
    const input = parseRoleDefinitionBody(body, false);
    if (input.name !== undefined && normalName(input.name) !== normalName(current.name) && this.byName(siteRid, input.name)) {
      throw new GraphHttpError(409, 'roleDefinitionExists', `A permission level named '${input.name}' already exists on this site.`);
    }
    const bp = input.basePermissions ?? current.basePermissions;
    const row: RoleRow = { site_rid: siteRid, id, name: input.name ?? current.name, description: input.description ?? current.description, ord: input.order ?? current.order, high: bp.High, low: bp.Low };
    this.ctx.stmt('UPDATE role_definitions SET name = ?, description = ?, ord = ?, high = ?, low = ? WHERE site_rid = ? AND id = ?').run(row.name, row.description, row.ord, row.high, row.low, siteRid, id);
    const def = this.fromRow(row);
    this.custom.set(`${siteRid}|${id}`, def);
    this.changed();
    return def;
  }

  /** Deletes a custom level and every assignment of it, in one transaction. */
  delete(siteRid: number, id: number): void {
    this.requireCustom(siteRid, id);
    this.ctx.db.transaction(() => {
      this.ctx.stmt('DELETE FROM role_assignments WHERE site_rid = ? AND roledef_id = ?').run(siteRid, id);
      this.ctx.stmt('DELETE FROM role_definitions WHERE site_rid = ? AND id = ?').run(siteRid, id);
    })();
    this.custom.delete(`${siteRid}|${id}`);
    this.changed();
  }

  private requireCustom(siteRid: number, id: number): RoleDefinition {
    const r = this.byId(siteRid, id);
    if (!r) throw new GraphHttpError(404, 'roleNotFound', `Cannot find role definition with id: ${id}.`);
    if (r.builtIn) throw badRequest(`The built-in permission level '${r.name}' cannot be changed or deleted; define a custom level instead.`);
    return r;
  }
}
