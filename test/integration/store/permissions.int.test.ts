import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NotFoundError } from '../../../src/core/errors.js';
import type { StoredRow } from '../../../src/core/ports.js';
import { toAppError } from '../../../src/graph/to-app-error.js';
import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

let h: StoreHarness;
let somuRows: StoredRow[];
let kikakuRows: StoredRow[];
let rowsPath: string;

beforeAll(async () => {
  h = await startStoreHarness();
  await h.provision();
  const { store } = await h.open();
  await store.importReport(makeReport({ rows: 10 }));
  const all = (await store.openOrganization(2024, 'soumu')).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  const result = await store.assignRows(all.slice(0, 5).map((r) => r.rowKey), 'div-somu');
  expect(result.assigned).toHaveLength(5);
  await store.assignRows([...all.slice(5).map((r) => r.rowKey), 'no/such/row'], 'div-kikaku');
  somuRows = (await store.openDivision(2024, 'soumu', 'div-somu')).rows;
  kikakuRows = (await store.openDivision(2024, 'soumu', 'div-kikaku')).rows;
  rowsPath = `/sites/${store.site.id}/lists/${store.rowsListId}/items`;
});
afterAll(async () => {
  await h.close();
});

describe('who may edit what', () => {
  it('assigns rows: DivisionCode is set and unknown keys are reported missing', async () => {
    expect(somuRows).toHaveLength(5);
    expect(kikakuRows).toHaveLength(5);
    const { store } = await h.open();
    const again = await store.assignRows(['no/such/row'], 'div-kikaku');
    expect(again).toEqual({ divisionCode: 'div-kikaku', assigned: [], missing: ['no/such/row'] });
  });

  // The division's Edit is item-level and other divisions' rows carry no grant for it, so SharePoint security-trims
  // them: the member's PATCH is refused as 404 itemNotFound (the row does not exist for them), not merely 403.
  it("refuses a division member's raw Graph PATCH of another division's row with their own token, and allows their own", async () => {
    const suzuki = h.connect('suzuki').client;
    const other = kikakuRows[0] as StoredRow;
    const own = somuRows[0] as StoredRow;
    let denied: unknown;
    try {
      await suzuki.api(`${rowsPath}/${other.itemId}/fields`).patch({ Narrative: 'suzuki was here' });
    } catch (error) {
      denied = error;
    }
    expect((denied as { statusCode?: number; code?: string }).statusCode).toBe(404);
    expect((denied as { code?: string }).code).toBe('itemNotFound');
    expect(toAppError(denied, 'PATCH')).toBeInstanceOf(NotFoundError);
    const answer = (await suzuki.api(`${rowsPath}/${own.itemId}/fields`).patch({ Narrative: 'suzuki edits own row' })) as Record<string, unknown>;
    expect(answer.Narrative).toBe('suzuki edits own row');
    const sato = h.connect('sato').client;
    const stored = (await sato.api(`${rowsPath}/${other.itemId}?$expand=fields($select=Narrative)`).get()) as { fields: Record<string, unknown> };
    expect(stored.fields.Narrative).toBe(other.row.narrative);
  });

  it("shows a division member only their division's rows", async () => {
    const { store } = await h.open('suzuki', ACTORS.suzuki);
    const mine = await store.openDivision(2024, 'soumu', 'div-somu');
    expect(mine.rows.map((r) => r.rowKey).sort()).toEqual(somuRows.map((r) => r.rowKey).sort());
    const theirs = await store.openDivision(2024, 'soumu', 'div-kikaku');
    expect(theirs.rows).toEqual([]);
  });

  it('refuses in the store, with a clear message and without a request, what the rule forbids', async () => {
    const { store, connection } = await h.open('suzuki', ACTORS.suzuki);
    const other = kikakuRows[0] as StoredRow;
    const own = (await store.openDivision(2024, 'soumu', 'div-somu')).rows[0] as StoredRow;
    connection.resetCounters();
    const results = await store.saveChanges([
      { base: other, mine: { ...other, row: { ...other.row, narrative: 'x' } } },
      { base: own, mine: { ...own, row: { ...own.row, title: '改題' } } },
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['denied', 'denied']);
    expect(results[0]?.denial?.messageJa).toContain('「div-kikaku」の担当です');
    expect(results[1]?.denial?.fields).toEqual(['Title']);
    expect(connection.counters.attempts).toBe(0);
  });

  it('lets a reviewer set review fields on an assigned row', async () => {
    const { store } = await h.open('takahashi', ACTORS.takahashi);
    const row = (await store.openDivision(2024, 'soumu', 'div-kikaku')).rows[0] as StoredRow;
    const [saved] = await store.saveChanges([{ base: row, mine: { ...row, row: { ...row.row, reviewState: 'returned' }, reviewComment: '数値の時点を確認してください' } }]);
    expect(saved?.outcome).toBe('saved');
    expect(saved?.stored?.row.reviewState).toBe('returned');
    expect(saved?.stored?.reviewComment).toBe('数値の時点を確認してください');
  });

  it('answers 403 to a user who can read a row but holds no edit right on it (reviewer, unassigned row)', async () => {
    const { store } = await h.open();
    await store.importReport(makeReport({ key: 'soumu/2024/extra', rows: 1 }));
    const unassigned = (await store.openOrganization(2024, 'soumu')).rows.find((r) => r.reportKey === 'soumu/2024/extra') as StoredRow;
    const takahashi = h.connect('takahashi').client;
    const read = (await takahashi.api(`${rowsPath}/${unassigned.itemId}?$expand=fields($select=RowKey)`).get()) as { fields: Record<string, unknown> };
    expect(read.fields.RowKey).toBe(unassigned.rowKey);
    await expect(takahashi.api(`${rowsPath}/${unassigned.itemId}/fields`).patch({ ReviewState: '承認済' })).rejects.toMatchObject({ statusCode: 403, code: 'accessDenied' });
  });

  it('reassigning a row moves the Edit permission to the new division', async () => {
    const { store } = await h.open();
    const row = somuRows[1] as StoredRow;
    await store.assignRows([row.rowKey], 'div-kikaku');
    const suzuki = h.connect('suzuki').client;
    const tanaka = h.connect('tanaka').client;
    await expect(suzuki.api(`${rowsPath}/${row.itemId}/fields`).patch({ Outcome: 'x' })).rejects.toMatchObject({ statusCode: 404 });
    const ok = (await tanaka.api(`${rowsPath}/${row.itemId}/fields`).patch({ Outcome: 'tanaka' })) as Record<string, unknown>;
    expect(ok.Outcome).toBe('tanaka');
  });
});
