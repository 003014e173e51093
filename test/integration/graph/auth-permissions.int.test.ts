// Authentication (401) and item-level permissions set through SharePoint REST (403/404) (#3).
// Evidence: concepts/errors.md (401/403 + error body); platform-facts B (customHosts decides whether the token is sent);
// sp-dev-docs set-custom-permissions-on-a-list-by-using-the-rest-interface.md (breakroleinheritance, addroleassignment,
// roledefinitions/getbyname); SharePoint item-level permissions hide items the caller cannot view.
import { Client, type FetchOptions } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { type LocalGraphHarness, type RawResponse, startLocalGraph } from '../../support/local-graph-client.js';
import { type Collection, createItem, createList, getAll, type ListItemBody } from './followup-list.js';
import { expectGraphError, expectGraphErrorBody, expectRawError } from './graph-assertions.js';

const LIST_TITLE = 'Permissions';
const NOMETADATA = { Accept: 'application/json;odata=nometadata' };

let h: LocalGraphHarness;
let listPath: string;
/** A: 総務課 Edit + 企画課 Read. B: 総務課 Edit + watanabe Contribute. C: inherits the site (secretariat, reviewers). */
let a: string;
let b: string;
let c: string;

async function sp(method: string, path: string, token?: string | null): Promise<RawResponse> {
  return h.raw(method, `${h.graph.url}/sites/followup/_api/web/${path}`, {
    headers: NOMETADATA,
    ...(token !== undefined ? { token } : {}),
  });
}

async function spId(path: string): Promise<number> {
  const res = await sp('GET', path);
  expect(res.status, `${path}: ${res.text}`).toBe(200);
  const id = (res.json as { Id?: unknown }).Id;
  expect(id, `${path} Id`).toEqual(expect.any(Number));
  return id as number;
}

async function spOk(method: string, path: string, token?: string): Promise<void> {
  const res = await sp(method, path, token);
  expect([200, 204], `${method} ${path}: ${res.status} ${res.text}`).toContain(res.status);
}

const item = (id: string): string => `lists/getbytitle('${LIST_TITLE}')/items(${id})`;
const visibleTo = async (user: string): Promise<string[]> =>
  (await getAll<ListItemBody>(h.clientAs(user), `${listPath}/items`)).map((i) => i.id).sort();
const sorted = (...ids: string[]): string[] => [...ids].sort();

beforeAll(async () => {
  h = await startLocalGraph();
  const list = await createList(h.client, h.sitePath, LIST_TITLE);
  listPath = `${h.sitePath}/lists/${list.id}`;
  a = (await createItem(h.client, listPath, { Title: 'A 総務課', Division: '大臣官房総務課', Amount: 1 })).id;
  b = (await createItem(h.client, listPath, { Title: 'B 総務課', Division: '大臣官房総務課', Amount: 2 })).id;
  c = (await createItem(h.client, listPath, { Title: 'C 企画課', Division: '大臣官房企画課', Amount: 3 })).id;

  const edit = await spId(`roledefinitions/getbyname('Edit')`);
  const read = await spId(`roledefinitions/getbyname('Read')`);
  const contribute = await spId(`roledefinitions/getbyname('Contribute')`);
  const somu = await spId(`sitegroups/getbyname('${encodeURIComponent('大臣官房総務課')}')`);
  const kikaku = await spId(`sitegroups/getbyname('${encodeURIComponent('大臣官房企画課')}')`);
  const watanabe = await spId(`siteusers/getbyemail('${encodeURIComponent('watanabe@soumu.localhost')}')`);

  await spOk('POST', `${item(a)}/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)`);
  await spOk('POST', `${item(a)}/roleassignments/addroleassignment(principalid=${somu},roledefid=${edit})`);
  await spOk('POST', `${item(a)}/roleassignments/addroleassignment(principalid=${kikaku},roledefid=${read})`);
  await spOk('POST', `${item(b)}/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)`);
  await spOk('POST', `${item(b)}/roleassignments/addroleassignment(principalid=${somu},roledefid=${edit})`);
  await spOk('POST', `${item(b)}/roleassignments/addroleassignment(principalid=${watanabe},roledefid=${contribute})`);
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await h?.close();
});

