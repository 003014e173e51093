import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { toListRowKey, toRowFields } from '../../../src/core/lists/row-fields.js';
import { FOLLOW_UP_SCHEMA, LIST_NAMES, ROWS_LIST, SCHEMA_VERSION, schemaAtVersion, type SiteSchema } from '../../../src/core/lists/schema.js';
import type { StoredRow } from '../../../src/core/ports.js';
import { provisionSite } from '../../../src/graph/provision.js';
import { makeReport } from '../../core/lists/make-row.js';
import { SCHEMA_7_STEPS } from '../../support/schema7.js';
import { startStoreHarness, writesIn, type StoreHarness } from './harness.js';

let h: StoreHarness;
beforeAll(async () => {
  h = await startStoreHarness();
});
afterAll(async () => {
  await h.close();
});

/** The permission level step: created where the service implements role definitions, else a warning says so. */
const LEVEL_CREATED = 'create permission level "Edit without delete" (Contribute without DeleteListItems and DeleteVersions)';
const levelUnsupported = (warnings: readonly string[]): boolean => warnings.some((w) => w.includes('did not create the permission level "Edit without delete"'));

describe('provisionSite against the local service', () => {
  it('creates the lists, indexed and unique columns, the secretariat-only ledger, and records the schema version', async () => {
    const report = await h.provision();
    expect(report.applied.filter((a) => a !== LEVEL_CREATED && !/^create permission level "(Add without edit|Review rows)"$/.test(a))).toEqual([
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
      'create view FollowUpRows/部局・課室別',
      'create view FollowUpRows/指針の該当箇所別',
      'create view FollowUpReview/確認待ち（提出済）',
      'create view FollowUpReview/差戻し',
      'create view FollowUpReview/期限超過（未提出）',
      'create view FollowUpReview/部局・課室別の確認状況',
      'format column FollowUpReview.State',
      'format column FollowUpRows.ReviewState',
      'format column FollowUpRows.Status',
      `record schema version ${SCHEMA_VERSION} (was none)`,
    ]);
    expect(report.applied.includes(LEVEL_CREATED) !== levelUnsupported(report.warnings)).toBe(true);
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
    // A service without role definitions is asked again on every run (and says no): that POST is not a change.
    const unsupported = levelUnsupported(report.warnings);
    expect(writesIn(h.records.slice(seen)).filter((w) => !(unsupported && w.url.endsWith('/_api/web/roledefinitions')))).toEqual([]);
  });

  it('keeps the ledger from everybody but the secretariat (a division member and a reviewer get 404)', async () => {
    const report = await h.provision();
    const ledger = `/sites/${report.site.id}/lists/${LIST_NAMES.Ledger}/items`;
    const { store } = await h.open();
    await store.importReport(makeReport({ key: 'soumu/2024/ledger-perm', rows: 2 }));
    const all = (await h.connect().client.api(`${ledger}?$expand=fields`).get()) as { value: { fields: Record<string, unknown> }[] };
    expect(all.value.map((i) => i.fields.LedgerKey)).toContain('soumu/2024/ledger-perm#0');
    // Assign a row so the division can open the site at all (a user with no right anywhere gets 403 on the site).
    await store.assignRows([`soumu/2024/ledger-perm/${makeReport({ rows: 1 }).rows[0]?.key ?? ''}`], 'div-somu');
    const statuses: unknown[] = [];
    for (const user of ['suzuki', 'takahashi']) statuses.push(await h.connect(user).client.api(ledger).get().then(() => 200, (e: { statusCode?: number }) => e.statusCode));
    expect(statuses).toEqual([404, 404]);
  });

  it('upgrades to a newer schema by adding the missing column, without touching existing items', async () => {
    const { store, connection } = await h.open();
    await store.importReport(makeReport({ rows: 5 }));
    const before = await store.open({ fiscalYear: 2024, orgCode: 'soumu' });
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
    expect(writesIn(h.records.slice(seen)).filter((w) => !w.url.endsWith('/_api/web/roledefinitions')).map((w) => w.method)).toEqual(['POST', 'PATCH']);
    const after = await store.open({ fiscalYear: 2024, orgCode: 'soumu' });
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
      await provisionSite(admin, old.siteUrl);
      const { store } = await old.open();
      const report = makeReport({ key: 'soumu/2024/upgraded', rows: 3 });
      expect(await store.importReport(report)).toMatchObject({ created: 3, complete: true });
      expect(await store.importReport(report)).toMatchObject({ created: 0, alreadyPresent: 3, complete: true });
    } finally {
      await old.close();
    }
  });
});

