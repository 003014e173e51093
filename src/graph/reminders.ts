/**
 * Reminders over Graph (#12 item 7): `followup remind` and the manager view's button call `sendReminders`; the tab
 * calls `latestReminders`. Who gets what is core's (src/core/review/reminders.ts). Each reminder is first recorded
 * in FollowUpReminders under its unique key (the claim: a second run the same day gets 409 and sends nothing), then
 * posted to the division's Teams channel (`POST /teams/{team-id}/channels/{channel-id}/messages`, delegated
 * ChannelMessage.Send) where a team and the division's channel are known. A tenant that does not grant the
 * permission answers 403: the reminder stays recorded (the tab shows it) and a warning says why. Any other failure
 * removes the claim, so the next run sends it.
 *
 * Requests: 5 reads (the lists' ids come from 5 look-ups on the first call) + per division 1 create, and with Teams
 * 1 POST + 1 PATCH.
 */
import type { Client } from '@microsoft/microsoft-graph-client';

import { PermissionError, ValidationError } from '../core/errors.js';
import { LIST_NAMES, REVIEW_STATE_CHOICES } from '../core/lists/schema.js';
import { planReminders, type ReminderKind, type RemindResult, type ShownReminder } from '../core/review/reminders.js';
import type { ReviewStateJa } from '../core/review/review.js';
import type { GraphConnection } from './create-graph-client.js';
import { getAll, odataString, withQuery } from './paging.js';
import type { GraphItem } from './row-items.js';
import { resolveSite, type ResolvedSite, type SiteRef } from './site.js';
import { resolveListId } from './store-context.js';
import { toAppError } from './to-app-error.js';

export interface RemindOptions {
  orgCode: string;
  fiscalYear: number;
  kind: ReminderKind;
  /** The Teams team of the divisions' channels; null: record only. */
  teamId: string | null;
  dryRun?: boolean;
  now?: Date;
}

export type { ReminderOutcome, ReminderWarning, RemindResult } from '../core/review/reminders.js';

const scopeFilter = (orgCode: string, year: number): string => `fields/OrgCode eq ${odataString(orgCode)} and fields/FiscalYear eq ${year}`;

async function items(client: Client, site: ResolvedSite, list: string, query: Record<string, string | number>, what: string): Promise<Record<string, unknown>[]> {
  const id = await resolveListId(client, site, list);
  const all = await getAll<GraphItem>(client, withQuery(`/sites/${site.id}/lists/${id}/items`, { $top: 5000, ...query }), what);
  return all.items.map((i) => ({ ...(i.fields ?? {}), id: i.id, createdDateTime: (i as { createdDateTime?: unknown }).createdDateTime }));
}