describe('401 Unauthorized', () => {
  const site = (): string => h.sitePath;

  it('no token → 401 InvalidAuthenticationToken', async () => {
    expectRawError(await h.raw('GET', site(), { token: null }), 401, 'InvalidAuthenticationToken');
  });

  it('a token that is not a JWT → 401', async () => {
    expectRawError(await h.raw('GET', site(), { token: 'not-a-token' }), 401, 'InvalidAuthenticationToken');
    await expectGraphError(h.clientWithToken(() => 'not-a-token').api(site()).get(), 401, 'InvalidAuthenticationToken');
  });

  it('a forged token (claims swapped, or signature altered) → 401', async () => {
    const [head, , sig] = h.graph.tokenFor('suzuki').split('.') as [string, string, string];
    const ownerClaims = h.graph.tokenFor().split('.')[1] as string;
    expectRawError(await h.raw('GET', site(), { token: `${head}.${ownerClaims}.${sig}` }), 401, 'InvalidAuthenticationToken');
    const [h2, p2, s2] = h.graph.tokenFor('suzuki').split('.') as [string, string, string];
    const flipped = `${s2.slice(0, -2)}${s2.endsWith('AA') ? 'BB' : 'AA'}`;
    expectRawError(await h.raw('GET', site(), { token: `${h2}.${p2}.${flipped}` }), 401, 'InvalidAuthenticationToken');
    const none = `${Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'none' })).toString('base64url')}.${p2}.`;
    expectRawError(await h.raw('GET', site(), { token: none }), 401, 'InvalidAuthenticationToken');
  });

  it('an expired token → 401 (clock moved past exp and the 5 minutes of tolerated skew)', async () => {
    const token = h.graph.tokenFor('suzuki');
    const exp = (JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as { exp: number }).exp;
    expect((await h.raw('GET', site(), { token })).status).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime((exp + 300 + 60) * 1000);
    const res = await h.raw('GET', site(), { token });
    vi.useRealTimers();
    expectRawError(res, 401, 'InvalidAuthenticationToken');
  });

  it('a client without customHosts never sends the token, so the service answers 401', async () => {
    const dispatcher = new Agent({ connect: { ca: h.graph.ca } });
    try {
      const client = Client.initWithMiddleware({
        authProvider: { getAccessToken: () => Promise.resolve(h.graph.tokenFor()) },
        baseUrl: `${h.graph.url}/`,
        fetchOptions: { dispatcher } as unknown as FetchOptions,
      });
      await expectGraphError(client.api(site()).get(), 401, 'InvalidAuthenticationToken');
    } finally {
      await dispatcher.close();
    }
  });
});

