import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROLE } from '../../src/emulator/index.js';
import { errorCode, type Harness, startHarness } from './harness.js';

let h: Harness;
let lp: string;
const title = 'フォローアップ';
const ids: string[] = [];
let somuGroupId: number;
let suzukiId: number;

const titles = async (as: string, query = ''): Promise<string[]> => {
  const r = await h.call('GET', `${lp}/items?$expand=fields${query}`, { as });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.value.map((i: { fields: { Title: string } }) => i.fields.Title).sort();
};

beforeAll(async () => {
  h = await startHarness();
  const l = await h.call('POST', `${h.sitePath}/lists`, { body: { displayName: title, columns: [{ name: 'Division', text: {}, indexed: true }] } });
  lp = `${h.sitePath}/lists/${l.body.id as string}`;
  for (const [t, d] of [['総務課の取組', 'div-somu'], ['企画課の取組', 'div-kikaku'], ['共通', 'all']]) {
    const r = await h.call('POST', `${lp}/items`, { body: { fields: { Title: t, Division: d } } });
    ids.push(r.body.id as string);
  }
  somuGroupId = (await h.sp('GET', `/sitegroups/getbyname('${encodeURIComponent('大臣官房総務課')}')`)).body.Id as number;
  suzukiId = (await h.sp('GET', `/siteusers/getbyemail('suzuki@soumu.localhost')`)).body.Id as number;
});
afterAll(async () => h.close());

describe('directory over SharePoint REST', () => {
  it('resolves groups by Japanese title or id, users by email and ensureuser, with site-local ids', async () => {
    expect(somuGroupId).toBeGreaterThan(0);
    expect((await h.sp('GET', "/sitegroups/getbyname('div-somu')")).body).toMatchObject({ Id: somuGroupId, Title: '大臣官房総務課', PrincipalType: 8 });
    const members = await h.sp('GET', `/sitegroups/getbyid(${somuGroupId})/users`);
    expect(members.body.value.map((u: { Email: string }) => u.Email).sort()).toEqual(['kato@soumu.localhost', 'suzuki@soumu.localhost']);
    const ensured = await h.sp('POST', '/ensureuser', { body: { logonName: 'i:0#.f|membership|suzuki@soumu.localhost' } });
    expect(ensured.body).toMatchObject({ Id: suzukiId, Title: '鈴木 一郎', PrincipalType: 1, LoginName: 'i:0#.f|membership|suzuki@soumu.localhost' });
    expect((await h.sp('GET', "/siteusers/getbyemail('nobody@soumu.localhost')")).status).toBe(404);
  });
  it('returns the standard role definitions by name with SharePoint ids', async () => {
    for (const [name, id] of [['Read', ROLE.Read], ['Contribute', ROLE.Contribute], ['Edit', ROLE.Edit], ['Full Control', ROLE.FullControl]] as const) {
      const r = await h.sp('GET', `/roledefinitions/getbyname('${encodeURIComponent(name)}')`);
      expect(r.body).toMatchObject({ Id: id, Name: name });
    }
  });
  it('answers in verbose and minimal metadata formats', async () => {
    const v = await h.sp('GET', "/roledefinitions/getbyname('Edit')", { headers: { Accept: 'application/json;odata=verbose' } });
    expect(v.body.d).toMatchObject({ Id: ROLE.Edit, __metadata: { type: 'SP.RoleDefinition' } });
    const m = await h.sp('GET', "/roledefinitions/getbyname('Edit')", { headers: { Accept: 'application/json' } });
    expect(m.body['odata.type']).toBe('SP.RoleDefinition');
  });
});

