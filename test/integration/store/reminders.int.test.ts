// Reminders (#12 item 7) against the local service: planned per division, recorded once per day, posted to the
// division's Teams channel as a chatMessage through Graph, refused Teams (no ChannelMessage.Send) recorded only.
import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { toDivisionFields } from '../../../src/core/divisions/division.js';
import { LIST_NAMES } from '../../../src/core/lists/schema.js';
import type { StoredRow } from '../../../src/core/ports.js';
import { createGraphClient, staticTokenProvider } from '../../../src/graph/create-graph-client.js';
import { CycleAdmin } from '../../../src/graph/cycle.js';
import { DEFAULT_PERMISSION_GROUPS, type PermissionGroups } from '../../../src/graph/graph-follow-up-store.js';
import { provisionSite } from '../../../src/graph/provision.js';
import { latestReminders, sendReminders } from '../../../src/graph/reminders.js';
import { openReviewService } from '../../../src/graph/review.js';
import { warningLines } from '../../../src/cli/commands/remind.js';
import { localChannelId, LOCAL_TEAM_ID } from '../../../src/emulator/http/teams.js';
import { makeReport } from '../../core/lists/make-row.js';
import type { Harness } from '../../emulator/harness.js';
import { idpTokens } from '../../emulator/idp.js';
import { ACTORS, FAST_RETRY, startStoreHarness, type StoreHarness } from './harness.js';

const GROUPS: PermissionGroups = { ...DEFAULT_PERMISSION_GROUPS, readers: ['div-somu', 'div-kikaku'] };
const SCOPE = { fiscalYear: 2024, orgCode: 'soumu' } as const;
const NOW = new Date('2024-06-20T01:00:00Z');

let h: StoreHarness;
let rows: StoredRow[];
let siteId: string;

const channelMessages = async (user: string, channel: string): Promise<{ value: { subject: string; body: { contentType: string; content: string }; from: { user: { displayName: string } }; channelIdentity: { teamId: string; channelId: string } }[] }> =>
  (await h.connect(user).client.api(`/teams/${LOCAL_TEAM_ID}/channels/${encodeURIComponent(channel)}/messages`).get()) as never;

