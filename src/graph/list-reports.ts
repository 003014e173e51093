/**
 * Reports as the lists hold them (#12): the report items of a year (one 府省等, or every 府省等 for the cross-ministry
 * compilation) with their rows as stored — the latest edits — rebuilt as core Reports, so the official layouts are
 * rendered from the lists, never from the source files. Anyone who can read the lists can do it (2 reads + paging).
 */
import { UnreadableRowsError, ValidationError } from '../core/errors.js';
import { fromReportFields } from '../core/lists/row-fields.js';
import { LIST_NAMES } from '../core/lists/schema.js';
import type { Layout, Report } from '../core/model/schema.js';
import type { StoredRow } from '../core/ports.js';
import { getAll, odataString, withQuery } from './paging.js';
import { toStoredRows, unreadableRow, type GraphItem } from './row-items.js';
import { unreadableReportMessage } from '../core/review/unreadable.js';
import { resolveListId, type StoreContext } from './store-context.js';

export interface ListReport {
  itemId: string;
  eTag: string;
  report: Report;
  stored: StoredRow[];
  deadline: string | null;
  cycleState: 'open' | 'closed';
}

export interface ReportQuery {
  fiscalYear: number;
  /** One 府省等, or every 府省等 of the site. */
  orgCode?: string;
  /** Only reports of these layouts. */
  layouts?: readonly Layout[];
}

/**
 * The reports of a year with their rows. Rows of one 府省等 come through the indexed OrgCode + FiscalYear filter;
 * without `orgCode`, FiscalYear alone (indexed). Unreadable items (hand-edited beyond repair) fail the read with
 * their reasons: a report printed without some of its rows would be wrong without saying so.
 */
export async function readListReports(ctx: StoreContext, query: ReportQuery): Promise<ListReport[]> {
  const reportsList = await resolveListId(ctx.client, ctx.site, LIST_NAMES.Reports);
  const filter = [...(query.orgCode !== undefined ? [`fields/OrgCode eq ${odataString(query.orgCode)}`] : []), `fields/FiscalYear eq ${query.fiscalYear}`].join(' and ');
  const [reports, rows] = await Promise.all([
    getAll<GraphItem>(ctx.client, withQuery(`/sites/${ctx.site.id}/lists/${reportsList}/items`, { $filter: filter, $expand: 'fields', $select: 'id,eTag', $top: 5000 }), 'GET reports'),
    getAll<GraphItem>(ctx.client, withQuery(ctx.rowsPath, { $filter: filter, $expand: 'fields', $select: 'id,eTag,lastModifiedDateTime', $top: 5000 }), 'GET rows'),
  ]);
  const { rows: stored, unreadable } = toStoredRows(rows.items);
  if (unreadable.length > 0) {
    const named = unreadable.map((u) => unreadableRow(rows.items.find((i) => String(i.id) === u.itemId) ?? { id: u.itemId }, u.issues));
    throw new UnreadableRowsError(unreadable.flatMap((u) => u.issues), unreadableReportMessage(named));
  }
  const out: ListReport[] = [];
  for (const item of reports.items) {
    const f = item.fields ?? {};
    const parsed = fromReportFields(f);
    if (!parsed.ok) throw new ValidationError(parsed.error);
    const header = parsed.value.report;
    if (query.layouts && !query.layouts.includes(header.layout)) continue;
    const mine = stored.filter((r) => r.reportKey === header.key).sort((a, b) => a.row.sortOrder - b.row.sortOrder);
    out.push({
      itemId: String(item.id),
      eTag: String(item.eTag ?? ''),
      report: { ...header, rows: mine.map((r) => r.row) } as Report,
      stored: mine,
      deadline: typeof f.Deadline === 'string' && f.Deadline !== '' ? f.Deadline : null,
      cycleState: f.CycleState === 'closed' ? 'closed' : 'open',
    });
  }
  return out.sort((a, b) => a.report.key.localeCompare(b.report.key));
}