describe('upgrading a site provisioned with schema 3 (#8)', () => {
  it('adds the ledger, records the rows already there as they are, and the audit then starts from them', async () => {
    const old = await startStoreHarness();
    try {
      const admin = old.connect();
      const v2 = await provisionSite(admin, old.siteUrl, { schema: schemaAtVersion(FOLLOW_UP_SCHEMA, 3) });
      // Rows written by a schema 3 client: created and assigned (DivisionCode) without a ledger.
      const rowsPath = `/sites/${v2.site.id}/lists/${v2.listIds[LIST_NAMES.Rows]}/items`;
      const report = makeReport({ key: 'soumu/2024/v2', rows: 4, divisionOf: (i) => (i < 2 ? 'div-somu' : null) });
      for (const row of report.rows) {
        const fields = Object.fromEntries(Object.entries(toRowFields({ rowKey: toListRowKey(report.key, row.key), reportKey: report.key, fiscalYear: 2024, orgCode: 'soumu', row, reviewComment: null })).filter(([, v]) => v !== null));
        await admin.client.api(rowsPath).post({ fields });
      }
      const upgrade = await provisionSite(admin, old.siteUrl);
      expect(upgrade.applied.filter((a) => !a.startsWith('create permission level'))).toEqual([
        'add column FollowUpReports.Deadline',
        'add column FollowUpReports.CycleState',
        'create list FollowUpLedger (3 columns)',
        'create list FollowUpGuidance (8 columns)',
        'create list FollowUpReview (16 columns)',
        'create list FollowUpSubmissions (6 columns)',
        'create list FollowUpReminders (9 columns)',
        'give FollowUpReview its own permissions: secretariat Full Control, reviewers Edit without delete, div-somu/div-kikaku/div-gyokan/div-jichi/div-joho Read',
        'give FollowUpSubmissions its own permissions: secretariat Full Control, reviewers Read, div-somu/div-kikaku/div-gyokan/div-jichi/div-joho Add without edit',
        'give FollowUpReminders its own permissions: secretariat Full Control, reviewers Read, div-somu/div-kikaku/div-gyokan/div-jichi/div-joho Read',
        'make FollowUpLedger readable by the secretariat (secretariat) only',
        'record 4 existing rows of 1 reports in FollowUpLedger',
        // Rows a division could delete (Edit/Contribute) move to the level without delete.
        'give 2 assigned rows "Edit without delete" instead of Edit/Contribute',
        // Schema 6 (#12): every row gets its FollowUpReview item with the state it had.
        'copy the review state of 4 rows into FollowUpReview',
        ...SCHEMA_7_STEPS,
        `record schema version ${SCHEMA_VERSION} (was 3)`,
      ]);
      const { store } = await old.open();
      const audit = await store.audit();
      expect(audit).toMatchObject({ checked: 4, findings: [], missing: [] });
      // From now on a change of DivisionCode behind the secretariat's back shows up.
      const row = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows.find((r) => r.row.division === 'div-somu') as StoredRow;
      await admin.client.api(`${rowsPath}/${row.itemId}/fields`).patch({ DivisionCode: 'div-joho' });
      const after = await store.audit();
      expect(after.findings.map((f) => [f.expectedRowKey, f.fields])).toEqual([[row.rowKey, [{ field: 'DivisionCode', expected: 'div-somu', actual: 'div-joho' }]]]);
      // A second run has nothing left to do.
      expect((await provisionSite(admin, old.siteUrl)).applied).toEqual([]);
    } finally {
      await old.close();
    }
  });
});
