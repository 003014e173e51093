// Tokens from the local identity provider (#13) for tests: the authorize page driven by hand (as a browser would),
// the code redeemed with PKCE.
import { createHash, randomBytes } from 'node:crypto';

import type { Agent } from 'undici';

import { DEMO_CLIENT_ID } from '../../src/emulator/index.js';
import type { Harness } from './harness.js';

/** Signs `user` in with `scope` and returns the token endpoint's answer. */
export async function idpTokens(h: Harness, agent: Agent, user: string, scope: string): Promise<{ access_token: string; refresh_token?: string }> {
  const f = (url: string, init: RequestInit = {}): Promise<Response> => fetch(url, { redirect: 'manual', ...init, dispatcher: agent } as RequestInit);
  const verifier = randomBytes(32).toString('base64url');
  const q = new URLSearchParams({ client_id: DEMO_CLIENT_ID, response_type: 'code', redirect_uri: `${h.g.url}/`, scope, code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' });
  const authorize = `${h.g.oidc.authority()}/oauth2/v2.0/authorize?${q.toString()}`;
  const html = await (await f(authorize)).text();
  const flow = /name="flow" value="([^"]+)"/.exec(html)?.[1];
  if (!flow) throw new Error(`The sign-in page did not open: ${html.slice(0, 300)}`);
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const back = await f(authorize, { method: 'POST', headers: form, body: new URLSearchParams({ flow, user }).toString() });
  const code = new URL(back.headers.get('location') ?? '').searchParams.get('code');
  if (!code) throw new Error(`No code: ${back.headers.get('location') ?? back.status}`);
  const t = await f(`${h.g.oidc.authority()}/oauth2/v2.0/token`, { method: 'POST', headers: form, body: new URLSearchParams({ grant_type: 'authorization_code', client_id: DEMO_CLIENT_ID, code, redirect_uri: `${h.g.url}/`, code_verifier: verifier }).toString() });
  if (!t.ok) throw new Error(`Token endpoint: ${t.status} ${await t.text()}`);
  return (await t.json()) as { access_token: string; refresh_token?: string };
}
