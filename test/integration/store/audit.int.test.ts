// Nobody but the secretariat deletes rows, and changes to the fields that tie a row to its report and division are
// found by the audit (#8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ResponseType } from '@microsoft/microsoft-graph-client';

import type { StoredRow } from '../../../src/core/ports.js';
import { makeReport } from '../../core/lists/make-row.js';
import { startStoreHarness, type StoreHarness } from './harness.js';

const ROWS = 8;
let h: StoreHarness;
let rows: StoredRow[];
let rowsPath: string;
let levelCreated: boolean;

beforeAll(async () => {
  h = await startStoreHarness();
  const provisioned = await h.provision();
  levelCreated = provisioned.applied.some((a) => a.startsWith('create permission level'));
  const { store } = await h.open();
  await store.importReport(makeReport({ key: 'soumu/2024/audit', rows: ROWS }));
  const all = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  await store.assignRows(all.slice(0, 4).map((r) => r.rowKey), 'div-somu');
  await store.assignRows(all.slice(4).map((r) => r.rowKey), 'div-kikaku');
  rows = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  rowsPath = `/sites/${store.site.id}/lists/${store.rowsListId}/items`;
});
afterAll(async () => {
  await h.close();
});

describe('the audit (npx followup audit)', () => {
  it('finds nothing on rows only the secretariat tools touched, in 2 requests', async () => {
    const { store } = await h.open();
    // The list ids are resolved once per store; the audit itself reads the rows and the ledger.
    await store.audit();
    const report = await store.audit();
    expect(report).toEqual({ checked: ROWS, findings: [], missing: [], requests: 2 });
  });

  it("lists changes a division made to its own rows' ties (DivisionCode, RowKey, ReportKey, SourceRaw), with who made them", async () => {
    const suzuki = h.connect('suzuki').client;
    const [a, b, c, d] = rows as [StoredRow, StoredRow, StoredRow, StoredRow];
    // SharePoint lets a division edit every field of its rows: these succeed.
    await suzuki.api(`${rowsPath}/${a.itemId}/fields`).patch({ DivisionCode: 'div-kikaku' });
    await suzuki.api(`${rowsPath}/${b.itemId}/fields`).patch({ RowKey: 'soumu/2024/audit/forged' });
    await suzuki.api(`${rowsPath}/${c.itemId}/fields`).patch({ ReportKey: 'soumu/2024/other' });
    await suzuki.api(`${rowsPath}/${d.itemId}/fields`).patch({ SourceRaw: '{"key":"x","source":{"file":"forged.txt","line":1}}', Narrative: 'also the content' });
    const { store } = await h.open();
    const report = await store.audit();
    expect(report.checked).toBe(ROWS);
    expect(report.missing).toEqual([]);
    const byItem = new Map(report.findings.map((f) => [f.itemId, f]));
    expect(report.findings).toHaveLength(4);
    expect(byItem.get(a.itemId)?.fields).toEqual([{ field: 'DivisionCode', expected: 'div-somu', actual: 'div-kikaku' }]);
    // A re-keyed row is paired with its original key through its first version.
    expect(byItem.get(b.itemId)).toMatchObject({ expectedRowKey: b.rowKey, fields: [{ field: 'RowKey', expected: b.rowKey, actual: 'soumu/2024/audit/forged' }] });
    expect(byItem.get(c.itemId)?.fields).toEqual([{ field: 'ReportKey', expected: 'soumu/2024/audit', actual: 'soumu/2024/other' }]);
    expect(byItem.get(d.itemId)?.fields.map((f) => f.field)).toEqual(['SourceRaw']);
    for (const f of report.findings) {
      expect(f.changedBy).toBe('鈴木 一郎');
      expect(Date.parse(f.changedAt ?? '')).toBeGreaterThan(0);
    }
    // Reads only: the rows, the ledger, and one $batch of the four items' versions.
    expect(report.requests).toBe(3);
  });

  it('lists rows deleted since they were recorded as missing', async () => {
    const { store } = await h.open();
    const gone = rows[7] as StoredRow;
    const res = (await h.connect().client.api(`${rowsPath}/${gone.itemId}`).responseType(ResponseType.RAW).delete()) as Response;
    expect(res.status).toBe(204);
    const report = await store.audit();
    expect(report.missing).toEqual([{ rowKey: gone.rowKey, reportKey: gone.reportKey }]);
    expect(report.checked).toBe(ROWS - 1);
  });

  it('lists an item nobody recorded (created by hand) with its creator', async () => {
    const { store } = await h.open();
    const fields = { Title: '手作業の行', RowKey: 'soumu/2024/hand/1', ReportKey: 'soumu/2024/hand', FiscalYear: 2024, OrgCode: 'soumu', RowKind: '取組', SourceRaw: '{"key":"1","source":{"file":"hand","line":1}}' };
    const created = (await h.connect().client.api(rowsPath).post({ fields })) as { id: string };
    const report = await store.audit();
    const found = report.findings.find((f) => f.itemId === created.id);
    expect(found).toEqual({ itemId: created.id, expectedRowKey: null, fields: [{ field: 'RowKey', expected: null, actual: 'soumu/2024/hand/1' }], changedBy: '佐藤 花子', changedAt: expect.any(String) as string });
  });
});

describe('deletes (#8 item 4)', () => {
  it('refuses raw Graph DELETE and $batch DELETE of an assigned row to its division and the reviewers, who still edit it', async () => {
    expect(levelCreated).toBe(true);
    const suzuki = h.connect('suzuki').client;
    const takahashi = h.connect('takahashi').client;
    const own = rows[1] as StoredRow;
    for (const client of [suzuki, takahashi]) {
      await expect(client.api(`${rowsPath}/${own.itemId}`).delete()).rejects.toMatchObject({ statusCode: 403 });
      const batch = (await client.api('/$batch').post({ requests: [{ id: '1', method: 'DELETE', url: `${rowsPath}/${own.itemId}` }] })) as { responses: { status: number }[] };
      expect(batch.responses.map((r) => r.status)).toEqual([403]);
    }
    // They still edit it.
    expect(((await suzuki.api(`${rowsPath}/${own.itemId}/fields`).patch({ Outcome: 'still editable' })) as Record<string, unknown>).Outcome).toBe('still editable');
  });
});
