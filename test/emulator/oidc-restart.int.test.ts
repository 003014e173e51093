// #13: a restart of the local service signs nobody out: the identity provider's sessions and refresh tokens are in the
// database (hashed); the refresh token rotates across the restart and the provider's session still answers a silent
// sign-in; a revocation made before the restart holds after it.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';

import { createLocalGraph, DEMO_CLIENT_ID, DEMO_DIRECTORY, type LocalGraph } from '../../src/emulator/index.js';

const dir = mkdtempSync(join(tmpdir(), 'oidc-restart-'));
const dbPath = join(dir, 'data', 'followup.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(): Promise<{ g: LocalGraph; f: (url: string, init?: RequestInit) => Promise<Response>; close(): Promise<void> }> {
  const g = await createLocalGraph({ dbPath, port: 0, certDir: join(dir, 'certs') });
  const agent = new Agent({ connect: { ca: g.ca } });
  return {
    g,
    f: (url, init = {}) => fetch(url, { redirect: 'manual', ...init, dispatcher: agent } as RequestInit),
    close: async () => {
      await g.close();
      await agent.close();
    },
  };
}

describe('the identity provider across a restart', () => {
  it('keeps sessions and refresh tokens (hashed), rotates them, and keeps a revocation', async () => {
    const TENANT = DEMO_DIRECTORY.tenantId;
    let s = await start();
    const base = (): string => `${s.g.url}/${TENANT}`;
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const q = (over: Record<string, string> = {}): string => new URLSearchParams({ client_id: DEMO_CLIENT_ID, response_type: 'code', redirect_uri: `${s.g.url}/`, scope: 'https://graph.microsoft.com/Sites.Read.All openid offline_access', code_challenge: challenge, code_challenge_method: 'S256', ...over }).toString();
    const html = await (await s.f(`${base()}/oauth2/v2.0/authorize?${q()}`)).text();
    const flow = /name="flow" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const back = await s.f(`${base()}/oauth2/v2.0/authorize?${q()}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ flow, user: 'ito' }).toString() });
    const cookie = (back.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const code = new URL(back.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const post = async (p: Record<string, string>): Promise<Record<string, string>> =>
      (await (await s.f(`${base()}/oauth2/v2.0/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(p).toString() })).json()) as Record<string, string>;
    const first = await post({ grant_type: 'authorization_code', client_id: DEMO_CLIENT_ID, code, redirect_uri: `${s.g.url}/`, code_verifier: verifier });
    const rt1 = first.refresh_token ?? '';
    const sid = (JSON.parse(Buffer.from((first.access_token ?? '').split('.')[1] ?? '', 'base64url').toString()) as { sid: string }).sid;
    // The cookie carries the session's secret, not the sid every token shows.
    expect(cookie).toMatch(/^followup_idp_session=[A-Za-z0-9_-]{40,}$/);
    expect(cookie).not.toContain(sid);
    const rotated = await post({ grant_type: 'refresh_token', client_id: DEMO_CLIENT_ID, refresh_token: rt1 });
    const rt2 = rotated.refresh_token ?? '';
    expect(rt2).toMatch(/^[A-Za-z0-9_-]{60,}$/);
    expect(rt2).not.toBe(rt1);
    await s.close();

    // On disk: hashes only.
    const db = new Database(dbPath, { readonly: true });
    const dump = JSON.stringify([db.prepare('SELECT * FROM oidc_refresh_tokens').all(), db.prepare('SELECT * FROM oidc_sessions').all()]);
    db.close();
    expect(dump).not.toContain(rt1);
    expect(dump).not.toContain(rt2);
    expect(dump).not.toContain(cookie.split('=')[1] ?? '-');
    expect(dump).toContain(sid);

    s = await start();
    const after = await post({ grant_type: 'refresh_token', client_id: DEMO_CLIENT_ID, refresh_token: rt2 });
    expect(typeof after.access_token).toBe('string');
    expect(after.refresh_token).not.toBe(rt2);
    const site = await s.f(`${s.g.graphUrl}/sites/localhost:/sites/followup`, { headers: { Authorization: `Bearer ${after.access_token ?? ''}` } });
    expect(site.status, await site.clone().text()).toBe(200);
    // The provider's session survived: a silent sign-in (prompt=none) gets a code without a page.
    const silent = await s.f(`${base()}/oauth2/v2.0/authorize?${q({ redirect_uri: `${s.g.url}/`, prompt: 'none', login_hint: 'ito@soumu.localhost' })}`, { headers: { Cookie: cookie } });
    expect(silent.status).toBe(302);
    expect(new URL(silent.headers.get('location') ?? '').searchParams.get('code')).toMatch(/.+/);
    // Revocation persists too.
    expect(s.g.oidc.revokeSessions('ito')).toBeGreaterThanOrEqual(1);
    await s.close();
    s = await start();
    const refused = await post({ grant_type: 'refresh_token', client_id: DEMO_CLIENT_ID, refresh_token: after.refresh_token ?? '' });
    expect([refused.error, refused.error_codes?.[0]]).toEqual(['invalid_grant', 50173]);
    const noSession = await s.f(`${base()}/oauth2/v2.0/authorize?${q({ redirect_uri: `${s.g.url}/`, prompt: 'none' })}`, { headers: { Cookie: cookie } });
    expect(new URL(noSession.headers.get('location') ?? '').searchParams.get('error')).toBe('login_required');
    await s.close();
  });
});
