import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PermissionError } from '../../../src/core/errors.js';
import type { StoredRow } from '../../../src/core/ports.js';
import { DEFAULT_PERMISSION_GROUPS, type PermissionGroups } from '../../../src/graph/graph-follow-up-store.js';
import { toAppError } from '../../../src/graph/to-app-error.js';
import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

let h: StoreHarness;
let somuRows: StoredRow[];
let kikakuRows: StoredRow[];
let rowsPath: string;
/** Reader groups of this file: two of the directory's five divisions, so a non-reader division can be tested too. */
const GROUPS: PermissionGroups = { ...DEFAULT_PERMISSION_GROUPS, readers: ['div-somu', 'div-kikaku'] };
const secretariat = () => h.open(undefined, undefined, { groups: GROUPS });

beforeAll(async () => {
  h = await startStoreHarness();
  await h.provision();
  const { store } = await secretariat();
  await store.importReport(makeReport({ rows: 10 }));
  const all = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  const result = await store.assignRows(all.slice(0, 5).map((r) => r.rowKey), 'div-somu');
  expect(result.assigned).toHaveLength(5);
  await store.assignRows([...all.slice(5).map((r) => r.rowKey), 'no/such/row'], 'div-kikaku');
  somuRows = (await store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' })).rows;
  kikakuRows = (await store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-kikaku' })).rows;
  rowsPath = `/sites/${store.site.id}/lists/${store.rowsListId}/items`;
});
afterAll(async () => {
  await h.close();
});

describe('who may edit what', () => {
  it('assigns rows: DivisionCode is set and unknown keys are reported missing', async () => {
    expect(somuRows).toHaveLength(5);
    expect(kikakuRows).toHaveLength(5);
    const { store } = await secretariat();
    const again = await store.assignRows(['no/such/row'], 'div-kikaku');
    expect(again).toEqual({ divisionCode: 'div-kikaku', assigned: [], missing: ['no/such/row'] });
  });

  // Divisions read the whole Rows list (reader groups) but hold Edit only on their assigned rows, so SharePoint
  // refuses the write itself: 403 accessDenied, and the row is unchanged.
  it("refuses a division member's raw Graph PATCH of another division's row with their own token (403), and allows their own", async () => {
    const suzuki = h.connect('suzuki').client;
    const other = kikakuRows[0] as StoredRow;
    const own = somuRows[0] as StoredRow;
    const visible = (await suzuki.api(`${rowsPath}/${other.itemId}?$expand=fields($select=Narrative)`).get()) as { eTag: string; fields: Record<string, unknown> };
    expect(visible.fields.Narrative).toBe(other.row.narrative);
    let denied: unknown;
    try {
      await suzuki.api(`${rowsPath}/${other.itemId}/fields`).patch({ Narrative: 'suzuki was here' });
    } catch (error) {
      denied = error;
    }
    expect(denied).toMatchObject({ statusCode: 403, code: 'accessDenied' });
    expect(toAppError(denied, 'PATCH')).toBeInstanceOf(PermissionError);
    // Also with the row's current eTag and through $batch: still refused.
    const batch = (await suzuki.api('/$batch').post({
      requests: [{ id: '1', method: 'PATCH', url: `${rowsPath}/${other.itemId}/fields`, headers: { 'Content-Type': 'application/json', 'If-Match': visible.eTag }, body: { Status: '実施未定' } }],
    })) as { responses: { id: string; status: number; body: { error?: { code?: string } } }[] };
    expect(batch.responses.map((r) => [r.status, r.body.error?.code])).toEqual([[403, 'accessDenied']]);
    const sato = h.connect('sato').client;
    const stored = (await sato.api(`${rowsPath}/${other.itemId}?$expand=fields($select=Narrative,Status)`).get()) as { eTag: string; fields: Record<string, unknown> };
    expect(stored.eTag).toBe(other.eTag);
    expect(stored.fields.Narrative).toBe(other.row.narrative);
    const answer = (await suzuki.api(`${rowsPath}/${own.itemId}/fields`).patch({ Narrative: 'suzuki edits own row' })) as Record<string, unknown>;
    expect(answer.Narrative).toBe('suzuki edits own row');
  });

  it("lets a division member read the whole ministry's rows, and the store refuses their edits outside their division", async () => {
    const { store, connection } = await h.open('suzuki', ACTORS.suzuki);
    const mine = await store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' });
    expect(mine.rows.map((r) => r.rowKey).sort()).toEqual(somuRows.map((r) => r.rowKey).sort());
    const theirs = await store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-kikaku' });
    expect(theirs.rows.map((r) => r.rowKey).sort()).toEqual(kikakuRows.map((r) => r.rowKey).sort());
    const ministry = await store.open({ fiscalYear: 2024, orgCode: 'soumu' });
    expect(ministry.rows).toHaveLength(10);
    connection.resetCounters();
    const other = theirs.rows[0] as StoredRow;
    const [result] = await store.saveChanges([{ base: other, mine: { ...other, row: { ...other.row, outcome: 'x' } } }]);
    expect(result?.outcome).toBe('denied');
    expect(connection.counters.attempts).toBe(0);
  });

  it('refuses in the store, with a clear message and without a request, what the rule forbids', async () => {
    const { store, connection } = await h.open('suzuki', ACTORS.suzuki);
    const other = kikakuRows[0] as StoredRow;
    const own = (await store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' })).rows[0] as StoredRow;
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

  it('refuses a reviewer the review columns of a row: since schema 6 the review lives in FollowUpReview (#12)', async () => {
    const { store, connection } = await h.open('takahashi', ACTORS.takahashi);
    const row = (await store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-kikaku' })).rows[0] as StoredRow;
    const sent = connection.counters.attempts;
    const [saved] = await store.saveChanges([{ base: row, mine: { ...row, row: { ...row.row, reviewState: 'returned' }, reviewComment: '数値の時点を確認してください' } }]);
    expect(saved?.outcome).toBe('denied');
    expect(connection.counters.attempts).toBe(sent);
    // And SharePoint refuses the same write sent by hand: reviewers hold "Review rows" (no edit) on assigned rows.
    await expect(h.connect('takahashi').client.api(`${rowsPath}/${row.itemId}/fields`).patch({ ReviewState: '差戻し' })).rejects.toMatchObject({ statusCode: 403, code: 'accessDenied' });
  });

  it('answers 403 to a user who can read a row but holds no edit right on it (reviewer, unassigned row)', async () => {
    const { store } = await secretariat();
    await store.importReport(makeReport({ key: 'soumu/2024/extra', rows: 1 }));
    const unassigned = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows.find((r) => r.reportKey === 'soumu/2024/extra') as StoredRow;
    const takahashi = h.connect('takahashi').client;
    const read = (await takahashi.api(`${rowsPath}/${unassigned.itemId}?$expand=fields($select=RowKey)`).get()) as { fields: Record<string, unknown> };
    expect(read.fields.RowKey).toBe(unassigned.rowKey);
    await expect(takahashi.api(`${rowsPath}/${unassigned.itemId}/fields`).patch({ ReviewState: '承認済' })).rejects.toMatchObject({ statusCode: 403, code: 'accessDenied' });
  });

  it('reassigning a row moves the Edit permission to the new division', async () => {
    const { store } = await secretariat();
    const row = somuRows[1] as StoredRow;
    await store.assignRows([row.rowKey], 'div-kikaku');
    const suzuki = h.connect('suzuki').client;
    const tanaka = h.connect('tanaka').client;
    await expect(suzuki.api(`${rowsPath}/${row.itemId}/fields`).patch({ Outcome: 'x' })).rejects.toMatchObject({ statusCode: 403, code: 'accessDenied' });
    const ok = (await tanaka.api(`${rowsPath}/${row.itemId}/fields`).patch({ Outcome: 'tanaka' })) as Record<string, unknown>;
    expect(ok.Outcome).toBe('tanaka');
  });
  it('hides the rows of other divisions from a division that is not a reader group (404 itemNotFound)', async () => {
    // div-gyokan is not among this file's reader groups: once it owns a row it can open the site, but other
    // divisions' rows do not exist for its members.
    const { store } = await secretariat();
    const gyokanRow = somuRows[4] as StoredRow;
    await store.assignRows([gyokanRow.rowKey], 'div-gyokan');
    const watanabe = h.connect('watanabe').client;
    const own = (await watanabe.api(`${rowsPath}/${gyokanRow.itemId}/fields`).patch({ Outcome: 'gyokan' })) as Record<string, unknown>;
    expect(own.Outcome).toBe('gyokan');
    await expect(watanabe.api(`${rowsPath}/${(kikakuRows[1] as StoredRow).itemId}/fields`).patch({ Outcome: 'x' })).rejects.toMatchObject({ statusCode: 404, code: 'itemNotFound' });
  });
  it('sets item permissions with 3 SharePoint REST calls per row (break with copy, reviewers Contribute, division Edit)', async () => {
    const { store, connection } = await secretariat();
    await store.importReport(makeReport({ key: 'soumu/2024/perm-count', rows: 5 }));
    const rows = (await store.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows.filter((r) => r.reportKey === 'soumu/2024/perm-count');
    // Warm-up: group and role ids (7 lookups) and the list's permissions are read once per store.
    await store.assignRows([(rows[0] as StoredRow).rowKey], 'div-somu');
    connection.resetCounters();
    await store.assignRows(rows.slice(1).map((r) => r.rowKey), 'div-somu');
    expect(connection.counters.sharePointRest).toBe(4 * 3);
  });
});
