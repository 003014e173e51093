// #13: nested app authentication with the real MSAL (@azure/msal-browser) and a fake host bridge. Teams and Office
// inject `window.nestedAppAuthBridge`; MSAL talks to it with JSON messages (GetInitContext, GetToken, GetTokenPopup).
// The fake host here plays Teams: it signed its user in at the local identity provider and answers MSAL's requests
// with real tokens from it (refresh-token grants), so the production code path — loadNestedMsal +
// createNestedMsalTokens — ends in a Graph request the local service accepts. Node stands in for the browser: only
// the globals MSAL's nested path reads are provided.
import { createHash, randomBytes } from 'node:crypto';

import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_CLIENT_ID, DEMO_DIRECTORY } from '../../src/emulator/index.js';
import { loadNestedMsal, type AuthSettings } from '../../src/hosts/msal/load-msal.js';
import { createNestedMsalTokens } from '../../src/hosts/msal/msal-session.js';
import { type Harness, startHarness } from '../emulator/harness.js';

let h: Harness;
let agent: Agent;
const post = (url: string, form: Record<string, string>): Promise<Response> =>
  fetch(url, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString(), dispatcher: agent } as RequestInit);

/** The host's own sign-in of `user` at the identity provider (what Teams did when the user opened it): a refresh token. */
async function hostSignIn(user: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const q = new URLSearchParams({ client_id: DEMO_CLIENT_ID, response_type: 'code', redirect_uri: `${h.g.url}/`, scope: 'openid profile offline_access', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256' });
  const authorize = `${h.g.oidc.authority()}/oauth2/v2.0/authorize?${q.toString()}`;
  const html = await (await fetch(authorize, { dispatcher: agent } as RequestInit)).text();
  const flow = /name="flow" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const back = await post(authorize, { flow, user });
  const code = new URL(back.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const t = (await (await post(`${h.g.oidc.authority()}/oauth2/v2.0/token`, { grant_type: 'authorization_code', client_id: DEMO_CLIENT_ID, code, redirect_uri: `${h.g.url}/`, code_verifier: verifier })).json()) as { refresh_token: string };
  return t.refresh_token;
}

interface BridgeMessage { method: string; requestId: string; tokenParams?: { clientId: string; scope: string; loginHint?: string } }

/** Installs a fake host bridge for `user`; `failSilentOnce` answers the first GetToken with "interaction required". */
function installFakeHost(refreshToken: string, user: (typeof DEMO_DIRECTORY.users)[number], opts: { failSilentOnce?: boolean; refusePopup?: boolean } = {}): BridgeMessage[] {
  const seen: BridgeMessage[] = [];
  let listener: ((m: string) => void) | undefined;
  let failSilent = opts.failSilentOnce === true;
  const environment = new URL(h.g.url).host;
  const account = { homeAccountId: `${user.oid}.${DEMO_DIRECTORY.tenantId}`, environment, tenantId: DEMO_DIRECTORY.tenantId, username: user.upn, localAccountId: user.oid, name: user.displayName };
  const answer = async (m: BridgeMessage): Promise<Record<string, unknown>> => {
    const ok = { messageType: 'NestedAppAuthResponse', requestId: m.requestId, success: true };
    const fail = (status: string): Record<string, unknown> => ({ messageType: 'NestedAppAuthResponse', requestId: m.requestId, success: false, error: { status, code: status, description: 'fake host' } });
    if (m.method === 'GetInitContext') return { ...ok, initContext: { sdkName: 'fake-teams-host', sdkVersion: '1.0.0', accountContext: { homeAccountId: account.homeAccountId, environment, tenantId: account.tenantId, loginHint: user.upn }, capabilities: {} } };
    if (m.method === 'GetToken' && failSilent) {
      failSilent = false;
      return fail('USER_INTERACTION_REQUIRED');
    }
    if (m.method === 'GetTokenPopup' && opts.refusePopup) return fail('USER_CANCEL');
    const r = await post(`${h.g.oidc.authority()}/oauth2/v2.0/token`, { grant_type: 'refresh_token', client_id: m.tokenParams?.clientId ?? '', refresh_token: refreshToken, scope: `${m.tokenParams?.scope ?? ''} openid profile` });
    const t = (await r.json()) as Record<string, unknown>;
    if (!r.ok) return fail('PERSISTENT_ERROR');
    return { ...ok, token: { access_token: t.access_token, expires_in: t.expires_in, id_token: t.id_token, scope: t.scope }, account };
  };
  const bridge = {
    addEventListener: (_type: string, l: (m: string) => void) => {
      listener = l;
    },
    removeEventListener: () => undefined,
    postMessage: (raw: string) => {
      const m = JSON.parse(raw) as BridgeMessage;
      seen.push(m);
      void answer(m).then((a) => listener?.(JSON.stringify(a)));
    },
  };
  const storage = (): Storage => {
    const m = new Map<string, string>();
    return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k), clear: () => m.clear(), key: (i) => [...m.keys()][i] ?? null, get length() { return m.size; } };
  };
  Object.assign(globalThis, {
    window: globalThis,
    nestedAppAuthBridge: bridge,
    sessionStorage: storage(),
    localStorage: storage(),
    location: new URL(`${h.g.url}/tab.html`),
    document: { cookie: '', visibilityState: 'visible', addEventListener: () => undefined, removeEventListener: () => undefined },
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
  });
  return seen;
}

const settings = (): AuthSettings => ({
  clientId: DEMO_CLIENT_ID,
  authority: h.g.oidc.authority(),
  knownAuthorities: [new URL(h.g.url).host],
  authorityMetadata: JSON.stringify(h.g.oidc.metadata()),
  cloudDiscoveryMetadata: null,
  graphScopes: ['https://graph.microsoft.com/Sites.Read.All'],
  sharePointScopes: ['AllSites.Manage'],
});

beforeAll(async () => {
  h = await startHarness();
  agent = new Agent({ connect: { ca: h.g.ca } });
});
afterAll(async () => {
  await agent?.close();
  await h?.close();
});

describe('nested app authentication through a fake host bridge, with the real MSAL', () => {
  it('silent with the host’s login hint; the tokens serve Graph and SharePoint REST', async () => {
    const takahashi = DEMO_DIRECTORY.users[1]!;
    const seen = installFakeHost(await hostSignIn('takahashi'), takahashi);
    const { msal } = await loadNestedMsal(settings(), `${h.g.url}/`);
    const tokens = createNestedMsalTokens({ msal, scopes: { graph: settings().graphScopes, sharePoint: settings().sharePointScopes }, loginHint: () => takahashi.upn });
    const graph = await tokens.getToken({ resource: 'graph' });
    const site = await fetch(`${h.g.graphUrl}/sites/localhost:/sites/followup`, { headers: { Authorization: `Bearer ${graph}` }, dispatcher: agent } as RequestInit);
    expect(site.status).toBe(200);
    const sp = await tokens.getToken({ resource: 'sharepoint', origin: h.g.url });
    const web = await fetch(`${h.g.url}/sites/followup/_api/web/roledefinitions`, { headers: { Authorization: `Bearer ${sp}`, Accept: 'application/json;odata=nometadata' }, dispatcher: agent } as RequestInit);
    expect(web.status).toBe(200);
    // The documented order: the bridge's context first, then silent requests only (no popup was needed).
    expect(seen.map((m) => m.method)).toEqual(['GetInitContext', 'GetToken', 'GetToken']);
    // MSAL sends the app's client id and the scopes; the user is the host's account (GetInitContext's accountContext).
    expect(seen[1]?.tokenParams).toMatchObject({ clientId: DEMO_CLIENT_ID, scope: 'https://graph.microsoft.com/Sites.Read.All' });
    expect(seen[2]?.tokenParams?.scope).toBe(`${h.g.url}/AllSites.Manage`);
  });

  it('a popup through the host only when the silent request needs interaction', async () => {
    const ito = DEMO_DIRECTORY.users[2]!;
    const seen = installFakeHost(await hostSignIn('ito'), ito, { failSilentOnce: true });
    const { msal } = await loadNestedMsal(settings(), `${h.g.url}/`);
    const tokens = createNestedMsalTokens({ msal, scopes: { graph: settings().graphScopes, sharePoint: [] }, loginHint: () => ito.upn });
    const token = await tokens.getToken({ resource: 'graph' });
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString())).toMatchObject({ upn: ito.upn });
    expect(seen.map((m) => m.method)).toEqual(['GetInitContext', 'GetToken', 'GetTokenPopup']);
  });

  it('a popup the user cancels is a PermissionError, not a hang', async () => {
    const ito = DEMO_DIRECTORY.users[2]!;
    installFakeHost(await hostSignIn('ito'), ito, { failSilentOnce: true, refusePopup: true });
    const { msal } = await loadNestedMsal(settings(), `${h.g.url}/`);
    const tokens = createNestedMsalTokens({ msal, scopes: { graph: settings().graphScopes, sharePoint: [] }, loginHint: () => ito.upn });
    await expect(tokens.getToken({ resource: 'graph' })).rejects.toMatchObject({ code: 'permission' });
  });
});
