// PageIterator over more than 5,000 items (#3).
// Evidence: concepts/paging.md (follow @odata.nextLink unchanged); msgraph-sdk-javascript src/tasks/PageIterator.ts.
import { type PageCollection, PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalGraphHarness, startLocalGraph } from '../../support/local-graph-client.js';
import { createItemsInBatches, createList, type ListItemBody } from './followup-list.js';
import { expectCollectionShape } from './graph-assertions.js';

const TOTAL = 5_020;

let h: LocalGraphHarness;
let listPath: string;
/** Created item ids in ascending id order (the default listing order), and the Seq written to each. */
let ids: string[];
const seqById = new Map<string, number>();

beforeAll(async () => {
  h = await startLocalGraph();
  const list = await createList(h.client, h.sitePath, 'Paging', [
    { name: 'Seq', number: {}, indexed: true },
    { name: 'Bucket', number: {}, indexed: true },
  ]);
  listPath = `${h.sitePath}/lists/${list.id}`;
  const rows = Array.from({ length: TOTAL }, (_, i) => ({ Title: `row ${i}`, Seq: i, Bucket: i % 7 }));
  // Two batches run in parallel, so ids are allocated in arrival order, not row order.
  const created = await createItemsInBatches(h.client, listPath, rows, 2);
  created.forEach((id, row) => seqById.set(id, row));
  ids = [...created].sort((x, y) => Number(x) - Number(y));
}, 120_000);

afterAll(async () => {
  await h?.close();
});

async function iterate(path: string, headers?: Record<string, string>): Promise<{ items: ListItemBody[]; pages: number }> {
  let request = h.client.api(path);
  if (headers) request = request.headers(headers);
  const first = (await request.get()) as PageCollection;
  expectCollectionShape('listItem', first);
  const items: ListItemBody[] = [];
  const iterator = new PageIterator(
    h.client,
    first,
    (item: ListItemBody) => {
      items.push(item);
      return true;
    },
    headers ? { headers } : undefined,
  );
  // Requests are sequential here, so the service's request counter gives the number of pages fetched.
  const before = h.graph.stats().requests;
  await iterator.iterate();
  expect(iterator.isComplete()).toBe(true);
  return { items, pages: 1 + h.graph.stats().requests - before };
}

describe('paging', () => {
  it(`created ${TOTAL} distinct item ids through $batch`, () => {
    expect(ids).toHaveLength(TOTAL);
    expect(new Set(ids).size).toBe(TOTAL);
    // dependsOn chains each batch, so ids grow along the 20 rows of a batch.
    const byRow = [...seqById.entries()].sort((x, y) => x[1] - y[1]).map(([id]) => Number(id));
    for (let row = 1; row < TOTAL; row++) {
      if (row % 20 !== 0) expect(byRow[row], `row ${row}`).toBeGreaterThan(byRow[row - 1] as number);
    }
  });

  it('PageIterator visits every item exactly once, in id order, over several pages', async () => {
    const { items, pages } = await iterate(`${listPath}/items?$expand=fields($select=Seq)`);
    expect(items).toHaveLength(TOTAL);
    expect(items.map((i) => i.id)).toEqual(ids);
    expect(items.map((i) => i.fields?.Seq)).toEqual(ids.map((id) => seqById.get(id)));
    expect(pages).toBeGreaterThan(1);
  });

  it('nextLinks are absolute https URLs on the same host and keep the query', async () => {
    const first = (await h.client.api(`${listPath}/items?$top=1000&$expand=fields($select=Seq)`).get()) as PageCollection;
    expect(first.value.length).toBeGreaterThan(0);
    expect(first.value.length).toBeLessThanOrEqual(1000);
    const next = first['@odata.nextLink'];
    expect(next).toBeDefined();
    const url = new URL(next as string);
    expect(url.origin).toBe(h.graph.url);
    expect(url.pathname.startsWith('/v1.0/')).toBe(true);
    const second = (await h.client.api(next as string).get()) as { value: ListItemBody[] };
    expect(second.value[0]?.fields).toHaveProperty('Seq');
    expect(second.value[0]?.id).toBe(ids[first.value.length]);
  });

  it('keeps $filter across nextLink pages', async () => {
    const { items } = await iterate(`${listPath}/items?$filter=${encodeURIComponent('fields/Bucket eq 3')}&$expand=fields($select=Seq,Bucket)&$top=200`);
    const expectedIds = ids.filter((id) => (seqById.get(id) as number) % 7 === 3);
    expect(items.map((i) => i.id)).toEqual(expectedIds);
    expect(items.every((i) => i.fields?.Bucket === 3)).toBe(true);
  });

  it('pauses when the callback returns false and resumes where it stopped', async () => {
    const first = (await h.client.api(`${listPath}/items?$top=300`).get()) as PageCollection;
    const seen: string[] = [];
    const iterator = new PageIterator(h.client, first, (item: ListItemBody) => {
      seen.push(item.id);
      return seen.length % 450 !== 0;
    });
    await iterator.iterate();
    expect(seen).toHaveLength(450);
    expect(iterator.isComplete()).toBe(false);
    await iterator.resume();
    expect(seen).toHaveLength(900);
    expect(seen).toEqual(ids.slice(0, 900));
  });
});
