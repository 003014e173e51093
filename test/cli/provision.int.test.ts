// `followup provision` as a user runs it: a child process against an in-process local service (#4).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SCHEMA_VERSION } from '../../src/core/lists/schema.js';
import { createLocalGraph, type LocalGraph } from '../../src/emulator/index.js';
import { SCHEMA_7_STEPS } from '../support/schema7.js';

const ROOT = join(import.meta.dirname, '..', '..');
let graph: LocalGraph;
let dir: string;
let caFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-provision-'));
  graph = await createLocalGraph({ dbPath: ':memory:', port: 0, certDir: join(dir, 'certs') });
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, graph.ca);
});
afterAll(async () => {
  await graph.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI asynchronously (the service answers from this process's event loop). */
function followup(args: string[], user?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, GRAPH_BASE_URL: graph.graphUrl, GRAPH_TOKEN: graph.tokenFor(user), GRAPH_CA_FILE: caFile };
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/followup.mjs', ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('npx followup provision --site', () => {
  it('creates the lists on the first run and prints each step', async () => {
    const r = await followup(['provision', '--site', `${graph.url}/sites/followup`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^site https:\/\/localhost:\d+\/sites\/followup \(localhost,[0-9a-f-]+,[0-9a-f-]+\)$/);
    // The permission level is created where the service implements role definitions, else a warning says so.
    expect(lines.slice(1).filter((l) => !/permission level "(Edit without delete|Add without edit|Review rows)"/.test(l))).toEqual([
      'create list FollowUpReports (15 columns)',
      'create list FollowUpRows (25 columns)',
      'create list FollowUpMeta (2 columns)',
      'create list FollowUpDivisions (8 columns)',
      'create list FollowUpLedger (3 columns)',
      'create list FollowUpGuidance (8 columns)',
      'create list FollowUpReview (16 columns)',
      'create list FollowUpSubmissions (6 columns)',
      'create list FollowUpReminders (9 columns)',
      'give FollowUpReview its own permissions: secretariat Full Control, reviewers Edit without delete, div-somu/div-kikaku/div-gyokan/div-jichi/div-joho Read',
      'give FollowUpSubmissions its own permissions: secretariat Full Control, reviewers Read, div-somu/div-kikaku/div-gyokan/div-jichi/div-joho Add without edit',
      'give FollowUpReminders its own permissions: secretariat Full Control, reviewers Read, div-somu/div-kikaku/div-gyokan/div-jichi/div-joho Read',
      'make FollowUpLedger readable by the secretariat (secretariat) only',
      ...SCHEMA_7_STEPS,
      `record schema version ${SCHEMA_VERSION} (was none)`,
    ]);
  });

  it('prints "up to date" and exits 0 on the second run (host:/path form)', async () => {
    const r = await followup(['provision', '--site', 'localhost:/sites/followup']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').slice(1).filter((l) => !l.startsWith('warning: the service did not create the permission level'))).toEqual(['up to date: nothing to create or upgrade']);
  });

  it('exits 1 with the permission error when the token may not manage lists (a division member)', async () => {
    const r = await followup(['provision', '--site', 'localhost:/sites/followup'], 'suzuki');
    expect(r.code).toBe(1);
    // suzuki's division reads the review lists (#12), so the site opens (Limited Access) and creating a list is refused.
    expect(r.stderr).toBe(
      `error: provisioning site localhost:/sites/followup through ${graph.graphUrl} failed — permission: create list FollowUpReports: 403 accessDenied — Access denied. You do not have permission to perform this action or access this resource.\n`,
    );
    expect(r.stdout).toBe('');
  });

  it('exits 2 with the usage when --site is malformed', async () => {
    const bad = await followup(['provision', '--site', 'not a site']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Not a site URL, host:/path or site id: not a site');
    expect(bad.stderr).toContain('usage: followup provision [--site <site URL or host:/path>]');
  });
});
