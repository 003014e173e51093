import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PermissionError, ValidationError } from '../../../src/core/errors.js';
import { toListRowKey } from '../../../src/core/lists/row-fields.js';
import type { StoredRow } from '../../../src/core/ports.js';
import { CycleAdmin } from '../../../src/graph/cycle.js';
import { DEFAULT_PERMISSION_GROUPS, type PermissionGroups } from '../../../src/graph/graph-follow-up-store.js';
import { toAppError } from '../../../src/graph/to-app-error.js';
import { makeReport, makeRow } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

// The secretariat adds and deletes rows (#11, the sheet's structure changes): items created with their key, report
// and division, the ledger and item permissions as an assignment leaves them; deletes with If-Match; both refused
// for a closed cycle. A division member can do neither, through the store or over raw Graph.
const GROUPS: PermissionGroups = { ...DEFAULT_PERMISSION_GROUPS, readers: ['div-somu', 'div-kikaku'] };
const REPORT = 'soumu/2024/L-R7';
const SCOPE = { orgCode: 'soumu', fiscalYear: 2024, divisionCode: 'div-somu' };

let h: StoreHarness;
let rowsPath: string;
const secretariat = () => h.open(undefined, undefined, { groups: GROUPS });

beforeAll(async () => {
  h = await startStoreHarness();
  await h.provision();
  const { store } = await secretariat();
  await store.importReport(makeReport({ rows: 4 }));
  await store.importReport(makeReport({ key: 'soumu/2023/L-R7', fiscalYear: 2023, rows: 2 }));
  const all = (await store.open({ orgCode: 'soumu', fiscalYear: 2024 })).rows;
  await store.assignRows(all.map((r) => r.rowKey), 'div-somu');
  rowsPath = `/sites/${store.site.id}/lists/${store.rowsListId}/items`;
});
afterAll(async () => {
  await h.close();
});

const newRow = (key: string, title: string, division: string | null) =>
  makeRow({ key, title, sortOrder: 50, markerRaw: null, markerNorm: null, division, source: { file: 'sheet', line: 1 }, cells: [] });

