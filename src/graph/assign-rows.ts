/**
 * Assigning rows to divisions (#4, #8): DivisionCode through the normal save path (If-Match, merge on 412), the
 * ledger (./ledger.ts) updated, then item permissions through SharePoint REST: each assigned item copies the Rows
 * list's explicit set (secretariat Full Control, reviewers and reader groups Read), then the division's group gets
 * "Edit without delete" (./permission-levels.ts) and the reviewers the same when they edit. Nobody but the
 * secretariat can delete a row.
 */
import { ConflictError, NotFoundError, PermissionError, ValidationError } from '../core/errors.js';
import { toRowFields } from '../core/lists/row-fields.js';
import { LIST_NAMES } from '../core/lists/schema.js';
import type { AssignResult, StoredRow } from '../core/ports.js';
import { ownedHash, recordDivisions, sha256Hex } from './ledger.js';
import { odataString, toPage, withQuery } from './paging.js';
import { EDIT_WITHOUT_DELETE, REVIEW_ROWS } from './permission-levels.js';
import { ITEM_SELECT, ROW_EXPAND, toStoredRow, type GraphItem } from './row-items.js';
import { saveRows } from './save-rows.js';
import { ROLE_NAMES, SharePointRest } from './sharepoint-rest.js';
import { batch, stepError, type StoreContext } from './store-context.js';

/** SharePoint site groups that receive item permissions when rows are assigned. */
export interface PermissionGroups {
  /** Keeps Full Control on every assigned row. */
  secretariat: string;
  /** Gets `reviewerRole` on assigned rows (review fields are guarded by the core rule; SharePoint has no field-level permission). */
  reviewers: string;
  /**
   * `review` (schema 6, #12): reviewers get "Review rows" on assigned rows — read, and change the row's permissions
   * to lock it on submission and unlock it on return, never edit it. `edit` (schema 4–5): "Edit without delete", so
   * a reviewer could rewrite an answer over raw Graph. `read`: Read only (nobody but the secretariat locks rows).
   */
  reviewerRole: 'edit' | 'read' | 'review';
  /**
   * Groups that read every row of the Rows list (assigned or not) without editing it. The default, every division of
   * the demo directory, lets divisions see the whole ministry's follow-up while editing only their own rows. Set
   * before rows are assigned: an assigned row copies the readers at assignment time. On a tenant, one group whose
   * membership changes (the site's Visitors, or a group of all divisions) avoids re-assigning rows.
   */
  readers: readonly string[];
  /** Group of a division (the demo directory names groups by division code, e.g. `div-somu`). */
  divisionGroup(divisionCode: string): string;
}

export const DEFAULT_PERMISSION_GROUPS: PermissionGroups = {
  secretariat: 'secretariat',
  reviewers: 'reviewers',
  reviewerRole: 'review',
  // The local directory's divisions (src/emulator/directory.ts; graph may not import it). A tenant configures its own.
  readers: ['div-somu', 'div-kikaku', 'div-gyokan', 'div-jichi', 'div-joho'],
  divisionGroup: (code) => code,
};

/** What assignment needs besides the store context; kept per store so ids are looked up once. */
export interface AssignState {
  groups: PermissionGroups;
  permissionConcurrency: number;
  ledgerPath: () => Promise<string>;
  sp?: SharePointRest;
  listPermissions?: Promise<void>;
  /** Role ids: the editing level (or Edit where the level does not exist, with a warning), Full Control, Read. */
  roles?: Promise<Roles>;
}

/** Role ids: the editing level, Full Control, Read, and what schema 2 gave divisions (Edit) and reviewers (Contribute). */
interface Roles {
  edit: number;
  /** "Review rows" (schema 6); undefined where it does not exist yet (the reviewers then keep Read). */
  review?: number;
  full: number;
  read: number;
  oldDivision: number;
  oldReviewers: number;
  /** Set when the level is missing and Edit stands in for it. */
  warning?: string;
}

/** The role ids assignment uses. Where the permission level is missing (not provisioned), Edit, and says so. */
async function rolesOf(sp: SharePointRest): Promise<Roles> {
  const [full, read, editRole, contribute] = await Promise.all([sp.roleId(ROLE_NAMES.FullControl), sp.roleId(ROLE_NAMES.Read), sp.roleId(ROLE_NAMES.Edit), sp.roleId(ROLE_NAMES.Contribute)]);
  const review = await sp.roleId(REVIEW_ROWS.name).catch((error: unknown) => {
    if (error instanceof NotFoundError || (error as { status?: number }).status === 400) return undefined;
    throw error;
  });
  try {
    return { edit: await sp.roleId(EDIT_WITHOUT_DELETE.name), ...(review !== undefined ? { review } : {}), full, read, oldDivision: editRole, oldReviewers: contribute };
  } catch (error) {
    if (!(error instanceof NotFoundError) && (error as { status?: number }).status !== 400) throw error;
    return {
      edit: editRole,
      full,
      read,
      oldDivision: editRole,
      oldReviewers: contribute,
      warning: `The permission level "${EDIT_WITHOUT_DELETE.name}" does not exist on this site (run \`npx followup provision\`): divisions got Edit, which lets them delete their rows.`,
    };
  }
}

