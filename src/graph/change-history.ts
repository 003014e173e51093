/**
 * The change history of a cycle (#12): every row of the scopes with its item versions (who changed which column,
 * from what to what, when) and its review transitions (提出済 / 差戻し / 承認済 with comments). Reads only: the
 * review overview (3 reads per scope) and one versions read per row, a few at a time.
 */
import type { RowScope } from '../core/ports.js';
import type { ChangeEntry } from '../core/report/history.js';
import { rowHistory } from './history.js';
import type { ReviewService, RowReview } from './review.js';
import type { StoreContext } from './store-context.js';

/** Versions reads in flight at once (SharePoint throttles bursts; the retry middleware covers the rest). */
const CONCURRENCY = 4;

function reviewEntries(r: RowReview): ChangeEntry[] {
  const base = { orgCode: r.row.orgCode, reportKey: r.row.reportKey, rowKey: r.row.rowKey, rowTitle: r.row.row.focusItem ?? r.row.row.title, divisionCode: r.row.row.division, version: null };
  return r.review.history.map((t) => ({
    ...base,
    at: t.at,
    by: t.by,
    kind: 'review' as const,
    field: t.field ?? null,
    before: null,
    after: t.refused ? `${t.state}（受付せず：${t.refused}）` : t.state,
    comment: t.comment ?? null,
  }));
}

async function editEntries(ctx: StoreContext, r: RowReview): Promise<ChangeEntry[]> {
  const base = { orgCode: r.row.orgCode, reportKey: r.row.reportKey, rowKey: r.row.rowKey, rowTitle: r.row.row.focusItem ?? r.row.row.title, divisionCode: r.row.row.division, comment: null };
  const versions = await rowHistory(ctx, r.row);
  const out: ChangeEntry[] = [];
  versions.forEach((v, i) => {
    const at = v.modifiedAt;
    const by = v.modifiedBy?.displayName ?? v.modifiedBy?.email ?? '';
    // The oldest version is the row's creation (the import or a new row): one line, not one per column.
    if (i === versions.length - 1) {
      out.push({ ...base, at, by, kind: 'created', field: null, before: null, after: null, version: v.versionId });
      return;
    }
    for (const c of v.changes ?? v.changedFields.map((field) => ({ field, before: null, after: null }))) out.push({ ...base, at, by, kind: 'edit', field: c.field, before: c.before, after: c.after, version: v.versionId });
  });
  return out;
}

/** The history of every row of `scopes`, unsorted (historyRows sorts). */
export async function readChangeHistory(ctx: StoreContext, review: ReviewService, scopes: readonly RowScope[]): Promise<{ entries: ChangeEntry[]; rows: number }> {
  const rows = (await Promise.all(scopes.map(async (s) => (await review.overview(s)).rows))).flat();
  const entries: ChangeEntry[] = rows.flatMap(reviewEntries);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length) {
      const r = rows[next++]!;
      entries.push(...(await editEntries(ctx, r)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, rows.length) }, worker));
  return { entries, rows: rows.length };
}
