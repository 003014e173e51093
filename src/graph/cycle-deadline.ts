/**
 * A cycle's deadline as the pages need it (#12): the report items of one 府省等 and year only (1 read; the rows are
 * not read, unlike ./list-reports.ts). The earliest deadline wins when reports of the year disagree.
 */
import { NotFoundError, PermissionError } from '../core/errors.js';
import { LIST_NAMES } from '../core/lists/schema.js';
import { getAll, odataString, withQuery } from './paging.js';
import type { GraphItem } from './row-items.js';
import { resolveListId, type StoreContext } from './store-context.js';

/** The ISO deadline of the year, or null when none is set, or when the user may not read FollowUpReports. */
export async function readCycleDeadline(ctx: StoreContext, orgCode: string, fiscalYear: number): Promise<string | null> {
  try {
    const list = await resolveListId(ctx.client, ctx.site, LIST_NAMES.Reports);
    const filter = `fields/OrgCode eq ${odataString(orgCode)} and fields/FiscalYear eq ${fiscalYear}`;
    const { items } = await getAll<GraphItem>(ctx.client, withQuery(`/sites/${ctx.site.id}/lists/${list}/items`, { $filter: filter, $expand: 'fields($select=Deadline)', $select: 'id', $top: 5000 }), 'GET report deadlines');
    const dates = items.map((i) => i.fields?.Deadline).filter((d): d is string => typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d));
    return dates.length === 0 ? null : (dates.sort()[0] as string);
  } catch (error) {
    // A division member may not read the report items: the states still show, without the deadline.
    if (error instanceof NotFoundError || error instanceof PermissionError) return null;
    throw error;
  }
}
