/**
 * `followup cycle open|deadline|close --org <府省等> --year <year> [--deadline <date>] [--site …]` (#12): the
 * secretariat's cycle operations (src/graph/cycle.ts). Exit 0 done, 1 failed, 2 usage error.
 */
import { parseArgs } from 'node:util';

import { secretariatActor } from '../../core/permissions/rules.js';
import { CycleAdmin } from '../../graph/cycle.js';
import type { Command } from '../command.js';
import { withSiteSession } from '../site-session.js';
import { CYCLE_USAGE as USAGE } from '../usage.js';
import { orgCodeOf, yearOf } from './report.js';

const ACTIONS = ['open', 'deadline', 'close'] as const;

export const cycleCommand: Command = async (argv) => {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { org: { type: 'string' }, year: { type: 'string' }, deadline: { type: 'string' }, site: { type: 'string' } } });
  const usage = (message: string): number => {
    process.stderr.write(`error: ${message}\n${USAGE}`);
    return 2;
  };
  const action = positionals[0];
  if (positionals.length !== 1 || !(ACTIONS as readonly string[]).includes(action ?? '')) return usage(`give one of ${ACTIONS.join(', ')}.`);
  const year = values.year === undefined ? null : yearOf(values.year);
  if (year === null) return usage('give the fiscal year with --year (2025 or 令和7年度).');
  const orgCode = values.org === undefined ? null : orgCodeOf(values.org);
  if (orgCode === null) return usage(`give the 府省等 with --org (a name such as 総務省 or a code such as soumu)${values.org ? `: "${values.org}" is not one` : ''}.`);
  if (action === 'deadline' && values.deadline === undefined) return usage('deadline needs --deadline <date>.');
  return withSiteSession({ site: values.site, usage, failed: (target) => `cycle ${action} on ${target}` }, async (session) => {
    const cycles = await CycleAdmin.open({ connection: session.connection, site: session.site, actor: secretariatActor() });
    if (action === 'open') {
      const opened = await cycles.openCycle(orgCode, year, values.deadline);
      for (const r of opened.reports) process.stdout.write(`opened ${r.key}: ${r.rows} rows (${r.created} created)\n`);
      process.stdout.write(`${opened.assigned} rows assigned to their divisions${values.deadline ? `; deadline ${values.deadline}` : ''}\n`);
    } else if (action === 'deadline') {
      process.stdout.write(`deadline of ${orgCode} ${year}: ${await cycles.setDeadline(orgCode, year, values.deadline as string)}\n`);
    } else {
      const closed = await cycles.closeCycle(orgCode, year);
      process.stdout.write(`closed ${orgCode} ${year}: ${closed.locked} rows read-only for their divisions, ${closed.reviewItems} review items read-only for reviewers${closed.listsClosed ? '; no cycle open: nobody but the secretariat adds review items or submissions' : '; another cycle is open: reviewers and divisions keep adding to the review lists'}\n`);
    }
    return 0;
  });
};
