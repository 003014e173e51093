// One local Graph service per test file, and GraphFollowUpStore instances over it (#4).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Agent } from 'undici';

import type { Actor } from '../../../src/core/permissions/rules.js';
import { secretariatActor } from '../../../src/core/permissions/rules.js';
import { createLocalGraph, type LocalGraph, type LocalGraphOptions } from '../../../src/emulator/index.js';
import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import { createGraphClient, staticTokenProvider, type GraphConnection, type RequestRecord } from '../../../src/graph/create-graph-client.js';
import { openGraphFollowUpStore, type GraphFollowUpStore, type GraphFollowUpStoreOptions } from '../../../src/graph/graph-follow-up-store.js';
import { provisionSite } from '../../../src/graph/provision.js';

export interface StoreHarness {
  graph: LocalGraph;
  /** Every network attempt of every connection made by this harness. */
  records: RequestRecord[];
  connect(user?: string, options?: { onRequest?: (r: RequestRecord) => void }): GraphConnection;
  /** Provisions the site as the secretariat. */
  provision(): ReturnType<typeof provisionSite>;
  open(user?: string, actor?: Actor, options?: Partial<GraphFollowUpStoreOptions>): Promise<{ store: GraphFollowUpStore; connection: GraphConnection }>;
  close(): Promise<void>;
}

/** Actors of the demo directory (src/emulator/directory.ts). */
export const ACTORS: Record<string, Actor> = {
  sato: secretariatActor('佐藤 花子'),
  suzuki: { displayName: '鈴木 一郎', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-somu' }] },
  tanaka: { displayName: '田中 誠', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-kikaku' }] },
  takahashi: { displayName: '高橋 健一', isSecretariat: false, reviewerOf: ['soumu'], divisions: [] },
};

export const FAST_RETRY = { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 50, jitterRatio: 0.2 };

export async function startStoreHarness(options: Partial<LocalGraphOptions> = {}): Promise<StoreHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'store-int-'));
  const graph = await createLocalGraph({ dbPath: ':memory:', port: 0, certDir: join(dir, 'certs'), ...options });
  const dispatcher = new Agent({ connect: { ca: graph.ca } });
  const records: RequestRecord[] = [];
  const connect = (user?: string, o: { onRequest?: (r: RequestRecord) => void } = {}): GraphConnection =>
    createGraphClient({
      baseUrl: graph.graphUrl,
      tokenProvider: staticTokenProvider(graph.tokenFor(user)),
      // `dispatcher` is undici's extension of RequestInit; graph-client copies fetchOptions into every fetch init.
      fetchOptions: { dispatcher } as unknown as FetchOptions,
      retry: { delaySeconds: 0, maxRetries: 8 },
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
    open: async (user, actor, extra = {}) => {
      const connection = connect(user);
      const store = await openGraphFollowUpStore({ connection, site: siteUrl, actor: actor ?? ACTORS[user ?? 'sato'] ?? ACTORS.sato!, batch: { policy: FAST_RETRY }, ...extra });
      return { store, connection };
    },
    close: async () => {
      await graph.close();
      await dispatcher.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
