import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ResponseType } from '@microsoft/microsoft-graph-client';

import type { Clock } from '../../../src/core/ports.js';
import { membershipFromGroups } from '../../../src/core/divisions/division.js';
import { DEMO_DIRECTORY, resetDatabase } from '../../../src/emulator/index.js';
import { DEMO_ROLE_GROUPS, type Embedded } from '../../../src/entries/embedded.js';
import { createGraphClient, staticTokenProvider } from '../../../src/graph/create-graph-client.js';
import { LOCAL_TEAM_ID } from '../../../src/emulator/http/teams.js';
import { GraphFollowUpStore } from '../../../src/graph/graph-follow-up-store.js';
import { listCycles, readDivisions, readMyGroups } from '../../../src/graph/site-directory.js';
import { startEmbeddedApp } from '../../support/embedded-harness.js';

// `npm start`'s composition, on a file database in a temp dir: first start seeds, a restart writes nothing.
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'embedded-int-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(extra: { clock?: Clock; onTokenMinted?: () => void } = {}): Promise<{ embedded: Embedded; get: (path: string) => Promise<{ status: number; text: string }>; stop: () => Promise<void> }> {
  // The pages are served from dist/ (npm test builds it before this project; a check here).
  const embedded = await startEmbeddedApp(dir, { build: true, ...extra });
  const dispatcher = new Agent({ connect: { ca: embedded.graph.ca } });
  return {
    embedded,
    get: async (path) => {
      const res = await fetch(`${embedded.graph.url}${path}`, { dispatcher } as RequestInit);
      return { status: res.status, text: await res.text() };
    },
    stop: async () => {
      await dispatcher.close();
      await embedded.close();
    },
  };
}

