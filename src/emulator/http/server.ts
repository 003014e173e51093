/**
 * The HTTP side of the local Graph service (#3): one request handler that routes Graph (`/v1.0`, `$batch`),
 * SharePoint REST (`/sites/…/_api`), the local pages (`/_local/…`) and anything else to the app, with
 * authentication, fault injection, throttling, request statistics and Graph-shaped errors.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { DEMO_DIRECTORY, findUser } from '../directory.js';
import { errorBody, GraphHttpError } from '../errors.js';
import { serveLocal } from '../pages/local.js';
import type { LocalGraphStore } from '../store/store.js';
import type { Caller } from '../store/types.js';
import { signToken, verifyToken } from '../tokens.js';
import { parseBatch, runBatch } from './batch.js';
import { type FaultConfig, FaultInjector, Throttle } from './faults.js';
import { type ApiResponse, GraphApi, graphCost } from './graph-api.js';
import { SpRestApi } from './sp-rest.js';

export interface LocalGraphStats {
  requests: number;
  resourceUnits: number;
  throttled: number;
  byUser: Record<string, { requests: number; resourceUnits: number }>;
}

export interface HttpOptions {
  faults?: Partial<FaultConfig>;
  throttle?: { resourceUnitsPerMinute: number } | false;
  pageSize?: number;
  requestHandler?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
}

export interface LocalGraphHttp {
  handler(req: IncomingMessage, res: ServerResponse): void;
  api: GraphApi;
  faults: FaultInjector;
  throttle: Throttle;
  tokenFor(user?: string): string;
  stats(): LocalGraphStats;
  resetStats(): void;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const JSON_CT = 'application/json; charset=utf-8';

const NO_BODY = Buffer.alloc(0);

function readBody(req: IncomingMessage): Promise<Buffer> {
  // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 §6.3): skip the stream plumbing.
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) return Promise.resolve(NO_BODY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new GraphHttpError(413, 'requestTooLarge', `The request body exceeds ${MAX_BODY_BYTES} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function lowerHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Builds the request handler over a store; `origin()` gives `https://localhost:PORT` once the server listens. */
export function createHttpHandler(store: LocalGraphStore, origin: () => string, options: HttpOptions): LocalGraphHttp {
  const faults = new FaultInjector(options.faults ?? {});
  const throttle = new Throttle(options.throttle ?? false);
  const api = new GraphApi(store, origin, options.pageSize ?? 200);
  const sp = new SpRestApi(store, origin);
  const emptyStats = (): LocalGraphStats => ({ requests: 0, resourceUnits: 0, throttled: 0, byUser: {} });
  let stats = emptyStats();

  const count = (upn: string, units: number): void => {
    // Every request that reached the service counts, including each $batch sub-request.
    stats.requests++;
    stats.resourceUnits += units;
    const u = (stats.byUser[upn] ??= { requests: 0, resourceUnits: 0 });
    u.requests++;
    u.resourceUnits += units;
  };

  // Tokens that passed verification, until their `exp`: a client sends the same token on every request, and the
  // HMAC check plus two JSON parses per request is avoidable work. Failures are never cached.
  const verified = new Map<string, { caller: Caller; exp: number }>();
  const authenticate = (headers: Record<string, string | undefined>): Caller | GraphHttpError => {
    const auth = headers.authorization;
    if (!auth) return new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) return new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure. The Authorization header must be "Bearer <token>".');
    const token = m[1] as string;
    const now = Math.floor(Date.now() / 1000);
    const hit = verified.get(token);
    if (hit !== undefined) {
      if (hit.exp > now) return hit.caller;
      verified.delete(token);
    }
    const v = verifyToken(store.secret, token, now);
    if (!v.ok) return new GraphHttpError(401, 'InvalidAuthenticationToken', `Access token validation failure. ${v.reason}`);
    const caller = store.principals.callerByUpn(v.claims.upn);
    if (!caller) return new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure. The user in the token is not in the directory.');
    if (verified.size >= 10_000) verified.clear();
    verified.set(token, { caller, exp: v.claims.exp });
    return caller;
  };

  const faultResponse = (status: 429 | 503): ApiResponse => {
    const retry = String(faults.config.retryAfterSeconds);
    return status === 429
      ? { status, headers: { 'Retry-After': retry }, body: { error: { code: 'activityLimitReached', message: 'The request has been throttled. Retry after the number of seconds in the Retry-After header.' } } }
      : { status, headers: { 'Retry-After': retry }, body: { error: { code: 'serviceNotAvailable', message: 'The service is temporarily unavailable. Retry after the number of seconds in the Retry-After header.' } } };
  };

  /** An injected 429/503: counted as a request and as throttled, before authentication (so under no user). */
  const injected = (status: 429 | 503): ApiResponse => {
    stats.requests++;
    stats.throttled++;
    return faultResponse(status);
  };

  /** Charges a request to the caller's budget; a 429 response when exhausted. */
  const charge = (caller: Caller, cost: number): ApiResponse | undefined => {
    const retryAfter = throttle.charge(caller.user.key, cost);
    if (retryAfter === undefined) {
      count(caller.user.key, cost);
      return undefined;
    }
    count(caller.user.key, 0);
    stats.throttled++;
    return { status: 429, headers: { 'Retry-After': String(retryAfter) }, body: { error: { code: 'activityLimitReached', message: `The request has been throttled: the resource-unit budget of ${caller.user.key} is exhausted. Retry after ${retryAfter} seconds.` } } };
  };

  const send = (res: ServerResponse, r: ApiResponse, requestId: string, clientRequestId: string | undefined): void => {
    const headers: Record<string, string> = { 'request-id': requestId, 'client-request-id': clientRequestId ?? requestId, ...r.headers };
    let payload: Buffer | undefined;
    if (r.body !== undefined) {
      const b = withInnerError(r.body, requestId, clientRequestId);
      // One encoded buffer with its length: no chunked framing, one write.
      payload = Buffer.from(JSON.stringify(b));
      headers['Content-Type'] ??= JSON_CT;
      headers['Content-Length'] = String(payload.length);
    }
    res.writeHead(r.status, headers);
    res.end(payload);
  };

  const withInnerError = (body: unknown, requestId: string, clientRequestId: string | undefined): unknown => {
    const e = (body as { error?: { code?: unknown; message?: unknown; innerError?: unknown } } | null)?.error;
    if (e && typeof e.code === 'string' && e.innerError === undefined) return errorBody(e.code, String(e.message), requestId, clientRequestId);
    return body;
  };

  const parseJson = (buf: Buffer): { ok: true; value: unknown } | { ok: false } => {
    if (buf.length === 0) return { ok: true, value: undefined };
    try {
      return { ok: true, value: JSON.parse(buf.toString('utf8')) as unknown };
    } catch {
      return { ok: false };
    }
  };
  const badJson = new GraphHttpError(400, 'invalidRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');

  const serveGraph = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const requestId = randomUUID();
    const headers = lowerHeaders(req);
    const clientRequestId = headers['client-request-id'];
    const reply = (r: ApiResponse): void => send(res, r, requestId, clientRequestId);
    const fail = (e: GraphHttpError): void => reply({ status: e.status, headers: e.headers, body: { error: { code: e.code, message: e.message } } });
    const fault = faults.roll(true);
    if (fault === 'drop') {
      // Dropped before handling: nothing was written (documented choice; SharePoint may also commit then drop).
      req.socket.destroy();
      return;
    }
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (e) {
      if (e instanceof GraphHttpError) return fail(e);
      throw e;
    }
    if (fault !== undefined) return reply(injected(fault));
    const caller = authenticate(headers);
    if (caller instanceof GraphHttpError) return fail(caller);
    const parsed = parseJson(body);
    if (!parsed.ok) return fail(badJson);
    const path = url.pathname.slice('/v1.0'.length);
    if (path === '/$batch') {
      if (req.method !== 'POST') return fail(new GraphHttpError(405, 'methodNotAllowed', 'Use POST for $batch.'));
      let steps;
      try {
        steps = parseBatch(parsed.value);
      } catch (e) {
        if (e instanceof GraphHttpError) return fail(e);
        throw e;
      }
      count(caller.user.key, 0);
      const responses = await runBatch(steps, async (s) => {
        const q = s.url.indexOf('?');
        const subPath = q === -1 ? s.url : s.url.slice(0, q);
        const query = new URLSearchParams(q === -1 ? '' : s.url.slice(q + 1));
        if (subPath === '/$batch') return { status: 400, headers: {}, body: { error: { code: 'invalidRequest', message: 'A $batch cannot contain another $batch.' } } };
        const f = faults.roll(false);
        if (f === 429 || f === 503) return injected(f);
        const throttled = charge(caller, graphCost(s.method, subPath, query));
        if (throttled) return throttled;
        const r = api.handle({ method: s.method, path: subPath, query, headers: s.headers, body: s.body, caller });
        // The client rebuilds a Response per sub-request from these headers; JSON needs its Content-Type.
        return r.body === undefined ? r : { ...r, headers: { 'Content-Type': JSON_CT, ...r.headers } };
      });
      const withIds = responses.map((r) => (r.body === undefined ? r : { ...r, body: withInnerError(r.body, requestId, clientRequestId) }));
      return reply({ status: 200, headers: { 'Content-Type': JSON_CT }, body: { responses: withIds } });
    }
    const throttled = charge(caller, graphCost(req.method ?? 'GET', path, url.searchParams));
    if (throttled) return reply(throttled);
    reply(api.handle({ method: req.method ?? 'GET', path, query: url.searchParams, headers, body: parsed.value, caller }));
  };

  const serveSp = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const requestId = randomUUID();
    const headers = lowerHeaders(req);
    const fault = faults.roll(true);
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const body = await readBody(req).catch((e: unknown) => e);
    const reply = (r: ApiResponse): void => {
      const payload = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body));
      res.writeHead(r.status, { 'request-id': requestId, SPRequestGuid: requestId, 'Content-Type': JSON_CT, ...(payload ? { 'Content-Length': String(payload.length) } : {}), ...r.headers });
      res.end(payload);
    };
    if (fault !== undefined) return reply(sp.error(injected(fault).status, 'Microsoft.SharePoint.SPServerBusyException', 'The server is busy. Retry later.', headers, { 'Retry-After': String(faults.config.retryAfterSeconds) }));
    if (!(body instanceof Buffer)) return reply(sp.error(413, 'System.ArgumentException', 'The request body is too large.', headers));
    const caller = authenticate(headers);
    if (caller instanceof GraphHttpError) return reply(sp.error(401, 'System.UnauthorizedAccessException', caller.message, headers));
    const parsed = parseJson(body);
    if (!parsed.ok) return reply(sp.error(400, 'Microsoft.SharePoint.Client.InvalidClientQueryException', 'Invalid JSON. The request body is not valid JSON.', headers));
    const method = (headers['x-http-method'] ?? req.method ?? 'GET').toUpperCase();
    const throttled = charge(caller, sp.cost(method, url.pathname));
    if (throttled) return reply(sp.error(429, 'Microsoft.SharePoint.SPRequestThrottledException', throttled.body ? 'The request has been throttled.' : '', headers, throttled.headers));
    reply(sp.handle({ method, path: url.pathname, query: url.searchParams, headers, body: parsed.value, caller }));
  };

  const tokenFor = (user?: string): string => {
    const u = findUser(DEMO_DIRECTORY, user ?? DEMO_DIRECTORY.defaultUser);
    if (!u) throw new Error(`Unknown demo user '${user ?? ''}': use a UPN or short id from DEMO_DIRECTORY (${DEMO_DIRECTORY.users.map((x) => x.id).join(', ')}).`);
    return signToken(store.secret, DEMO_DIRECTORY, u);
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const p = url.pathname;
    if (p === '/v1.0' || p.startsWith('/v1.0/')) return serveGraph(req, res, url);
    if (/^\/sites\/.+\/_api(\/|$)/i.test(p)) return serveSp(req, res, url);
    if (p.startsWith('/_local/')) {
      return serveLocal(req, res, url, {
        tokenFor,
        faults,
        throttle,
        stats: () => stats,
        readBody: async () => (await readBody(req)).toString('utf8'),
      });
    }
    if (options.requestHandler && (await options.requestHandler(req, res))) return;
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`Not found: ${p}\nGraph is served at /v1.0/, the local sign-in page at /_local/signin.\n`);
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    onRequest(req, res).catch((e: unknown) => {
      // An unexpected failure is a service bug: answer 500 in Graph's shape rather than hanging the client.
      if (!res.headersSent) {
        const id = randomUUID();
        res.writeHead(500, { 'Content-Type': JSON_CT, 'request-id': id });
        res.end(JSON.stringify(errorBody('generalException', `Internal error in the local Graph service: ${e instanceof Error ? e.message : String(e)}`, id, undefined)));
      } else res.destroy();
    });
  };

  return {
    handler,
    api,
    faults,
    throttle,
    tokenFor,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
  };
}
