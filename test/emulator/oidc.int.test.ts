// #13: the local service as an OpenID Connect identity provider at Entra's URL shapes. A standard client library
// (openid-client, not ours) completes discovery, authorization code + PKCE and refresh, and its token reads the demo
// site through Graph; every bad input gets OAuth's error shapes, never a 5xx.
import { createHash, randomBytes } from 'node:crypto';

import { createLocalJWKSet, jwtVerify } from 'jose';
import * as oidcClient from 'openid-client';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_CLIENT_ID, DEMO_DIRECTORY } from '../../src/emulator/index.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
let agent: Agent;
const TENANT = DEMO_DIRECTORY.tenantId;

beforeAll(async () => {
  h = await startHarness();
  agent = new Agent({ connect: { ca: h.g.ca } });
});
afterAll(async () => {
  await agent?.close();
  await h?.close();
});

const f = (url: string, init: RequestInit = {}): Promise<Response> => fetch(url, { redirect: 'manual', ...init, dispatcher: agent } as RequestInit);
const base = (): string => `${h.g.url}/${TENANT}`;
const redirectUri = (): string => `${h.g.url}/`;
const pkce = (): { verifier: string; challenge: string } => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

function authorizeUrl(over: Record<string, string | null> = {}, challenge = pkce().challenge): string {
  const p: Record<string, string | null> = {
    client_id: DEMO_CLIENT_ID,
    response_type: 'code',
    redirect_uri: redirectUri(),
    scope: 'https://graph.microsoft.com/Sites.ReadWrite.All openid profile offline_access',
    state: 'st-1',
    nonce: 'n-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...over,
  };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== null) q.set(k, v);
  return `${base()}/oauth2/v2.0/authorize?${q.toString()}`;
}

/** Opens the sign-in page and picks `user` (or cancels); returns the redirect target. */
async function pick(url: string, user: string | 'cancel'): Promise<URL> {
  const page = await f(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  const flow = /name="flow" value="([^"]+)"/.exec(html)?.[1];
  expect(flow).toBeDefined();
  const form = new URLSearchParams({ flow: flow ?? '', ...(user === 'cancel' ? { decision: 'cancel' } : { user }) });
  const r = await f(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  expect(r.status).toBe(302);
  return new URL(r.headers.get('location') ?? '');
}

