/**
 * JSON batching with per-sub-request retries (#4, platform facts A8/A9).
 *
 * `POST /$batch` carries up to 20 requests; its outer status is 200 even when inner requests were throttled, so
 * RetryHandler never sees them. This module re-sends each throttled (429/503/504) sub-request on its own, honouring
 * its Retry-After, with exponential back-off, a cap and jitter, packing the retries of a round into as few batches
 * as possible. A failed outer request (network error, or throttling RetryHandler gave up on) re-sends its steps.
 * Every step sent here must be safe to replay (GET, PATCH with If-Match, POST with a unique key): a replayed write
 * that already landed fails its precondition (412/409) instead of landing twice.
 */
import type { Client } from '@microsoft/microsoft-graph-client';

import type { AppError } from '../core/errors.js';
import { isTransient, parseRetryAfter, RETRYABLE_STATUSES, toAppError } from './to-app-error.js';

/** Graph's limit of requests per `$batch`. */
export const MAX_BATCH_SIZE = 20;

export interface BatchStep {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the version root, starting with `/` (e.g. `/sites/{id}/lists/{id}/items`). */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Ids of steps in the same group that must run first. */
  dependsOn?: string[];
}

export interface StepResponse {
  id: string;
  /** HTTP status; 0 when the step never got an answer (see `error`). */
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** Set when status is 0: why no answer arrived after all retries. */
  error?: AppError;
  /** How many times the step was sent. */
  attempts: number;
}

export interface RetryPolicy {
  /** Attempts per step, including the first. */
  maxAttempts: number;
  /** Back-off base when the service gives no Retry-After. */
  baseDelayMs: number;
  /** Cap on the computed back-off (a longer Retry-After from the service is still honoured, up to maxRetryAfterMs). */
  maxDelayMs: number;
  /** Upper bound of a Retry-After we are willing to wait for. */
  maxRetryAfterMs: number;
  /** Up to this fraction of the delay is added at random, so clients do not retry in lock-step. */
  jitterRatio: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000, jitterRatio: 0.2 };

export interface BatchRuntime {
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const REAL_RUNTIME: BatchRuntime = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** Delay before attempt `attempt + 1` (attempt ≥ 1): Retry-After when given, else capped exponential; plus jitter. */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, policy: RetryPolicy, random: () => number): number {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const wait = retryAfterMs === undefined ? backoff : Math.min(policy.maxRetryAfterMs, retryAfterMs);
  const jitterBase = Math.max(wait, policy.baseDelayMs / 10);
  return Math.round(wait + jitterBase * policy.jitterRatio * random());
}

function lowerHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (h && typeof h === 'object') for (const [k, v] of Object.entries(h as Record<string, unknown>)) out[k.toLowerCase()] = String(v);
  return out;
}

