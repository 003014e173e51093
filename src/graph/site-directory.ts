/**
 * Who is who in the follow-up site (#10): the FollowUpDivisions list (divisions are data), the signed-in user's
 * SharePoint groups (roles), and which fiscal years have rows. Read by every surface through Graph and SharePoint
 * REST, from the browser as from Node; written by the secretariat (seeding, `npm start`).
 */
import { NotFoundError, type Issue } from '../core/errors.js';
import { fromDivisionFields, sortDivisions, toDivisionFields, toDivisionKey, type Cycle, type Division } from '../core/divisions/division.js';
import { fromGuidanceFields, toGuidanceFields, toGuidanceKey, type Guidance } from '../core/guidance/guidance.js';
import { DIVISIONS_LIST, GUIDANCE_LIST, LIST_NAMES } from '../core/lists/schema.js';
import type { GraphConnection } from './create-graph-client.js';
import { collectPages, getPage, odataString, withQuery } from './paging.js';
import { ROLE_NAMES, SharePointRest } from './sharepoint-rest.js';
import type { ResolvedSite } from './site.js';
import { toAppError } from './to-app-error.js';

interface Item {
  id: string;
  fields?: Record<string, unknown>;
}

const DIVISION_EXPAND = `fields($select=${DIVISIONS_LIST.columns.map((c) => c.name).join(',')})`;
const itemsPath = (site: ResolvedSite, list: string): string => `/sites/${site.id}/lists/${encodeURIComponent(list)}/items`;

export interface DivisionsRead {
  divisions: Division[];
  /** Items the mapping could not read (hand-edited without their keys): shown, never dropped silently. */
  unreadable: { itemId: string; issues: Issue[] }[];
}

/**
 * The divisions of one 府省等 (or of every one), in the ministry's order. 1 request per 5,000 divisions.
 * @throws NotFoundError when the list is not provisioned (or not shared with the user), PermissionError, GraphAccessError
 */
export async function readDivisions(connection: GraphConnection, site: ResolvedSite, orgCode?: string): Promise<DivisionsRead> {
  const { client } = connection;
  const query = { $expand: DIVISION_EXPAND, $select: 'id', $top: 5000, ...(orgCode !== undefined ? { $filter: `fields/OrgCode eq ${odataString(orgCode)}` } : {}) };
  const first = await getPage<Item>(client, withQuery(itemsPath(site, LIST_NAMES.Divisions), query), `GET ${LIST_NAMES.Divisions} items`);
  const { items } = await collectPages<Item>(client, first, `GET ${LIST_NAMES.Divisions} items`);
  const divisions: Division[] = [];
  const unreadable: DivisionsRead['unreadable'] = [];
  for (const item of items) {
    const r = fromDivisionFields(item.fields ?? {}, item.id);
    if (r.ok) divisions.push(r.value);
    else unreadable.push({ itemId: item.id, issues: r.error });
  }
  return { divisions: sortDivisions(divisions), unreadable };
}

/** What seeding did. */
export interface SeedDivisionsResult {
  created: number;
  updated: number;
}

/**
 * Makes the Divisions list hold `divisions` (by DivisionKey): creates the missing, updates the changed, leaves the
 * rest (and divisions not given) alone. A second run with the same data sends only the read.
 */
export async function seedDivisions(connection: GraphConnection, site: ResolvedSite, divisions: readonly Division[]): Promise<SeedDivisionsResult> {
  const { client } = connection;
  const path = itemsPath(site, LIST_NAMES.Divisions);
  const first = await getPage<Item>(client, withQuery(path, { $expand: DIVISION_EXPAND, $select: 'id', $top: 5000 }), `GET ${LIST_NAMES.Divisions} items`);
  const { items } = await collectPages<Item>(client, first, `GET ${LIST_NAMES.Divisions} items`);
  const byKey = new Map(items.map((i) => [String(i.fields?.DivisionKey ?? ''), i]));
  const result: SeedDivisionsResult = { created: 0, updated: 0 };
  for (const d of divisions) {
    const fields = toDivisionFields(d);
    const existing = byKey.get(toDivisionKey(d.orgCode, d.code));
    try {
      if (!existing) {
        await client.api(path).post({ fields });
        result.created++;
        continue;
      }
      const changed = Object.fromEntries(Object.entries(fields).filter(([k, v]) => (existing.fields?.[k] ?? null) !== v));
      if (Object.keys(changed).length === 0) continue;
      await client.api(`${path}/${existing.id}/fields`).patch(changed);
      result.updated++;
    } catch (error) {
      throw toAppError(error, `${existing ? 'PATCH' : 'POST'} division ${d.code}`);
    }
  }
  return result;
}

/**
 * Lets `groups` read the Divisions list (every surface shows division names). The first time, the list gets its own
 * role assignments copied from the site (so the site's owners keep theirs) and each group is added with Read.
 * A list that already has its own assignments is left as it is, so a restart sends 1 request; pass `always` to add
 * the groups again (SharePoint keeps an existing binding as is) after adding a division.
 * @returns whether the groups were (re-)added
 */
export async function shareDivisionsList(connection: GraphConnection, site: ResolvedSite, groups: readonly string[], always = false): Promise<boolean> {
  return shareListForReading(connection, site, LIST_NAMES.Divisions, groups, always);
}

/** Lets `groups` read a list of the site (see shareDivisionsList): the Divisions and Guidance lists. */
export async function shareListForReading(connection: GraphConnection, site: ResolvedSite, list: string, groups: readonly string[], always = false): Promise<boolean> {
  const sp = new SharePointRest(connection, { webUrl: site.webUrl });
  if (await sp.hasUniqueRoleAssignments(list)) {
    if (!always) return false;
  } else {
    await sp.breakInheritance(list, undefined, true, false);
  }
  const read = await sp.roleId(ROLE_NAMES.Read);
  for (const g of groups) await sp.addRoleAssignment(list, undefined, await sp.groupId(g), read);
  return true;
}

