// #13: the local service enforces delegated scopes the way Graph and SharePoint do. The same request with and without
// the needed scope, and with Sites.Selected with and without the app's grant on the site: allowed vs 403, on Graph,
// inside $batch and on SharePoint REST. The user's own rights still apply (delegated = the intersection).
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEMO_CLIENT_ID } from '../../src/emulator/index.js';
import { errorCode, type Harness, startHarness } from './harness.js';
import { idpTokens } from './idp.js';

let h: Harness;
let agent: Agent;
const G = 'https://graph.microsoft.com';

beforeAll(async () => {
  h = await startHarness();
  agent = new Agent({ connect: { ca: h.g.ca } });
});
afterAll(async () => {
  await agent?.close();
  await h?.close();
});

const bearer = (t: string): Record<string, string> => ({ Authorization: `Bearer ${t}` });
async function graph(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- Graph JSON
  const r = await fetch(`${h.g.graphUrl}${path}`, { method, headers: { ...bearer(token), 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }), dispatcher: agent } as RequestInit);
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}
const site = '/sites/localhost:/sites/followup';
const newList = (n: string): unknown => ({ displayName: n, list: { template: 'genericList' } });

describe('broad scopes', () => {
  it('reads need Sites.Read.All or higher; a token without a Sites scope gets 403 naming the scope', async () => {
    const none = await idpTokens(h, agent, 'takahashi', `${G}/User.Read`);
    const r = await graph(none.access_token, 'GET', site);
    expect(r.status).toBe(403);
    expect(errorCode({ ...r, headers: new Headers() })).toBe('accessDenied');
    expect(r.body.error.message).toContain('Sites.Read.All');
    const read = await idpTokens(h, agent, 'takahashi', `${G}/Sites.Read.All`);
    expect((await graph(read.access_token, 'GET', site)).status).toBe(200);
  });

  it('creating a list needs Sites.Manage.All: ReadWrite.All is refused, Manage.All creates it (for a site owner)', async () => {
    const rw = await idpTokens(h, agent, 'sato', `${G}/Sites.ReadWrite.All`);
    const refused = await graph(rw.access_token, 'POST', `${site}:/lists`, newList('ScopeTestA'));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('Sites.Manage.All');
    const manage = await idpTokens(h, agent, 'sato', `${G}/Sites.Manage.All`);
    expect((await graph(manage.access_token, 'POST', `${site}:/lists`, newList('ScopeTestA'))).status).toBe(201);
    // The user's rights still count: a reviewer (Read on the site) with Manage.All cannot create a list.
    const reviewer = await idpTokens(h, agent, 'takahashi', `${G}/Sites.Manage.All`);
    expect((await graph(reviewer.access_token, 'POST', `${site}:/lists`, newList('ScopeTestB'))).status).toBe(403);
  });

  it('inside $batch each step is checked on its own', async () => {
    const read = await idpTokens(h, agent, 'sato', `${G}/Sites.Read.All`);
    const r = await graph(read.access_token, 'POST', '/$batch', {
      requests: [
        { id: '1', method: 'GET', url: site },
        { id: '2', method: 'POST', url: `${site}:/lists`, headers: { 'Content-Type': 'application/json' }, body: newList('ScopeTestC') },
      ],
    });
    expect(r.status).toBe(200);
    const byId = Object.fromEntries((r.body.responses as { id: string; status: number }[]).map((x) => [x.id, x.status]));
    expect(byId).toEqual({ '1': 200, '2': 403 });
  });
});

