import { describe, expect, it } from 'vitest';

import { ValidationError } from '../../src/core/errors.js';
import { createGraphClient, splitBaseUrl, staticTokenProvider, type RequestRecord } from '../../src/graph/create-graph-client.js';
import { odataString, withQuery } from '../../src/graph/paging.js';
import { parseSiteArg } from '../../src/graph/site.js';

/** A fetch that answers from a script and records what it was sent (no network). */
function scriptedFetch(script: (url: string, init: RequestInit) => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (url: string, init: RequestInit): Promise<Response> => {
    calls.push({ url, init });
    return Promise.resolve(script(url, init));
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

describe('createGraphClient', () => {
  it('sends the bearer token to the local service host (customHosts) and counts requests', async () => {
    const { fetch, calls } = scriptedFetch(() => json(200, { id: 'x' }));
    const records: RequestRecord[] = [];
    const c = createGraphClient({ baseUrl: 'https://localhost:4443/v1.0', tokenProvider: staticTokenProvider('tok'), fetch, onRequest: (r) => records.push(r) });
    await c.client.api('/sites/root').get();
    expect(calls[0]?.url).toBe('https://localhost:4443/v1.0/sites/root');
    expect((calls[0]?.init.headers as Record<string, string>).Authorization).toBe('Bearer tok');
    expect(records[0]).toMatchObject({ method: 'GET', status: 200 });
    expect(records[0]?.headers.Authorization).toBe(undefined);
    expect(c.counters).toEqual({ logical: 1, attempts: 1, sharePointRest: 0 });
  });

  it('counts the retry middleware retries as attempts, not logical requests', async () => {
    let n = 0;
    const { fetch } = scriptedFetch(() => (++n < 3 ? json(429, { error: { code: 'activityLimitReached', message: 'slow down' } }, { 'Retry-After': '0' }) : json(200, {})));
    const c = createGraphClient({ baseUrl: 'https://graph.microsoft.com/v1.0', tokenProvider: staticTokenProvider('tok'), fetch });
    await c.client.api('/me').get();
    expect(c.counters).toEqual({ logical: 1, attempts: 3, sharePointRest: 0 });
  });

  it('follows an absolute https nextLink on the same host', async () => {
    const { fetch, calls } = scriptedFetch(() => json(200, { value: [] }));
    const c = createGraphClient({ baseUrl: 'https://localhost:4443/v1.0', tokenProvider: staticTokenProvider('tok'), fetch });
    await c.client.api('https://localhost:4443/v1.0/sites/s/lists/l/items?$skiptoken=abc%3D%3D&$top=5').get();
    // The client may reorder query options; the link's host, path and (still encoded) values must survive.
    const u = new URL(calls[0]?.url ?? '');
    expect(`${u.origin}${u.pathname}`).toBe('https://localhost:4443/v1.0/sites/s/lists/l/items');
    expect(u.search).toContain('$skiptoken=abc%3D%3D');
    expect(u.searchParams.get('$top')).toBe('5');
  });

  it('refuses base URLs the client cannot follow links for', () => {
    expect(() => splitBaseUrl('http://localhost:3000/v1.0')).toThrow(/https/);
    expect(() => splitBaseUrl('https://localhost:3000/graph/v1.0')).toThrow(/service root plus a version/);
    expect(splitBaseUrl('https://graph.microsoft.com/v1.0/')).toEqual({ root: 'https://graph.microsoft.com/', version: 'v1.0', normalized: 'https://graph.microsoft.com/v1.0' });
  });
});

describe('parseSiteArg', () => {
  it('accepts a site URL, host:/path and a composite id', () => {
    expect(parseSiteArg('https://localhost:3000/sites/followup/')).toEqual({ hostname: 'localhost', path: '/sites/followup' });
    expect(parseSiteArg('contoso.sharepoint.com:/sites/wlb')).toEqual({ hostname: 'contoso.sharepoint.com', path: '/sites/wlb' });
    expect(parseSiteArg('localhost,1b2c3d4e-0000-4000-8000-000000000001,2b2c3d4e-0000-4000-8000-000000000002')).toEqual({ id: 'localhost,1b2c3d4e-0000-4000-8000-000000000001,2b2c3d4e-0000-4000-8000-000000000002' });
    expect(() => parseSiteArg('not a site')).toThrow(/Not a site URL/);
  });
});

describe('query building', () => {
  it('encodes values and doubles quotes in OData strings', () => {
    expect(odataString("O'Brien")).toBe("'O''Brien'");
    expect(withQuery('/items', { $filter: "fields/OrgCode eq 'soumu'", $top: 10, $x: undefined })).toBe('/items?$filter=fields%2FOrgCode%20eq%20\'soumu\'&$top=10');
  });
});

describe('configuration errors', () => {
  it('are ValidationErrors naming the field and value (style guide 11.4)', () => {
    expect(() => parseSiteArg('not a site')).toThrow(ValidationError);
    expect(() => splitBaseUrl('http://localhost:3000/v1.0')).toThrow(ValidationError);
    try {
      parseSiteArg('not a site');
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([{ field: 'site', value: 'not a site', reason: 'Not a site URL, host:/path or site id: not a site' }]);
    }
  });
});
