/**
 * Renders the Teams app icons from their SVG sources (appPackage/icons/*.svg) into the PNGs the package ships
 * (appPackage/color.png 192×192, appPackage/outline.png 32×32 white on transparent), in headless Chromium.
 * Run after editing an SVG: `node --import tsx scripts/teams-icons.ts` (the PNGs are committed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { launchChromium } from '../test/support/browser.js';

const dir = join(import.meta.dirname, '..', 'appPackage');
const ICONS = [
  { svg: 'icons/color.svg', png: 'color.png', size: 192 },
  { svg: 'icons/outline.svg', png: 'outline.png', size: 32 },
] as const;

const { browser } = await launchChromium();
try {
  for (const icon of ICONS) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size }, deviceScaleFactor: 1 });
    const svg = readFileSync(join(dir, icon.svg), 'utf8');
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: join(dir, icon.png), omitBackground: true });
    await page.close();
    process.stdout.write(`${icon.png}: ${icon.size}×${icon.size}\n`);
  }
} finally {
  await browser.close();
}
