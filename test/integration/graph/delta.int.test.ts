// Delta on list items (#3).
// Evidence: listitem-delta.md (nextLink pages then deltaLink; token=latest → empty page + deltaLink; deleted items carry
// `deleted`; 410 Gone with resyncChangesApplyDifferences/resyncChangesUploadDifferences and a Location nextLink).
import { PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalGraphHarness, startLocalGraph } from '../../support/local-graph-client.js';
import { type Collection, createItem, createList, type ListItemBody } from './followup-list.js';
import { expectCollectionShape, expectGraphError, expectRawError, expectShape } from './graph-assertions.js';

const PAGE_SIZE = 10;
const COUNT = 35;

let h: LocalGraphHarness;
let listPath: string;
let ids: string[];

interface DeltaRound {
  items: ListItemBody[];
  pages: number;
  deltaLink: string;
}

/** Follows nextLinks of a delta round with the Graph client until the deltaLink arrives. */
async function deltaRound(start: string): Promise<DeltaRound> {
  const items: ListItemBody[] = [];
  let pages = 0;
  let page = (await h.client.api(start).get()) as Collection<ListItemBody>;
  for (;;) {
    pages += 1;
    expectCollectionShape('listItem', page);
    expect(page['@odata.nextLink'] !== undefined && page['@odata.deltaLink'] !== undefined, 'never both links').toBe(false);
    items.push(...page.value);
    if (page['@odata.deltaLink']) return { items, pages, deltaLink: page['@odata.deltaLink'] };
    expect(page['@odata.nextLink'], 'a page without deltaLink has a nextLink').toEqual(expect.any(String));
    page = (await h.client.api(page['@odata.nextLink'] as string).get()) as Collection<ListItemBody>;
  }
}

/** Latest state per id (the docs: "use the last occurrence"). */
const latest = (items: ListItemBody[]): Map<string, ListItemBody> => new Map(items.map((i) => [i.id, i]));

beforeAll(async () => {
  h = await startLocalGraph({ pageSize: PAGE_SIZE });
  const list = await createList(h.client, h.sitePath, 'Delta');
  listPath = `${h.sitePath}/lists/${list.id}`;
  ids = [];
  for (let i = 0; i < COUNT; i++) ids.push((await createItem(h.client, listPath, { Title: `d${i}`, Amount: i })).id);
});

afterAll(async () => {
  await h?.close();
});

