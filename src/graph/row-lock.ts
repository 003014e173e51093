/**
 * Locking and unlocking a row for its division (#12): the division's group loses or regains "Edit without delete" on
 * the row's item. Used by the review (accept, return) and by closing a cycle.
 *
 * A row whose item still inherits its permissions (DivisionCode set on import or by hand, never through assignment)
 * answers 400 "inherits permissions" to a role change, in SharePoint as in the local service. The item then gets its
 * own permissions first (`breakroleinheritance(copyRoleAssignments=true,clearSubscopes=false)`, so everyone keeps
 * what they had), the reviewers get "Review rows" (so they can return it later), and a lock takes away every role the
 * division's group holds on it but Read, whatever it inherited (Edit on a team site's web, say). Only an actor with
 * ManagePermissions on the list (the secretariat) can break inheritance; anyone else gets `RowInheritsError`.
 * Requests: 1 in the usual case; on an inheriting item +1 break, +2 look-ups, +1 per role removed, +2 adds.
 */
import { PermissionError } from '../core/errors.js';
import { LIST_NAMES } from '../core/lists/schema.js';
import type { PermissionGroups } from './assign-rows.js';
import { EDIT_WITHOUT_DELETE, REVIEW_ROWS } from './permission-levels.js';
import { ROLE_NAMES, type SharePointRest } from './sharepoint-rest.js';

/** The row inherits its permissions and the actor may not give it its own (a reviewer: the list gives them Read). */
export class RowInheritsError extends Error {
  constructor(readonly itemId: string) {
    super(`Row item ${itemId} inherits its permissions; only the secretariat can give it its own and lock it.`);
  }
}

/** SharePoint's (and the local service's) 400 for a role change on an object that inherits its permissions. */
function inheritsPermissions(error: unknown): boolean {
  const e = error as { status?: number; message?: string; graphCode?: string };
  return e.status === 400 && /inherit/i.test(`${e.graphCode ?? ''} ${e.message ?? ''}`);
}

export async function setRowLock(sp: SharePointRest, groups: PermissionGroups, itemId: string, divisionCode: string, locked: boolean): Promise<void> {
  const list = LIST_NAMES.Rows;
  const [group, level] = await Promise.all([sp.groupId(groups.divisionGroup(divisionCode)), sp.roleId(EDIT_WITHOUT_DELETE.name)]);
  const change = (): Promise<void> => (locked ? sp.removeRoleAssignment(list, itemId, group, level) : sp.addRoleAssignment(list, itemId, group, level));
  try {
    return await change();
  } catch (error) {
    // Without ManagePermissions on an inheriting item the answer is 403, not 400.
    if (error instanceof PermissionError && !(await sp.hasUniqueRoleAssignments(list, itemId))) throw new RowInheritsError(itemId);
    if (!inheritsPermissions(error)) throw error;
  }
  await sp.breakInheritance(list, itemId, true, false).catch((error: unknown) => {
    throw error instanceof PermissionError ? new RowInheritsError(itemId) : error;
  });
  if (groups.reviewerRole === 'review') {
    const review = await sp.roleId(REVIEW_ROWS.name).catch(() => undefined);
    if (review !== undefined) await sp.addRoleAssignment(list, itemId, await sp.groupId(groups.reviewers), review);
  }
  if (!locked) return change();
  const read = await sp.roleId(ROLE_NAMES.Read);
  for (const role of await sp.principalRoleIds(list, itemId, group)) if (role !== read) await sp.removeRoleAssignment(list, itemId, group, role);
  await sp.addRoleAssignment(list, itemId, group, read);
}