beforeAll(async () => {
  h = await startStoreHarness();
  const report = await provisionSite(h.connect(), h.siteUrl, { groups: GROUPS });
  siteId = report.site.id;
  for (const [code, name, channel] of [['div-somu', '大臣官房総務課', localChannelId('div-somu')], ['div-kikaku', '大臣官房企画課', null]] as const) {
    await h.connect().client.api(`/sites/${siteId}/lists/${report.listIds[LIST_NAMES.Divisions]}/items`).post({ fields: toDivisionFields({ orgCode: 'soumu', code, name, groupName: code, channelId: channel, channelName: name, guidance: null, sortOrder: 0 }) });
  }
  const cycles = await CycleAdmin.open({ connection: h.connect(), site: h.siteUrl, actor: ACTORS.sato!, groups: GROUPS });
  await cycles.store.importReport(makeReport({ rows: 5 }));
  const all = (await cycles.store.open(SCOPE)).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  await cycles.store.assignRows(all.slice(0, 3).map((r) => r.rowKey), 'div-somu');
  await cycles.store.assignRows(all.slice(3).map((r) => r.rowKey), 'div-kikaku');
  await cycles.setDeadline('soumu', 2024, '令和6年6月30日');
  rows = all;
  // 総務課 submits its first row (accepted), so two of its rows are still due.
  const division = await openReviewService({ connection: h.connect('suzuki'), site: h.siteUrl, actor: ACTORS.suzuki!, groups: GROUPS });
  await division.submit([rows[0]!.rowKey]);
  await (await openReviewService({ connection: h.connect('takahashi'), site: h.siteUrl, actor: ACTORS.takahashi!, groups: GROUPS })).processSubmissions(SCOPE);
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe('followup remind', () => {
  it('plans one reminder per division with rows not submitted (dry run sends nothing)', async () => {
    const plan = await sendReminders(h.connect(), h.siteUrl, { ...SCOPE, kind: 'before-deadline', teamId: LOCAL_TEAM_ID, dryRun: true, now: NOW });
    expect(plan.deadline).toBe('2024-06-30');
    expect(plan.outcomes.map((o) => [o.reminder.divisionCode, o.reminder.rows.length, o.delivery])).toEqual([['div-kikaku', 2, 'planned'], ['div-somu', 2, 'planned']]);
    const somu = plan.outcomes[1]!.reminder;
    expect(somu.key).toBe('soumu/2024/div-somu/before-deadline/2024-06-20');
    expect(somu.subject).toBe('【提出期限：令和6年6月30日】令和6年度フォローアップ：未提出の行が2件あります');
    expect(somu.text.split('\n')).toEqual(['大臣官房総務課 の皆さま', '令和6年度の取組計画等のフォローアップの提出期限は令和6年6月30日です。次の2件の行がまだ提出されていません。記入のうえ提出してください。', `・${rows[1]!.row.title}`, `・${rows[2]!.row.title}`]);
    expect((await channelMessages('sato', localChannelId('div-somu'))).value).toEqual([]);
  });

  it('posts to the division\'s channel (chatMessage through Graph), records every reminder, and a second run the same day sends nothing', async () => {
    const sent = await sendReminders(h.connect(), h.siteUrl, { ...SCOPE, kind: 'before-deadline', teamId: LOCAL_TEAM_ID, now: NOW });
    expect(sent.outcomes.map((o) => [o.reminder.divisionCode, o.delivery])).toEqual([['div-kikaku', 'recorded'], ['div-somu', 'teams']]);
    expect(sent.warnings).toEqual([{ key: 'reminders.warning.noChannel', params: { name: '大臣官房企画課', code: 'div-kikaku' } }]);
    // `followup remind` says it in Japanese first, then in English.
    expect(warningLines(sent.warnings[0]!)).toBe('警告: 大臣官房企画課（div-kikaku）の Teams チャネルが部局・課室の一覧（FollowUpDivisions）にありません。記録のみです（タブに表示されます）。\n  warning: 大臣官房企画課 (div-kikaku) has no Teams channel in FollowUpDivisions: recorded only (the tab shows it).\n');
    const messages = (await channelMessages('suzuki', localChannelId('div-somu'))).value;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ subject: sent.outcomes[1]!.reminder.subject, body: { contentType: 'text', content: sent.outcomes[1]!.reminder.text }, from: { user: { displayName: '佐藤 花子' } }, channelIdentity: { teamId: LOCAL_TEAM_ID, channelId: localChannelId('div-somu') } });
    const again = await sendReminders(h.connect(), h.siteUrl, { ...SCOPE, kind: 'before-deadline', teamId: LOCAL_TEAM_ID, now: new Date('2024-06-20T14:59:00Z') });
    expect(again.outcomes.map((o) => o.delivery)).toEqual(['already', 'already']);
    expect((await channelMessages('suzuki', localChannelId('div-somu'))).value).toHaveLength(1);
    // The next day (in Japan) it is a new reminder.
    const next = await sendReminders(h.connect(), h.siteUrl, { ...SCOPE, kind: 'before-deadline', teamId: LOCAL_TEAM_ID, now: new Date('2024-06-20T15:00:00Z') });
    expect(next.outcomes.map((o) => o.delivery)).toEqual(['recorded', 'teams']);
    // The division's members read their reminders (what the tab shows), newest first; they cannot write any.
    const shown = await latestReminders(h.connect('suzuki').client, { id: siteId, webUrl: h.siteUrl } as never, 'soumu', 2024, 'div-somu');
    expect(shown.map((r) => [r.kind, r.rows])).toEqual([['before-deadline', 2], ['before-deadline', 2]]);
    const list = await h.connect().client.api(`/sites/${siteId}/lists/${LIST_NAMES.Reminders}?$select=id`).get() as { id: string };
    const status = await h.connect('suzuki').client.api(`/sites/${siteId}/lists/${list.id}/items`).post({ fields: { Title: 'x', ReminderKey: 'forged', FiscalYear: 2024, OrgCode: 'soumu', DivisionCode: 'div-somu', Kind: 'returned' } }).then(() => 201, (e: { statusCode?: number }) => e.statusCode);
    expect(status).toBe(403);
  });

  it('on return: reminds only divisions with rows returned', async () => {
    const reviewer = await openReviewService({ connection: h.connect('takahashi'), site: h.siteUrl, actor: ACTORS.takahashi!, groups: GROUPS });
    await reviewer.returnRows([{ rowKey: rows[0]!.rowKey, comment: '数値の時点を記入してください。' }]);
    const sent = await sendReminders(h.connect(), h.siteUrl, { ...SCOPE, kind: 'returned', teamId: LOCAL_TEAM_ID, now: NOW });
    expect(sent.outcomes.map((o) => [o.reminder.divisionCode, o.reminder.rows, o.delivery])).toEqual([['div-somu', [rows[0]!.row.title], 'teams']]);
    expect(sent.outcomes[0]!.reminder.subject).toBe('【差戻し】令和6年度フォローアップ：1件の行が差し戻されています');
  });

  it('a token without ChannelMessage.Send (least privilege) gets 403 from Teams: recorded only, with a warning', async () => {
    const agent = new Agent({ connect: { ca: h.graph.ca } });
    try {
      const G = 'https://graph.microsoft.com';
      const token = (await idpTokens({ g: h.graph } as Harness, agent, 'sato', `${G}/Sites.FullControl.All ${G}/Sites.Manage.All`)).access_token;
      const connection = createGraphClient({ baseUrl: h.graph.graphUrl, tokenProvider: staticTokenProvider(token), fetchOptions: { dispatcher: agent } as unknown as FetchOptions, retry: { policy: FAST_RETRY } });
      const sent = await sendReminders(connection, h.siteUrl, { ...SCOPE, kind: 'before-deadline', teamId: LOCAL_TEAM_ID, now: new Date('2024-06-25T01:00:00Z') });
      expect(sent.outcomes.map((o) => [o.reminder.divisionCode, o.delivery])).toEqual([['div-kikaku', 'recorded'], ['div-somu', 'recorded']]);
      const refused = sent.warnings.find((w) => w.key === 'reminders.warning.teamsRefused');
      expect(refused?.params.detail).toMatch(/403/);
      const lines = warningLines(refused!).split('\n');
      expect(lines[0]).toMatch(/^警告: Teams がチャネルへの投稿を拒否しました（.*403.*）。テナントが ChannelMessage\.Send を許可していないため/);
      expect(lines[1]).toMatch(/^ {2}warning: Teams refused the channel message \(.*\): the tenant does not grant ChannelMessage\.Send/);
      expect((await channelMessages('sato', localChannelId('div-somu'))).value).toHaveLength(3);
      const shown = await latestReminders(h.connect('suzuki').client, { id: siteId, webUrl: h.siteUrl } as never, 'soumu', 2024, 'div-somu', 10);
      expect(shown).toHaveLength(4);
    } finally {
      await agent.close();
    }
  });

  it('the local service refuses a malformed chatMessage and an unknown channel, as Graph does', async () => {
    const client = h.connect().client;
    const post = (channel: string, body: unknown): Promise<number | undefined> => client.api(`/teams/${LOCAL_TEAM_ID}/channels/${encodeURIComponent(channel)}/messages`).post(body).then(() => 201, (e: { statusCode?: number }) => e.statusCode);
    expect(await post(localChannelId('div-somu'), { body: { contentType: 'markdown', content: 'x' } })).toBe(400);
    expect(await post(localChannelId('div-somu'), { body: { content: '  ' } })).toBe(400);
    expect(await post(localChannelId('div-somu'), { body: { content: 'x' }, createdDateTime: '2020-01-01T00:00:00Z' })).toBe(400);
    expect(await post('19:nope@thread.tacv2', { body: { content: 'x' } })).toBe(404);
    expect(await client.api(`/teams/00000000-0000-0000-0000-000000000000/channels/${encodeURIComponent(localChannelId('div-somu'))}/messages`).get().then(() => 200, (e: { statusCode?: number }) => e.statusCode)).toBe(404);
    expect((await channelMessages('sato', localChannelId('div-somu'))).value).toHaveLength(3);
    // Posts in the same millisecond get ids of their own (a random suffix once collided: a 500 from the database).
    const burst = await Promise.all(Array.from({ length: 200 }, (_, i) => client.api(`/teams/${LOCAL_TEAM_ID}/channels/${encodeURIComponent(localChannelId('div-joho'))}/messages`).post({ body: { content: `m${i}` } }) as Promise<{ id: string }>));
    expect(new Set(burst.map((m) => m.id)).size).toBe(200);
    expect(burst.every((m) => /^\d+$/.test(m.id))).toBe(true);
  });
});

