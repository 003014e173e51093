// Assertions shared by the Graph conformance suite (#3).
import { GraphError } from '@microsoft/microsoft-graph-client';
import { expect } from 'vitest';

import { checkCollectionShape, checkShape } from '../../support/graph-schema.js';
import type { RawResponse } from '../../support/local-graph-client.js';

export interface GraphErrorPayload {
  code: string;
  message: string;
  innerError: { date: string; 'request-id': string; 'client-request-id': string };
}

/** Graph writes innerError.date as a UTC timestamp without offset, e.g. `2025-02-13T10:17:05` (json-batching.md). */
const INNER_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?$/;

/**
 * Asserts Graph's error body `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`
 * (concepts/errors.md; json-batching.md example) and returns `error`.
 */
export function expectGraphErrorBody(body: unknown, code?: string | RegExp): GraphErrorPayload {
  expect(body, 'error body').toMatchObject({
    error: {
      code: expect.any(String),
      message: expect.any(String),
      innerError: { date: expect.any(String), 'request-id': expect.any(String), 'client-request-id': expect.any(String) },
    },
  });
  const error = (body as { error: GraphErrorPayload }).error;
  expect(error.code, 'error.code').not.toBe('');
  expect(error.message, 'error.message').not.toBe('');
  expect(error.innerError.date, 'innerError.date').toMatch(INNER_DATE);
  expect(Number.isNaN(Date.parse(error.innerError.date)), 'innerError.date parses').toBe(false);
  expect(error.innerError['request-id'], 'innerError.request-id').not.toBe('');
  if (code !== undefined) expect(error.code).toMatch(code instanceof RegExp ? code : new RegExp(`^${code}$`));
  return error;
}

/** Asserts a raw HTTP error response: status, JSON content type, Graph error body. */
export function expectRawError(res: RawResponse, status: number, code?: string | RegExp): GraphErrorPayload {
  expect(res.status, `status of ${res.text.slice(0, 300)}`).toBe(status);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  const error = expectGraphErrorBody(res.json, code);
  // Graph returns the same id in the request-id response header and in innerError.
  const header = res.headers.get('request-id');
  if (header !== null) expect(error.innerError['request-id']).toBe(header);
  return error;
}

/**
 * Awaits a Graph client call that must fail and checks the GraphError the client builds from the body:
 * statusCode, code, requestId (from innerError.request-id) and the error body itself.
 */
export async function expectGraphError(
  call: Promise<unknown>,
  status: number,
  code?: string | RegExp,
): Promise<GraphError & { payload: GraphErrorPayload }> {
  let caught: unknown;
  try {
    await call;
  } catch (e) {
    caught = e;
  }
  expect(caught, 'the call must fail').toBeInstanceOf(GraphError);
  const err = caught as GraphError;
  expect(err.statusCode, `statusCode (${err.message})`).toBe(status);
  // graph-client copies error.code and innerError['request-id'] only when the body has Graph's shape.
  expect(err.code).toEqual(expect.any(String));
  expect(err.requestId).toEqual(expect.any(String));
  expect(err.requestId).not.toBe('');
  const payload = JSON.parse(err.body as string) as unknown;
  const checked = expectGraphErrorBody({ error: payload }, code);
  expect(err.code).toBe(checked.code);
  expect(err.requestId).toBe(checked.innerError['request-id']);
  return Object.assign(err, { payload: checked });
}

/** Asserts that `value` conforms to the CSDL type (no undeclared properties, right JSON types). */
export function expectShape(typeName: string, value: unknown): void {
  expect(checkShape(typeName, value), `${typeName} shape`).toEqual([]);
}

/** Asserts a collection response whose elements conform to the CSDL type. */
export function expectCollectionShape(typeName: string, body: unknown): void {
  expect(checkCollectionShape(typeName, body), `Collection(${typeName}) shape`).toEqual([]);
}

/** Graph listItem eTag as in listitem-delta.md: a quoted `{GUID},version` (resources/sharepoint.md omits braces). */
export const ETAG = /^"\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?,\d+"$/;
