// Cycle operations of the secretariat (#12): open 令和7年度 from 令和6年度, deadline, close — against the local service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PermissionError, ValidationError } from '../../../src/core/errors.js';
import { continuationSuggestion, isOverdue } from '../../../src/core/review/cycle.js';
import { DEFAULT_PERMISSION_GROUPS, type PermissionGroups } from '../../../src/graph/graph-follow-up-store.js';
import { CycleAdmin } from '../../../src/graph/cycle.js';
import { provisionSite } from '../../../src/graph/provision.js';
import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

const GROUPS: PermissionGroups = { ...DEFAULT_PERMISSION_GROUPS, readers: ['div-somu', 'div-kikaku'] };
let h: StoreHarness;
let cycles: CycleAdmin;

const status = async (call: () => Promise<unknown>): Promise<number> => call().then(() => 200, (e: { statusCode?: number }) => e.statusCode ?? -1);

beforeAll(async () => {
  h = await startStoreHarness();
  await provisionSite(h.connect(), h.siteUrl, { groups: GROUPS });
  cycles = await CycleAdmin.open({ connection: h.connect(), site: h.siteUrl, actor: ACTORS.sato!, groups: GROUPS });
  await cycles.store.importReport(makeReport({ rows: 4, divisionOf: (i) => (i < 2 ? 'div-somu' : 'div-kikaku') }));
  const rows = (await cycles.store.open({ orgCode: 'soumu', fiscalYear: 2024 })).rows;
  await cycles.store.assignRows(rows.filter((r) => r.row.division === 'div-somu').map((r) => r.rowKey), 'div-somu');
  await cycles.store.assignRows(rows.filter((r) => r.row.division === 'div-kikaku').map((r) => r.rowKey), 'div-kikaku');
}, 60_000);
afterAll(async () => {
  await h.close();
});

describe('cycles', () => {
  it('only the secretariat runs cycle operations', async () => {
    await expect(CycleAdmin.open({ connection: h.connect('takahashi'), site: h.siteUrl, actor: ACTORS.takahashi! })).rejects.toBeInstanceOf(PermissionError);
  });

  it('opens 令和7年度 from 令和6年度: structure, divisions and permissions carried, answers empty, deadline set', async () => {
    const opened = await cycles.openCycle('soumu', 2025, '令和7年6月30日');
    expect(opened).toEqual({ reports: [{ key: 'soumu/2025/L-R7', rows: 4, created: 4 }], assigned: 4 });
    const [report] = await cycles.reports('soumu', 2025);
    expect(report).toMatchObject({ deadline: '2025-06-30', cycleState: 'open', report: { cycleLabel: '令和7年度', fiscalYear: 2025 } });
    const [carried] = await cycles.reports('soumu', 2025);
    const [last] = await cycles.reports('soumu', 2024);
    expect(carried?.report.rows.map((r) => [r.key, r.title, r.division, r.narrative, r.status, r.reviewState])).toEqual(
      last?.report.rows.map((r) => [r.key, r.title, r.division, null, null, 'unreviewed']),
    );
    // Last year's answer is the suggestion, marked 【継続】.
    const lastRow = last!.report.rows[0]!;
    expect(lastRow.entries.length).toBeGreaterThan(0);
    expect(continuationSuggestion(lastRow)).toBe(lastRow.entries.map((e) => `【継続】${e.text}`).join('\n'));
    // The new rows are the divisions' to edit, and only theirs.
    const somu = carried!.stored.find((r) => r.row.division === 'div-somu')!;
    const rowsPath = `${cycles.store.context.rowsPath}/${somu.itemId}/fields`;
    expect(await status(() => h.connect('suzuki').client.api(rowsPath).patch({ Narrative: '【継続】令和7年度も実施する。' }))).toBe(200);
    expect(await status(() => h.connect('tanaka').client.api(rowsPath).patch({ Narrative: 'not mine' }))).toBe(403);
    // Opening again creates nothing.
    expect((await cycles.openCycle('soumu', 2025)).reports).toEqual([{ key: 'soumu/2025/L-R7', rows: 4, created: 0 }]);
    expect(isOverdue('2025-06-30', '未確認', new Date('2025-06-30T14:00:00Z'))).toBe(false);
    expect(isOverdue('2025-06-30', '未確認', new Date('2025-06-30T15:00:01Z'))).toBe(true);
  });

  it('refuses a deadline that is not a date, and opening a year with no year before it', async () => {
    await expect(cycles.setDeadline('soumu', 2025, '2025-02-30')).rejects.toBeInstanceOf(ValidationError);
    await expect(cycles.openCycle('soumu', 2030)).rejects.toBeInstanceOf(ValidationError);
    expect((await cycles.reports('soumu', 2025))[0]?.deadline).toBe('2025-06-30');
  });

  it('closes a cycle: every row read-only for its division, the reports marked closed', async () => {
    const rows = (await cycles.store.open({ orgCode: 'soumu', fiscalYear: 2024 })).rows;
    const own = rows.find((r) => r.row.division === 'div-somu')!;
    const path = `${cycles.store.context.rowsPath}/${own.itemId}/fields`;
    expect(await status(() => h.connect('suzuki').client.api(path).patch({ Outcome: 'before closing' }))).toBe(200);
    // 2025 is open: the review lists keep their adds for it.
    expect(await cycles.closeCycle('soumu', 2024)).toEqual({ locked: 4, reviewItems: 4, listsClosed: false });
    expect(await status(() => h.connect('suzuki').client.api(path).patch({ Outcome: 'after closing' }))).toBe(403);
    expect((await cycles.reports('soumu', 2024))[0]?.cycleState).toBe('closed');
    // The new year is untouched.
    expect((await cycles.reports('soumu', 2025))[0]?.cycleState).toBe('open');
  });
});
