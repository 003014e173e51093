/**
 * Standalone runner for the local Graph service (#3): `node --import tsx src/emulator/main.ts [--reset]`.
 * Reads PORT, FOLLOWUP_DB, FOLLOWUP_FAULT_* and FOLLOWUP_THROTTLE_RU_PER_MINUTE; prints every URL.
 */
import { closeOnSignals, endpointLines } from './endpoints.js';
import { createLocalGraph, DB_ENV, DEFAULT_DB_PATH, faultsFromEnv, resetDatabase, throttleFromEnv } from './index.js';

const dbPath = process.env[DB_ENV] ?? DEFAULT_DB_PATH;
if (process.argv.includes('--reset')) resetDatabase(dbPath);
const graph = await createLocalGraph({
  dbPath,
  port: Number(process.env.PORT ?? 3000),
  faults: faultsFromEnv(process.env),
  throttle: throttleFromEnv(process.env),
});
process.stdout.write([`local Graph service (database ${dbPath})`, ...endpointLines(graph), ''].join('\n'));
closeOnSignals(() => graph.close());
