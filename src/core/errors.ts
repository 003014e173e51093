/** Error hierarchy shared by every layer (style guide 11.4). Expected outcomes are values; these are for boundaries. */

/** A problem tied to a place in the input: which row, which field, why. */
export interface Issue {
  row?: number | string;
  field?: string;
  value?: unknown;
  reason: string;
}

export abstract class AppError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  readonly code = 'validation';
  constructor(
    readonly issues: Issue[],
    options?: { cause?: unknown },
  ) {
    super(issues.map((i) => `${i.row !== undefined ? `row ${String(i.row)}: ` : ''}${i.field ? `${i.field}: ` : ''}${i.reason}`).join('; '), options);
  }
}

export class NotFoundError extends AppError {
  readonly code = 'not-found';
}

export class PermissionError extends AppError {
  readonly code = 'permission';
}

export class ThrottledError extends AppError {
  readonly code = 'throttled';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
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
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Any other Graph / SharePoint failure, with the evidence needed to report it. */
export class GraphAccessError extends AppError {
  readonly code = 'graph';
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    readonly graphCode: string | undefined,
    readonly requestId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class ImportError extends AppError {
  readonly code = 'import';
  constructor(
    message: string,
    readonly file: string,
    readonly issues: Issue[] = [],
    options?: { cause?: unknown },
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