const statusOf = (error: unknown): number | undefined => (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;

/** Plans and (unless dryRun) sends the reminders of one kind for a 府省等 and year. Needs the secretariat's rights. */
export async function sendReminders(connection: GraphConnection, siteRef: string | SiteRef | { id: string }, o: RemindOptions): Promise<RemindResult> {
  const { client } = connection;
  const site = await resolveSite(client, siteRef);
  const now = o.now ?? new Date();
  const [rows, reviews, divisions, reports] = await Promise.all([
    items(client, site, LIST_NAMES.Rows, { $filter: scopeFilter(o.orgCode, o.fiscalYear), $expand: 'fields($select=RowKey,Title,DivisionCode,SortOrder)', $select: 'id' }, 'GET rows'),
    items(client, site, LIST_NAMES.Review, { $filter: scopeFilter(o.orgCode, o.fiscalYear), $expand: 'fields($select=RowKey,State)', $select: 'id' }, 'GET review items'),
    items(client, site, LIST_NAMES.Divisions, { $filter: `fields/OrgCode eq ${odataString(o.orgCode)}`, $expand: 'fields($select=DivisionCode,Title,ChannelId)', $select: 'id' }, 'GET divisions'),
    items(client, site, LIST_NAMES.Reports, { $filter: scopeFilter(o.orgCode, o.fiscalYear), $expand: 'fields($select=Deadline)', $select: 'id' }, 'GET reports'),
  ]);
  if (reports.length === 0) throw new ValidationError([{ field: 'FiscalYear', reason: `no report of ${o.orgCode} for ${o.fiscalYear}` }]);
  const deadline = reports.map((r) => r.Deadline).find((d): d is string => typeof d === 'string' && d !== '') ?? null;
  const states = new Map(reviews.map((r) => [String(r.RowKey), (REVIEW_STATE_CHOICES as readonly string[]).includes(String(r.State)) ? (r.State as ReviewStateJa) : '未確認']));
  const plan = planReminders({
    orgCode: o.orgCode,
    fiscalYear: o.fiscalYear,
    kind: o.kind,
    deadline,
    now,
    rows: rows
      .sort((a, b) => Number(a.SortOrder ?? 0) - Number(b.SortOrder ?? 0))
      .map((r) => ({ rowKey: String(r.RowKey), title: String(r.Title ?? r.RowKey), divisionCode: typeof r.DivisionCode === 'string' && r.DivisionCode !== '' ? r.DivisionCode : null, state: states.get(String(r.RowKey)) ?? '未確認' })),
    divisions: divisions.map((d) => ({ code: String(d.DivisionCode), name: String(d.Title ?? d.DivisionCode), channelId: typeof d.ChannelId === 'string' && d.ChannelId !== '' ? d.ChannelId : null })),
  });
  const result: RemindResult = { deadline, outcomes: [], warnings: [] };
  if (o.dryRun) {
    result.outcomes = plan.map((reminder) => ({ reminder, delivery: 'planned' }));
    return result;
  }
  const listPath = `/sites/${site.id}/lists/${await resolveListId(client, site, LIST_NAMES.Reminders)}/items`;
  let teamsRefused = false;
  for (const reminder of plan) {
    let created: { id?: unknown; createdDateTime?: unknown };
    try {
      created = (await client.api(listPath).post({ fields: { Title: reminder.subject.slice(0, 255), ReminderKey: reminder.key, FiscalYear: reminder.fiscalYear, OrgCode: reminder.orgCode, DivisionCode: reminder.divisionCode, Kind: reminder.kind, Message: reminder.text, RowCount: reminder.rows.length, Delivery: 'recorded' } })) as { id?: unknown };
    } catch (error) {
      if (statusOf(error) === 409) {
        result.outcomes.push({ reminder, delivery: 'already' });
        continue;
      }
      throw toAppError(error, `record the reminder ${reminder.key}`);
    }
    const itemId = String(created.id);
    if (o.teamId === null || reminder.channelId === null || teamsRefused) {
      result.outcomes.push({ reminder, delivery: 'recorded' });
      if (reminder.channelId === null) result.warnings.push({ key: 'reminders.warning.noChannel', params: { name: reminder.divisionName, code: reminder.divisionCode } });
      continue;
    }
    try {
      const message = (await client.api(`/teams/${encodeURIComponent(o.teamId)}/channels/${encodeURIComponent(reminder.channelId)}/messages`).post({ subject: reminder.subject.slice(0, 255), body: { contentType: 'text', content: reminder.text } })) as { id?: unknown };
      const messageId = String(message.id);
      await client.api(`${listPath}/${itemId}/fields`).patch({ Delivery: 'teams', MessageId: messageId });
      result.outcomes.push({ reminder, delivery: 'teams', messageId });
    } catch (error) {
      const app = toAppError(error, `post the reminder to ${reminder.divisionCode}'s channel`);
      if (app instanceof PermissionError) {
        // No ChannelMessage.Send (least privilege): the record stands, the rest are recorded only.
        teamsRefused = true;
        result.warnings.push({ key: 'reminders.warning.teamsRefused', params: { detail: app.message } });
        result.outcomes.push({ reminder, delivery: 'recorded' });
        continue;
      }
      // A POST whose answer was lost (network, a 5xx) may still have posted: look for it in the channel first, so
      // neither this run nor the next posts it twice.
      const since = new Date(Date.parse(String(created.createdDateTime ?? now.toISOString())) - CLOCK_SKEW_MS).toISOString();
      const posted = await findPostedMessage(client, o.teamId, reminder.channelId, since, reminder.subject.slice(0, 255), reminder.text).catch(() => null);
      if (posted !== null) {
        await client.api(`${listPath}/${itemId}/fields`).patch({ Delivery: 'teams', MessageId: posted });
        result.outcomes.push({ reminder, delivery: 'teams', messageId: posted });
        continue;
      }
      // Not posted: take the claim back, so the next run sends this reminder.
      await client.api(`${listPath}/${itemId}`).delete().catch(() => undefined);
      throw app;
    }
  }
  return result;
}

/** How far the service's clock may be from the one that stamped the claim. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Text as Teams may give it back (a text message can return as HTML): tags dropped, whitespace collapsed. */
const plain = (s: string): string => s.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ').trim();

interface ChannelMessagePage {
  value?: { id?: unknown; createdDateTime?: unknown; subject?: unknown; body?: { content?: unknown } }[];
  '@odata.nextLink'?: unknown;
}

/**
 * The id of a message with this subject and text posted to the channel since `since` (ISO), or null. Channel
 * messages come newest first, at most 50 a page (`$top=50`), with `@odata.nextLink` for the rest (no $filter or
 * $orderby on this API): pages are followed until one reaches messages older than `since`, so a busy channel, where
 * others posted after the reminder, is searched as far as needed and no further. 1 GET per 50 messages since then.
 * Needs ChannelMessage.Read.All (or Group.Read.All); without it the caller gets the 403.
 */
export async function findPostedMessage(client: Client, teamId: string, channelId: string, since: string, subject: string, text: string): Promise<string | null> {
  let url: string | undefined = `/teams/${encodeURIComponent(teamId)}/channels/${encodeURIComponent(channelId)}/messages?$top=50`;
  while (url !== undefined) {
    const page = (await client.api(url).get()) as ChannelMessagePage;
    let older = false;
    for (const m of page.value ?? []) {
      if (String(m.createdDateTime ?? '') < since) older = true;
      else if (m.subject === subject && plain(String(m.body?.content ?? '')) === plain(text)) return String(m.id);
    }
    const next = page['@odata.nextLink'];
    url = older || typeof next !== 'string' ? undefined : next;
  }
  return null;
}

/** The 府省等 and years to remind: those given, else every 府省等 with reports of the year (default the latest). */
export async function reminderScopes(client: Client, siteRef: string | SiteRef | { id: string }, o: { orgCode?: string; fiscalYear?: number }): Promise<{ orgCode: string; fiscalYear: number }[]> {
  const site = await resolveSite(client, siteRef);
  const filter = [o.orgCode ? `fields/OrgCode eq ${odataString(o.orgCode)}` : '', o.fiscalYear !== undefined ? `fields/FiscalYear eq ${o.fiscalYear}` : ''].filter(Boolean).join(' and ');
  const reports = await items(client, site, LIST_NAMES.Reports, { ...(filter ? { $filter: filter } : {}), $expand: 'fields($select=OrgCode,FiscalYear)', $select: 'id' }, 'GET reports');
  const year = o.fiscalYear ?? Math.max(...reports.map((r) => Number(r.FiscalYear)).filter(Number.isFinite));
  const orgs = [...new Set(reports.filter((r) => Number(r.FiscalYear) === year).map((r) => String(r.OrgCode)))].sort();
  return orgs.map((orgCode) => ({ orgCode, fiscalYear: year }));
}


/** The latest reminders of a division for a year, newest first (1 GET; the list id is looked up once per call). */
export async function latestReminders(client: Client, site: ResolvedSite, orgCode: string, fiscalYear: number, divisionCode: string, top = 3): Promise<ShownReminder[]> {
  const found = await items(client, site, LIST_NAMES.Reminders, { $filter: `${scopeFilter(orgCode, fiscalYear)} and fields/DivisionCode eq ${odataString(divisionCode)}`, $expand: 'fields($select=Title,Kind,Message,RowCount)', $select: 'id,createdDateTime' }, 'GET reminders');
  return found
    .map((f) => ({ kind: f.Kind === 'returned' ? ('returned' as const) : ('before-deadline' as const), subject: String(f.Title ?? ''), message: String(f.Message ?? ''), sentAt: String(f.createdDateTime ?? ''), rows: Number(f.RowCount ?? 0) }))
    .sort((a, b) => b.sentAt.localeCompare(a.sentAt))
    .slice(0, top);
}
