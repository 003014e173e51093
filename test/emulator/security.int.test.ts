// #8: the service's own endpoints are not open, tokens are checked before bodies are read, and no bad input gets a
// 500 or leaks internals. Raw HTTP for every case, with a read-back (database digest) that nothing stored changed.
import { statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLocalGraph } from '../../src/emulator/index.js';
import { safeReturnTo } from '../../src/emulator/pages/local.js';
import { errorCode, type Harness, type Res, startHarness } from './harness.js';

let h: Harness;
let lp: string;
let rawLp: string;
let token: string;
const ids: string[] = [];

/** No stack trace, SQL, file path or source name in an answer. */
function expectNoInternals(r: Res): void {
  const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  expect(text).not.toMatch(/ at [\w.<>]+ \(|file:\/\/|\/work\/|\/tmp\/|node_modules|\.ts:\d+|SQLITE_|SqliteError|no such column|SELECT |json_extract|RangeError|TypeError|URIError|Maximum call stack/);
}

/** A Graph-shaped 4xx naming the problem (`expected` appears in the message), nothing stored changed. */
function expectBad(r: Res, status: number, code: string, expected: RegExp): void {
  expect(r.status, JSON.stringify(r.body)?.slice(0, 300)).toBe(status);
  expect(errorCode(r)).toBe(code);
  expect(r.body.error.message).toMatch(expected);
  expectNoInternals(r);
}

beforeAll(async () => {
  h = await startHarness({ fileDb: true });
  const l = await h.call('POST', `${h.sitePath}/lists`, { body: { displayName: 'Rows', columns: [{ name: 'Division', text: {}, indexed: true }, { name: 'Note', text: { allowMultipleLines: true } }] } });
  lp = `${h.sitePath}/lists/${l.body.id as string}`;
  rawLp = `/v1.0${lp}`;
  for (const t of ['a', 'b', 'c']) ids.push((await h.call('POST', `${lp}/items`, { body: { fields: { Title: t, Division: 'div-somu' } } })).body.id as string);
  token = h.g.tokenFor('sato');
});
afterAll(async () => h.close());

const auth = (user = 'sato'): Record<string, string> => ({ Authorization: `Bearer ${user === 'sato' ? token : h.g.tokenFor(user)}` });

describe('the service own endpoints (/_local)', () => {
  const faults = (): Promise<Res> => h.call('GET', `${h.g.url}/_local/faults`, { as: 'sato' });

  it('changes faults only with a site owner token and application/json', async () => {
    const before = (await faults()).body;
    expectBad(await h.raw('POST', '/_local/faults', { headers: { 'Content-Type': 'application/json' }, body: '{"rate429":1}' }), 401, 'InvalidAuthenticationToken', /empty/);
    expectBad(await h.raw('POST', '/_local/faults', { headers: { ...auth('suzuki'), 'Content-Type': 'application/json' }, body: '{"rate429":1}' }), 403, 'accessDenied', /site owner/);
    expectBad(await h.raw('POST', '/_local/faults', { headers: { ...auth('takahashi'), 'Content-Type': 'application/json' }, body: '{"rate429":1}' }), 403, 'accessDenied', /site owner/);
    // A form post (what a cross-site page can send without a preflight) is refused.
    expectBad(await h.raw('POST', '/_local/faults', { headers: { ...auth(), 'Content-Type': 'text/plain' }, body: '{"rate429":1}' }), 415, 'unsupportedMediaType', /application\/json/);
    expectBad(await h.raw('POST', '/_local/faults', { headers: { ...auth(), 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'rate429=1' }), 415, 'unsupportedMediaType', /application\/json/);
    expect((await faults()).body).toEqual(before);
  });

  it('bounds every value and names the field (latency ≤ 60 s, rates 0–1)', async () => {
    const before = (await faults()).body;
    const post = (body: string): Promise<Res> => h.raw('POST', '/_local/faults', { headers: { ...auth(), 'Content-Type': 'application/json; charset=utf-8' }, body });
    expectBad(await post('{"latencyMs":60001}'), 400, 'invalidRequest', /'latencyMs' must be a number of milliseconds from 0 to 60000, got 60001/);
    expectBad(await post('{"latencyMs":-1}'), 400, 'invalidRequest', /'latencyMs'/);
    expectBad(await post('{"rate429":1.5}'), 400, 'invalidRequest', /'rate429' must be a number from 0 to 1, got 1.5/);
    expectBad(await post('{"rate503":-0.1}'), 400, 'invalidRequest', /'rate503'/);
    expectBad(await post('{"dropRate":"0.5"}'), 400, 'invalidRequest', /'dropRate'.*got '0.5'/);
    expectBad(await post('{"retryAfterSeconds":1e9}'), 400, 'invalidRequest', /'retryAfterSeconds'/);
    expectBad(await post('{"seed":1.5}'), 400, 'invalidRequest', /'seed' must be an integer/);
    expectBad(await post('{"rate429":0.5,"throttle":{"resourceUnitsPerMinute":0}}'), 400, 'invalidRequest', /throttle.resourceUnitsPerMinute/);
    expectBad(await post('{"throttle":{"resourceUnitsPerMinute":10,"x":1}}'), 400, 'invalidRequest', /unknown field\(s\): x/);
    expectBad(await post('null'), 400, 'invalidRequest', /JSON object/);
    expectBad(await post('[1]'), 400, 'invalidRequest', /JSON object/);
    expectBad(await post('{'), 400, 'invalidRequest', /JSON/);
    // Nothing changed, not even the valid rate429 sent beside the bad throttle.
    expect((await faults()).body).toEqual(before);
    const ok = await post('{"latencyMs":60000,"rate429":0,"dropRate":1e-9}');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ latencyMs: 60000, dropRate: 1e-9 });
    h.g.setFaults({ latencyMs: 0, dropRate: 0 });
  });

  it('stats, users and the fault settings need a token; the sign-in page still lists the demo users', async () => {
    for (const p of ['/_local/stats', '/_local/users', '/_local/faults']) {
      expectBad(await h.raw('GET', p), 401, 'InvalidAuthenticationToken', /empty/);
      expectBad(await h.raw('GET', p, { headers: { Authorization: 'Bearer x.y.z' } }), 401, 'InvalidAuthenticationToken', /validation failure/);
      expect((await h.raw('GET', p, { headers: auth('suzuki') })).status).toBe(200);
    }
    expect((await h.raw('GET', '/_local/users', { headers: auth('ito') })).body.users).toHaveLength(10);
    const page = await h.raw('GET', '/_local/signin');
    expect(page.status).toBe(200);
    for (const name of ['佐藤 花子', '鈴木 一郎', '小林 恵']) expect(String(page.body)).toContain(name);
  });

  it('POST /_local/token refuses null, arrays, strings and unknown fields with 400', async () => {
    const post = (body: string): Promise<Res> => h.raw('POST', '/_local/token', { headers: { 'Content-Type': 'application/json' }, body });
    expectBad(await post('null'), 400, 'invalidRequest', /JSON object/);
    expectBad(await post('[]'), 400, 'invalidRequest', /JSON object/);
    expectBad(await post('"suzuki"'), 400, 'invalidRequest', /JSON object/);
    expectBad(await post('{"user":null}'), 400, 'invalidRequest', /Unknown user null/);
    expectBad(await post('{"user":{"a":1}}'), 400, 'invalidRequest', /Unknown user/);
    expectBad(await post('{"user":"suzuki","admin":true}'), 400, 'invalidRequest', /Unknown field\(s\): admin/);
    expectBad(await h.raw('GET', '/_local/token'), 405, 'methodNotAllowed', /POST/);
    expect((await post('{"user":"suzuki"}')).body).toMatchObject({ token_type: 'Bearer' });
  });
});

