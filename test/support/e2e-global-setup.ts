/**
 * vitest globalSetup of the e2e project: finds and launches the browser once before any e2e file (unpacking the npm
 * Chromium on a first run), prints which browser runs and whether CJK fonts are present, and leaves that line in
 * test-results/browser.txt for the closing summary of `npm test`. A browser that cannot start fails here, once, with
 * the reason, instead of in every file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';

import { launchChromium } from './browser.js';

export default async function setup(): Promise<void> {
  const started = Date.now();
  const { browser, summary } = await launchChromium();
  await browser.close();
  const line = `${summary} (first launch ${((Date.now() - started) / 1000).toFixed(1)} s)`;
  mkdirSync('test-results', { recursive: true });
  writeFileSync('test-results/browser.txt', `${line}\n`);
  process.stdout.write(`\n${line}\n\n`);
}
