/**
 * Teams channel messages (#12 item 7): `POST /teams/{team-id}/channels/{channel-id}/messages` (delegated
 * ChannelMessage.Send) records a chatMessage, `GET` of the same collection (ChannelMessage.Read.All) lists them,
 * newest first, in Graph's chatMessage shape (v1.0 CSDL: body itemBody, from chatMessageFromIdentitySet,
 * channelIdentity, importance, locale, messageType…). The local directory has one team; its channels are
 * `19:{group id}@thread.tacv2` for each division group and `19:general@thread.tacv2`. Every directory user is a
 * member (a standard channel is open to every member of the team, as in Teams).
 */
import { badRequest, GraphHttpError, notFound } from '../errors.js';
import type { LocalGraphStore } from '../store/store.js';
import type { ApiRequest, ApiResponse } from './graph-api.js';

/** The local team's id (a GUID, as Graph's team ids). */
export const LOCAL_TEAM_ID = '5f0c1c3e-2b7a-4d8e-9c1a-3f2e1d0c9b8a';
/** The channel id of a division group in the local team. */
export const localChannelId = (groupId: string): string => `19:${groupId}@thread.tacv2`;

const MAX_CONTENT = 28_000;
const WRITABLE = new Set(['body', 'subject', 'importance', 'summary', 'mentions', 'attachments']);

interface MessageRow { id: string; team_id: string; channel_id: string; created: string; author: number; subject: string | null; content: string; content_type: string; importance: string }

/** The position a `$skiptoken` of this service names (created, rowid of the last message of the page before). */
function parseSkipToken(token: string | null): { created: string; rid: number } | undefined {
  if (token === null) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'string' && Number.isInteger(v[1])) return { created: v[0], rid: v[1] as number };
  } catch {
    // Falls through to the 400 below.
  }
  throw badRequest('Invalid $skiptoken: use the @odata.nextLink of the page before as it is.');
}

export class TeamsApi {
  constructor(
    private readonly store: LocalGraphStore,
    private readonly origin: () => string,
  ) {}

  /**
   * A new message id: numeric like Graph's (milliseconds since 1970 and a sequence), strictly increasing so two posts
   * in the same millisecond never collide, even across restarts (the largest stored id is the floor).
   */
  private nextId(): string {
    const last = this.store.ctx.stmt('SELECT MAX(CAST(id AS INTEGER)) AS m FROM channel_messages').get() as { m: number | null } | undefined;
    const next = Math.max(Date.now() * 1000, (last?.m ?? 0) + 1);
    return String(next);
  }

  private channels(): Set<string> {
    const groups = this.store.principals.all().filter((p) => p.kind === 'group');
    return new Set([localChannelId('general'), ...groups.map((g) => localChannelId(g.key))]);
  }

  private requireScope(req: ApiRequest, scope: string, alternatives: readonly string[] = []): void {
    const t = req.caller.scopes;
    if (t === undefined) return;
    if ([scope, ...alternatives].some((s) => t.scp.has(s))) return;
    throw new GraphHttpError(403, 'Forbidden', `Missing scope permissions on the request. API requires one of '${[scope, ...alternatives].join(', ')}'. Scopes on the request '${[...t.scp].join(', ') || '(none)'}'`);
  }

