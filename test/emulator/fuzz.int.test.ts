// #8.3: a generated fuzz of the local service. Thousands of malformed requests (paths, query options, headers, bodies,
// $batch envelopes) across the Graph and SharePoint REST routes and /_local: no answer ≥ 500, no internals (stack
// traces, SQL, file paths) in any answer, and nothing stored changed (a digest of items, versions, lists, columns,
// role assignments and definitions before and after).
//
// Writes can only be refused: the site owner's writes are malformed by construction (an unknown field, a missing
// list, a non-object body), every other caller has at most Read. FUZZ_RUNS and FUZZ_SEED reproduce or widen a run.
import fc from 'fast-check';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Harness, startHarness } from './harness.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);

let h: Harness;
let pool: Pool;
let listId: string;
let siteId: string;
const itemIds: string[] = [];
let tokens: Record<string, string>;
let deltaToken = '';
let skipToken = '';

beforeAll(async () => {
  h = await startHarness({ fileDb: true });
  pool = new Pool(h.g.url, { connect: { ca: h.g.ca }, connections: 1, pipelining: 1, headersTimeout: 10_000, bodyTimeout: 10_000 });
  siteId = h.g.site.id;
  const l = await h.call('POST', `${h.sitePath}/lists`, {
    body: {
      displayName: 'Rows',
      columns: [
        { name: 'Division', text: {}, indexed: true },
        { name: 'Note', text: { allowMultipleLines: true } },
        { name: 'Status', choice: { choices: ['実施', '実施未定'] }, indexed: true },
        { name: 'Year', number: { minimum: 1989, maximum: 2100 }, indexed: true },
        { name: 'Done', boolean: {} },
        { name: 'Due', dateTime: { format: 'dateOnly' } },
        { name: 'Owner', personOrGroup: {} },
        { name: 'Key', text: {}, enforceUniqueValues: true },
      ],
    },
  });
  listId = l.body.id as string;
  for (let i = 0; i < 12; i++) {
    const r = await h.call('POST', `/sites/${siteId}/lists/${listId}/items`, { body: { fields: { Title: `行${i}`, Division: i % 2 ? 'div-somu' : 'div-kikaku', Status: '実施', Year: 2024, Key: `k${i}` } } });
    itemIds.push(r.body.id as string);
  }
  await h.sp('POST', `/lists(guid'${listId}')/items(${itemIds[0] as string})/breakroleinheritance(copyRoleAssignments=true,clearSubscopes=true)`);
  await h.sp('POST', '/roledefinitions', { body: { Name: 'No delete', BasePermissions: { High: '432', Low: '1011028711' } } });
  const delta = await h.call('GET', `/sites/${siteId}/lists/${listId}/items/delta`);
  deltaToken = new URL(String(delta.body['@odata.deltaLink'])).searchParams.get('token') ?? '';
  const page = await h.call('GET', `/sites/${siteId}/lists/${listId}/items?$top=2`);
  skipToken = new URL(String(page.body['@odata.nextLink'])).searchParams.get('$skiptoken') ?? '';
  tokens = { sato: h.g.tokenFor('sato'), takahashi: h.g.tokenFor('takahashi'), suzuki: h.g.tokenFor('suzuki') };
});

afterAll(async () => {
  await pool?.close();
  await h?.close();
});

// ---------------------------------------------------------------- building blocks

interface Req { method: string; path: string; user: string | null; token?: string; headers: Record<string, string>; body?: string }

