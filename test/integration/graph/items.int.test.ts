// List items: CRUD, $expand/$select/$filter/$orderby/$top and the non-indexed rule (#3).
// Evidence: listitem-list.md, listitem-get.md, listitem-create.md, listitem-update.md, listitem-delete.md;
// platform-facts A3 for the non-indexed 400 and the Prefer header.
import { type PageCollection, PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalGraphHarness, startLocalGraph } from '../../support/local-graph-client.js';
import { type Collection, createItem, createList, getAll, type ListItemBody } from './followup-list.js';
import {
  ETAG,
  expectCollectionShape,
  expectGraphError,
  expectRawError,
  expectShape,
} from './graph-assertions.js';

interface Row {
  Title: string;
  Division: string;
  Status: string;
  Amount: number;
  Done: boolean;
  DueDate: string;
  Memo: string;
}

const DIVISIONS = ['総務課', '企画課', '行政管理局'];
const ROWS: Row[] = Array.from({ length: 12 }, (_, i) => ({
  Title: `${i % 2 === 0 ? 'テレワーク' : '業務効率化'} ${String(i + 1).padStart(2, '0')}`,
  Division: DIVISIONS[i % 3] as string,
  Status: i % 4 === 0 ? '実施未定' : '実施',
  Amount: (i * 7) % 10,
  Done: i % 2 === 1,
  DueDate: `2026-0${(i % 9) + 1}-15T00:00:00Z`,
  Memo: i % 5 === 0 ? 'memo' : 'other',
}));
const PREFER = { Prefer: 'HonorNonIndexedQueriesWarningMayFailRandomly' };

let h: LocalGraphHarness;
let listPath: string;
let ids: string[];

/** ids of ROWS matching the predicate, in creation order. */
const expected = (pred: (r: Row) => boolean): string[] => ROWS.flatMap((r, i) => (pred(r) ? [ids[i] as string] : []));
const query = async (q: string, headers: Record<string, string> = {}): Promise<ListItemBody[]> =>
  getAll<ListItemBody>(h.client, `${listPath}/items?${q}`, headers);
const idsOf = (items: ListItemBody[]): string[] => items.map((i) => i.id);

beforeAll(async () => {
  h = await startLocalGraph();
  const list = await createList(h.client, h.sitePath, 'Items');
  listPath = `${h.sitePath}/lists/${list.id}`;
  ids = [];
  for (const row of ROWS) ids.push((await createItem(h.client, listPath, { ...row })).id);
});

afterAll(async () => {
  await h?.close();
});

