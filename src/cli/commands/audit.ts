/**
 * `followup audit [--site <site URL or host:/path>] [--json]` (#8): lists rows whose RowKey, ReportKey, DivisionCode
 * or printed source (SourceRaw) no longer match the secretariat's ledger — changes SharePoint cannot forbid to a
 * division that may edit its rows — and every secretariat field (Title, FiscalYear, SortOrder…) changed since the row
 * was recorded (old → new), with who made them, the rows recorded but gone, and the Graph requests it cost.
 * Reads only. Exit 0: nothing found; 3: findings or missing rows; 1: the audit failed; 2: usage error.
 * Finds the service, its certificate and a token as `followup provision` does (graphTarget, ../site-session.ts).
 */
import { parseArgs } from 'node:util';

import { secretariatActor } from '../../core/permissions/rules.js';
import type { AuditReport } from '../../core/ports.js';
import { DEMO_DIRECTORY, findUser } from '../../emulator/directory.js';
import { openGraphFollowUpAdmin } from '../../graph/graph-follow-up-store.js';
import type { Command } from '../command.js';
import { localToken } from '../local-service.js';
import { withGraphTarget } from '../site-session.js';
import { AUDIT_USAGE as USAGE } from '../usage.js';

/** The human summary: one block per finding, then the missing rows and the cost. */
export function formatAudit(report: AuditReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    lines.push(`item ${f.itemId}${f.expectedRowKey ? ` (${f.expectedRowKey})` : ' (not in the ledger: made by hand?)'}${f.changedBy ? ` — changed by ${f.changedBy}${f.changedAt ? ` at ${f.changedAt}` : ''}` : ''}`);
    for (const c of f.fields) {
      const who = c.changedBy ? ` — changed by ${c.changedBy}${c.changedAt ? ` at ${c.changedAt}` : ''}` : '';
      lines.push(`  ${c.field}: expected ${c.expected ?? '(none)'}, found ${c.actual ?? '(empty)'}${who}`);
    }
  }
  for (const m of report.missing) lines.push(`missing: ${m.rowKey} (report ${m.reportKey}) — recorded in the ledger, no longer in the list`);
  lines.push(`${report.checked} rows checked: ${report.findings.length} changed, ${report.missing.length} missing; ${report.requests} Graph requests (reads only)`);
  return `${lines.join('\n')}\n`;
}

export const auditCommand: Command = async (argv) => {
  // Unknown options (parseArgs) and a bad PORT (UsageError) throw: main prints them with the usage, exit 2.
  const { values } = parseArgs({ args: argv, options: { site: { type: 'string' }, json: { type: 'boolean' } } });
  const usage = (message: string): number => {
    process.stderr.write(`error: ${message}\n${USAGE}`);
    return 2;
  };
  return withGraphTarget({ site: values.site, usage, failed: (target) => `the audit of ${target}` }, async (to) => {
    let token = process.env.GRAPH_TOKEN;
    const owner = findUser(DEMO_DIRECTORY, DEMO_DIRECTORY.defaultUser);
    if (!token && to.local && owner) token = (await localToken(owner, new URL(to.baseUrl).origin)).token;
    if (!token) {
      process.stderr.write(`error: set GRAPH_TOKEN to a token of the secretariat (a site owner) to audit ${to.target}.\n`);
      return 2;
    }
    const connection = to.connect(token);
    const admin = await openGraphFollowUpAdmin({ connection, site: to.site, actor: secretariatActor() });
    const opened = connection.counters.logical;
    const report = await admin.audit();
    // The cost of the whole command: opening the store and finding the ledger included.
    const total = { ...report, requests: connection.counters.logical };
    process.stdout.write(values.json ? `${JSON.stringify(total, null, 2)}\n` : formatAudit(total));
    process.stderr.write(`audit: ${report.requests} requests for the audit itself, ${opened} to open the store, ${connection.counters.logical - opened - report.requests} to find the ledger\n`);
    return report.findings.length > 0 || report.missing.length > 0 ? 3 : 0;
  });
};
