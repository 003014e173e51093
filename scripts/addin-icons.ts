/**
 * Renders the Excel add-in's icons from manifest/icons/icon.svg into the PNG sizes manifest/manifest.xml declares
 * (16, 32, 64, 80), in headless Chromium. Run after editing the SVG: `node --import tsx scripts/addin-icons.ts`
 * (the PNGs are committed; the build copies them into dist/icons/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { launchChromium } from '../test/support/browser.js';

export const ADDIN_ICON_SIZES = [16, 32, 64, 80] as const;
const dir = join(import.meta.dirname, '..', 'manifest', 'icons');

const { browser } = await launchChromium();
try {
  const svg = readFileSync(join(dir, 'icon.svg'), 'utf8');
  for (const size of ADDIN_ICON_SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg.replace(/width="80" height="80"/, `width="${size}" height="${size}"`)}</body></html>`);
    await page.locator('svg').screenshot({ path: join(dir, `icon-${size}.png`), omitBackground: true });
    await page.close();
    process.stdout.write(`icon-${size}.png: ${size}×${size}\n`);
  }
} finally {
  await browser.close();
}
