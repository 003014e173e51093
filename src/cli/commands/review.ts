/**
 * `followup review status|submit|process|return|approve --org <府省等> --year <year> [--as <user>] …` (#12): the review
 * cycle from a terminal, as the acting user (a demo user of the local service with --as, or GRAPH_TOKEN's user). Who
 * the user is comes from their SharePoint groups (`currentuser/groups`), as in the tab. Exit 0 done (with nothing
 * refused), 3 some rows refused or unreadable (listed), 1 failed (also when some rows of a bulk decision failed: listed), 2 usage error.
 */
import { parseArgs } from 'node:util';

import { actorOf, membershipFromGroups } from '../../core/divisions/division.js';
import { isOverdue } from '../../core/review/cycle.js';
import { summarizeDivisions } from '../../core/review/review.js';
import { RESTORE_HINT, unreadableFields, unreadableName } from '../../core/review/unreadable.js';
import type { UnreadableRow } from '../../core/ports.js';
import { DEMO_DIRECTORY } from '../../emulator/directory.js';
import { readCycleDeadline } from '../../graph/cycle-deadline.js';
import { openReviewService, type RowRefusal } from '../../graph/review.js';
import { resolveSite } from '../../graph/site.js';
import { readDivisions, readMyGroups } from '../../graph/site-directory.js';
import type { Command } from '../command.js';
import { openSiteSession } from '../site-session.js';
import { REVIEW_USAGE as USAGE } from '../usage.js';
import { orgCodeOf, yearOf } from './report.js';

const ACTIONS = ['status', 'submit', 'process', 'return', 'approve'] as const;
const groupTitle = (kind: 'secretariat' | 'reviewers'): string => process.env[kind === 'secretariat' ? 'FOLLOWUP_SECRETARIAT_GROUP' : 'FOLLOWUP_REVIEWERS_GROUP'] ?? DEMO_DIRECTORY.groups.find((g) => g.kind === kind)?.displayName ?? kind;

function printRefused(refused: readonly RowRefusal[]): void {
  for (const r of refused) process.stderr.write(`refused ${r.rowKey}: ${r.problem.ja}\n  ${r.problem.en}\n`);
}

/** Rows that cannot be read: each with its columns and why, then what to do (ja, then en). */
function unreadableLines(unreadable: readonly UnreadableRow[]): string {
  if (unreadable.length === 0) return '';
  const rows = unreadable.map((u) => `  ${unreadableName(u).ja}${u.title ? ` ${u.title}` : ''}${u.divisionCode ? ` [${u.divisionCode}]` : ''}\n${unreadableFields(u).map((f) => `    ${f}\n`).join('')}`);
  return `読み取れない行 ${unreadable.length} 件 / ${unreadable.length} unreadable row(s):\n${rows.join('')}  ${RESTORE_HINT.ja}\n  ${RESTORE_HINT.en}\n`;
}