async function token(params: Record<string, string>): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- OAuth JSON
  const r = await f(`${base()}/oauth2/v2.0/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  return { status: r.status, body: await r.json() };
}

/** Signs `user` in by hand: authorize → page → code → tokens. */
async function signIn(user = 'suzuki', scope?: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- OAuth JSON
  const { verifier, challenge } = pkce();
  const back = await pick(authorizeUrl(scope ? { scope } : {}, challenge), user);
  const code = back.searchParams.get('code') ?? '';
  return token({ grant_type: 'authorization_code', client_id: DEMO_CLIENT_ID, code, redirect_uri: redirectUri(), code_verifier: verifier });
}

/** Entra's token error shape; returns `error` and the AADSTS number. */
function entraError(b: any): [string, number | undefined] { // eslint-disable-line @typescript-eslint/no-explicit-any -- OAuth JSON
  expect(typeof b.error).toBe('string');
  expect(b.error_description).toMatch(/Trace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(b.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(typeof b.trace_id).toBe('string');
  expect(typeof b.correlation_id).toBe('string');
  expect(Array.isArray(b.error_codes)).toBe(true);
  if (b.error_codes[0] !== undefined) expect(b.error_description.startsWith(`AADSTS${b.error_codes[0]}: `)).toBe(true);
  return [b.error, b.error_codes[0]];
}

describe('discovery and keys', () => {
  it('publishes Entra-shaped metadata on the local origin and an RS256 key', async () => {
    const r = await f(`${base()}/v2.0/.well-known/openid-configuration`);
    expect(r.status).toBe(200);
    const m = (await r.json()) as Record<string, unknown>;
    expect(m.issuer).toBe(`${h.g.url}/${TENANT}/v2.0`);
    expect(m.authorization_endpoint).toBe(`${base()}/oauth2/v2.0/authorize`);
    expect(m.token_endpoint).toBe(`${base()}/oauth2/v2.0/token`);
    expect(m.jwks_uri).toBe(`${base()}/discovery/v2.0/keys`);
    expect(m.code_challenge_methods_supported).toEqual(['S256']);
    const keys = (await (await f(String(m.jwks_uri))).json()) as { keys: { kty: string; alg: string; kid: string; use: string }[] };
    expect(keys.keys).toHaveLength(1);
    expect(keys.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
  });

  it('answers an unknown tenant with AADSTS90002', async () => {
    const r = await f(`${h.g.url}/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration`);
    expect(r.status).toBe(400);
    expect(entraError(await r.json())).toEqual(['invalid_tenant', 90002]);
  });
});

describe('authorization code with PKCE, by hand', () => {
  it('shows demo users as buttons named by display name, issues a code, then tokens the service accepts', async () => {
    const page = await (await f(authorizeUrl())).text();
    for (const u of DEMO_DIRECTORY.users) expect(page).toContain(`>${u.displayName}</button>`);
    expect(page).not.toMatch(/<script/i);

    const { status, body } = await signIn('takahashi');
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'https://graph.microsoft.com/Sites.ReadWrite.All openid profile' });
    expect(typeof body.refresh_token).toBe('string');
    expect(JSON.parse(Buffer.from(body.client_info, 'base64url').toString())).toEqual({ uid: DEMO_DIRECTORY.users[1]?.oid, utid: TENANT });
    // The ID token verifies against the published key, for this client, with the nonce of the request.
    const jwks = createLocalJWKSet((await (await f(`${base()}/discovery/v2.0/keys`)).json()) as { keys: [] });
    const { payload } = await jwtVerify(body.id_token, jwks, { issuer: `${h.g.url}/${TENANT}/v2.0`, audience: DEMO_CLIENT_ID, algorithms: ['RS256'] });
    expect(payload).toMatchObject({ nonce: 'n-1', preferred_username: 'takahashi@soumu.localhost', name: '高橋 健一', tid: TENANT });
    // The access token is one the service's TokenVerifier accepts: Graph reads the demo site as 高橋 (a reviewer: Read on the site).
    const site = await f(`${h.g.graphUrl}/sites/localhost:/sites/followup`, { headers: { Authorization: `Bearer ${body.access_token}` } });
    expect(site.status).toBe(200);
    const at = await jwtVerify(body.access_token, jwks, { algorithms: ['RS256'] });
    expect(at.payload).toMatchObject({ aud: 'https://graph.microsoft.com', scp: 'Sites.ReadWrite.All', upn: 'takahashi@soumu.localhost', ver: '2.0' });
  });

  it('gives SharePoint REST a token for its own origin from the same refresh token; Graph refuses that token', async () => {
    const { body } = await signIn('sato');
    const sp = await token({ grant_type: 'refresh_token', client_id: DEMO_CLIENT_ID, refresh_token: body.refresh_token, scope: `${h.g.url}/AllSites.Manage offline_access` });
    expect(sp.status).toBe(200);
    const claims = JSON.parse(Buffer.from(String(sp.body.access_token).split('.')[1] ?? '', 'base64url').toString()) as { aud: string; scp: string };
    expect(claims).toMatchObject({ aud: h.g.url, scp: 'AllSites.Manage' });
    const web = await f(`${h.g.url}/sites/followup/_api/web/roledefinitions`, { headers: { Authorization: `Bearer ${sp.body.access_token}`, Accept: 'application/json;odata=nometadata' } });
    expect(web.status).toBe(200);
    const graph = await f(`${h.g.graphUrl}/sites/localhost:/sites/followup`, { headers: { Authorization: `Bearer ${sp.body.access_token}` } });
    expect(graph.status).toBe(401);
  });
});

describe('bad input gets OAuth errors, never a 5xx', () => {
  it('a wrong PKCE verifier: invalid_grant AADSTS501481, and the code is used up', async () => {
    const { challenge } = pkce();
    const code = (await pick(authorizeUrl({}, challenge), 'kato')).searchParams.get('code') ?? '';
    const bad = await token({ grant_type: 'authorization_code', client_id: DEMO_CLIENT_ID, code, redirect_uri: redirectUri(), code_verifier: pkce().verifier });
    expect(bad.status).toBe(400);
    expect(entraError(bad.body)).toEqual(['invalid_grant', 501481]);
  });

  it('a reused code: invalid_grant AADSTS54005', async () => {
    const { verifier, challenge } = pkce();
    const code = (await pick(authorizeUrl({}, challenge), 'kato')).searchParams.get('code') ?? '';
    const req = { grant_type: 'authorization_code', client_id: DEMO_CLIENT_ID, code, redirect_uri: redirectUri(), code_verifier: verifier };
    expect((await token(req)).status).toBe(200);
    const again = await token(req);
    expect(again.status).toBe(400);
    expect(entraError(again.body)).toEqual(['invalid_grant', 54005]);
  });

  it('a redirect URI off the local origin, or unregistered: an error page, no redirect (AADSTS50011)', async () => {
    for (const uri of ['https://evil.example/', `${h.g.url}/not-registered`, `https://localhost:1/`, 'javascript:alert(1)']) {
      const r = await f(authorizeUrl({ redirect_uri: uri }));
      expect(r.status, uri).toBe(400);
      expect(r.headers.get('location')).toBeNull();
      expect(await r.text()).toContain('AADSTS50011');
    }
  });

  it('an unknown client: AADSTS700016 on the page and at the token endpoint', async () => {
    const r = await f(authorizeUrl({ client_id: '11111111-1111-1111-1111-111111111111' }));
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('AADSTS700016');
    const t = await token({ grant_type: 'refresh_token', client_id: 'nope', refresh_token: 'x' });
    expect(entraError(t.body)).toEqual(['unauthorized_client', 700016]);
  });

  it('errors the client can act on go back to the redirect URI with the state', async () => {
    const cases: [Record<string, string | null>, string, string | null][] = [
      [{ code_challenge: null }, 'invalid_request', '9002325'],
      [{ code_challenge_method: 'plain' }, 'invalid_request', null],
      [{ response_type: 'token' }, 'unsupported_response_type', null],
      [{ scope: 'https://graph.microsoft.com/Mail.Read' }, 'invalid_scope', '70011'],
      [{ scope: 'https://other.example/x' }, 'invalid_scope', '70011'],
      [{ prompt: 'none' }, 'login_required', '50058'],
    ];
    for (const [over, error, code] of cases) {
      const r = await f(authorizeUrl(over));
      expect(r.status, JSON.stringify(over)).toBe(302);
      const back = new URL(r.headers.get('location') ?? '');
      expect(back.origin + back.pathname).toBe(redirectUri());
      expect(back.searchParams.get('error'), JSON.stringify(over)).toBe(error);
      expect(back.searchParams.get('error_codes')).toBe(code);
      expect(back.searchParams.get('state')).toBe('st-1');
      expect(back.searchParams.get('code')).toBeNull();
    }
  });

  it('a refused consent goes back as access_denied AADSTS65004', async () => {
    const back = await pick(authorizeUrl(), 'cancel');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toMatch(/^AADSTS65004: User declined/);
  });

  it('a forged form (no valid flow) is refused without a code', async () => {
    const r = await f(authorizeUrl(), { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'user=sato&flow=abc.def' });
    expect(r.status).toBe(400);
    expect(r.headers.get('location')).toBeNull();
  });

  it('a revoked session: invalid_grant AADSTS50173; a missing or unknown grant: named', async () => {
    const { body } = await signIn('tanaka');
    expect(h.g.oidc.revokeSessions('tanaka')).toBeGreaterThanOrEqual(1);
    const r = await token({ grant_type: 'refresh_token', client_id: DEMO_CLIENT_ID, refresh_token: body.refresh_token, scope: 'Sites.Selected' });
    expect(entraError(r.body)).toEqual(['invalid_grant', 50173]);
    expect(entraError((await token({ grant_type: 'refresh_token', client_id: DEMO_CLIENT_ID, refresh_token: 'nope' })).body)).toEqual(['invalid_grant', 9002313]);
    expect(entraError((await token({ grant_type: 'password', client_id: DEMO_CLIENT_ID })).body)).toEqual(['unsupported_grant_type', 70003]);
    expect(entraError((await token({ client_id: DEMO_CLIENT_ID })).body)).toEqual(['invalid_request', 900144]);
    const dup = await f(`${base()}/oauth2/v2.0/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token&grant_type=authorization_code&client_id=x' });
    expect(dup.status).toBe(400);
    const json = await f(`${base()}/oauth2/v2.0/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(entraError(await json.json())[0]).toBe('invalid_request');
  });

  it('an expired refresh token: invalid_grant AADSTS700084 (the SPA fixed lifetime)', async () => {
    const short = await startHarness({ oidc: { refreshTokenLifetimeSeconds: 1 } });
    try {
      const a = new Agent({ connect: { ca: short.g.ca } });
      const ff = (url: string, init: RequestInit = {}): Promise<Response> => fetch(url, { redirect: 'manual', ...init, dispatcher: a } as RequestInit);
      const { verifier, challenge } = pkce();
      const b = `${short.g.url}/${TENANT}`;
      const q = new URLSearchParams({ client_id: DEMO_CLIENT_ID, response_type: 'code', redirect_uri: `${short.g.url}/`, scope: 'Sites.Selected offline_access', code_challenge: challenge, code_challenge_method: 'S256' });
      const html = await (await ff(`${b}/oauth2/v2.0/authorize?${q.toString()}`)).text();
      const flow = /name="flow" value="([^"]+)"/.exec(html)?.[1] ?? '';
      const back = await ff(`${b}/oauth2/v2.0/authorize?${q.toString()}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ flow, user: 'ito' }).toString() });
      const code = new URL(back.headers.get('location') ?? '').searchParams.get('code') ?? '';
      const post = async (p: Record<string, string>): Promise<any> => (await ff(`${b}/oauth2/v2.0/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(p).toString() })).json(); // eslint-disable-line @typescript-eslint/no-explicit-any -- OAuth JSON
      const t = await post({ grant_type: 'authorization_code', client_id: DEMO_CLIENT_ID, code, redirect_uri: `${short.g.url}/`, code_verifier: verifier });
      expect(typeof t.refresh_token).toBe('string');
      await new Promise((r) => setTimeout(r, 1100));
      expect(entraError(await post({ grant_type: 'refresh_token', client_id: DEMO_CLIENT_ID, refresh_token: t.refresh_token }))).toEqual(['invalid_grant', 700084]);
      await a.close();
    } finally {
      await short.close();
    }
  });

  it('random and hostile requests to every endpoint: never a 5xx', async () => {
    const paths = ['/v2.0/.well-known/openid-configuration', '/discovery/v2.0/keys', '/oauth2/v2.0/authorize', '/oauth2/v2.0/token', '/oauth2/v2.0/logout'];
    const bodies = ['', 'a=%ZZ', '%%%', 'grant_type=authorization_code&client_id=' + DEMO_CLIENT_ID + '&code=' + 'x'.repeat(5000), 'flow=' + 'A'.repeat(3000) + '.x', '\u0000\uffff'];
    for (const p of paths) {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
        for (const body of method === 'GET' ? [undefined] : bodies) {
          const r = await f(`${base()}${p}?client_id=${encodeURIComponent(DEMO_CLIENT_ID)}&redirect_uri=%ZZ&scope=${'s '.repeat(50)}`, { method, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, ...(body === undefined ? {} : { body }) });
          expect(r.status, `${method} ${p} ${body?.slice(0, 20)}`).toBeLessThan(500);
          await r.arrayBuffer();
        }
      }
    }
  });
});