describe('the secretariat adds and deletes rows', () => {
  let added: StoredRow;

  it('creates a row with its key, report and division: the division sees and edits it, the audit finds nothing', async () => {
    const { store } = await secretariat();
    const { created: [created], taken } = await store.createRows([{ reportKey: REPORT, row: newRow('L-R7/9-1', 'シートで追加した取組', 'div-somu') }]);
    expect(created).toMatchObject({ rowKey: toListRowKey(REPORT, 'L-R7/9-1'), reportKey: REPORT, fiscalYear: 2024, orgCode: 'soumu' });
    expect(created?.row).toMatchObject({ title: 'シートで追加した取組', division: 'div-somu', sortOrder: 50 });
    expect(taken).toEqual([]);
    added = created!;
    // One version: the create (DivisionCode set at once, not a second save).
    expect(await store.history(added)).toHaveLength(1);

    const suzuki = await h.open('suzuki', ACTORS.suzuki);
    const seen = (await suzuki.store.open(SCOPE)).rows.find((r) => r.rowKey === added.rowKey);
    expect(seen?.row.title).toBe('シートで追加した取組');
    // Item permissions as an assignment sets them: the division edits its new row.
    const [saved] = await suzuki.store.saveChanges([{ base: seen!, mine: { ...seen!, row: { ...seen!.row, outcome: '追加した行に記入' } } }]);
    expect(saved?.outcome).toBe('saved');
    added = saved!.stored!;
    // Another division reads it, and cannot write it.
    const tanaka = await h.open('tanaka', ACTORS.tanaka);
    const refused = await tanaka.connection.client.api(`${rowsPath}/${added.itemId}/fields`).patch({ Outcome: '他課の書き込み' }).catch((e: unknown) => toAppError(e, 'patch'));
    expect(refused).toMatchObject({ status: 403 });
    const audit = await store.audit();
    expect(audit.findings).toEqual([]);
    expect(audit.missing).toEqual([]);
  });

  it('refuses a key in use, a report that does not exist, and a row that does not validate, writing nothing', async () => {
    const { store } = await secretariat();
    const before = (await store.open({ orgCode: 'soumu', fiscalYear: 2024 })).rows.length;
    expect(await store.createRows([{ reportKey: REPORT, row: newRow('L-R7/9-1', '同じキー', null) }])).toEqual({ created: [], taken: [added.rowKey] });
    await expect(store.createRows([{ reportKey: 'soumu/2024/NO-SUCH', row: newRow('X/1', '報告なし', null) }])).rejects.toBeInstanceOf(ValidationError);
    await expect(store.createRows([{ reportKey: REPORT, row: newRow('L-R7/9-2', 'x'.repeat(300), null) }])).rejects.toBeInstanceOf(ValidationError);
    expect((await store.open({ orgCode: 'soumu', fiscalYear: 2024 })).rows).toHaveLength(before);
  });

  it('a division member can neither add nor delete: the store refuses first, raw Graph answers 403, nothing changes', async () => {
    const { store, connection } = await h.open('suzuki', ACTORS.suzuki, { groups: GROUPS });
    await expect(store.createRows([{ reportKey: REPORT, row: newRow('L-R7/9-3', '課の追加', 'div-somu') }])).rejects.toBeInstanceOf(PermissionError);
    await expect(store.deleteRows([added])).rejects.toBeInstanceOf(PermissionError);
    const post = await connection.client
      .api(rowsPath)
      .post({ fields: { Title: '課の追加', RowKey: `${REPORT}/L-R7/9-3`, ReportKey: REPORT, FiscalYear: 2024, OrgCode: 'soumu', DivisionCode: 'div-somu', RowKind: '取組', SortOrder: 51 } })
      .catch((e: unknown) => toAppError(e, 'post'));
    expect(post).toMatchObject({ status: 403 });
    const del = await connection.client.api(`${rowsPath}/${added.itemId}`).header('If-Match', added.eTag).delete().catch((e: unknown) => toAppError(e, 'delete'));
    expect(del).toMatchObject({ status: 403 });
    const rows = (await store.open(SCOPE)).rows;
    expect(rows.map((r) => r.rowKey)).toContain(added.rowKey);
    expect(rows.map((r) => r.rowKey)).not.toContain(`${REPORT}/L-R7/9-3`);
  });

  it('deletes with If-Match: a row changed since it was read is left; then it is deleted and forgotten by the ledger', async () => {
    const { store } = await secretariat();
    const stale = { ...added, eTag: '"stale,1"' };
    expect(await store.deleteRows([stale])).toEqual({ deleted: [], changed: [added.rowKey] });
    expect(await store.deleteRows([added])).toEqual({ deleted: [added.rowKey], changed: [] });
    const suzuki = await h.open('suzuki', ACTORS.suzuki);
    expect((await suzuki.store.open(SCOPE)).rows.map((r) => r.rowKey)).not.toContain(added.rowKey);
    // Deleted on purpose: the audit does not report it missing.
    const audit = await store.audit();
    expect(audit.missing).toEqual([]);
    expect(audit.findings).toEqual([]);
  });

  it('refuses both for a closed cycle', async () => {
    const cycles = await CycleAdmin.open({ connection: h.connect(), site: h.siteUrl, actor: ACTORS.sato!, groups: GROUPS });
    await cycles.closeCycle('soumu', 2023);
    const { store } = await secretariat();
    const old = (await store.open({ orgCode: 'soumu', fiscalYear: 2023 })).rows;
    expect(old).toHaveLength(2);
    await expect(store.deleteRows([old[0]!])).rejects.toThrow(/closed/);
    await expect(store.createRows([{ reportKey: 'soumu/2023/L-R7', row: newRow('L-R7/9-9', '締切後の追加', null) }])).rejects.toThrow(/closed/);
    expect((await store.open({ orgCode: 'soumu', fiscalYear: 2023 })).rows).toHaveLength(2);
  });
});