  handle(req: ApiRequest): ApiResponse {
    const parts = req.path.split('/').filter((p) => p !== '').map(decodeURIComponent);
    const [teams, teamId, channels, channelId, messages, extra] = parts;
    if (teams !== 'teams' || channels !== 'channels' || messages !== 'messages' || extra !== undefined || !teamId || !channelId) throw badRequest(`Resource not found for the segment '${parts.slice(2).join('/')}'. The local service offers /teams/{team-id}/channels/{channel-id}/messages only.`);
    if (teamId !== LOCAL_TEAM_ID) throw notFound(`No team found with Group Id ${teamId}`);
    if (!this.channels().has(channelId)) throw notFound(`Channel ${channelId} not found in team ${teamId}.`);
    const url = `${this.origin()}/v1.0/teams('${teamId}')/channels('${encodeURIComponent(channelId)}')/messages`;
    if (req.method === 'GET') {
      this.requireScope(req, 'ChannelMessage.Read.All', ['Group.Read.All', 'Group.ReadWrite.All']);
      // Graph: $top is the page size (default 20, at most 50), newest first; further pages through
      // `@odata.nextLink` with an opaque `$skiptoken` (here: where the page ended, so posts in between shift nothing).
      const topText = req.query.get('$top');
      const top = topText === null ? 20 : Number(topText);
      if (!Number.isInteger(top) || top < 1) throw badRequest(`Invalid $top '${topText ?? ''}': expected a positive integer.`);
      if (top > 50) throw badRequest("Limit of '50' for Top Query has been exceeded.");
      for (const k of req.query.keys()) if (k !== '$top' && k !== '$skiptoken') throw badRequest(`Query option '${k}' is not supported on channel messages (only $top; further pages through @odata.nextLink).`);
      const after = parseSkipToken(req.query.get('$skiptoken'));
      const rows = (
        after
          ? this.store.ctx.stmt('SELECT rowid AS rid, * FROM channel_messages WHERE team_id = ? AND channel_id = ? AND (created < ? OR (created = ? AND rowid < ?)) ORDER BY created DESC, rowid DESC LIMIT ?').all(teamId, channelId, after.created, after.created, after.rid, top + 1)
          : this.store.ctx.stmt('SELECT rowid AS rid, * FROM channel_messages WHERE team_id = ? AND channel_id = ? ORDER BY created DESC, rowid DESC LIMIT ?').all(teamId, channelId, top + 1)
      ) as (MessageRow & { rid: number })[];
      const page = rows.slice(0, top);
      const last = page[page.length - 1];
      const next = rows.length > top && last ? `${this.origin()}/v1.0/teams/${teamId}/channels/${encodeURIComponent(channelId)}/messages?$top=${top}&$skiptoken=${Buffer.from(JSON.stringify([last.created, last.rid])).toString('base64url')}` : undefined;
      return { status: 200, headers: {}, body: { '@odata.context': `${this.origin()}/v1.0/$metadata#teams('${teamId}')/channels('${encodeURIComponent(channelId)}')/messages`, '@odata.count': page.length, ...(next ? { '@odata.nextLink': next } : {}), value: page.map((r) => this.json(r)) } };
    }
    if (req.method !== 'POST') throw new GraphHttpError(405, 'methodNotAllowed', `The HTTP method '${req.method}' is not allowed for this resource.`);
    this.requireScope(req, 'ChannelMessage.Send', ['Group.ReadWrite.All']);
    const b = req.body;
    if (typeof b !== 'object' || b === null || Array.isArray(b)) throw badRequest('The request body must be a chatMessage object.');
    const m = b as Record<string, unknown>;
    for (const k of Object.keys(m)) if (!WRITABLE.has(k)) throw badRequest(`Property '${k}' cannot be set on a new chatMessage (settable: ${[...WRITABLE].join(', ')}).`);
    const body = m.body as { content?: unknown; contentType?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || typeof body.content !== 'string' || body.content.trim() === '') throw badRequest("Missing body content: 'body.content' is required.");
    if (body.content.length > MAX_CONTENT) throw new GraphHttpError(413, 'RequestEntityTooLarge', `The message is ${body.content.length} characters long; the limit is about ${MAX_CONTENT}.`);
    const contentType = body.contentType ?? 'text';
    if (contentType !== 'text' && contentType !== 'html') throw badRequest(`Invalid body.contentType '${String(contentType)}': expected 'text' or 'html'.`);
    const importance = m.importance ?? 'normal';
    if (importance !== 'normal' && importance !== 'high' && importance !== 'urgent') throw badRequest(`Invalid importance '${String(importance)}': expected normal, high or urgent.`);
    if (m.subject !== undefined && m.subject !== null && (typeof m.subject !== 'string' || m.subject.length > 255)) throw badRequest('subject must be a string of at most 255 characters.');
    if ((m.mentions !== undefined && !(Array.isArray(m.mentions) && m.mentions.length === 0)) || (m.attachments !== undefined && !(Array.isArray(m.attachments) && m.attachments.length === 0))) throw badRequest('The local service records text and html messages without mentions or attachments.');
    const row: MessageRow = { id: this.nextId(), team_id: teamId, channel_id: channelId, created: new Date().toISOString(), author: req.caller.user.id, subject: typeof m.subject === 'string' ? m.subject : null, content: body.content, content_type: contentType, importance };
    this.store.ctx.stmt('INSERT INTO channel_messages(id, team_id, channel_id, created, author, subject, content, content_type, importance) VALUES (?,?,?,?,?,?,?,?,?)').run(row.id, row.team_id, row.channel_id, row.created, row.author, row.subject, row.content, row.content_type, row.importance);
    return { status: 201, headers: { Location: `${url}('${row.id}')` }, body: { '@odata.context': `${this.origin()}/v1.0/$metadata#teams('${teamId}')/channels('${encodeURIComponent(channelId)}')/messages/$entity`, ...this.json(row) } };
  }

  private json(r: MessageRow): Record<string, unknown> {
    const user = this.store.principals.principal(r.author);
    return {
      id: r.id, replyToId: null, etag: r.id, messageType: 'message', createdDateTime: r.created, lastModifiedDateTime: r.created, lastEditedDateTime: null, deletedDateTime: null,
      subject: r.subject, summary: null, chatId: null, importance: r.importance, locale: 'en-us', webUrl: `https://teams.microsoft.com/l/message/${encodeURIComponent(r.channel_id)}/${r.id}?groupId=${r.team_id}`,
      policyViolation: null, eventDetail: null,
      from: { application: null, device: null, user: user ? { '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: user.oid, displayName: user.title, userIdentityType: 'aadUser', tenantId: null } : null },
      body: { contentType: r.content_type, content: r.content },
      channelIdentity: { teamId: r.team_id, channelId: r.channel_id },
      attachments: [], mentions: [], reactions: [], messageHistory: [],
    };
  }
}
