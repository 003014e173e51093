/**
 * `followup report history --year <year> [--org <府省等>] --out <file.xlsx|file.csv> [--site …]` (#12): the change
 * history of a cycle — every row's edits from its item versions (who, when, which column, before → after) and every
 * review transition — as a workbook or as CSV for Excel (UTF-8 with BOM, formula-like text neutralised). Reads only.
 * Exit 0 written, 1 the read failed or nothing to report, 2 usage error.
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';

import { secretariatActor } from '../../core/permissions/rules.js';
import { eraFiscalYear } from '../../core/report/book.js';
import { HISTORY_COLUMNS, historyRows, toCsv } from '../../core/report/history.js';
import { historyWorkbook } from '../../data/report-workbook.js';
import { readChangeHistory } from '../../graph/change-history.js';
import { openGraphFollowUpStore } from '../../graph/graph-follow-up-store.js';
import { readListReports } from '../../graph/list-reports.js';
import { openReviewService } from '../../graph/review.js';
import type { Command } from '../command.js';
import { withSiteSession } from '../site-session.js';
import { REPORT_USAGE as USAGE } from '../usage.js';
import { yearAndOrg } from './report.js';

export const reportHistoryCommand: Command = async (argv) => {
  const { values } = parseArgs({ args: argv, options: { org: { type: 'string' }, year: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, site: { type: 'string' } } });
  const usage = (message: string): number => {
    process.stderr.write(`error: ${message}\n${USAGE}`);
    return 2;
  };
  const scope = yearAndOrg(values);
  if ('error' in scope) return usage(scope.error);
  const { year, orgCode } = scope;
  const format = values.format ?? (values.out ? extname(values.out).toLowerCase().slice(1) : '');
  if (format !== 'xlsx' && format !== 'csv') return usage(`report history writes .xlsx or .csv: give --out history.xlsx or --out history.csv${values.format ? ` (got --format ${values.format})` : ''}.`);
  return withSiteSession({ site: values.site, usage, failed: (target) => `the history from ${target}` }, async (session) => {
    const actor = secretariatActor();
    const store = await openGraphFollowUpStore({ connection: session.connection, site: session.site, actor, refreshMode: 'modified' });
    const orgs = orgCode !== undefined ? [orgCode] : [...new Set((await readListReports(store.context, { fiscalYear: year })).map((r) => r.report.organizationCode).filter((c): c is string => c !== null))];
    if (orgs.length === 0) {
      process.stderr.write(`error: no report for ${year} on ${session.target}.\n`);
      return 1;
    }
    const review = await openReviewService({ connection: session.connection, site: { id: store.context.site.id }, actor, context: store.context });
    const { entries, rows } = await readChangeHistory(store.context, review, orgs.map((org) => ({ fiscalYear: year, orgCode: org })));
    const table = historyRows(entries);
    const title = `${eraFiscalYear(year)} ${orgCode ?? '全府省等'} 変更履歴`;
    const bytes = format === 'csv' ? toCsv(HISTORY_COLUMNS, table) : await historyWorkbook((await import('exceljs')).default, title, HISTORY_COLUMNS, table, new Date());
    if (values.out) writeFileSync(values.out, bytes);
    else process.stdout.write(bytes);
    process.stderr.write(`report history: ${table.length} changes of ${rows} rows (${orgs.join(', ')})${values.out ? ` → ${values.out}` : ''}; ${session.connection.counters.logical} Graph requests\n`);
    return 0;
  });
};
