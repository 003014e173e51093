/**
 * Idempotent provisioning (#4, #8): reads what the site has, asks core for the plan, applies it. Running it twice
 * changes nothing; a newer schema adds what is missing without touching data. The schema version is recorded in the
 * FollowUpMeta list (SharePoint's property bag is not reachable through Graph).
 *
 * Through SharePoint REST (./sharepoint-rest.ts, a SharePoint token): the "Edit without delete" permission level
 * (./permission-levels.ts) and the ledger's own permissions (secretariat only). Upgrading from schema 3 or older
 * also records the existing rows in the ledger and gives rows assigned with Edit/Contribute the new level; the
 * version is recorded last, so an upgrade that fails is redone by the next run.
 */
import type { Client } from '@microsoft/microsoft-graph-client';

import { GraphAccessError } from '../core/errors.js';
import { toColumnDefinition, toListCreateBody } from '../core/lists/column-definition.js';
import { describeStep, planProvisioning, type ObservedColumn, type ObservedList, type ObservedSite, type ProvisionStep } from '../core/lists/provision-plan.js';
import { FOLLOW_UP_SCHEMA, LIST_NAMES, SCHEMA_VERSION_KEY, type SiteSchema } from '../core/lists/schema.js';
import { secretariatActor } from '../core/permissions/rules.js';
import { DEFAULT_PERMISSION_GROUPS, type PermissionGroups } from './assign-rows.js';
import { runBatched, type BatchStep, type RunOptions } from './batch.js';
import type { GraphConnection } from './create-graph-client.js';
import { openGraphFollowUpAdmin } from './graph-follow-up-store.js';
import { collectPages, toPage, withQuery } from './paging.js';
import { ADD_WITHOUT_EDIT, EDIT_WITHOUT_DELETE, ensurePermissionLevel, REVIEW_ROWS } from './permission-levels.js';
import { ensureViews } from './list-views.js';
import { upgradeToReview } from './review-upgrade.js';
import { SharePointRest } from './sharepoint-rest.js';
import { resolveSite, type ResolvedSite, type SiteRef } from './site.js';
import { toAppError, toAppErrorFromResponse } from './to-app-error.js';

export interface ProvisionOptions {
  schema?: SiteSchema;
  /** Plan only. */
  dryRun?: boolean;
  batch?: RunOptions;
  /** Groups of the permission model (the ledger is readable by `secretariat` only). */
  groups?: PermissionGroups;
  /** Skip the SharePoint REST part (permission level, ledger permissions, upgrade of item permissions). */
  skipSharePointRest?: boolean;
}

export interface ProvisionReport {
  site: ResolvedSite;
  /** Steps applied (or planned, with dryRun), described one per line. */
  applied: string[];
  steps: ProvisionStep[];
  warnings: string[];
  /** Write requests sent (0 when the site was up to date). */
  writes: number;
  /** List ids by name after provisioning. */
  listIds: Record<string, string>;
}

interface GraphList {
  id: string;
  displayName: string;
}

