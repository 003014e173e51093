import { describe, expect, it } from 'vitest';

import { AbortedError, GraphAccessError, ThrottledError } from '../../src/core/errors.js';
import { createGraphClient, staticTokenProvider } from '../../src/graph/create-graph-client.js';
import { DEFAULT_RETRY_POLICY, isReplaySafe, RetryBudget, sendWithRetries, type RetryRuntime } from '../../src/graph/retry.js';
import { RETRY_REPLAY_SAFE } from '../../src/graph/retry-middleware.js';
import { toAppError, toAppErrorFromResponse } from '../../src/graph/to-app-error.js';

/** Instant, deterministic time: sleeps are recorded, random is fixed. */
function fakeRuntime(random = 0.5): RetryRuntime & { sleeps: number[]; total(): number } {
  const sleeps: number[] = [];
  return {
    sleeps,
    total: () => sleeps.reduce((a, b) => a + b, 0),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => random,
  };
}

const answer = (status: number, headers: Record<string, string> = {}, body: unknown = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

describe('the one retry policy under 100% 429', () => {
  it('makes 6 attempts and waits 5.5 s in all when the service asks for Retry-After: 1', async () => {
    const runtime = fakeRuntime();
    let attempts = 0;
    const res = await sendWithRetries(
      () => {
        attempts++;
        return Promise.resolve(answer(429, { 'Retry-After': '1' }));
      },
      { replaySafe: true, policy: DEFAULT_RETRY_POLICY, runtime },
    );
    expect(res.status).toBe(429);
    expect(attempts).toBe(6);
    // Each wait: Retry-After (1,000 ms) + jitter (random 0.5 × 20% = 10%).
    expect(runtime.sleeps).toEqual([1100, 1100, 1100, 1100, 1100]);
    expect(runtime.total()).toBe(5500);
  });

  it('makes 6 attempts and waits 37.2 s in all without Retry-After (1, 2, 4, 8, 16 s back-off plus 20% jitter at most)', async () => {
    const runtime = fakeRuntime(1);
    let attempts = 0;
    await sendWithRetries(
      () => {
        attempts++;
        return Promise.resolve(answer(429));
      },
      { replaySafe: true, policy: DEFAULT_RETRY_POLICY, runtime },
    );
    expect(attempts).toBe(6);
    expect(runtime.sleeps).toEqual([1200, 2400, 4800, 9600, 19_200]);
    expect(runtime.total()).toBe(37_200);
  });

  it('never waits more than 2 minutes: a long Retry-After stops the retries before it would break the budget', async () => {
    const runtime = fakeRuntime(0);
    let attempts = 0;
    await sendWithRetries(
      () => {
        attempts++;
        return Promise.resolve(answer(503, { 'Retry-After': '45' }));
      },
      { replaySafe: true, policy: DEFAULT_RETRY_POLICY, runtime },
    );
    // 45 + 45 = 90 s waited; a third 45 s wait would make 135 s > 120 s: give up, answer the 503.
    expect(runtime.sleeps).toEqual([45_000, 45_000]);
    expect(attempts).toBe(3);
  });

  it('does not retry at all when Retry-After alone exceeds the budget, and the error carries it', async () => {
    const runtime = fakeRuntime(0);
    const res = await sendWithRetries(() => Promise.resolve(answer(429, { 'Retry-After': '3600' })), { replaySafe: true, policy: DEFAULT_RETRY_POLICY, runtime });
    expect(runtime.sleeps).toEqual([]);
    const error = toAppErrorFromResponse(res.status, {}, res.headers, 'GET x');
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterMs).toBe(3_600_000);
  });

  it('counts attempts and waiting per request (RetryBudget)', () => {
    const budget = new RetryBudget(DEFAULT_RETRY_POLICY, () => 0);
    expect(budget.next({ kind: 'status', status: 429, retryAfterMs: 7000 }, false)).toBe(7000);
    budget.spend(7000);
    expect([budget.attempts, budget.waitedMs]).toEqual([2, 7000]);
    // Our own back-off is shortened to what is left of the budget rather than dropped.
    budget.spend(112_000);
    expect(budget.next({ kind: 'network' }, true)).toBe(1000);
    expect(budget.next({ kind: 'network' }, false)).toBe(undefined);
  });
});

