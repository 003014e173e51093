import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { devTokenCommand } from '../../src/cli/commands/dev-token.js';
import { createLocalGraph, resetDatabase } from '../../src/emulator/index.js';
import { errorCode, type Harness, startHarness } from './harness.js';

let h: Harness;
let lp: string;

beforeAll(async () => {
  h = await startHarness();
  const l = await h.call('POST', `${h.sitePath}/lists`, { body: { displayName: 'Delta', columns: [{ name: 'N', number: {} }] } });
  lp = `${h.sitePath}/lists/${l.body.id as string}`;
  for (let i = 1; i <= 5; i++) await h.call('POST', `${lp}/items`, { body: { fields: { Title: `d${i}`, N: i } } });
});
afterAll(async () => h.close());

describe('delta', () => {
  it('enumerates in pages, then reports updates and deletions after the deltaLink', async () => {
    const seen: string[] = [];
    let url = `${lp}/items/delta?$top=2`;
    let deltaLink: string | undefined;
    for (let pages = 0; ; pages++) {
      const r = await h.call('GET', url);
      expect(r.status).toBe(200);
      seen.push(...r.body.value.map((i: { id: string }) => i.id));
      if (r.body['@odata.deltaLink']) {
        deltaLink = r.body['@odata.deltaLink'] as string;
        expect(pages).toBe(2);
        break;
      }
      url = r.body['@odata.nextLink'] as string;
      expect(url.startsWith(`${h.g.graphUrl}/sites/`)).toBe(true);
    }
    expect(seen).toEqual(['1', '2', '3', '4', '5']);
    await h.call('PATCH', `${lp}/items/2/fields`, { body: { N: 20 } });
    await h.call('DELETE', `${lp}/items/4`);
    await h.call('POST', `${lp}/items`, { body: { fields: { Title: 'd6' } } });
    // The deltaLink keeps $top=2, so the changes come in two pages.
    const page1 = await h.call('GET', deltaLink as string);
    expect(page1.body.value).toHaveLength(2);
    const changes = await h.call('GET', page1.body['@odata.nextLink'] as string);
    expect([...page1.body.value, ...changes.body.value]).toEqual([
      expect.objectContaining({ id: '2', fields: expect.objectContaining({ N: 20 }) }),
      { id: '4', parentReference: { siteId: h.g.site.id }, contentType: { id: expect.stringMatching(/^0x0100[0-9A-F]{32}$/), name: 'Item' }, deleted: { state: 'deleted' } },
      expect.objectContaining({ id: '6' }),
    ]);
    const quiet = await h.call('GET', changes.body['@odata.deltaLink'] as string);
    expect(quiet.body.value).toEqual([]);
  });

  it('token=latest gives an empty page and a deltaLink that sees only later changes', async () => {
    const latest = await h.call('GET', `${lp}/items/delta?token=latest`);
    expect(latest.body.value).toEqual([]);
    await h.call('PATCH', `${lp}/items/1/fields`, { body: { N: 100 } });
    const next = await h.call('GET', latest.body['@odata.deltaLink'] as string);
    expect(next.body.value.map((i: { id: string }) => i.id)).toEqual(['1']);
  });

  it('answers 410 resyncChangesApplyDifferences with a Location for unknown or expired tokens', async () => {
    const unknown = await h.call('GET', `${lp}/items/delta?token=bm9wZQ`);
    expect(unknown.status).toBe(410);
    expect(errorCode(unknown)).toBe('resyncChangesApplyDifferences');
    expect(unknown.headers.get('location')).toBe(`${h.g.graphUrl}${lp}/items/delta`);
    const latest = await h.call('GET', `${lp}/items/delta?token=latest`);
    h.g.expireDeltaTokens();
    const expired = await h.call('GET', latest.body['@odata.deltaLink'] as string);
    expect(expired.status).toBe(410);
    const fresh = await h.call('GET', expired.headers.get('location') as string);
    expect(fresh.status).toBe(200);
    expect(fresh.body.value.length).toBe(5);
  });
});

