// Optimistic concurrency (If-Match → 412) and item versions (#3).
// Evidence: listitem-update.md and listitem-delete.md ("if-match … 412 Precondition Failed … the item will not be
// updated/deleted"); concepts/errors.md (412); listitem-list-versions.md (newest first, ids like "3.0");
// listitemversion-get.md (?expand=fields).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalGraphHarness, startLocalGraph } from '../../support/local-graph-client.js';
import { type Collection, createItem, createList, type ListItemBody } from './followup-list.js';
import { ETAG, expectCollectionShape, expectGraphError, expectRawError, expectShape } from './graph-assertions.js';

let h: LocalGraphHarness;
let listPath: string;

beforeAll(async () => {
  h = await startLocalGraph();
  const list = await createList(h.client, h.sitePath, 'Concurrency');
  listPath = `${h.sitePath}/lists/${list.id}`;
});

afterAll(async () => {
  await h?.close();
});

const get = async (id: string): Promise<ListItemBody> =>
  (await h.client.api(`${listPath}/items/${id}?$expand=fields`).get()) as ListItemBody;

describe('eTags and If-Match', () => {
  it('changes the eTag on every update and keeps @odata.etag equal to eTag', async () => {
    const item = await createItem(h.client, listPath, { Title: 'v1' });
    expect(item.eTag).toMatch(ETAG);
    const read = await get(item.id);
    expect(read.eTag).toBe(item.eTag);
    expect(read['@odata.etag']).toBe(item.eTag);
    await h.client.api(`${listPath}/items/${item.id}/fields`).patch({ Title: 'v2' });
    const after = await get(item.id);
    expect(after.eTag).toMatch(ETAG);
    expect(after.eTag).not.toBe(item.eTag);
  });

  it('PATCH with the current eTag succeeds; with a stale one → 412 and the item is unchanged', async () => {
    const item = await createItem(h.client, listPath, { Title: 'base', Amount: 1 });
    const stale = item.eTag as string;
    await h.client.api(`${listPath}/items/${item.id}/fields`).header('If-Match', stale).patch({ Amount: 2 });
    const current = await get(item.id);
    expect(current.fields?.Amount).toBe(2);

    await expectGraphError(
      h.client.api(`${listPath}/items/${item.id}/fields`).header('If-Match', stale).patch({ Amount: 3, Title: 'lost' }),
      412,
    );
    const after = await get(item.id);
    expect(after.fields).toMatchObject({ Amount: 2, Title: 'base' });
    expect(after.eTag).toBe(current.eTag);
  });

  it('DELETE with a stale eTag → 412 and the item stays; with the current one → 204', async () => {
    const item = await createItem(h.client, listPath, { Title: 'keep me' });
    await h.client.api(`${listPath}/items/${item.id}/fields`).patch({ Title: 'kept' });
    await expectGraphError(h.client.api(`${listPath}/items/${item.id}`).header('If-Match', item.eTag as string).delete(), 412);
    const still = await get(item.id);
    expect(still.fields?.Title).toBe('kept');
    const res = await h.raw('DELETE', `${listPath}/items/${item.id}`, { headers: { 'If-Match': still.eTag as string } });
    expect(res.status).toBe(204);
    expect((await h.raw('GET', `${listPath}/items/${item.id}`)).status).toBe(404);
  });

  it('of five concurrent PATCHes with the same eTag exactly one wins, the others get 412', async () => {
    const item = await createItem(h.client, listPath, { Title: 'race', Amount: 0 });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        h.raw('PATCH', `${listPath}/items/${item.id}/fields`, {
          headers: { 'If-Match': item.eTag as string },
          body: { Amount: n },
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 412, 412, 412, 412]);
    const winner = results.find((r) => r.status === 200)?.json as Record<string, unknown>;
    expect((await get(item.id)).fields?.Amount).toBe(winner.Amount);
    const versions = (await h.client.api(`${listPath}/items/${item.id}/versions`).get()) as Collection<{ id: string }>;
    expect(versions.value.map((v) => v.id)).toEqual(['2.0', '1.0']);
  });

  it('rejects an unquoted or malformed eTag with 400 or 412, never applying the write', async () => {
    const item = await createItem(h.client, listPath, { Title: 'malformed', Amount: 1 });
    const res = await h.raw('PATCH', `${listPath}/items/${item.id}/fields`, {
      headers: { 'If-Match': 'not-an-etag' },
      body: { Amount: 2 },
    });
    expect([400, 412]).toContain(res.status);
    expectRawError(res, res.status);
    expect((await get(item.id)).fields?.Amount).toBe(1);
  });

  it('If-Match: * matches any current version', async () => {
    const item = await createItem(h.client, listPath, { Title: 'star' });
    await h.client.api(`${listPath}/items/${item.id}/fields`).patch({ Title: 'star 2' });
    const fields = (await h.client
      .api(`${listPath}/items/${item.id}/fields`)
      .header('If-Match', '*')
      .patch({ Title: 'star 3' })) as Record<string, unknown>;
    expect(fields.Title).toBe('star 3');
    const res = await h.raw('DELETE', `${listPath}/items/${item.id}`, { headers: { 'If-Match': '*' } });
    expect(res.status).toBe(204);
  });

  it('a 412 inside $batch leaves the item unchanged too', async () => {
    const item = await createItem(h.client, listPath, { Title: 'batch', Amount: 1 });
    await h.client.api(`${listPath}/items/${item.id}/fields`).patch({ Amount: 2 });
    const res = (await h.client.api('/$batch').post({
      requests: [
        {
          id: '1',
          method: 'PATCH',
          url: `${listPath}/items/${item.id}/fields`,
          headers: { 'Content-Type': 'application/json', 'If-Match': item.eTag },
          body: { Amount: 9 },
        },
      ],
    })) as { responses: { id: string; status: number }[] };
    expect(res.responses[0]?.status).toBe(412);
    expect((await get(item.id)).fields?.Amount).toBe(2);
  });
});

