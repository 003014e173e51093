/**
 * JSON batching (#4, platform facts A8/A9) with the one retry policy (./retry.ts).
 *
 * `POST /$batch` carries up to 20 requests; its outer status is 200 even when inner requests were throttled. This
 * module re-sends each throttled (429/503/504) sub-request on its own, by the policy (attempts, total wait,
 * Retry-After, jitter), packing the retries of a round into as few batches as possible. A failed outer request
 * (network error, outer 429/503/504) counts as a failed attempt of each of its steps. The client's retry step never
 * re-sends a `$batch` (RETRY_NEVER): a step is sent at most `maxAttempts` times in all.
 * Every step sent here must be safe to replay (GET, PATCH with If-Match, POST with a unique key): a replayed write
 * that already landed fails its precondition (412/409) instead of landing twice.
 */
import type { Client } from '@microsoft/microsoft-graph-client';

import type { AppError } from '../core/errors.js';
import { abortedError, DEFAULT_RETRY_POLICY, REAL_RUNTIME, RetryBudget, RETRYABLE_STATUSES, retryAfterOf, type AttemptFailure, type RetryPolicy, type RetryRuntime } from './retry.js';
import { RETRY_NEVER } from './retry-middleware.js';
import { isTransient, toAppError } from './to-app-error.js';

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

function lowerHeaders(h: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (h && typeof h === 'object') for (const [k, v] of Object.entries(h as Record<string, unknown>)) out[k.toLowerCase()] = String(v);
  return out;
}

type RawAnswer = { status: number; headers: Record<string, string>; body: unknown };

/** Sends one `$batch` (≤20 steps) once and returns the raw sub-responses by id. Throws AppError when the batch itself fails. */
export async function sendBatch(client: Client, steps: readonly BatchStep[], signal?: AbortSignal): Promise<Map<string, RawAnswer>> {
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
    const request = client.api('/$batch').middlewareOptions([RETRY_NEVER]);
    result = await (signal ? request.option('signal', signal) : request).post({ requests });
  } catch (error) {
    throw toAppError(error, `POST $batch (${steps.length} requests)`);
  }
  const responses = (result as { responses?: unknown[] } | undefined)?.responses;
  const out = new Map<string, RawAnswer>();
  if (!Array.isArray(responses)) return out;
  for (const r of responses as { id?: unknown; status?: unknown; headers?: unknown; body?: unknown }[]) {
    if (typeof r.id !== 'string') continue;
    out.set(r.id, { status: Number(r.status), headers: lowerHeaders(r.headers), body: r.body });
  }
  return out;
}

export interface RunOptions {
  /** Defaults to DEFAULT_RETRY_POLICY (stores pass their connection's). */
  policy?: RetryPolicy;
  runtime?: RetryRuntime;
  /** Batches in flight at once. */
  concurrency?: number;
  /**
   * Called after each batch with the steps it settled. May return more groups, queued behind what is waiting: work
   * that depends on these answers rides in the next batches with what is left (the import's creates after its
   * look-ups), instead of waiting for a round of its own.
   */
  onBatchSettled?: (settled: StepResponse[]) => void | readonly (readonly BatchStep[])[];
  /** Checked before each batch; when true, no further batch is sent and the unsent steps are left out of the result. */
  shouldStop?: () => boolean;
  /** Cancels: nothing more is sent, waits end, and runBatched rejects with AbortedError. */
  signal?: AbortSignal;
}

/**
 * Runs groups of steps through `$batch`. A group (e.g. a request and the one it depends on) always travels in one
 * batch and is retried as a whole when any of its steps is throttled. Groups larger than 20 are rejected.
 *
 * Scheduling: one queue. Throttled groups go back to the queue and ride along with fresh work, so retries cost
 * whole batches only when nothing else is left; a batch that is not full is only sent when no other batch is in
 * flight (whatever comes back throttled could still join it). A Retry-After pauses all sending, not just the
 * throttled step: SharePoint throttles per user and app, and sending on prolongs it (platform facts A9). Each group
 * has its own budget (attempts and waiting) under the policy; the shared pause counts against every group it holds.
 * Returns the final response of every step that was sent.
 */
