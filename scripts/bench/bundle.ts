/**
 * Bundle benchmark (#10): the JavaScript each browser page loads before it can paint (its webpack entrypoint:
 * runtime, shared vendor chunks, the entry), raw and gzipped (level 9), against the tab's budget (300 KB gzipped;
 * aim 200), and the lazy chunks loaded later (Graph client and store after sign-in, teams-js inside Teams only).
 * Builds dist/ first when it is missing or stale. Writes bench-results/bundle.json; never asserts.
 * Run alone: `node --import tsx scripts/bench/bundle.ts`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

import { DIST_DIR, ensureBuild, readBuildInfo, ROOT_DIR } from '../../src/entries/web/build.js';

const BUDGET_KB = 300;
const AIM_KB = 200;
const kb = (bytes: number): number => Math.round((bytes / 1024) * 10) / 10;

export interface BundleFigures {
  pages: Record<string, { initialJsFiles: number; initialKb: number; initialGzipKb: number }>;
  lazy: { file: string; kb: number; gzipKb: number }[];
  budgetGzipKb: number;
  aimGzipKb: number;
  tabWithinBudget: boolean;
  tabWithinAim: boolean;
}

export async function runBundleBench(): Promise<BundleFigures> {
  const build = await ensureBuild({ log: (l) => process.stdout.write(l) });
  if (build.built) process.stdout.write(`(built dist/: ${build.reason})\n`);
  const info = readBuildInfo();
  if (!info) throw new Error('dist/build-info.json is missing after the build');
  const pages: BundleFigures['pages'] = {};
  for (const [name, p] of Object.entries(info.pages)) pages[name] = { initialJsFiles: p.initialJs.length, initialKb: kb(p.bytes), initialGzipKb: kb(p.gzipBytes) };
  const lazy = info.lazyJs.map((file) => {
    const body = readFileSync(join(DIST_DIR, file));
    return { file, kb: kb(body.length), gzipKb: kb(gzipSync(body, { level: 9 }).length) };
  });
  const tab = pages.tab?.initialGzipKb ?? Infinity;
  const figures: BundleFigures = { pages, lazy, budgetGzipKb: BUDGET_KB, aimGzipKb: AIM_KB, tabWithinBudget: tab <= BUDGET_KB, tabWithinAim: tab <= AIM_KB };
  process.stdout.write('page         initial JS (files)   raw KB   gzip KB\n');
  for (const [name, p] of Object.entries(pages)) process.stdout.write(`${name.padEnd(12)} ${String(p.initialJsFiles).padStart(17)}   ${String(p.initialKb).padStart(6)}   ${String(p.initialGzipKb).padStart(7)}\n`);
  process.stdout.write(`tab initial JS: ${tab} KB gzipped (budget ${BUDGET_KB}, aim ${AIM_KB}: ${figures.tabWithinAim ? 'within the aim' : figures.tabWithinBudget ? 'within the budget' : 'OVER BUDGET'})\n`);
  process.stdout.write('lazy chunks (loaded after the first paint):\n');
  for (const l of lazy) process.stdout.write(`  ${l.file.padEnd(40)} ${String(l.kb).padStart(7)} KB  ${String(l.gzipKb).padStart(6)} KB gzip\n`);
  mkdirSync(join(ROOT_DIR, 'bench-results'), { recursive: true });
  writeFileSync(join(ROOT_DIR, 'bench-results', 'bundle.json'), `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write('written: bench-results/bundle.json\n');
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runBundleBench();