describe('files: data/ is owner-only, the database and the TLS key are 0600', () => {
  it('creates them private and narrows wider modes of existing ones on start', async () => {
    const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);
    expect(mode(join(h.dbPath, '..'))).toBe('700');
    for (const s of ['', '-wal', '-shm']) expect(mode(`${h.dbPath}${s}`)).toBe('600');
    expect(mode(join(h.dir, 'certs'))).toBe('700');
    expect(mode(join(h.dir, 'certs', 'localhost-key.pem'))).toBe('600');

    // A database and a key left world-readable by an earlier version are narrowed on the next start.
    const dir = join(h.dir, 'old');
    mkdirSync(join(dir, 'certs'), { recursive: true });
    const first = await createLocalGraph({ dbPath: join(dir, 'db', 'f.db'), port: 0, certDir: join(dir, 'certs') });
    await first.close();
    for (const p of [join(dir, 'db', 'f.db'), join(dir, 'certs', 'localhost-key.pem')]) chmodSync(p, 0o644);
    writeFileSync(join(dir, 'db', 'f.db-wal'), '', { mode: 0o644 });
    chmodSync(join(dir, 'certs'), 0o755);
    const again = await createLocalGraph({ dbPath: join(dir, 'db', 'f.db'), port: 0, certDir: join(dir, 'certs') });
    await again.close();
    for (const p of [join(dir, 'db', 'f.db'), join(dir, 'certs', 'localhost-key.pem')]) expect(mode(p)).toBe('600');
    expect(mode(join(dir, 'certs'))).toBe('700');
  });
});

