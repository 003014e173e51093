// JSON batching with BatchRequestContent/BatchResponseContent (#3).
// Evidence: concepts/json-batching.md (≤20 requests, unique ids, dependsOn, 424, outer 200/400, per-response
// id/status/headers/body); msgraph-sdk-javascript src/content/BatchRequestContent.ts, BatchResponseContent.ts.
import { BatchRequestContent, BatchResponseContent, type BatchResponseBody } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type LocalGraphHarness, startLocalGraph } from '../../support/local-graph-client.js';
import { createItem, createList, type ListItemBody } from './followup-list.js';
import { expectGraphErrorBody, expectRawError, expectShape } from './graph-assertions.js';

let h: LocalGraphHarness;
let listPath: string;
/** Absolute URL for a batch step; BatchRequestContent strips scheme and host, leaving `/sites/…`. */
const at = (path: string): string => `${h.graph.url}${path}`;
const json = { 'Content-Type': 'application/json' };

beforeAll(async () => {
  h = await startLocalGraph();
  const list = await createList(h.client, h.sitePath, 'Batch');
  listPath = `${h.sitePath}/lists/${list.id}`;
});

afterAll(async () => {
  await h?.close();
});

async function send(content: BatchRequestContent): Promise<BatchResponseContent> {
  const body = (await h.client.api('/$batch').post(await content.getContent())) as BatchResponseBody;
  return new BatchResponseContent(body);
}

const readFields = async (id: string): Promise<Record<string, unknown>> =>
  ((await h.client.api(`${listPath}/items/${id}?$expand=fields`).get()) as ListItemBody).fields ?? {};

