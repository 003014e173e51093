/**
 * `followup report --year <year> --layout <layout> [--org <府省等>] [--format tsv|html] [--out <file>] [--site …]`
 * (#12): writes an official layout from the lists — the stored rows with their latest edits, never a source file.
 * Without --org: every 府省等 of the year in that layout. Reads only, as the local site owner or GRAPH_TOKEN's user.
 * Exit 0 written, 1 no report in that layout or the read failed, 2 usage error.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { fiscalYearOf } from '../../core/era/era-date.js';
import { LAYOUTS, type Layout } from '../../core/model/schema.js';
import { findOrganization, ORGANIZATIONS } from '../../core/model/organization.js';
import { openGraphFollowUpStore } from '../../graph/graph-follow-up-store.js';
import { readListReports } from '../../graph/list-reports.js';
import { rendererFor } from '../../io/render/index.js';
import type { RenderFormat } from '../../io/types.js';
import { secretariatActor } from '../../core/permissions/rules.js';
import type { Command } from '../command.js';
import { openSiteSession } from '../site-session.js';
import { REPORT_USAGE as USAGE } from '../usage.js';

/** A 府省等 code from a code or a printed name (総務省, 財務省本省 …), or null. */
export function orgCodeOf(arg: string): string | null {
  if (ORGANIZATIONS.some((o) => o.code === arg)) return arg;
  return findOrganization(arg)?.code ?? null;
}

/** A fiscal year from `2024`, `令和6年度` or `R6`. */
export function yearOf(arg: string): number | null {
  const t = arg.trim().normalize('NFKC');
  if (/^\d{4}$/.test(t)) return Number(t);
  const r = /^R(\d{1,2})$/i.exec(t);
  if (r) return Number(r[1]) + 2018;
  return fiscalYearOf(t.endsWith('年度') ? t : `${t}年度`);
}

export const reportCommand: Command = async (argv) => {
  const { values } = parseArgs({ args: argv, options: { org: { type: 'string' }, year: { type: 'string' }, layout: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, site: { type: 'string' } } });
  const usage = (message: string): number => {
    process.stderr.write(`error: ${message}\n${USAGE}`);
    return 2;
  };
  const year = values.year === undefined ? null : yearOf(values.year);
  if (year === null) return usage(`年度を --year で指定してください（2024、令和6年度）。 / give the fiscal year with --year (2024 or 令和6年度)${values.year ? `: "${values.year}" is not one` : ''}.`);
  if (!values.layout || !(LAYOUTS as readonly string[]).includes(values.layout)) return usage(`--layout must be one of ${LAYOUTS.join(', ')}.`);
  const layout = values.layout as Layout;
  const format: RenderFormat | null = values.format === 'tsv' || values.format === 'html' ? values.format : values.format === undefined ? (values.out?.toLowerCase().endsWith('.html') ? 'html' : 'tsv') : null;
  if (format === null) return usage(`--format must be tsv or html (.xlsx and .pdf are not written yet), got "${values.format}".`);
  const orgCode = values.org === undefined ? undefined : orgCodeOf(values.org);
  if (orgCode === null) return usage(`府省等「${values.org}」が分かりません。 / unknown 府省等 "${values.org}" (a name such as 総務省 or a code such as soumu).`);
  let session: Awaited<ReturnType<typeof openSiteSession>>;
  try {
    session = await openSiteSession(values.site);
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  try {
    const store = await openGraphFollowUpStore({ connection: session.connection, site: session.site, actor: secretariatActor(), refreshMode: 'modified' });
    const renderer = rendererFor(layout);
    const reports = await readListReports(store.context, { fiscalYear: year, ...(orgCode ? { orgCode } : {}), layouts: renderer.layouts });
    if (reports.length === 0) {
      process.stderr.write(`error: no report in ${layout} for ${orgCode ?? 'any 府省等'} in ${year} on ${session.target}.\n`);
      return 1;
    }
    const text = renderer.render(reports.map((r) => r.report), format);
    if (values.out) writeFileSync(values.out, text);
    else process.stdout.write(text);
    const rows = reports.reduce((n, r) => n + r.report.rows.length, 0);
    process.stderr.write(`report: ${reports.length} report(s), ${rows} rows from the lists (${reports.map((r) => r.report.key).join(', ')})${values.out ? ` → ${values.out}` : ''}; ${session.connection.counters.logical} Graph requests\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`error: the report from ${session.target} failed — ${await session.describe(error)}\n`);
    return 1;
  } finally {
    await session.close();
  }
};
