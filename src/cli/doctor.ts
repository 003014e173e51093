/**
 * `followup doctor` checks (#13): what a deployment needs, checked against a tenant or the local service, one verdict
 * per line (ok / warn / fail / unknown) with the fix for anything not ok. Reads only; never writes to the site.
 */
import type { GraphConnection } from '../graph/create-graph-client.js';
import { provisionSite } from '../graph/provision.js';
import { SCHEMA_VERSION } from '../core/lists/schema.js';
import { LIST_VIEWS } from '../core/lists/views.js';

export type Verdict = 'ok' | 'warn' | 'fail' | 'unknown';

export interface Check {
  verdict: Verdict;
  name: string;
  detail: string;
  /** What to do when the verdict is not ok. */
  fix?: string;
}

export interface DoctorTarget {
  /** Graph root with version. */
  graphBaseUrl: string;
  /** `{ hostname, path }` of the site. */
  site: { hostname: string; path: string };
  /** The site's own URL (SharePoint REST lives under it). */
  siteUrl: string;
  graphToken: string;
  /** A token for the SharePoint origin; null = not given (permission checks are `unknown`). */
  sharePointToken: string | null;
  connection: GraphConnection;
  fetch: (url: string, init: RequestInit) => Promise<Response>;
}

const GRAPH_AUDIENCES = new Set(['https://graph.microsoft.com', 'https://graph.microsoft.com/', '00000003-0000-0000-c000-000000000000']);
const SITES_SCOPES = ['Sites.Selected', 'Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'];

/** The payload of a JWT, unverified (the service verifies; the doctor only reads what the token claims). */
export function jwtPayload(token: string): Record<string, unknown> | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The token's audience, expiry and scopes. */
export function checkToken(token: string, nowSeconds = Math.floor(Date.now() / 1000)): Check {
  const c = jwtPayload(token);
  if (!c) return { verdict: 'fail', name: 'token', detail: 'GRAPH_TOKEN is not a JWT access token', fix: 'Set GRAPH_TOKEN to an access token for Microsoft Graph (docs/deploy.md "Tokens for the command line").' };
  const aud = String(c.aud ?? '');
  const scp = String(c.scp ?? '').split(' ').filter((s) => s !== '');
  const exp = typeof c.exp === 'number' ? c.exp : 0;
  if (exp <= nowSeconds) return { verdict: 'fail', name: 'token', detail: `expired at ${new Date(exp * 1000).toISOString()}`, fix: 'Get a new token and set GRAPH_TOKEN again.' };
  if (!GRAPH_AUDIENCES.has(aud)) return { verdict: 'fail', name: 'token', detail: `audience ${aud || '(none)'} is not Microsoft Graph`, fix: 'Ask for a Graph scope (https://graph.microsoft.com/Sites.Selected), not a SharePoint one.' };
  const sites = scp.filter((s) => SITES_SCOPES.includes(s));
  const detail = `audience ${aud}, scopes ${scp.join(' ') || '(none)'}, expires ${new Date(exp * 1000).toISOString()}`;
  if (sites.length === 0) return { verdict: 'fail', name: 'token', detail, fix: 'The token has no Sites scope: consent Sites.Selected (and grant the app on the site) or Sites.ReadWrite.All for the app registration (docs/deploy.md "Permissions").' };
  const broad = sites.filter((s) => s !== 'Sites.Selected' && s !== 'Sites.Read.All');
  if (broad.length > 0 && !sites.includes('Sites.Selected')) return { verdict: 'warn', name: 'token', detail, fix: `${broad.join(', ')} reach every site of the tenant: prefer Sites.Selected with a grant on this site (docs/deploy.md "Permissions").` };
  return { verdict: 'ok', name: 'token', detail };
}

/** The token's only Sites scope is Sites.Selected (access depends on a grant on the site). */
const selectedOnly = (token: string): boolean => {
  const scp = String(jwtPayload(token)?.scp ?? '').split(' ');
  return scp.includes('Sites.Selected') && !scp.some((s) => s !== 'Sites.Selected' && SITES_SCOPES.includes(s));
};

const graphPath = (t: DoctorTarget): string => `/sites/${t.site.hostname}:${t.site.path}`;

async function getJson(t: DoctorTarget, url: string, token: string, accept = 'application/json'): Promise<{ status: number; body: unknown; headers: Headers }> {
  const r = await t.fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: accept } });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: kept as text for the message.
  }
  return { status: r.status, body, headers: r.headers };
}

const errorText = (body: unknown): string => {
  const e = (body as { error?: { code?: string; message?: string } } | null)?.error;
  const sp = (body as { 'odata.error'?: { message?: { value?: string } } } | null)?.['odata.error'];
  return e ? `${e.code ?? ''}: ${e.message ?? ''}` : sp?.message?.value ?? String(body ?? '').slice(0, 200);
};

