// Prints one closing line for CI ("tests: N passed, M failed") from the vitest JSON reports of this `npm test` run.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const name of ['unit', 'integration', 'e2e']) {
  const file = `test-results/${name}.json`;
  if (!existsSync(file)) continue;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
// Which browser the e2e tests drove and whether CJK fonts were present (written by the e2e globalSetup, #7).
if (existsSync('test-results/browser.txt')) process.stdout.write(`e2e ${readFileSync('test-results/browser.txt', 'utf8')}`);
process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