/**
 * Sets DivisionCode of the rows (found by RowKey), records it in the ledger and sets the item permissions.
 * @throws PermissionError when the actor is not the secretariat; ConflictError when DivisionCode was changed meanwhile
 */
export async function assignRows(ctx: StoreContext, state: AssignState, rowKeys: readonly string[], divisionCode: string): Promise<AssignResult> {
  if (!ctx.actor.isSecretariat) throw new PermissionError(`${ctx.actor.displayName} is not the secretariat; only the secretariat assigns rows to divisions.`);
  const keys = [...new Set(rowKeys)];
  const found = await batch(
    ctx,
    keys.map((k, i) => [{ id: `find-${i}`, method: 'GET' as const, url: withQuery(ctx.rowsPath, { $filter: `fields/RowKey eq ${odataString(k)}`, $expand: ROW_EXPAND, $select: ITEM_SELECT }) }]),
  );
  const rows: StoredRow[] = [];
  const sourceRaws = new Map<string, string>();
  const missing: string[] = [];
  keys.forEach((k, i) => {
    const r = found.get(`find-${i}`);
    if (r?.status !== 200) throw stepError(r, `find row ${k}`);
    const item = toPage<GraphItem>(r.body).value[0];
    if (!item) {
      missing.push(k);
      return;
    }
    const parsed = toStoredRow(item);
    if (!parsed.ok) throw new ValidationError(parsed.issues);
    rows.push(parsed.row);
    sourceRaws.set(parsed.row.itemId, String(item.fields?.SourceRaw ?? ''));
  });
  if (rows.length === 0) return { divisionCode, assigned: [], missing };
  const previous = new Map(rows.map((r) => [r.itemId, r.row.division]));
  const saved = await saveRows(
    ctx,
    rows.map((r) => ({ base: r, mine: { ...r, row: { ...r.row, division: divisionCode } } })),
  );
  for (const s of saved) {
    if (s.outcome === 'failed' || s.outcome === 'denied') throw s.error;
    if (s.outcome === 'conflict') throw new ConflictError(`Row ${s.rowKey}: DivisionCode was changed meanwhile`, s.conflicts);
  }
  await recordDivisions(
    ctx,
    await state.ledgerPath(),
    await Promise.all(rows.map(async (r) => ({ reportKey: r.reportKey, rowKey: r.row.key, division: divisionCode, sourceHash: await sha256Hex(sourceRaws.get(r.itemId) ?? String(toRowFields(r).SourceRaw)), ownedHash: await ownedHash(toRowFields(r)) }))),
  );
  const warning = await setItemPermissions(ctx, state, rows.map((r) => ({ itemId: r.itemId, previous: previous.get(r.itemId) ?? null })), divisionCode);
  return { divisionCode, assigned: rows.map((r) => r.rowKey), missing, ...(warning ? { warnings: [warning] } : {}) };
}

function spOf(ctx: StoreContext, state: AssignState): SharePointRest {
  state.sp ??= new SharePointRest(ctx.connection, { webUrl: ctx.site.webUrl });
  return state.sp;
}

function rolesFor(ctx: StoreContext, state: AssignState): Promise<Roles> {
  state.roles ??= rolesOf(spOf(ctx, state)).catch((error: unknown) => {
    state.roles = undefined;
    throw error;
  });
  return state.roles;
}

/**
 * Permissions of the Rows list, set once per store (then cached): the list gets its own role assignments, made
 * of exactly the secretariat (Full Control), the reviewers (Read) and the reader groups (Read; e.g. every division,
 * so divisions see the whole ministry). Assigned items copy this set, so it must be explicit: a list that still
 * inherits from the site would hand every site Member's Edit (a team site's default) to each assigned row.
 * An existing unique list keeps its assignments; the reader groups are (re-)added, which SharePoint ignores when
 * present. Calls: 1 check + (first time) 1 break + 2 adds, + 1 add per reader group.
 */
async function ensureListPermissions(sp: SharePointRest, groups: PermissionGroups, ids: { secretariat: number; reviewers: number; full: number; read: number }): Promise<void> {
  const list = LIST_NAMES.Rows;
  if (!(await sp.hasUniqueRoleAssignments(list))) {
    // clearSubscopes=false: rows assigned earlier keep their own permissions.
    await sp.breakInheritance(list, undefined, false, false);
    await sp.addRoleAssignment(list, undefined, ids.secretariat, ids.full);
    await sp.addRoleAssignment(list, undefined, ids.reviewers, ids.read);
  }
  for (const name of groups.readers) await sp.addRoleAssignment(list, undefined, await sp.groupId(name), ids.read);
}

