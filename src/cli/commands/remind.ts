/**
 * `followup remind [--org <府省等>] [--year <year>] [--before-deadline|--returned] [--dry-run] [--team <id>] [--site …]`
 * (#12 item 7): reminders to divisions (src/graph/reminders.ts), sent when the secretariat runs it (nothing runs on a
 * schedule). Without --org, every 府省等 with reports of the year; without --year, the latest year with reports.
 * Exit 0 done, 1 failed, 2 usage error.
 */
import { parseArgs } from 'node:util';

import { LOCAL_TEAM_ID } from '../../emulator/http/teams.js';
import { reminderScopes, sendReminders } from '../../graph/reminders.js';
import type { ReminderWarning } from '../../core/review/reminders.js';
import { createTranslator } from '../../ui/i18n/i18n.js';
import type { Command } from '../command.js';
import { graphTarget, openSiteSession } from '../site-session.js';
import { REMIND_USAGE as USAGE } from '../usage.js';
import { orgCodeOf, yearOf } from './report.js';

const [ja, en] = [createTranslator('ja'), createTranslator('en')];
/** A warning in Japanese, then in English (the message keys the manager view shows too). */
export const warningLines = (w: ReminderWarning): string => `警告: ${ja(w.key, w.params)}\n  warning: ${en(w.key, w.params)}\n`;

const DELIVERY_JA = { teams: 'Teams に投稿', recorded: '記録のみ', already: '本日送信済み', planned: '送信予定' } as const;

export const remindCommand: Command = async (argv) => {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { org: { type: 'string' }, year: { type: 'string' }, 'before-deadline': { type: 'boolean' }, returned: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, team: { type: 'string' }, site: { type: 'string' } },
  });
  const usage = (message: string): number => {
    process.stderr.write(`error: ${message}\n${USAGE}`);
    return 2;
  };
  if (positionals.length > 0) return usage(`unexpected argument "${positionals[0]}".`);
  if (values['before-deadline'] && values.returned) return usage('give --before-deadline or --returned, not both.');
  const year = values.year === undefined ? undefined : yearOf(values.year);
  if (year === null) return usage(`"${values.year}" is not a fiscal year (2025 or 令和7年度).`);
  const orgCode = values.org === undefined ? undefined : orgCodeOf(values.org);
  if (orgCode === null) return usage(`"${values.org}" is not a 府省等 (a name such as 総務省 or a code such as soumu).`);
  const kind = values.returned ? 'returned' : 'before-deadline';
  let session: Awaited<ReturnType<typeof openSiteSession>>;
  let local: boolean;
  try {
    local = graphTarget(values.site).local;
    session = await openSiteSession(values.site);
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  // The local service has one team; on a tenant the team comes from --team or FOLLOWUP_TEAM_ID (none: record only).
  const teamId = values.team ?? process.env.FOLLOWUP_TEAM_ID ?? (local ? LOCAL_TEAM_ID : null);
  try {
    const scopes = await reminderScopes(session.connection.client, session.site, { ...(orgCode ? { orgCode } : {}), ...(year !== undefined ? { fiscalYear: year } : {}) });
    if (scopes.length === 0) {
      process.stderr.write(`error: no report${orgCode ? ` of ${orgCode}` : ''}${year !== undefined ? ` for ${year}` : ''} on ${session.target}\n`);
      return 1;
    }
    if (teamId === null) process.stdout.write(warningLines({ key: 'reminders.warning.noTeam', params: {} }));
    for (const scope of scopes) {
      const result = await sendReminders(session.connection, session.site, { ...scope, kind, teamId, dryRun: values['dry-run'] === true });
      process.stdout.write(`${scope.orgCode} ${scope.fiscalYear} ${kind}${result.deadline ? ` (deadline ${result.deadline})` : ''}: ${result.outcomes.length} divisions\n`);
      for (const o of result.outcomes) process.stdout.write(`  ${o.reminder.divisionCode} ${o.reminder.divisionName}: ${o.reminder.rows.length} rows — ${DELIVERY_JA[o.delivery]} (${o.delivery})\n`);
      for (const w of result.warnings) process.stdout.write(warningLines(w));
    }
    return 0;
  } catch (error) {
    process.stderr.write(`error: remind on ${session.target} failed — ${await session.describe(error)}\n`);
    return 1;
  } finally {
    await session.close();
  }
};
