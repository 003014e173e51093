/**
 * `npm run stress [-- --editors 8 --saves 60 --seed 7]` (#7 item 5): runs every scenario of ./stress.ts, prints the
 * table (edits acknowledged, lost, applied twice, clashes not surfaced, cross-division successes, exceptions,
 * requests) and exits 1 when any of those but requests is above 0.
 */
import { parseArgs } from 'node:util';

import { formatStressTable, runStressScenario, SCENARIOS, stressFailures, type StressRow } from './stress.js';

const { values } = parseArgs({ options: { editors: { type: 'string', default: '8' }, saves: { type: 'string', default: '60' }, seed: { type: 'string', default: '7' }, scenario: { type: 'string' } } });
const editors = Number(values.editors);
const saves = Number(values.saves);
const seed = Number(values.seed);
if (![editors, saves, seed].every((n) => Number.isInteger(n) && n > 0)) {
  process.stderr.write('usage: npm run stress [-- --editors N --saves N --seed N --scenario NAME]\n');
  process.exit(2);
}
const rows: StressRow[] = [];
for (const s of SCENARIOS.filter((x) => values.scenario === undefined || x.name === values.scenario)) {
  process.stderr.write(`stress: ${s.name} (${editors} division editors + 2 reviewers + the secretariat, ${saves} saves each)…\n`);
  rows.push(await runStressScenario({ name: s.name, editors, saves, divisions: 4, rowsPerDivision: 6, reviewers: 2, secretariat: true, faults: s.faults, refreshRate: 0.3, crossDivisionRate: 0.1, seed }));
}
process.stdout.write(formatStressTable(rows));
const failures = rows.flatMap(stressFailures);
for (const r of rows) for (const ex of r.examples) process.stdout.write(`  ${r.scenario}: ${ex}\n`);
for (const r of rows) for (const [why, n] of Object.entries(r.failedReasons)) process.stdout.write(`  ${r.scenario}: ${n} save(s) reported failed (the editor keeps the draft) — ${why}\n`);
if (failures.length > 0) {
  process.stdout.write(`FAILED: ${failures.join('; ')}\n`);
  process.exit(1);
}
process.stdout.write('every edit acknowledged was stored once, every clash surfaced, no cross-division write, no exception\n');
