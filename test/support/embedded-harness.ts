/** Starts `npm start`'s composition (startEmbedded + the web app) on port 0 with its data in `dir`, for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';

import { startEmbedded, type Embedded } from '../../src/entries/embedded.js';
import type { Clock } from '../../src/core/ports.js';
import { ensureBuild } from '../../src/entries/web/build.js';
import { createEmbeddedWebApp } from '../../src/entries/web/embedded-app.js';
import { launchChromium } from './browser.js';

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

export interface E2eApp {
  embedded: Embedded;
  browser: Browser;
  /** Stops the browser and the app and removes their folder. */
  close(): Promise<void>;
}

/** An e2e file's app (in a fresh temporary folder named `prefix…`) and its Chromium. */
export async function startE2eApp(prefix: string, options: Parameters<typeof startEmbeddedApp>[1] = {}): Promise<E2eApp> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let embedded: Embedded | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await embedded?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    embedded = await startEmbeddedApp(dir, options);
    ({ browser } = await launchChromium());
    return { embedded, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}
