/**
 * The one place where failures of Graph, `$batch` sub-requests and SharePoint REST become AppErrors (style guide
 * 11.4 rule 5): 412 → ConflictError, 404 → NotFoundError, 401/403 → PermissionError, 429/503/504 → ThrottledError
 * (with Retry-After), anything else → GraphAccessError with the service's error code (`graphCode`). Every error made
 * from an HTTP answer carries its `status` and `requestId`. No answer at all (dropped connection, reset, DNS) →
 * GraphAccessError with graphCode `networkError`; a cancelled operation → AbortedError.
 */
import { GraphClientError, GraphError } from '@microsoft/microsoft-graph-client';

import { AbortedError, AppError, ConflictError, GraphAccessError, NotFoundError, PermissionError, ThrottledError } from '../core/errors.js';
import { isAbort, parseRetryAfter, RETRYABLE_STATUSES } from './retry.js';

export { parseRetryAfter } from './retry.js';

interface ErrorEvidence {
  status: number | undefined;
  serviceCode: string | undefined;
  message: string;
  requestId: string | undefined;
  retryAfter: string | null | undefined;
}

type HeaderBag = Readonly<Record<string, string>> | Headers | undefined;

const headerOf = (headers: HeaderBag, name: string): string | undefined => {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const wanted = name.toLowerCase();
  return Object.entries(headers as Record<string, string>).find(([k]) => k.toLowerCase() === wanted)?.[1];
};

/**
 * Reads an error body: Graph's `{ error: { code, message, innerError: { request-id } } }`, SharePoint REST's
 * `{ "odata.error": { code, message: { value } } }` (JSON light) or `{ error: { code, message: { value } } }` (verbose).
 */
export function readErrorBody(body: unknown): { code: string | undefined; message: string | undefined; requestId: string | undefined } {
  const b = body as { error?: unknown; 'odata.error'?: unknown } | null | undefined;
  const error = (b?.error ?? b?.['odata.error']) as Record<string, unknown> | undefined;
  if (!error || typeof error !== 'object') return { code: undefined, message: undefined, requestId: undefined };
  const inner = (error.innerError ?? error.innererror) as Record<string, unknown> | undefined;
  const message = typeof error.message === 'string' ? error.message : (error.message as { value?: unknown } | undefined)?.value;
  return {
    code: typeof error.code === 'string' ? error.code : undefined,
    message: typeof message === 'string' ? message : undefined,
    requestId: inner && typeof inner['request-id'] === 'string' ? inner['request-id'] : undefined,
  };
}

function fromEvidence(e: ErrorEvidence, what: string, cause: unknown): AppError {
  const detail = `${what}: ${e.status ?? 'network'}${e.serviceCode ? ` ${e.serviceCode}` : ''} — ${e.message}`;
  const options = { cause, ...(e.status !== undefined ? { status: e.status } : {}), ...(e.requestId !== undefined ? { requestId: e.requestId } : {}) };
  switch (e.status) {
    case 412:
      return new ConflictError(detail, [], options);
    case 404:
      return new NotFoundError(detail, options);
    case 401:
    case 403:
      return new PermissionError(detail, options);
    case 429:
    case 503:
    case 504:
      return new ThrottledError(detail, parseRetryAfter(e.retryAfter), options);
    default:
      return new GraphAccessError(detail, { ...options, ...(e.status === undefined ? { graphCode: e.serviceCode ?? 'networkError' } : e.serviceCode !== undefined ? { graphCode: e.serviceCode } : {}) });
  }
}

/**
 * Converts anything a Graph call threw into an AppError, keeping the original as `cause`.
 * @param what what was being done, for the message (e.g. `PATCH FollowUpRows item 12`)
 */
export function toAppError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  // The retry middleware hands its own errors through the client wrapped (the client re-wraps anything else).
  if (error instanceof GraphClientError && error.customError instanceof AppError) return error.customError;
  if (isAbort(error) || (error instanceof GraphError && error.code === 'AbortError')) return new AbortedError(`${what}: cancelled`, { cause: error });
  if (error instanceof GraphError) {
    const status = error.statusCode > 0 ? error.statusCode : undefined;
    const headers = error.headers as Headers | undefined;
    return fromEvidence(
      {
        status,
        serviceCode: status === undefined ? undefined : (error.code ?? undefined),
        message: error.message || String(error.body ?? ''),
        requestId: error.requestId ?? headerOf(headers, 'request-id'),
        retryAfter: headerOf(headers, 'Retry-After'),
      },
      what,
      error,
    );
  }
  const message = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
  return fromEvidence({ status: undefined, serviceCode: undefined, message, requestId: undefined, retryAfter: undefined }, what, error);
}

/**
 * Converts a failed answer (a `$batch` sub-response, a SharePoint REST or raw fetch answer) into an AppError.
 * @param body the parsed JSON body, or the text when it is not JSON (an HTML error page)
 */
export function toAppErrorFromResponse(status: number, body: unknown, headers: HeaderBag, what: string): AppError {
  const { code, message, requestId } = readErrorBody(body);
  const text = typeof body === 'string' ? body.slice(0, 300) : undefined;
  return fromEvidence(
    {
      status,
      serviceCode: code,
      message: message ?? text ?? `HTTP ${status}`,
      requestId: requestId ?? headerOf(headers, 'request-id') ?? headerOf(headers, 'sprequestguid'),
      retryAfter: headerOf(headers, 'Retry-After'),
    },
    what,
    body,
  );
}

/** True for failures worth retrying as-is: throttling and network errors (no status). */
export function isTransient(error: AppError): boolean {
  return error instanceof ThrottledError || (error instanceof GraphAccessError && error.status === undefined);
}

/** True when the error is a throttling status (429/503/504). */
export const isThrottlingStatus = (status: number): boolean => RETRYABLE_STATUSES.has(status);