describe('network errors and replay safety', () => {
  it('retries a read after a dropped connection', async () => {
    const runtime = fakeRuntime();
    let n = 0;
    const res = await sendWithRetries(
      () => {
        if (++n < 3) return Promise.reject(new TypeError('fetch failed', { cause: new Error('ECONNRESET') }));
        return Promise.resolve(answer(200));
      },
      { replaySafe: true, policy: DEFAULT_RETRY_POLICY, runtime },
    );
    expect(res.status).toBe(200);
    expect(n).toBe(3);
  });

  it('does not re-send a write that is not replay-safe after a dropped connection or a 504 (it may have landed)', async () => {
    const runtime = fakeRuntime();
    let n = 0;
    await expect(
      sendWithRetries(
        () => {
          n++;
          return Promise.reject(new TypeError('fetch failed'));
        },
        { replaySafe: false, policy: DEFAULT_RETRY_POLICY, runtime },
      ),
    ).rejects.toThrow('fetch failed');
    expect(n).toBe(1);
    let m = 0;
    const res = await sendWithRetries(
      () => {
        m++;
        return Promise.resolve(answer(504));
      },
      { replaySafe: false, policy: DEFAULT_RETRY_POLICY, runtime },
    );
    expect([res.status, m]).toEqual([504, 1]);
  });

  it('re-sends a refused write (429/503: the service did not do it)', async () => {
    let n = 0;
    const res = await sendWithRetries(() => Promise.resolve(++n < 2 ? answer(503) : answer(201)), { replaySafe: false, policy: DEFAULT_RETRY_POLICY, runtime: fakeRuntime() });
    expect([res.status, n]).toEqual([201, 2]);
  });

  it('treats reads and If-Match writes as replay-safe, POSTs and unconditional writes not', () => {
    expect(isReplaySafe('GET')).toBe(true);
    expect(isReplaySafe('PATCH', { 'if-match': '"{x},3"' })).toBe(true);
    expect(isReplaySafe('PATCH', new Headers({ 'If-Match': '*' }))).toBe(false);
    expect(isReplaySafe('PATCH', {})).toBe(false);
    expect(isReplaySafe('POST', { 'If-Match': '"a"' })).toBe(false);
    expect(isReplaySafe('DELETE', { 'If-Match': '"a"' })).toBe(true);
  });

  it('stops waiting when the signal fires, with AbortedError', async () => {
    const controller = new AbortController();
    const runtime: RetryRuntime = { random: () => 0, sleep: () => (controller.abort(), Promise.reject(new AbortedError('cancelled'))) };
    await expect(sendWithRetries(() => Promise.resolve(answer(429)), { replaySafe: true, policy: DEFAULT_RETRY_POLICY, runtime, signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
  });
});

/** A fetch that answers from a script and counts attempts (no network). */
function scripted(script: (n: number, url: string, init: RequestInit) => Response | Error) {
  const calls: { url: string; method: string }[] = [];
  const fetch = (url: string, init: RequestInit): Promise<Response> => {
    calls.push({ url, method: String(init.method) });
    const r = script(calls.length, url, init);
    return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
  };
  return { fetch, calls };
}

describe('the Graph client with the retry middleware', () => {
  const connect = (fetch: (url: string, init: RequestInit) => Promise<Response>, runtime = fakeRuntime()) =>
    createGraphClient({ baseUrl: 'https://localhost:4443/v1.0', tokenProvider: staticTokenProvider('tok'), fetch, retry: { runtime } });

  it('sends one request at most 6 times under 100% 429 and reports a ThrottledError with status and request id', async () => {
    const { fetch, calls } = scripted(() => answer(429, { 'Retry-After': '1', 'request-id': 'req-429' }, { error: { code: 'activityLimitReached', message: 'slow down' } }));
    const runtime = fakeRuntime();
    const c = connect(fetch, runtime);
    const error = await c.client
      .api('/sites/root')
      .get()
      .then(
        () => undefined,
        (e: unknown) => toAppError(e, 'GET site'),
      );
    expect(calls).toHaveLength(6);
    expect(runtime.total()).toBe(5500);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({ status: 429, requestId: 'req-429', retryAfterMs: 1000 });
    expect(c.counters).toEqual({ logical: 1, attempts: 6, sharePointRest: 0 });
  });

  it('retries a GET after dropped connections and does not retry a plain POST', async () => {
    const drops = scripted((n) => (n < 3 ? new TypeError('fetch failed', { cause: new Error('ECONNRESET') }) : answer(200, {}, { id: 'x' })));
    const c = connect(drops.fetch);
    expect(await c.client.api('/sites/root').get()).toEqual({ id: 'x' });
    expect(drops.calls).toHaveLength(3);

    const post = scripted(() => new TypeError('fetch failed', { cause: new Error('ECONNRESET') }));
    const p = connect(post.fetch);
    const error = await p.client
      .api('/sites/root/lists')
      .post({})
      .then(
        () => undefined,
        (e: unknown) => toAppError(e, 'POST list'),
      );
    expect(post.calls).toHaveLength(1);
    expect(error).toBeInstanceOf(GraphAccessError);
    expect(error).toMatchObject({ status: undefined, graphCode: 'networkError' });
    expect((error as Error).message).toContain('ECONNRESET');
  });

  it('retries a POST declared replay-safe (unique key) after a dropped connection', async () => {
    const { fetch, calls } = scripted((n) => (n === 1 ? new TypeError('fetch failed') : answer(201, {}, { id: '7' })));
    const c = connect(fetch);
    expect(await c.client.api('/sites/root/lists/x/items').middlewareOptions([RETRY_REPLAY_SAFE]).post({ fields: { RowKey: 'k' } })).toEqual({ id: '7' });
    expect(calls.map((x) => x.method)).toEqual(['POST', 'POST']);
  });

  it('never re-sends a $batch itself (batch.ts retries its sub-requests by the same policy)', async () => {
    const { fetch, calls } = scripted(() => answer(503));
    const c = connect(fetch);
    const { runBatched } = await import('../../src/graph/batch.js');
    const runtime = fakeRuntime();
    const results = await runBatched(c.client, [[{ id: 'a', method: 'GET', url: '/sites/root' }]], { runtime });
    // 6 batches in all, each sent once by the client: the step's 6 attempts.
    expect(calls).toHaveLength(6);
    expect(results.get('a')).toMatchObject({ status: 0, attempts: 6 });
    expect(results.get('a')?.error).toBeInstanceOf(ThrottledError);
  });
});