describe('a standard OpenID Connect client (openid-client)', () => {
  it('completes discovery, authorization code + PKCE and refresh, and its token reads the demo site through Graph', async () => {
    const customFetch: oidcClient.CustomFetch = (url, options) => fetch(url, { ...options, dispatcher: agent } as unknown as RequestInit);
    const config = await oidcClient.discovery(new URL(`${base()}/v2.0`), DEMO_CLIENT_ID, undefined, oidcClient.None(), { [oidcClient.customFetch]: customFetch });
    expect(config.serverMetadata().issuer).toBe(`${base()}/v2.0`);
    const verifier = oidcClient.randomPKCECodeVerifier();
    const state = oidcClient.randomState();
    const nonce = oidcClient.randomNonce();
    const url = oidcClient.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri(),
      scope: 'openid profile offline_access https://graph.microsoft.com/Sites.Read.All',
      code_challenge: await oidcClient.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const back = await pick(url.toString(), 'ito');
    const tokens = await oidcClient.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(tokens.claims()?.preferred_username).toBe('ito@soumu.localhost');
    const rows = await f(`${h.g.graphUrl}/sites/localhost:/sites/followup:/lists`, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(rows.status).toBe(200);
    const refreshed = await oidcClient.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    // No `scope` in the refresh request: the grant's own scopes (RFC 6749 §6), not a token without Sites access.
    expect(JSON.parse(Buffer.from(refreshed.access_token.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({ scp: 'Sites.Read.All', aud: 'https://graph.microsoft.com' });
    const again = await f(`${h.g.graphUrl}/sites/localhost:/sites/followup`, { headers: { Authorization: `Bearer ${refreshed.access_token}` } });
    expect(((await again.json()) as { name?: string }).name).toBeDefined();
  });
});
