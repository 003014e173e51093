/**
 * A provisioned local site for the CLI's integration tests: an in-process local Graph service (in memory, its own
 * certificates in a temporary folder), the CA file a child `followup` process trusts, the secretariat's admin store,
 * and `followup(args, user?)` running bin/followup.mjs against it as `user` (the secretariat by default).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';

import { secretariatActor } from '../../src/core/permissions/rules.js';
import { createLocalGraph, type LocalGraph } from '../../src/emulator/index.js';
import { createGraphClient, staticTokenProvider, type GraphConnection } from '../../src/graph/create-graph-client.js';
import { openGraphFollowUpAdmin, type GraphFollowUpAdmin } from '../../src/graph/graph-follow-up-store.js';
import { provisionSite } from '../../src/graph/provision.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliSite {
  graph: LocalGraph;
  /** The temporary folder (certificates, CA file; tests may write their files here). */
  dir: string;
  caFile: string;
  dispatcher: Agent;
  /** The secretariat's Graph connection. */
  connection: GraphConnection;
  admin: GraphFollowUpAdmin;
  followup(args: string[], user?: string): Promise<CliRun>;
  close(): Promise<void>;
}

export async function startCliSite(prefix: string): Promise<CliSite> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const graph = await createLocalGraph({ dbPath: ':memory:', port: 0, certDir: join(dir, 'certs') });
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, graph.ca);
  const dispatcher = new Agent({ connect: { ca: graph.ca } });
  const connection = createGraphClient({ baseUrl: graph.graphUrl, tokenProvider: staticTokenProvider(graph.tokenFor()), fetchOptions: { dispatcher } as unknown as FetchOptions });
  await provisionSite(connection, `${graph.url}/sites/followup`);
  const admin = await openGraphFollowUpAdmin({ connection, site: `${graph.url}/sites/followup`, actor: secretariatActor() });
  return {
    graph,
    dir,
    caFile,
    dispatcher,
    connection,
    admin,
    followup(args, user) {
      const env = { ...process.env, GRAPH_BASE_URL: graph.graphUrl, GRAPH_TOKEN: graph.tokenFor(user), GRAPH_CA_FILE: caFile };
      return new Promise((resolve) => {
        execFile(process.execPath, ['bin/followup.mjs', ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
        });
      });
    },
    async close() {
      await graph.close();
      await dispatcher.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
