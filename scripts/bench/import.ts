/**
 * Import benchmark (#2): imports the five seed documents together (median of 25 runs after a warm-up) and measures
 * the round trip of each document that has a table layout, then prints a table. Figures only; nothing is asserted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { importBytes } from '../../src/io/import.js';
import { measureRoundTrip } from '../../src/io/round-trip.js';
import { median } from './measure.js';

const SAMPLES_DIR = fileURLToPath(new URL('../../samples/', import.meta.url));
const WARM_UP_RUNS = 5;
const TIMED_RUNS = 25;
/** 001 is the prose action plan: it has no table layout to write back, so it has no round trip. */
const NO_ROUND_TRIP = /^001_/;

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Runs the import and round-trip measures over samples/ and returns the figures (also printed as a table). */
export async function runImportBench(): Promise<BenchFigure[]> {
  const files = readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  const docs = files.map((file) => ({ file, bytes: new Uint8Array(readFileSync(SAMPLES_DIR + file)) }));
  const importAll = (): number => docs.reduce((rows, d) => rows + importBytes(d.file, d.bytes).reports.reduce((n, r) => n + r.rows.length, 0), 0);

  for (let i = 0; i < WARM_UP_RUNS; i += 1) importAll();
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < TIMED_RUNS; i += 1) {
    const start = performance.now();
    rows = importAll();
    times.push(performance.now() - start);
  }

  const figures: BenchFigure[] = [
    { name: `import ${docs.length} samples (median of ${TIMED_RUNS})`, value: round(median(times), 1), unit: 'ms' },
    { name: 'rows imported', value: rows, unit: 'rows' },
  ];
  let cells = 0;
  let reproduced = 0;
  for (const d of docs) {
    if (NO_ROUND_TRIP.test(d.file)) continue;
    const r = measureRoundTrip(d.file, new TextDecoder().decode(d.bytes));
    cells += r.sourceCells;
    reproduced += r.reproduced;
    figures.push({ name: `round trip ${d.file} (${r.reproduced}/${r.sourceCells} cells)`, value: round((100 * r.reproduced) / Math.max(1, r.sourceCells), 2), unit: '%' });
  }
  figures.push({ name: `round trip overall (${reproduced}/${cells} cells)`, value: round((100 * reproduced) / Math.max(1, cells), 2), unit: '%' });

  const width = Math.max(...figures.map((f) => f.name.length));
  console.log('\nImport benchmark');
  for (const f of figures) console.log(`  ${f.name.padEnd(width)}  ${String(f.value).padStart(8)} ${f.unit}`);
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runImportBench();
}
