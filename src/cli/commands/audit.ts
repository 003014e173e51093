/**
 * `followup audit [--site <site URL or host:/path>] [--json]` (#8): lists rows whose RowKey, ReportKey, DivisionCode
 * or printed source (SourceRaw) no longer match the secretariat's ledger — changes SharePoint cannot forbid to a
 * division that may edit its rows — with who made them, the rows recorded but gone, and the Graph requests it cost.
 * Reads only. Exit 0: nothing found; 3: findings or missing rows; 1: the audit failed; 2: usage error.
 * Finds the service, its certificate and a token as `followup provision` does (../local-service.ts).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';

import { AppError, GraphAccessError } from '../../core/errors.js';
import { secretariatActor } from '../../core/permissions/rules.js';
import type { AuditReport } from '../../core/ports.js';
import { DEMO_SITE } from '../../emulator/db.js';
import { DEMO_DIRECTORY, findUser } from '../../emulator/directory.js';
import { createGraphClient, staticTokenProvider } from '../../graph/create-graph-client.js';
import { openGraphFollowUpAdmin } from '../../graph/graph-follow-up-store.js';
import { parseSiteArg } from '../../graph/site.js';
import type { Command } from '../command.js';
import { localCaFile, localOrigin, localToken, probeUnreachable, unreachable } from '../local-service.js';
import { AUDIT_USAGE as USAGE } from '../usage.js';

const isLocal = (host: string): boolean => host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '[::1]';

/** The human summary: one block per finding, then the missing rows and the cost. */
export function formatAudit(report: AuditReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    lines.push(`item ${f.itemId}${f.expectedRowKey ? ` (${f.expectedRowKey})` : ' (not in the ledger: made by hand?)'}${f.changedBy ? ` — changed by ${f.changedBy}${f.changedAt ? ` at ${f.changedAt}` : ''}` : ''}`);
    for (const c of f.fields) lines.push(`  ${c.field}: expected ${c.expected ?? '(none)'}, found ${c.actual ?? '(empty)'}`);
  }
  for (const m of report.missing) lines.push(`missing: ${m.rowKey} (report ${m.reportKey}) — recorded in the ledger, no longer in the list`);
  lines.push(`${report.checked} rows checked: ${report.findings.length} changed, ${report.missing.length} missing; ${report.requests} Graph requests (reads only)`);
  return `${lines.join('\n')}\n`;
}

export const auditCommand: Command = async (argv) => {
  // Unknown options (parseArgs) and a bad PORT (UsageError) throw: main prints them with the usage, exit 2.
  const { values } = parseArgs({ args: argv, options: { site: { type: 'string' }, json: { type: 'boolean' } } });
  const origin = localOrigin();
  const siteArg = values.site ?? `${origin}${DEMO_SITE.path}`;
  let site: ReturnType<typeof parseSiteArg>;
  try {
    site = parseSiteArg(siteArg);
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const host = 'hostname' in site ? site.hostname : (siteArg.split(',')[0] ?? '');
  const local = isLocal(host);
  const serviceOrigin = local && /^https:\/\//i.test(siteArg) ? new URL(siteArg).origin : origin;
  const baseUrl = process.env.GRAPH_BASE_URL ?? (local ? `${serviceOrigin}/v1.0` : 'https://graph.microsoft.com/v1.0');
  const ca = local || process.env.GRAPH_CA_FILE ? localCaFile() : null;
  const target = `site ${siteArg} through ${baseUrl}`;
  let dispatcher: Agent | undefined;
  try {
    dispatcher = ca?.found ? new Agent({ connect: { ca: readFileSync(ca.path, 'utf8') } }) : undefined;
    let token = process.env.GRAPH_TOKEN;
    const owner = findUser(DEMO_DIRECTORY, DEMO_DIRECTORY.defaultUser);
    if (!token && local && owner) token = (await localToken(owner, new URL(baseUrl).origin)).token;
    if (!token) {
      process.stderr.write(`error: set GRAPH_TOKEN to a token of the secretariat (a site owner) to audit ${target}.\n`);
      return 2;
    }
    const connection = createGraphClient({
      baseUrl,
      tokenProvider: staticTokenProvider(token),
      ...(dispatcher ? { fetchOptions: { dispatcher } as unknown as FetchOptions } : {}),
    });
    const admin = await openGraphFollowUpAdmin({ connection, site, actor: secretariatActor() });
    const opened = connection.counters.logical;
    const report = await admin.audit();
    // The cost of the whole command: opening the store and finding the ledger included.
    const total = { ...report, requests: connection.counters.logical };
    process.stdout.write(values.json ? `${JSON.stringify(total, null, 2)}\n` : formatAudit(total));
    process.stderr.write(`audit: ${report.requests} requests for the audit itself, ${opened} to open the store, ${connection.counters.logical - opened - report.requests} to find the ledger\n`);
    return report.findings.length > 0 || report.missing.length > 0 ? 3 : 0;
  } catch (error) {
    const why = error instanceof AppError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    const network = error instanceof GraphAccessError && error.status === undefined;
    const trusted = ca ? `${ca.path}${ca.found ? '' : ' (missing)'}` : 'the system CAs';
    const hint = unreachable(error, baseUrl, trusted) ?? (network ? await probeUnreachable(baseUrl, dispatcher, trusted) : null);
    process.stderr.write(`error: the audit of ${target} failed — ${why}${hint ? `\n  ${hint}` : ''}\n`);
    return 1;
  } finally {
    await dispatcher?.close();
  }
};