export async function runBatched(client: Client, groups: readonly (readonly BatchStep[])[], options: RunOptions = {}): Promise<Map<string, StepResponse>> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const runtime = options.runtime ?? REAL_RUNTIME;
  const signal = options.signal;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const results = new Map<string, StepResponse>();
  const budgets = new Map<readonly BatchStep[], RetryBudget>();
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
  const attemptsOf = (g: readonly BatchStep[]): number => budgets.get(g)?.attempts ?? 1;

  const settle = (settled: StepResponse[]): void => {
    for (const r of settled) results.set(r.id, r);
    if (settled.length === 0) return;
    const more = options.onBatchSettled?.(settled);
    if (!more) return;
    for (const g of more) {
      if (g.length > MAX_BATCH_SIZE) throw new Error(`Assertion failed: a step group holds at most ${MAX_BATCH_SIZE} requests, got ${g.length}`);
      if (g.length > 0) queue.push(g);
    }
  };
  /** Queues the group again when the policy allows (its wait counted), else settles it with `fail()`. */
  const retryOrFail = (g: readonly BatchStep[], failure: AttemptFailure, fail: () => StepResponse[]): StepResponse[] => {
    const budget = budgets.get(g) as RetryBudget;
    const delay = budget.next(failure, true);
    // The pause is shared: a group waits for the longest delay already asked for.
    const wait = delay === undefined ? undefined : Math.max(delay, pauseMs);
    if (wait === undefined || budget.waitedMs + wait > policy.maxTotalWaitMs) return fail();
    budget.spend(wait);
    queue.push(g);
    pauseMs = wait;
    return [];
  };

  const runOne = async (batch: (readonly BatchStep[])[]): Promise<void> => {
    for (const g of batch) if (!budgets.has(g)) budgets.set(g, new RetryBudget(policy, runtime.random));
    let responses: Map<string, RawAnswer>;
    try {
      responses = await sendBatch(client, batch.flat(), signal);
    } catch (error) {
      const appError = toAppError(error, 'POST $batch');
      if (appError.code === 'aborted') throw appError;
      const failure: AttemptFailure =
        appError.status !== undefined ? { kind: 'status', status: appError.status, ...('retryAfterMs' in appError && appError.retryAfterMs !== undefined ? { retryAfterMs: appError.retryAfterMs as number } : {}) } : { kind: 'network' };
      const settled: StepResponse[] = [];
      for (const g of batch) {
        const fail = (): StepResponse[] => g.map((s) => ({ id: s.id, status: 0, headers: {}, body: undefined, error: appError, attempts: attemptsOf(g) }));
        settled.push(...(isTransient(appError) ? retryOrFail(g, failure, fail) : fail()));
      }
      settle(settled);
      return;
    }
    const settled: StepResponse[] = [];
    for (const g of batch) {
      const n = attemptsOf(g);
      const final = (): StepResponse[] =>
        g.map((s) => {
          const r = responses.get(s.id);
          return r
            ? { id: s.id, status: r.status, headers: r.headers, body: r.body, attempts: n }
            : { id: s.id, status: 0, headers: {}, body: undefined, error: toAppError(new Error('no response for this request in the $batch answer'), `${s.method} ${s.url}`), attempts: n };
        });
      const rs = g.map((s) => responses.get(s.id));
      const throttled = rs.filter((r): r is RawAnswer => r !== undefined && RETRYABLE_STATUSES.has(r.status));
      if (throttled.length === 0 && !rs.some((r) => r === undefined)) {
        settled.push(...final());
        continue;
      }
      const afters = throttled.map((r) => retryAfterOf(r.headers)).filter((ms): ms is number => ms !== undefined);
      const first = throttled[0];
      const failure: AttemptFailure = first ? { kind: 'status', status: first.status, ...(afters.length > 0 ? { retryAfterMs: Math.max(...afters) } : {}) } : { kind: 'network' };
      settled.push(...retryOrFail(g, failure, final));
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
      if (signal?.aborted) throw abortedError(signal);
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
        pausing = runtime.sleep(p, signal).finally(() => {
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
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    // A worker that threw (cancelled) leaves the others waiting for a change: wake them so they see the signal.
    stopped = true;
    notify();
  }
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