/** Runs every check in order; a check that cannot run (the site is unreachable) says so instead of failing again. */
export async function runDoctor(t: DoctorTarget): Promise<Check[]> {
  const checks: Check[] = [checkToken(t.graphToken)];
  const site = await getJson(t, `${t.graphBaseUrl}${graphPath(t)}`, t.graphToken);
  let siteId: string | null = null;
  if (site.status === 200) {
    siteId = String((site.body as { id?: unknown }).id ?? '');
    checks.push({ verdict: 'ok', name: 'site', detail: `${t.siteUrl} reachable (id ${siteId})` });
  } else if (site.status === 403 && selectedOnly(t.graphToken)) {
    // Sites.Selected without the administrator's grant on this site: the one fix that matters, named plainly.
    const app = String(jwtPayload(t.graphToken)?.azp ?? jwtPayload(t.graphToken)?.appid ?? '(the app)');
    checks.push({
      verdict: 'fail',
      name: 'site',
      detail: `${t.siteUrl}: HTTP 403 — the token has Sites.Selected only and app ${app} has no grant on this site (${errorText(site.body)})`,
      fix: `An administrator grants app ${app} on this site: POST /sites/{site-id}/permissions with roles ["write"] for daily use or ["fullcontrol"] to provision (docs/deploy.md "Sites.Selected").`,
    });
  } else {
    checks.push({
      verdict: 'fail',
      name: 'site',
      detail: `${t.siteUrl}: HTTP ${site.status} ${errorText(site.body)}`,
      fix: site.status === 403 ? 'The app or the user has no access: with Sites.Selected an administrator grants the app on this site (POST /sites/{site-id}/permissions, docs/deploy.md); the user needs at least Read on the site.' : site.status === 404 ? 'Check the site URL (--site).' : 'Check GRAPH_BASE_URL, the network and the token.',
    });
  }
  const throttle: Headers[] = [site.headers];

  if (siteId === null) {
    checks.push({ verdict: 'unknown', name: 'lists', detail: 'not checked: the site is not reachable' });
  } else {
    try {
      const plan = await provisionSite(t.connection, { id: siteId }, { dryRun: true });
      if (plan.applied.length === 0) checks.push({ verdict: 'ok', name: 'lists', detail: `lists, columns and indexes as provisioned (schema version ${SCHEMA_VERSION})` });
      else checks.push({ verdict: 'fail', name: 'lists', detail: `missing or out of date: ${plan.applied.join('; ')}`, fix: `Run: npx followup provision --site ${t.siteUrl} (needs Sites.Manage.All, or Sites.Selected with a 'manage' or 'fullcontrol' grant).` });
      for (const w of plan.warnings) checks.push({ verdict: 'warn', name: 'lists', detail: w });
      const rows = plan.listIds.FollowUpRows;
      if (!rows) checks.push({ verdict: 'unknown', name: 'delta', detail: 'not checked: the FollowUpRows list is missing' });
      else {
        const delta = await getJson(t, `${t.graphBaseUrl}/sites/${siteId}/lists/${rows}/items/delta?token=latest`, t.graphToken);
        throttle.push(delta.headers);
        const link = (delta.body as { '@odata.deltaLink'?: unknown } | null)?.['@odata.deltaLink'];
        if (delta.status === 200 && typeof link === 'string') checks.push({ verdict: 'ok', name: 'delta', detail: 'delta queries on list items are available (refresh uses them)' });
        else checks.push({ verdict: 'warn', name: 'delta', detail: `delta is not available here (HTTP ${delta.status} ${errorText(delta.body)}): refresh uses its fallback, an indexed Modified query`, fix: 'Nothing to do unless refresh is slow; delta is not offered in every national cloud.' });
      }
    } catch (error) {
      checks.push({ verdict: 'fail', name: 'lists', detail: `could not read the lists: ${error instanceof Error ? error.message : String(error)}`, fix: 'The token needs at least read access to the site (Sites.Read.All, or Sites.Selected with a grant).' });
    }
  }

  if (siteId === null) {
    // The same cause (no access to the site) would fail these again: one fail line, on the site.
    checks.push({ verdict: 'unknown', name: 'permissions', detail: 'permission levels and item permissions not checked: the site is not reachable (see site)' });
  } else if (t.sharePointToken === null) {
    checks.push({ verdict: 'unknown', name: 'permissions', detail: 'permission levels and item permissions not checked: no SharePoint token', fix: `Set SHAREPOINT_TOKEN to a token for ${new URL(t.siteUrl).origin} (scope ${new URL(t.siteUrl).origin}/Sites.Selected or AllSites.FullControl).` });
  } else {
    const accept = 'application/json;odata=nometadata';
    const levels = await getJson(t, `${t.siteUrl}/_api/web/roledefinitions`, t.sharePointToken, accept);
    const assignments = await getJson(t, `${t.siteUrl}/_api/web/roleassignments`, t.sharePointToken, accept);
    throttle.push(levels.headers, assignments.headers);
    const names = ((levels.body as { value?: { Name?: string }[] } | null)?.value ?? []).map((l) => l.Name).filter(Boolean);
    if (levels.status === 200) checks.push({ verdict: 'ok', name: 'permission levels', detail: `callable: ${names.join(', ')}` });
    else checks.push({ verdict: 'fail', name: 'permission levels', detail: `HTTP ${levels.status} ${errorText(levels.body)}`, fix: 'SharePoint REST needs a token for the SharePoint origin with AllSites.Read (or Sites.Selected with a grant).' });
    if (assignments.status === 200) checks.push({ verdict: 'ok', name: 'item permissions', detail: 'role assignments readable (assigning rows to divisions needs full control: AllSites.FullControl or a fullcontrol grant)' });
    else checks.push({ verdict: 'fail', name: 'item permissions', detail: `HTTP ${assignments.status} ${errorText(assignments.body)}`, fix: 'Assigning rows needs a site owner and AllSites.FullControl, or Sites.Selected with a fullcontrol grant.' });
    checks.push(await checkViews(t, accept, throttle));
  }

  // Graph sends RateLimit-* headers only when an app passes 80% of its budget (platform facts A9): silence is "unknown".
  const limited = throttle.find((h) => h.get('ratelimit-remaining') !== null);
  if (limited) {
    const remaining = Number(limited.get('ratelimit-remaining'));
    const limit = Number(limited.get('ratelimit-limit'));
    checks.push({ verdict: remaining < limit * 0.1 ? 'warn' : 'ok', name: 'throttling', detail: `RateLimit-Remaining ${remaining} of ${limit}`, fix: 'Spread the work out; the product retries after Retry-After.' });
  } else if (throttle.some((h) => h.get('retry-after') !== null)) {
    checks.push({ verdict: 'warn', name: 'throttling', detail: 'the service answered with Retry-After: it is throttling now', fix: 'Wait and run doctor again.' });
  } else {
    checks.push({ verdict: 'unknown', name: 'throttling', detail: 'headroom unknown: the service sends RateLimit headers only above 80% of the budget' });
  }
  return checks;
}

