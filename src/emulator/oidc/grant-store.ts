/**
 * The identity provider's sign-in sessions and refresh tokens, kept in the service's SQLite database (#13), so a
 * restart of `npm start` signs nobody out. Only SHA-256 hashes of the secrets are stored (the refresh token, the
 * session cookie's value): a copy of the database file gives nobody a usable token. Both secrets are 32+ random bytes,
 * so an unsalted hash is enough (nothing to guess).
 *
 * Refresh tokens rotate: each redemption marks the token used and the provider issues a new one of the same family
 * (OAuth 2.0 Security BCP, RFC 9700 §4.14.2). A used token presented again within {@link REUSE_INTERVAL_SECONDS} is
 * accepted (two renewals racing from one page, MSAL asking for Graph and SharePoint at once); later, it is taken as a
 * stolen copy and the whole family is revoked. Authorization codes stay in memory: they live ten minutes and a
 * restart in the middle of a sign-in only means signing in again.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';

import type { Db } from '../db.js';

/** How long a used refresh token may be replayed (concurrent renewals) before reuse counts as theft. */
export const REUSE_INTERVAL_SECONDS = 60;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS oidc_sessions(
  secret_hash TEXT PRIMARY KEY,
  sid TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  exp INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS oidc_refresh_tokens(
  token_hash TEXT PRIMARY KEY,
  family TEXT NOT NULL,
  client_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  sid TEXT NOT NULL,
  grant_json TEXT NOT NULL,
  exp INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'used', 'revoked')),
  used_at INTEGER
);
CREATE INDEX IF NOT EXISTS oidc_refresh_tokens_family ON oidc_refresh_tokens(family);
CREATE INDEX IF NOT EXISTS oidc_refresh_tokens_user ON oidc_refresh_tokens(user_id, sid);
`;

const hash = (secret: string): string => createHash('sha256').update(secret).digest('base64url');
const b64url = (n: number): string => randomBytes(n).toString('base64url');

/** What a refresh token carries besides its owner (stored as JSON: the scopes granted). */
export interface RefreshToken<G> {
  clientId: string;
  userId: string;
  sid: string;
  family: string;
  exp: number;
  grant: G;
}

export type Redemption<G> =
  | { kind: 'ok'; token: RefreshToken<G> }
  | { kind: 'unknown' }
  | { kind: 'revoked'; token: RefreshToken<G> }
  /** A used token replayed after the reuse interval: its family is now revoked. */
  | { kind: 'reused'; token: RefreshToken<G>; revoked: number };

export interface GrantStore<G> {
  /** A new sign-in session; `secret` goes into the cookie, `sid` into tokens. */
  createSession(userId: string, exp: number): { sid: string; secret: string };
  /** The live session a cookie value names, or null. */
  session(secret: string, now: number): { sid: string; userId: string } | null;
  /** Stores a refresh token; returns the token string, or null when its session was revoked meanwhile. */
  issueRefreshToken(t: Omit<RefreshToken<G>, 'family'> & { family?: string }): string | null;
  /** Marks a refresh token used (rotation) and says what it was. */
  redeem(token: string, now: number): Redemption<G>;
  /** Revokes the refresh tokens and sessions of a user and/or a session id; returns how many refresh tokens. */
  revoke(match: { userId?: string; sid?: string }): number;
  /** Deletes rows past their expiry. */
  purge(now: number): void;
}

interface Row {
  family: string;
  client_id: string;
  user_id: string;
  sid: string;
  grant_json: string;
  exp: number;
  state: 'active' | 'used' | 'revoked';
  used_at: number | null;
}

export function createGrantStore<G>(db: Db): GrantStore<G> {
  db.exec(SCHEMA);
  const q = {
    insertSession: db.prepare('INSERT INTO oidc_sessions(secret_hash, sid, user_id, exp) VALUES (?, ?, ?, ?)'),
    session: db.prepare<[string, number], { sid: string; user_id: string }>('SELECT sid, user_id FROM oidc_sessions WHERE secret_hash = ? AND revoked = 0 AND exp >= ?'),
    // Not for a revoked session: a renewal in flight when the session was revoked must not mint a live token after it.
    insertToken: db.prepare('INSERT INTO oidc_refresh_tokens(token_hash, family, client_id, user_id, sid, grant_json, exp, state) SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM oidc_sessions WHERE sid = ? AND revoked = 1)'),
    sessionRevoked: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM oidc_sessions WHERE sid = ? AND revoked = 1'),
    token: db.prepare<[string], Row>('SELECT family, client_id, user_id, sid, grant_json, exp, state, used_at FROM oidc_refresh_tokens WHERE token_hash = ?'),
    markUsed: db.prepare("UPDATE oidc_refresh_tokens SET state = 'used', used_at = ? WHERE token_hash = ? AND state = 'active'"),
    revokeFamily: db.prepare("UPDATE oidc_refresh_tokens SET state = 'revoked' WHERE family = ? AND state <> 'revoked'"),
    purgeTokens: db.prepare('DELETE FROM oidc_refresh_tokens WHERE exp < ?'),
    purgeSessions: db.prepare('DELETE FROM oidc_sessions WHERE exp < ?'),
  };
  const toToken = (r: Row): RefreshToken<G> => ({ clientId: r.client_id, userId: r.user_id, sid: r.sid, family: r.family, exp: r.exp, grant: JSON.parse(r.grant_json) as G });

  const redeem = db.transaction((token: string, now: number): Redemption<G> => {
    const h = hash(token);
    const row = q.token.get(h);
    if (!row) return { kind: 'unknown' };
    const t = toToken(row);
    if (row.state === 'revoked' || (q.sessionRevoked.get(row.sid)?.n ?? 0) > 0) return { kind: 'revoked', token: t };
    if (row.state === 'used') {
      if (row.used_at !== null && now - row.used_at <= REUSE_INTERVAL_SECONDS) return { kind: 'ok', token: t };
      return { kind: 'reused', token: t, revoked: q.revokeFamily.run(row.family).changes };
    }
    q.markUsed.run(now, h);
    return { kind: 'ok', token: t };
  });

  const revoke = db.transaction((match: { userId?: string; sid?: string }): number => {
    const where: string[] = [];
    const args: string[] = [];
    if (match.userId !== undefined) {
      where.push('user_id = ?');
      args.push(match.userId);
    }
    if (match.sid !== undefined) {
      where.push('sid = ?');
      args.push(match.sid);
    }
    const cond = where.length > 0 ? ` AND ${where.join(' AND ')}` : '';
    const n = db.prepare(`UPDATE oidc_refresh_tokens SET state = 'revoked' WHERE state = 'active'${cond}`).run(...args).changes;
    // Used tokens of the same grants stop working too (they could still be replayed within the reuse interval).
    db.prepare(`UPDATE oidc_refresh_tokens SET state = 'revoked' WHERE state = 'used'${cond}`).run(...args);
    db.prepare(`UPDATE oidc_sessions SET revoked = 1 WHERE revoked = 0${cond}`).run(...args);
    return n;
  });

  return {
    createSession(userId, exp) {
      const sid = randomUUID();
      const secret = b64url(32);
      q.insertSession.run(hash(secret), sid, userId, exp);
      return { sid, secret };
    },
    session(secret, now) {
      const r = q.session.get(hash(secret), now);
      return r ? { sid: r.sid, userId: r.user_id } : null;
    },
    issueRefreshToken(t) {
      const token = b64url(48);
      const inserted = q.insertToken.run(hash(token), t.family ?? b64url(16), t.clientId, t.userId, t.sid, JSON.stringify(t.grant), t.exp, 'active', t.sid).changes;
      return inserted === 1 ? token : null;
    },
    redeem: (token, now) => redeem(token, now),
    revoke: (match) => revoke(match),
    purge(now) {
      q.purgeTokens.run(now);
      q.purgeSessions.run(now);
    },
  };
}
