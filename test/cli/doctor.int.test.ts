// #13: `followup doctor` against the local service, in a good state and in broken ones (missing list, missing index,
// old schema version, a token without the needed scope), each with the verdict and the exit code it must give.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import Database from 'better-sqlite3';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { doctorCommand } from '../../src/cli/commands/doctor.js';
import { type Check, doctorExitCode, formatChecks, runDoctor } from '../../src/cli/doctor.js';
import { createLocalGraph, DEMO_CLIENT_ID, type LocalGraph } from '../../src/emulator/index.js';
import { createGraphClient, staticTokenProvider } from '../../src/graph/create-graph-client.js';
import { provisionSite } from '../../src/graph/provision.js';
import { type Harness } from '../emulator/harness.js';
import { idpTokens } from '../emulator/idp.js';

let dir: string;
let provisioned: string;

/** A service on a copy of the provisioned database, after `damage` edited the copy. */
async function serve(name: string, damage?: (db: Database.Database) => void): Promise<LocalGraph> {
  const path = join(dir, `${name}.db`);
  copyFileSync(provisioned, path);
  if (damage) {
    const db = new Database(path);
    damage(db);
    db.close();
  }
  return createLocalGraph({ dbPath: path, port: 0, certDir: join(dir, 'certs') });
}