/** The manager views of schema 7 (#12): present with the provisioned query, by list (1 GET per list). */
async function checkViews(t: DoctorTarget, accept: string, throttle: Headers[]): Promise<Check> {
  const missing: string[] = [];
  const changed: string[] = [];
  let found = 0;
  for (const list of [...new Set(LIST_VIEWS.map((v) => v.list))]) {
    const r = await getJson(t, `${t.siteUrl}/_api/web/lists/getbytitle('${list}')/views`, t.sharePointToken as string, accept);
    throttle.push(r.headers);
    if (r.status !== 200) return { verdict: 'fail', name: 'views', detail: `${list}: HTTP ${r.status} ${errorText(r.body)}`, fix: `Run: npx followup provision --site ${t.siteUrl}` };
    const have = ((r.body as { value?: { Title?: string; ViewQuery?: string }[] } | null)?.value ?? []);
    for (const want of LIST_VIEWS.filter((v) => v.list === list)) {
      const view = have.find((v) => v.Title === want.title);
      if (!view) missing.push(`${list}/${want.title}`);
      else if (view.ViewQuery !== want.query) changed.push(`${list}/${want.title}`);
      else found++;
    }
  }
  if (missing.length > 0) return { verdict: 'fail', name: 'views', detail: `missing: ${missing.join(', ')}`, fix: `Run: npx followup provision --site ${t.siteUrl} (schema ${SCHEMA_VERSION} creates them through SharePoint REST).` };
  if (changed.length > 0) return { verdict: 'warn', name: 'views', detail: `changed on the site (kept as they are): ${changed.join(', ')}`, fix: 'Delete a view in SharePoint and run provision again to restore the provisioned one.' };
  return { verdict: 'ok', name: 'views', detail: `${found} manager views in place: ${LIST_VIEWS.map((v) => v.title).join(', ')}` };
}

/** `[ok]   name: detail` lines, with `  fix: …` under anything not ok. */
export function formatChecks(checks: readonly Check[]): string {
  return checks.map((c) => `${`[${c.verdict}]`.padEnd(10)}${c.name}: ${c.detail}${c.verdict !== 'ok' && c.fix ? `\n          fix: ${c.fix}` : ''}`).join('\n');
}

/** 0 when nothing fails, 1 when something does. */
export const doctorExitCode = (checks: readonly Check[]): number => (checks.some((c) => c.verdict === 'fail') ? 1 : 0);