describe('$batch', () => {
  const json = { 'Content-Type': 'application/json' };
  it('runs dependsOn chains, answers 424 after a failure, and leaves the others applied', async () => {
    const r = await h.call('POST', '/$batch', {
      body: {
        requests: [
          { id: '1', method: 'POST', url: `${lp}/items`, headers: json, body: { fields: { Title: 'b1' } } },
          { id: '2', method: 'PATCH', url: `${lp}/items/99999/fields`, headers: json, body: { N: 1 }, dependsOn: ['1'] },
          { id: '3', method: 'POST', url: `${lp}/items`, headers: json, body: { fields: { Title: 'b3' } }, dependsOn: ['2'] },
          { id: '4', method: 'POST', url: `${lp}/items`, headers: json, body: { fields: { Title: 'b4', Bogus: 1 } } },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.responses.map((x: { id: string; status: number }) => [x.id, x.status])).toEqual([['1', 201], ['2', 404], ['3', 424], ['4', 400]]);
    expect(r.body.responses[2].body.error.code).toBe('failedDependency');
    expect(r.body.responses[3].headers['Content-Type']).toMatch(/application\/json/);
    const all = await h.call('GET', `${lp}/items?$expand=fields&$top=100`);
    const titles = all.body.value.map((i: { fields: { Title: string } }) => i.fields.Title);
    expect(titles).toContain('b1');
    expect(titles).not.toContain('b3');
    expect(titles).not.toContain('b4');
  });

  it('rejects 21 requests, case-insensitive duplicate ids, bodies without Content-Type and cycles with 400', async () => {
    const get = (id: string): object => ({ id, method: 'GET', url: `${lp}/items/1` });
    const bad: unknown[] = [
      { requests: Array.from({ length: 21 }, (_, i) => get(String(i))) },
      { requests: [get('a'), get('A')] },
      { requests: [{ id: '1', method: 'POST', url: `${lp}/items`, body: { fields: { Title: 'x' } } }] },
      { requests: [{ ...get('1'), dependsOn: ['2'] }, { ...get('2'), dependsOn: ['1'] }] },
      { nope: [] },
    ];
    for (const body of bad) {
      const r = await h.call('POST', '/$batch', { body });
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(errorCode(r)).toBe('invalidRequest');
    }
  });
});

describe('faults and throttling', () => {
  it('injects 429 and 503 with Retry-After before handling, writing nothing', async () => {
    const before = (await h.call('GET', `${lp}/items?$top=100`)).body.value.length as number;
    h.g.setFaults({ rate429: 1, retryAfterSeconds: 7 });
    const r = await h.call('POST', `${lp}/items`, { body: { fields: { Title: 'never' } } });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(errorCode(r)).toBe('activityLimitReached');
    h.g.setFaults({ rate429: 0, rate503: 1, retryAfterSeconds: 2 });
    const b = await h.call('POST', '/$batch', { body: { requests: [{ id: '1', method: 'GET', url: `${lp}/items/1` }] } });
    // The outer batch is itself subject to faults; with 503 at rate 1 it is refused as a whole.
    expect(b.status).toBe(503);
    h.g.setFaults({ rate503: 0 });
    expect((await h.call('GET', `${lp}/items?$top=100`)).body.value.length).toBe(before);
  });

  it('drops connections before handling when dropRate is 1', async () => {
    h.g.setFaults({ dropRate: 1 });
    await expect(h.call('POST', `${lp}/items`, { body: { fields: { Title: 'dropped' } } })).rejects.toThrow();
    h.g.setFaults({ dropRate: 0 });
    const all = await h.call('GET', `${lp}/items?$expand=fields&$top=100`);
    expect(all.body.value.map((i: { fields: { Title: string } }) => i.fields.Title)).not.toContain('dropped');
  });

  it('adds latency', async () => {
    h.g.setFaults({ latencyMs: 120 });
    const t = Date.now();
    await h.call('GET', `${lp}/items/1`);
    expect(Date.now() - t).toBeGreaterThanOrEqual(110);
    h.g.setFaults({ latencyMs: 0 });
  });

  it('throttles by resource units per user (1 single read, 2 listing), each batch step counted', async () => {
    h.g.resetStats();
    h.g.setThrottle({ resourceUnitsPerMinute: 6 });
    expect((await h.call('GET', `${lp}/items/1`)).status).toBe(200);
    expect((await h.call('GET', `${lp}/items`)).status).toBe(200);
    const b = await h.call('POST', '/$batch', { body: { requests: [{ id: '1', method: 'GET', url: `${lp}/items/1` }, { id: '2', method: 'GET', url: `${lp}/items` }, { id: '3', method: 'GET', url: `${lp}/items` }] } });
    expect(b.body.responses.map((x: { status: number }) => x.status)).toEqual([200, 200, 429]);
    expect(Number(b.body.responses[2].headers['Retry-After'])).toBeGreaterThan(0);
    // Another user has their own budget.
    expect((await h.call('GET', `${lp}/items`, { as: 'ito' })).status).toBe(200);
    const s = h.g.stats();
    expect(s.byUser['sato@soumu.localhost']).toEqual({ requests: 6, resourceUnits: 6 });
    expect(s.throttled).toBe(1);
    h.g.setThrottle(false);
  });

  it('answers with RateLimit headers from 80 % of the budget, on plain requests and on the $batch (#10)', async () => {
    h.g.setThrottle({ resourceUnitsPerMinute: 20, scope: 'app' });
    // Two users of the app draw from one budget (1 unit per single read); the budget refills at 20/60 per second.
    let first = -1;
    let last: Awaited<ReturnType<typeof h.call>> | null = null;
    for (let i = 1; i <= 18 && first === -1; i++) {
      last = await h.call('GET', `${lp}/items/1`, { as: i % 2 === 0 ? 'sato' : 'ito' });
      if (last.headers.get('RateLimit-Limit') !== null) first = i;
    }
    expect(first).toBeGreaterThanOrEqual(16);
    expect(last?.headers.get('RateLimit-Limit')).toBe('20');
    expect(Number(last?.headers.get('RateLimit-Remaining'))).toBeLessThanOrEqual(4);
    expect(Number(last?.headers.get('RateLimit-Reset'))).toBeGreaterThan(0);
    const b = await h.call('POST', '/$batch', { body: { requests: [{ id: '1', method: 'GET', url: `${lp}/items/1` }, { id: '2', method: 'GET', url: `${lp}/items` }] } });
    expect(b.body.responses[0].status).toBe(200);
    expect(b.body.responses[0].headers['RateLimit-Limit']).toBe('20');
    expect(b.headers.get('RateLimit-Limit')).toBe('20');
    h.g.setThrottle(false);
  });

  it('changes faults through POST /_local/faults', async () => {
    const r = await h.call('POST', `${h.g.url}/_local/faults`, { as: 'sato', body: { rate429: 1, retryAfterSeconds: 3 } });
    expect(r.body).toMatchObject({ rate429: 1, retryAfterSeconds: 3 });
    expect((await h.call('GET', `${lp}/items/1`)).status).toBe(429);
    h.g.setFaults({ rate429: 0 });
  });

  it('refuses unknown fault settings by name and shows the throttle budget', async () => {
    const bad = await h.call('POST', `${h.g.url}/_local/faults`, { as: 'sato', body: { rate249: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'invalidRequest' } });
    expect(String((bad.body as { error: { message: string } }).error.message)).toContain('rate249');
    const set = await h.call('POST', `${h.g.url}/_local/faults`, { as: 'sato', body: { throttle: { resourceUnitsPerMinute: 600 } } });
    expect(set.body).toMatchObject({ rate429: 0, throttle: { resourceUnitsPerMinute: 600 } });
    const off = await h.call('POST', `${h.g.url}/_local/faults`, { as: 'sato', body: { throttle: false } });
    expect(off.body).toMatchObject({ throttle: false });
    expect((await h.call('GET', `${h.g.url}/_local/faults`, { as: 'suzuki' })).body).toMatchObject({ rate429: 0, throttle: false });
  });
});

describe('local sign-in', () => {
  it('serves the sign-in page and mints tokens for a named user', async () => {
    const page = await h.call('GET', `${h.g.url}/_local/signin`, { as: null });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('鈴木 一郎');
    const t = await h.call('POST', `${h.g.url}/_local/token`, { as: null, body: { user: 'suzuki' } });
    expect(t.body).toMatchObject({ token_type: 'Bearer', expires_in: 28800 });
    const me = await h.call('POST', `${lp}/items`, { as: null, headers: { Authorization: `Bearer ${t.body.access_token as string}` }, body: { fields: { Title: 'x' } } });
    expect(me.status).toBe(403);
    expect((await h.call('POST', `${h.g.url}/_local/token`, { as: null, body: { user: 'mallory' } })).status).toBe(400);
  });
});

describe('persistence', () => {
  it('keeps lists, items and the token secret across restarts of a file database; dev-token mints accepted tokens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-persist-'));
    const dbPath = join(dir, 'data', 'followup.db');
    try {
      const a = await startHarness({ dbPath });
      const l = await a.call('POST', `${a.sitePath}/lists`, { body: { displayName: 'Persist' } });
      await a.call('POST', `${a.sitePath}/lists/${l.body.id as string}/items`, { body: { fields: { Title: '残る' } } });
      const oldToken = a.g.tokenFor('ito');
      const siteId = a.g.site.id;
      await a.close();

      process.env.FOLLOWUP_DB = dbPath;
      const out: string[] = [];
      const write = process.stdout.write.bind(process.stdout);
      process.stdout.write = ((s: string) => out.push(s) > 0) as typeof process.stdout.write;
      let code: number;
      try {
        code = await devTokenCommand(['suzuki']);
      } finally {
        process.stdout.write = write;
        delete process.env.FOLLOWUP_DB;
      }
      expect(code).toBe(0);
      const cliToken = (out.join('').trim());

      const b = await startHarness({ dbPath });
      expect(b.g.site.id).toBe(siteId);
      const items = await b.call('GET', `/sites/localhost:/sites/followup:/lists/Persist/items?$expand=fields`, { as: null, headers: { Authorization: `Bearer ${oldToken}` } });
      expect(items.status).toBe(200);
      expect(items.body.value.map((i: { fields: { Title: string } }) => i.fields.Title)).toEqual(['残る']);
      const cli = await b.call('GET', b.sitePath, { as: null, headers: { Authorization: `Bearer ${cliToken}` } });
      // suzuki has no role in the fresh site: the token is valid (not 401) but access is denied.
      expect(cli.status).toBe(403);
      await b.close();

      resetDatabase(dbPath);
      const c = await createLocalGraph({ dbPath, port: 0, certDir: join(dir, 'certs') });
      expect(c.site.id).not.toBe(siteId);
      await c.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
