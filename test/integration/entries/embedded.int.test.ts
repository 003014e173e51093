import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ResponseType } from '@microsoft/microsoft-graph-client';

import { resetDatabase } from '../../../src/emulator/index.js';
import type { Embedded } from '../../../src/entries/embedded.js';
import { GraphFollowUpStore } from '../../../src/graph/graph-follow-up-store.js';
import { startEmbeddedApp } from '../../support/embedded-harness.js';

// `npm start`'s composition, on a file database in a temp dir: first start seeds, a restart writes nothing.
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'embedded-int-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(): Promise<{ embedded: Embedded; get: (path: string) => Promise<{ status: number; text: string }>; stop: () => Promise<void> }> {
  const embedded = await startEmbeddedApp(dir);
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
      // 総務省 FY2023 rows except its 4 数値 rows go to the five demo divisions.
      expect(s.embedded.seeded.assigned).toBe(13);
      const home = await s.get('/');
      expect(home.status).toBe(200);
      expect(home.text).toContain('<html lang="ja">');
      expect(home.text).toMatch(/財務省<\/a><\/td><td>令和2年度<\/td><td>L-R2<\/td><td class="num">58<\/td>/);
      expect(home.text).toMatch(/外務省<\/a><\/td><td>令和7年度<\/td><td>L-R7<\/td><td class="num">17<\/td>/);
      const r2 = await s.get(`/reports/${encodeURIComponent('mof/2020/L-R2')}`);
      expect(r2.status).toBe(200);
      expect(r2.text).toContain('<caption>行数: 58</caption>');
      expect(r2.text).toContain('実施未定');
      const en = await s.get('/?lang=en');
      expect(en.text).toContain('<html lang="en">');
      expect((await s.get(`/reports/${encodeURIComponent('nope')}`)).status).toBe(404);
      // The Graph endpoint shares the origin.
      const unauthenticated = await s.get('/v1.0/sites/localhost:/sites/followup');
      expect(unauthenticated.status).toBe(401);
    } finally {
      await s.stop();
    }
  });

  it('writes nothing on a restart over the same database', async () => {
    const s = await start();
    try {
      expect(s.embedded.seeded).toEqual({ created: 0, assigned: 0, provisioned: [] });
      const soumu = await s.embedded.store.openOrganization(2023, 'soumu');
      expect(soumu.rows).toHaveLength(17);
      expect(soumu.rows.filter((r) => r.row.division !== null)).toHaveLength(13);
    } finally {
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
      const before = (await store.openOrganization(2020, 'mof')).rows;
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
      expect(again.embedded.seeded).toEqual({ created: 0, assigned: 0, provisioned: [] });
      const rows = (await again.embedded.store.openOrganization(2020, 'mof')).rows;
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
      expect(s.embedded.seeded.assigned).toBe(13);
      const rows = (await s.embedded.store.openOrganization(2020, 'mof')).rows;
      expect(rows).toHaveLength(58);
      expect(rows.map((r) => r.rowKey)).toContain(deletedRowKey);
    } finally {
      await s.stop();
    }
  });
});