describe('the embedded default (npm start)', () => {
  it('provisions the demo site, imports every sample row through Graph, assigns 総務省 rows, and serves them', async () => {
    const s = await start();
    try {
      // 000: 2 + 15 rows, 002: 44, 003: 58, 004: 17 (domain.md §9.4).
      expect(s.embedded.seeded.created).toBe(136);
      // Every 総務省 FY2023 row (取組, 重点項目, 数値 and 調査; it has no headings) goes to one of the five divisions.
      expect(s.embedded.seeded.assigned).toBe(17);
      expect(s.embedded.seeded.divisions).toBe(5);
      // The app (dist/) at / and /tab.html with no inline script, and its local settings.
      const home = await s.get('/');
      expect(home.status).toBe(200);
      expect(home.text).toContain('<div id="root">');
      expect(home.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      const config = JSON.parse((await s.get('/app-config.json')).text) as Record<string, unknown>;
      const { auth, ...rest } = config as { auth: { authorityMetadata: string } } & Record<string, unknown>;
      expect(rest).toEqual({ graphBaseUrl: '/v1.0', defaultSite: `${s.embedded.graph.url}/sites/followup`, defaultOrgCode: 'soumu', roles: DEMO_ROLE_GROUPS, localSignIn: true, teamId: LOCAL_TEAM_ID });
      // MSAL against the local identity provider (#13): the demo registration and the metadata, so no discovery request.
      expect(auth).toMatchObject({ clientId: s.embedded.graph.oidc.clientId, authority: `${s.embedded.graph.url}/${DEMO_DIRECTORY.tenantId}`, knownAuthorities: [new URL(s.embedded.graph.url).host] });
      expect(JSON.parse(auth.authorityMetadata).issuer).toBe(`${s.embedded.graph.url}/${DEMO_DIRECTORY.tenantId}/v2.0`);
      expect((await s.get('/config.html')).status).toBe(200);
      expect((await s.get('/assets/..%2F..%2Fpackage.json')).status).toBe(404);
      // The printable report view stays.
      const r2 = await s.get(`/reports/${encodeURIComponent('mof/2020/L-R2')}`);
      expect(r2.status).toBe(200);
      expect(r2.text).toContain('<caption>行数: 58</caption>');
      expect(r2.text).toContain('実施未定');
      expect((await s.get(`/reports/${encodeURIComponent('nope')}`)).status).toBe(404);
      // The Graph endpoint shares the origin.
      const unauthenticated = await s.get('/v1.0/sites/localhost:/sites/followup');
      expect(unauthenticated.status).toBe(401);
    } finally {
      await s.stop();
    }
  });

  it('renews its token: 9 hours after the start the start page still reads the lists (#7)', async () => {
    let now = Date.now();
    let mints = 0;
    const s = await start({ clock: { now: () => new Date(now) }, onTokenMinted: () => mints++ });
    try {
      // One token for Graph and one for SharePoint REST (item permissions while seeding).
      expect(mints).toBe(2);
      expect((await s.get(`/reports/${encodeURIComponent('mof/2020/L-R2')}`)).text).toContain('<caption>行数: 58</caption>');
      expect(mints).toBe(2);
      // The token lasts 8 hours: a day later the store asks for a new one before using it.
      now += 9 * 60 * 60_000;
      const later = await s.get(`/reports/${encodeURIComponent('mof/2020/L-R2')}`);
      expect(later.status).toBe(200);
      expect(later.text).toContain('<caption>行数: 58</caption>');
      expect(mints).toBe(3);
    } finally {
      await s.stop();
    }
  });

  it('writes nothing on a restart over the same database', async () => {
    const s = await start();
    try {
      expect(s.embedded.seeded).toMatchObject({ created: 0, assigned: 0, divisions: 0, provisioned: [] });
      const soumu = await s.embedded.store.open({ fiscalYear: 2023, orgCode: 'soumu' });
      expect(soumu.rows).toHaveLength(17);
      expect(soumu.rows.filter((r) => r.row.division !== null)).toHaveLength(17);
      // A 数値 or 調査 row under an 取組 belongs to the division of its 取組.
      const byKey = new Map(soumu.rows.map((r) => [r.row.key, r.row]));
      for (const r of soumu.rows) if (r.row.parentKey !== null) expect(r.row.division, r.row.title).toBe(byKey.get(r.row.parentKey)?.division);
      expect(new Set(soumu.rows.filter((r) => r.row.kind === 'indicator' || r.row.kind === 'survey').map((r) => r.row.division)).size).toBeGreaterThan(1);
    } finally {
      await s.stop();
    }
  });

  it('lets a division member read the divisions, their own groups and the cycles through Graph (what the tab reads)', async () => {
    const s = await start();
    const dispatcher = new Agent({ connect: { ca: s.embedded.graph.ca } });
    try {
      const as = (user: string) => createGraphClient({ baseUrl: s.embedded.graph.graphUrl, tokenProvider: staticTokenProvider(s.embedded.graph.tokenFor(user)), fetchOptions: { dispatcher } as RequestInit });
      const kobayashi = as('kobayashi');
      const { divisions, unreadable } = await readDivisions(kobayashi, s.embedded.site, 'soumu');
      expect(unreadable).toEqual([]);
      expect(divisions.map((d) => [d.code, d.name])).toEqual([
        ['div-somu', '大臣官房総務課'],
        ['div-kikaku', '大臣官房企画課'],
        ['div-gyokan', '行政管理局'],
        ['div-jichi', '自治行政局'],
        ['div-joho', '情報流通行政局'],
      ]);
      const groups = await readMyGroups(kobayashi, s.embedded.site);
      expect([...groups].sort()).toEqual(['情報流通行政局', '自治行政局'].sort());
      const m = membershipFromGroups('小林 恵', 'soumu', groups, divisions, DEMO_ROLE_GROUPS);
      expect([m.isSecretariat, m.isReviewer, m.divisions.map((d) => d.code)]).toEqual([false, false, ['div-jichi', 'div-joho']]);
      expect(await readMyGroups(as('sato'), s.embedded.site)).toEqual(['大臣官房秘書課']);
      expect((await listCycles(kobayashi, s.embedded.site, 'soumu', 'div-joho')).map((c) => c.fiscalYear)).toEqual([2023]);
      expect((await listCycles(as('sato'), s.embedded.site, 'soumu')).map((c) => [c.fiscalYear, c.rows])).toEqual([
        [2024, 2],
        [2023, 17],
      ]);
    } finally {
      await dispatcher.close();
      await s.stop();
    }
  });

  const DELETED = 'mof/2020/L-R2';
  let deletedRowKey = '';

  it('keeps a row the secretariat deleted deleted across a restart (the seed does not resume a completed import)', async () => {
    const s = await start();
    try {
      const { store, connection } = s.embedded;
      if (!(store instanceof GraphFollowUpStore)) throw new Error('npm start composes the Graph store');
      const before = (await store.open({ fiscalYear: 2020, orgCode: 'mof' })).rows;
      expect(before).toHaveLength(58);
      const victim = before.find((r) => r.row.kind === 'initiative' && r.reportKey === DELETED);
      deletedRowKey = victim?.rowKey ?? '';
      expect(deletedRowKey).not.toBe('');
      const res = (await connection.client.api(`/sites/${store.site.id}/lists/${store.rowsListId}/items/${victim?.itemId ?? ''}`).responseType(ResponseType.RAW).delete()) as Response;
      expect(res.status).toBe(204);
    } finally {
      await s.stop();
    }
    const again = await start();
    try {
      expect(again.embedded.seeded).toMatchObject({ created: 0, assigned: 0, divisions: 0, provisioned: [] });
      const rows = (await again.embedded.store.open({ fiscalYear: 2020, orgCode: 'mof' })).rows;
      expect(rows).toHaveLength(57);
      expect(rows.map((r) => r.rowKey)).not.toContain(deletedRowKey);
      expect((await again.get(`/reports/${encodeURIComponent(DELETED)}`)).status).toBe(200);
    } finally {
      await again.stop();
    }
  });

  it('re-creates everything after a reset (npm start -- --reset)', async () => {
    resetDatabase(join(dir, 'followup.db'));
    const s = await start();
    try {
      expect(s.embedded.seeded.created).toBe(136);
      expect(s.embedded.seeded.assigned).toBe(17);
      const rows = (await s.embedded.store.open({ fiscalYear: 2020, orgCode: 'mof' })).rows;
      expect(rows).toHaveLength(58);
      expect(rows.map((r) => r.rowKey)).toContain(deletedRowKey);
    } finally {
      await s.stop();
    }
  });
});