describe('$batch', () => {
  it('runs mixed GET/POST/PATCH/DELETE and returns per-request status, headers and body', async () => {
    const existing = await createItem(h.client, listPath, { Title: '既存', Amount: 1 });
    const doomed = await createItem(h.client, listPath, { Title: '削除' });
    const content = new BatchRequestContent([
      { id: 'list', request: new Request(at(`${listPath}`)) },
      {
        id: 'create',
        request: new Request(at(`${listPath}/items`), {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ fields: { Title: 'バッチ作成', Amount: 7 } }),
        }),
      },
      {
        id: 'update',
        request: new Request(at(`${listPath}/items/${existing.id}/fields`), {
          method: 'PATCH',
          headers: json,
          body: JSON.stringify({ Amount: 2 }),
        }),
      },
      { id: 'read', request: new Request(at(`${listPath}/items/${existing.id}?$expand=fields`)) },
      { id: 'delete', request: new Request(at(`${listPath}/items/${doomed.id}`), { method: 'DELETE' }) },
    ]);
    const res = await send(content);
    expect([...res.getResponses().keys()].sort()).toEqual(['create', 'delete', 'list', 'read', 'update']);

    const list = res.getResponseById('list');
    expect(list.status).toBe(200);
    expect(list.headers.get('Content-Type')).toMatch(/^application\/json/);
    expectShape('list', await list.json());

    const create = res.getResponseById('create');
    expect(create.status).toBe(201);
    const created = (await create.json()) as ListItemBody;
    expect(created.fields).toMatchObject({ Title: 'バッチ作成', Amount: 7 });
    expectShape('listItem', created);

    const update = res.getResponseById('update');
    expect(update.status).toBe(200);
    const fields = (await update.json()) as Record<string, unknown>;
    expect(fields).toMatchObject({ Title: '既存', Amount: 2 });
    expectShape('fieldValueSet', fields);

    expect(res.getResponseById('read').status).toBe(200);
    expect(res.getResponseById('delete').status).toBe(204);

    expect(await readFields(created.id)).toMatchObject({ Title: 'バッチ作成', Amount: 7 });
    expect(await readFields(existing.id)).toMatchObject({ Amount: 2 });
    expect((await h.raw('GET', `${listPath}/items/${doomed.id}`)).status).toBe(404);
  });

  it('honours dependsOn: a chain runs in order', async () => {
    const item = await createItem(h.client, listPath, { Title: 'chain', Amount: 0 });
    const patch = (id: string, amount: number, dependsOn?: string[]) => ({
      id,
      request: new Request(at(`${listPath}/items/${item.id}/fields`), {
        method: 'PATCH',
        headers: json,
        body: JSON.stringify({ Amount: amount }),
      }),
      ...(dependsOn ? { dependsOn } : {}),
    });
    const res = await send(new BatchRequestContent([patch('1', 1), patch('2', 2, ['1']), patch('3', 3, ['2'])]));
    for (const id of ['1', '2', '3']) expect(res.getResponseById(id).status).toBe(200);
    expect(((await res.getResponseById('3').json()) as Record<string, unknown>).Amount).toBe(3);
    expect(await readFields(item.id)).toMatchObject({ Amount: 3 });
  });

  it('answers 424 for a request whose dependency failed, and does not run it', async () => {
    const item = await createItem(h.client, listPath, { Title: 'dep', Amount: 5 });
    const content = new BatchRequestContent([
      {
        id: 'bad',
        request: new Request(at(`${listPath}/items/99999/fields`), {
          method: 'PATCH',
          headers: json,
          body: JSON.stringify({ Amount: 1 }),
        }),
      },
      {
        id: 'after',
        request: new Request(at(`${listPath}/items/${item.id}/fields`), {
          method: 'PATCH',
          headers: json,
          body: JSON.stringify({ Amount: 6 }),
        }),
        dependsOn: ['bad'],
      },
    ]);
    const res = await send(content);
    const bad = res.getResponseById('bad');
    expect(bad.status).toBe(404);
    expectGraphErrorBody(await bad.json(), 'itemNotFound');
    const after = res.getResponseById('after');
    expect(after.status).toBe(424);
    expectGraphErrorBody(await after.json());
    expect(await readFields(item.id)).toMatchObject({ Amount: 5 });
  });

  it('reports inner failures with the inner status while the batch itself is 200', async () => {
    const res = await h.raw('POST', '/$batch', {
      body: {
        requests: [
          { id: 'a', method: 'GET', url: `${listPath}/items/99999` },
          { id: 'b', method: 'POST', url: `${listPath}/items`, headers: json, body: { fields: { Nope: 1 } } },
          { id: 'c', method: 'GET', url: `${h.sitePath}/lists/NoSuchList` },
        ],
      },
    });
    expect(res.status).toBe(200);
    const body = res.json as BatchResponseBody;
    const byId = new Map(body.responses.map((r) => [r.id, r]));
    expect(byId.get('a')?.status).toBe(404);
    expectGraphErrorBody(byId.get('a')?.body, 'itemNotFound');
    expect(byId.get('b')?.status).toBe(400);
    expectGraphErrorBody(byId.get('b')?.body);
    expect(byId.get('c')?.status).toBe(404);
    expectGraphErrorBody(byId.get('c')?.body, 'itemNotFound');
  });

  it('rejects more than 20 requests with 400 (raw: BatchRequestContent refuses to build it)', async () => {
    expect(() => new BatchRequestContent(Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      request: new Request(at(`${listPath}/items`)),
    })))).toThrow(/Maximum requests limit exceeded/);
    const before = ((await h.client.api(`${listPath}/items?$top=500`).get()) as { value: unknown[] }).value.length;
    const requests = Array.from({ length: 21 }, (_, i) => ({
      id: String(i + 1),
      method: 'POST',
      url: `${listPath}/items`,
      headers: json,
      body: { fields: { Title: `over ${i}` } },
    }));
    const res = await h.raw('POST', '/$batch', { body: { requests } });
    expectRawError(res, 400);
    const after = ((await h.client.api(`${listPath}/items?$top=500`).get()) as { value: unknown[] }).value.length;
    expect(after).toBe(before);
  });

  it('rejects duplicate ids and a body without Content-Type with 400', async () => {
    const dup = await h.raw('POST', '/$batch', {
      body: {
        requests: [
          { id: '1', method: 'GET', url: listPath },
          { id: '1', method: 'GET', url: listPath },
        ],
      },
    });
    expectRawError(dup, 400);
    const noType = await h.raw('POST', '/$batch', {
      body: { requests: [{ id: '1', method: 'POST', url: `${listPath}/items`, body: { fields: { Title: 'x' } } }] },
    });
    // json-batching.md: headers are "required when the body is specified"; either the batch or the step fails.
    if (noType.status === 200) {
      const step = (noType.json as BatchResponseBody).responses[0];
      expect(step?.status).toBe(400);
      expectGraphErrorBody(step?.body);
    } else {
      expectRawError(noType, 400);
    }
  });

  it('needs a token for the batch itself (401) and runs nothing', async () => {
    const before = ((await h.client.api(`${listPath}/items?$top=500`).get()) as { value: unknown[] }).value.length;
    const res = await h.raw('POST', '/$batch', {
      token: null,
      body: { requests: [{ id: '1', method: 'POST', url: `${listPath}/items`, headers: json, body: { fields: { Title: 'anon' } } }] },
    });
    expectRawError(res, 401, 'InvalidAuthenticationToken');
    const after = ((await h.client.api(`${listPath}/items?$top=500`).get()) as { value: unknown[] }).value.length;
    expect(after).toBe(before);
  });

  it('treats batch ids case-insensitively: "a" and "A" are duplicates → 400', async () => {
    // json-batching.md: ids are "Not case-sensitive. Must be unique in the batch".
    const dupCase = await h.raw('POST', '/$batch', {
      body: {
        requests: [
          { id: 'a', method: 'GET', url: listPath },
          { id: 'A', method: 'GET', url: listPath },
        ],
      },
    });
    expectRawError(dupCase, 400);
  });

  it('rejects dependsOn naming an id that is not in the batch with 400', async () => {
    const unknownDep = await h.raw('POST', '/$batch', {
      body: { requests: [{ id: '1', method: 'GET', url: listPath, dependsOn: ['9'] }] },
    });
    expectRawError(unknownDep, 400);
  });

  it('rejects a malformed batch payload with 400', async () => {
    expectRawError(await h.raw('POST', '/$batch', { body: '{"requests": [' }), 400);
    expectRawError(await h.raw('POST', '/$batch', { body: { requests: 'nope' } }), 400);
  });
});
