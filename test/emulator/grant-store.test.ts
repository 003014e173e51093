// #13: the identity provider's refresh tokens and sessions in SQLite: hashed, rotated, replay inside the reuse
// interval tolerated (racing renewals), replay after it revokes the family; revocation by user and by session.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { createGrantStore, REUSE_INTERVAL_SECONDS } from '../../src/emulator/oidc/grant-store.js';

const open = () => {
  const db = new Database(':memory:');
  return { db, store: createGrantStore<{ scope: string }>(db) };
};

const issue = (store: ReturnType<typeof open>['store'], t: Parameters<ReturnType<typeof open>['store']['issueRefreshToken']>[0]): string => {
  const rt = store.issueRefreshToken(t);
  if (rt === null) throw new Error('not issued');
  return rt;
};

describe('the grant store', () => {
  it('stores only hashes of refresh tokens and session secrets', () => {
    const { db, store } = open();
    const s = store.createSession('suzuki', 1000);
    const rt = issue(store, { clientId: 'c', userId: 'suzuki', sid: s.sid, exp: 1000, grant: { scope: 'Sites.Selected' } });
    const dump = JSON.stringify([db.prepare('SELECT * FROM oidc_sessions').all(), db.prepare('SELECT * FROM oidc_refresh_tokens').all()]);
    expect(dump).not.toContain(rt);
    expect(dump).not.toContain(s.secret);
    expect(dump).toContain(s.sid);
    expect(s.secret).not.toBe(s.sid);
    expect(store.session(s.secret, 10)).toEqual({ sid: s.sid, userId: 'suzuki' });
    expect(store.session(s.sid, 10)).toBeNull();
    expect(store.session(s.secret, 1001)).toBeNull();
  });

  it('rotates: a redeemed token is used; replayed within the interval it still answers, after it the family is revoked', () => {
    const { store } = open();
    const rt1 = issue(store, { clientId: 'c', userId: 'u', sid: 's', exp: 10_000, grant: { scope: 'x' } });
    const first = store.redeem(rt1, 100);
    expect(first).toMatchObject({ kind: 'ok', token: { userId: 'u', grant: { scope: 'x' } } });
    const family = first.kind === 'ok' ? first.token.family : '';
    const rt2 = issue(store, { clientId: 'c', userId: 'u', sid: 's', exp: 10_000, grant: { scope: 'x' }, family });
    expect(store.redeem(rt1, 100 + REUSE_INTERVAL_SECONDS)).toMatchObject({ kind: 'ok' });
    expect(store.redeem(rt1, 101 + REUSE_INTERVAL_SECONDS)).toMatchObject({ kind: 'reused', revoked: 2 });
    // The thief's replay took the legitimate newer token down with it.
    expect(store.redeem(rt2, 200)).toMatchObject({ kind: 'revoked' });
    expect(store.redeem('unknown', 200)).toEqual({ kind: 'unknown' });
  });

  it('revokes by user or by session, sessions included; purges what expired', () => {
    const { db, store } = open();
    const a = store.createSession('a', 1000);
    const b = store.createSession('b', 1000);
    const ra = issue(store, { clientId: 'c', userId: 'a', sid: a.sid, exp: 1000, grant: { scope: 'x' } });
    const rb = issue(store, { clientId: 'c', userId: 'b', sid: b.sid, exp: 1000, grant: { scope: 'x' } });
    expect(store.revoke({ userId: 'a' })).toBe(1);
    expect(store.redeem(ra, 1)).toMatchObject({ kind: 'revoked' });
    expect(store.session(a.secret, 1)).toBeNull();
    expect(store.session(b.secret, 1)).not.toBeNull();
    expect(store.revoke({ sid: b.sid })).toBe(1);
    expect(store.redeem(rb, 1)).toMatchObject({ kind: 'revoked' });
    // A renewal in flight when its session was revoked gets no live token, and its older token stops too.
    expect(store.issueRefreshToken({ clientId: 'c', userId: 'b', sid: b.sid, exp: 1000, grant: { scope: 'x' } })).toBeNull();
    store.purge(2000);
    expect(db.prepare('SELECT COUNT(*) AS n FROM oidc_refresh_tokens').get()).toEqual({ n: 0 });
  });
});
