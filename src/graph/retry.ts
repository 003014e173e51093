/**
 * The one retry policy (#7): every request to Graph, every `$batch` sub-request and every SharePoint REST call is
 * retried by these rules, and nowhere else.
 *
 * - At most `maxAttempts` attempts (default 6) and `maxTotalWaitMs` of waiting (default 2 minutes) per request.
 * - 429 and 503 are retried for any method: the service refused the request before doing it (Graph and SharePoint
 *   throttle in front of the work; platform facts A9). Retry-After is honoured; when it asks for more than what is
 *   left of the budget we stop at once (sending earlier would only prolong the throttling) and the caller gets a
 *   ThrottledError carrying the Retry-After.
 * - 504 and network errors (dropped connection, reset, fetch TypeError) may come after the service did the work, so
 *   only replay-safe requests are retried: reads, PATCH/DELETE with an If-Match eTag, and requests the caller
 *   declares safe (a POST with a unique key, which answers 409 when replayed).
 * - Without Retry-After: exponential back-off from `baseDelayMs`, capped at `maxDelayMs`, never beyond the budget.
 * - Jitter: up to `jitterRatio` of the delay is added, drawn from the injectable `random`, so clients do not retry in
 *   lock-step. Sleeping and the clock are injectable too, so tests are instant and deterministic.
 *
 * Pure TypeScript with no Node API: the browser bundle uses it as is.
 */
import { AbortedError } from '../core/errors.js';

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** Total time a request may spend waiting between its attempts. */
  maxTotalWaitMs: number;
  /** First back-off when the service gives no Retry-After (doubled per attempt). */
  baseDelayMs: number;
  /** Cap of one computed back-off (not of a Retry-After, which the budget bounds). */
  maxDelayMs: number;
  /** Up to this fraction of each delay is added at random. */
  jitterRatio: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, maxTotalWaitMs: 120_000, baseDelayMs: 1000, maxDelayMs: 30_000, jitterRatio: 0.2 };

