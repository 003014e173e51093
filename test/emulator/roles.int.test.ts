// #8.4 (local-service side): permission levels defined through SharePoint REST role definitions, rights as real
// SharePoint BasePermissions bits, so a level without DeleteListItems lets a division edit but not delete.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ROLE } from '../../src/emulator/index.js';
import { BUILT_IN_ROLES, hasPermission, PermissionKind, permissionBit, toBasePermissions, toMask } from '../../src/emulator/store/roles.js';
import { errorCode, type Harness, type Res, startHarness } from './harness.js';

let h: Harness;
let lp: string;
let itemA: string;
let itemB: string;
const groupId: Record<string, number> = {};

const contribute = BUILT_IN_ROLES.find((r) => r.id === ROLE.Contribute)?.mask ?? 0n;
/** Contribute without DeleteListItems and DeleteVersions: "edit without delete". */
const noDelete = toBasePermissions(contribute & ~permissionBit(PermissionKind.DeleteListItems) & ~permissionBit(PermissionKind.DeleteVersions));
/** View and add, nothing else on items: "add only" (#12). */
const addOnly = toBasePermissions(permissionBit(PermissionKind.ViewListItems) | permissionBit(PermissionKind.AddListItems) | permissionBit(PermissionKind.Open) | permissionBit(PermissionKind.ViewPages));

const spErrorMessage = (r: Res): string => String(r.body?.['odata.error']?.message?.value ?? r.body?.error?.message?.value ?? '');
const item = async (id: string): Promise<Res> => h.call('GET', `${lp}/items/${id}?$expand=fields`, { as: 'sato' });

beforeAll(async () => {
  h = await startHarness({ fileDb: true });
  const l = await h.call('POST', `${h.sitePath}/lists`, { body: { displayName: 'Rows', columns: [{ name: 'Division', text: {}, indexed: true }] } });
  lp = `${h.sitePath}/lists/${l.body.id as string}`;
  itemA = (await h.call('POST', `${lp}/items`, { body: { fields: { Title: 'A', Division: 'div-somu' } } })).body.id as string;
  itemB = (await h.call('POST', `${lp}/items`, { body: { fields: { Title: 'B', Division: 'div-somu' } } })).body.id as string;
  for (const g of ['secretariat', 'reviewers', 'div-somu', 'div-kikaku']) groupId[g] = (await h.sp('GET', `/sitegroups/getbyname('${g}')`)).body.Id as number;
});
afterAll(async () => h.close());

describe('BasePermissions', () => {
  it('keeps SharePoint masks of the built-in levels: Edit and Contribute delete, only Edit manages lists, Read only views', () => {
    const by = (id: number): bigint => BUILT_IN_ROLES.find((r) => r.id === id)?.mask ?? 0n;
    expect(BUILT_IN_ROLES.map((r) => [r.name, r.basePermissions.High, r.basePermissions.Low])).toEqual([
      ['Full Control', '2147483647', '4294967295'], ['Edit', '432', '1012866047'], ['Contribute', '432', '1011028719'], ['Read', '176', '138612833'],
    ]);
    for (const id of [ROLE.Edit, ROLE.Contribute]) for (const k of [PermissionKind.ViewListItems, PermissionKind.AddListItems, PermissionKind.EditListItems, PermissionKind.DeleteListItems]) expect(hasPermission(by(id), k)).toBe(true);
    expect(hasPermission(by(ROLE.Edit), PermissionKind.ManageLists)).toBe(true);
    expect(hasPermission(by(ROLE.Contribute), PermissionKind.ManageLists)).toBe(false);
    expect(hasPermission(by(ROLE.Read), PermissionKind.ViewListItems)).toBe(true);
    for (const k of [PermissionKind.AddListItems, PermissionKind.EditListItems, PermissionKind.DeleteListItems]) expect(hasPermission(by(ROLE.Read), k)).toBe(false);
    expect(hasPermission(by(ROLE.FullControl), PermissionKind.EnumeratePermissions)).toBe(true);
    expect(toMask(toBasePermissions(by(ROLE.FullControl)))).toBe(by(ROLE.FullControl));
  });
});

