import { GraphError } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';

import { ConflictError, GraphAccessError, NotFoundError, PermissionError, ThrottledError } from '../../src/core/errors.js';
import { isTransient, parseRetryAfter, toAppError, toAppErrorFromResponse } from '../../src/graph/to-app-error.js';

const graphError = (status: number, code: string, headers: Record<string, string> = {}): GraphError => {
  const e = new GraphError(status, `message ${status}`);
  e.code = code;
  e.requestId = 'req-1';
  e.headers = new Headers(headers);
  return e;
};

describe('toAppError', () => {
  it('maps statuses to AppError subclasses and keeps the GraphError as cause', () => {
    const conflict = toAppError(graphError(412, 'resourceModified'), 'PATCH item 1');
    expect(conflict).toBeInstanceOf(ConflictError);
    expect(conflict.cause).toBeInstanceOf(GraphError);
    expect(conflict.message).toContain('PATCH item 1: 412 resourceModified');
    expect(toAppError(graphError(404, 'itemNotFound'), 'x')).toBeInstanceOf(NotFoundError);
    expect(toAppError(graphError(401, 'InvalidAuthenticationToken'), 'x')).toBeInstanceOf(PermissionError);
    expect(toAppError(graphError(403, 'accessDenied'), 'x')).toBeInstanceOf(PermissionError);
  });

  it('turns 429/503/504 into ThrottledError with Retry-After in ms', () => {
    const e = toAppError(graphError(429, 'activityLimitReached', { 'Retry-After': '7' }), 'x');
    expect(e).toBeInstanceOf(ThrottledError);
    expect((e as ThrottledError).retryAfterMs).toBe(7000);
    expect(toAppError(graphError(504, 'gatewayTimeout'), 'x')).toBeInstanceOf(ThrottledError);
  });

  it('keeps status, Graph code and request id for anything else', () => {
    const e = toAppError(graphError(400, 'invalidRequest'), 'x');
    expect(e).toBeInstanceOf(GraphAccessError);
    expect(e).toMatchObject({ code: 'graph', statusCode: 400, graphCode: 'invalidRequest', requestId: 'req-1' });
  });

  it('reports a network failure as a transient GraphAccessError without status', () => {
    const e = toAppError(new TypeError('fetch failed', { cause: new Error('ECONNRESET') }), 'GET x');
    expect(e).toMatchObject({ statusCode: undefined, graphCode: 'networkError' });
    expect(e.message).toContain('ECONNRESET');
    expect(isTransient(e)).toBe(true);
    expect(isTransient(toAppError(graphError(400, 'invalidRequest'), 'x'))).toBe(false);
  });
});

describe('toAppErrorFromResponse', () => {
  it('reads a $batch sub-response error body', () => {
    const e = toAppErrorFromResponse(409, { error: { code: 'nameAlreadyExists', message: 'duplicate', innerError: { 'request-id': 'r9' } } }, {}, 'POST item');
    expect(e).toMatchObject({ statusCode: 409, graphCode: 'nameAlreadyExists', requestId: 'r9' });
    const t = toAppErrorFromResponse(503, {}, { 'retry-after': '3' }, 'x');
    expect((t as ThrottledError).retryAfterMs).toBe(3000);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('2.5')).toBe(2500);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter(null)).toBe(undefined);
    expect(parseRetryAfter('soon')).toBe(undefined);
  });
});

describe('SharePoint REST answers (the same mapping)', () => {
  it('reads JSON light and verbose error bodies and keeps status and SPRequestGuid', () => {
    const light = toAppErrorFromResponse(403, { 'odata.error': { code: '-2147024891, System.UnauthorizedAccessException', message: { lang: 'en-US', value: 'Access denied.' } } }, new Headers({ SPRequestGuid: 'sp-1' }), 'POST addroleassignment');
    expect(light).toBeInstanceOf(PermissionError);
    expect(light).toMatchObject({ status: 403, requestId: 'sp-1' });
    expect(light.message).toBe('POST addroleassignment: 403 -2147024891, System.UnauthorizedAccessException — Access denied.');
    const verbose = toAppErrorFromResponse(400, { error: { code: '-1, Microsoft.SharePoint.SPException', message: { value: 'bad' } } }, {}, 'x');
    expect(verbose).toMatchObject({ status: 400, graphCode: '-1, Microsoft.SharePoint.SPException' });
    const html = toAppErrorFromResponse(502, '<html>Bad gateway</html>', { 'request-id': 'r2' }, 'x');
    expect(html).toMatchObject({ status: 502, requestId: 'r2' });
    expect(html.message).toContain('<html>Bad gateway</html>');
  });

  it('gives every AppError made from an HTTP answer its status and request id', () => {
    for (const [status, type] of [
      [412, ConflictError],
      [404, NotFoundError],
      [401, PermissionError],
      [429, ThrottledError],
      [500, GraphAccessError],
    ] as const) {
      const e = toAppErrorFromResponse(status, { error: { code: 'c', message: 'm', innerError: { 'request-id': `id-${status}` } } }, {}, 'x');
      expect(e).toBeInstanceOf(type);
      expect([e.status, e.requestId, e.code]).toEqual([status, `id-${status}`, new type('x').code]);
    }
  });
});