/** Time and chance, injectable. */
export interface RetryRuntime {
  /** Resolves after `ms`; rejects with AbortedError when `signal` fires first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const REAL_RUNTIME: RetryRuntime = { sleep: realSleep, random: () => Math.random() };

/** The AbortedError for a fired signal (its reason kept as cause). */
export function abortedError(signal: AbortSignal | undefined): AbortedError {
  return new AbortedError('The operation was cancelled.', { cause: signal?.reason });
}

/** Throws AbortedError when the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal);
}

/** Statuses that mean "not now": 429 Too Many Requests, 503 Service Unavailable, 504 Gateway Timeout. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/** Why an attempt failed, as the policy needs to know it. */
export type AttemptFailure = { kind: 'status'; status: number; retryAfterMs?: number } | { kind: 'network' };

/** Whether the failure may be retried for a request of this replay safety (see the module comment). */
export function isRetryable(failure: AttemptFailure, replaySafe: boolean): boolean {
  if (failure.kind === 'network') return replaySafe;
  if (failure.status === 429 || failure.status === 503) return true;
  return failure.status === 504 && replaySafe;
}

const header = (headers: Readonly<Record<string, string>> | Headers | undefined, name: string): string | undefined => {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const wanted = name.toLowerCase();
  return Object.entries(headers as Record<string, string>).find(([k]) => k.toLowerCase() === wanted)?.[1];
};

/**
 * Whether sending the request twice is harmless: reads; PATCH, PUT, MERGE and DELETE guarded by an If-Match eTag
 * (a replay after the first landed fails its precondition, 412, instead of landing twice). POSTs are never safe by
 * themselves: the caller declares the ones that are (a unique key makes a replay answer 409).
 */
export function isReplaySafe(method: string, headers?: Readonly<Record<string, string>> | Headers): boolean {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return true;
  if (m === 'PATCH' || m === 'PUT' || m === 'MERGE' || m === 'DELETE') {
    const ifMatch = header(headers, 'If-Match');
    return ifMatch !== undefined && ifMatch.trim() !== '' && ifMatch.trim() !== '*';
  }
  return false;
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Reads the Retry-After of an answer's headers, in ms. */
export const retryAfterOf = (headers: Readonly<Record<string, string>> | Headers | undefined): number | undefined => parseRetryAfter(header(headers, 'Retry-After'));

/**
 * Delay before attempt `attempt + 1` (attempt ≥ 1), before the budget is applied: the Retry-After when given, else
 * the capped exponential back-off; plus jitter.
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined, policy: RetryPolicy, random: () => number): number {
  const wait = retryAfterMs ?? Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jitterBase = Math.max(wait, policy.baseDelayMs / 10);
  return Math.round(wait + jitterBase * policy.jitterRatio * random());
}

/**
 * The attempts and waiting of one request. `next` says how long to wait before the next attempt, or undefined when
 * the policy says stop (attempts used up, not retryable, or the wait would break the time budget).
 */
export class RetryBudget {
  /** Attempts made so far (call `next` after each failed one). */
  attempts = 1;
  /** Milliseconds waited so far between attempts. */
  waitedMs = 0;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly random: () => number,
  ) {}

  next(failure: AttemptFailure, replaySafe: boolean): number | undefined {
    if (!isRetryable(failure, replaySafe) || this.attempts >= this.policy.maxAttempts) return undefined;
    const left = this.policy.maxTotalWaitMs - this.waitedMs;
    const retryAfterMs = failure.kind === 'status' ? failure.retryAfterMs : undefined;
    let delay = retryDelayMs(this.attempts, retryAfterMs, this.policy, this.random);
    if (delay > left) {
      // Retrying before the service's Retry-After is pointless; our own back-off may be shortened to what is left.
      if (left <= 0 || (retryAfterMs !== undefined && retryAfterMs > left)) return undefined;
      delay = left;
    }
    return delay;
  }

  /** Records a wait and the attempt that follows it. */
  spend(delayMs: number): void {
    this.waitedMs += delayMs;
    this.attempts++;
  }
}

/** What `sendWithRetries` reports about each retry (for counters and tests). */
export interface RetryEvent {
  attempt: number;
  delayMs: number;
  failure: AttemptFailure;
}

export interface SendOptions {
  replaySafe: boolean;
  policy: RetryPolicy;
  runtime: RetryRuntime;
  signal?: AbortSignal;
  onRetry?: (event: RetryEvent) => void;
}

/** Whether an error thrown by fetch means the request was cancelled rather than lost. */
export const isAbort = (error: unknown, signal?: AbortSignal): boolean =>
  signal?.aborted === true || (error instanceof Error && error.name === 'AbortError') || error instanceof AbortedError;

/**
 * Sends a request with the policy: `send` performs one attempt and returns the answer (any status) or throws on a
 * network failure. Returns the last answer (which may still be a 429 when the budget ran out); throws the last
 * network error when it gave up on one, and AbortedError when the signal fired.
 */
export async function sendWithRetries(send: () => Promise<Response>, options: SendOptions): Promise<Response> {
  const budget = new RetryBudget(options.policy, options.runtime.random);
  for (;;) {
    throwIfAborted(options.signal);
    let failure: AttemptFailure;
    let answer: Response | undefined;
    let thrown: unknown;
    try {
      answer = await send();
      if (!RETRYABLE_STATUSES.has(answer.status)) return answer;
      const retryAfterMs = retryAfterOf(answer.headers);
      failure = { kind: 'status', status: answer.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    } catch (error) {
      if (isAbort(error, options.signal)) throw error instanceof AbortedError ? error : abortedError(options.signal);
      thrown = error;
      failure = { kind: 'network' };
    }
    const delay = budget.next(failure, options.replaySafe);
    if (delay === undefined) {
      if (answer) return answer;
      throw thrown;
    }
    // The refused answer's body is not needed: free the connection before waiting.
    await answer?.body?.cancel().catch(() => undefined);
    options.onRetry?.({ attempt: budget.attempts, delayMs: delay, failure });
    await options.runtime.sleep(delay, options.signal);
    budget.spend(delay);
  }
}
