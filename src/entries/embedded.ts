/**
 * The embedded default (#3, #4): the local Graph-compatible service, provisioned and seeded with the sample documents
 * through the same client code that talks to a real tenant (provisionSite + GraphFollowUpStore over Graph).
 * Used by `npm start` and by the end-to-end test of `npm start`'s own composition.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Agent } from 'undici';

import type { ImportResult, Row } from '../core/model/schema.js';
import { secretariatActor } from '../core/permissions/rules.js';
import type { FollowUpStore } from '../core/ports.js';
import { createLocalGraph, faultsFromEnv, throttleFromEnv, type LocalGraph, type LocalGraphOptions } from '../emulator/index.js';
import { createGraphClient, staticTokenProvider, type GraphConnection } from '../graph/create-graph-client.js';
import { openGraphFollowUpStore } from '../graph/graph-follow-up-store.js';
import { assignByRule, importDocuments } from '../graph/import-documents.js';
import { provisionSite } from '../graph/provision.js';
import { importBytes, mergeResults } from '../io/import.js';

export const SAMPLES_DIR = join(import.meta.dirname, '..', '..', 'samples');

/** The demo ministry's divisions (groups of the local directory) that receive 総務省's rows. */
export const DEMO_DIVISIONS = ['div-somu', 'div-kikaku', 'div-gyokan', 'div-jichi', 'div-joho'] as const;

export interface Embedded {
  graph: LocalGraph;
  connection: GraphConnection;
  /** The secretariat's store (site owner). */
  store: FollowUpStore;
  /** The sample documents as imported (the reports the home page lists). */
  samples: ImportResult;
  /** What seeding did on this start: rows created and rows assigned (0 and 0 when the site was already seeded). */
  seeded: { created: number; assigned: number; provisioned: string[] };
  close(): Promise<void>;
}

/** Reads and imports every sample document of the project. */
export function importSamples(dir = SAMPLES_DIR): ImportResult {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  return mergeResults(files.map((f) => importBytes(f, readFileSync(join(dir, f)))));
}

/**
 * Demo ownership of 総務省's rows: 数値 stay with the secretariat (HR updates them, domain.md §8.2), headings are
 * nobody's, every other row goes to a division in turn.
 */
export function demoAssignment(): (row: Row) => string | null {
  let n = 0;
  return (row) => {
    if (row.kind === 'heading' || row.kind === 'indicator') return null;
    return DEMO_DIVISIONS[n++ % DEMO_DIVISIONS.length] ?? null;
  };
}

/**
 * Starts the local service, provisions the demo site (idempotent) and loads the samples (resumable: a restart
 * after an interrupted seed completes it; a report whose import completed is skipped, so rows deleted since stay
 * deleted; an already seeded site costs the look-ups only, 2 per report packed 20 per `$batch`).
 */
export async function startEmbedded(options: Partial<LocalGraphOptions> & { dbPath: string; env?: NodeJS.ProcessEnv }): Promise<Embedded> {
  const env = options.env ?? {};
  const graph = await createLocalGraph({
    faults: faultsFromEnv(env),
    throttle: throttleFromEnv(env),
    ...options,
  });
  const dispatcher = new Agent({ connect: { ca: graph.ca } });
  try {
    const connection = createGraphClient({
      baseUrl: graph.graphUrl,
      tokenProvider: staticTokenProvider(graph.tokenFor()),
      // undici's `dispatcher` extends RequestInit; graph-client copies fetchOptions into every fetch.
      fetchOptions: { dispatcher } as RequestInit,
    });
    const site = `${graph.url}${graph.site.path}`;
    const provision = await provisionSite(connection, site);
    const store = await openGraphFollowUpStore({ connection, site, actor: secretariatActor('大臣官房秘書課') });
    const samples = importSamples();
    const outcomes = await importDocuments(store, samples);
    const failed = outcomes.filter((o) => o.error);
    if (failed.length > 0) {
      throw new Error(`Seeding the demo site failed for ${failed.map((o) => `${o.reportKey}: ${o.error?.message}`).join('; ')}`);
    }
    const created = outcomes.reduce((n, o) => n + (o.summary?.created ?? 0), 0);
    let assigned = 0;
    const soumu = samples.reports.find((r) => r.organizationCode === 'soumu' && r.fiscalYear !== null && r.layout !== 'L-R6-COMPILATION');
    if (soumu?.fiscalYear) {
      const pick = demoAssignment();
      const results = await assignByRule(store, soumu.fiscalYear, 'soumu', (row) => pick(row));
      assigned = results.reduce((n, r) => n + r.assigned.length, 0);
    }
    return {
      graph,
      connection,
      store,
      samples,
      seeded: { created, assigned, provisioned: provision.applied },
      close: async () => {
        await graph.close();
        await dispatcher.close();
      },
    };
  } catch (error) {
    await graph.close();
    await dispatcher.close();
    throw error;
  }
}
