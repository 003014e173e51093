/** The fake office.js for the browser (fake-office-page.ts bundled by esbuild into one IIFE script). */
import { join } from 'node:path';

import { buildSync } from 'esbuild';

export function fakeOfficeScript(): string {
  const out = buildSync({ entryPoints: [join(import.meta.dirname, 'fake-office-page.ts')], bundle: true, format: 'iife', target: 'es2022', write: false, platform: 'browser' });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild wrote no fake office.js');
  return file.text;
}
