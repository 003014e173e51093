// One division member's raw write of a column they may edit (IndicatorValuesJson: not JSON; found by the red team)
// must not take the whole ministry's review down (#12): every other row stays reviewable, the unreadable row is listed
// apart with its column and why, decisions on it are refused with the restore hint, and the report still refuses to
// print without it — saying which row, which column, and what to do, in Japanese then English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UnreadableRowsError } from '../../../src/core/errors.js';
import type { StoredRow } from '../../../src/core/ports.js';
import { CycleAdmin } from '../../../src/graph/cycle.js';
import { DEFAULT_PERMISSION_GROUPS, type PermissionGroups } from '../../../src/graph/graph-follow-up-store.js';
import { readListReports } from '../../../src/graph/list-reports.js';
import { provisionSite } from '../../../src/graph/provision.js';
import { openReviewService, type ReviewService } from '../../../src/graph/review.js';
import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

const GROUPS: PermissionGroups = { ...DEFAULT_PERMISSION_GROUPS, readers: ['div-somu', 'div-kikaku'] };
const SCOPE = { fiscalYear: 2024, orgCode: 'soumu' } as const;
let h: StoreHarness;
let cycles: CycleAdmin;
let all: StoredRow[];
let broken: StoredRow;

const service = (user: 'suzuki' | 'takahashi'): Promise<ReviewService> => openReviewService({ connection: h.connect(user), site: h.siteUrl, actor: ACTORS[user]!, groups: GROUPS });

beforeAll(async () => {
  h = await startStoreHarness();
  await provisionSite(h.connect(), h.siteUrl, { groups: GROUPS });
  cycles = await CycleAdmin.open({ connection: h.connect(), site: h.siteUrl, actor: ACTORS.sato!, groups: GROUPS });
  await cycles.store.importReport(makeReport({ rows: 4 }));
  all = (await cycles.store.open(SCOPE)).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  await cycles.store.assignRows(all.slice(0, 2).map((r) => r.rowKey), 'div-somu');
  await cycles.store.assignRows(all.slice(2).map((r) => r.rowKey), 'div-kikaku');
  broken = all[0]!;
  const rowsPath = `/sites/${cycles.store.site.id}/lists/${cycles.store.rowsListId}/items`;
  await h.connect('suzuki').client.api(`${rowsPath}/${broken.itemId}/fields`).patch({ IndicatorValuesJson: '{not json' });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('an unreadable row', () => {
  it('leaves every other row in the reviewer’s overview, and lists it apart with its column and why', async () => {
    const { rows, unreadable } = await (await service('takahashi')).overview(SCOPE);
    expect(rows.map((r) => r.row.rowKey).sort()).toEqual(all.slice(1).map((r) => r.rowKey).sort());
    expect(unreadable).toEqual([
      { itemId: broken.itemId, rowKey: broken.rowKey, title: broken.row.title, divisionCode: 'div-somu', issues: [expect.objectContaining({ field: 'IndicatorValuesJson', reason: expect.any(String) as string })] },
    ]);
  });

  it('keeps the division’s own review working: its other row submits, the broken one is refused with the hint', async () => {
    const suzuki = await service('suzuki');
    const mine = await suzuki.overview({ ...SCOPE, divisionCode: 'div-somu' });
    expect([mine.rows.map((r) => r.row.rowKey), mine.unreadable.map((u) => u.rowKey)]).toEqual([[all[1]!.rowKey], [broken.rowKey]]);
    const r = await suzuki.submit([broken.rowKey, all[1]!.rowKey]);
    expect(r.submitted).toEqual([all[1]!.rowKey]);
    expect(r.refused).toEqual([{ rowKey: broken.rowKey, problem: expect.objectContaining({ code: 'unreadable', field: 'IndicatorValuesJson' }) }]);
    expect(r.refused[0]!.problem.ja).toMatch(new RegExp(`^行 ${broken.rowKey}（項目 ${broken.itemId}）は読み取れないため処理できません（IndicatorValuesJson: .+）。SharePoint でこの項目のバージョン履歴を開き、以前のバージョンを復元してください。$`));
    expect(r.refused[0]!.problem.en).toContain("Restore the previous version from the item's version history in SharePoint.");
  });

  it('lets a reviewer decide the other rows in the same bulk decision; the broken one is refused, nothing written', async () => {
    const takahashi = await service('takahashi');
    const d = await takahashi.approveRows([{ rowKey: broken.rowKey }, { rowKey: all[1]!.rowKey }]);
    expect(d.done).toEqual([all[1]!.rowKey]);
    expect(d.failed).toEqual([]);
    expect(d.refused.map((x) => [x.rowKey, x.problem.code])).toEqual([[broken.rowKey, 'unreadable']]);
    expect((await takahashi.overview(SCOPE)).rows.find((x) => x.row.rowKey === all[1]!.rowKey)?.state).toBe('承認済');
  });

  it('still refuses the report (a report must not drop a row silently), naming the row, the column and the hint', async () => {
    const error = await readListReports(cycles.store.context, SCOPE).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnreadableRowsError);
    const message = (error as Error).message;
    expect(message.split('\n')[0]).toBe('読み取れない行が 1 件あるため、報告書を作成できません（その行を除いて作成すると報告が不正確になります）。');
    expect(message).toContain(`行 ${broken.rowKey}（項目 ${broken.itemId}） ${broken.row.title}\n    IndicatorValuesJson: `);
    expect(message).toContain('バージョン履歴を開き、以前のバージョンを復元してください。\nThe report cannot be built: 1 row(s) cannot be read');
  });
});