/**
 * Titles of the SharePoint site groups the signed-in user belongs to (`_api/web/currentuser/groups`, 1 request with
 * a SharePoint-resource token). These carry the roles: the secretariat's and reviewers' groups, each division's.
 */
export async function readMyGroups(connection: GraphConnection, site: ResolvedSite): Promise<string[]> {
  const sp = new SharePointRest(connection, { webUrl: site.webUrl });
  const body = (await sp.call('GET', 'web/currentuser/groups')) as { value?: { Title?: unknown; LoginName?: unknown }[]; d?: { results?: { Title?: unknown }[] } } | null;
  const groups = body?.value ?? body?.d?.results ?? [];
  return groups.map((g) => g.Title).filter((t): t is string => typeof t === 'string');
}

/**
 * The fiscal years that have rows of `orgCode` (of one division when given), newest first. Reads only the year of
 * each row: 1 request per 5,000 rows, on indexed columns.
 */
export async function listCycles(connection: GraphConnection, site: ResolvedSite, orgCode: string, divisionCode?: string): Promise<Cycle[]> {
  const { client } = connection;
  const filter = [...(divisionCode !== undefined ? [`fields/DivisionCode eq ${odataString(divisionCode)}`] : []), `fields/OrgCode eq ${odataString(orgCode)}`].join(' and ');
  const path = withQuery(itemsPath(site, LIST_NAMES.Rows), { $filter: filter, $expand: 'fields($select=FiscalYear)', $select: 'id', $top: 5000 });
  const first = await getPage<Item>(client, path, `GET ${LIST_NAMES.Rows} fiscal years`);
  const { items } = await collectPages<Item>(client, first, `GET ${LIST_NAMES.Rows} fiscal years`);
  const counts = new Map<number, number>();
  for (const i of items) {
    const fy = Number(i.fields?.FiscalYear);
    if (Number.isInteger(fy)) counts.set(fy, (counts.get(fy) ?? 0) + 1);
  }
  return [...counts].map(([fiscalYear, rows]) => ({ fiscalYear, rows })).sort((a, b) => b.fiscalYear - a.fiscalYear);
}

const GUIDANCE_EXPAND = `fields($select=${GUIDANCE_LIST.columns.map((c) => c.name).join(',')})`;

export interface GuidanceRead {
  guidance: Guidance[];
  unreadable: { itemId: string; issues: Issue[] }[];
}

/**
 * The writing guidance that applies to a ministry (its own items and those for every ministry). 1 request per 5,000
 * items. A site provisioned before schema 5 has no Guidance list: that reads as no guidance, not as an error.
 * @throws PermissionError, GraphAccessError
 */
export async function readGuidance(connection: GraphConnection, site: ResolvedSite, orgCode: string): Promise<GuidanceRead> {
  const { client } = connection;
  // Blank OrgCode (every ministry) cannot be filtered on with eq null everywhere: read all, keep what applies.
  const what = `GET ${LIST_NAMES.Guidance} items`;
  let items: Item[];
  try {
    const first = await getPage<Item>(client, withQuery(itemsPath(site, LIST_NAMES.Guidance), { $expand: GUIDANCE_EXPAND, $select: 'id', $top: 5000 }), what);
    ({ items } = await collectPages<Item>(client, first, what));
  } catch (error) {
    if (error instanceof NotFoundError) return { guidance: [], unreadable: [] };
    throw error;
  }
  const guidance: Guidance[] = [];
  const unreadable: GuidanceRead['unreadable'] = [];
  for (const item of items) {
    const r = fromGuidanceFields(item.fields ?? {}, item.id);
    if (!r.ok) unreadable.push({ itemId: item.id, issues: r.error });
    else if (r.value.orgCode === null || r.value.orgCode === orgCode) guidance.push(r.value);
  }
  return { guidance, unreadable };
}

/**
 * Makes the Guidance list hold `items` (by GuidanceKey): creates the missing, updates the changed. A second run with
 * the same data sends only the read.
 */
export async function seedGuidance(connection: GraphConnection, site: ResolvedSite, items: readonly Guidance[]): Promise<SeedDivisionsResult> {
  const { client } = connection;
  const path = itemsPath(site, LIST_NAMES.Guidance);
  const first = await getPage<Item>(client, withQuery(path, { $expand: GUIDANCE_EXPAND, $select: 'id', $top: 5000 }), `GET ${LIST_NAMES.Guidance} items`);
  const { items: existing } = await collectPages<Item>(client, first, `GET ${LIST_NAMES.Guidance} items`);
  const byKey = new Map(existing.map((i) => [String(i.fields?.GuidanceKey ?? ''), i]));
  const result: SeedDivisionsResult = { created: 0, updated: 0 };
  for (const g of items) {
    const fields = toGuidanceFields(g);
    const found = byKey.get(toGuidanceKey(g));
    try {
      if (!found) {
        await client.api(path).post({ fields: Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null)) });
        result.created++;
        continue;
      }
      const changed = Object.fromEntries(Object.entries(fields).filter(([k, v]) => (found.fields?.[k] ?? null) !== v));
      if (Object.keys(changed).length === 0) continue;
      await client.api(`${path}/${found.id}/fields`).patch(changed);
      result.updated++;
    } catch (error) {
      throw toAppError(error, `${found ? 'PATCH' : 'POST'} guidance ${toGuidanceKey(g)}`);
    }
  }
  return result;
}
