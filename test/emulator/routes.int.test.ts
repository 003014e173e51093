import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { errorCode, type Harness, startHarness } from './harness.js';

let h: Harness;
let lp: string;

beforeAll(async () => {
  h = await startHarness({ pageSize: 200 });
  const r = await h.call('POST', `${h.sitePath}/lists`, {
    body: {
      displayName: '取組一覧',
      list: { template: 'genericList' },
      columns: [
        { name: 'Division', text: { maxLength: 100 }, indexed: true },
        { name: 'Status', choice: { choices: ['実施', '実施未定'] }, indexed: true },
        { name: 'Qty', number: { minimum: 0 } },
        { name: 'Done', boolean: {} },
        { name: 'Due', dateTime: { format: 'dateOnly' }, indexed: true },
        { name: 'Memo', text: { allowMultipleLines: true, textType: 'plain' } },
        { name: 'Owner', personOrGroup: {} },
        { name: 'Code', text: {}, enforceUniqueValues: true },
        { name: 'Needed', number: {}, required: true, defaultValue: { value: '1' } },
      ],
    },
  });
  expect(r.status).toBe(201);
  lp = `${h.sitePath}/lists/${r.body.id as string}`;
});
afterAll(async () => h.close());

const create = async (fields: Record<string, unknown>): Promise<any> => { // eslint-disable-line @typescript-eslint/no-explicit-any -- Graph JSON
  const r = await h.call('POST', `${lp}/items`, { body: { fields } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};
const count = async (): Promise<number> => (await h.call('GET', `${lp}/items?$top=5000`)).body.value.length as number;

describe('authentication', () => {
  it('answers 401 InvalidAuthenticationToken without a token or with a forged one', async () => {
    const none = await h.call('GET', h.sitePath, { as: null });
    expect(none.status).toBe(401);
    expect(errorCode(none)).toBe('InvalidAuthenticationToken');
    const forged = await h.call('GET', h.sitePath, { as: null, headers: { Authorization: `Bearer ${h.g.tokenFor().slice(0, -3)}xyz` } });
    expect(forged.status).toBe(401);
    expect(forged.body.error.message).toMatch(/Signature validation failed/);
  });
});

describe('sites', () => {
  it('resolves the demo site by path and by composite id to the same site', async () => {
    const byPath = await h.call('GET', '/sites/localhost:/sites/followup');
    expect(byPath.status).toBe(200);
    expect(byPath.body.id).toMatch(/^localhost,[0-9a-f-]{36},[0-9a-f-]{36}$/);
    expect(byPath.body.webUrl).toBe(`${h.g.url}/sites/followup`);
    const byId = await h.call('GET', h.sitePath);
    expect(byId.body.id).toBe(byPath.body.id);
    expect(byId.body['@odata.context']).toBe(`${h.g.graphUrl}/$metadata#sites/$entity`);
  });
  it('continues the path form into :/lists/{title}/items', async () => {
    await create({ Title: 'path form', Code: 'P-1' });
    const r = await h.call('GET', `/sites/localhost:/sites/followup:/lists/${encodeURIComponent('取組一覧')}/items?$expand=fields`);
    expect(r.status).toBe(200);
    expect(r.body.value.some((i: { fields: { Title: string } }) => i.fields.Title === 'path form')).toBe(true);
  });
  it('answers 404 itemNotFound for an unknown site', async () => {
    const r = await h.call('GET', '/sites/localhost:/sites/nope');
    expect(r.status).toBe(404);
    expect(errorCode(r)).toBe('itemNotFound');
    expect((await h.call('GET', '/sites/nohost.example')).status).toBe(404);
  });
  it('resolves a bare hostname to that host\'s root site, as GET /sites/{hostname} does', async () => {
    const r = await h.call('GET', '/sites/localhost');
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(h.g.site.id);
  });
});

describe('lists and columns', () => {
  it('returns the list facet and the genericList Title column first, built-ins read-only', async () => {
    const l = await h.call('GET', `${lp}?$expand=columns`);
    expect(l.body.list).toEqual({ contentTypesEnabled: false, hidden: false, template: 'genericList' });
    expect(l.body.eTag).toMatch(/^"[0-9a-f-]{36},\d+"$/);
    const cols = l.body.columns as { name: string; readOnly: boolean; text?: { maxLength: number }; indexed: boolean; enforceUniqueValues: boolean }[];
    expect(cols[0]).toMatchObject({ name: 'Title', readOnly: false, text: { maxLength: 255, allowMultipleLines: false } });
    for (const n of ['ID', 'Created', 'Modified', 'Author', 'Editor']) expect(cols.find((c) => c.name === n)?.readOnly).toBe(true);
    // enforceUniqueValues implies an index, as SharePoint requires.
    expect(cols.find((c) => c.name === 'Code')).toMatchObject({ indexed: true, enforceUniqueValues: true });
  });
  it('gets a list by display name, 404 for an unknown one, 409 for a duplicate name', async () => {
    expect((await h.call('GET', `${h.sitePath}/lists/${encodeURIComponent('取組一覧')}`)).body.displayName).toBe('取組一覧');
    const missing = await h.call('GET', `${h.sitePath}/lists/nope`);
    expect(missing.status).toBe(404);
    expect(errorCode(missing)).toBe('itemNotFound');
    const dup = await h.call('POST', `${h.sitePath}/lists`, { body: { displayName: '取組一覧' } });
    expect(dup.status).toBe(409);
    expect(errorCode(dup)).toBe('nameAlreadyExists');
    const named = await h.call('POST', `${h.sitePath}/lists`, { body: { displayName: 'Named', name: 'Named' } });
    expect(named.status).toBe(400);
    expect(named.body.error.message).toBe("Cannot define a 'name' for a list as it is assigned by the server. Instead, provide 'displayName'");
  });
  it('adds a column (201), rejects a duplicate (409) and unknown facets (400)', async () => {
    const c = await h.call('POST', `${lp}/columns`, { body: { name: 'Extra', displayName: '追加', text: {} } });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ name: 'Extra', displayName: '追加', type: 'text', text: { maxLength: 255 } });
    expect((await h.call('POST', `${lp}/columns`, { body: { name: 'Extra', text: {} } })).status).toBe(409);
    const bad = await h.call('POST', `${lp}/columns`, { body: { name: 'X2', text: {}, number: {} } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/only one type facet/);
    const unk = await h.call('POST', `${lp}/columns`, { body: { name: 'X3', colour: 'red' } });
    expect(unk.body.error.message).toMatch(/'colour'/);
  });
});

describe('items', () => {
  it('creates an item with Graph metadata and the fields Graph returns', async () => {
    const it1 = await create({ Title: '会議の効率化', Division: '総務課', Status: '実施', Qty: 3, Done: true, Due: '2025-04-01', OwnerLookupId: 13, Code: 'A-1' });
    expect(it1.eTag).toMatch(/^"\{[0-9A-F-]{36}\},1"$/);
    expect(it1.createdBy.user).toMatchObject({ displayName: '佐藤 花子', email: 'sato@soumu.localhost' });
    expect(it1.fields).toMatchObject({
      '@odata.etag': it1.eTag, Title: '会議の効率化', Status: '実施', Qty: 3, Done: true, Due: '2025-04-01T00:00:00Z', OwnerLookupId: '13',
      Needed: 1, id: it1.id, ContentType: 'Item', _UIVersionString: '1.0', Attachments: false, LinkTitle: '会議の効率化',
    });
    expect(it1.fields.AuthorLookupId).toBe(it1.fields.EditorLookupId);
    const sel = await h.call('GET', `${lp}/items/${it1.id as string}?$expand=fields($select=Title,Owner)`);
    expect(sel.body.fields).toEqual({ '@odata.etag': it1.eTag, Title: '会議の効率化', Owner: '鈴木 一郎' });
  });

  it('rejects bad input with 400 naming the problem and writes nothing', async () => {
    const before = await count();
    const cases: [unknown, RegExp][] = [
      [{ Title: 'x', Nope: 1 }, /Field 'Nope' is not recognized/],
      [{ Title: 'x', Qty: '3' }, /field 'Qty': expected a number/],
      [{ Title: 'x'.repeat(256) }, /exceeds the maximum length of 255/],
      [{ Title: 'x', Division: 'y'.repeat(101) }, /maximum length of 100/],
      [{ Title: 'x', Status: '完了' }, /Invalid choice '完了'/],
      [{ Title: 'x', Done: 'yes' }, /expected true or false/],
      [{ Title: 'x', Due: 'tomorrow' }, /ISO 8601/],
      [{ Title: 'x', Created: '2020-01-01T00:00:00Z' }, /Field 'Created' is read-only/],
      [{ Title: 'x', OwnerLookupId: 9999 }, /not the id of a user/],
      [{ Title: 'x', Qty: -1 }, /below the minimum 0/],
    ];
    for (const [fields, msg] of cases) {
      const r = await h.call('POST', `${lp}/items`, { body: { fields } });
      expect(r.status, JSON.stringify(fields)).toBe(400);
      expect(errorCode(r)).toBe('invalidRequest');
      expect(r.body.error.message).toMatch(msg);
    }
    const malformed = await h.call('POST', `${lp}/items`, { raw: '{"fields": {' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/Unable to read JSON request payload/);
    expect(await count()).toBe(before);
  });

  it('PATCH fields returns the fieldValueSet, bumps the eTag and honours If-Match', async () => {
    const it1 = await create({ Title: 'etag', Qty: 1, Code: 'E-1' });
    const ok = await h.call('PATCH', `${lp}/items/${it1.id as string}/fields`, { body: { Qty: 2 }, headers: { 'If-Match': it1.eTag } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ Qty: 2, Title: 'etag', _UIVersionString: '2.0' });
    expect(ok.body['@odata.etag']).toBe(it1.eTag.replace(/,1"$/, ',2"'));
    const stale = await h.call('PATCH', `${lp}/items/${it1.id as string}/fields`, { body: { Qty: 99 }, headers: { 'If-Match': it1.eTag } });
    expect(stale.status).toBe(412);
    expect(errorCode(stale)).toBe('resourceModified');
    const star = await h.call('PATCH', `${lp}/items/${it1.id as string}/fields`, { body: { Qty: 3 }, headers: { 'If-Match': '*' } });
    expect(star.status).toBe(200);
    const now = await h.call('GET', `${lp}/items/${it1.id as string}?$expand=fields`);
    expect(now.body.fields.Qty).toBe(3);
    const staleDelete = await h.call('DELETE', `${lp}/items/${it1.id as string}`, { headers: { 'If-Match': it1.eTag } });
    expect(staleDelete.status).toBe(412);
    const del = await h.call('DELETE', `${lp}/items/${it1.id as string}`, { headers: { 'If-Match': now.body.eTag } });
    expect(del.status).toBe(204);
    const gone = await h.call('GET', `${lp}/items/${it1.id as string}`);
    expect(gone.status).toBe(404);
    expect(errorCode(gone)).toBe('itemNotFound');
  });

  it('clears a field with null and keeps the others', async () => {
    const it1 = await create({ Title: 'clear', Memo: '行1\n行2', Code: 'C-1' });
    expect(it1.fields.Memo).toBe('行1\n行2');
    const r = await h.call('PATCH', `${lp}/items/${it1.id as string}/fields`, { body: { Memo: null } });
    expect(r.body.Memo).toBeUndefined();
    expect(r.body.Title).toBe('clear');
  });

  it('reports required columns but, like SharePoint\'s APIs, does not enforce them on create or update', async () => {
    const cols = await h.call('GET', `${lp}/columns`);
    const req = Object.fromEntries(cols.body.value.map((c: { name: string; required: boolean }) => [c.name, c.required]));
    expect([req.Title, req.Needed]).toEqual([true, true]);
    // No Title: accepted; the default value of Needed is applied.
    const it1 = await create({ Qty: 1, Code: 'R-1' });
    expect(it1.fields.Title).toBeUndefined();
    expect(it1.fields.Needed).toBe(1);
    const cleared = await h.call('PATCH', `${lp}/items/${it1.id as string}/fields`, { body: { Needed: null, Title: '' } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.Needed).toBeUndefined();
  });

  it('enforces unique values with 409 on create and update', async () => {
    await create({ Title: 'u1', Code: 'U-1' });
    const b = await create({ Title: 'u2', Code: 'U-2' });
    const dupCreate = await h.call('POST', `${lp}/items`, { body: { fields: { Title: 'u3', Code: 'U-1' } } });
    expect(dupCreate.status).toBe(409);
    expect(dupCreate.body.error.message).toMatch(/duplicate values .*\[Code\]/);
    const dupCase = await h.call('POST', `${lp}/items`, { body: { fields: { Title: 'u4', Code: 'u-1' } } });
    expect(dupCase.status).toBe(409);
    const dupUpdate = await h.call('PATCH', `${lp}/items/${b.id as string}/fields`, { body: { Code: 'U-1' } });
    expect(dupUpdate.status).toBe(409);
    expect((await h.call('GET', `${lp}/items/${b.id as string}?$expand=fields`)).body.fields.Code).toBe('U-2');
  });

  it('keeps every version with its fields, newest first', async () => {
    const it1 = await create({ Title: 'v', Qty: 1, Code: 'V-1' });
    await h.call('PATCH', `${lp}/items/${it1.id as string}/fields`, { body: { Qty: 2 }, as: 'sato' });
    await h.call('PATCH', `${lp}/items/${it1.id as string}/fields`, { body: { Title: 'v3' } });
    const r = await h.call('GET', `${lp}/items/${it1.id as string}/versions`);
    expect(r.body.value.map((v: { id: string }) => v.id)).toEqual(['3.0', '2.0', '1.0']);
    expect(r.body.value.map((v: { fields: { Qty: number; Title: string } }) => [v.fields.Title, v.fields.Qty])).toEqual([['v3', 2], ['v', 2], ['v', 1]]);
    expect(r.body.value[2].lastModifiedBy.user.displayName).toBe('佐藤 花子');
    const one = await h.call('GET', `${lp}/items/${it1.id as string}/versions/2.0/fields`);
    expect(one.body.Qty).toBe(2);
  });
});

describe('queries', () => {
  let qp: string;
  beforeAll(async () => {
    const l = await h.call('POST', `${h.sitePath}/lists`, {
      body: { displayName: 'Query', columns: [{ name: 'Rank', number: {}, indexed: true }, { name: 'Grp', text: {}, indexed: true }, { name: 'Free', text: {} }] },
    });
    qp = `${h.sitePath}/lists/${l.body.id as string}`;
    const requests = Array.from({ length: 20 }, (_, i) => ({
      id: String(i + 1), method: 'POST', url: `${qp}/items`, headers: { 'Content-Type': 'application/json' },
      body: { fields: { Title: `t${String(i).padStart(2, '0')}`, Rank: (i * 7) % 20, Grp: i % 2 === 0 ? 'even' : 'odd', Free: `f${i}` } },
    }));
    const b = await h.call('POST', '/$batch', { body: { requests } });
    expect(b.body.responses.every((x: { status: number }) => x.status === 201)).toBe(true);
  });

  it('filters on indexed fields with and/or/startswith and parentheses', async () => {
    const r = await h.call('GET', `${qp}/items?$expand=fields&$filter=${encodeURIComponent("fields/Grp eq 'even' and (fields/Rank lt 5 or fields/Rank ge 18)")}`);
    expect(r.status).toBe(200);
    const ranks = r.body.value.map((i: { fields: { Rank: number } }) => i.fields.Rank).sort((a: number, b: number) => a - b);
    expect(ranks).toEqual([0, 2, 4, 18]);
    const sw = await h.call('GET', `${qp}/items?$filter=${encodeURIComponent("startswith(fields/Grp,'ev')")}`);
    expect(sw.body.value).toHaveLength(10);
  });

  it('refuses non-indexed filter/orderby with Graph\'s message unless Prefer is sent', async () => {
    const r = await h.call('GET', `${qp}/items?$filter=${encodeURIComponent("fields/Free eq 'f3'")}`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe("Field 'Free' cannot be referenced in filter or orderby as it is not indexed. Provide the 'Prefer: HonorNonIndexedQueriesWarningMayFailRandomly' header to allow this, but be warned that such queries may fail on large lists.");
    const o = await h.call('GET', `${qp}/items?$orderby=fields/Free`);
    expect(o.status).toBe(400);
    const ok = await h.call('GET', `${qp}/items?$expand=fields&$filter=${encodeURIComponent("fields/Free eq 'f3'")}`, { headers: { Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' } });
    expect(ok.status).toBe(200);
    expect(ok.body.value.map((i: { fields: { Title: string } }) => i.fields.Title)).toEqual(['t03']);
    const mod = await h.call('GET', `${qp}/items?$filter=${encodeURIComponent('lastModifiedDateTime ge 2000-01-01T00:00:00Z')}`);
    expect(mod.body.value).toHaveLength(20);
  });

  it('rejects unsupported filter syntax and unknown fields with 400 naming them', async () => {
    const f = await h.call('GET', `${qp}/items?$filter=${encodeURIComponent("contains(fields/Grp,'e')")}`);
    expect(f.status).toBe(400);
    expect(f.body.error.message).toMatch(/'contains'/);
    const u = await h.call('GET', `${qp}/items?$filter=${encodeURIComponent('fields/Nope eq 1')}`);
    expect(u.body.error.message).toMatch(/Field 'Nope' does not exist/);
    const t = await h.call('GET', `${qp}/items?$filter=${encodeURIComponent("fields/Rank eq 'abc'")}`);
    expect(t.status).toBe(400);
  });

  it('pages by keyset with absolute https nextLinks, ordered desc on an indexed field', async () => {
    const seen: number[] = [];
    let url: string | undefined = `${qp}/items?$expand=fields&$orderby=${encodeURIComponent('fields/Rank desc')}&$top=6`;
    let pages = 0;
    while (url) {
      const r = await h.call('GET', url);
      expect(r.status).toBe(200);
      seen.push(...r.body.value.map((i: { fields: { Rank: number } }) => i.fields.Rank));
      url = r.body['@odata.nextLink'] as string | undefined;
      if (url) expect(url.startsWith(`${h.g.graphUrl}/sites/`)).toBe(true);
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(seen).toHaveLength(20);
  });

  it('compares text case-insensitively in eq, startswith and $orderby paging, as SharePoint\'s collation does', async () => {
    const eq = await h.call('GET', `${qp}/items?$filter=${encodeURIComponent("fields/Grp eq 'EVEN'")}`);
    expect(eq.status).toBe(200);
    expect(eq.body.value).toHaveLength(10);
    const ne = await h.call('GET', `${qp}/items?$filter=${encodeURIComponent("fields/Grp ne 'Odd'")}`);
    expect(ne.body.value).toHaveLength(10);
    const sw = await h.call('GET', `${qp}/items?$filter=${encodeURIComponent("startswith(fields/Grp,'Ev')")}`);
    expect(sw.body.value).toHaveLength(10);
    // Mixed-case values order by their case-folded form; keyset paging over them neither skips nor repeats.
    const l = await h.call('POST', `${h.sitePath}/lists`, { body: { displayName: 'CaseOrder', columns: [{ name: 'K', text: {}, indexed: true }] } });
    const cp = `${h.sitePath}/lists/${l.body.id as string}`;
    const values = ['b', 'A', 'a', 'C', 'B', 'c'];
    const requests = values.map((K, i) => ({ id: String(i + 1), method: 'POST', url: `${cp}/items`, headers: { 'Content-Type': 'application/json' }, body: { fields: { Title: K, K } } }));
    expect((await h.call('POST', '/$batch', { body: { requests } })).body.responses.every((x: { status: number }) => x.status === 201)).toBe(true);
    const seen: string[] = [];
    let url: string | undefined = `${cp}/items?$expand=fields&$orderby=fields/K&$top=4`;
    while (url) {
      const r = await h.call('GET', url);
      seen.push(...r.body.value.map((i: { fields: { K: string } }) => i.fields.K));
      url = r.body['@odata.nextLink'] as string | undefined;
    }
    expect(seen).toEqual(['A', 'a', 'b', 'B', 'C', 'c']);
    const lt = await h.call('GET', `${cp}/items?$expand=fields&$filter=${encodeURIComponent("fields/K lt 'B'")}`);
    expect(lt.body.value.map((i: { fields: { K: string } }) => i.fields.K)).toEqual(['A', 'a']);
  });

  it('caps $top at 5000 and rejects a bad $top or $skiptoken', async () => {
    expect((await h.call('GET', `${qp}/items?$top=999999`)).body.value).toHaveLength(20);
    expect((await h.call('GET', `${qp}/items?$top=-1`)).status).toBe(400);
    expect((await h.call('GET', `${qp}/items?$skiptoken=garbage`)).status).toBe(400);
  });
});

describe('list view threshold', () => {
  it('fails a non-indexed query on a list above 5,000 items even with Prefer, while indexed queries work', async () => {
    const l = await h.call('POST', `${h.sitePath}/lists`, { body: { displayName: 'Big', columns: [{ name: 'N', number: {}, indexed: true }, { name: 'Free', text: {} }] } });
    const bp = `${h.sitePath}/lists/${l.body.id as string}`;
    for (let b = 0; b < 251; b++) {
      const requests = Array.from({ length: 20 }, (_, i) => ({ id: String(i), method: 'POST', url: `${bp}/items`, headers: { 'Content-Type': 'application/json' }, body: { fields: { Title: 'x', N: b * 20 + i, Free: 'y' } } }));
      const r = await h.call('POST', '/$batch', { body: { requests } });
      expect(r.status).toBe(200);
    }
    const big = await h.call('GET', `${bp}/items?$filter=${encodeURIComponent("fields/Free eq 'y'")}`, { headers: { Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' } });
    expect(big.status).toBe(500);
    expect(big.body.error.message).toMatch(/exceeds the list view threshold/);
    const idx = await h.call('GET', `${bp}/items?$expand=fields&$filter=${encodeURIComponent('fields/N ge 5000')}`);
    expect(idx.status).toBe(200);
    expect(idx.body.value).toHaveLength(20);
  });
});