export const reviewCommand: Command = async (argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { org: { type: 'string' }, year: { type: 'string' }, division: { type: 'string' }, as: { type: 'string' }, comment: { type: 'string' }, field: { type: 'string' }, site: { type: 'string' }, json: { type: 'boolean' } },
  });
  const usage = (message: string): number => {
    process.stderr.write(`error: ${message}\n${USAGE}`);
    return 2;
  };
  const [action, ...rowKeys] = positionals;
  if (!(ACTIONS as readonly string[]).includes(action ?? '')) return usage(`give one of ${ACTIONS.join(', ')}.`);
  const year = values.year === undefined ? null : yearOf(values.year);
  const orgCode = values.org === undefined ? null : orgCodeOf(values.org);
  if (year === null || orgCode === null) return usage('give --org (総務省 or soumu) and --year (2024 or 令和6年度).');
  const needsRows = action === 'submit' || action === 'return' || action === 'approve';
  if (needsRows && rowKeys.length === 0) return usage(`${action} needs the RowKey of each row (followup review status lists them with --json).`);
  if (action === 'return' && !values.comment) return usage('return needs --comment (and --field <column> for a comment on one field).');
  let session: Awaited<ReturnType<typeof openSiteSession>>;
  try {
    session = await openSiteSession(values.site, values.as);
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  try {
    const site = await resolveSite(session.connection.client, session.site);
    const [groups, divisions] = await Promise.all([readMyGroups(session.connection, site), readDivisions(session.connection, site, orgCode)]);
    const membership = membershipFromGroups(values.as ?? 'user', orgCode, groups, divisions.divisions, { secretariat: groupTitle('secretariat'), reviewers: groupTitle('reviewers') });
    const actor = { ...actorOf(membership), displayName: membership.displayName };
    const review = await openReviewService({ connection: session.connection, site: { id: site.id }, actor });
    const scope = { orgCode, fiscalYear: year, ...(values.division ? { divisionCode: values.division } : {}) };
    let refused: RowRefusal[] = [];
    if (action === 'status') {
      const { rows, unreadable } = await review.overview(scope);
      const { openGraphFollowUpStore } = await import('../../graph/graph-follow-up-store.js');
      const store = await openGraphFollowUpStore({ connection: session.connection, site: { id: site.id }, actor, refreshMode: 'modified' });
      // The deadline is on the report items (null for a user who cannot read them); not the rows, so an unreadable
      // row does not hide it.
      const deadline = await readCycleDeadline(store.context, orgCode, year);
      const now = new Date();
      if (values.json) {
        process.stdout.write(`${JSON.stringify(rows.map((r) => ({ rowKey: r.row.rowKey, division: r.row.row.division, title: r.row.row.title, state: r.state, awaitingLock: r.awaitingLock, comment: r.review.comment, commentField: r.review.commentField, changedSinceSubmission: r.changedSinceSubmission.map((c) => c.field), overdue: isOverdue(deadline, r.state, now) })), null, 2)}\n`);
        process.stderr.write(unreadableLines(unreadable));
      } else {
        const names = new Map(divisions.divisions.map((d) => [d.code, d.name]));
        process.stdout.write(`${orgCode} ${year}${deadline ? `, deadline ${deadline}` : ''}\n`);
        for (const s of summarizeDivisions(rows.map((r) => ({ divisionCode: r.row.row.division, state: r.state, awaitingLock: r.awaitingLock, changed: r.changedSinceSubmission.length })), (st) => isOverdue(deadline, st, now))) {
          const name = s.divisionCode === null ? '(unassigned)' : `${names.get(s.divisionCode) ?? s.divisionCode} (${s.divisionCode})`;
          process.stdout.write(`${name}: ${s.done}/${s.total} done — 未確認 ${s.byState['未確認']}, 提出済 ${s.byState['提出済']}${s.awaitingLock ? ` (${s.awaitingLock} awaiting a reviewer)` : ''}, 差戻し ${s.byState['差戻し']}, 承認済 ${s.byState['承認済']}${s.editedAfterSubmission ? `, ${s.editedAfterSubmission} edited after submission` : ''}${s.overdue ? `, ${s.overdue} overdue` : ''}\n`);
        }
        process.stdout.write(unreadableLines(unreadable));
      }
      if (unreadable.length > 0) return 3;
    } else if (action === 'submit') {
      const r = await review.submit(rowKeys);
      process.stdout.write(`submitted ${r.submitted.length} row(s)${r.missing.length ? `; no such row: ${r.missing.join(', ')}` : ''}\n`);
      refused = r.refused;
    } else if (action === 'process') {
      const r = await review.processSubmissions(scope);
      process.stdout.write(`accepted ${r.accepted.length} submission(s)\n`);
      refused = r.refused;
    } else {
      const r = action === 'return' ? await review.returnRows(rowKeys.map((rowKey) => ({ rowKey, comment: values.comment as string, ...(values.field ? { field: values.field } : {}) }))) : await review.approveRows(rowKeys.map((rowKey) => ({ rowKey, ...(values.comment ? { comment: values.comment } : {}) })));
      process.stdout.write(`${action === 'return' ? 'returned' : 'approved'} ${r.done.length} row(s)${r.failed.length ? `; ${r.failed.length} failed (nothing written for them)` : ''}\n`);
      refused = r.refused;
      for (const f of r.failed) process.stderr.write(`failed ${f.rowKey}: ${f.problem.ja}\n  ${f.problem.en}\n`);
      if (r.failed.length > 0) {
        printRefused(refused);
        return 1;
      }
    }
    printRefused(refused);
    return refused.length > 0 ? 3 : 0;
  } catch (error) {
    process.stderr.write(`error: review ${action} on ${session.target} failed — ${await session.describe(error)}\n`);
    return 1;
  } finally {
    await session.close();
  }
};
