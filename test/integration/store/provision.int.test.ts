import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FOLLOW_UP_SCHEMA, LIST_NAMES, ROWS_LIST, SCHEMA_VERSION, schemaAtVersion, type SiteSchema } from '../../../src/core/lists/schema.js';
import { provisionSite } from '../../../src/graph/provision.js';
import { makeReport } from '../../core/lists/make-row.js';
import { startStoreHarness, writesIn, type StoreHarness } from './harness.js';

let h: StoreHarness;
beforeAll(async () => {
  h = await startStoreHarness();
});
afterAll(async () => {
  await h.close();
});

describe('provisionSite against the local service', () => {
  it('creates the lists, indexed and unique columns, and records the schema version', async () => {
    const report = await h.provision();
    expect(report.applied).toEqual([
      'create list FollowUpReports (13 columns)',
      'create list FollowUpRows (25 columns)',
      'create list FollowUpMeta (2 columns)',
      'create list FollowUpDivisions (8 columns)',
      `record schema version ${SCHEMA_VERSION} (was none)`,
    ]);
    const conn = h.connect();
    const columns = (await conn.client.api(`/sites/${report.site.id}/lists/${report.listIds[LIST_NAMES.Rows]}/columns`).get()) as { value: { name: string; indexed: boolean; enforceUniqueValues: boolean }[] };
    const byName = new Map(columns.value.map((c) => [c.name, c]));
    for (const name of ['FiscalYear', 'OrgCode', 'DivisionCode', 'Status', 'RowKey', 'ReportKey']) expect(byName.get(name)?.indexed, name).toBe(true);
    expect(byName.get('RowKey')?.enforceUniqueValues).toBe(true);
    const meta = (await conn.client.api(`/sites/${report.site.id}/lists/${report.listIds[LIST_NAMES.Meta]}/items?$expand=fields`).get()) as { value: { fields: Record<string, unknown> }[] };
    expect(meta.value.map((i) => [i.fields.MetaKey, i.fields.MetaValue])).toEqual([['schemaVersion', String(SCHEMA_VERSION)]]);
  });

  it('changes nothing when run again (zero write requests)', async () => {
    const seen = h.records.length;
    const report = await h.provision();
    expect(report.applied).toEqual([]);
    expect(report.writes).toBe(0);
    expect(writesIn(h.records.slice(seen))).toEqual([]);
  });

  it('upgrades to a newer schema by adding the missing column, without touching existing items', async () => {
    const { store, connection } = await h.open();
    await store.importReport(makeReport({ rows: 5 }));
    const before = await store.openOrganization(2024, 'soumu');
    const newer: SiteSchema = {
      version: SCHEMA_VERSION + 1,
      lists: FOLLOW_UP_SCHEMA.lists.map((l) =>
        l.name === ROWS_LIST.name
          ? { ...l, columns: [...l.columns, { name: 'DueNote', displayName: '期限メモ', kind: 'note' as const, description: 'test column', group: 'division' as const, since: SCHEMA_VERSION + 1 }] }
          : l,
      ),
    };
    const seen = h.records.length;
    const report = await provisionSite(connection, h.siteUrl, { schema: newer });
    expect(report.applied).toEqual(['add column FollowUpRows.DueNote', `record schema version ${SCHEMA_VERSION + 1} (was ${SCHEMA_VERSION})`]);
    expect(writesIn(h.records.slice(seen)).map((w) => w.method)).toEqual(['POST', 'PATCH']);
    const after = await store.openOrganization(2024, 'soumu');
    expect(after.rows.map((r) => [r.rowKey, r.eTag])).toEqual(before.rows.map((r) => [r.rowKey, r.eTag]));
    expect((await provisionSite(connection, h.siteUrl, { schema: newer })).writes).toBe(0);
    // An older client neither drops the column nor downgrades the recorded version.
    const old = await provisionSite(connection, h.siteUrl);
    expect(old.writes).toBe(0);
    expect(old.warnings[0]).toContain(`schema version ${SCHEMA_VERSION + 1}`);
  });
});

describe('upgrading a site provisioned with schema 1', () => {
  it('adds FollowUpReports.ImportState and records version 2; imports then complete and skip', async () => {
    const old = await startStoreHarness();
    try {
      const admin = old.connect();
      const v1 = await provisionSite(admin, old.siteUrl, { schema: schemaAtVersion(FOLLOW_UP_SCHEMA, 1) });
      expect(v1.applied).toContain('create list FollowUpReports (12 columns)');
      const upgrade = await provisionSite(admin, old.siteUrl, { schema: schemaAtVersion(FOLLOW_UP_SCHEMA, 2) });
      expect(upgrade.applied).toEqual(['add column FollowUpReports.ImportState', 'record schema version 2 (was 1)']);
      const { store } = await old.open();
      const report = makeReport({ key: 'soumu/2024/upgraded', rows: 3 });
      expect(await store.importReport(report)).toMatchObject({ created: 3, complete: true });
      expect(await store.importReport(report)).toMatchObject({ created: 0, alreadyPresent: 3, complete: true });
    } finally {
      await old.close();
    }
  });
});