/** The request generator; built after setup, since it names the list, items and tokens made there. */
function requests(): fc.Arbitrary<Req> {

  const NASTY = ['%', '%E0%A4%A', '%FF', '%C0%AF', '%00', '%2F', '%5C', '..', '.', '\\', "'", "''", '(', ')', '()', ':', '::', ',', '$', '@', ';', '😀', '日本語', '%25', 'a'.repeat(300), '%ZZ', '\u00ff', '~'];
  const nasty = fc.constantFrom(...NASTY);
  /** A path segment: a nasty fragment, an ordinary word, an id, or printable noise (percent-encoded or raw). */
  const segment = fc.oneof(
    { weight: 3, arbitrary: nasty },
    { weight: 2, arbitrary: fc.constantFrom('items', 'fields', 'versions', 'columns', 'lists', 'delta', 'delta()', 'root', 'sites', 'Rows', '1', '0', '-1', '99999', '1.0', 'Title') },
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)) },
    { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,10}$/).map((s) => s.replace(/[/?#]/g, '')) },
  );
  const segments = fc.array(segment, { maxLength: 4 }).map((a) => a.filter((s) => s !== '').join('/'));

  const siteRef = (): fc.Arbitrary<string> => fc.oneof(fc.constant(siteId), fc.constant('localhost:/sites/followup:'), fc.constant('root'), fc.constant('localhost'), segment);
  const listRef = (): fc.Arbitrary<string> => fc.oneof(fc.constant(listId), fc.constant('Rows'), segment);
  const itemRef = (): fc.Arbitrary<string> => fc.oneof(fc.constantFrom(...itemIds.slice(0, 3)), segment);
  /** Item ids that do not exist (for the owner's DELETEs, which must be refused). */
  const missingId = fc.oneof(fc.constantFrom('0', '-1', '99999', '1.0', 'abc', '%FF', '%E0%A4%A', '1e3', ' 1'), segment.filter((s) => !/^\d+$/.test(s)));

  // $filter: grammar-shaped expressions, some valid, most not, nested up to and past the limits.
  const filterExpr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.tuple(fc.constantFrom('fields/Division', 'fields/Year', 'fields/Status', 'fields/Note', 'id', 'createdDateTime', 'lastModifiedDateTime', 'fields/OwnerLookupId', 'fields/Nope', 'x', '1', "'a'"), fc.constantFrom('eq', 'ne', 'lt', 'gt', 'le', 'ge', 'has', 'in', '=', ''), fc.oneof(fc.constantFrom("'div-somu'", '2024', 'null', 'true', '2024-01-01T00:00:00Z', "'", "''", '1e999', "'%FF'", 'fields/Year'), fc.string({ maxLength: 8 }))).map(([a, op, b]) => `${a} ${op} ${b}`),
      fc.tuple(tie('e'), fc.constantFrom('and', 'or', 'AND', '&&', ''), tie('e')).map(([a, op, b]) => `${a} ${op} ${b}`),
      tie('e').map((x) => `not ${x}`),
      tie('e').map((x) => `(${x})`),
      fc.tuple(fc.constantFrom('startswith', 'endswith', 'substringof', 'contains', 'length'), fc.string({ maxLength: 6 })).map(([f, s]) => `${f}(fields/Division,'${s}')`),
      fc.nat({ max: 400 }).map((n) => `${'('.repeat(n)}id eq 1${')'.repeat(n)}`),
      fc.nat({ max: 300 }).map((n) => Array.from({ length: n }, (_, i) => `id eq ${i}`).join(' or ')),
      fc.string({ maxLength: 40 }),
    ),
  })).e;

  const queryOptions = fc.dictionary(
    fc.constantFrom('$filter', '$orderby', '$top', '$select', '$expand', '$skiptoken', 'token', '$count', '$search', '$format', 'filter', 'expand', 'select', '$skip', '$apply'),
    fc.oneof(
      filterExpr,
      fc.constantFrom('fields', 'fields($select=Title,Nope)', 'fields(select=Title)', 'fields($filter=x)', 'columns', 'items(expand=fields)', 'nope', 'fields(', 'id desc', 'fields/Year desc, id', 'fields/Nope', 'id,id,id,id,id,id,id,id,id', '0', '-1', '5001', '99999999999999999999', 'abc', 'latest', deltaToken, `${deltaToken}x`, skipToken, `${skipToken.slice(0, -2)}AA`, 'true'),
      fc.nat({ max: 6000 }).map(String),
      fc.string({ maxLength: 30 }),
      fc.nat({ max: 6000 }).map((n) => 'x'.repeat(n)),
    ),
    { maxKeys: 4 },
  ).map((d) => {
    const q = Object.entries(d).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    return q ? `?${q}` : '';
  });
  /** Raw query strings with broken %-encoding and odd separators. */
  const rawQuery = fc.oneof(queryOptions, fc.constantFrom('?$filter=%', '?$filter=%E0%A4%A', '?$top=%FF', '?&&&', '?$filter', '?=x', '?$expand=fields(%24select%3D', '?token=%25'));

  const jsonBodyText = fc.oneof(
    { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.nat({ max: 20000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
    { weight: 1, arbitrary: fc.nat({ max: 200 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '"x"', '1e999', '{"fields":null}', '{"fields":[]}', '{"fields":{"Title":{"a":1}}}', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}') },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  );

  /** Fields objects that are never valid: they always carry a field the list does not have. */
  const invalidFields = fc.tuple(fc.dictionary(fc.constantFrom('Title', 'Division', 'Year', 'Status', 'Done', 'Due', 'OwnerLookupId', 'Key', 'ID', 'Modified', '@odata.etag', 'Note'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), fc.stringMatching(/^Zz[A-Za-z0-9_]{0,10}$/), fc.jsonValue({ maxDepth: 2 }))
    .map(([d, unknownKey, v]) => ({ ...d, [unknownKey]: v }));

  const headerSet = fc.record(
    {
      'If-Match': fc.constantFrom('*', '"{00000000-0000-0000-0000-000000000000},1"', 'W/"x"', '', 'null', '"', '*, "x"'),
      Prefer: fc.constantFrom('HonorNonIndexedQueriesWarningMayFailRandomly', 'odata.maxpagesize=1', 'x'.repeat(500), ''),
      'Content-Type': fc.constantFrom('application/json', 'application/json;odata=verbose', 'text/plain', 'application/xml', 'multipart/mixed; boundary=x', ''),
      Accept: fc.constantFrom('application/json;odata=verbose', 'application/json;odata=nometadata', '*/*', 'text/html', 'application/xml'),
      'client-request-id': fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
    },
    { requiredKeys: [] },
  );


  const users = fc.constantFrom<string | null>('takahashi', 'suzuki', null);
  const badTokens = fc.constantFrom('garbage', 'a.b.c', 'eyJhbGciOiJub25lIn0.e30.', `${'x'.repeat(5000)}`, 'Bearer', '');

  const graphPath = fc.oneof(
    fc.tuple(siteRef(), segments).map(([s, rest]) => `/v1.0/sites/${s}/${rest}`),
    fc.tuple(siteRef(), listRef(), segments).map(([s, l, rest]) => `/v1.0/sites/${s}/lists/${l}/${rest}`),
    fc.tuple(listRef(), itemRef(), fc.constantFrom('', '/fields', '/versions', '/versions/1.0', '/versions/1.0/fields', '/versions/x', '/nope')).map(([l, i, tail]) => `/v1.0/sites/${siteId}/lists/${l}/items/${i}${tail}`),
    fc.constantFrom(`/v1.0/sites/${siteId}/lists/${listId}/items/delta`, `/v1.0/sites/${siteId}/lists/${listId}/items`, `/v1.0/sites/${siteId}/lists/${listId}/columns`, '/v1.0', '/v1.0/', '/v1.0/me', '/v1.0/$metadata', '/v1.0/$batch'),
    segments.map((s) => `/v1.0/${s}`),
  );
  const spPath = fc.oneof(
    fc.tuple(fc.constantFrom('lists', `lists/getbytitle('Rows')`, `lists(guid'${listId}')`, `lists/getbytitle('%E0')`, 'lists/getbyid()', 'roledefinitions', "roledefinitions/getbyname('Edit')", 'roledefinitions(1073741830)', 'roledefinitions/getbyid(x)', 'sitegroups', "sitegroups/getbyname('div-somu')/users", 'siteusers', "siteusers/getbyemail('x')", 'currentuser', 'getuserbyid(abc)', 'ensureuser', 'roleassignments', 'hasuniqueroleassignments', 'breakroleinheritance(true,false)', 'roleassignments/addroleassignment(principalid=3,roledefid=1)', 'roleassignments/getbyprincipalid(x)'), segments)
      .map(([a, b]) => `/sites/followup/_api/web/${a}${b ? `/${b}` : ''}`),
    fc.tuple(fc.constantFrom(`lists(guid'${listId}')/items(${itemIds[0] ?? 1})`, `lists/getbytitle('Rows')/items(abc)`, `lists/getbytitle('Rows')/items(99999)`), fc.constantFrom('', '/roleassignments', '/breakroleinheritance(copyRoleAssignments=x)', '/resetroleinheritance', '/roleassignments/removeroleassignment(principalid=,roledefid=)', '/hasuniqueroleassignments'))
      .map(([a, b]) => `/sites/followup/_api/web/${a}${b}`),
    segments.map((s) => `/sites/${s}/_api/${s}`),
  );
  const localPath = fc.oneof(fc.constantFrom('/_local/signin', '/_local/signin.js', '/_local/token', '/_local/faults', '/_local/stats', '/_local/users', '/_local/', '/_local/%FF'), segments.map((s) => `/_local/${s}`), segments.map((s) => `/${s}`));
  const anyPath = fc.oneof({ weight: 5, arbitrary: graphPath }, { weight: 3, arbitrary: spPath }, { weight: 1, arbitrary: localPath });

  /** Anything, from a caller who may at most read. */
  const hostile: fc.Arbitrary<Req> = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'MERGE', 'OPTIONS', 'HEAD'),
    path: fc.tuple(anyPath, rawQuery).map(([p, q]) => `${p}${q}`),
    user: users,
    headers: fc.tuple(headerSet, fc.option(fc.constantFrom('DELETE', 'MERGE', 'PUT', 'POST'), { nil: undefined })).map(([hs, x]) => (x ? { ...hs, 'X-HTTP-Method': x } : hs)),
    body: fc.option(jsonBodyText, { nil: undefined }),
    token: fc.option(badTokens, { nil: undefined }),
  }).map((r) => ({ ...r, token: r.token ?? undefined }));

  /** Reads by the site owner: any GET, any query. */
  const ownerRead: fc.Arbitrary<Req> = fc.record({
    method: fc.constant('GET'),
    path: fc.tuple(anyPath, rawQuery).map(([p, q]) => `${p}${q}`),
    user: fc.constant('sato'),
    headers: headerSet,
  }).map((r) => ({ ...r, body: undefined }));

  /** Writes by the site owner that are malformed by construction. */
  const ownerBadWrite: fc.Arbitrary<Req> = fc.oneof(
    fc.tuple(fc.constantFrom('POST', 'PATCH'), invalidFields, fc.constantFrom('', '/fields')).map(([m, f, tail]): Req => ({
      method: m,
      path: m === 'POST' ? `/v1.0/sites/${siteId}/lists/${listId}/items` : `/v1.0/sites/${siteId}/lists/${listId}/items/${itemIds[1] as string}${tail}`,
      user: 'sato',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(m === 'POST' || tail === '' ? { fields: f } : f),
    })),
    fc.tuple(fc.constantFrom('POST', 'PATCH', 'PUT'), fc.constantFrom('items', 'items/1', 'items/1/fields', 'columns'), fc.oneof(fc.constantFrom('null', '[]', '"x"', '7', 'true', '{', '[[[', ''), fc.nat({ max: 20000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`))).map(([m, tail, body]): Req => ({ method: m, path: `/v1.0/sites/${siteId}/lists/${listId}/${tail}`, user: 'sato', headers: { 'Content-Type': 'application/json' }, body })),
    fc.tuple(missingId, fc.constantFrom('', '?$filter=x')).map(([id, q]): Req => ({ method: 'DELETE', path: `/v1.0/sites/${siteId}/lists/${listId}/items/${id}${q}`, user: 'sato', headers: {} })),
    fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.stringMatching(/^Zz\w{0,6}$/)).map(([v, k]): Req => ({ method: 'POST', path: `/v1.0/sites/${siteId}/lists`, user: 'sato', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ displayName: `x${k}`, [k]: v }) })),
    fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.stringMatching(/^Zz\w{0,6}$/)).map(([v, k]): Req => ({ method: 'POST', path: `/v1.0/sites/${siteId}/lists/${listId}/columns`, user: 'sato', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'NewCol', text: {}, [k]: v }) })),
    fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom('breakroleinheritance(true,true)', 'resetroleinheritance', 'roleassignments/addroleassignment(principalid=3,roledefid=1073741829)', 'roleassignments/getbyprincipalid(3)')).map(([t, op]): Req => ({ method: 'POST', path: `/sites/followup/_api/web/lists/getbytitle('nope-${encodeURIComponent(t.replace(/'/g, ''))}')/${op}`, user: 'sato', headers: { 'X-HTTP-Method': 'DELETE' } })),
    fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('Name', 'BasePermissions')).map(([v, drop]): Req => {
      const body: Record<string, unknown> = { Name: 'Fuzz level', BasePermissions: { High: '0', Low: '1' }, Zz: v };
      delete body[drop];
      return { method: 'POST', path: '/sites/followup/_api/web/roledefinitions', user: 'sato', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
    }),
    fc.jsonValue({ maxDepth: 2 }).map((v): Req => ({ method: 'POST', path: '/_local/faults', user: 'sato', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rate429: v, zzUnknown: 1 }) })),
  );

  /** `$batch` envelopes: malformed shapes, or steps that are reads or refused writes. */
  const batchStep = fc.record({
    id: fc.oneof(fc.nat({ max: 25 }).map(String), fc.constantFrom('', 'a', 'A', '1')),
    method: fc.constantFrom('GET', 'GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'get'),
    url: fc.tuple(anyPath.map((p) => p.replace(/^\/v1\.0/, '')), rawQuery).map(([p, q]) => `${p}${q}`),
    headers: fc.option(headerSet, { nil: undefined }),
    body: fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }),
    dependsOn: fc.option(fc.array(fc.oneof(fc.nat({ max: 25 }).map(String), fc.constant('x')), { maxLength: 3 }), { nil: undefined }),
  }, { requiredKeys: ['id', 'method', 'url'] });
  const batch: fc.Arbitrary<Req> = fc.oneof(
    fc.tuple(fc.array(batchStep, { maxLength: 22 }), users).map(([steps, user]): Req => ({ method: 'POST', path: '/v1.0/$batch', user, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ requests: steps }) })),
    fc.array(fc.record({ id: fc.nat({ max: 25 }).map(String), method: fc.constant('GET'), url: fc.tuple(anyPath.map((p) => p.replace(/^\/v1\.0/, '')), rawQuery).map(([p, q]) => `${p}${q}`) }), { minLength: 1, maxLength: 20 })
      .map((steps): Req => ({ method: 'POST', path: '/v1.0/$batch', user: 'sato', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ requests: steps }) })),
    fc.array(ownerBadWrite.filter((r) => r.path.startsWith('/v1.0/') && !r.path.startsWith('/v1.0/$')), { minLength: 1, maxLength: 20 }).map((writes): Req => ({
      method: 'POST',
      path: '/v1.0/$batch',
      user: 'sato',
      headers: { 'Content-Type': 'application/json' },
      // Bodies are spliced in as text (a 20,000-level array would overflow JSON.stringify here); one that is not JSON
      // makes the whole envelope invalid, which is one more malformed case.
      body: `{"requests":[${writes.map((w, i) => `{"id":"${i + 1}","method":"${w.method}","url":${JSON.stringify(w.path.slice('/v1.0'.length))},"headers":{"Content-Type":"application/json"}${w.body === undefined ? '' : `,"body":${/^[[{]/.test(w.body) ? w.body : JSON.stringify(w.body)}`}}`).join(',')}]}`,
    })),
    fc.oneof(jsonBodyText, fc.constantFrom('{"requests":null}', '{"requests":{}}', '{"requests":[null]}', '{"requests":[[]]}', `{"requests":${JSON.stringify(Array.from({ length: 25 }, (_, i) => ({ id: String(i), method: 'GET', url: '/sites/root' })))}}`, '{"requests":[{"id":"1","method":"GET","url":"/$batch"}]}', '{"requests":[{"id":"1","method":"GET","url":"https://evil.example/x"}]}'))
      .map((body): Req => ({ method: 'POST', path: '/v1.0/$batch', user: 'sato', headers: { 'Content-Type': 'application/json' }, body })),
  );

  const request = fc.oneof({ weight: 4, arbitrary: hostile }, { weight: 3, arbitrary: ownerRead }, { weight: 3, arbitrary: ownerBadWrite }, { weight: 2, arbitrary: batch });
  return request;
}

