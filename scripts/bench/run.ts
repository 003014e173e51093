/**
 * `npm run bench`: runs every benchmark script and prints its figures. Benchmarks never assert on time.
 * Usage: npm run bench [-- import graph store bundle stress importer memory workbook tab deadline manager] (default: all).
 */
import { mkdirSync, writeFileSync } from 'node:fs';

type Figure = { name: string; value: number; unit: string };

const SUITES: Record<string, () => Promise<unknown>> = {
  import: async () => (await import('./import.js')).runImportBench(),
  graph: async () => (await import('./graph-service.js')).runGraphServiceBench(),
  store: async () => (await import('./store.js')).runStoreBench(),
  bundle: async () => (await import('./bundle.js')).runBundleBench(),
  stress: async () => (await import('./stress.js')).runStressBench(),
  importer: async () => (await import('./importer.js')).runImporterBench(),
  memory: async () => (await import('./import-memory.js')).runImportMemoryBench(),
  workbook: async () => (await import('./workbook-sync.js')).runWorkbookSyncBench(),
  tab: async () => (await import('./tab.js')).runTabBench(),
  deadline: async () => (await import('./deadline.js')).runDeadlineBench(),
  manager: async () => (await import('./manager.js')).runManagerBench(),
};

const wanted = process.argv.slice(2).filter((a) => a in SUITES);
const names = wanted.length > 0 ? wanted : Object.keys(SUITES);
const all: Record<string, unknown> = {};
for (const name of names) {
  process.stdout.write(`\n=== bench: ${name} ===\n`);
  const started = performance.now();
  const figures = await SUITES[name]!();
  all[name] = figures;
  process.stdout.write(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/all.json', `${JSON.stringify(all, null, 2)}\n`);
process.stdout.write('\nfigures written to bench-results/all.json\n');
export type { Figure };
