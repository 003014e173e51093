/**
 * The one Graph client factory (#4, style guide 11.2): tenant or local service by configuration only.
 *
 * Middleware chain (platform facts B):
 *   AuthenticationHandler → logical counter → RetryMiddleware → attempt counter/observer → TelemetryHandler → fetch
 * The counter before the retry step counts logical requests; the one after counts every network attempt, so the
 * bench can report both. RetryMiddleware applies the one retry policy (./retry.ts) that `$batch` sub-requests and
 * SharePoint REST share; the connection carries that policy and its clock/random (`retry`). The final handler calls
 * an injectable fetch, so the composition root decides how TLS is trusted (the local service's self-signed
 * certificate) without touching globals. No Node API here: the browser bundle uses this file as is.
 */
import { AuthenticationHandler, Client, TelemetryHandler, type AuthenticationProvider, type Context, type FetchOptions, type Middleware } from '@microsoft/microsoft-graph-client';

import { ValidationError } from '../core/errors.js';
import type { TokenProvider } from '../core/ports.js';
import { DEFAULT_RETRY_POLICY, REAL_RUNTIME, type RetryPolicy, type RetryRuntime } from './retry.js';
import { RetryMiddleware } from './retry-middleware.js';

/** The fetch signature the client needs (global fetch and undici's fetch both fit). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** One network attempt as seen on the wire (for tests and diagnostics; never logged with tokens). */
export interface RequestRecord {
  method: string;
  url: string;
  /** Request headers except Authorization. */
  headers: Record<string, string>;
  /** Body as sent when it is a string (JSON); undefined otherwise. */
  body: string | undefined;
  status: number | null;
  ms: number;
}

export interface RequestCounters {
  /** Requests as the code issued them (before the retry step). */
  logical: number;
  /** Network attempts (after the retry step): logical + transparent retries. */
  attempts: number;
  /** SharePoint REST attempts (item permissions, permission levels), counted separately. */
  sharePointRest: number;
}

/** The retry policy of a connection and the clock and randomness it uses (injectable for tests). */
export interface RetrySettings {
  policy: RetryPolicy;
  runtime: RetryRuntime;
}

export interface GraphClientOptions {
  /** Graph root including the version, e.g. `https://graph.microsoft.com/v1.0` or the local service's graphUrl. */
  baseUrl: string;
  tokenProvider: TokenProvider;
  /**
   * Hosts that receive the bearer token besides Graph's. Defaults to the baseUrl's host when it is not a Graph host
   * (AuthenticationHandler drops Authorization for any other host; platform facts B).
   */
  customHosts?: readonly string[];
  /** Copied into every fetch init (e.g. an undici `dispatcher`). */
  fetchOptions?: FetchOptions;
  /** Defaults to the global fetch. */
  fetch?: FetchLike;
  /** The retry policy of every request of this connection (default DEFAULT_RETRY_POLICY, real timers). */
  retry?: { policy?: Partial<RetryPolicy>; runtime?: RetryRuntime };
  /** Called after every network attempt. */
  onRequest?: (record: RequestRecord) => void;
}

export interface GraphConnection {
  client: Client;
  /** `https://host/v1.0` without a trailing slash. */
  baseUrl: string;
  tokenProvider: TokenProvider;
  counters: RequestCounters;
  resetCounters(): void;
  /** The one retry policy: the client's middleware, `$batch` (./batch.ts) and SharePoint REST all follow it. */
  retry: RetrySettings;
  /**
   * Plain fetch for non-Graph endpoints of the same service (SharePoint REST), with the same TLS options, counting
   * and observer; one attempt (callers retry with `sendWithRetries` and `retry`). The caller sets Authorization.
   */
  fetchRaw(url: string, init: RequestInit): Promise<Response>;
}

const GRAPH_HOSTS = new Set(['graph.microsoft.com', 'graph.microsoft.us', 'dod-graph.microsoft.us', 'microsoftgraph.chinacloudapi.cn', 'graph.microsoft.de']);

class CountingHandler implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly onExecute: (context: Context) => void) {}
  async execute(context: Context): Promise<void> {
    this.onExecute(context);
    if (!this.next) throw new Error('CountingHandler: no next middleware');
    await this.next.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

class ObservingHandler implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly observe: (context: Context, ms: number) => void) {}
  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('ObservingHandler: no next middleware');
    const started = Date.now();
    try {
      await this.next.execute(context);
    } finally {
      this.observe(context, Date.now() - started);
    }
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** Last handler: performs the request with the injected fetch (HTTPMessageHandler always uses the global one). */
class FetchHandler implements Middleware {
  constructor(private readonly fetchImpl: FetchLike) {}
  async execute(context: Context): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    context.response = await this.fetchImpl(url, (context.options ?? {}) as RequestInit);
  }
}