// ---------------------------------------------------------------- the run

const INTERNALS = / at [\w.<>]+ \(|file:\/\/|\/work\/|\/tmp\/|node_modules|\.ts:\d+|SQLITE_|SqliteError|no such column|SELECT |json_extract|RangeError|TypeError|URIError|Maximum call stack/;

describe('fuzzing the local service', () => {
  it(`answers ${RUNS} generated malformed requests with no 5xx, no internals, and changes nothing stored`, async () => {
    const before = h.digest();
    const statuses = new Map<number, number>();
    const stepStatuses = new Map<number, number>();
    let sent = 0;
    let unsendable = 0;
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(requests(), async (r) => {
        const headers: Record<string, string> = { ...r.headers };
        for (const k of Object.keys(headers)) if (headers[k] === '') delete headers[k];
        if (r.token !== undefined) headers.Authorization = `Bearer ${r.token}`;
        else if (r.user !== null) headers.Authorization = `Bearer ${tokens[r.user] as string}`;
        let res: { statusCode: number; body: { text(): Promise<string> } };
        try {
          // Characters a request line cannot carry are sent percent-encoded (undici refuses them, and a refused request
          // leaves its pool stuck); malformed %-sequences and backslashes stay as they are.
          const path = r.path.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
          res = await pool.request({ method: r.method as 'GET', path, headers, body: r.method === 'GET' || r.method === 'HEAD' ? null : (r.body ?? null) });
        } catch (e) {
          // A timeout is the service's failure; anything else means the client refused to send the request
          // (e.g. characters undici will not put in a request line).
          if (e instanceof Error && /Timeout/.test(e.name)) throw new Error(`no answer to ${r.method} ${r.path.slice(0, 200)} ${JSON.stringify(headers).slice(0, 200)} ${r.body?.slice(0, 200) ?? ''}`);
          unsendable++;
          return;
        }
        const text = await res.body.text();
        sent++;
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(res.statusCode, `${r.method} ${r.path.slice(0, 200)} → ${text.slice(0, 300)}`).toBeLessThan(500);
        expect(text, `${r.method} ${r.path.slice(0, 200)}`).not.toMatch(INTERNALS);
        if (r.path === '/v1.0/$batch' && res.statusCode === 200) {
          for (const step of (JSON.parse(text) as { responses: { status: number }[] }).responses) {
            stepStatuses.set(step.status, (stepStatuses.get(step.status) ?? 0) + 1);
            expect(step.status, `${r.body?.slice(0, 300) ?? ''}`).toBeLessThan(500);
          }
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    const ms = Math.round(performance.now() - started);
    const fmt = (m: Map<number, number>): string => [...m].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ');
    const steps = [...stepStatuses.values()].reduce((a, b) => a + b, 0);
    process.stdout.write(`fuzz (seed ${SEED}): ${sent} requests (+${steps} $batch steps, ${unsendable} refused by the client) in ${ms} ms; statuses ${fmt(statuses)}; batch steps ${fmt(stepStatuses)}\n`);
    expect(sent).toBeGreaterThan(RUNS * 0.9);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(h.digest()).toBe(before);
    // The service still works normally afterwards.
    expect((await h.call('GET', `/sites/${siteId}/lists/${listId}/items?$top=100`)).body.value).toHaveLength(12);
  });
});