describe('channel messages page by page (#12)', () => {
  const messagesUrl = (channel: string): string => `/teams/${LOCAL_TEAM_ID}/channels/${encodeURIComponent(channel)}/messages`;

  it('the local service pages as Graph does: 20 by default, $top up to 50, @odata.nextLink with $skiptoken, newest first', async () => {
    const client = h.connect().client;
    const channel = localChannelId('div-gyokan');
    for (let i = 0; i < 45; i++) await client.api(messagesUrl(channel)).post({ body: { content: `m${i}` } });
    const first = (await client.api(messagesUrl(channel)).get()) as { value: { body: { content: string } }[]; '@odata.count': number; '@odata.nextLink'?: string };
    expect(first.value.map((m) => m.body.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${44 - i}`));
    expect(first['@odata.count']).toBe(20);
    expect(first['@odata.nextLink']).toMatch(/\/messages\?\$top=20&\$skiptoken=[\w-]+$/);
    // Posts made between pages do not shift what the next page holds.
    await client.api(messagesUrl(channel)).post({ body: { content: 'late' } });
    const seen: string[] = first.value.map((m) => m.body.content);
    let next = first['@odata.nextLink'];
    let pages = 1;
    while (next) {
      const page = (await client.api(next).get()) as { value: { body: { content: string } }[]; '@odata.nextLink'?: string };
      seen.push(...page.value.map((m) => m.body.content));
      next = page['@odata.nextLink'];
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 45 }, (_, i) => `m${44 - i}`));
    const big = (await client.api(`${messagesUrl(channel)}?$top=50`).get()) as { value: unknown[]; '@odata.nextLink'?: string };
    expect(big.value).toHaveLength(46);
    expect(big['@odata.nextLink']).toBeUndefined();
    const status = (url: string): Promise<number | undefined> => client.api(url).get().then(() => 200, (e: { statusCode?: number }) => e.statusCode);
    expect(await status(`${messagesUrl(channel)}?$top=51`)).toBe(400);
    expect(await status(`${messagesUrl(channel)}?$top=0`)).toBe(400);
    expect(await status(`${messagesUrl(channel)}?$skiptoken=forged`)).toBe(400);
  });

  it('a reminder whose POST answer was lost is found in a busy channel (past the first page) and not posted twice', async () => {
    const channel = localChannelId('div-somu');
    const chatter = h.connect('suzuki').client;
    const gets: string[] = [];
    const connection = h.connect(undefined, {
      onRequest: (r) => {
        if (r.method === 'GET' && r.url.includes('/messages')) gets.push(r.url);
      },
      wrapFetch: (real) => async (url, init) => {
        const answer = await real(url, init);
        if (init?.method === 'POST' && String(url).includes('/messages')) {
          // Posted, then 60 others write in the channel before the answer is lost on the way back.
          for (let i = 0; i < 60; i++) await chatter.api(messagesUrl(channel)).post({ body: { content: `雑談 ${i}` } });
          throw new TypeError('fetch failed: socket hang up');
        }
        return answer;
      },
    });
    const day = new Date('2024-06-23T01:00:00Z');
    const sent = await sendReminders(connection, h.siteUrl, { ...SCOPE, kind: 'before-deadline', teamId: LOCAL_TEAM_ID, now: day });
    const somu = sent.outcomes.find((o) => o.reminder.divisionCode === 'div-somu')!;
    expect(somu.delivery).toBe('teams');
    const all = (await h.connect().client.api(`${messagesUrl(channel)}?$top=50`).get()) as { value: { id: string; subject: string | null }[]; '@odata.nextLink'?: string };
    const rest = (await h.connect().client.api(all['@odata.nextLink']!).get()) as { value: { id: string; subject: string | null }[] };
    const mine = [...all.value, ...rest.value].filter((m) => m.subject === somu.reminder.subject);
    expect(mine.map((m) => m.id)).toEqual([(somu as { messageId: string }).messageId]);
    // 61 messages newer than the claim: the reader followed one nextLink (2 GETs of 50) and stopped at the match.
    expect(gets).toHaveLength(2);
    expect(gets[1]).toContain('$skiptoken=');
    // The record says delivered, so a second run the same day posts nothing.
    const again = await sendReminders(h.connect(), h.siteUrl, { ...SCOPE, kind: 'before-deadline', teamId: LOCAL_TEAM_ID, now: day });
    expect(again.outcomes.map((o) => o.delivery)).toEqual(['already', 'already']);
  });
});
