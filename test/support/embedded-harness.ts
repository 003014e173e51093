/** Starts `npm start`'s composition (startEmbedded + the web app) on port 0 with its data in `dir`, for tests. */
import { join } from 'node:path';

import { startEmbedded, type Embedded } from '../../src/entries/embedded.js';
import type { Clock } from '../../src/core/ports.js';
import { ensureBuild } from '../../src/entries/web/build.js';
import { createEmbeddedWebApp } from '../../src/entries/web/embedded-app.js';

/**
 * `build: true` makes sure dist/ is current first (as `npm start` does; `npm test` builds before the e2e project, so
 * this is a check). Without it the pages answer whatever dist/ holds.
 */
export async function startEmbeddedApp(dir: string, options: { build?: boolean; clock?: Clock; onTokenMinted?: () => void; oidc?: { accessTokenLifetimeSeconds?: number; refreshTokenLifetimeSeconds?: number } } = {}): Promise<Embedded> {
  if (options.build) await ensureBuild();
  let ready: Embedded | null = null;
  const { build: _build, ...extra } = options;
  ready = await startEmbedded({ dbPath: join(dir, 'followup.db'), port: 0, certDir: join(dir, 'certs'), requestHandler: createEmbeddedWebApp(() => ready), ...extra });
  return ready;
}
