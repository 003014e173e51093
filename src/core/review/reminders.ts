/**
 * Reminders (#12 item 7), pure: which division gets which message. Before the deadline, each division with rows not
 * submitted (未確認 or 差戻し); on return, each division with rows returned (差戻し). Nothing runs on a schedule: the
 * secretariat sends them (`followup remind` or a button). One reminder per division, kind and day (in Japan): its key
 * makes sending twice the same day a no-op.
 */
import type { ReviewStateJa } from './review.js';

export type ReminderKind = 'before-deadline' | 'returned';
export const REMINDER_KINDS: readonly ReminderKind[] = ['before-deadline', 'returned'];

export interface ReminderRow {
  rowKey: string;
  title: string;
  divisionCode: string | null;
  state: ReviewStateJa;
}

export interface ReminderDivision {
  code: string;
  name: string;
  channelId: string | null;
}

export interface Reminder {
  /** `{org}/{year}/{division}/{kind}/{YYYY-MM-DD in Japan}`: unique per day. */
  key: string;
  kind: ReminderKind;
  orgCode: string;
  fiscalYear: number;
  divisionCode: string;
  divisionName: string;
  channelId: string | null;
  /** Titles of the rows concerned, in the order given. */
  rows: string[];
  subject: string;
  /** Plain text (the Teams message is sent as text: nothing in a row title becomes markup). */
  text: string;
}

/** The date in Japan (UTC+9, no daylight saving) of an instant, as YYYY-MM-DD. */
export const japanDate = (now: Date): string => new Date(now.getTime() + 9 * 3600_000).toISOString().slice(0, 10);

/** 2025-06-30 → 令和7年6月30日 (dates from 2019-05-01). */
export function reiwaDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const era = y - 2018;
  return `令和${era === 1 ? '元' : era}年${m}月${d}日`;
}

const MAX_LISTED = 10;

export function planReminders(input: { orgCode: string; fiscalYear: number; kind: ReminderKind; deadline: string | null; rows: readonly ReminderRow[]; divisions: readonly ReminderDivision[]; now: Date }): Reminder[] {
  const wanted = (s: ReviewStateJa): boolean => (input.kind === 'returned' ? s === '差戻し' : s === '未確認' || s === '差戻し');
  const byDivision = new Map<string, ReminderRow[]>();
  for (const r of input.rows) {
    if (r.divisionCode === null || !wanted(r.state)) continue;
    byDivision.set(r.divisionCode, [...(byDivision.get(r.divisionCode) ?? []), r]);
  }
  const day = japanDate(input.now);
  const out: Reminder[] = [];
  for (const [code, rows] of byDivision) {
    const division = input.divisions.find((d) => d.code === code) ?? { code, name: code, channelId: null };
    const titles = rows.map((r) => r.title);
    const listed = titles.slice(0, MAX_LISTED).map((t) => `・${t}`);
    if (titles.length > MAX_LISTED) listed.push(`ほか${titles.length - MAX_LISTED}件`);
    const year = `令和${input.fiscalYear - 2018}年度`;
    const subject = input.kind === 'returned' ? `【差戻し】${year}フォローアップ：${rows.length}件の行が差し戻されています` : `【提出期限${input.deadline ? `：${reiwaDate(input.deadline)}` : ''}】${year}フォローアップ：未提出の行が${rows.length}件あります`;
    const lead =
      input.kind === 'returned'
        ? `${division.name} の皆さま\n${year}の取組計画等のフォローアップで、次の${rows.length}件の行が確認者から差し戻されています。コメントを確認のうえ、修正して再提出してください。`
        : `${division.name} の皆さま\n${year}の取組計画等のフォローアップの提出期限${input.deadline ? `は${reiwaDate(input.deadline)}です` : 'が近づいています'}。次の${rows.length}件の行がまだ提出されていません。記入のうえ提出してください。`;
    out.push({
      key: `${input.orgCode}/${input.fiscalYear}/${code}/${input.kind}/${day}`,
      kind: input.kind,
      orgCode: input.orgCode,
      fiscalYear: input.fiscalYear,
      divisionCode: code,
      divisionName: division.name,
      channelId: division.channelId,
      rows: titles,
      subject,
      text: `${lead}\n${listed.join('\n')}`,
    });
  }
  return out.sort((a, b) => a.divisionCode.localeCompare(b.divisionCode));
}

/** A reminder as the tab shows it to the division (read from FollowUpReminders). */
export interface ShownReminder {
  kind: ReminderKind;
  subject: string;
  /** Plain text as sent. */
  message: string;
  /** ISO time it was recorded. */
  sentAt: string;
  rows: number;
}

export interface ReminderOutcome {
  reminder: Reminder;
  /** teams: posted; recorded: kept in the list only; already: sent earlier today (nothing done); planned: dry run. */
  delivery: 'teams' | 'recorded' | 'already' | 'planned';
  messageId?: string;
}

/** A warning of a reminder run, as a message key of src/ui/i18n/reminders.{ja,en}.json and its parameters. */
export interface ReminderWarning {
  key: 'reminders.warning.noChannel' | 'reminders.warning.teamsRefused' | 'reminders.warning.noTeam';
  params: Readonly<Record<string, string>>;
}

export interface RemindResult {
  deadline: string | null;
  outcomes: ReminderOutcome[];
  warnings: ReminderWarning[];
}
