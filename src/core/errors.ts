/** Error hierarchy shared by every layer (style guide 11.4). Expected outcomes are values; these are for boundaries. */

/** A problem tied to a place in the input: which row, which field, why. */
export interface Issue {
  row?: number | string;
  field?: string;
  value?: unknown;
  reason: string;
}

/**
 * What an error may carry besides its message. `status` and `requestId` are set on every error that comes from an
 * HTTP answer (Graph, a `$batch` sub-response, SharePoint REST), so a surface can show and log them; `code` stays our
 * own stable code.
 */
export interface AppErrorOptions {
  cause?: unknown;
  /** HTTP status of the answer the error comes from. */
  status?: number;
  /** The service's request id of that answer (`request-id`, `SPRequestGuid`), for support tickets. */
  requestId?: string;
}

export abstract class AppError extends Error {
  abstract readonly code: string;
  /** HTTP status of the answer this error comes from; undefined when there was no answer (or no HTTP at all). */
  readonly status: number | undefined;
  /** Request id of that answer, when the service sent one. */
  readonly requestId: string | undefined;
  constructor(message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = options.status;
    this.requestId = options.requestId;
  }
}

export class ValidationError extends AppError {
  readonly code = 'validation';
  constructor(
    readonly issues: Issue[],
    options?: AppErrorOptions,
  ) {
    super(issues.map((i) => `${i.row !== undefined ? `row ${String(i.row)}: ` : ''}${i.field ? `${i.field}: ` : ''}${i.reason}`).join('; '), options);
  }
}

/** Rows that cannot be read (hand-edited beyond repair) where a read must have them all (a report): the message names each. */
export class UnreadableRowsError extends ValidationError {
  constructor(
    issues: Issue[],
    message: string,
  ) {
    super(issues);
    this.message = message;
  }
}

export class NotFoundError extends AppError {
  readonly code = 'not-found';
}

export class PermissionError extends AppError {
  readonly code = 'permission';
}

/** The service asked us to slow down (429/503/504) and kept doing so within the retry budget. */
export class ThrottledError extends AppError {
  readonly code = 'throttled';
  constructor(
    message: string,
    /** What the last answer's Retry-After asked for, in ms (when it sent one). */
    readonly retryAfterMs?: number,
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

/** The caller cancelled the operation (its AbortSignal fired). Nothing more was sent after that. */
export class AbortedError extends AppError {
  readonly code = 'aborted';
}

/** One field that both sides changed differently since the base the edit started from (#4). */
export interface FieldConflict {
  field: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
}

/**
 * The stored item changed since it was read (Graph 412 on If-Match). Nothing was overwritten; `conflicts` lists the
 * fields that need a decision when the caller already merged, and is empty when only the precondition failed.
 */
export class ConflictError extends AppError {
  readonly code = 'conflict';
  constructor(
    message: string,
    readonly conflicts: FieldConflict[] = [],
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Any other Graph / SharePoint failure, with the evidence needed to report it: the HTTP status (`status`, also as
 * `statusCode`), the service's error code (`graphCode`; `networkError` when no answer arrived) and `requestId`.
 */
export class GraphAccessError extends AppError {
  readonly code = 'graph';
  /** The service's own error code (Graph `error.code`, SharePoint's exception type), or `networkError`. */
  readonly graphCode: string | undefined;
  constructor(message: string, options: AppErrorOptions & { graphCode?: string } = {}) {
    super(message, options);
    this.graphCode = options.graphCode;
  }

  /** Same as `status` (the name Graph's own errors use). */
  get statusCode(): number | undefined {
    return this.status;
  }
}

export class ImportError extends AppError {
  readonly code = 'import';
  constructor(
    message: string,
    readonly file: string,
    readonly issues: Issue[] = [],
    options?: AppErrorOptions,
  ) {
    super(message, options);
  }
}

/** A host (Teams, Office, the browser) failed or lacks a capability; the SDK's own error is kept as `cause`. */
export class HostError extends AppError {
  readonly code = 'host';
}

/** Throws when an invariant does not hold. The message names what was expected and what was found. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}
