/**
 * The HTTP side of the local Graph service (#3): one request handler that routes Graph (`/v1.0`, `$batch`),
 * SharePoint REST (`/sites/…/_api`), the local pages (`/_local/…`) and anything else to the app, with
 * authentication, fault injection, throttling, request statistics and Graph-shaped errors.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { DEMO_DIRECTORY, findUser } from '../directory.js';
import { errorBody, GraphHttpError } from '../errors.js';
import { createOidcProvider, type OidcProvider } from '../oidc/provider.js';
import { serveLocal } from '../pages/local.js';
import { PermissionKind } from '../store/roles.js';
import type { LocalGraphStore } from '../store/store.js';
import type { Caller } from '../store/types.js';
import { GRAPH_AUDIENCE, localTokenIssuer, signToken, TokenVerifier } from '../tokens.js';
import { parseBatch, runBatch } from './batch.js';
import { discardBody, malformedPercentEncoding, parseJsonBody, readBody } from './body.js';
import { type FaultConfig, FaultInjector, Throttle, type ThrottleSetting } from './faults.js';
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
  throttle?: ThrottleSetting | false;
  /** The throttle's clock (ms); default Date.now. The deadline-day simulation runs it on virtual time. */
  throttleClock?: () => number;
  pageSize?: number;
  requestHandler?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
  /** The identity provider's token lifetimes (#13; tests use short ones). */
  oidc?: { accessTokenLifetimeSeconds?: number; refreshTokenLifetimeSeconds?: number };
}

export interface LocalGraphHttp {
  handler(req: IncomingMessage, res: ServerResponse): void;
  api: GraphApi;
  faults: FaultInjector;
  throttle: Throttle;
  tokenFor(user?: string): string;
  /** The OpenID Connect identity provider at Entra's URL shapes (#13). */
  oidc: OidcProvider;
  stats(): LocalGraphStats;
  resetStats(): void;
}

const JSON_CT = 'application/json; charset=utf-8';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Who a request comes from, for seeded fault streams: the token's user (oid, else upn/sub, else app) read from the
 * JWT payload without verifying it (faults are rolled before authentication), so a caller keeps its stream across
 * token renewals and runs; the header itself when it is not a JWT.
 */
function faultStream(authorization: string | undefined): string {
  const token = (authorization ?? '').replace(/^Bearer\s+/i, '');
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const who = claims.oid ?? claims.upn ?? claims.sub ?? claims.appid ?? claims.azp;
    if (typeof who === 'string') return who;
  } catch {
    // Not a JWT: the header stands for the caller.
  }
  return authorization ?? '';
}

function lowerHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Builds the request handler over a store; `origin()` gives `https://localhost:PORT` once the server listens. */
export function createHttpHandler(store: LocalGraphStore, origin: () => string, options: HttpOptions): LocalGraphHttp {
  const faults = new FaultInjector(options.faults ?? {});
  const throttle = new Throttle(options.throttle ?? false, options.throttleClock);
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
  // signature check and claim validation per request is avoidable work. Failures are never cached.
  const verified = new Map<string, { caller: Caller; exp: number; aud: string }>();
  const oidc = createOidcProvider({ db: store.db, directory: DEMO_DIRECTORY, origin, secret: store.secret, ...(options.oidc ?? {}) });
  const local = localTokenIssuer(store.secret, DEMO_DIRECTORY.tenantId);
  // Two issuers, one verifier: the HS256 tokens of the local sign-in and the RS256 tokens of the identity provider.
  const verifier = new TokenVerifier(() => [local, oidc.trustedIssuer()]);
  /** Graph takes Graph tokens; SharePoint REST also takes tokens for its own origin (as SharePoint Online does). */
  const authenticate = async (headers: Record<string, string | undefined>, audiences: readonly string[] = [GRAPH_AUDIENCE]): Promise<Caller | GraphHttpError> => {
    const auth = headers.authorization;
    if (!auth) return new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) return new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure. The Authorization header must be "Bearer <token>".');
    const token = m[1] as string;
    const now = Math.floor(Date.now() / 1000);
    const hit = verified.get(token);
    if (hit !== undefined && audiences.includes(hit.aud)) {
      if (hit.exp > now) return hit.caller;
      verified.delete(token);
    }
    const v = await verifier.verify(token, now, audiences);
    if (!v.ok) return new GraphHttpError(401, 'InvalidAuthenticationToken', `Access token validation failure. ${v.reason}`);
    const user = store.principals.callerByUpn(v.claims.upn);
    if (!user) return new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure. The user in the token is not in the directory.');
    // The delegated scopes travel with the caller (#13): enforced per request, also inside $batch and on SharePoint REST.
    const claims = v.claims as typeof v.claims & { azp?: unknown; appid?: unknown };
    const appId = typeof claims.azp === 'string' ? claims.azp : typeof claims.appid === 'string' ? claims.appid : null;
    const caller: Caller = { ...user, scopes: { scp: new Set(String(v.claims.scp ?? '').split(' ').filter((x) => x !== '')), appId } };
    if (verified.size >= 10_000) verified.clear();
    verified.set(token, { caller, exp: v.claims.exp, aud: v.claims.aud });
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

  /**
   * Charges a request to the caller's budget: a 429 response when exhausted, else the RateLimit headers the answer
   * carries (none below 80 % of the budget).
   */
  const charge = (caller: Caller, cost: number): { refused: ApiResponse } | { headers: Record<string, string> } => {
    const { retryAfter, rateLimit } = throttle.chargeWithHeaders(caller.user.key, cost);
    if (retryAfter === undefined) {
      count(caller.user.key, cost);
      return { headers: { ...rateLimit } };
    }
    count(caller.user.key, 0);
    stats.throttled++;
    const whose = throttle.config !== false && throttle.config.scope === 'app' ? 'the app' : caller.user.key;
    return { refused: { status: 429, headers: { 'Retry-After': String(retryAfter), ...rateLimit }, body: { error: { code: 'activityLimitReached', message: `The request has been throttled: the resource-unit budget of ${whose} is exhausted. Retry after ${retryAfter} seconds.` } } } };
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

  /** Runs one Graph request (a whole request or a `$batch` step); an unexpected failure becomes a generic 500. */
  const handleGraph = (method: string, path: string, query: URLSearchParams, headers: Record<string, string | undefined>, body: unknown, caller: Caller, requestId: string): ApiResponse => {
    try {
      return api.handle({ method, path, query, headers, body, caller });
    } catch (e) {
      return internalError(e, requestId);
    }
  };

  const serveGraph = async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> => {
    const headers = lowerHeaders(req);
    const clientRequestId = headers['client-request-id'];
    const reply = (r: ApiResponse): void => send(res, r, requestId, clientRequestId);
    const fail = (e: GraphHttpError): void => reply({ status: e.status, headers: e.headers, body: { error: { code: e.code, message: e.message } } });
    const stream = faultStream(headers.authorization);
    const fault = faults.roll(true, stream);
    if (fault === 'drop') {
      // Dropped before handling: nothing was written (documented choice; SharePoint may also commit then drop).
      req.socket.destroy();
      return;
    }
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (fault !== undefined) {
      discardBody(req);
      return reply(injected(fault));
    }
    // The token is checked before the body is read: an anonymous client cannot make the service buffer anything.
    const caller = await authenticate(headers);
    if (caller instanceof GraphHttpError) {
      discardBody(req);
      return fail(caller);
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (e) {
      if (e instanceof GraphHttpError) return fail(e);
      throw e;
    }
    const parsed = parseJsonBody(body);
    if (!parsed.ok) return fail(parsed.error);
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
      // The outer answer carries the last RateLimit headers a step got (what a browser's fetch can read).
      let batchRateLimit: Record<string, string> = {};
      // Each step answers for itself, as in Graph: a failing step gets its own status, the batch answers 200.
      const responses = await runBatch(steps, (s) => {
        const q = s.url.indexOf('?');
        const subPath = q === -1 ? s.url : s.url.slice(0, q);
        const query = new URLSearchParams(q === -1 ? '' : s.url.slice(q + 1));
        if (subPath === '/$batch') return Promise.resolve({ status: 400, headers: {}, body: { error: { code: 'invalidRequest', message: 'A $batch cannot contain another $batch.' } } });
        const f = faults.roll(false, stream);
        if (f === 429 || f === 503) return Promise.resolve(injected(f));
        const charged = charge(caller, graphCost(s.method, subPath, query));
        if ('refused' in charged) {
          batchRateLimit = { ...batchRateLimit, ...charged.refused.headers };
          delete batchRateLimit['Retry-After'];
          return Promise.resolve(charged.refused);
        }
        if (Object.keys(charged.headers).length > 0) batchRateLimit = charged.headers;
        const r = handleGraph(s.method, subPath, query, s.headers, s.body, caller, requestId);
        // The client rebuilds a Response per sub-request from these headers; JSON needs its Content-Type.
        return Promise.resolve(r.body === undefined ? { ...r, headers: { ...charged.headers, ...r.headers } } : { ...r, headers: { 'Content-Type': JSON_CT, ...charged.headers, ...r.headers } });
      });
      const withIds = responses.map((r) => (r.body === undefined ? r : { ...r, body: withInnerError(r.body, requestId, clientRequestId) }));
      return reply({ status: 200, headers: { 'Content-Type': JSON_CT, ...batchRateLimit }, body: { responses: withIds } });
    }
    const charged = charge(caller, graphCost(req.method ?? 'GET', path, url.searchParams));
    if ('refused' in charged) return reply(charged.refused);
    const answer = handleGraph(req.method ?? 'GET', path, url.searchParams, headers, parsed.value, caller, requestId);
    reply({ ...answer, headers: { ...charged.headers, ...answer.headers } });
  };

  const serveSp = async (req: IncomingMessage, res: ServerResponse, url: URL, requestId: string): Promise<void> => {
    const headers = lowerHeaders(req);
    const fault = faults.roll(true, faultStream(headers.authorization));
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const reply = (r: ApiResponse): void => {
      const payload = r.body === undefined ? undefined : Buffer.from(JSON.stringify(r.body));
      res.writeHead(r.status, { 'request-id': requestId, SPRequestGuid: requestId, 'Content-Type': JSON_CT, ...(payload ? { 'Content-Length': String(payload.length) } : {}), ...r.headers });
      res.end(payload);
    };
    if (fault !== undefined) {
      discardBody(req);
      return reply(sp.error(injected(fault).status, 'Microsoft.SharePoint.SPServerBusyException', 'The server is busy. Retry later.', headers, { 'Retry-After': String(faults.config.retryAfterSeconds) }));
    }
    const caller = await authenticate(headers, [GRAPH_AUDIENCE, origin()]);
    if (caller instanceof GraphHttpError) {
      discardBody(req);
      return reply(sp.error(401, 'System.UnauthorizedAccessException', caller.message, headers));
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (e) {
      if (e instanceof GraphHttpError) return reply(sp.error(e.status, 'System.ArgumentException', e.message, headers));
      throw e;
    }
    const parsed = parseJsonBody(body);
    if (!parsed.ok) return reply(sp.error(400, 'Microsoft.SharePoint.Client.InvalidClientQueryException', `Invalid JSON. ${parsed.error.message}`, headers));
    const method = (headers['x-http-method'] ?? req.method ?? 'GET').toUpperCase();
    const charged = charge(caller, sp.cost(method, url.pathname));
    if ('refused' in charged) return reply(sp.error(429, 'Microsoft.SharePoint.SPRequestThrottledException', 'The request has been throttled.', headers, charged.refused.headers));
    let r: ApiResponse;
    try {
      r = sp.handle({ method, path: url.pathname, query: url.searchParams, headers, body: parsed.value, caller });
    } catch (e) {
      const internal = internalError(e, requestId);
      r = sp.error(500, 'Microsoft.SharePoint.SPException', (internal.body as { error: { message: string } }).error.message, headers);
    }
    reply({ ...r, headers: { ...charged.headers, ...r.headers } });
  };

  const tokenFor = (user?: string): string => {
    const u = findUser(DEMO_DIRECTORY, user ?? DEMO_DIRECTORY.defaultUser);
    if (!u) throw new Error(`Unknown demo user '${user ?? ''}': use a UPN or short id from DEMO_DIRECTORY (${DEMO_DIRECTORY.users.map((x) => x.id).join(', ')}).`);
    return signToken(store.secret, DEMO_DIRECTORY, u);
  };

  /** The caller may change the service's own settings: site owners (manage permissions on the demo site). */
  const isSiteOwner = (caller: Caller): boolean => {
    return store.permissions.can(caller, PermissionKind.ManagePermissions, store.sites.firstSite());
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> => {
    const raw = req.url ?? '/';
    // Parse the target as a path on our origin: `//host/x` must stay a path, never become another authority.
    const url = new URL(`https://localhost${raw.startsWith('/') ? '' : '/'}${raw}`);
    const p = url.pathname;
    const bad = malformedPercentEncoding(p);
    if (bad !== undefined) {
      discardBody(req);
      return send(res, { status: 400, headers: {}, body: { error: { code: 'invalidRequest', message: `The URL path has a malformed percent-encoding at '${bad}'.` } } }, requestId, undefined);
    }
    if (p === '/v1.0' || p.startsWith('/v1.0/')) return serveGraph(req, res, url, requestId);
    if (/^\/sites\/.+\/_api(\/|$)/i.test(p)) return serveSp(req, res, url, requestId);
    if (p.startsWith('/_local/')) {
      return serveLocal(req, res, url, {
        tokenFor,
        faults,
        throttle,
        stats: () => stats,
        authenticate: (r) => authenticate(lowerHeaders(r)),
        isSiteOwner,
        requestId,
      });
    }
    if (await oidc.handle(req, res, url, requestId)) return;
    if (options.requestHandler && (await options.requestHandler(req, res))) return;
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end(`Not found.\nGraph is served at /v1.0/, the local sign-in page at /_local/signin.\n`);
  };

  /** A generic 500 for an unexpected failure: the request id for the client, the internals for stderr only. */
  const internalError = (e: unknown, requestId: string): ApiResponse => {
    process.stderr.write(`local Graph service: internal error in request ${requestId}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return { status: 500, headers: {}, body: { error: { code: 'generalException', message: `An internal error occurred in the local Graph service (request-id ${requestId}).` } } };
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID();
    onRequest(req, res, requestId).catch((e: unknown) => {
      // The top-level guard: whatever escaped becomes a generic 500 with the request id, never a stack trace.
      const r = internalError(e, requestId);
      if (!res.headersSent) {
        discardBody(req);
        send(res, r, requestId, undefined);
      } else res.destroy();
    });
  };

  return {
    handler,
    api,
    faults,
    throttle,
    tokenFor,
    oidc,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
    },
  };
}
