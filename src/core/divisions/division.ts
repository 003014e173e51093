/**
 * 部局・課室 as data (#10): the FollowUpDivisions list ⇄ Division, and who the signed-in user is in the site (their
 * roles and divisions) from the SharePoint groups they belong to. Pure: src/graph reads the list and the groups.
 */
import type { Issue } from '../errors.js';
import type { Actor } from '../permissions/rules.js';
import { err, ok, type Result } from '../result.js';

export interface Division {
  orgCode: string;
  /** Stored in FollowUpRows.DivisionCode. */
  code: string;
  name: string;
  /** SharePoint site group whose members edit the division's rows. */
  groupName: string | null;
  channelId: string | null;
  channelName: string | null;
  guidance: string | null;
  sortOrder: number;
}

/** A fiscal year (cycle) that has rows in a scope, with how many. */
export interface Cycle {
  fiscalYear: number;
  rows: number;
}

/** The default cycle of a scope: the latest that has rows (#10). */
export const latestCycle = (cycles: readonly Cycle[]): number | null => cycles.reduce<number | null>((max, c) => (c.rows > 0 && (max === null || c.fiscalYear > max) ? c.fiscalYear : max), null);

/** FollowUpDivisions.DivisionKey: unique per 府省等 and division. */
export const toDivisionKey = (orgCode: string, code: string): string => `${orgCode}/${code}`;

/** Division → FollowUpDivisions fields (empty strings become null, as the other lists store them). */
export function toDivisionFields(d: Division): Record<string, string | number | null> {
  const text = (s: string | null): string | null => (s === null || s.trim() === '' ? null : s);
  return {
    Title: d.name,
    DivisionKey: toDivisionKey(d.orgCode, d.code),
    OrgCode: d.orgCode,
    DivisionCode: d.code,
    GroupName: text(d.groupName),
    ChannelId: text(d.channelId),
    ChannelName: text(d.channelName),
    Guidance: text(d.guidance),
    SortOrder: d.sortOrder,
  };
}

/**
 * FollowUpDivisions fields → Division. An item without its keys (hand-edited in SharePoint) is an error naming the
 * field, so the secretariat can fix it; it is never silently dropped.
 */
export function fromDivisionFields(fields: Readonly<Record<string, unknown>>, itemId = '?'): Result<Division, Issue[]> {
  const str = (k: string): string | null => (typeof fields[k] === 'string' && (fields[k] as string).trim() !== '' ? (fields[k] as string) : null);
  const issues: Issue[] = [];
  const orgCode = str('OrgCode');
  const code = str('DivisionCode');
  const name = str('Title');
  if (orgCode === null) issues.push({ row: itemId, field: 'OrgCode', value: fields.OrgCode, reason: 'OrgCode is empty' });
  if (code === null) issues.push({ row: itemId, field: 'DivisionCode', value: fields.DivisionCode, reason: 'DivisionCode is empty' });
  if (name === null) issues.push({ row: itemId, field: 'Title', value: fields.Title, reason: 'the division has no name (Title)' });
  if (issues.length > 0 || orgCode === null || code === null || name === null) return err(issues);
  const order = typeof fields.SortOrder === 'number' ? fields.SortOrder : Number(fields.SortOrder);
  return ok({
    orgCode,
    code,
    name,
    groupName: str('GroupName'),
    channelId: str('ChannelId'),
    channelName: str('ChannelName'),
    guidance: str('Guidance'),
    sortOrder: Number.isFinite(order) ? order : 0,
  });
}

/** Sorts divisions as the ministry lists them (SortOrder, then code). */
export const sortDivisions = (divisions: readonly Division[]): Division[] => [...divisions].sort((a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code));

/** The SharePoint groups that carry the site's roles besides the divisions' own groups. */
export interface RoleGroups {
  secretariat: string;
  reviewers: string;
}

/** Who the signed-in user is in one 府省等's site: what the page shows and what the permission rule checks. */
export interface SiteMembership {
  displayName: string;
  orgCode: string;
  isSecretariat: boolean;
  isReviewer: boolean;
  /** The divisions whose group the user belongs to, in the ministry's order. */
  divisions: Division[];
}

/**
 * The user's roles from the names of the SharePoint groups they belong to: the secretariat and reviewer groups, and
 * every division of `orgCode` whose group (or, without one, whose code) is among them. Group names compare
 * case-insensitively, as SharePoint does.
 */
export function membershipFromGroups(displayName: string, orgCode: string, groupNames: readonly string[], divisions: readonly Division[], roles: RoleGroups): SiteMembership {
  const mine = new Set(groupNames.map((g) => g.toLowerCase()));
  const has = (g: string | null): boolean => g !== null && mine.has(g.toLowerCase());
  return {
    displayName,
    orgCode,
    isSecretariat: has(roles.secretariat),
    isReviewer: has(roles.reviewers),
    divisions: sortDivisions(divisions.filter((d) => d.orgCode === orgCode && has(d.groupName ?? d.code))),
  };
}

/** The permission rule's Actor for a membership. */
export function actorOf(m: SiteMembership): Actor {
  return {
    displayName: m.displayName,
    isSecretariat: m.isSecretariat,
    reviewerOf: m.isReviewer ? [m.orgCode] : [],
    divisions: m.divisions.map((d) => ({ orgCode: d.orgCode, divisionCode: d.code })),
  };
}

/** The division a channel works on: by channel id, else by channel name (before the id is recorded). */
export function divisionForChannel(divisions: readonly Division[], channel: { id?: string | null; displayName?: string | null } | null): Division | undefined {
  if (!channel) return undefined;
  return divisions.find((d) => channel.id && d.channelId === channel.id) ?? divisions.find((d) => channel.displayName && d.channelName === channel.displayName);
}