describe('role definitions over SharePoint REST', () => {
  let noDeleteId: number;
  let addOnlyId: number;

  it('creates a level from an odata=verbose body and finds it by name and id', async () => {
    const r = await h.sp('POST', '/roledefinitions', {
      headers: { Accept: 'application/json;odata=verbose', 'Content-Type': 'application/json;odata=verbose' },
      body: { __metadata: { type: 'SP.RoleDefinition' }, Name: '編集(削除なし)', Description: 'Contribute without delete', Order: 65, BasePermissions: { __metadata: { type: 'SP.BasePermissions' }, High: noDelete.High, Low: noDelete.Low } },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.d).toMatchObject({ __metadata: { type: 'SP.RoleDefinition' }, Name: '編集(削除なし)', Order: 65, RoleTypeKind: 0, BasePermissions: noDelete });
    noDeleteId = r.body.d.Id as number;
    expect(noDeleteId).toBeGreaterThanOrEqual(1073741924);
    expect((await h.sp('GET', `/roledefinitions/getbyname('${encodeURIComponent('編集(削除なし)')}')`)).body).toMatchObject({ Id: noDeleteId, BasePermissions: noDelete });
    expect((await h.sp('GET', `/roledefinitions/getbyid(${noDeleteId})`)).body).toMatchObject({ Name: '編集(削除なし)' });
    expect((await h.sp('GET', `/roledefinitions(${noDeleteId})`)).body).toMatchObject({ Name: '編集(削除なし)' });
    const all = (await h.sp('GET', '/roledefinitions')).body.value.map((x: { Name: string }) => x.Name);
    expect(all).toEqual(['Full Control', 'Edit', 'Contribute', 'Read', '編集(削除なし)']);
  });

  it('creates a level from an odata=nometadata body with numeric High/Low', async () => {
    const r = await h.sp('POST', '/roledefinitions', { body: { Name: 'Add only', Description: '', BasePermissions: { High: Number(addOnly.High), Low: Number(addOnly.Low) } } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ Name: 'Add only', BasePermissions: addOnly, RoleTypeKind: 0 });
    addOnlyId = r.body.Id as number;
    // Stored in the database, per site.
    const db = new Database(h.dbPath, { readonly: true });
    expect(db.prepare('SELECT name, high, low FROM role_definitions ORDER BY id').all()).toEqual([
      { name: '編集(削除なし)', high: noDelete.High, low: noDelete.Low },
      { name: 'Add only', high: addOnly.High, low: addOnly.Low },
    ]);
    db.close();
  });

  it('refuses bad bodies (400 naming the field), duplicates (409) and non-owners (403), storing nothing', async () => {
    const before = h.digest();
    const post = (body: unknown, as = 'sato'): Promise<Res> => h.sp('POST', '/roledefinitions', { as, body });
    const cases: [unknown, number, RegExp][] = [
      [{ Name: '編集(削除なし)', BasePermissions: noDelete }, 409, /already exists/],
      [{ Name: ' 編集 (削除なし) ', BasePermissions: noDelete }, 409, /already exists/],
      [{ Name: 'FullControl', BasePermissions: noDelete }, 409, /already exists/],
      [{ Name: 'x' }, 400, /BasePermissions/],
      [{ BasePermissions: noDelete }, 400, /'Name'/],
      [{ Name: '  ', BasePermissions: noDelete }, 400, /'Name'/],
      [{ Name: 'x', BasePermissions: { High: 'abc', Low: '1' } }, 400, /BasePermissions.High/],
      [{ Name: 'x', BasePermissions: { High: '0', Low: 4294967296 } }, 400, /BasePermissions.Low must be an integer from 0 to 4294967295/],
      [{ Name: 'x', BasePermissions: { High: '0', Low: '1', Mid: '2' } }, 400, /'Mid'/],
      [{ Name: 'x', BasePermissions: noDelete, RoleTypeKind: 5 }, 400, /'RoleTypeKind' does not exist/],
      [{ Name: 'x', BasePermissions: noDelete, Order: -1 }, 400, /'Order'/],
      [null, 400, /SP.RoleDefinition object/],
      [['x'], 400, /SP.RoleDefinition object/],
    ];
    for (const [body, status, msg] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(spErrorMessage(r)).toMatch(msg);
    }
    for (const who of ['suzuki', 'takahashi']) {
      const r = await post({ Name: 'mine', BasePermissions: toBasePermissions(contribute) }, who);
      expect(r.status).toBe(403);
    }
    expect((await h.sp('POST', `/roledefinitions(${ROLE.Read})`, { headers: { 'X-HTTP-Method': 'MERGE' }, body: { Description: 'x' } })).status).toBe(400);
    expect((await h.sp('DELETE', `/roledefinitions(${ROLE.FullControl})`)).status).toBe(400);
    expect((await h.sp('GET', '/roledefinitions(123)')).status).toBe(404);
    expect(h.digest()).toBe(before);
  });

  describe('enforced on every Graph write, $batch included', () => {
    beforeAll(async () => {
      // The list's own set: the secretariat (Full Control) and the reviewers (edit without delete); items A and B
      // copy it and add div-somu with the same level; div-kikaku may only add to the list.
      expect((await h.sp('POST', `/lists(guid'${lp.split('/').pop() as string}')/breakroleinheritance(copyRoleAssignments=false,clearSubscopes=true)`)).status).toBe(200);
      const listPath = `/lists(guid'${lp.split('/').pop() as string}')`;
      for (const [g, role] of [['secretariat', ROLE.FullControl], ['reviewers', noDeleteId], ['div-kikaku', addOnlyId]] as const) {
        expect((await h.sp('POST', `${listPath}/roleassignments/addroleassignment(principalid=${groupId[g] as number},roledefid=${role})`)).status).toBe(200);
      }
      for (const id of [itemA, itemB]) {
        expect((await h.sp('POST', `${listPath}/items(${id})/breakroleinheritance(copyRoleAssignments=true,clearSubscopes=true)`)).status).toBe(200);
        expect((await h.sp('POST', `${listPath}/items(${id})/roleassignments/addroleassignment(principalid=${groupId['div-somu'] as number},roledefid=${noDeleteId})`)).status).toBe(200);
      }
    });

    it('a division member and a reviewer edit but cannot delete: 403 accessDenied, the item unchanged', async () => {
      for (const who of ['suzuki', 'kato', 'takahashi', 'ito']) {
        const patch = await h.call('PATCH', `${lp}/items/${itemA}/fields`, { as: who, body: { Title: `A by ${who}` } });
        expect(patch.status, who).toBe(200);
        const before = await item(itemA);
        const digest = h.digest();
        const del = await h.call('DELETE', `${lp}/items/${itemA}`, { as: who });
        expect(del.status, who).toBe(403);
        expect(errorCode(del)).toBe('accessDenied');
        const withMatch = await h.call('DELETE', `${lp}/items/${itemA}`, { as: who, headers: { 'If-Match': '*' } });
        expect(withMatch.status).toBe(403);
        const batch = await h.call('POST', '/$batch', { as: who, body: { requests: [{ id: '1', method: 'DELETE', url: `${lp}/items/${itemA}` }, { id: '2', method: 'DELETE', url: `${lp}/items/${itemB}`, headers: { 'If-Match': '*' } }] } });
        expect(batch.status).toBe(200);
        expect(batch.body.responses.map((r: { status: number }) => r.status)).toEqual([403, 403]);
        expect(batch.body.responses[0].body.error.code).toBe('accessDenied');
        const after = await item(itemA);
        expect(after.status).toBe(200);
        expect(after.body.eTag).toBe(before.body.eTag);
        expect(after.body.fields).toEqual(before.body.fields);
        expect((await item(itemB)).status).toBe(200);
        expect(h.digest()).toBe(digest);
      }
    });

    it('an add-only level adds items but neither edits nor deletes them (#12)', async () => {
      const created = await h.call('POST', `${lp}/items`, { as: 'tanaka', body: { fields: { Title: 'added by 企画課', Division: 'div-kikaku' } } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = created.body.id as string;
      expect((await h.call('GET', `${lp}/items/${id}`, { as: 'tanaka' })).status).toBe(200);
      expect(errorCode(await h.call('PATCH', `${lp}/items/${id}/fields`, { as: 'tanaka', body: { Title: 'changed' } }))).toBe('accessDenied');
      expect(errorCode(await h.call('DELETE', `${lp}/items/${id}`, { as: 'tanaka' }))).toBe('accessDenied');
      expect((await item(id)).body.fields.Title).toBe('added by 企画課');
      // A division with no role anywhere in the site cannot add at all.
      expect(errorCode(await h.call('POST', `${lp}/items`, { as: 'watanabe', body: { fields: { Title: 'x' } } }))).toBe('accessDenied');
    });

    it('the site owner still deletes; with built-in Contribute a division can delete, as in SharePoint', async () => {
      const extra = (await h.call('POST', `${lp}/items`, { body: { fields: { Title: 'C' } } })).body.id as string;
      const listPath = `/lists(guid'${lp.split('/').pop() as string}')`;
      await h.sp('POST', `${listPath}/items(${extra})/breakroleinheritance(copyRoleAssignments=true,clearSubscopes=true)`);
      await h.sp('POST', `${listPath}/items(${extra})/roleassignments/addroleassignment(principalid=${groupId['div-somu'] as number},roledefid=${ROLE.Contribute})`);
      expect((await h.call('DELETE', `${lp}/items/${extra}`, { as: 'suzuki' })).status).toBe(204);
      expect((await h.call('DELETE', `${lp}/items/${itemB}`, { as: 'sato' })).status).toBe(204);
    });

    it('changing a level (MERGE) and deleting it take effect at once', async () => {
      const merged = await h.sp('POST', `/roledefinitions(${noDeleteId})`, { headers: { 'X-HTTP-Method': 'MERGE' }, body: { BasePermissions: toBasePermissions(contribute) } });
      expect(merged.status).toBe(204);
      expect((await h.sp('GET', `/roledefinitions(${noDeleteId})`)).body.BasePermissions).toEqual(toBasePermissions(contribute));
      const probe = (await h.call('POST', `${lp}/items`, { body: { fields: { Title: 'probe' } } })).body.id as string;
      expect((await h.call('DELETE', `${lp}/items/${probe}`, { as: 'takahashi' })).status).toBe(204);
      expect((await h.sp('DELETE', `/roledefinitions(${noDeleteId})`)).status).toBe(200);
      // Its assignments went with it: suzuki no longer sees item A.
      expect((await h.call('GET', `${lp}/items/${itemA}`, { as: 'suzuki' })).status).toBe(404);
      expect((await h.sp('GET', `/roledefinitions(${noDeleteId})`)).status).toBe(404);
    });
  });
});
