/**
 * Standalone runner for the local Graph service (#3): `node --import tsx src/emulator/main.ts [--reset]`.
 * Reads PORT, FOLLOWUP_DB, FOLLOWUP_FAULT_* and FOLLOWUP_THROTTLE_RU_PER_MINUTE; prints every URL.
 */
import { lockDatabaseOrExit } from './db-lock.js';
import { closeOnSignals, endpointLines } from './endpoints.js';
import { createLocalGraph, DB_ENV, DEFAULT_DB_PATH, faultsFromEnv, resetDatabase, throttleFromEnv } from './index.js';

const dbPath = process.env[DB_ENV] ?? DEFAULT_DB_PATH;
const reset = process.argv.includes('--reset');
const port = Number(process.env.PORT ?? 3000);
// Held until exit, like npm start's (#7): no reset or second service under a running one.
const start = 'node --import tsx src/emulator/main.ts';
const lock = lockDatabaseOrExit(dbPath, 'the local Graph service', { reset, start, resetCommand: `${start} --reset`, port });
if (reset) resetDatabase(dbPath);
const graph = await createLocalGraph({
  dbPath,
  port,
  faults: faultsFromEnv(process.env),
  throttle: throttleFromEnv(process.env),
});
process.stdout.write([`local Graph service (database ${dbPath})`, ...endpointLines(graph), ''].join('\n'));
lock.setUrl(`${graph.url}/`);
closeOnSignals(async () => {
  await graph.close();
  lock.release();
});