/** Reads the lists, their columns and the recorded schema version (3 requests: site excluded). */
export async function observeSite(client: Client, siteId: string, schema: SiteSchema, batch?: RunOptions): Promise<ObservedSite> {
  let listsBody: unknown;
  try {
    listsBody = await client.api(withQuery(`/sites/${siteId}/lists`, { $select: 'id,displayName' })).get();
  } catch (error) {
    throw toAppError(error, 'GET lists');
  }
  const lists = await collectPages<GraphList>(client, toPage<GraphList>(listsBody), 'GET lists');
  const ours = lists.items.filter((l) => schema.lists.some((s) => s.name === l.displayName));
  const steps: BatchStep[] = ours.map((l) => ({
    id: `columns-${l.id}`,
    method: 'GET',
    url: withQuery(`/sites/${siteId}/lists/${l.id}/columns`, { $select: 'id,name,indexed,enforceUniqueValues' }),
  }));
  const meta = ours.find((l) => l.displayName === LIST_NAMES.Meta);
  if (meta) steps.push({ id: 'meta', method: 'GET', url: withQuery(`/sites/${siteId}/lists/${meta.id}/items`, { $expand: 'fields($select=MetaKey,MetaValue)', $select: 'id,eTag' }) });
  const responses = await runBatched(client, steps.map((s) => [s]), { ...batch });
  const observedLists: ObservedList[] = [];
  for (const l of ours) {
    const r = responses.get(`columns-${l.id}`);
    if (!r || r.status !== 200) throw r?.error ?? toAppErrorFromResponse(r?.status ?? 0, r?.body, r?.headers ?? {}, `GET columns of ${l.displayName}`);
    const cols = await collectPages<{ id: string; name: string; indexed?: boolean; enforceUniqueValues?: boolean }>(client, toPage(r.body), `GET columns of ${l.displayName}`);
    observedLists.push({
      id: l.id,
      name: l.displayName,
      columns: cols.items.map((c): ObservedColumn => ({ id: c.id, name: c.name, indexed: c.indexed === true, enforceUniqueValues: c.enforceUniqueValues === true })),
    });
  }
  let schemaVersion: number | null = null;
  const metaResponse = responses.get('meta');
  if (metaResponse) {
    if (metaResponse.status !== 200) throw metaResponse.error ?? toAppErrorFromResponse(metaResponse.status, metaResponse.body, metaResponse.headers, 'GET FollowUpMeta items');
    const items = await collectPages<{ fields?: Record<string, unknown> }>(client, toPage(metaResponse.body), 'GET FollowUpMeta items');
    const v = items.items.find((i) => i.fields?.MetaKey === SCHEMA_VERSION_KEY)?.fields?.MetaValue;
    if (v !== undefined && v !== null && Number.isFinite(Number(v))) schemaVersion = Number(v);
  }
  return { lists: observedLists, schemaVersion };
}

async function write(client: Client, method: 'post' | 'patch', path: string, body: unknown, what: string): Promise<unknown> {
  try {
    return method === 'post' ? await client.api(path).post(body) : await client.api(path).patch(body);
  } catch (error) {
    throw toAppError(error, what);
  }
}

/**
 * Creates or upgrades the lists and columns the product needs on a site, and records the schema version.
 * @throws NotFoundError (site), PermissionError (needs Sites.Manage.All / site owner), ThrottledError, GraphAccessError
 */
export async function provisionSite(connection: GraphConnection, site: string | SiteRef | { id: string }, options: ProvisionOptions = {}): Promise<ProvisionReport> {
  const schema = options.schema ?? FOLLOW_UP_SCHEMA;
  const { client } = connection;
  const batch = { policy: connection.retry.policy, runtime: connection.retry.runtime, ...options.batch };
  const resolved = await resolveSite(client, site);
  const observed = await observeSite(client, resolved.id, schema, batch);
  const plan = planProvisioning(schema, observed);
  const listIds: Record<string, string> = Object.fromEntries(observed.lists.map((l) => [l.name, l.id]));
  const report: ProvisionReport = { site: resolved, applied: [], steps: plan.steps, warnings: plan.warnings, writes: 0, listIds };
  if (options.dryRun) {
    report.applied = plan.steps.map(describeStep);
    return report;
  }
  const done = (step: string): void => {
    report.writes++;
    report.applied.push(step);
  };
  const versionStep = plan.steps.find((s): s is Extract<ProvisionStep, { kind: 'recordVersion' }> => s.kind === 'recordVersion');
  for (const step of plan.steps) {
    switch (step.kind) {
      case 'createList': {
        const created = (await write(client, 'post', `/sites/${resolved.id}/lists`, toListCreateBody(step.list), `create list ${step.list.name}`)) as { id?: unknown };
        if (typeof created.id !== 'string') throw new GraphAccessError(`create list ${step.list.name}: no id in the answer`, { status: 201 });
        listIds[step.list.name] = created.id;
        break;
      }
      case 'addColumn':
        await write(client, 'post', `/sites/${resolved.id}/lists/${listIds[step.list]}/columns`, toColumnDefinition(step.column), `add column ${step.list}.${step.column.name}`);
        break;
      case 'updateColumn':
        await write(client, 'patch', `/sites/${resolved.id}/lists/${listIds[step.list]}/columns/${step.columnId}`, step.set, `update column ${step.list}.${step.column.name}`);
        break;
      case 'recordVersion':
        // Last, after the SharePoint REST part below.
        continue;
    }
    done(describeStep(step));
  }
  const ledgerListed = schema.lists.some((l) => l.name === LIST_NAMES.Ledger);
  if (!options.skipSharePointRest && ledgerListed) {
    await provisionPermissions(connection, resolved, listIds, options.groups ?? DEFAULT_PERMISSION_GROUPS, report, done);
    const previous = observed.schemaVersion;
    const rowsExisted = observed.lists.some((l) => l.name === LIST_NAMES.Rows);
    if (rowsExisted && versionStep && (previous === null || previous < 4)) await upgradeToLedger(connection, resolved, options, done);
    if (rowsExisted && versionStep && (previous === null || previous < 6) && schema.lists.some((l) => l.name === LIST_NAMES.Review)) {
      const up = await upgradeToReview(connection, resolved, listIds, options.groups ?? DEFAULT_PERMISSION_GROUPS);
      if (up.created > 0) done(`copy the review state of ${up.created} rows into ${LIST_NAMES.Review}`);
      if (up.regranted > 0) done(`give reviewers "${REVIEW_ROWS.name}" instead of "${EDIT_WITHOUT_DELETE.name}" on ${up.regranted} assigned rows`);
      if (up.locked > 0) done(`lock ${up.locked} rows that were 提出済 or 承認済`);
    }
    if (schema.version >= 7) {
      // Views and column formatting (schema 7): checked on every run, created where missing; items are not touched.
      const views = await ensureViews(new SharePointRest(connection, { webUrl: resolved.webUrl }), new Set(Object.keys(listIds)));
      views.applied.forEach(done);
      report.warnings.push(...views.warnings);
    }
  }
  if (versionStep) {
    const metaId = listIds[LIST_NAMES.Meta];
    if (!metaId) throw new GraphAccessError('record schema version: the FollowUpMeta list does not exist');
    await recordSchemaVersion(client, resolved.id, metaId, versionStep.version);
    done(describeStep(versionStep));
  }
  return report;
}

