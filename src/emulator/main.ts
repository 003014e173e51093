/**
 * Standalone runner for the local Graph service (#3): `node --import tsx src/emulator/main.ts [--reset]`.
 * Reads PORT, FOLLOWUP_DB, FOLLOWUP_FAULT_* and FOLLOWUP_THROTTLE_RU_PER_MINUTE; prints every URL.
 */
import { createLocalGraph, DB_ENV, DEFAULT_DB_PATH, faultsFromEnv, resetDatabase, throttleFromEnv } from './index.js';

const dbPath = process.env[DB_ENV] ?? DEFAULT_DB_PATH;
if (process.argv.includes('--reset')) resetDatabase(dbPath);
const graph = await createLocalGraph({
  dbPath,
  port: Number(process.env.PORT ?? 3000),
  faults: faultsFromEnv(process.env),
  throttle: throttleFromEnv(process.env),
});
process.stdout.write(
  [
    `local Graph service: ${graph.graphUrl}  (database ${dbPath})`,
    `  demo site:        ${graph.graphUrl}/sites/localhost:/sites/followup  (id ${graph.site.id})`,
    `  $batch:           ${graph.graphUrl}/$batch`,
    `  SharePoint REST:  ${graph.url}/sites/followup/_api/web`,
    `  local sign-in:    ${graph.url}/_local/signin   token: POST ${graph.url}/_local/token {"user":"sato"}`,
    `  faults:           ${graph.url}/_local/faults  stats: ${graph.url}/_local/stats`,
    '',
  ].join('\n'),
);
const stop = (): void => {
  graph.close().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`error while closing: ${String(e)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