describe('request bodies: token first, 4 MB at most', () => {
  it('answers 401 to an anonymous 10 MB body without reading it into memory, and the connection is not reset', async () => {
    const before = h.digest();
    const big = Buffer.alloc(10 * 1024 * 1024, 0x20);
    const r = await h.raw('POST', `${rawLp}/items`, { headers: { 'Content-Type': 'application/json' }, body: big });
    expectBad(r, 401, 'InvalidAuthenticationToken', /empty/);
    expect(h.digest()).toBe(before);
  });

  it('answers a Graph-shaped 413 to a body over 4 MB, declared or streamed (chunked), and stores nothing', async () => {
    const before = h.digest();
    const note = 'x'.repeat(5 * 1024 * 1024);
    const body = JSON.stringify({ fields: { Title: 'big', Note: note } });
    expectBad(await h.raw('POST', `${rawLp}/items`, { headers: { ...auth(), 'Content-Type': 'application/json' }, body }), 413, 'requestTooLarge', /4 MB/);
    const chunks = Readable.from((function* () {
      for (let i = 0; i < 80; i++) yield Buffer.alloc(64 * 1024, 0x20);
    })());
    expectBad(await h.raw('POST', `${rawLp}/items`, { headers: { ...auth(), 'Content-Type': 'application/json' }, body: chunks }), 413, 'requestTooLarge', /4 MB/);
    expectBad(await h.raw('POST', '/sites/followup/_api/web/roledefinitions', { headers: { ...auth(), 'Content-Type': 'application/json' }, body }).then((r) => ({ ...r, body: { error: { code: 'requestTooLarge', message: r.body['odata.error']?.message?.value ?? '', innerError: { date: 'x', 'request-id': 'x' } } } })), 413, 'requestTooLarge', /4 MB/);
    // The same connection still serves the next request.
    expect((await h.raw('GET', `${rawLp}/items`, { headers: auth() })).status).toBe(200);
    expect(h.digest()).toBe(before);
  });
});