/**
 * The permission level and the ledger's permissions (secretariat only: inheritance broken without copying, so only
 * the caller — a site owner — keeps Full Control, then the secretariat group gets Full Control). Reads only when
 * both are in place: 1 GET of the role definitions + 1 GET of the ledger's HasUniqueRoleAssignments.
 */
async function provisionPermissions(connection: GraphConnection, site: ResolvedSite, listIds: Record<string, string>, groups: PermissionGroups, report: ProvisionReport, done: (step: string) => void): Promise<void> {
  const sp = new SharePointRest(connection, { webUrl: site.webUrl });
  const level = await ensurePermissionLevel(sp);
  if (level.kind === 'created') done(`create permission level "${EDIT_WITHOUT_DELETE.name}" (Contribute without DeleteListItems and DeleteVersions)`);
  if (level.kind === 'different') report.warnings.push(`the permission level "${EDIT_WITHOUT_DELETE.name}" exists with other permissions (High ${level.role.basePermissions.High}, Low ${level.role.basePermissions.Low}); left as it is — check it in the site's permission levels`);
  if (level.kind === 'unsupported') report.warnings.push(`the service did not create the permission level "${EDIT_WITHOUT_DELETE.name}" (${level.reason}); rows are assigned with Edit, which lets divisions delete them`);
  for (const extra of [ADD_WITHOUT_EDIT, REVIEW_ROWS]) {
    const outcome = await ensurePermissionLevel(sp, extra);
    if (outcome.kind === 'created') done(`create permission level "${extra.name}"`);
    if (outcome.kind === 'different') report.warnings.push(`the permission level "${extra.name}" exists with other permissions (High ${outcome.role.basePermissions.High}, Low ${outcome.role.basePermissions.Low}); left as it is — check it in the site's permission levels`);
    if (outcome.kind === 'unsupported') report.warnings.push(`the service did not create the permission level "${extra.name}" (${outcome.reason}): the review cycle is not enforced by SharePoint`);
  }
  await provisionReviewLists(sp, listIds, groups, done);
  if (listIds[LIST_NAMES.Ledger] && !(await sp.hasUniqueRoleAssignments(LIST_NAMES.Ledger))) {
    await sp.breakInheritance(LIST_NAMES.Ledger, undefined, false, true);
    const [secretariat, full] = await Promise.all([sp.groupId(groups.secretariat), sp.roleId('Full Control')]);
    await sp.addRoleAssignment(LIST_NAMES.Ledger, undefined, secretariat, full);
    done(`make ${LIST_NAMES.Ledger} readable by the secretariat (${groups.secretariat}) only`);
  }
}

