/**
 * `followup export-template` and `followup sync-xlsx` (#11): the offline template of a division's rows, and its
 * sync back, through the same steps the Excel add-in runs (src/core/sync/workbook-sync.ts) with exceljs behind the
 * workbook port. Both act as a named user — `--user <id>` against the local service, `GRAPH_TOKEN` on a tenant — and
 * the permission rule of that user applies; neither ever falls back to the site owner.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

import { actorOf, membershipFromGroups, type RoleGroups } from '../../core/divisions/division.js';
import { FIELD_NAMES } from '../../core/edit/fields.js';
import { parseFiscalYear } from '../../core/era/era-date.js';
import { AppError } from '../../core/errors.js';
import { ORGANIZATIONS, findOrganization } from '../../core/model/organization.js';
import type { Actor } from '../../core/permissions/rules.js';
import { decodeBase, fiscalYearText } from '../../core/sync/workbook-format.js';
import { loadWorkbook, resolveConflict, syncWorkbook, type CellPlace, type SyncContext, type SyncOptions, type SyncReport, type WorkbookScope } from '../../core/sync/workbook-sync.js';
import { DEMO_SITE } from '../../emulator/db.js';
import { DEMO_DIRECTORY, findUser } from '../../emulator/directory.js';
import type { GraphConnection } from '../../graph/create-graph-client.js';
import { openGraphFollowUpAdmin, openGraphFollowUpStore, type GraphFollowUpAdmin } from '../../graph/graph-follow-up-store.js';
import { resolveSite, type ResolvedSite } from '../../graph/site.js';
import { readDivisions, readMyGroups } from '../../graph/site-directory.js';
import { ExcelJsFollowUpWorkbook } from '../../io/xlsx/followup-workbook.js';
import { UsageError, type Command } from '../command.js';
import { localOrigin, localToken } from '../local-service.js';
import { graphTarget, type GraphTarget } from '../site-session.js';

/** The demo site's role groups (the local service's secretariat and reviewers); a tenant names its own. */
const DEMO_ROLES: RoleGroups = {
  secretariat: DEMO_DIRECTORY.groups.find((g) => g.kind === 'secretariat')?.displayName ?? 'secretariat',
  reviewers: DEMO_DIRECTORY.groups.find((g) => g.kind === 'reviewers')?.displayName ?? 'reviewers',
};

/** A ministry by code (soumu) or name (総務省, or a name variant). */
export function parseOrg(text: string): string | null {
  const t = text.trim();
  return ORGANIZATIONS.find((o) => o.code === t.toLowerCase())?.code ?? findOrganization(t)?.code ?? null;
}

/** 2023, FY2023, 令和5年度, 令和５年度 → 2023 (src/core/era parseFiscalYear). */
export const parseYear = parseFiscalYear;

/** The name and object id a token carries (shown and kept in the base; never the UPN). */
function claimsOf(token: string): { name: string | null; oid: string | null } {
  try {
    const part = token.split('.')[1] ?? '';
    const json = JSON.parse(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as { name?: unknown; oid?: unknown };
    return { name: typeof json.name === 'string' ? json.name : null, oid: typeof json.oid === 'string' ? json.oid : null };
  } catch {
    // An opaque token (a tenant may issue one the client cannot read): no name to show, the service still decides.
    return { name: null, oid: null };
  }
}

interface Session {
  connection: GraphConnection;
  site: ResolvedSite;
  actor: Actor;
  userId: string | null;
  who: string;
  divisions: { code: string; name: string }[];
  close(): Promise<void>;
}

interface ConnectOptions {
  site: string;
  orgCode: string;
  user: string | undefined;
  roles: RoleGroups;
}

/**
 * Where the site is, how to reach it (graphTarget, as provision and audit find it), and who the user is there (their
 * groups make their roles).
 */
async function connect(o: ConnectOptions): Promise<Session> {
  let target: GraphTarget;
  try {
    target = graphTarget(o.site);
  } catch (error) {
    throw new UsageError(`--site ${o.site}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    let token: string;
    if (o.user !== undefined) {
      if (!target.local) throw new UsageError(`--user picks a demo user of the local service; ${o.site} is not local: set GRAPH_TOKEN to the user's token instead.`);
      const user = findUser(DEMO_DIRECTORY, o.user);
      if (!user) throw new UsageError(`unknown user '${o.user}'. Known users: ${DEMO_DIRECTORY.users.map((u) => `${u.id} (${u.displayName})`).join(', ')}`);
      token = (await localToken(user, new URL(target.baseUrl).origin)).token;
    } else if (process.env.GRAPH_TOKEN) {
      token = process.env.GRAPH_TOKEN;
    } else {
      throw new UsageError('say who you are: --user <id> against the local service, or GRAPH_TOKEN on a tenant. The rows are read and written with that user\'s rights; nothing runs as the site owner by default.');
    }
    const connection = target.connect(token);
    const site = await resolveSite(connection.client, target.site);
    const claims = claimsOf(token);
    const [groups, read] = await Promise.all([readMyGroups(connection, site), readDivisions(connection, site, o.orgCode)]);
    const membership = membershipFromGroups(claims.name ?? 'user', o.orgCode, groups, read.divisions, o.roles);
    return {
      connection,
      site,
      actor: actorOf(membership),
      userId: claims.oid,
      who: `${claims.name ?? 'the GRAPH_TOKEN user'}${membership.isSecretariat ? '（取りまとめ担当）' : membership.divisions.length > 0 ? `（${membership.divisions.map((d) => d.name).join('、')}）` : ''}`,
      divisions: read.divisions.map((d) => ({ code: d.code, name: d.name })),
      close: target.close,
    };
  } catch (error) {
    await target.close();
    if (error instanceof UsageError) throw error;
    throw new Error(await target.describe(error), { cause: error });
  }
}

const rolesFrom = (values: { 'secretariat-group'?: string; 'reviewers-group'?: string }): RoleGroups => ({
  secretariat: values['secretariat-group'] ?? process.env.FOLLOWUP_SECRETARIAT_GROUP ?? DEMO_ROLES.secretariat,
  reviewers: values['reviewers-group'] ?? process.env.FOLLOWUP_REVIEWERS_GROUP ?? DEMO_ROLES.reviewers,
});

const why = (error: unknown): string => (error instanceof AppError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error));

