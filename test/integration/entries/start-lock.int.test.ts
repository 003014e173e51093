/**
 * Starting never destroys data in use (#7): `npm start` as child processes over one FOLLOWUP_DB in a temp dir.
 * A --reset or a second start while one serves is refused naming the holder, and the running one's later writes
 * survive; a start killed with SIGKILL leaves nothing that blocks the next.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isStarted, runStart, type Ran, type StartedApp } from '../../support/processes.js';

let dir: string;
let db: string;
const running: StartedApp[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'start-lock-'));
  db = join(dir, 'data', 'followup.db');
});
afterAll(async () => {
  for (const app of running) await app.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function start(args: string[] = []): Promise<StartedApp> {
  const r = await runStart(dir, { FOLLOWUP_DB: db, PORT: '0' }, args);
  if (!isStarted(r)) throw new Error(`npm start exited ${r.code}: ${r.stderr}`);
  running.push(r);
  return r;
}

async function refused(args: string[]): Promise<Ran> {
  const r = await runStart(dir, { FOLLOWUP_DB: db, PORT: '0' }, args);
  if (isStarted(r)) {
    running.push(r);
    throw new Error('the start was not refused');
  }
  return r;
}

async function token(app: StartedApp): Promise<string> {
  const res = await app.fetch('/_local/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'sato' }) });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Creates a list named `name` on the demo site (a write that must survive). */
async function createList(app: StartedApp, name: string): Promise<number> {
  const res = await app.fetch('/v1.0/sites/localhost:/sites/followup:/lists', {
    method: 'POST',
    headers: { Authorization: `Bearer ${await token(app)}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ displayName: name, list: { template: 'genericList' } }),
  });
  return res.status;
}

async function listStatus(app: StartedApp, name: string): Promise<number> {
  const res = await app.fetch(`/v1.0/sites/localhost:/sites/followup:/lists/${name}`, { headers: { Authorization: `Bearer ${await token(app)}` } });
  return res.status;
}

describe('npm start holds its database', { timeout: 180_000 }, () => {
  // Shared by the two steps: the start that survives the first is killed in the second.
  let survivor: StartedApp;

  it('refuses --reset and a second start while one serves; the running one keeps its data and later writes', async () => {
    const first = await start();
    expect(await createList(first, 'BeforeReset')).toBe(201);

    const reset = await refused(['--reset']);
    expect(reset.code).toBe(1);
    expect(reset.stderr).toContain(`followup: not resetting ${db}: it is in use by npm start (pid ${first.child.pid}, ${first.url}/, since `);
    expect(reset.stderr).toContain('Stop that process first (Ctrl+C in its terminal), then run npm start -- --reset again.');
    expect(reset.stdout).not.toContain('reset: removed');
    expect(existsSync(db)).toBe(true);

    // Two services over one file would each cache lists, permissions and the change sequence: the second is refused.
    const second = await refused([]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`followup: the database ${db} is already served by npm start (pid ${first.child.pid}, ${first.url}/, since `);
    expect(second.stderr).toContain('FOLLOWUP_DB=./data/other.db PORT=3100 npm start');

    // The service still writes to the file the next start reads (a deleted file would take these writes with it).
    expect(await createList(first, 'AfterRefusedReset')).toBe(201);
    expect((await first.stop()).code).toBe(0);
    survivor = await start();
    expect(survivor.stdout()).toContain('seeded:           0 rows created, 0 rows assigned');
    expect(await listStatus(survivor, 'BeforeReset')).toBe(200);
    expect(await listStatus(survivor, 'AfterRefusedReset')).toBe(200);
  });

  it('is not blocked by a start killed with SIGKILL: the next --reset goes ahead', async () => {
    const killed = await survivor.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    // The killed process's holder record (<db>.lock.json) is still there, naming a dead pid: it must not matter.
    expect(existsSync(`${db}.lock.json`)).toBe(true);
    const reset = await start(['--reset']);
    expect(reset.stdout()).toContain(`reset: removed ${db}; the demo data is re-created from samples/`);
    expect(reset.stdout()).toContain('136 rows created');
    expect(await listStatus(reset, 'BeforeReset')).toBe(404);
    expect((await reset.stop()).code).toBe(0);
    expect(existsSync(`${db}.lock.json`)).toBe(false);
  });

  it('answers --help on stdout (exit 0) and refuses unknown arguments (exit 2) without touching the database', async () => {
    const help = await refused(['--help']);
    expect([help.code, help.stderr]).toEqual([0, '']);
    expect(help.stdout).toMatch(/^usage: npm start \[-- --reset\]\n/);
    const typo = await refused(['--rest']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^error: unknown argument --rest\nusage: npm start/);
    expect(existsSync(db)).toBe(true);
  });
});