describe('Sites.Selected and the administrator’s grant', () => {
  it('works with the grant, 403 without it, at the granted level only; Graph and $batch alike', async () => {
    const admin = h.g.tokenFor('sato');
    const grants = await graph(admin, 'GET', `${site}:/permissions`);
    expect(grants.status).toBe(200);
    const demo = (grants.body.value as { id: string; roles: string[]; grantedToIdentities: { application: { id: string } }[] }[]).find((g) => g.grantedToIdentities[0]?.application.id === DEMO_CLIENT_ID);
    expect(demo?.roles).toEqual(['fullcontrol']);
    const selected = await idpTokens(h, agent, 'sato', `${G}/Sites.Selected`);
    expect((await graph(selected.access_token, 'GET', `${site}:/lists`)).status).toBe(200);

    expect((await graph(admin, 'DELETE', `${site}:/permissions/${demo?.id ?? ''}`)).status).toBe(204);
    const without = await graph(selected.access_token, 'GET', `${site}:/lists`);
    expect(without.status).toBe(403);
    expect(without.body.error.message).toContain('no grant');
    const batch = await graph(selected.access_token, 'POST', '/$batch', { requests: [{ id: '1', method: 'GET', url: `${site}:/lists` }] });
    expect(batch.body.responses[0].status).toBe(403);

    const granted = await graph(admin, 'POST', `${site}:/permissions`, { roles: ['read'], grantedToIdentities: [{ application: { id: DEMO_CLIENT_ID, displayName: 'demo' } }] });
    expect(granted.status).toBe(201);
    expect((await graph(selected.access_token, 'GET', `${site}:/lists`)).status).toBe(200);
    const write = await graph(selected.access_token, 'POST', `${site}:/lists`, newList('ScopeTestD'));
    expect(write.status).toBe(403);
    expect(write.body.error.message).toContain("only a 'read' grant");
    const batched = await graph(selected.access_token, 'POST', '/$batch', { requests: [{ id: '1', method: 'GET', url: `${site}:/lists` }] });
    expect(batched.body.responses[0].status).toBe(200);

    // Back to the seeded state for the other tests.
    expect((await graph(admin, 'POST', `${site}:/permissions`, { roles: ['fullcontrol'], grantedToIdentitiesV2: [{ application: { id: DEMO_CLIENT_ID, displayName: 'demo' } }] })).status).toBe(201);
  });

  it('granting needs Sites.FullControl.All and a site owner; bad bodies are 400', async () => {
    const manage = await idpTokens(h, agent, 'sato', `${G}/Sites.Manage.All`);
    expect((await graph(manage.access_token, 'GET', `${site}:/permissions`)).status).toBe(403);
    expect((await graph(h.g.tokenFor('suzuki'), 'GET', `${site}:/permissions`)).status).toBe(403);
    const admin = h.g.tokenFor('sato');
    for (const body of [{}, { roles: ['owner!'] }, { roles: ['read'], grantedToIdentities: [] }, { roles: ['read', 'write'], grantedToIdentities: [{ application: { id: DEMO_CLIENT_ID } }] }, { roles: ['read'], grantedToIdentities: [{ application: { id: 'x' } }] }]) {
      expect((await graph(admin, 'POST', `${site}:/permissions`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await graph(admin, 'DELETE', `${site}:/permissions/nope`)).status).toBe(404);
  });
});

describe('SharePoint REST', () => {
  it('reads need AllSites.Read; permission changes need AllSites.FullControl', async () => {
    const sp = async (token: string, method: string, path: string): Promise<{ status: number; text: string }> => {
      const r = await fetch(`${h.g.url}/sites/followup/_api/web${path}`, { method, headers: { ...bearer(token), Accept: 'application/json;odata=nometadata' }, dispatcher: agent } as RequestInit);
      return { status: r.status, text: await r.text() };
    };
    const read = await idpTokens(h, agent, 'sato', `${h.g.url}/AllSites.Read`);
    expect((await sp(read.access_token, 'GET', '/roledefinitions')).status).toBe(200);
    const lists = (await graph(h.g.tokenFor('sato'), 'GET', `${site}:/lists`)).body.value as { displayName: string }[];
    const title = encodeURIComponent(lists[0]?.displayName ?? '');
    const denied = await sp(read.access_token, 'POST', `/lists/getbytitle('${title}')/breakroleinheritance(copyRoleAssignments=true,clearSubscopes=true)`);
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('AllSites.FullControl');
    const full = await idpTokens(h, agent, 'sato', `${h.g.url}/AllSites.FullControl`);
    expect((await sp(full.access_token, 'POST', `/lists/getbytitle('${title}')/breakroleinheritance(copyRoleAssignments=true,clearSubscopes=true)`)).status).toBeLessThan(300);
  });
});
