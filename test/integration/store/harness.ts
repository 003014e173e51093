// One local Graph service per test file, and Graph store instances over it (#4).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Agent } from 'undici';

import type { Actor } from '../../../src/core/permissions/rules.js';
import { secretariatActor } from '../../../src/core/permissions/rules.js';
import { createLocalGraph, type LocalGraph, type LocalGraphOptions } from '../../../src/emulator/index.js';
import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import { createGraphClient, staticTokenProvider, type FetchLike, type GraphConnection, type RequestRecord } from '../../../src/graph/create-graph-client.js';
import { openGraphFollowUpAdmin, type GraphFollowUpAdmin, type GraphFollowUpAdminOptions } from '../../../src/graph/graph-follow-up-store.js';
import type { RetryPolicy, RetryRuntime } from '../../../src/graph/retry.js';
import { provisionSite } from '../../../src/graph/provision.js';

export interface ConnectOptions {
  onRequest?: (r: RequestRecord) => void;
  /** Wraps the real fetch (to lose answers, simulate a crash…). */
  wrapFetch?: (real: FetchLike) => FetchLike;
  /** The connection's retry policy and runtime (default FAST_RETRY, real timers). */
  retry?: { policy?: Partial<RetryPolicy>; runtime?: RetryRuntime };
}

export interface StoreHarness {
  graph: LocalGraph;
  /** Every network attempt of every connection made by this harness. */
  records: RequestRecord[];
  connect(user?: string, options?: ConnectOptions): GraphConnection;
  /** Provisions the site as the secretariat. */
  provision(): ReturnType<typeof provisionSite>;
  /** A store for `user` (the surface operations, plus the secretariat's: only the secretariat may use those). */
  open(user?: string, actor?: Actor, options?: Partial<GraphFollowUpAdminOptions>, connect?: ConnectOptions): Promise<{ store: GraphFollowUpAdmin; connection: GraphConnection }>;
  siteUrl: string;
  close(): Promise<void>;
}

/** Actors of the demo directory (src/emulator/directory.ts). */
export const ACTORS: Record<string, Actor> = {
  sato: secretariatActor('佐藤 花子'),
  suzuki: { displayName: '鈴木 一郎', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-somu' }] },
  tanaka: { displayName: '田中 誠', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-kikaku' }] },
  takahashi: { displayName: '高橋 健一', isSecretariat: false, reviewerOf: ['soumu'], divisions: [] },
};

/** Test policy: the default's 6 attempts, waits of milliseconds (the service's Retry-After of 1 s would exceed 2 s). */
export const FAST_RETRY: RetryPolicy = { maxAttempts: 6, maxTotalWaitMs: 2_000, baseDelayMs: 5, maxDelayMs: 50, jitterRatio: 0.2 };

export async function startStoreHarness(options: Partial<LocalGraphOptions> = {}): Promise<StoreHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'store-int-'));
  const graph = await createLocalGraph({ dbPath: ':memory:', port: 0, certDir: join(dir, 'certs'), ...options });
  const dispatcher = new Agent({ connect: { ca: graph.ca } });
  const records: RequestRecord[] = [];
  const realFetch: FetchLike = (url, init) => fetch(url, init);
  const connect = (user?: string, o: ConnectOptions = {}): GraphConnection =>
    createGraphClient({
      ...(o.wrapFetch ? { fetch: o.wrapFetch(realFetch) } : {}),
      baseUrl: graph.graphUrl,
      tokenProvider: staticTokenProvider(graph.tokenFor(user)),
      // `dispatcher` is undici's extension of RequestInit; graph-client copies fetchOptions into every fetch init.
      fetchOptions: { dispatcher } as unknown as FetchOptions,
      retry: o.retry ?? { policy: FAST_RETRY },
      onRequest: (r) => {
        records.push(r);
        o.onRequest?.(r);
      },
    });
  const siteUrl = `${graph.url}/sites/followup`;
  return {
    graph,
    records,
    connect,
    provision: () => provisionSite(connect(), siteUrl),
    siteUrl,
    open: async (user, actor, extra = {}, connectOptions = {}) => {
      const connection = connect(user, connectOptions);
      const store = await openGraphFollowUpAdmin({ connection, site: siteUrl, actor: actor ?? ACTORS[user ?? 'sato'] ?? ACTORS.sato!, ...extra });
      return { store, connection };
    },
    close: async () => {
      await graph.close();
      await dispatcher.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Write requests (POST/PATCH/DELETE) in recorded traffic, counting each `$batch` sub-request on its own. */
export function writesIn(records: readonly RequestRecord[]): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = [];
  for (const r of records) {
    if (r.url.endsWith('/$batch')) {
      const body = JSON.parse(r.body ?? '{"requests":[]}') as { requests: { method: string; url: string }[] };
      for (const s of body.requests) if (s.method !== 'GET') out.push({ method: s.method, url: s.url });
    } else if (r.method !== 'GET') out.push({ method: r.method, url: r.url });
  }
  return out;
}