/** Sends one `$batch` (≤20 steps) and returns the raw sub-responses by id. Throws AppError when the batch itself fails. */
export async function sendBatch(client: Client, steps: readonly BatchStep[]): Promise<Map<string, { status: number; headers: Record<string, string>; body: unknown }>> {
  if (steps.length === 0) return new Map();
  if (steps.length > MAX_BATCH_SIZE) throw new Error(`Assertion failed: a $batch holds at most ${MAX_BATCH_SIZE} requests, got ${steps.length}`);
  const requests = steps.map((s) => {
    const headers = { ...s.headers };
    if (s.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    return {
      id: s.id,
      method: s.method,
      url: s.url,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      ...(s.body !== undefined ? { body: s.body } : {}),
      ...(s.dependsOn && s.dependsOn.length > 0 ? { dependsOn: s.dependsOn } : {}),
    };
  });
  let result: unknown;
  try {
    result = await client.api('/$batch').post({ requests });
  } catch (error) {
    throw toAppError(error, `POST $batch (${steps.length} requests)`);
  }
  const responses = (result as { responses?: unknown[] } | undefined)?.responses;
  const out = new Map<string, { status: number; headers: Record<string, string>; body: unknown }>();
  if (!Array.isArray(responses)) return out;
  for (const r of responses as { id?: unknown; status?: unknown; headers?: unknown; body?: unknown }[]) {
    if (typeof r.id !== 'string') continue;
    out.set(r.id, { status: Number(r.status), headers: lowerHeaders(r.headers), body: r.body });
  }
  return out;
}

export interface RunOptions {
  policy?: RetryPolicy;
  runtime?: BatchRuntime;
  /** Batches in flight at once. */
  concurrency?: number;
  /** Called after each batch with the ids it settled. */
  onBatchSettled?: (settled: StepResponse[]) => void;
  /** Checked before each batch; when true, no further batch is sent and the unsent steps are left out of the result. */
  shouldStop?: () => boolean;
}

/**
 * Runs groups of steps through `$batch`. A group (e.g. a request and the one it depends on) always travels in one
 * batch and is retried as a whole when any of its steps is throttled. Groups larger than 20 are rejected.
 *
 * Scheduling: one queue. Throttled groups go back to the queue and ride along with fresh work, so retries cost
 * whole batches only when nothing else is left; a batch that is not full is only sent when no other batch is in
 * flight (whatever comes back throttled could still join it). A Retry-After pauses all sending, not just the
 * throttled step: SharePoint throttles per user and app, and sending on prolongs it (platform facts A9).
 * Returns the final response of every step that was sent.
 */
export async function runBatched(client: Client, groups: readonly (readonly BatchStep[])[], options: RunOptions = {}): Promise<Map<string, StepResponse>> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const runtime = options.runtime ?? REAL_RUNTIME;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const results = new Map<string, StepResponse>();
  const attempts = new Map<readonly BatchStep[], number>();
  const queue: (readonly BatchStep[])[] = groups.filter((g) => g.length > 0);
  for (const g of queue) if (g.length > MAX_BATCH_SIZE) throw new Error(`Assertion failed: a step group holds at most ${MAX_BATCH_SIZE} requests, got ${g.length}`);
  let inFlight = 0;
  let pauseMs = 0;
  let pausing: Promise<void> | null = null;
  let stopped = false;
  let waiters: (() => void)[] = [];
  const notify = (): void => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  const changed = (): Promise<void> => new Promise((resolve) => waiters.push(resolve));
  const queuedSteps = (): number => queue.reduce((n, g) => n + g.length, 0);

  const settle = (settled: StepResponse[]): void => {
    for (const r of settled) results.set(r.id, r);
    if (settled.length > 0) options.onBatchSettled?.(settled);
  };
  const retryOrFail = (g: readonly BatchStep[], retryAfterMs: number | undefined, fail: () => StepResponse[]): StepResponse[] => {
    const n = attempts.get(g) ?? 1;
    if (n < policy.maxAttempts) {
      queue.push(g);
      pauseMs = Math.max(pauseMs, retryDelayMs(n, retryAfterMs, policy, runtime.random));
      return [];
    }
    return fail();
  };

  const runOne = async (batch: (readonly BatchStep[])[]): Promise<void> => {
    for (const g of batch) attempts.set(g, (attempts.get(g) ?? 0) + 1);
    let responses: Map<string, { status: number; headers: Record<string, string>; body: unknown }>;
    try {
      responses = await sendBatch(client, batch.flat());
    } catch (error) {
      const appError = toAppError(error, 'POST $batch');
      const retryAfterMs = 'retryAfterMs' in appError ? (appError.retryAfterMs as number | undefined) : undefined;
      const settled: StepResponse[] = [];
      for (const g of batch) {
        const fail = (): StepResponse[] => g.map((s) => ({ id: s.id, status: 0, headers: {}, body: undefined, error: appError, attempts: attempts.get(g) ?? 1 }));
        settled.push(...(isTransient(appError) ? retryOrFail(g, retryAfterMs, fail) : fail()));
      }
      settle(settled);
      return;
    }
    const settled: StepResponse[] = [];
    for (const g of batch) {
      const n = attempts.get(g) ?? 1;
      const final = (): StepResponse[] =>
        g.map((s) => {
          const r = responses.get(s.id);
          return r
            ? { id: s.id, status: r.status, headers: r.headers, body: r.body, attempts: n }
            : { id: s.id, status: 0, headers: {}, body: undefined, error: toAppError(new Error('no response for this request in the $batch answer'), `${s.method} ${s.url}`), attempts: n };
        });
      const rs = g.map((s) => responses.get(s.id));
      const throttled = rs.filter((r) => r !== undefined && RETRYABLE_STATUSES.has(r.status));
      if (throttled.length === 0 && !rs.some((r) => r === undefined)) {
        settled.push(...final());
        continue;
      }
      const hasRetryAfter = throttled.some((r) => r?.headers['retry-after'] !== undefined);
      const retryAfterMs = hasRetryAfter ? Math.max(0, ...throttled.map((r) => parseRetryAfter(r?.headers['retry-after']) ?? 0)) : undefined;
      settled.push(...retryOrFail(g, retryAfterMs, final));
    }
    settle(settled);
  };

  /** Takes whole groups from the queue head, up to 20 steps. */
  const take = (): (readonly BatchStep[])[] => {
    const batch: (readonly BatchStep[])[] = [];
    let size = 0;
    while (queue.length > 0 && size + (queue[0] as readonly BatchStep[]).length <= MAX_BATCH_SIZE) {
      const g = queue.shift() as readonly BatchStep[];
      batch.push(g);
      size += g.length;
    }
    return batch;
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      if (stopped || options.shouldStop?.()) {
        stopped = true;
        return;
      }
      if (queue.length === 0) {
        if (inFlight === 0) return;
        await changed();
        continue;
      }
      // A partial batch waits for the batches in flight: their throttled steps can still fill it.
      if (queuedSteps() < MAX_BATCH_SIZE && inFlight > 0) {
        await changed();
        continue;
      }
      if (pausing) {
        await pausing;
        continue;
      }
      if (pauseMs > 0) {
        // Every worker waits out the same pause.
        const p = pauseMs;
        pauseMs = 0;
        pausing = runtime.sleep(p).then(() => {
          pausing = null;
        });
        await pausing;
        continue;
      }
      const batch = take();
      inFlight++;
      try {
        await runOne(batch);
      } finally {
        inFlight--;
        notify();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** Packs groups into batches of at most 20 steps, keeping each group whole, in order. */
export function pack(groups: readonly (readonly BatchStep[])[]): (readonly BatchStep[])[][] {
  const batches: (readonly BatchStep[])[][] = [];
  let current: (readonly BatchStep[])[] = [];
  let size = 0;
  for (const g of groups) {
    if (size + g.length > MAX_BATCH_SIZE) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(g);
    size += g.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Runs one plain request with retries on transient failures (throttling RetryHandler gave up on, network errors),
 * honouring Retry-After with the same cap and jitter as batched steps. Only for requests safe to replay (reads).
 */
export async function withRetries<T>(run: () => Promise<T>, what: string, policy: RetryPolicy = DEFAULT_RETRY_POLICY, runtime: BatchRuntime = REAL_RUNTIME): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const appError = toAppError(error, what);
      if (!isTransient(appError) || attempt >= policy.maxAttempts) throw appError;
      const retryAfterMs = 'retryAfterMs' in appError ? (appError.retryAfterMs as number | undefined) : undefined;
      await runtime.sleep(retryDelayMs(attempt, retryAfterMs, policy, runtime.random));
    }
  }
}