describe('bad input gets a Graph-shaped 4xx, never a 500, and changes nothing', () => {
  const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
  const nested = (n: number): string => `${'('.repeat(n)}fields/Division eq 'x'${')'.repeat(n)}`;

  it('deeply nested JSON → 400 naming the depth limit (item, $batch, SharePoint REST, /_local)', async () => {
    const before = h.digest();
    const body = `{"fields":{"Title":${deep(100_000)}}}`;
    expectBad(await h.raw('POST', `${rawLp}/items`, { headers: { ...auth(), 'Content-Type': 'application/json' }, body }), 400, 'invalidRequest', /nested deeper than 64 levels/);
    expectBad(await h.raw('PATCH', `${rawLp}/items/${ids[0] as string}/fields`, { headers: { ...auth(), 'Content-Type': 'application/json' }, body: `{"Title":${deep(65)}}` }), 400, 'invalidRequest', /nested deeper than 64/);
    expectBad(await h.raw('POST', '/v1.0/$batch', { headers: { ...auth(), 'Content-Type': 'application/json' }, body: `{"requests":[{"id":"1","method":"POST","url":"${lp}/items","headers":{"Content-Type":"application/json"},"body":${deep(5000)}}]}` }), 400, 'invalidRequest', /nested deeper/);
    const sp = await h.raw('POST', '/sites/followup/_api/web/roledefinitions', { headers: { ...auth(), 'Content-Type': 'application/json' }, body: deep(5000) });
    expect(sp.status).toBe(400);
    expect(JSON.stringify(sp.body)).toMatch(/nested deeper than 64/);
    expectBad(await h.raw('POST', '/_local/token', { headers: { 'Content-Type': 'application/json' }, body: deep(5000) }), 400, 'invalidRequest', /nested deeper/);
    // 64 levels are still fine (and a wrong type is an ordinary 400).
    expectBad(await h.raw('PATCH', `${rawLp}/items/${ids[0] as string}/fields`, { headers: { ...auth(), 'Content-Type': 'application/json' }, body: `{"Title":${deep(63)}}` }), 400, 'invalidRequest', /Invalid value .* for field 'Title'/);
    expect(h.digest()).toBe(before);
  });

  it('$filter nested deeper than 32 levels, with over 200 comparisons or over 4,096 characters → 400, also inside $batch', async () => {
    const before = h.digest();
    const q = (f: string): Promise<Res> => h.raw('GET', `${rawLp}/items?$filter=${encodeURIComponent(f)}`, { headers: auth() });
    expect((await q(nested(32))).status).toBe(200);
    expectBad(await q(nested(33)), 400, 'invalidRequest', /nested deeper than 32 levels/);
    expectBad(await q(nested(5000)), 400, 'invalidRequest', /characters long; the limit is 4096|nested deeper/);
    expectBad(await q(`${'not '.repeat(40)}fields/Division eq 'x'`), 400, 'invalidRequest', /nested deeper than 32/);
    const terms = (n: number): string => Array.from({ length: n }, (_, i) => `fields/Division eq '${i}'`).join(' or ');
    expect((await q(terms(150))).status).toBe(200);
    expectBad(await q(terms(201)), 400, 'invalidRequest', /more than 200 comparisons|limit is 4096/);
    expectBad(await q(`fields/Division eq '${'x'.repeat(5000)}'`), 400, 'invalidRequest', /limit is 4096/);
    expectBad(await h.raw('GET', `${rawLp}/items?$orderby=${Array(9).fill('id').join(',')}`, { headers: auth() }), 400, 'invalidRequest', /more than 8 keys/);
    const batch = await h.call('POST', '/$batch', {
      body: { requests: [{ id: '1', method: 'GET', url: `${lp}/items?$filter=${encodeURIComponent(nested(500))}` }, { id: '2', method: 'GET', url: `${lp}/items/${ids[0] as string}` }] },
    });
    expect(batch.status).toBe(200);
    expect(batch.body.responses.map((r: { status: number }) => r.status)).toEqual([400, 200]);
    expect(batch.body.responses[0].body.error.message).toMatch(/limit is 4096|nested deeper/);
    expect(h.digest()).toBe(before);
  });

  it('malformed %-encoding in any path → 400 naming it (Graph, SharePoint REST, /_local, web pages, $batch steps)', async () => {
    const before = h.digest();
    for (const p of [`${rawLp}/items/%E0%A4%A`, '/v1.0/sites/localhost:/sites/%ZZfollowup', '/sites/followup/_api/web/lists/getbytitle(%27%E3%81%27)', '/sites/%C0%AF/_api/web', '/_local/%FF', '/reports/%E0%A4%A', '/%']) {
      const r = await h.raw('GET', p, { headers: auth() });
      expectBad(r, 400, 'invalidRequest', /malformed percent-encoding at '%/);
    }
    const batch = await h.call('POST', '/$batch', { body: { requests: [{ id: '1', method: 'GET', url: `${lp}/items/%E0%A4%A` }, { id: '2', method: 'PATCH', url: `${lp}/items/%FF/fields`, headers: { 'Content-Type': 'application/json' }, body: { Title: 'x' } }] } });
    expect(batch.status).toBe(200);
    expect(batch.body.responses.map((r: { status: number }) => r.status)).toEqual([400, 400]);
    expect(batch.body.responses[0].body.error.message).toMatch(/malformed percent-encoding/);
    expect(h.digest()).toBe(before);
  });

  it('a tampered, forged or foreign delta token → 410 with the resync shape and Location', async () => {
    const first = await h.call('GET', `${lp}/items/delta`);
    const link = String(first.body['@odata.deltaLink']);
    const tokenValue = new URL(link).searchParams.get('token') as string;
    const [body, mac] = tokenValue.split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const reseal = (o: unknown): string => `${Buffer.from(JSON.stringify(o)).toString('base64url')}.${mac}`;
    const old = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    for (const t of [reseal({ ...decoded, s: 0 }), reseal(null), reseal({ ...decoded, a: { x: 1 }, m: 'e' }), old(null), old({ ...decoded }), old([1, 2]), 'null', `${body}.AAAA`, `${body}.${mac}x`, '%%%', 'x'.repeat(3000)]) {
      const r = await h.call('GET', `${lp}/items/delta?token=${encodeURIComponent(t)}`);
      expectBad(r, 410, 'resyncChangesApplyDifferences', /full resynchronization/);
      expect(r.headers.get('location')).toMatch(/\/items\/delta$/);
    }
    // The real token still works.
    expect((await h.call('GET', link)).status).toBe(200);
  });

  it('a tampered $skiptoken → 400 naming it', async () => {
    const page = await h.call('GET', `${lp}/items?$top=1`);
    const next = new URL(String(page.body['@odata.nextLink']));
    const skip = next.searchParams.get('$skiptoken') as string;
    const [b, m] = skip.split('.') as [string, string];
    for (const t of [`${Buffer.from('[0]').toString('base64url')}.${m}`, `${b}.${m.slice(1)}`, Buffer.from('[1e999]').toString('base64url'), 'null']) {
      expectBad(await h.call('GET', `${lp}/items?$top=1&$skiptoken=${encodeURIComponent(t)}`), 400, 'invalidRequest', /\$skiptoken is invalid/);
    }
  });

  it('in $batch a failing step gets its own status and the batch answers 200; the earlier step stays committed', async () => {
    const before = await h.call('GET', `${lp}/items?$top=100`);
    const r = await h.call('POST', '/$batch', {
      body: {
        requests: [
          { id: '1', method: 'POST', url: `${lp}/items`, headers: { 'Content-Type': 'application/json' }, body: { fields: { Title: 'batch-ok' } } },
          { id: '2', method: 'GET', url: `${lp}/items?$filter=${encodeURIComponent(nested(40))}` },
          { id: '3', method: 'DELETE', url: `${lp}/items/%FF` },
          { id: '4', method: 'PATCH', url: `${lp}/items/${ids[0] as string}/fields`, headers: { 'Content-Type': 'application/json' }, body: { Nope: 1 } },
          { id: '5', method: 'GET', url: `${lp}/items/delta?token=forged` },
        ],
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.responses.map((x: { id: string; status: number }) => [x.id, x.status])).toEqual([['1', 201], ['2', 400], ['3', 400], ['4', 400], ['5', 410]]);
    for (const x of r.body.responses.slice(1)) expectNoInternals({ status: x.status, headers: new Headers(), body: x.body });
    const after = await h.call('GET', `${lp}/items?$top=100`);
    expect(after.body.value).toHaveLength(before.body.value.length + 1);
  });
});

describe('the top-level guard', () => {
  it('turns an unexpected exception into a generic 500 with a request id and no internals', async () => {
    const g = await startHarness({
      requestHandler: () => {
        throw new Error('boom at /work/secret/path.ts:12:3 SELECT * FROM items');
      },
    });
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => {
      errors.push(String(s));
      return true;
    }) as typeof process.stderr.write;
    try {
      const r = await g.raw('GET', '/anything');
      expect(r.status).toBe(500);
      expect(errorCode(r)).toBe('generalException');
      const id = r.headers.get('request-id');
      expect(r.body.error.message).toBe(`An internal error occurred in the local Graph service (request-id ${id}).`);
      expectNoInternals(r);
      // The internals went to stderr, with the same request id.
      expect(errors.join('')).toContain(`internal error in request ${id}: Error: boom at /work/secret/path.ts`);
    } finally {
      process.stderr.write = write;
      await g.close();
    }
  });
});

describe('safeReturnTo', () => {
  it('keeps same-origin paths and turns everything else into /', () => {
    expect(safeReturnTo('/reports/soumu%2F2023?lang=en#x')).toBe('/reports/soumu%2F2023?lang=en#x');
    expect(safeReturnTo('/')).toBe('/');
    expect(safeReturnTo('/a/../b')).toBe('/b');
    for (const bad of ['//evil.example', '/\\evil.example/x', '\\\\evil', 'https://evil.example', 'javascript:alert(1)', ' /x', '/\t/evil.example', '/\n/evil', 'evil', '', null, undefined, `/${'a'.repeat(3000)}`]) {
      expect(safeReturnTo(bad), String(bad)).toBe('/');
    }
    // Encoded slashes stay encoded: a browser never reads them as an authority.
    expect(safeReturnTo('/%2F%2Fevil.example')).toBe('/%2F%2Fevil.example');
    expect(safeReturnTo('/%5Cevil.example')).toBe('/%5Cevil.example');
    expect(safeReturnTo('/</script><script>alert(1)</script>')).toBe('/%3C/script%3E%3Cscript%3Ealert(1)%3C/script%3E');
  });
});
