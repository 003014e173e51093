// Starts the local Graph service in-process and builds the official Graph client against it (#3).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, type FetchOptions } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';

import { createLocalGraph } from '../../src/emulator/index.js';

export type LocalGraphOptions = Parameters<typeof createLocalGraph>[0];
export type LocalGraph = Awaited<ReturnType<typeof createLocalGraph>>;

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
}

export interface RawRequest {
  /** Bearer token; default = the site owner's; `null` sends no Authorization header. */
  token?: string | null;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings are sent verbatim (for malformed-JSON tests). */
  body?: unknown;
}

export interface LocalGraphHarness {
  graph: LocalGraph;
  /** Graph client for the site owner (secretariat), default middleware chain. */
  client: Client;
  /** `/sites/{composite-id}`, relative to the version root. */
  sitePath: string;
  /** Graph client for another directory user (short id, e.g. `suzuki`). */
  clientAs(user: string): Client;
  /** Graph client whose auth provider returns `getToken()` (for bad/forged tokens). */
  clientWithToken(getToken: () => string): Client;
  /** Plain fetch through the same TLS trust; a path starting with `/` is relative to `graphUrl`. */
  raw(method: string, pathOrUrl: string, request?: RawRequest): Promise<RawResponse>;
  close(): Promise<void>;
}

/**
 * Builds a Graph client exactly as the product does: default middleware, `baseUrl` = service root,
 * `customHosts` = the service's host name so the AuthenticationHandler keeps the bearer token.
 * The only addition is the undici dispatcher that trusts the service's self-signed certificate.
 */
export function createClient(url: string, dispatcher: Agent, getToken: () => string): Client {
  return Client.initWithMiddleware({
    authProvider: { getAccessToken: () => Promise.resolve(getToken()) },
    baseUrl: `${url}/`,
    customHosts: new Set([new URL(url).hostname]),
    // `dispatcher` is an undici extension of RequestInit; graph-client copies fetchOptions into fetch()'s init.
    fetchOptions: { dispatcher } as unknown as FetchOptions,
  });
}

/** Starts an in-memory service on a free port with a fresh certificate directory. */
export async function startLocalGraph(options: Partial<LocalGraphOptions> = {}): Promise<LocalGraphHarness> {
  const certDir = mkdtempSync(join(tmpdir(), 'graph-conformance-'));
  const graph = await createLocalGraph({ dbPath: ':memory:', port: 0, certDir, ...options } as LocalGraphOptions);
  const dispatcher = new Agent({ connect: { ca: graph.ca } });
  const ownerToken = graph.tokenFor();
  const clientAs = (user: string): Client => {
    const token = graph.tokenFor(user);
    return createClient(graph.url, dispatcher, () => token);
  };
  const raw = async (method: string, pathOrUrl: string, request: RawRequest = {}): Promise<RawResponse> => {
    const headers: Record<string, string> = { ...request.headers };
    const token = request.token === undefined ? ownerToken : request.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const target = pathOrUrl.startsWith('/') ? `${graph.graphUrl}${pathOrUrl}` : pathOrUrl;
    const init = { method, headers, body, dispatcher } as unknown as RequestInit;
    const res = await fetch(target, init);
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON (e.g. an HTML error page): the caller asserts on `text` instead.
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    graph,
    client: createClient(graph.url, dispatcher, () => ownerToken),
    sitePath: `/sites/${graph.site.id}`,
    clientAs,
    clientWithToken: (getToken) => createClient(graph.url, dispatcher, getToken),
    raw,
    close: async () => {
      await graph.close();
      await dispatcher.close();
      rmSync(certDir, { recursive: true, force: true });
    },
  };
}
