/** SharePoint role definitions and the rights each grants (#3). */
import { ROLE } from '../db.js';

/** Rights checked by the service; a role grants a set of them. */
export const RIGHT = { view: 1, edit: 2, manageLists: 4, managePermissions: 8 } as const;

export interface RoleDefinition {
  id: number;
  name: string;
  description: string;
  order: number;
  roleTypeKind: number;
  rights: number;
  /** SharePoint BasePermissions (High/Low) as strings, as SharePoint REST returns them. */
  basePermissions: { High: string; Low: string };
}

/** SharePoint's standard role definitions (ids, names, RoleTypeKind as on SharePoint Online). */
export const ROLE_DEFINITIONS: readonly RoleDefinition[] = [
  { id: ROLE.FullControl, name: 'Full Control', description: 'Has full control.', order: 1, roleTypeKind: 5, rights: 15, basePermissions: { High: '2147483647', Low: '4294967295' } },
  { id: ROLE.Edit, name: 'Edit', description: 'Can add, edit and delete lists; can view, add, update and delete list items and documents.', order: 48, roleTypeKind: 6, rights: 7, basePermissions: { High: '432', Low: '1012866047' } },
  { id: ROLE.Contribute, name: 'Contribute', description: 'Can view, add, update, and delete list items and documents.', order: 64, roleTypeKind: 3, rights: 3, basePermissions: { High: '432', Low: '1011030767' } },
  { id: ROLE.Read, name: 'Read', description: 'Can view pages and list items and download documents.', order: 128, roleTypeKind: 2, rights: 1, basePermissions: { High: '176', Low: '138612833' } },
];

/** Finds a role definition by id. */
export const roleById = (id: number): RoleDefinition | undefined => ROLE_DEFINITIONS.find((r) => r.id === id);
/** Finds a role definition by name (case-insensitive; `FullControl` also accepted). */
export const roleByName = (name: string): RoleDefinition | undefined => {
  const n = name.replace(/\s+/g, '').toLowerCase();
  return ROLE_DEFINITIONS.find((r) => r.name.replace(/\s+/g, '').toLowerCase() === n);
};
/** Rights granted by a set of role definition ids. */
export const rightsOf = (roleIds: Iterable<number>): number => {
  let bits = 0;
  for (const id of roleIds) bits |= roleById(id)?.rights ?? 0;
  return bits;
};
