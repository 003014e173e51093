/**
 * Permission levels (#8): nobody but the secretariat deletes rows. Divisions (and reviewers, when they edit) get
 * "Edit without delete" on their rows: SharePoint's Contribute minus DeleteListItems and DeleteVersions. Created by
 * provisioning through SharePoint REST (`POST {web}/_api/web/roledefinitions`, verbose JSON body with Name,
 * Description, Order and BasePermissions {High, Low}), looked up by name when rows are assigned.
 *
 * BasePermissions is a 64-bit mask sent as two decimal strings: SP.PermissionKind k is bit k−1 of Low for k ≤ 32,
 * bit k−33 of High above (PermissionKind and SPBasePermissions in the SharePoint CSOM reference).
 */
import type { BasePermissions, RoleDefinition, SharePointRest } from './sharepoint-rest.js';

/** SP.PermissionKind values used here (Microsoft.SharePoint.Client.PermissionKind). */
export const PermissionKind = {
  ViewListItems: 1,
  AddListItems: 2,
  EditListItems: 3,
  DeleteListItems: 4,
  OpenItems: 6,
  ViewVersions: 7,
  DeleteVersions: 8,
  ManagePersonalViews: 10,
  ViewFormPages: 13,
  Open: 17,
  ViewPages: 18,
  CreateSSCSite: 23,
  ManagePermissions: 26,
  BrowseDirectories: 27,
  BrowseUserInfo: 28,
  AddDelPrivateWebParts: 29,
  UpdatePersonalWebParts: 30,
  UseClientIntegration: 37,
  UseRemoteAPIs: 38,
  CreateAlerts: 40,
  EditMyUserInfo: 41,
  EnumeratePermissions: 63,
} as const;
export type PermissionKind = (typeof PermissionKind)[keyof typeof PermissionKind];

/** SharePoint Online's Contribute level (BasePermissions High 432, Low 1011028719). */
export const CONTRIBUTE_KINDS: readonly PermissionKind[] = [
  PermissionKind.ViewListItems,
  PermissionKind.AddListItems,
  PermissionKind.EditListItems,
  PermissionKind.DeleteListItems,
  PermissionKind.OpenItems,
  PermissionKind.ViewVersions,
  PermissionKind.DeleteVersions,
  PermissionKind.ManagePersonalViews,
  PermissionKind.ViewFormPages,
  PermissionKind.Open,
  PermissionKind.ViewPages,
  PermissionKind.CreateSSCSite,
  PermissionKind.BrowseDirectories,
  PermissionKind.BrowseUserInfo,
  PermissionKind.AddDelPrivateWebParts,
  PermissionKind.UpdatePersonalWebParts,
  PermissionKind.UseClientIntegration,
  PermissionKind.UseRemoteAPIs,
  PermissionKind.CreateAlerts,
  PermissionKind.EditMyUserInfo,
];

/** The BasePermissions mask of a set of permission kinds. */
export function toBasePermissions(kinds: readonly PermissionKind[]): BasePermissions {
  let low = 0n;
  let high = 0n;
  for (const k of kinds) {
    if (k <= 32) low |= 1n << BigInt(k - 1);
    else high |= 1n << BigInt(k - 33);
  }
  return { High: high.toString(), Low: low.toString() };
}

/** Whether a mask grants a permission kind. */
export function grants(mask: BasePermissions, kind: PermissionKind): boolean {
  const half = BigInt(kind <= 32 ? mask.Low : mask.High);
  return (half & (1n << BigInt(kind <= 32 ? kind - 1 : kind - 33))) !== 0n;
}

/** The level divisions and editing reviewers get on their rows. */
export const EDIT_WITHOUT_DELETE: Omit<RoleDefinition, 'id'> = {
  name: 'Edit without delete',
  description: '取組計画等のフォローアップ: 担当の行を表示・編集できます（削除はできません）。Can view and edit list items, but not delete items or versions.',
  order: 100,
  basePermissions: toBasePermissions(CONTRIBUTE_KINDS.filter((k) => k !== PermissionKind.DeleteListItems && k !== PermissionKind.DeleteVersions)),
};

