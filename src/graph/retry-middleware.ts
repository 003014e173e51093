/**
 * The Graph client's retry step, built on the one policy (./retry.ts). It takes the place of the SDK's RetryHandler,
 * which retried on its own terms (3–5 times, 429/503/504 for every method, never network errors) and nested with the
 * batch and SharePoint REST loops into up to ~48 attempts for one request (#7).
 *
 * A request may say how it is retried with `.middlewareOptions([RETRY_REPLAY_SAFE])` (a POST with a unique key) or
 * `[RETRY_NEVER]` (`$batch`: ./batch.ts retries its sub-requests with the same policy, so the outer request is sent
 * once per round). Without an option the method and headers decide (./retry.ts isReplaySafe).
 */
import { GraphClientError, type Context, type Middleware, type MiddlewareOptions } from '@microsoft/microsoft-graph-client';

import { isReplaySafe, sendWithRetries, type RetryEvent, type RetryPolicy, type RetryRuntime } from './retry.js';
import { toAppError } from './to-app-error.js';

/** How one request is retried by the client. */
export class RequestRetryOptions implements MiddlewareOptions {
  constructor(readonly mode: 'replay-safe' | 'never') {}
}

/** A POST whose replay cannot land twice (unique key → 409): retried on network errors and 504 as well. */
export const RETRY_REPLAY_SAFE = new RequestRetryOptions('replay-safe');
/** Sent once: the caller retries it (`$batch`). */
export const RETRY_NEVER = new RequestRetryOptions('never');

const requestUrl = (context: Context): string => (typeof context.request === 'string' ? context.request : context.request.url);

export class RetryMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly settings: () => { policy: RetryPolicy; runtime: RetryRuntime },
    private readonly onRetry?: (event: RetryEvent) => void,
  ) {}

  async execute(context: Context): Promise<void> {
    const next = this.next;
    if (!next) throw new Error('RetryMiddleware: no next middleware');
    const option = context.middlewareControl?.getMiddlewareOptions(RequestRetryOptions) as RequestRetryOptions | undefined;
    if (option?.mode === 'never') {
      await next.execute(context);
      return;
    }
    const method = String(context.options?.method ?? 'GET');
    const replaySafe = option?.mode === 'replay-safe' || isReplaySafe(method, context.options?.headers as Record<string, string> | Headers | undefined);
    const { policy, runtime } = this.settings();
    const signal = (context.options?.signal ?? undefined) as AbortSignal | undefined;
    try {
      context.response = await sendWithRetries(
        async () => {
          await next.execute(context);
          if (!context.response) throw new Error('RetryMiddleware: the chain produced no response');
          return context.response;
        },
        { replaySafe, policy, runtime, ...(signal ? { signal } : {}), ...(this.onRetry ? { onRetry: this.onRetry } : {}) },
      );
    } catch (error) {
      // The client wraps whatever a middleware throws into a GraphError without its cause, unless it is a
      // GraphClientError: hand the mapped AppError through that way (toAppError unwraps it).
      const wrapped = new GraphClientError(error instanceof Error ? error.message : String(error));
      wrapped.customError = toAppError(error, `${method} ${requestUrl(context)}`);
      throw wrapped;
    }
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}
