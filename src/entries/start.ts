/**
 * `npm start [-- --reset]`: the product on the embedded default, on https://localhost:PORT only (PORT, default 3000).
 * The web app and the Graph endpoint share the origin; the site is provisioned and seeded from samples/ through Graph.
 * The database is locked for the life of the process (src/emulator/db-lock.ts): a second start on it, or a --reset
 * while another start serves it, is refused with the holder's pid and URL.
 * The browser pages are built first when dist/ is missing or stale (src/entries/web/build.ts), while the service seeds.
 */
import { lockDatabaseOrExit } from '../emulator/db-lock.js';
import { closeOnSignals, endpointLines } from '../emulator/endpoints.js';
import { DB_ENV, DEFAULT_DB_PATH, resetDatabase } from '../emulator/index.js';
import { startEmbedded, type Embedded } from './embedded.js';
import { ensureBuild } from './web/build.js';
import { createEmbeddedWebApp } from './web/embedded-app.js';

const USAGE = `usage: npm start [-- --reset]
  Runs the product on the embedded default, on https://localhost:$PORT only (PORT, default 3000): the web app and the
  local Graph-compatible SharePoint-lists service, on the database ./data/followup.db (FOLLOWUP_DB), seeded from
  samples/ on first start. --reset deletes the database first and re-creates the demo data. One start per database:
  a second one, or a --reset while one runs, is refused. Fault injection: FOLLOWUP_FAULT_429, FOLLOWUP_FAULT_503,
  FOLLOWUP_FAULT_LATENCY_MS, FOLLOWUP_THROTTLE_RU_PER_MINUTE (docs/local-graph.md).
exit: 0 stopped with Ctrl+C, 1 could not start (the message says why), 2 usage error
`;
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const unknown = args.filter((a) => a !== '--reset');
if (unknown.length > 0) {
  process.stderr.write(`error: unknown argument ${unknown.join(' ')}\n${USAGE}`);
  process.exit(2);
}

const dbPath = process.env[DB_ENV] ?? DEFAULT_DB_PATH;
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT must be a port number (0–65535), got ${JSON.stringify(process.env.PORT)}\n`);
  process.exit(2);
}
const reset = args.includes('--reset');
// Held until exit, before anything touches the database: a reset or a second service under a running one loses data.
const lock = lockDatabaseOrExit(dbPath, 'npm start', { reset, start: 'npm start', resetCommand: 'npm start -- --reset', port });
if (reset) {
  resetDatabase(dbPath);
  process.stdout.write(`reset: removed ${dbPath}; the demo data is re-created from samples/\n`);
}

let ready: Embedded | null = null;
const build = ensureBuild({ log: (line) => process.stdout.write(line) });
// Handled below, after the service started; marked handled now so an early failure is not an unhandled rejection.
void build.catch(() => undefined);
let embedded: Embedded;
try {
  embedded = await startEmbedded({ dbPath, port, env: process.env, requestHandler: createEmbeddedWebApp(() => ready, { ready: build }) });
} catch (error) {
  const why = error instanceof Error ? error.message : String(error);
  const hint = /EADDRINUSE/.test(why) ? ` (port ${port} is in use: set PORT, e.g. PORT=3100 npm start)` : '';
  process.stderr.write(`followup: could not start: ${why}${hint}\n`);
  lock.release();
  process.exit(1);
}
lock.setUrl(`${embedded.graph.url}/`);
ready = embedded;
const { graph } = embedded;
const built = await build.catch((error: unknown) => {
  process.stderr.write(`followup: the web app could not be built; the service runs, the pages answer 503:\n${error instanceof Error ? error.message : String(error)}\n`);
  return null;
});

const { created, assigned, divisions, provisioned, warnings } = embedded.seeded;
process.stdout.write(
  [
    `取組計画等のフォローアップ — embedded default (database ${dbPath})`,
    `  web app:          ${graph.url}/   (self-signed certificate in ./data/certs: accept it once in the browser)`,
    `  Teams tab pages:  ${graph.url}/tab.html, ${graph.url}/config.html   (${built === null ? 'build failed' : built.built ? `built now: ${built.reason}` : 'build current'})`,
    ...endpointLines(graph),
    `  seeded:           ${provisioned.length ? `provisioned ${provisioned.length} steps, ` : ''}${created} rows created, ${assigned} rows assigned to divisions, ${divisions} divisions written (${embedded.samples.reports.length} reports from samples/)`,
    'Ctrl+C stops.',
    '',
  ].join('\n'),
);
// Seeding problems (a provisioning step that could not be applied, a sample row the lists refused) go to stderr, once.
for (const warning of warnings) process.stderr.write(`followup: warning: ${warning}\n`);

closeOnSignals(async () => {
  await embedded.close();
  lock.release();
});
