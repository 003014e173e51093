/**
 * The README's commands against a real `npm start` (#7), all as child processes: one start on a random port in a temp
 * folder (its ./data there, as in a project folder), the README's dev-token + curl block run verbatim with that PORT,
 * `provision` with and without --site, and the same commands on the default port and outside the project.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { followup, isStarted, ROOT, runStart, type StartedApp } from '../support/processes.js';

let dir: string;
let outside: string;
let app: StartedApp;
let port: string;
/** A port nothing listens on (bound then released). */
let closedPort: string;

async function freePort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: p } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return String(p);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-local-'));
  outside = mkdtempSync(join(tmpdir(), 'cli-outside-'));
  closedPort = await freePort();
  const r = await runStart(dir, { PORT: '0' });
  if (!isStarted(r)) throw new Error(`npm start exited ${r.code}: ${r.stderr}`);
  app = r;
  port = new URL(app.url).port;
});
afterAll(async () => {
  await app?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** The README's ```sh block that uses dev-token and curl, as printed. */
function readmeCurlBlock(): string {
  const blocks = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const block = blocks.find((b) => b.includes('dev-token') && b.includes('curl'));
  if (!block) throw new Error('README.md has no sh block with dev-token and curl');
  return block;
}

/** Runs `script` with bash in `cwd`; `npx followup` runs this checkout's CLI (the temp folder has no node_modules). */
function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const shim = `npx() { if [ "$1" = followup ]; then shift; "${process.execPath}" "${join(ROOT, 'bin', 'followup.mjs')}" "$@"; else command npx "$@"; fi; }\nset -e\n`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.FOLLOWUP_DB;
  return new Promise((resolve) => {
    execFile('bash', ['-c', shim + script], { cwd, env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

interface ItemsPage {
  value: { fields: { DivisionCode: string; Title: string } }[];
}

describe('the README commands on another port (PORT)', { timeout: 120_000 }, () => {
  it('runs the dev-token + curl block as written and gets 総務省 rows of div-somu', async () => {
    const r = await bash(readmeCurlBlock(), dir, { PORT: port });
    expect(r.code, r.stderr).toBe(0);
    const page = JSON.parse(r.stdout) as ItemsPage;
    // The 17 rows of 総務省 令和5年度 over 5 divisions (a 取組's 数値 and 調査 go with it): div-somu has 5 ($top=5).
    expect(page.value.map((i) => i.fields.DivisionCode)).toEqual(['div-somu', 'div-somu', 'div-somu', 'div-somu', 'div-somu']);
    // dev-token got the token from the service on PORT: no note about falling back to the database.
    expect(r.stderr).not.toContain('note:');
  });

  it('provision with no --site provisions the demo site of the service on PORT (up to date after npm start)', async () => {
    const r = await followup(['provision'], { cwd: dir, env: { PORT: port } });
    expect([r.code, r.stderr]).toEqual([0, '']);
    // Until the local service creates role definitions (#8), provisioning says so on every run.
    const stdout = r.stdout.replace(/^warning: the service did not create the permission level .*\n/m, '');
    expect(stdout).toMatch(new RegExp(`^site https://localhost:${port}/sites/followup \\(localhost,[0-9a-f-]+,[0-9a-f-]+\\)\\nup to date: nothing to create or upgrade\\n$`));
  });

  it('provision --site takes the URL as given, or PORT for host:/path', async () => {
    const url = await followup(['provision', '--site', `https://localhost:${port}/sites/followup`], { cwd: dir });
    expect([url.code, url.stderr]).toEqual([0, '']);
    expect(url.stdout).toContain('up to date: nothing to create or upgrade');
    const hostPath = await followup(['provision', '--site', 'localhost:/sites/followup', '--dry-run'], { cwd: dir, env: { PORT: port } });
    expect([hostPath.code, hostPath.stderr]).toEqual([0, '']);
    expect(hostPath.stdout).toMatch(new RegExp(`^site https://localhost:${port}/sites/followup `));
  });

  it('provision errors name the site and the Graph URL they tried', async () => {
    const missing = await followup(['provision', '--site', `https://localhost:${port}/sites/nope`], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `error: provisioning site https://localhost:${port}/sites/nope through https://localhost:${port}/v1.0 failed — not-found: GET site localhost:/sites/nope: 404 itemNotFound — Requested site could not be found: localhost:/sites/nope.\n`,
    );
    // Nothing listens on closedPort: the token comes from ./data/followup.db, the connection is refused.
    const down = await followup(['provision'], { cwd: dir, env: { PORT: closedPort } });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`error: provisioning site https://localhost:${closedPort}/sites/followup through https://localhost:${closedPort}/v1.0 failed — `);
    expect(down.stderr).toContain(`nothing answers at https://localhost:${closedPort}/v1.0 (connection refused)`);
  });
});

describe('the README commands on the default port (PORT unset: 3000)', { timeout: 120_000 }, () => {
  it('dev-token looks at https://localhost:3000, and signs with ./data/followup.db when that does not answer for it', async () => {
    const r = await followup(['dev-token', 'suzuki'], { cwd: dir });
    expect(r.code).toBe(0);
    // Nothing of ours serves 3000 (whatever may run there has another certificate): the database signs the token,
    // which the running service (same database) accepts.
    expect(r.stderr).toMatch(new RegExp(`^note: signed with the secret of ${join(dir, 'data', 'followup.db')} \\(https://localhost:3000: `));
    const res = await app.fetch('/v1.0/sites/localhost:/sites/followup', { headers: { Authorization: `Bearer ${r.stdout.trim()}` } });
    expect(res.status).not.toBe(401);
  });

  it('provision with no --site targets https://localhost:3000 and names it when it fails', async () => {
    const r = await followup(['provision'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: provisioning site https:\/\/localhost:3000\/sites\/followup through https:\/\/localhost:3000\/v1\.0 failed — /);
  });
});

describe('outside the project', { timeout: 120_000 }, () => {
  it('dev-token creates nothing and says where it looked, on PORT and on the default port', async () => {
    for (const env of [{ PORT: port }, {}]) {
      const origin = `https://localhost:${env.PORT ?? 3000}`;
      const r = await followup(['dev-token'], { cwd: outside, env });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'error: no local service or database to make a token with. Looked at:\n' +
          `  - ${origin}: not asked, no certificate to trust it at ${join(outside, 'data', 'certs', 'localhost-cert.pem')}\n` +
          `  - no database at ${join(outside, 'data', 'followup.db')}\n` +
          `Run this in the project folder (${ROOT}), where npm start keeps ./data, after npm start with the same PORT;\n` +
          'or set PORT, FOLLOWUP_DB and GRAPH_CA_FILE to what that start uses.\n',
      );
    }
    expect(readdirSync(outside)).toEqual([]);
  });

  it('dev-token with FOLLOWUP_DB and GRAPH_CA_FILE pointing into the project works from anywhere', async () => {
    const env = { PORT: port, FOLLOWUP_DB: join(dir, 'data', 'followup.db'), GRAPH_CA_FILE: join(dir, 'data', 'certs', 'localhost-cert.pem') };
    const r = await followup(['dev-token', 'ito'], { cwd: outside, env });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('provision creates nothing and names the URL it would have used', async () => {
    const r = await followup(['provision'], { cwd: outside, env: { PORT: port } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: provisioning site https://localhost:${port}/sites/followup through https://localhost:${port}/v1\\.0 failed — no local service or database to make a token with\\.`));
    expect(readdirSync(outside)).toEqual([]);
  });
});