/**
 * Permissions of the review lists (#12), set once (their own assignments, not copied from the site):
 * FollowUpReview — secretariat Full Control, reviewers "Edit without delete", reader groups (the divisions) Read;
 * FollowUpSubmissions — secretariat Full Control, reviewers Read, reader groups "Add without edit".
 * Reads only when in place: 1 GET of HasUniqueRoleAssignments per list.
 */
async function provisionReviewLists(sp: SharePointRest, listIds: Record<string, string>, groups: PermissionGroups, done: (step: string) => void): Promise<void> {
  const plan: [string, string, string][] = [
    [LIST_NAMES.Review, EDIT_WITHOUT_DELETE.name, 'Read'],
    [LIST_NAMES.Submissions, 'Read', ADD_WITHOUT_EDIT.name],
    [LIST_NAMES.Reminders, 'Read', 'Read'],
  ];
  for (const [list, reviewerLevel, divisionLevel] of plan) {
    if (!listIds[list] || (await sp.hasUniqueRoleAssignments(list))) continue;
    await sp.breakInheritance(list, undefined, false, true);
    const [secretariat, reviewers, full, reviewerRole, divisionRole] = await Promise.all([sp.groupId(groups.secretariat), sp.groupId(groups.reviewers), sp.roleId('Full Control'), sp.roleId(reviewerLevel), sp.roleId(divisionLevel)]);
    await sp.addRoleAssignment(list, undefined, secretariat, full);
    await sp.addRoleAssignment(list, undefined, reviewers, reviewerRole);
    for (const name of groups.readers) await sp.addRoleAssignment(list, undefined, await sp.groupId(name), divisionRole);
    done(`give ${list} its own permissions: ${groups.secretariat} Full Control, ${groups.reviewers} ${reviewerLevel}, ${groups.readers.join('/')} ${divisionLevel}`);
  }
}

/**
 * Upgrade from schema ≤ 3: records every existing row in the ledger as it is now (what the audit compares against
 * from then on), and gives rows assigned with Edit/Contribute the permission level.
 */
async function upgradeToLedger(connection: GraphConnection, site: ResolvedSite, options: ProvisionOptions, done: (step: string) => void): Promise<void> {
  const admin = await openGraphFollowUpAdmin({ connection, site: { id: site.id }, actor: secretariatActor(), ...(options.groups ? { groups: options.groups } : {}) });
  const recorded = await admin.recordExistingRows();
  if (recorded.rows > 0) done(`record ${recorded.rows} existing rows of ${recorded.reports} reports in ${LIST_NAMES.Ledger}`);
  const regranted = await admin.regrantAssignedRows(recorded.stored);
  if (regranted > 0) done(`give ${regranted} assigned rows "${EDIT_WITHOUT_DELETE.name}" instead of Edit/Contribute`);
}

/** Writes the schema version into FollowUpMeta (creates the item the first time; MetaKey is unique). */
async function recordSchemaVersion(client: Client, siteId: string, metaListId: string, version: number): Promise<void> {
  const items = `/sites/${siteId}/lists/${metaListId}/items`;
  let body: unknown;
  try {
    body = await client.api(withQuery(items, { $expand: 'fields($select=MetaKey)', $select: 'id' })).get();
  } catch (error) {
    throw toAppError(error, 'GET FollowUpMeta items');
  }
  const all = await collectPages<{ id: string; fields?: Record<string, unknown> }>(client, toPage(body), 'GET FollowUpMeta items');
  const existing = all.items.find((i) => i.fields?.MetaKey === SCHEMA_VERSION_KEY);
  const fields = { Title: 'スキーマ版数', MetaKey: SCHEMA_VERSION_KEY, MetaValue: String(version) };
  if (existing) await write(client, 'patch', `${items}/${existing.id}/fields`, { MetaValue: String(version) }, 'update schema version');
  else await write(client, 'post', items, { fields }, 'record schema version');
}