/** What every custom level of ours keeps: open the site and its pages, view items and versions, use the APIs. */
const VIEW_KINDS: readonly PermissionKind[] = [
  PermissionKind.ViewListItems,
  PermissionKind.OpenItems,
  PermissionKind.ViewVersions,
  PermissionKind.ViewFormPages,
  PermissionKind.Open,
  PermissionKind.ViewPages,
  PermissionKind.BrowseUserInfo,
  PermissionKind.UseClientIntegration,
  PermissionKind.UseRemoteAPIs,
];

/**
 * Divisions on FollowUpSubmissions (#12): add items and read them, never change or delete one. SharePoint sets the
 * author and time of each item, so a submission is a record nobody but the secretariat can rewrite.
 */
export const ADD_WITHOUT_EDIT: Omit<RoleDefinition, 'id'> = {
  name: 'Add without edit',
  description: '取組計画等のフォローアップ: 項目を追加・閲覧できます（変更・削除はできません）。Can add and view list items, but not edit or delete them.',
  order: 101,
  basePermissions: toBasePermissions([...VIEW_KINDS, PermissionKind.AddListItems]),
};

/**
 * Reviewers on assigned rows (#12): read the row and its versions, and change its permissions — to lock it when a
 * submission is accepted and unlock it on return — but never edit it. SharePoint refuses a reviewer's PATCH of a row.
 * The gap (docs/lists.md): ManagePermissions would let a reviewer grant themselves Edit first; that shows in the
 * row's role assignments and versions (an answer edited by a non-member is flagged), it is not prevented.
 */
export const REVIEW_ROWS: Omit<RoleDefinition, 'id'> = {
  name: 'Review rows',
  description: '取組計画等のフォローアップ: 行を閲覧し、確認のために行の権限（ロック・解除）を変更できます（編集はできません）。Can view items and change their permissions, not edit them.',
  order: 102,
  basePermissions: toBasePermissions([...VIEW_KINDS, PermissionKind.EnumeratePermissions, PermissionKind.ManagePermissions]),
};

/** What provisioning did about the permission level. */
export type PermissionLevelOutcome =
  | { kind: 'present'; role: RoleDefinition }
  | { kind: 'created'; role: RoleDefinition }
  /** The level exists under our name with other permissions (someone changed it in site settings): left alone. */
  | { kind: 'different'; role: RoleDefinition }
  /** The service did not create it (it does not implement role definitions): divisions keep Edit. */
  | { kind: 'unsupported'; reason: string };

/**
 * Ensures the web has EDIT_WITHOUT_DELETE. Idempotent: 1 GET when it exists, else GET + POST (+ GET to confirm).
 * @throws PermissionError when the caller may not manage permissions (not a site owner)
 */
export async function ensurePermissionLevel(sp: SharePointRest, level: Omit<RoleDefinition, 'id'> = EDIT_WITHOUT_DELETE): Promise<PermissionLevelOutcome> {
  const find = async (): Promise<RoleDefinition | undefined> => (await sp.roleDefinitions()).find((r) => r.name.toLowerCase() === level.name.toLowerCase());
  const existing = await find();
  if (existing) {
    const same = existing.basePermissions.High === level.basePermissions.High && existing.basePermissions.Low === level.basePermissions.Low;
    return same ? { kind: 'present', role: existing } : { kind: 'different', role: existing };
  }
  let answer: unknown;
  try {
    answer = await sp.createRoleDefinition(level);
  } catch (error) {
    const status = (error as { status?: number }).status;
    // 400/404/405/501: the service has no such endpoint (an older local service). Anything else is a real failure.
    if (status === 400 || status === 404 || status === 405 || status === 501 || (error instanceof Error && /no Id in the answer/.test(error.message))) {
      return { kind: 'unsupported', reason: error instanceof Error ? error.message : String(error) };
    }
    throw error;
  }
  const created = await find();
  if (!created) return { kind: 'unsupported', reason: `POST web/roledefinitions answered (${JSON.stringify(answer).slice(0, 80)}) but the level is not listed afterwards` };
  return { kind: 'created', role: created };
}
