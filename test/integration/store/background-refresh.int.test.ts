import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { ThrottledError } from '../../../src/core/errors.js';
import { InMemoryDraftStore } from '../../../src/data/drafts.js';
import { parseRateLimit, RefreshScheduler, type RateLimitInfo } from '../../../src/data/refresh-scheduler.js';
import { createRowCache } from '../../../src/data/row-cache.js';
import { VirtualTime } from '../../../src/data/virtual-time.js';
import type { RequestRecord } from '../../../src/graph/create-graph-client.js';
import { DEFAULT_PERMISSION_GROUPS } from '../../../src/graph/graph-follow-up-store.js';
import { DEFAULT_RETRY_POLICY } from '../../../src/graph/retry.js';
import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

// A view's background refresh (#10) is sent once: on a 429 it is the RefreshScheduler that backs off (Retry-After,
// RateLimit headers), not the Graph client's retry step as well. A person's save still retries.
const SCOPE = { orgCode: 'soumu', fiscalYear: 2024, divisionCode: 'div-somu' };
const BUDGET = 3;

let h: StoreHarness;
beforeAll(async () => {
  h = await startStoreHarness();
  await h.provision();
  const { store } = await h.open(undefined, undefined, { groups: { ...DEFAULT_PERMISSION_GROUPS, readers: ['div-somu'] } });
  await store.importReport(makeReport({ rows: 6 }));
  const all = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows;
  expect((await store.assignRows(all.map((r) => r.rowKey), 'div-somu')).assigned).toHaveLength(6);
});
afterEach(() => {
  h.graph.setThrottle(false);
  h.graph.setFaults({ rate429: 0 });
});
afterAll(async () => {
  await h.close();
});

describe('background refresh under throttling', () => {
  it('sends one request on a 429 and the scheduler waits out Retry-After and the RateLimit headers', async () => {
    let onRateLimit: (info: RateLimitInfo) => void = () => undefined;
    const sent: RequestRecord[] = [];
    const { store, connection } = await h.open('suzuki', ACTORS.suzuki, {}, {
      onRequest: (r) => sent.push(r),
      // The default policy (6 attempts, 2 minutes of waits) with waits that end at once: were the refresh retried by
      // the client, the 429 below would be sent 6 times.
      retry: { policy: DEFAULT_RETRY_POLICY, runtime: { sleep: () => Promise.resolve(), random: () => 0 } },
      // As the browser's graph-data.ts: every answer's RateLimit headers go to the scheduler.
      wrapFetch: (real) => async (url, init) => {
        const res = await real(url, init);
        const info = parseRateLimit((n) => res.headers.get(n));
        if (info) onRateLimit(info);
        return res;
      },
    });
    const cache = createRowCache({ source: store, scope: SCOPE, actor: ACTORS.suzuki!, drafts: new InMemoryDraftStore(), draftKey: 'suzuki|bg' });
    await cache.load();
    expect(cache.getSnapshot().rows).toHaveLength(6);

    const time = new VirtualTime(0, 7);
    let running: Promise<unknown> = Promise.resolve();
    const scheduler = new RefreshScheduler(() => {
      const p = cache.refresh(undefined, { background: true });
      running = p.catch(() => undefined);
      return p;
    }, time);
    const seen: RateLimitInfo[] = [];
    onRateLimit = (info) => {
      seen.push(info);
      scheduler.noteRateLimit(info);
    };
    scheduler.start();
    /** Focus after `ms` of virtual time: a refresh runs unless the last one is recent or the service said wait. */
    const focusAfter = async (ms: number): Promise<number> => {
      const before = sent.length;
      const runs = scheduler.runs;
      await time.advance(ms);
      scheduler.focus();
      await running;
      await Promise.resolve();
      return scheduler.runs === runs ? 0 : sent.length - before;
    };

    // The app's whole budget is BUDGET resource units a minute (one unit per delta request).
    h.graph.setThrottle({ resourceUnitsPerMinute: BUDGET, scope: 'app' });
    connection.resetCounters();
    for (let i = 0; i < BUDGET; i++) expect(await focusAfter(10_000)).toBe(1);
    expect(cache.getSnapshot().refreshError).toBeUndefined();
    // From 80 % of the minute used, answers carry SharePoint's RateLimit headers: the interval stretches.
    expect(seen.length).toBeGreaterThan(0);
    const relaxed = scheduler.intervalMs();
    expect(relaxed).toBeGreaterThan(60_000);

    // The budget is spent: the next refresh gets a 429 with Retry-After. One request, no retry by the client.
    expect(await focusAfter(10_000)).toBe(1);
    expect(sent.at(-1)?.status).toBe(429);
    const error = cache.getSnapshot().refreshError;
    expect(error).toBeInstanceOf(ThrottledError);
    const retryAfterMs = (error as ThrottledError).retryAfterMs ?? 0;
    expect(retryAfterMs).toBeGreaterThanOrEqual(10_000);
    expect(connection.counters.attempts).toBe(connection.counters.logical);
    expect(connection.counters.logical).toBe(BUDGET + 1);
    expect(scheduler.intervalMs()).toBeGreaterThanOrEqual(relaxed * 2);

    // Focus and timers within Retry-After send nothing; the first refresh after it goes out (and is answered: the
    // budget refilled meanwhile).
    expect(await focusAfter(retryAfterMs - 1_000)).toBe(0);
    h.graph.setThrottle(false);
    expect(await focusAfter(1_000)).toBe(1);
    expect(sent.at(-1)?.status).toBe(200);
    expect(cache.getSnapshot().refreshError).toBeUndefined();
    scheduler.stop();
  });

  it('a person’s save still retries a 429 (the one retry policy)', async () => {
    // Once armed, the service answers the next POST (the save's `$batch`) 429; nothing more is injected.
    let first = false;
    const { store, connection } = await h.open('suzuki', ACTORS.suzuki, {}, {
      wrapFetch: (real) => async (url, init) => {
        if (!first || init.method !== 'POST') return real(url, init);
        first = false;
        h.graph.setFaults({ rate429: 1, retryAfterSeconds: 0 });
        try {
          return await real(url, init);
        } finally {
          h.graph.setFaults({ rate429: 0 });
        }
      },
    });
    const cache = createRowCache({ source: store, scope: SCOPE, actor: ACTORS.suzuki!, drafts: new InMemoryDraftStore(), draftKey: 'suzuki|save' });
    await cache.load();
    const row = cache.getSnapshot().rows[0]!;
    expect(cache.edit([{ rowKey: row.rowKey, field: 'outcome', value: '成果: 再送で保存' }]).applied).toHaveLength(1);
    connection.resetCounters();
    first = true;
    const summary = await cache.save();
    expect(first).toBe(false);
    expect(summary).toMatchObject({ saved: 1, failed: 0 });
    // One `$batch` refused, sent again by the one retry policy: two attempts.
    expect(connection.counters.attempts).toBe(2);
    const reread = await store.open(SCOPE);
    expect(reread.rows.find((r) => r.rowKey === row.rowKey)?.row.outcome).toBe('成果: 再送で保存');
  });
});
