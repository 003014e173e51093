/**
 * `followup report --year <year> --layout <layout> [--org <府省等>] [--format tsv|html|xlsx|pdf] [--out <file>]
 * [--label 機密性2] [--site …]` (#12): writes an official layout from the lists — the stored rows with their latest
 * edits, never a source file — as the layout's text (tsv), the printable report (html), a workbook (xlsx) or a PDF
 * (Chromium's print of the html). Without --org: every 府省等 of the year; with L-R6-COMPILATION, the cross-ministry
 * 重点項目 compilation of them. Reads only, as the local site owner or GRAPH_TOKEN's user.
 * Exit 0 written, 1 no report in that layout or the read failed, 2 usage error.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { fiscalYearOf } from '../../core/era/era-date.js';
import { LAYOUTS, type Layout } from '../../core/model/schema.js';
import { findOrganization, ORGANIZATIONS } from '../../core/model/organization.js';
import { openGraphFollowUpStore } from '../../graph/graph-follow-up-store.js';
import { readListReports } from '../../graph/list-reports.js';
import { rendererFor } from '../../io/render/index.js';
import { buildReportBook, dayInJapan } from '../../core/report/book.js';
import { reportHtml } from '../../core/report/html.js';
import { reportWorkbook } from '../../data/report-workbook.js';
import { secretariatActor } from '../../core/permissions/rules.js';
import type { Command } from '../command.js';
import { withSiteSession } from '../site-session.js';
import { REPORT_USAGE as USAGE } from '../usage.js';

const FORMATS = ['tsv', 'html', 'xlsx', 'pdf'] as const;
type ReportFormat = (typeof FORMATS)[number];
const EXTENSIONS: Readonly<Record<string, ReportFormat>> = { '.tsv': 'tsv', '.txt': 'tsv', '.html': 'html', '.htm': 'html', '.xlsx': 'xlsx', '.pdf': 'pdf' };

/**
 * The format asked for, else the one --out's extension names, else tsv (stdout). An error when --format names none,
 * when --out has an extension we do not write (TSV inside report.docx would open as garbage), or when the two disagree.
 */
export function formatOf(format: string | undefined, out: string | undefined): ReportFormat | { error: string } {
  const ext = out === undefined ? undefined : extname(out).toLowerCase();
  const fromOut = ext === undefined ? undefined : EXTENSIONS[ext];
  if (format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(format)) return { error: `--format must be one of ${FORMATS.join(', ')}, got "${format}".` };
    if (fromOut !== undefined && fromOut !== format) return { error: `--format ${format} does not match --out ${out} (a .${fromOut} file): change one of them.` };
    return format as ReportFormat;
  }
  if (out === undefined) return 'tsv';
  if (fromOut === undefined) return { error: `--out ${out}: the file name must end in .xlsx, .html, .pdf or .tsv (the report's format).` };
  return fromOut;
}

/** Why `out` cannot be written (its folder is missing or is not a folder), or null. Checked before any request. */
function unwritableOut(out: string): string | null {
  const dir = dirname(resolve(out));
  if (!existsSync(dir)) return `--out ${out}: the folder ${dir} does not exist.`;
  if (!statSync(dir).isDirectory()) return `--out ${out}: ${dir} is not a folder.`;
  return null;
}

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

/** The --year and --org of a report command, or the usage error about them. */
export function yearAndOrg(values: { year?: string | undefined; org?: string | undefined }): { year: number; orgCode: string | undefined } | { error: string } {
  const year = values.year === undefined ? null : yearOf(values.year);
  if (year === null) return { error: `年度を --year で指定してください（2024、令和6年度）。 / give the fiscal year with --year (2024 or 令和6年度)${values.year ? `: "${values.year}" is not one` : ''}.` };
  const orgCode = values.org === undefined ? undefined : orgCodeOf(values.org);
  if (orgCode === null) return { error: `府省等「${values.org}」が分かりません。 / unknown 府省等 "${values.org}" (a name such as 総務省 or a code such as soumu).` };
  return { year, orgCode };
}

export const reportCommand: Command = async (argv) => {
  if (argv[0] === 'history') {
    const { reportHistoryCommand } = await import('./report-history.js');
    return reportHistoryCommand(argv.slice(1));
  }
  const { values } = parseArgs({ args: argv, options: { org: { type: 'string' }, year: { type: 'string' }, layout: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, site: { type: 'string' }, label: { type: 'string' } } });
  const usage = (message: string): number => {
    process.stderr.write(`error: ${message}\n${USAGE}`);
    return 2;
  };
  const scope = yearAndOrg(values);
  if (!values.layout || !(LAYOUTS as readonly string[]).includes(values.layout)) return usage(`--layout must be one of ${LAYOUTS.join(', ')}.`);
  const layout = values.layout as Layout;
  const format = formatOf(values.format, values.out);
  if (typeof format === 'object') return usage(format.error);
  const unwritable = values.out === undefined ? null : unwritableOut(values.out);
  if (unwritable !== null) return usage(unwritable);
  if ((format === 'xlsx' || format === 'pdf') && !values.out) return usage(`--format ${format} writes a file: give it with --out (e.g. --out report.${format}).`);
  if ('error' in scope) return usage(scope.error);
  const { year, orgCode } = scope;
  return withSiteSession({ site: values.site, usage, failed: (target) => `the report from ${target}` }, async (session) => {
    const store = await openGraphFollowUpStore({ connection: session.connection, site: session.site, actor: secretariatActor(), refreshMode: 'modified' });
    const compilation = layout === 'L-R6-COMPILATION' && format !== 'tsv';
    const renderer = rendererFor(layout);
    // The compilation gathers each 府省等's 重点項目 whichever layout its report has; the other layouts read their own.
    const reports = await readListReports(store.context, { fiscalYear: year, ...(orgCode ? { orgCode } : {}), ...(compilation ? {} : { layouts: renderer.layouts }) });
    const now = new Date();
    const book = format === 'tsv' ? null : buildReportBook(reports.map((r) => r.report), { today: dayInJapan(now), label: values.label ?? null, compilation });
    if (reports.length === 0 || (book !== null && book.sheets.length === 0)) {
      process.stderr.write(`error: no report in ${layout} for ${orgCode ?? 'any 府省等'} in ${year} on ${session.target}.\n`);
      return 1;
    }
    let bytes: string | Uint8Array;
    if (book === null) bytes = renderer.render(reports.map((r) => r.report), 'tsv');
    else if (format === 'xlsx') bytes = await reportWorkbook((await import('exceljs')).default, book, now);
    // Chromium and playwright-core load only for a PDF: every other command starts without them.
    else if (format === 'pdf') bytes = await (await import('../report-pdf.js')).printPdf(reportHtml(book), book);
    else bytes = reportHtml(book);
    if (values.out) writeFileSync(values.out, bytes);
    else process.stdout.write(bytes);
    const rows = reports.reduce((n, r) => n + r.report.rows.length, 0);
    process.stderr.write(`report: ${reports.length} report(s), ${rows} rows from the lists (${reports.map((r) => r.report.key).join(', ')})${values.out ? ` → ${values.out}` : ''}; ${session.connection.counters.logical} Graph requests\n`);
    return 0;
  });
};
