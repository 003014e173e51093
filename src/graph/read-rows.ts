/**
 * Reading a scope's rows (#4): one `$filter` on indexed columns (DivisionCode, OrgCode, FiscalYear) +
 * `$expand=fields($select=…)` + paging via nextLink; never the non-indexed Prefer header. In delta mode the delta
 * token is taken in the same `$batch`, first (dependsOn), so a change committed between the two shows up again in
 * the next refresh instead of being missed. Also: items by id (re-reads after 412, delta entries without fields).
 */
import type { AppError } from '../core/errors.js';
import { GraphAccessError } from '../core/errors.js';
import type { ReadOptions, RefreshCursor, RowScope, RowSet, StoredRow } from '../core/ports.js';
import { collectPages, getPage, toPage, withQuery, type Page } from './paging.js';
import { throwIfAborted } from './retry.js';
import { EPOCH, ITEM_SELECT, ROW_EXPAND, scopeFilter, toStoredRows, type GraphItem } from './row-items.js';
import { asAbortSignal, batch, readBatchOptions, stepError, type StoreContext } from './store-context.js';

/** The query of a scope (optionally only items modified since an instant). */
export function scopeQuery(ctx: StoreContext, scope: RowScope, since?: string): string {
  const filter = since === undefined ? scopeFilter(scope) : `${scopeFilter(scope)} and lastModifiedDateTime ge ${since}`;
  return withQuery(ctx.rowsPath, { $filter: filter, $expand: ROW_EXPAND, $select: ITEM_SELECT, $top: ctx.pageSize });
}

const describe = (scope: RowScope): string => `read rows of ${scope.orgCode}/${scope.fiscalYear}${scope.divisionCode ? `/${scope.divisionCode}` : ''}`;

/**
 * The rows of a scope and a cursor for refresh. Requests: 1 `$batch` (delta token + first page) + 1 per further
 * page; in `modified` mode 1 + 1 per further page. `auto` turns into `delta`, or `modified` where delta is refused.
 */
export async function openRows(ctx: StoreContext, scope: RowScope, options: ReadOptions = {}): Promise<RowSet> {
  const signal = asAbortSignal(options.signal);
  const once = options.background === true;
  throwIfAborted(signal);
  const what = describe(scope);
  let first: Page<GraphItem>;
  let deltaLink: string | undefined;
  if (ctx.refreshMode === 'modified') {
    first = await getPage<GraphItem>(ctx.client, scopeQuery(ctx, scope), what, signal, once);
  } else {
    const deltaLatest = withQuery(`${ctx.rowsPath}/delta`, { token: 'latest', $expand: ROW_EXPAND, $select: ITEM_SELECT });
    const responses = await batch(ctx, [[{ id: 'delta', method: 'GET', url: deltaLatest }, { id: 'page', method: 'GET', url: scopeQuery(ctx, scope), dependsOn: ['delta'] }]], readBatchOptions(ctx, options));
    const d = responses.get('delta');
    const p = responses.get('page');
    if (d?.status === 200) {
      deltaLink = toPage(d.body).deltaLink;
      if (ctx.refreshMode === 'auto') ctx.refreshMode = 'delta';
    } else if (ctx.refreshMode === 'auto' && d && [400, 404, 405, 501].includes(d.status)) {
      ctx.refreshMode = 'modified';
    } else {
      throw stepError(d, 'GET delta?token=latest');
    }
    if (p?.status === 200) first = toPage<GraphItem>(p.body);
    else if (p?.status === 424) first = await getPage<GraphItem>(ctx.client, scopeQuery(ctx, scope), what, signal, once);
    else throw stepError(p, what);
  }
  const { items } = await collectPages(ctx.client, first, what, signal, once);
  const { rows, unreadable } = toStoredRows(items);
  if (ctx.refreshMode === 'delta' || deltaLink !== undefined) {
    if (deltaLink === undefined) throw new GraphAccessError('delta?token=latest answered without a deltaLink', { status: 200 });
    return { rows, unreadable, cursor: { mode: 'delta', scope, deltaLink } };
  }
  return { rows, unreadable, cursor: modifiedCursor(ctx, scope, EPOCH, rows) };
}

/** A Modified-mode cursor after `rows`: the latest modification seen, and the eTags inside the overlap window. */
export function modifiedCursor(ctx: StoreContext, scope: RowScope, since: string, rows: readonly StoredRow[]): RefreshCursor {
  const latest = rows.reduce((m, r) => (Date.parse(r.lastModified) > Date.parse(m) ? r.lastModified : m), since);
  const edgeFrom = Date.parse(latest) - ctx.modifiedOverlapMs;
  const edge: Record<string, string> = {};
  for (const r of rows) if (Date.parse(r.lastModified) >= edgeFrom) edge[r.itemId] = r.eTag;
  return { mode: 'modified', scope, since: latest, seenAtEdge: edge };
}

/** One item read by id: found, gone (404), or the error that kept it from being read. */
export type ItemRead = { kind: 'found'; item: GraphItem } | { kind: 'gone' } | { kind: 'failed'; error: AppError | Error };

/**
 * GETs items by id with their row fields, 20 per `$batch`. Never throws for a single item's failure (see ItemRead);
 * only a cancellation rejects.
 */
export async function readItems(ctx: StoreContext, ids: readonly string[], options: ReadOptions = {}): Promise<Map<string, ItemRead>> {
  const out = new Map<string, ItemRead>();
  if (ids.length === 0) return out;
  const unique = [...new Set(ids)];
  const responses = await batch(
    ctx,
    unique.map((id) => [{ id: `get-${id}`, method: 'GET' as const, url: withQuery(`${ctx.rowsPath}/${id}`, { $expand: ROW_EXPAND, $select: ITEM_SELECT }) }]),
    readBatchOptions(ctx, options),
  );
  for (const id of unique) {
    const r = responses.get(`get-${id}`);
    if (r?.status === 200) out.set(id, { kind: 'found', item: r.body as GraphItem });
    else if (r?.status === 404) out.set(id, { kind: 'gone' });
    else out.set(id, { kind: 'failed', error: stepError(r, `GET item ${id}`) });
  }
  return out;
}
