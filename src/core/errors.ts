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

/** Throws when an invariant does not hold. The message names what was expected and what was found. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}