function headersOf(init: { headers?: unknown } | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const h = init?.headers;
  if (!h) return out;
  const entries: [string, string][] = h instanceof Headers ? [...h.entries()] : Array.isArray(h) ? (h as [string, string][]) : Object.entries(h as Record<string, string>);
  for (const [k, v] of entries) if (k.toLowerCase() !== 'authorization') out[k] = String(v);
  return out;
}

/** Splits `https://host/v1.0` into the client's baseUrl (`https://host/`) and version (`v1.0`). @throws ValidationError */
export function splitBaseUrl(baseUrl: string): { root: string; version: string; normalized: string } {
  const u = new URL(baseUrl);
  if (u.protocol !== 'https:') {
    // graph-client only recognises absolute https:// URLs (nextLinks) and only sends tokens over https (facts B).
    throw new ValidationError([{ field: 'baseUrl', value: baseUrl, reason: `Graph base URL must use https: ${baseUrl}` }]);
  }
  const segments = u.pathname.split('/').filter(Boolean);
  if (segments.length !== 1) {
    // The client takes the first path segment after the host as the version when it follows absolute nextLinks.
    throw new ValidationError([{ field: 'baseUrl', value: baseUrl, reason: `Graph base URL must be the service root plus a version (https://host/v1.0), got ${baseUrl}` }]);
  }
  const version = segments[0] as string;
  return { root: `${u.origin}/`, version, normalized: `${u.origin}/${version}` };
}

/**
 * Builds the Graph client once for a surface.
 * @example createGraphClient({ baseUrl: 'https://graph.microsoft.com/v1.0', tokenProvider })
 */
export function createGraphClient(options: GraphClientOptions): GraphConnection {
  const { root, version, normalized } = splitBaseUrl(options.baseUrl);
  const host = new URL(normalized).hostname;
  const customHosts = new Set(options.customHosts ?? (GRAPH_HOSTS.has(host) ? [] : [host]));
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const counters: RequestCounters = { logical: 0, attempts: 0, sharePointRest: 0 };
  const retry: RetrySettings = { policy: { ...DEFAULT_RETRY_POLICY, ...options.retry?.policy }, runtime: options.retry?.runtime ?? REAL_RUNTIME };

  const authProvider: AuthenticationProvider = { getAccessToken: () => options.tokenProvider.getToken({ resource: 'graph' }) };
  const observe = (method: string, url: string, init: RequestInit | undefined, status: number | null, ms: number): void => {
    options.onRequest?.({ method, url, headers: headersOf(init as { headers?: unknown }), body: typeof init?.body === 'string' ? init.body : undefined, status, ms });
  };

  const chain: Middleware[] = [
    new AuthenticationHandler(authProvider),
    new CountingHandler(() => {
      counters.logical++;
    }),
    new RetryMiddleware(() => retry),
    new ObservingHandler((context, ms) => {
      counters.attempts++;
      const url = typeof context.request === 'string' ? context.request : context.request.url;
      observe(String(context.options?.method ?? 'GET'), url, context.options as RequestInit | undefined, context.response?.status ?? null, ms);
    }),
    new TelemetryHandler(),
    new FetchHandler(fetchImpl),
  ];
  const client = Client.initWithMiddleware({
    middleware: chain,
    baseUrl: root,
    defaultVersion: version,
    customHosts,
    ...(options.fetchOptions ? { fetchOptions: options.fetchOptions } : {}),
  });

  const fetchRaw = async (url: string, init: RequestInit): Promise<Response> => {
    counters.sharePointRest++;
    const started = Date.now();
    const fullInit = { ...(options.fetchOptions as RequestInit | undefined), ...init };
    let status: number | null = null;
    try {
      const res = await fetchImpl(url, fullInit);
      status = res.status;
      return res;
    } finally {
      observe(String(init.method ?? 'GET'), url, fullInit, status, Date.now() - started);
    }
  };

  return {
    client,
    baseUrl: normalized,
    tokenProvider: options.tokenProvider,
    counters,
    retry,
    resetCounters: () => {
      counters.logical = 0;
      counters.attempts = 0;
      counters.sharePointRest = 0;
    },
    fetchRaw,
  };
}

/** A TokenProvider returning fixed tokens (local service, tests, `GRAPH_TOKEN`). */
export function staticTokenProvider(graphToken: string, sharePointToken: string = graphToken): TokenProvider {
  return { getToken: (request) => Promise.resolve(request.resource === 'graph' ? graphToken : sharePointToken) };
}