/** Writes `bytes` to `path` through a temporary file, so a failure never leaves half a workbook. */
function writeAtomically(path: string, bytes: Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

const ROLE_OPTIONS = { 'secretariat-group': { type: 'string' }, 'reviewers-group': { type: 'string' } } as const;

export const exportTemplateCommand: Command = async (argv) => {
  const { values } = parseArgs({ args: argv, options: { org: { type: 'string' }, division: { type: 'string' }, year: { type: 'string' }, out: { type: 'string' }, user: { type: 'string' }, site: { type: 'string' }, force: { type: 'boolean' }, ...ROLE_OPTIONS } });
  const missing = (['org', 'division', 'year', 'out'] as const).filter((k) => values[k] === undefined);
  if (missing.length > 0) throw new UsageError(`${missing.map((m) => `--${m}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} required.`);
  const orgCode = parseOrg(values.org ?? '');
  if (!orgCode) throw new UsageError(`--org ${values.org ?? ''}: not a 府省等 name or code (e.g. 総務省 or soumu).`);
  const fiscalYear = parseYear(values.year ?? '');
  if (fiscalYear === null) throw new UsageError(`--year ${values.year ?? ''}: give a fiscal year such as 2023 or 令和5年度.`);
  const out = values.out ?? '';
  if (!/\.xlsx$/i.test(out)) throw new UsageError(`--out ${out}: the template is an .xlsx file.`);
  if (existsSync(out) && !values.force) {
    process.stderr.write(`error: ${out} exists; it may hold edits not yet synced. Sync it (followup sync-xlsx ${out}) or pass --force to replace it.\n`);
    return 1;
  }
  const site = values.site ?? `${localOrigin()}${DEMO_SITE.path}`;
  let session: Session;
  try {
    session = await connect({ site, orgCode, user: values.user, roles: rolesFrom(values) });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    process.stderr.write(`error: could not reach ${site} — ${why(error)}\n`);
    return 1;
  }
  try {
    const division = session.divisions.find((d) => d.code === values.division);
    if (!division) {
      process.stderr.write(`error: --division ${values.division ?? ''} is not a division of ${orgCode} on ${session.site.webUrl}. Divisions: ${session.divisions.map((d) => `${d.code} (${d.name})`).join(', ') || 'none'}\n`);
      return 1;
    }
    const store = await openGraphFollowUpStore({ connection: session.connection, site: { id: session.site.id }, actor: session.actor });
    const workbook = ExcelJsFollowUpWorkbook.create();
    const scope: WorkbookScope = { site: session.site.webUrl, orgCode, fiscalYear, divisionCode: division.code };
    const loaded = await loadWorkbook({ workbook, rows: store, actor: session.actor, userId: session.userId }, scope, { divisionName: division.name });
    writeAtomically(out, await workbook.toBuffer());
    const editable = session.actor.isSecretariat || session.actor.divisions.some((d) => d.divisionCode === division.code);
    process.stderr.write(
      `${out}: ${division.name} ${fiscalYearText(fiscalYear)}, ${loaded.list.length} rows in ${loaded.tables} table${loaded.tables === 1 ? '' : 's'} (${loaded.meta.sheets.map((s) => s.name).join(', ')}), exported as ${session.who}\n` +
        (loaded.list.length === 0 ? `note: ${division.name} has no rows in ${fiscalYearText(fiscalYear)}.\n` : '') +
        (loaded.unreadable > 0 ? `warning: ${loaded.unreadable} list items could not be read and are not in the file.\n` : '') +
        (editable ? '' : `note: you are not a member of ${division.name}: its rows are read-only for you; a sync sets any edit back.\n`),
    );
    return 0;
  } catch (error) {
    process.stderr.write(`error: export failed — ${why(error)}\n`);
    return 1;
  } finally {
    await session.close();
  }
};

const clip = (s: string, n = 120): string => {
  const one = s.replace(/\n/g, '⏎');
  return one.length > n ? `${one.slice(0, n)}…` : one;
};
const where = (place: CellPlace | null, label: string): string => `${place?.address ?? '?'}${label ? ` 「${clip(label, 40)}」` : ''}${place?.header ? ` [${clip(place.header, 30)}]` : ''}`;

/** The report as people read it: what happened, then every conflict and problem with its cell. */
export function describeReport(file: string, r: SyncReport): string {
  const lines = [
    `${file}: sent ${r.sent.fields} field${r.sent.fields === 1 ? '' : 's'} of ${r.sent.rows} row${r.sent.rows === 1 ? '' : 's'} to the list (${r.sent.saved} saved, ${r.sent.merged} merged with others' changes); ${r.cellsWritten} cell${r.cellsWritten === 1 ? '' : 's'} updated from the list`,
  ];
  if (r.added.length > 0) lines.push(`added: ${r.added.length} row(s) new in the list were appended: ${r.added.map((n) => `「${clip(n.label, 30)}」`).join(' ')}`);
  if (r.restored.length > 0) lines.push(`restored: ${r.restored.length} row(s) deleted in the sheet were written back (only the secretariat deletes list items): ${r.restored.map((n) => `「${clip(n.label, 30)}」`).join(' ')}`);
  if (r.leftOut.length > 0) lines.push(`left out: ${r.leftOut.length} row(s) deleted in the sheet stay out for now (asked again next time)`);
  if (r.created.length > 0) lines.push(`created: ${r.created.length} row(s) added in the sheet were created in the list: ${r.created.map((n) => `「${clip(n.label, 30)}」`).join(' ')}`);
  if (r.deleted.length > 0) lines.push(`deleted: ${r.deleted.length} row(s) deleted in the sheet were deleted from the list: ${r.deleted.map((n) => `「${clip(n.label, 30)}」`).join(' ')}`);
  if (r.newTables.length > 0) lines.push(`new sheets: ${r.newTables.join(', ')}`);
  for (const g of r.goneFromList) lines.push(`gone from the list: 「${clip(g.label, 40)}」 ${g.removed ? 'removed from the sheet (it held no edits)' : `kept at ${g.place?.address ?? '?'} because it holds edits: copy them elsewhere, then delete the row`}`);
  for (const p of r.proposals) lines.push(`[proposal] ${where(p.place, p.label)}: a row without a key is a proposal for the secretariat; it is not written to the list (the secretariat creates it with --apply-structure)`);
  for (const c of r.conflicts) {
    lines.push(`[conflict] ${where(c.place, c.label)} ${FIELD_NAMES[c.field].ja}: changed in the sheet and in the list; nothing written`);
    lines.push(`    mine:   ${clip(c.mine) || '(empty)'}`, `    theirs: ${clip(c.theirs) || '(empty)'}`, `    base:   ${clip(c.base) || '(empty)'}`);
  }
  for (const i of r.issues) lines.push(`[${i.code}] ${where(i.place, i.label)}${i.field ? ` ${FIELD_NAMES[i.field].ja}` : ''}: ${i.ja}`, `    ${i.en}`);
  for (const m of r.changedMeanwhile) lines.push(`changed while syncing: ${where(m.place, m.label)} left as it is; the next sync sends it`);
  if (r.conflicts.length > 0) lines.push(`${r.conflicts.length} conflict(s) left unwritten: decide in the Excel add-in, or sync again with --take mine (the sheet's values win) or --take theirs (the list's).`);
  return `${lines.join('\n')}\n`;
}

export const syncXlsxCommand: Command = async (argv) => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { user: { type: 'string' }, site: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' }, take: { type: 'string' }, 'apply-structure': { type: 'boolean' }, ...ROLE_OPTIONS } });
  if (positionals.length !== 1) throw new UsageError(`give exactly one .xlsx file (got ${positionals.length}).`);
  const take = values.take;
  if (take !== undefined && take !== 'mine' && take !== 'theirs') throw new UsageError(`--take ${take}: mine (the sheet's values win) or theirs (the list's values win).`);
  const file = positionals[0] as string;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    process.stderr.write(`error: ${file}: cannot read the file (${error instanceof Error ? error.message : String(error)})\n`);
    return 1;
  }
  const opened = await ExcelJsFollowUpWorkbook.open(bytes);
  if (!opened.ok) {
    process.stderr.write(`error: ${basename(file)}: ${opened.ja}\n  ${opened.en}\n`);
    return 1;
  }
  // The scope comes from the file's base; read it before connecting so a file that is not ours costs no request.
  const content = await opened.workbook.read();
  const decoded = content.base ? decodeBase(content.base) : null;
  if (!decoded?.ok) {
    const msg = decoded && !decoded.ok ? decoded : { ja: 'このブックはフォローアップのテンプレートではありません（同期用の非表示シートがありません）。', en: 'This workbook is not a follow-up template (it has no hidden sync sheet).' };
    process.stderr.write(`error: ${basename(file)}: ${msg.ja}\n  ${msg.en}\n`);
    return 1;
  }
  const meta = decoded.meta;
  const site = values.site ?? meta.site;
  let session: Session;
  try {
    session = await connect({ site, orgCode: meta.orgCode, user: values.user, roles: rolesFrom(values) });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    process.stderr.write(`error: could not reach ${site} — ${why(error)}\n`);
    return 1;
  }
  try {
    // --apply-structure is the secretariat's confirmation (#11): rows added in the sheet are created in the list and
    // rows deleted there are deleted from it. Without it (or for anyone else) they stay proposals and are restored.
    const structure = values['apply-structure'] === true;
    if (structure && !session.actor.isSecretariat) {
      process.stderr.write(`error: --apply-structure: only the secretariat adds or deletes rows; ${session.who} is not the secretariat. Nothing was written.\n`);
      return 1;
    }
    const store = structure
      ? await openGraphFollowUpAdmin({ connection: session.connection, site: { id: session.site.id }, actor: session.actor })
      : await openGraphFollowUpStore({ connection: session.connection, site: { id: session.site.id }, actor: session.actor });
    const ctx: SyncContext = { workbook: opened.workbook, rows: store, actor: session.actor, userId: session.userId, ...(structure ? { structure: store as GraphFollowUpAdmin } : {}) };
    const options: SyncOptions = {
      divisionName: session.divisions.find((d) => d.code === meta.divisionCode)?.name ?? null,
      ...(structure ? { decideDeleted: () => Promise.resolve('delete' as const), confirmCreate: () => Promise.resolve(true) } : {}),
    };
    let outcome = await syncWorkbook(ctx, options);
    if (!outcome.ok) {
      process.stderr.write(`error: ${basename(file)}: ${outcome.ja}\n  ${outcome.en}\nnothing was written.\n`);
      return 1;
    }
    if (take && outcome.report.conflicts.length > 0) {
      // The person decided for every conflict at once: theirs goes into the cells, mine is sent by a second pass.
      const decided = outcome.report.conflicts;
      for (const c of decided) await resolveConflict(opened.workbook, c, take, outcome.report.list);
      if (take === 'mine') outcome = await syncWorkbook(ctx, options);
      if (outcome.ok) process.stderr.write(`decided ${decided.length} conflict(s): ${take === 'mine' ? "the sheet's values were sent" : "the list's values were taken into the sheet"}\n`);
    }
    if (!outcome.ok) throw new Error(outcome.en);
    const target = values.out ?? file;
    writeAtomically(target, await opened.workbook.toBuffer());
    const r = outcome.report;
    if (values.json) process.stdout.write(`${JSON.stringify({ file: target, ...r, list: undefined }, null, 2)}\n`);
    process.stderr.write(`synced as ${session.who}\n${describeReport(target, r)}`);
    return r.conflicts.length > 0 || r.issues.length > 0 ? 3 : 0;
  } catch (error) {
    process.stderr.write(`error: sync of ${file} failed — ${why(error)}\nthe file was not changed; what the list accepted before the failure is found again by the next sync.\n`);
    return 1;
  } finally {
    await session.close();
  }
};