async function doctor(g: LocalGraph, token = g.tokenFor('sato'), spToken: string | null = token): Promise<{ checks: Check[]; byName: Record<string, string> }> {
  const agent = new Agent({ connect: { ca: g.ca } });
  try {
    const connection = createGraphClient({ baseUrl: g.graphUrl, tokenProvider: staticTokenProvider(token), fetchOptions: { dispatcher: agent } as unknown as FetchOptions });
    const checks = await runDoctor({
      graphBaseUrl: g.graphUrl,
      site: { hostname: 'localhost', path: '/sites/followup' },
      siteUrl: `${g.url}/sites/followup`,
      graphToken: token,
      sharePointToken: spToken,
      connection,
      fetch: (u, init) => fetch(u, { ...init, dispatcher: agent } as RequestInit),
    });
    const byName: Record<string, string> = {};
    for (const c of checks) byName[c.name] = byName[c.name] === 'fail' ? 'fail' : c.verdict;
    return { checks, byName };
  } finally {
    await agent.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'doctor-'));
  provisioned = join(dir, 'provisioned.db');
  const g = await createLocalGraph({ dbPath: provisioned, port: 0, certDir: join(dir, 'certs') });
  const agent = new Agent({ connect: { ca: g.ca } });
  const connection = createGraphClient({ baseUrl: g.graphUrl, tokenProvider: staticTokenProvider(g.tokenFor('sato')), fetchOptions: { dispatcher: agent } as unknown as FetchOptions });
  await provisionSite(connection, `${g.url}/sites/followup`);
  await agent.close();
  await g.close();
  // Checkpoint the WAL into the file, so copies carry everything.
  const db = new Database(provisioned);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('followup doctor', () => {
  it('a provisioned site: nothing fails; broad scopes are a warning; throttling headroom is honestly unknown', async () => {
    const g = await serve('good');
    try {
      const { checks, byName } = await doctor(g);
      expect(byName).toEqual({ token: 'warn', site: 'ok', lists: 'ok', delta: 'ok', 'permission levels': 'ok', 'item permissions': 'ok', views: 'ok', throttling: 'unknown' });
      expect(doctorExitCode(checks)).toBe(0);
      expect(formatChecks(checks)).toMatch(/^\[ok\] {6}views: 6 manager views in place: 部局・課室別, 指針の該当箇所別, 確認待ち（提出済）, 差戻し, 期限超過（未提出）, 部局・課室別の確認状況$/m);
      const text = formatChecks(checks);
      expect(text).toMatch(/^\[warn\] {4}token: audience https:\/\/graph\.microsoft\.com, scopes Sites\.ReadWrite\.All/m);
      expect(text).toContain('fix: Sites.ReadWrite.All, Sites.Manage.All, Sites.FullControl.All reach every site');
      expect(text).toMatch(/^\[ok\] {6}lists: lists, columns and indexes as provisioned \(schema version \d+\)$/m);
      // Without a SharePoint token the permission checks say so instead of guessing.
      expect((await doctor(g, g.tokenFor('sato'), null)).byName.permissions).toBe('unknown');
    } finally {
      await g.close();
    }
  });

  it('a missing list fails and names it, with the provision command as the fix', async () => {
    const g = await serve('missing-list', (db) => db.prepare("UPDATE lists SET name = 'Gone', display_name = 'Gone' WHERE name = 'FollowUpReports'").run());
    try {
      const { checks, byName } = await doctor(g);
      expect(byName.lists).toBe('fail');
      const text = formatChecks(checks);
      expect(text).toContain('FollowUpReports');
      expect(text).toContain('fix: Run: npx followup provision --site');
      expect(doctorExitCode(checks)).toBe(1);
    } finally {
      await g.close();
    }
  });

  it('a missing view fails, naming it (#12)', async () => {
    const g = await serve('views', (db) => {
      db.prepare("DELETE FROM sp_views WHERE title = '差戻し'").run();
    });
    try {
      const { checks, byName } = await doctor(g);
      expect(byName.views).toBe('fail');
      expect(formatChecks(checks)).toContain('views: missing: FollowUpReview/差戻し');
      expect(doctorExitCode(checks)).toBe(1);
    } finally {
      await g.close();
    }
  });

  it('a missing index fails', async () => {
    const g = await serve('missing-index', (db) => {
      const rows = db.prepare("SELECT l.lid, c.name, c.def FROM columns c JOIN lists l ON l.lid = c.lid WHERE l.name = 'FollowUpRows'").all() as { lid: number; name: string; def: string }[];
      const indexed = rows.find((r) => (JSON.parse(r.def) as { indexed?: boolean }).indexed === true);
      if (!indexed) throw new Error('no indexed column in FollowUpRows');
      db.prepare('UPDATE columns SET def = ? WHERE lid = ? AND name = ?').run(JSON.stringify({ ...(JSON.parse(indexed.def) as object), indexed: false }), indexed.lid, indexed.name);
    });
    try {
      const { checks, byName } = await doctor(g);
      expect(byName.lists).toBe('fail');
      expect(formatChecks(checks)).toMatch(/FollowUpRows\.\w+/);
      expect(doctorExitCode(checks)).toBe(1);
    } finally {
      await g.close();
    }
  });

  it('an old schema version fails', async () => {
    const g = await serve('old-schema', (db) => {
      const meta = db.prepare("SELECT i.rid, i.fields FROM items i JOIN lists l ON l.lid = i.lid WHERE l.name = 'FollowUpMeta'").all() as { rid: number; fields: string }[];
      for (const m of meta) {
        const f = JSON.parse(m.fields) as { MetaValue?: string };
        db.prepare('UPDATE items SET fields = ? WHERE rid = ?').run(JSON.stringify({ ...f, MetaValue: '1' }), m.rid);
      }
    });
    try {
      const { checks, byName } = await doctor(g);
      expect(byName.lists).toBe('fail');
      expect(formatChecks(checks)).toMatch(/schema version/i);
      expect(doctorExitCode(checks)).toBe(1);
    } finally {
      await g.close();
    }
  });

  it('least privilege: Sites.Selected with the site grant is all ok; without the grant, one clear fail line (the command)', async () => {
    const g = await serve('selected');
    const agent = new Agent({ connect: { ca: g.ca } });
    try {
      const h = { g } as unknown as Harness;
      const graph = (await idpTokens(h, agent, 'sato', 'https://graph.microsoft.com/Sites.Selected')).access_token;
      const sp = (await idpTokens(h, agent, 'sato', `${g.url}/Sites.Selected`)).access_token;
      const { checks, byName } = await doctor(g, graph, sp);
      expect(byName).toEqual({ token: 'ok', site: 'ok', lists: 'ok', delta: 'ok', 'permission levels': 'ok', 'item permissions': 'ok', views: 'ok', throttling: 'unknown' });
      expect(checks[0]?.detail).toContain('scopes Sites.Selected');
      expect(doctorExitCode(checks)).toBe(0);

      // The command itself (graphTarget: Graph URL, certificate, tokens from the environment), then the grant removed.
      const ca = join(dir, 'selected-ca.pem');
      writeFileSync(ca, g.ca);
      const run = async (): Promise<{ code: number; out: string }> => {
        const out: string[] = [];
        const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
        vi.stubEnv('GRAPH_TOKEN', graph);
        vi.stubEnv('SHAREPOINT_TOKEN', sp);
        vi.stubEnv('GRAPH_CA_FILE', ca);
        try {
          return { code: await doctorCommand(['--site', `${g.url}/sites/followup`]), out: out.join('') };
        } finally {
          write.mockRestore();
          vi.unstubAllEnvs();
        }
      };
      const good = await run();
      expect(good.code).toBe(0);
      expect(good.out).toContain(`through ${g.url}/v1.0`);
      expect(good.out).not.toContain('[fail]');
      const admin = g.tokenFor('sato');
      const site = `${g.graphUrl}/sites/localhost:/sites/followup:`;
      const list = (await (await fetch(`${site}/permissions`, { headers: { Authorization: `Bearer ${admin}` }, dispatcher: agent } as RequestInit)).json()) as { value: { id: string; grantedToIdentities: { application: { id: string } }[] }[] };
      for (const p of list.value.filter((x) => x.grantedToIdentities[0]?.application.id === DEMO_CLIENT_ID)) {
        expect((await fetch(`${site}/permissions/${p.id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${admin}` }, dispatcher: agent } as RequestInit)).status).toBe(204);
      }
      const bad = await run();
      expect(bad.code).toBe(1);
      const failLines = bad.out.split('\n').filter((l) => l.startsWith('[fail]'));
      expect(failLines).toEqual([expect.stringMatching(/^\[fail\] +site: .*Sites\.Selected only and app 4f1c9a52-7d3e-4b8a-9c61-2e5f0a7b3d18 has no grant on this site/)]);
      expect(bad.out).toContain('POST /sites/{site-id}/permissions');
    } finally {
      await agent.close();
      await g.close();
    }
  });

  it('a token without a Sites scope fails the token and the site, and the rest says it was not checked', async () => {
    const g = await serve('no-scope');
    const agent = new Agent({ connect: { ca: g.ca } });
    try {
      const h = { g } as unknown as Harness;
      const { access_token } = await idpTokens(h, agent, 'sato', 'https://graph.microsoft.com/User.Read');
      const { checks, byName } = await doctor(g, access_token, null);
      expect(byName).toMatchObject({ token: 'fail', site: 'fail', lists: 'unknown' });
      expect(formatChecks(checks)).toContain('The token has no Sites scope');
      expect(doctorExitCode(checks)).toBe(1);
    } finally {
      await agent.close();
      await g.close();
    }
  });
});
