import { describe, expect, it } from 'vitest';

import { GraphAccessError, ThrottledError } from '../../src/core/errors.js';
import { createGraphClient, staticTokenProvider } from '../../src/graph/create-graph-client.js';
import { EDIT_WITHOUT_DELETE, grants, PermissionKind, toBasePermissions, CONTRIBUTE_KINDS } from '../../src/graph/permission-levels.js';
import type { RetryRuntime } from '../../src/graph/retry.js';
import { SharePointRest } from '../../src/graph/sharepoint-rest.js';

const instant: RetryRuntime = { sleep: () => Promise.resolve(), random: () => 0 };

function spWith(script: (n: number, url: string, init: RequestInit) => Response | Error) {
  const calls: { url: string; init: RequestInit }[] = [];
  const connection = createGraphClient({
    baseUrl: 'https://contoso.example/v1.0',
    tokenProvider: staticTokenProvider('graph-token', 'sp-token'),
    retry: { runtime: instant },
    fetch: (url, init) => {
      calls.push({ url, init });
      const r = script(calls.length, url, init);
      return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
    },
  });
  return { sp: new SharePointRest(connection, { webUrl: 'https://contoso.example/sites/wlb/' }), calls, connection };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

describe('SharePointRest', () => {
  it('follows the one retry policy: at most 6 attempts under 100% 429, then ThrottledError with status and request id', async () => {
    const { sp, calls, connection } = spWith(() => json(429, { 'odata.error': { code: '-2147024860, Microsoft.SharePoint.SPRequestThrottledException', message: { value: 'throttled' } } }, { 'Retry-After': '2', SPRequestGuid: 'g-1' }));
    const error = await sp.groupId('div-somu').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(calls).toHaveLength(6);
    expect(connection.counters.sharePointRest).toBe(6);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({ status: 429, requestId: 'g-1', retryAfterMs: 2000 });
    expect((calls[0]?.init.headers as Record<string, string>).Authorization).toBe('Bearer sp-token');
  });

  it('re-sends an idempotent permission call after a dropped connection, but not the creation of a permission level', async () => {
    const drop = spWith((n) => (n === 1 ? new TypeError('fetch failed') : json(200, {})));
    await drop.sp.addRoleAssignment('FollowUpRows', '12', 5, 1073741830);
    expect(drop.calls.map((c) => c.url)).toEqual(Array(2).fill("https://contoso.example/sites/wlb/_api/web/lists/getbytitle('FollowUpRows')/items(12)/roleassignments/addroleassignment(principalid=5,roledefid=1073741830)"));
    const create = spWith(() => new TypeError('fetch failed'));
    await expect(create.sp.createRoleDefinition(EDIT_WITHOUT_DELETE)).rejects.toBeInstanceOf(GraphAccessError);
    expect(create.calls).toHaveLength(1);
  });

  it('creates a permission level with the documented verbose body and reads the answer', async () => {
    const { sp, calls } = spWith(() => json(201, { Id: 1073741935, Name: EDIT_WITHOUT_DELETE.name, Description: 'd', Order: 100, BasePermissions: EDIT_WITHOUT_DELETE.basePermissions }));
    const role = await sp.createRoleDefinition(EDIT_WITHOUT_DELETE);
    expect(role.id).toBe(1073741935);
    expect(calls[0]?.url).toBe('https://contoso.example/sites/wlb/_api/web/roledefinitions');
    expect(calls[0]?.init.method).toBe('POST');
    expect((calls[0]?.init.headers as Record<string, string>)['Content-Type']).toBe('application/json;odata=verbose');
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({
      __metadata: { type: 'SP.RoleDefinition' },
      Name: 'Edit without delete',
      Description: EDIT_WITHOUT_DELETE.description,
      Order: 100,
      BasePermissions: { __metadata: { type: 'SP.BasePermissions' }, High: '432', Low: '1011028583' },
    });
  });
});

describe('permission levels', () => {
  it("computes SharePoint Online's Contribute mask from the permission kinds (High 432, Low 1011028719)", () => {
    expect(toBasePermissions(CONTRIBUTE_KINDS)).toEqual({ High: '432', Low: '1011028719' });
  });

  it('"Edit without delete" is Contribute without DeleteListItems and DeleteVersions, and still edits', () => {
    const mask = EDIT_WITHOUT_DELETE.basePermissions;
    expect(grants(mask, PermissionKind.DeleteListItems)).toBe(false);
    expect(grants(mask, PermissionKind.DeleteVersions)).toBe(false);
    for (const k of [PermissionKind.ViewListItems, PermissionKind.EditListItems, PermissionKind.ViewVersions, PermissionKind.UseRemoteAPIs]) expect(grants(mask, k)).toBe(true);
    expect(BigInt(mask.Low)).toBe(1011028719n - 8n - 128n);
  });
});