describe('default permissions', () => {
  it('divisions see nothing before permissions are set; reviewers read but cannot write; only the owner creates lists', async () => {
    expect((await h.call('GET', lp, { as: 'suzuki' })).status).toBe(403);
    expect(await titles('ito')).toEqual(['企画課の取組', '共通', '総務課の取組']);
    const w = await h.call('PATCH', `${lp}/items/${ids[0] as string}/fields`, { as: 'ito', body: { Title: 'x' } });
    expect(w.status).toBe(403);
    expect(errorCode(w)).toBe('accessDenied');
    const mk = await h.call('POST', `${h.sitePath}/lists`, { as: 'ito', body: { displayName: 'nope' } });
    expect(mk.status).toBe(403);
    const col = await h.call('POST', `${lp}/columns`, { as: 'ito', body: { name: 'Nope', text: {} } });
    expect(col.status).toBe(403);
  });
});

describe('item-level permissions', () => {
  it('breaks inheritance with copy, adds Edit for a division: the division sees and edits only its item', async () => {
    const item = `/lists/getbytitle('${encodeURIComponent(title)}')/items(${ids[0] as string})`;
    expect((await h.sp('GET', `${item}/HasUniqueRoleAssignments`)).body).toEqual({ value: false });
    const inherits = await h.sp('POST', `${item}/roleassignments/addroleassignment(principalid=${somuGroupId},roledefid=${ROLE.Edit})`);
    expect(inherits.status).toBe(400);
    expect(inherits.body['odata.error'].message.value).toMatch(/inherits permissions/);
    expect((await h.sp('POST', `${item}/breakroleinheritance(copyRoleAssignments=true,clearSubscopes=true)`)).status).toBe(200);
    expect((await h.sp('POST', `${item}/roleassignments/addroleassignment(principalid=${somuGroupId},roledefid=${ROLE.Edit})`)).body).toEqual({ 'odata.null': true });
    expect((await h.sp('GET', `${item}/HasUniqueRoleAssignments`)).body).toEqual({ value: true });

    const ra = await h.sp('GET', `${item}/roleassignments?$expand=Member,RoleDefinitionBindings`);
    const byTitle = Object.fromEntries(ra.body.value.map((a: { Member: { Title: string }; RoleDefinitionBindings: { Name: string }[] }) => [a.Member.Title, a.RoleDefinitionBindings.map((b) => b.Name)]));
    expect(byTitle).toEqual({ 大臣官房秘書課: ['Full Control'], 働き方改革推進委員会: ['Read'], 大臣官房総務課: ['Edit'] });

    expect(await titles('suzuki')).toEqual(['総務課の取組']);
    expect(await titles('kato', `&$filter=${encodeURIComponent("fields/Division eq 'div-kikaku'")}`)).toEqual([]);
    expect((await h.call('GET', lp, { as: 'suzuki' })).status).toBe(200);
    const own = await h.call('PATCH', `${lp}/items/${ids[0] as string}/fields`, { as: 'suzuki', body: { Title: '総務課の取組(更新)' } });
    expect(own.status).toBe(200);
    expect(own.body.EditorLookupId).toBe(String(suzukiId));
    const other = await h.call('PATCH', `${lp}/items/${ids[1] as string}/fields`, { as: 'suzuki', body: { Title: 'x' } });
    expect(other.status).toBe(404);
    expect((await h.call('POST', `${lp}/items`, { as: 'suzuki', body: { fields: { Title: 'new' } } })).status).toBe(403);
    // A user with no role anywhere in the site is refused at the site, as SharePoint does.
    expect((await h.call('GET', `${lp}/items`, { as: 'tanaka' })).status).toBe(403);
    // The reviewers' copied Read still applies; the owner still sees everything.
    expect(await titles('ito')).toContain('総務課の取組(更新)');
    expect(await titles('sato')).toHaveLength(3);
  });

  it('enforces permissions inside $batch per sub-request', async () => {
    const b = await h.call('POST', '/$batch', {
      as: 'suzuki',
      body: {
        requests: [
          { id: 'mine', method: 'GET', url: `${lp}/items/${ids[0] as string}?$expand=fields` },
          { id: 'theirs', method: 'GET', url: `${lp}/items/${ids[1] as string}` },
          { id: 'write', method: 'PATCH', url: `${lp}/items/${ids[2] as string}/fields`, headers: { 'Content-Type': 'application/json' }, body: { Title: 'hack' } },
        ],
      },
    });
    expect(b.status).toBe(200);
    expect(b.body.responses.map((r: { id: string; status: number }) => [r.id, r.status])).toEqual([['mine', 200], ['theirs', 404], ['write', 404]]);
    expect((await h.call('GET', `${lp}/items/${ids[2] as string}?$expand=fields`)).body.fields.Title).toBe('共通');
  });

  it('hides unreadable items from delta and shows them once granted', async () => {
    const first = await h.call('GET', `${lp}/items/delta`, { as: 'suzuki' });
    expect(first.body.value.map((i: { id: string }) => i.id)).toEqual([ids[0]]);
    const item = `/lists/getbytitle('${encodeURIComponent(title)}')/items(${ids[1] as string})`;
    await h.sp('POST', `${item}/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)`);
    // Without copying, only the caller remains (SharePoint's documented BreakRoleInheritance(false) result).
    const ra = await h.sp('GET', `${item}/roleassignments?$expand=Member`);
    expect(ra.body.value.map((a: { Member: { Email: string } }) => a.Member.Email)).toEqual(['sato@soumu.localhost']);
    expect(await titles('ito')).not.toContain('企画課の取組');
    await h.sp('POST', `${item}/roleassignments/addroleassignment(principalid=${suzukiId},roledefid=${ROLE.Read})`);
    const next = await h.call('GET', first.body['@odata.deltaLink'] as string, { as: 'suzuki' });
    expect(next.body.value.map((i: { id: string }) => i.id)).toEqual([ids[1]]);
    expect((await h.call('PATCH', `${lp}/items/${ids[1] as string}/fields`, { as: 'suzuki', body: { Title: 'x' } })).status).toBe(403);
    await h.sp('POST', `${item}/roleassignments/removeroleassignment(principalid=${suzukiId},roledefid=${ROLE.Read})`);
    expect(await titles('suzuki')).toEqual(['総務課の取組(更新)']);
  });

  it('resets inheritance and refuses permission changes from users without Full Control', async () => {
    const item = `/lists/getbytitle('${encodeURIComponent(title)}')/items(${ids[0] as string})`;
    const denied = await h.sp('POST', `${item}/roleassignments/addroleassignment(principalid=${suzukiId},roledefid=${ROLE.FullControl})`, { as: 'suzuki' });
    expect(denied.status).toBe(403);
    expect((await h.sp('POST', `${item}/resetroleinheritance`)).status).toBe(200);
    expect((await h.sp('GET', `${item}/HasUniqueRoleAssignments`)).body).toEqual({ value: false });
    expect((await h.call('GET', `${lp}/items`, { as: 'suzuki' })).status).toBe(403);
  });

  it('supports list-level inheritance breaking with lists(guid\'…\')', async () => {
    const guid = lp.split('/').pop() as string;
    const list = `/lists(guid'${guid}')`;
    await h.sp('POST', `${list}/breakroleinheritance(copyRoleAssignments=true,clearSubscopes=true)`);
    await h.sp('POST', `${list}/roleassignments/addroleassignment(principalid=${somuGroupId},roledefid=${ROLE.Contribute})`);
    expect(await titles('kato')).toHaveLength(3);
    const created = await h.call('POST', `${lp}/items`, { as: 'kato', body: { fields: { Title: '加藤の追加' } } });
    expect(created.status).toBe(201);
    expect((await h.call('POST', `${lp}/columns`, { as: 'kato', body: { name: 'Nope', text: {} } })).status).toBe(403);
    expect((await h.sp('GET', `${list}/HasUniqueRoleAssignments`)).body).toEqual({ value: true });
  });
});