describe('versions', () => {
  interface VersionBody {
    id: string;
    lastModifiedDateTime: string;
    lastModifiedBy?: { user?: { displayName?: string } };
    fields?: Record<string, unknown>;
  }

  it('lists one version per write, newest first, each with its fields snapshot', async () => {
    const item = await createItem(h.client, listPath, { Title: '取組', Amount: 1, Status: '実施未定' });
    await h.client.api(`${listPath}/items/${item.id}/fields`).patch({ Amount: 2 });
    await h.client.api(`${listPath}/items/${item.id}/fields`).patch({ Status: '実施' });
    await h.client.api(`${listPath}/items/${item.id}/fields`).patch({ Title: '取組(改)', Amount: 3 });

    const body = (await h.client.api(`${listPath}/items/${item.id}/versions?$expand=fields`).get()) as Collection<VersionBody>;
    expectCollectionShape('listItemVersion', body);
    const versions = body.value;
    expect(versions.map((v) => v.id)).toEqual(['4.0', '3.0', '2.0', '1.0']);
    const snapshot = (v: VersionBody | undefined) => ({
      Title: v?.fields?.Title,
      Amount: v?.fields?.Amount,
      Status: v?.fields?.Status,
    });
    expect(versions.map(snapshot)).toEqual([
      { Title: '取組(改)', Amount: 3, Status: '実施' },
      { Title: '取組', Amount: 2, Status: '実施' },
      { Title: '取組', Amount: 2, Status: '実施未定' },
      { Title: '取組', Amount: 1, Status: '実施未定' },
    ]);
    for (const v of versions) {
      expectShape('fieldValueSet', v.fields);
      expect(v.lastModifiedBy?.user?.displayName).toBe('佐藤 花子');
    }
    const times = versions.map((v) => Date.parse(v.lastModifiedDateTime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('gets a single version with its fields', async () => {
    const item = await createItem(h.client, listPath, { Title: 'one', Amount: 10 });
    await h.client.api(`${listPath}/items/${item.id}/fields`).patch({ Amount: 11 });
    const v1 = (await h.client.api(`${listPath}/items/${item.id}/versions/1.0?$expand=fields`).get()) as VersionBody;
    expect(v1.id).toBe('1.0');
    expect(v1.fields).toMatchObject({ Title: 'one', Amount: 10 });
    expectShape('listItemVersion', v1);
    await expectGraphError(h.client.api(`${listPath}/items/${item.id}/versions/9.0`).get(), 404, 'itemNotFound');
  });

  it('a rejected write (412) adds no version', async () => {
    const item = await createItem(h.client, listPath, { Title: 'no version' });
    await h.client.api(`${listPath}/items/${item.id}/fields`).patch({ Title: 'v2' });
    await expectGraphError(
      h.client.api(`${listPath}/items/${item.id}/fields`).header('If-Match', item.eTag as string).patch({ Title: 'v3' }),
      412,
    );
    const body = (await h.client.api(`${listPath}/items/${item.id}/versions`).get()) as Collection<VersionBody>;
    expect(body.value.map((v) => v.id)).toEqual(['2.0', '1.0']);
  });
});