describe('delta', () => {
  let deltaLink: string;

  it('enumerates every item over nextLink pages and ends with a deltaLink', async () => {
    const round = await deltaRound(`${listPath}/items/delta?$expand=fields`);
    expect(round.pages).toBeGreaterThanOrEqual(Math.ceil(COUNT / PAGE_SIZE));
    const state = latest(round.items);
    expect([...state.keys()].sort()).toEqual([...ids].sort());
    expect(state.get(ids[3] as string)?.fields).toMatchObject({ Title: 'd3', Amount: 3 });
    for (const item of round.items) expect(item.deleted).toBeUndefined();
    expect(new URL(round.deltaLink).origin).toBe(h.graph.url);
    deltaLink = round.deltaLink;
  });

  it('the deltaLink of an unchanged list returns no items and a new deltaLink', async () => {
    const round = await deltaRound(deltaLink);
    expect(round.items).toEqual([]);
    deltaLink = round.deltaLink;
  });

  it('returns exactly the changes and deletions after a token', async () => {
    await h.client.api(`${listPath}/items/${ids[0]}/fields`).patch({ Title: 'changed' });
    await h.client.api(`${listPath}/items/${ids[1]}/fields`).patch({ Amount: 100 });
    await h.client.api(`${listPath}/items/${ids[2]}`).delete();
    const added = await createItem(h.client, listPath, { Title: 'new', Amount: 999 });

    const round = await deltaRound(deltaLink);
    const state = latest(round.items);
    expect([...state.keys()].sort()).toEqual([ids[0], ids[1], ids[2], added.id].sort());
    expect(state.get(ids[0] as string)?.fields).toMatchObject({ Title: 'changed' });
    expect(state.get(ids[1] as string)?.fields).toMatchObject({ Amount: 100 });
    expect(state.get(added.id)?.fields).toMatchObject({ Title: 'new', Amount: 999 });
    const gone = state.get(ids[2] as string) as ListItemBody;
    expect(gone.deleted).toEqual({ state: 'deleted' });
    expectShape('listItem', gone);
    for (const id of [ids[0], ids[1], added.id]) expect(state.get(id as string)?.deleted).toBeUndefined();

    const quiet = await deltaRound(round.deltaLink);
    expect(quiet.items).toEqual([]);
    deltaLink = quiet.deltaLink;
  });

  it('?token=latest returns an empty page with a deltaLink that sees later changes only', async () => {
    await h.client.api(`${listPath}/items/${ids[5]}/fields`).patch({ Title: 'before latest' });
    const first = (await h.client.api(`${listPath}/items/delta?token=latest`).get()) as Collection<ListItemBody>;
    expect(first.value).toEqual([]);
    expect(first['@odata.nextLink']).toBeUndefined();
    expect(first['@odata.deltaLink']).toEqual(expect.any(String));
    await h.client.api(`${listPath}/items/${ids[6]}/fields`).patch({ Title: 'after latest' });
    const round = await deltaRound(first['@odata.deltaLink'] as string);
    expect(round.items.map((i) => i.id)).toEqual([ids[6]]);
  });

  it('PageIterator follows a delta round and exposes the deltaLink', async () => {
    const first = (await h.client.api(`${listPath}/items/delta`).get()) as Collection<ListItemBody>;
    const seen: ListItemBody[] = [];
    const iterator = new PageIterator(h.client, first, (item: ListItemBody) => {
      seen.push(item);
      return true;
    });
    await iterator.iterate();
    expect(iterator.isComplete()).toBe(true);
    expect(iterator.getDeltaLink()).toEqual(expect.any(String));
    const live = [...latest(seen).values()].filter((i) => i.deleted === undefined);
    expect(live).toHaveLength(COUNT); // 35 created, one deleted, one added
  });

  it('answers 410 Gone with a Location for a once-valid token that the service can no longer honour', async () => {
    const round = await deltaRound(`${listPath}/items/delta`);
    // A change after the token, then the change log is dropped (as after a long disconnection).
    await h.client.api(`${listPath}/items/${ids[7]}/fields`).patch({ Title: 'after the token' });
    h.graph.expireDeltaTokens();
    const res = await h.raw('GET', round.deltaLink.slice(h.graph.graphUrl.length));
    expectRawError(res, 410, /^resyncChanges(ApplyDifferences|UploadDifferences)$/);
    const restart = await deltaRound(res.headers.get('location') as string);
    expect([...latest(restart.items).values()].filter((i) => i.deleted === undefined)).toHaveLength(COUNT);
  });

  it('answers 410 Gone with a resync code and a Location that starts a fresh enumeration for an unknown token', async () => {
    const res = await h.raw('GET', `${listPath}/items/delta?token=bm90LWEtdG9rZW4`);
    expectRawError(res, 410, /^resyncChanges(ApplyDifferences|UploadDifferences)$/);
    const location = res.headers.get('location');
    expect(location).toMatch(/^https:\/\/localhost:\d+\/v1\.0\//);

    const err = await expectGraphError(
      h.client.api(`${listPath}/items/delta?token=bm90LWEtdG9rZW4`).get(),
      410,
      /^resyncChanges(ApplyDifferences|UploadDifferences)$/,
    );
    expect(err.headers?.get('Location')).toBe(location);

    const round = await deltaRound(location as string);
    const live = [...latest(round.items).values()].filter((i) => i.deleted === undefined);
    expect(live).toHaveLength(COUNT);
    expect(live.map((i) => i.id)).not.toContain(ids[2]);
  });
});
