// `followup report` and `followup cycle` as a user runs them: a child process against an in-process local service (#12).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { secretariatActor } from '../../src/core/permissions/rules.js';
import { createLocalGraph, type LocalGraph } from '../../src/emulator/index.js';
import { createGraphClient, staticTokenProvider } from '../../src/graph/create-graph-client.js';
import { openGraphFollowUpAdmin, type GraphFollowUpAdmin } from '../../src/graph/graph-follow-up-store.js';
import { importDocuments } from '../../src/graph/import-documents.js';
import { provisionSite } from '../../src/graph/provision.js';
import { importBytes } from '../../src/io/import.js';
import { renderReports } from '../../src/io/render/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLE = join(ROOT, 'samples', '004_62afef42a3180ecf.txt');
let graph: LocalGraph;
let dir: string;
let caFile: string;
let dispatcher: Agent;
let admin: GraphFollowUpAdmin;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-report-'));
  graph = await createLocalGraph({ dbPath: ':memory:', port: 0, certDir: join(dir, 'certs') });
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, graph.ca);
  dispatcher = new Agent({ connect: { ca: graph.ca } });
  const connection = createGraphClient({ baseUrl: graph.graphUrl, tokenProvider: staticTokenProvider(graph.tokenFor()), fetchOptions: { dispatcher } as unknown as FetchOptions });
  await provisionSite(connection, `${graph.url}/sites/followup`);
  admin = await openGraphFollowUpAdmin({ connection, site: `${graph.url}/sites/followup`, actor: secretariatActor() });
  await importDocuments(admin, importBytes('004_62afef42a3180ecf.txt', readFileSync(SAMPLE), { org: '総務省' }));
}, 60_000);
afterAll(async () => {
  await graph.close();
  await dispatcher.close();
  rmSync(dir, { recursive: true, force: true });
});

function followup(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, GRAPH_BASE_URL: graph.graphUrl, GRAPH_TOKEN: graph.tokenFor(), GRAPH_CA_FILE: caFile };
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/followup.mjs', ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

describe('npx followup report', () => {
  it('writes the layout from the lists, the same as from the file while nothing was edited', async () => {
    const source = importBytes('004_62afef42a3180ecf.txt', readFileSync(SAMPLE), { org: '総務省' });
    const year = source.reports[0]!.fiscalYear!;
    const r = await followup(['report', '--org', '総務省', '--year', String(year), '--layout', 'L-R7', '--site', 'localhost:/sites/followup']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(renderReports(source.reports, 'L-R7', 'tsv'));
    expect(r.stderr).toMatch(/^report: 1 report\(s\), \d+ rows from the lists \(soumu\/\d{4}\/L-R7[^)]*\); \d+ Graph requests\n$/);
    const out = join(dir, 'r.html');
    const html = await followup(['report', '--org', 'soumu', '--year', `R${year - 2018}`, '--layout', 'L-R7', '--out', out, '--site', 'localhost:/sites/followup']);
    expect(html.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<table>\n<caption>国家公務員の女性活躍/);
  });

  it('answers usage errors with 2 and a missing report with 1', async () => {
    expect((await followup(['report', '--layout', 'L-R7'])).code).toBe(2);
    expect((await followup(['report', '--year', '2024', '--layout', 'L-R9'])).code).toBe(2);
    expect((await followup(['report', '--year', '2024', '--layout', 'L-R7', '--org', '火星省'])).stderr).toContain('unknown 府省等');
    const none = await followup(['report', '--year', '2001', '--layout', 'L-R7', '--site', 'localhost:/sites/followup']);
    expect([none.code, none.stderr]).toEqual([1, expect.stringContaining('no report in L-R7')]);
  });
});

describe('npx followup cycle', () => {
  it('sets a deadline given in 令和, and refuses a date that does not exist', async () => {
    const year = importBytes('004_62afef42a3180ecf.txt', readFileSync(SAMPLE), { org: '総務省' }).reports[0]!.fiscalYear!;
    const ok = await followup(['cycle', 'deadline', '--org', '総務省', '--year', String(year), '--deadline', `令和${year - 2017}年6月30日`, '--site', 'localhost:/sites/followup']);
    expect([ok.code, ok.stdout]).toEqual([0, `deadline of soumu ${year}: ${year + 1}-06-30\n`]);
    const bad = await followup(['cycle', 'deadline', '--org', '総務省', '--year', String(year), '--deadline', '2025-02-30', '--site', 'localhost:/sites/followup']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('2025-02-30');
    expect((await followup(['cycle', 'reopen', '--org', '総務省', '--year', '2024'])).code).toBe(2);
  });
});
