/** Starts `npm start`'s composition (startEmbedded + the web app) on port 0 with its data in `dir`, for tests. */
import { join } from 'node:path';

import { startEmbedded, type Embedded } from '../../src/entries/embedded.js';
import { createWebApp } from '../../src/entries/web/pages.js';
import { DEMO_DIRECTORY } from '../../src/emulator/index.js';

export async function startEmbeddedApp(dir: string): Promise<Embedded> {
  let ready: Embedded | null = null;
  const handler = createWebApp(() =>
    ready ? { store: ready.store, samples: ready.samples, directory: DEMO_DIRECTORY, urls: { web: `${ready.graph.url}/`, graph: ready.graph.graphUrl, site: `${ready.graph.url}${ready.graph.site.path}`, signin: '/_local/signin' } } : null,
  );
  ready = await startEmbedded({ dbPath: join(dir, 'followup.db'), port: 0, certDir: join(dir, 'certs'), requestHandler: handler });
  return ready;
}
