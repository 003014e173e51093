import type { Client } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';

import { pack, runBatched, type BatchStep } from '../../src/graph/batch.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryRuntime } from '../../src/graph/retry.js';

interface SubRequest {
  id: string;
  method: string;
  url: string;
}

/**
 * A fake `$batch` endpoint: answers each sub-request with `answer(request, attempt)`; records every batch.
 * Only what runBatched uses of Client (`api('/$batch').middlewareOptions(…).post(body)`).
 */
function fakeBatchClient(answer: (r: SubRequest, attempt: number) => { status: number; headers?: Record<string, string>; body?: unknown } | 'drop-batch') {
  const attempts = new Map<string, number>();
  const batches: SubRequest[][] = [];
  const client = {
    api: (path: string) => ({
      middlewareOptions() {
        return this;
      },
      option() {
        return this;
      },
      post: async (body: { requests: SubRequest[] }) => {
        expect(path).toBe('/$batch');
        batches.push(body.requests);
        const responses = [];
        for (const r of body.requests) {
          const n = (attempts.get(r.id) ?? 0) + 1;
          attempts.set(r.id, n);
          const a = answer(r, n);
          if (a === 'drop-batch') throw new TypeError('fetch failed');
          responses.push({ id: r.id, status: a.status, headers: a.headers ?? {}, body: a.body });
        }
        return { responses: responses.reverse() };
      },
    }),
  } as unknown as Client;
  return { client, batches, attempts };
}

const steps = (n: number): BatchStep[][] => Array.from({ length: n }, (_, i) => [{ id: `s${i}`, method: 'PATCH' as const, url: `/items/${i}/fields`, body: { x: i } }]);

function recordingRuntime(): RetryRuntime & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, sleep: (ms) => (sleeps.push(ms), Promise.resolve()), random: () => 0.5 };
}

describe('pack', () => {
  it('fills batches up to 20 without splitting a group', () => {
    const groups = [...steps(19), [{ id: 'a', method: 'GET' as const, url: '/a' }, { id: 'b', method: 'GET' as const, url: '/b', dependsOn: ['a'] }], ...steps(3)];
    expect(pack(groups).map((b) => b.flat().length)).toEqual([19, 5]);
  });
});

describe('retryDelayMs', () => {
  it('honours Retry-After and adds at most jitterRatio of it', () => {
    expect(retryDelayMs(1, 2000, DEFAULT_RETRY_POLICY, () => 0)).toBe(2000);
    expect(retryDelayMs(1, 2000, DEFAULT_RETRY_POLICY, () => 1)).toBe(2400);
  });

  it('backs off exponentially without Retry-After, capped', () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelayMs(a, undefined, p, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

});

describe('runBatched', () => {
  it('sends ceil(n/20) batches when nothing is throttled', async () => {
    const fake = fakeBatchClient(() => ({ status: 200, body: { ok: true } }));
    const results = await runBatched(fake.client, steps(45), { runtime: recordingRuntime() });
    expect(fake.batches.map((b) => b.length)).toEqual([20, 20, 5]);
    expect([...results.values()].every((r) => r.status === 200 && r.attempts === 1)).toBe(true);
    expect(results.size).toBe(45);
  });

  it('retries only the throttled sub-requests, together, after their Retry-After', async () => {
    const throttled = new Set(['s3', 's17', 's30']);
    const fake = fakeBatchClient((r, n) => (throttled.has(r.id) && n === 1 ? { status: 429, headers: { 'Retry-After': '2' } } : { status: 200 }));
    const runtime = recordingRuntime();
    const results = await runBatched(fake.client, steps(40), { runtime });
    expect(fake.batches.map((b) => b.length)).toEqual([20, 20, 3]);
    expect(fake.batches[2]?.map((r) => r.id).sort()).toEqual(['s17', 's3', 's30']);
    expect(runtime.sleeps).toEqual([2200]);
    expect(results.get('s3')).toMatchObject({ status: 200, attempts: 2 });
    expect(results.get('s4')).toMatchObject({ status: 200, attempts: 1 });
  });

  it('gives up after maxAttempts and returns the last throttled answer', async () => {
    const fake = fakeBatchClient(() => ({ status: 503 }));
    const results = await runBatched(fake.client, steps(1), { runtime: recordingRuntime(), policy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 } });
    expect(fake.batches).toHaveLength(3);
    expect(results.get('s0')).toMatchObject({ status: 503, attempts: 3 });
  });

  it('sends a sub-request at most 6 times and waits at most 2 minutes by default under 100% 429', async () => {
    const fake = fakeBatchClient(() => ({ status: 429, headers: { 'Retry-After': '10' } }));
    const runtime = recordingRuntime();
    const results = await runBatched(fake.client, steps(3), { runtime });
    expect(fake.batches).toHaveLength(6);
    expect(results.get('s1')).toMatchObject({ status: 429, attempts: 6 });
    // Retry-After 10 s plus jitter (random 0.5 × 20% = 10%): 11 s per wait, 5 waits.
    expect(runtime.sleeps).toEqual([11_000, 11_000, 11_000, 11_000, 11_000]);
  });

  it('stops before a Retry-After that would break the 2-minute budget, answering the 429', async () => {
    const fake = fakeBatchClient(() => ({ status: 429, headers: { 'Retry-After': '50' } }));
    const runtime = recordingRuntime();
    const results = await runBatched(fake.client, steps(1), { runtime });
    // 55 s + 55 s = 110 s; a third wait of 50 s would make 160 s > 120 s.
    expect(runtime.sleeps).toEqual([55_000, 55_000]);
    expect(results.get('s0')).toMatchObject({ status: 429, attempts: 3 });
  });

  it('re-sends a whole batch whose request failed on the network', async () => {
    let dropped = false;
    const fake = fakeBatchClient(() => {
      if (!dropped) {
        dropped = true;
        return 'drop-batch';
      }
      return { status: 200 };
    });
    const results = await runBatched(fake.client, steps(3), { runtime: recordingRuntime() });
    expect(fake.batches).toHaveLength(2);
    expect([...results.values()].map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('does not retry client errors such as 412 or 409', async () => {
    const fake = fakeBatchClient((r) => ({ status: r.id === 's0' ? 412 : 409 }));
    const results = await runBatched(fake.client, steps(2), { runtime: recordingRuntime() });
    expect(fake.batches).toHaveLength(1);
    expect([results.get('s0')?.status, results.get('s1')?.status]).toEqual([412, 409]);
  });

  it('stops before the next batch when asked, leaving unsent steps out', async () => {
    const fake = fakeBatchClient(() => ({ status: 201 }));
    let settledBatches = 0;
    const results = await runBatched(fake.client, steps(60), {
      concurrency: 1,
      runtime: recordingRuntime(),
      onBatchSettled: () => {
        settledBatches++;
      },
      shouldStop: () => settledBatches >= 2,
    });
    expect(fake.batches).toHaveLength(2);
    expect(results.size).toBe(40);
  });
});
