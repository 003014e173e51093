/**
 * Stress benchmark (#7 item 5): the "everything at once" scenario of scripts/stress at full size — 20 division
 * editors over 4 divisions, 2 reviewers and the secretariat, 1,000 saves each — under 429/503, latency, dropped
 * connections and answers lost after the write. Prints the table and writes bench-results/stress.json. Never asserts
 * (`npm run stress` exits non-zero on a violation). Run alone: `node --import tsx scripts/bench/stress.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { formatStressTable, runStressScenario, SCENARIOS, type StressRow } from '../stress/stress.js';

const ROOT = join(import.meta.dirname, '..', '..');

export async function runStressBench(editors = 20, saves = 1000): Promise<StressRow[]> {
  const everything = SCENARIOS.find((s) => s.name === 'everything at once');
  if (!everything) throw new Error('the "everything at once" scenario is missing');
  const rows = [await runStressScenario({ name: `${everything.name}, ${editors} editors × ${saves} saves`, editors, saves, divisions: 4, rowsPerDivision: 10, reviewers: 2, secretariat: true, faults: everything.faults, refreshRate: 0.3, crossDivisionRate: 0.05, seed: 20 })];
  process.stdout.write(`\nconcurrency stress (#7) — time scaled: Retry-After 0, back-off from 10 ms; attempts and budget as the default policy\n`);
  process.stdout.write(formatStressTable(rows));
  for (const r of rows) for (const ex of r.examples) process.stdout.write(`  ${ex}\n`);
  for (const r of rows) for (const [why, n] of Object.entries(r.failedReasons)) process.stdout.write(`  ${n} save(s) reported failed (the editor keeps the draft) — ${why}\n`);
  const out = join(ROOT, 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'stress.json'), `${JSON.stringify(rows, null, 2)}\n`);
  process.stdout.write('written: bench-results/stress.json\n');
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [editors, saves] = process.argv.slice(2).map(Number);
  await runStressBench(editors || undefined, saves || undefined);
}