describe('item CRUD', () => {
  it('POST creates an item: 201 with id, eTag and fields', async () => {
    const res = await h.raw('POST', `${listPath}/items`, { body: { fields: { Title: '新規', Amount: 3.5, Done: true } } });
    expect(res.status, res.text).toBe(201);
    const item = res.json as ListItemBody;
    expect(item.id).toMatch(/^\d+$/);
    expect(item.eTag).toMatch(ETAG);
    expect(item.fields).toMatchObject({ Title: '新規', Amount: 3.5, Done: true });
    expectShape('listItem', item);
    expectShape('fieldValueSet', item.fields);
    await h.client.api(`${listPath}/items/${item.id}`).delete();
  });

  it('GET returns the item with createdBy/lastModifiedBy of the caller and fields', async () => {
    const item = (await h.client.api(`${listPath}/items/${ids[0]}?$expand=fields`).get()) as ListItemBody & {
      createdBy: { user: { displayName: string } };
      createdDateTime: string;
      lastModifiedDateTime: string;
    };
    expect(item.id).toBe(ids[0]);
    expect(item.fields).toMatchObject({ Title: ROWS[0]?.Title, Division: ROWS[0]?.Division, Amount: ROWS[0]?.Amount });
    expect(item.createdBy.user.displayName).toBe('佐藤 花子');
    expect(Date.parse(item.lastModifiedDateTime)).toBeGreaterThanOrEqual(Date.parse(item.createdDateTime));
    expectShape('listItem', item);
    expectShape('fieldValueSet', item.fields);
  });

  it('$expand=fields($select=…) returns only the selected fields', async () => {
    const item = (await h.client
      .api(`${listPath}/items/${ids[1]}?$expand=fields($select=Title,Amount)`)
      .get()) as ListItemBody;
    expect(item.fields).toMatchObject({ Title: ROWS[1]?.Title, Amount: ROWS[1]?.Amount });
    expect(item.fields).not.toHaveProperty('Division');
    expect(item.fields).not.toHaveProperty('Memo');
    const listed = await query('$expand=fields($select=Division)');
    expect(listed).toHaveLength(ROWS.length);
    for (const i of listed) {
      expect(i.fields).toHaveProperty('Division');
      expect(i.fields).not.toHaveProperty('Title');
    }
  });

  it('GET …/items/{id}/fields returns the fieldValueSet; listings carry fields only when expanded', async () => {
    const fields = (await h.client.api(`${listPath}/items/${ids[0]}/fields`).get()) as Record<string, unknown>;
    expect(fields).toMatchObject({ Title: ROWS[0]?.Title, Division: ROWS[0]?.Division, Amount: ROWS[0]?.Amount });
    expectShape('fieldValueSet', fields);
    const page = (await h.client.api(`${listPath}/items`).get()) as Collection<ListItemBody>;
    expect(page.value.length).toBeGreaterThan(0);
    for (const item of page.value) expect(item).not.toHaveProperty('fields');
  });

  it('accepts the un-prefixed form expand=fields(select=…) from the older docs', async () => {
    const item = (await h.client.api(`${listPath}/items/${ids[1]}?expand=fields(select=Title)`).get()) as ListItemBody;
    expect(item.fields).toMatchObject({ Title: ROWS[1]?.Title });
    expect(item.fields).not.toHaveProperty('Amount');
  });

  it('$select limits listItem properties', async () => {
    const page = (await h.client.api(`${listPath}/items?$select=id,createdDateTime`).get()) as Collection<ListItemBody>;
    expectCollectionShape('listItem', page);
    for (const item of page.value) {
      expect(Object.keys(item).filter((k) => !k.startsWith('@odata.')).sort()).toEqual(['createdDateTime', 'id']);
    }
  });

  it('PATCH …/fields returns 200 with the fieldValueSet; other fields untouched', async () => {
    const res = await h.raw('PATCH', `${listPath}/items/${ids[2]}/fields`, { body: { Amount: 42, Status: '実施未定' } });
    expect(res.status, res.text).toBe(200);
    const fields = res.json as Record<string, unknown>;
    expectShape('fieldValueSet', fields);
    expect(fields).toMatchObject({ Amount: 42, Status: '実施未定', Title: ROWS[2]?.Title, Division: ROWS[2]?.Division });
    const again = (await h.client.api(`${listPath}/items/${ids[2]}?$expand=fields`).get()) as ListItemBody;
    expect(again.fields).toMatchObject({ Amount: 42, Status: '実施未定', Title: ROWS[2]?.Title, Memo: ROWS[2]?.Memo });
    await h.client.api(`${listPath}/items/${ids[2]}/fields`).patch({ Amount: ROWS[2]?.Amount, Status: ROWS[2]?.Status });
  });

  it('PATCH with null clears a value', async () => {
    const item = await createItem(h.client, listPath, { Title: 'clear', Memo: 'to clear', Amount: 5 });
    await h.client.api(`${listPath}/items/${item.id}/fields`).patch({ Memo: null, Amount: null });
    const fields = ((await h.client.api(`${listPath}/items/${item.id}?$expand=fields`).get()) as ListItemBody).fields ?? {};
    expect(fields.Memo ?? null).toBeNull();
    expect(fields.Amount ?? null).toBeNull();
    expect(fields.Title).toBe('clear');
    await h.client.api(`${listPath}/items/${item.id}`).delete();
  });

  it('DELETE returns 204; the item is then 404 itemNotFound and gone from listings', async () => {
    const item = await createItem(h.client, listPath, { Title: '削除対象' });
    const res = await h.raw('DELETE', `${listPath}/items/${item.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    await expectGraphError(h.client.api(`${listPath}/items/${item.id}`).get(), 404, 'itemNotFound');
    expect(idsOf(await query('$top=100'))).not.toContain(item.id);
    await expectGraphError(h.client.api(`${listPath}/items/${item.id}`).delete(), 404, 'itemNotFound');
  });
});

describe('$filter on indexed fields', () => {
  const cases: [string, (r: Row) => boolean][] = [
    [`fields/Division eq '企画課'`, (r) => r.Division === '企画課'],
    [`fields/Division ne '企画課'`, (r) => r.Division !== '企画課'],
    ['fields/Amount lt 4', (r) => r.Amount < 4],
    ['fields/Amount gt 4', (r) => r.Amount > 4],
    ['fields/Amount le 4', (r) => r.Amount <= 4],
    ['fields/Amount ge 4', (r) => r.Amount >= 4],
    [`fields/Status eq '実施未定'`, (r) => r.Status === '実施未定'],
    [`startswith(fields/Division, '行政')`, (r) => r.Division.startsWith('行政')],
  ];
  for (const [filter, pred] of cases) {
    it(`${filter}`, async () => {
      const items = await query(`$expand=fields&$filter=${encodeURIComponent(filter)}`);
      expect(idsOf(items)).toEqual(expected(pred));
      expect(expected(pred).length).toBeGreaterThan(0);
      expect(expected(pred).length).toBeLessThan(ROWS.length);
    });
  }

  it('filters a non-indexed boolean with the Prefer header', async () => {
    const items = await query(`$filter=${encodeURIComponent('fields/Done eq true')}`, PREFER);
    expect(idsOf(items)).toEqual(expected((r) => r.Done));
  });

  // The docs say the service filters one indexed field at a time; the Prefer header keeps these independent of that.
  it('combines conditions with and / or', async () => {
    const and = await query(`$filter=${encodeURIComponent(`fields/Division eq '総務課' and fields/Amount gt 2`)}`, PREFER);
    expect(idsOf(and)).toEqual(expected((r) => r.Division === '総務課' && r.Amount > 2));
    const or = await query(`$filter=${encodeURIComponent(`fields/Amount eq 0 or fields/Division eq '企画課'`)}`, PREFER);
    expect(idsOf(or)).toEqual(expected((r) => r.Amount === 0 || r.Division === '企画課'));
    expect(and.length).toBeGreaterThan(0);
    expect(or.length).toBeGreaterThan(and.length);
  });
});

describe('OData literals', () => {
  it("escapes a quote in a string literal by doubling it ('O''Reilly')", async () => {
    const item = await createItem(h.client, listPath, { Title: 'quote', Division: "O'Reilly" });
    try {
      const items = await query(`$filter=${encodeURIComponent(`fields/Division eq 'O''Reilly'`)}`);
      expect(idsOf(items)).toEqual([item.id]);
    } finally {
      await h.client.api(`${listPath}/items/${item.id}`).delete();
    }
  });
});

describe('$orderby and $top', () => {
  it('orders by an indexed field, descending, with id as a stable tie-break', async () => {
    const items = await query('$expand=fields&$orderby=fields/Amount desc');
    const amounts = items.map((i) => i.fields?.Amount as number);
    expect(amounts).toEqual([...ROWS.map((r) => r.Amount)].sort((a, b) => b - a));
  });

  it('$top limits the page and @odata.nextLink continues it', async () => {
    const first = (await h.client.api(`${listPath}/items?$top=5&$orderby=fields/Amount`).get()) as Collection<ListItemBody>;
    expect(first.value).toHaveLength(5);
    expect(first['@odata.nextLink']).toMatch(/^https:\/\/localhost:\d+\/v1\.0\//);
    const all = await query('$top=5&$expand=fields&$orderby=fields/Amount');
    expect(all).toHaveLength(ROWS.length);
    expect(new Set(idsOf(all)).size).toBe(ROWS.length);
    const amounts = all.map((i) => i.fields?.Amount as number);
    expect(amounts).toEqual([...amounts].sort((a, b) => a - b));
  });
});

describe('non-indexed fields', () => {
  it('rejects $filter on a non-indexed field with 400 naming the field and the Prefer escape', async () => {
    const res = await h.raw('GET', `${listPath}/items?$filter=${encodeURIComponent(`fields/Memo eq 'memo'`)}`);
    const error = expectRawError(res, 400, 'invalidRequest');
    expect(error.message).toMatch(/Field 'Memo' cannot be referenced in filter or orderby as it is not indexed/);
    expect(error.message).toContain('HonorNonIndexedQueriesWarningMayFailRandomly');
  });

  it('rejects $orderby on a non-indexed field with the same 400', async () => {
    const err = await expectGraphError(h.client.api(`${listPath}/items?$orderby=fields/Memo`).get(), 400, 'invalidRequest');
    expect(err.message).toMatch(/Field 'Memo' cannot be referenced/);
  });

  it('PageIterator re-sends the Prefer header on every nextLink of a non-indexed query', async () => {
    const filter = `$filter=${encodeURIComponent(`fields/Memo eq 'other'`)}&$top=3`;
    const first = (await h.client.api(`${listPath}/items?${filter}`).headers(PREFER).get()) as PageCollection;
    expect(first['@odata.nextLink']).toEqual(expect.any(String));
    const seen: string[] = [];
    const iterator = new PageIterator(
      h.client,
      first,
      (item: ListItemBody) => {
        seen.push(item.id);
        return true;
      },
      { headers: PREFER },
    );
    await iterator.iterate();
    expect(seen).toEqual(expected((r) => r.Memo === 'other'));
    // Without the header, a nextLink of the same query is refused like the first page would be.
    await expectGraphError(h.client.api(first['@odata.nextLink'] as string).get(), 400, 'invalidRequest');
  });

  it('runs the query when Prefer: HonorNonIndexedQueriesWarningMayFailRandomly is sent', async () => {
    const items = await query(`$expand=fields&$filter=${encodeURIComponent(`fields/Memo eq 'memo'`)}`, PREFER);
    expect(idsOf(items)).toEqual(expected((r) => r.Memo === 'memo'));
    const ordered = await query('$expand=fields&$orderby=fields/Memo desc', PREFER);
    expect(ordered.map((i) => i.fields?.Memo)).toEqual([...ROWS.map((r) => r.Memo)].sort().reverse());
  });
});

describe('bad input is rejected and nothing is half-written', () => {
  const count = async (): Promise<number> => (await query('$top=200')).length;
  const read = async (id: string): Promise<Record<string, unknown>> =>
    ((await h.client.api(`${listPath}/items/${id}?$expand=fields`).get()) as ListItemBody).fields ?? {};

  it('malformed JSON → 400', async () => {
    const before = await count();
    const res = await h.raw('POST', `${listPath}/items`, { body: '{"fields": {"Title": "x",' });
    expectRawError(res, 400);
    const patch = await h.raw('PATCH', `${listPath}/items/${ids[3]}/fields`, { body: '{"Amount": 1' });
    expectRawError(patch, 400);
    expect(await count()).toBe(before);
    expect((await read(ids[3] as string)).Amount).toBe(ROWS[3]?.Amount);
  });

  it('unknown field → 400 naming it; no item created, no field changed', async () => {
    const before = await count();
    const err = await expectGraphError(h.client.api(`${listPath}/items`).post({ fields: { Title: 'x', Nope: 1 } }), 400);
    expect(err.message).toContain('Nope');
    const patchErr = await expectGraphError(
      h.client.api(`${listPath}/items/${ids[3]}/fields`).patch({ Amount: 99, Nope: 1 }),
      400,
    );
    expect(patchErr.message).toContain('Nope');
    expect(await count()).toBe(before);
    expect((await read(ids[3] as string)).Amount).toBe(ROWS[3]?.Amount);
  });

  it('wrong value type → 400 naming the field; the item is unchanged', async () => {
    const before = await count();
    const err = await expectGraphError(h.client.api(`${listPath}/items`).post({ fields: { Title: 'x', Amount: 'many' } }), 400);
    expect(err.message).toContain('Amount');
    await expectGraphError(h.client.api(`${listPath}/items/${ids[4]}/fields`).patch({ Title: 'changed', Done: 'yes' }), 400);
    expect(await count()).toBe(before);
    expect(await read(ids[4] as string)).toMatchObject({ Title: ROWS[4]?.Title, Done: ROWS[4]?.Done });
  });

  it('256 characters in a single-line text field → 400; 255 is accepted', async () => {
    const before = await count();
    const err = await expectGraphError(h.client.api(`${listPath}/items`).post({ fields: { Title: 'あ'.repeat(256) } }), 400);
    expect(err.message).toContain('Title');
    await expectGraphError(h.client.api(`${listPath}/items/${ids[5]}/fields`).patch({ Division: 'x'.repeat(256) }), 400);
    expect(await count()).toBe(before);
    expect((await read(ids[5] as string)).Division).toBe(ROWS[5]?.Division);
    const ok = await createItem(h.client, listPath, { Title: 'あ'.repeat(255) });
    expect(ok.fields?.Title).toBe('あ'.repeat(255));
    await h.client.api(`${listPath}/items/${ok.id}`).delete();
  });

  it('echoes client-request-id in the error body and response headers', async () => {
    const res = await h.raw('GET', `${listPath}/items/99998`, { headers: { 'client-request-id': 'conformance-crid-1' } });
    const error = expectRawError(res, 404, 'itemNotFound');
    expect(error.innerError['client-request-id']).toBe('conformance-crid-1');
    expect(res.headers.get('client-request-id')).toBe('conformance-crid-1');
  });

  it('unknown list and unknown item → 404 itemNotFound', async () => {
    await expectGraphError(h.client.api(`${h.sitePath}/lists/NoSuchList/items`).get(), 404, 'itemNotFound');
    await expectGraphError(h.client.api(`${listPath}/items/99999`).get(), 404, 'itemNotFound');
    await expectGraphError(h.client.api(`${listPath}/items/99999/fields`).patch({ Title: 'x' }), 404, 'itemNotFound');
    await expectGraphError(h.client.api(`${listPath}/items/99999`).delete(), 404, 'itemNotFound');
  });

  it('unsupported $filter syntax → 400 naming the problem', async () => {
    const bad = await expectGraphError(h.client.api(`${listPath}/items?$filter=${encodeURIComponent('fields/Amount eqq 4')}`).get(), 400);
    expect(bad.message).toContain('eqq');
    const unknown = await expectGraphError(h.client.api(`${listPath}/items?$filter=${encodeURIComponent('fields/Nope eq 4')}`).get(), 400);
    expect(unknown.message).toContain('Nope');
    const unbalanced = await expectGraphError(
      h.client.api(`${listPath}/items?$filter=${encodeURIComponent("(fields/Amount eq 4")}`).get(),
      400,
    );
    expect(unbalanced.message).not.toBe('');
  });
});
