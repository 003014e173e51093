/**
 * The one place Graph failures become AppErrors (style guide 11.4 rule 5):
 * 412 → ConflictError, 404 → NotFoundError, 401/403 → PermissionError, 429/503/504 → ThrottledError (Retry-After),
 * anything else → GraphAccessError with statusCode, Graph's error code (`graphCode`) and request id.
 * Network failures (no status) become GraphAccessError with graphCode `networkError`.
 */
import { GraphError } from '@microsoft/microsoft-graph-client';

import { AppError, ConflictError, GraphAccessError, NotFoundError, PermissionError, ThrottledError } from '../core/errors.js';

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface ErrorEvidence {
  status: number | undefined;
  graphCode: string | undefined;
  message: string;
  requestId: string | undefined;
  retryAfter: string | null | undefined;
}

/** Reads `{ error: { code, message, innerError: { request-id } } }`, walking nested innerError codes. */
export function readErrorBody(body: unknown): { code: string | undefined; message: string | undefined; requestId: string | undefined } {
  const error = (body as { error?: Record<string, unknown> } | null | undefined)?.error;
  if (!error || typeof error !== 'object') return { code: undefined, message: undefined, requestId: undefined };
  const inner = (error.innerError ?? error.innererror) as Record<string, unknown> | undefined;
  return {
    code: typeof error.code === 'string' ? error.code : undefined,
    message: typeof error.message === 'string' ? error.message : undefined,
    requestId: inner && typeof inner['request-id'] === 'string' ? inner['request-id'] : undefined,
  };
}

function fromEvidence(e: ErrorEvidence, what: string, cause: unknown): AppError {
  const detail = `${what}: ${e.status ?? 'network'}${e.graphCode ? ` ${e.graphCode}` : ''} — ${e.message}`;
  switch (e.status) {
    case 412:
      return new ConflictError(detail, [], { cause });
    case 404:
      return new NotFoundError(detail, { cause });
    case 401:
    case 403:
      return new PermissionError(detail, { cause });
    case 429:
    case 503:
    case 504:
      return new ThrottledError(detail, parseRetryAfter(e.retryAfter), { cause });
    default:
      return new GraphAccessError(detail, e.status, e.status === undefined ? (e.graphCode ?? 'networkError') : e.graphCode, e.requestId, { cause });
  }
}

/**
 * Converts anything a Graph call threw into an AppError, keeping the original as `cause`.
 * @param what what was being done, for the message (e.g. `PATCH FollowUpRows item 12`)
 */
export function toAppError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof GraphError) {
    const status = error.statusCode > 0 ? error.statusCode : undefined;
    const headers = error.headers as Headers | undefined;
    return fromEvidence(
      { status, graphCode: error.code ?? undefined, message: error.message, requestId: error.requestId ?? undefined, retryAfter: headers?.get?.('Retry-After') },
      what,
      error,
    );
  }
  const message = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
  return fromEvidence({ status: undefined, graphCode: undefined, message, requestId: undefined, retryAfter: undefined }, what, error);
}

/** Converts a failed `$batch` sub-response (or any status + Graph error body) into an AppError. */
export function toAppErrorFromResponse(status: number, body: unknown, headers: Readonly<Record<string, string>>, what: string): AppError {
  const { code, message, requestId } = readErrorBody(body);
  const retryAfter = Object.entries(headers).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  return fromEvidence({ status, graphCode: code, message: message ?? `HTTP ${status}`, requestId, retryAfter }, what, body);
}

/** True for failures worth retrying as-is: throttling and network errors (no status). */
export function isTransient(error: AppError): boolean {
  return error instanceof ThrottledError || (error instanceof GraphAccessError && error.statusCode === undefined);
}
