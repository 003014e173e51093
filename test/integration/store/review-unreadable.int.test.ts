// One division member's raw write of a column they may edit (IndicatorValuesJson: not JSON) must not take the whole
// ministry's review down: the reviewer's overview still lists every other row, and says which row is unreadable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CycleAdmin } from '../../../src/graph/cycle.js';
import { DEFAULT_PERMISSION_GROUPS, type PermissionGroups } from '../../../src/graph/graph-follow-up-store.js';
import { provisionSite } from '../../../src/graph/provision.js';
import { openReviewService } from '../../../src/graph/review.js';
import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

const GROUPS: PermissionGroups = { ...DEFAULT_PERMISSION_GROUPS, readers: ['div-somu', 'div-kikaku'] };
const SCOPE = { fiscalYear: 2024, orgCode: 'soumu' } as const;
let h: StoreHarness;

beforeAll(async () => {
  h = await startStoreHarness();
  await provisionSite(h.connect(), h.siteUrl, { groups: GROUPS });
  const cycles = await CycleAdmin.open({ connection: h.connect(), site: h.siteUrl, actor: ACTORS.sato!, groups: GROUPS });
  await cycles.store.importReport(makeReport({ rows: 4 }));
  const all = (await cycles.store.open(SCOPE)).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  await cycles.store.assignRows(all.slice(0, 2).map((r) => r.rowKey), 'div-somu');
  await cycles.store.assignRows(all.slice(2).map((r) => r.rowKey), 'div-kikaku');
  const rowsPath = `/sites/${cycles.store.site.id}/lists/${cycles.store.rowsListId}/items`;
  await h.connect('suzuki').client.api(`${rowsPath}/${all[0]!.itemId}/fields`).patch({ IndicatorValuesJson: '{not json' });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('an unreadable row', () => {
  it('leaves the review of every other row usable', async () => {
    const reviewer = await openReviewService({ connection: h.connect('takahashi'), site: h.siteUrl, actor: ACTORS.takahashi!, groups: GROUPS });
    const rows = await reviewer.overview(SCOPE);
    expect(rows.length).toBe(3);
  });
});