describe('item-level permissions', () => {
  it('lists only the items each user can view', async () => {
    expect(await visibleTo('tanaka')).toEqual([a]); // 企画課: Read on A only
    expect(await visibleTo('suzuki')).toEqual(sorted(a, b)); // 総務課: Edit on A and B
    expect(await visibleTo('watanabe')).toEqual([b]); // direct Contribute on B
    expect(await visibleTo('takahashi')).toEqual([c]); // reviewers: site Read; A and B no longer inherit
  });

  it('GET of an item without read access → 404 itemNotFound', async () => {
    const tanaka = h.clientAs('tanaka');
    expect(((await tanaka.api(`${listPath}/items/${a}`).get()) as ListItemBody).id).toBe(a);
    await expectGraphError(tanaka.api(`${listPath}/items/${b}`).get(), 404, 'itemNotFound');
    await expectGraphError(tanaka.api(`${listPath}/items/${c}?$expand=fields`).get(), 404, 'itemNotFound');
    await expectGraphError(h.clientAs('takahashi').api(`${listPath}/items/${a}/versions`).get(), 404, 'itemNotFound');
  });

  it("a division member writing another division's item → 403 accessDenied, item unchanged", async () => {
    const tanaka = h.clientAs('tanaka');
    await expectGraphError(tanaka.api(`${listPath}/items/${a}/fields`).patch({ Amount: 100 }), 403, 'accessDenied');
    await expectGraphError(tanaka.api(`${listPath}/items/${a}`).delete(), 403, 'accessDenied');
    await expectGraphError(h.clientAs('takahashi').api(`${listPath}/items/${c}/fields`).patch({ Amount: 100 }), 403, 'accessDenied');
    const fieldsOf = async (id: string) =>
      ((await h.client.api(`${listPath}/items/${id}?$expand=fields`).get()) as ListItemBody).fields;
    expect(await fieldsOf(a)).toMatchObject({ Amount: 1, Title: 'A 総務課' });
    expect(await fieldsOf(c)).toMatchObject({ Amount: 3 });
  });

  it('item-level access does not let a user add items to the list (403), nor does site Read', async () => {
    const before = await visibleTo('sato');
    await expectGraphError(h.clientAs('tanaka').api(`${listPath}/items`).post({ fields: { Title: 'x' } }), 403, 'accessDenied');
    await expectGraphError(h.clientAs('takahashi').api(`${listPath}/items`).post({ fields: { Title: 'x' } }), 403, 'accessDenied');
    expect(await visibleTo('sato')).toEqual(before);
  });

  it('members with Edit/Contribute can write', async () => {
    const fields = (await h.clientAs('suzuki').api(`${listPath}/items/${a}/fields`).patch({ Amount: 11 })) as Record<string, unknown>;
    expect(fields.Amount).toBe(11);
    const byWatanabe = (await h.clientAs('watanabe').api(`${listPath}/items/${b}/fields`).patch({ Amount: 22 })) as Record<
      string,
      unknown
    >;
    expect(byWatanabe.Amount).toBe(22);
    const item = (await h.client.api(`${listPath}/items/${b}`).get()) as { lastModifiedBy: { user: { displayName: string } } };
    expect(item.lastModifiedBy.user.displayName).toBe('渡辺 直樹');
  });

  it('applies the same checks inside $batch', async () => {
    const res = (await h.clientAs('tanaka').api('/$batch').post({
      requests: [
        { id: 'read', method: 'GET', url: `${listPath}/items/${a}` },
        {
          id: 'write',
          method: 'PATCH',
          url: `${listPath}/items/${a}/fields`,
          headers: { 'Content-Type': 'application/json' },
          body: { Amount: 500 },
        },
        { id: 'hidden', method: 'GET', url: `${listPath}/items/${b}` },
        { id: 'list', method: 'GET', url: `${listPath}/items` },
      ],
    })) as { responses: { id: string; status: number; body?: unknown }[] };
    const byId = new Map(res.responses.map((r) => [r.id, r]));
    expect(byId.get('read')?.status).toBe(200);
    expect(byId.get('write')?.status).toBe(403);
    expectGraphErrorBody(byId.get('write')?.body, 'accessDenied');
    expect(byId.get('hidden')?.status).toBe(404);
    expectGraphErrorBody(byId.get('hidden')?.body, 'itemNotFound');
    expect(byId.get('list')?.status).toBe(200);
    expect((byId.get('list')?.body as Collection<ListItemBody>).value.map((i) => i.id)).toEqual([a]);
    const amount = ((await h.client.api(`${listPath}/items/${a}?$expand=fields`).get()) as ListItemBody).fields?.Amount;
    expect(amount).not.toBe(500);
  });

  it('delta only reports items the caller can view', async () => {
    // getAll follows nextLinks; the last delta page carries the deltaLink instead.
    const items = await getAll<ListItemBody>(h.clientAs('tanaka'), `${listPath}/items/delta`);
    expect(items.map((i) => i.id)).toEqual([a]);
  });

  it('removeroleassignment takes access away again', async () => {
    const reviewers = await spId(`sitegroups/getbyname('${encodeURIComponent('働き方改革推進委員会')}')`);
    const read = await spId(`roledefinitions/getbyname('Read')`);
    await spOk('POST', `${item(a)}/roleassignments/addroleassignment(principalid=${reviewers},roledefid=${read})`);
    expect(await visibleTo('takahashi')).toEqual(sorted(a, c));
    await spOk('POST', `${item(a)}/roleassignments/removeroleassignment(principalid=${reviewers},roledefid=${read})`);
    expect(await visibleTo('takahashi')).toEqual([c]);
  });

  it('SharePoint REST needs a valid token too (401)', async () => {
    expect((await sp('GET', `roledefinitions/getbyname('Edit')`, null)).status).toBe(401);
    expect((await sp('GET', `roledefinitions/getbyname('Edit')`, 'not-a-token')).status).toBe(401);
  });

  it('a user without manage-permissions rights cannot change item permissions', async () => {
    const res = await sp('POST', `${item(a)}/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)`, h.graph.tokenFor('tanaka'));
    expect(res.status).toBe(403);
    expect(await visibleTo('tanaka')).toEqual([a]);
  });
});