/**
 * Item permissions of assigned rows: each item copies the list's explicit set (secretariat Full Control, reviewers
 * and reader groups Read), then the division's group gets the editing level and the reviewers too when they edit.
 * A previous division's level is removed on reassignment (its Read, if it is a reader, stays). A repeated add is
 * kept as is and a repeated break changes nothing on an item that already has its own assignments (the local
 * service does so; SharePoint's documentation does not say), so a re-run after a failure converges.
 * Calls per row: break + division level (+ reviewers level) (+ remove on reassignment) — 3 by default.
 * @returns a warning when the permission level is missing and Edit was given instead
 */
export async function setItemPermissions(ctx: StoreContext, state: AssignState, items: { itemId: string; previous: string | null }[], divisionCode: string): Promise<string | undefined> {
  const { groups } = state;
  const sp = spOf(ctx, state);
  const [division, secretariat, reviewers, roles] = await Promise.all([sp.groupId(groups.divisionGroup(divisionCode)), sp.groupId(groups.secretariat), sp.groupId(groups.reviewers), rolesFor(ctx, state)]);
  state.listPermissions ??= ensureListPermissions(sp, groups, { secretariat, reviewers, full: roles.full, read: roles.read }).catch((error: unknown) => {
    // Not cached when it failed: the next assignment tries again.
    state.listPermissions = undefined;
    throw error;
  });
  await state.listPermissions;
  const list = LIST_NAMES.Rows;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as { itemId: string; previous: string | null };
      // A row that was assigned and whose division lost its editing level is locked (submitted, approved or its
      // cycle closed): the lock survives reassignment, and a re-run never unlocks it. +2 GETs per such row.
      const old = item.previous === null ? undefined : await sp.groupId(groups.divisionGroup(item.previous));
      const locked = old !== undefined && (await sp.hasUniqueRoleAssignments(list, item.itemId)) && !(await sp.principalRoleIds(list, item.itemId, old)).includes(roles.edit);
      await sp.breakInheritance(list, item.itemId, true, true);
      if (!locked && groups.reviewerRole === 'edit') await sp.addRoleAssignment(list, item.itemId, reviewers, roles.edit);
      if (!locked && groups.reviewerRole === 'review' && roles.review !== undefined) await sp.addRoleAssignment(list, item.itemId, reviewers, roles.review);
      if (old !== undefined && item.previous !== divisionCode) await sp.removeRoleAssignment(list, item.itemId, old, roles.edit);
      // Locked: the new division reads its row (also where divisions are not readers of every row), no more.
      await sp.addRoleAssignment(list, item.itemId, division, locked ? roles.read : roles.edit);
    }
  };
  await Promise.all(Array.from({ length: Math.min(state.permissionConcurrency, items.length) }, worker));
  return roles.warning;
}

/**
 * Upgrade to schema 4 (#8): rows assigned before the permission level existed hold Edit (divisions) and Contribute
 * (reviewers), which include delete. Gives each assigned row's division and the reviewers the level and removes the
 * old ones. Calls per assigned row: 1 check + 2 for the division + 2 for the reviewers. Returns the rows changed.
 */
export async function regrantAssignedRows(ctx: StoreContext, state: AssignState, rows: readonly StoredRow[]): Promise<number> {
  const { groups } = state;
  const sp = spOf(ctx, state);
  const roles = await rolesFor(ctx, state);
  if (roles.warning) return 0;
  const reviewers = await sp.groupId(groups.reviewers);
  const assigned = rows.filter((r) => r.row.division !== null);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < assigned.length) {
      const row = assigned[next++] as StoredRow;
      const division = await sp.groupId(groups.divisionGroup(row.row.division as string));
      if (!(await sp.hasUniqueRoleAssignments(LIST_NAMES.Rows, row.itemId))) continue;
      await sp.addRoleAssignment(LIST_NAMES.Rows, row.itemId, division, roles.edit);
      await sp.removeRoleAssignment(LIST_NAMES.Rows, row.itemId, division, roles.oldDivision);
      if (groups.reviewerRole === 'edit') {
        await sp.addRoleAssignment(LIST_NAMES.Rows, row.itemId, reviewers, roles.edit);
        await sp.removeRoleAssignment(LIST_NAMES.Rows, row.itemId, reviewers, roles.oldReviewers);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(state.permissionConcurrency, assigned.length) }, worker));
  return assigned.length;
}
