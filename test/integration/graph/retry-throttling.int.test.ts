// The default RetryHandler against injected 429/503 and resource-unit throttling (#3).
// Evidence: concepts/throttling.md (429 + Retry-After); sp-dev-docs throttling article (429/503 + Retry-After);
// msgraph-sdk-javascript src/middleware/RetryHandler.ts (retries 429/503/504, honours Retry-After, max 3 by default).
import { RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type LocalGraphHarness, startLocalGraph } from '../../support/local-graph-client.js';
import { type Collection, createList, type ListItemBody } from './followup-list.js';
import { expectGraphError, expectRawError } from './graph-assertions.js';

let h: LocalGraphHarness;
let listPath: string;

const NO_FAULTS = { rate429: 0, rate503: 0, retryAfterSeconds: 0, latencyMs: 0, dropRate: 0, seed: 1 };

beforeAll(async () => {
  h = await startLocalGraph();
  const list = await createList(h.client, h.sitePath, 'Retry', [{ name: 'Seq', number: {}, indexed: true }]);
  listPath = `${h.sitePath}/lists/${list.id}`;
});

afterEach(() => {
  h.graph.setFaults(NO_FAULTS);
  h.graph.setThrottle(false);
});

afterAll(async () => {
  await h?.close();
});

describe('injected 429/503', () => {
  it('answers 429 with Retry-After and a Graph error body when every request is throttled', async () => {
    h.graph.setFaults({ ...NO_FAULTS, rate429: 1, retryAfterSeconds: 1 });
    const res = await h.raw('GET', `${listPath}/items`);
    expectRawError(res, 429);
    expect(res.headers.get('retry-after')).toBe('1');
    h.graph.setFaults({ ...NO_FAULTS, rate503: 1, retryAfterSeconds: 1 });
    const busy = await h.raw('GET', `${listPath}/items`);
    expectRawError(busy, 503);
    expect(busy.headers.get('retry-after')).toBe('1');
  });

  it('the default RetryHandler makes every call succeed under a 30% 429 rate; writes happen once', async () => {
    // Same handler, more attempts (0.3^11 per call) so the outcome does not hinge on the fault generator's seed.
    const retry = [new RetryHandlerOptions(0, 10)];
    h.graph.resetStats();
    h.graph.setFaults({ ...NO_FAULTS, rate429: 0.3, retryAfterSeconds: 0, seed: 7 });
    const created: string[] = [];
    for (let i = 0; i < 15; i++) {
      const item = (await h.client.api(`${listPath}/items`).middlewareOptions(retry).post({ fields: { Title: `retry ${i}`, Seq: i } })) as ListItemBody;
      created.push(item.id);
    }
    for (const id of created) {
      const item = (await h.client.api(`${listPath}/items/${id}?$expand=fields`).middlewareOptions(retry).get()) as ListItemBody;
      expect(item.id).toBe(id);
    }
    for (const [i, id] of created.entries()) {
      await h.client.api(`${listPath}/items/${id}/fields`).middlewareOptions(retry).patch({ Seq: i + 100 });
    }
    const stats = h.graph.stats();
    // 45 logical calls; throttled attempts were retried by the client, so the service saw more requests.
    expect(stats.throttled).toBeGreaterThan(0);
    expect(stats.requests).toBe(45 + stats.throttled);

    h.graph.setFaults(NO_FAULTS);
    const all = (await h.client.api(`${listPath}/items?$expand=fields&$top=100`).get()) as Collection<ListItemBody>;
    expect(all.value.map((i) => i.fields?.Seq).sort((a, b) => (a as number) - (b as number))).toEqual(
      Array.from({ length: 15 }, (_, i) => i + 100),
    );
  });

  it('waits for Retry-After (1 s) before retrying', async () => {
    h.graph.resetStats();
    h.graph.setFaults({ ...NO_FAULTS, rate503: 0.5, retryAfterSeconds: 1, seed: 11 });
    const retry = [new RetryHandlerOptions(0, 10)];
    const started = Date.now();
    // Call until two attempts were refused (the seeded sequence makes this repeatable), at most 20 calls.
    for (let i = 0; i < 20 && h.graph.stats().throttled < 2; i++) {
      const page = (await h.client.api(`${listPath}/items?$top=1`).middlewareOptions(retry).get()) as Collection<ListItemBody>;
      expect(page.value).toBeInstanceOf(Array);
    }
    const { throttled } = h.graph.stats();
    expect(throttled).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(throttled * 1000 - 50);
  });

  it('gives up after its retries with a GraphError 429 when the service keeps throttling', async () => {
    h.graph.resetStats();
    h.graph.setFaults({ ...NO_FAULTS, rate429: 1, retryAfterSeconds: 0 });
    await expectGraphError(h.client.api(`${listPath}/items`).get(), 429);
    // 1 attempt + RetryHandler's default maxRetries (3).
    expect(h.graph.stats().requests).toBe(4);
  });
});

describe('resource-unit throttling', () => {
  it('throttles a user above the per-minute budget with 429 + Retry-After, then recovers when disabled', async () => {
    h.graph.setThrottle({ resourceUnitsPerMinute: 10 });
    let throttled: Awaited<ReturnType<LocalGraphHarness['raw']>> | undefined;
    for (let i = 0; i < 20 && !throttled; i++) {
      const res = await h.raw('GET', `${listPath}/items`);
      if (res.status === 429) throttled = res;
      else expect(res.status).toBe(200);
    }
    expect(throttled, 'a 429 within 20 list reads (2 RU each) at 10 RU/min').toBeDefined();
    expectRawError(throttled as NonNullable<typeof throttled>, 429);
    expect(Number(throttled?.headers.get('retry-after'))).toBeGreaterThan(0);
    h.graph.setThrottle(false);
    expect((await h.raw('GET', `${listPath}/items`)).status).toBe(200);
  });
});
