/**
 * Refresh (#4): what changed in a scope since a cursor. Delta on list items (one request when nothing changed), or,
 * where delta is refused, an indexed `lastModifiedDateTime ge` query over the scope with a small overlap window whose
 * already-seen eTags are dropped. An expired delta token (410) re-reads the scope and says so (`resynced`).
 * A background refresh (`options.background`) sends each request once: a 429/503 comes straight back to the
 * view's RefreshScheduler, which waits out Retry-After and the RateLimit headers (#10).
 */
import { GraphAccessError } from '../core/errors.js';
import type { ReadOptions, RefreshCursor, RefreshResult, StoredRow } from '../core/ports.js';
import { collectPages, getPage } from './paging.js';
import { throwIfAborted } from './retry.js';
import { modifiedCursor, openRows, readItems, scopeQuery } from './read-rows.js';
import { inScope, toStoredRows, type GraphItem } from './row-items.js';
import { asAbortSignal, type StoreContext } from './store-context.js';

export function refreshRows(ctx: StoreContext, cursor: RefreshCursor, options: ReadOptions = {}): Promise<RefreshResult> {
  throwIfAborted(asAbortSignal(options.signal));
  return cursor.mode === 'delta' ? refreshDelta(ctx, cursor, options) : refreshModified(ctx, cursor, options);
}

async function refreshDelta(ctx: StoreContext, cursor: Extract<RefreshCursor, { mode: 'delta' }>, options: ReadOptions): Promise<RefreshResult> {
  const signal = asAbortSignal(options.signal);
  let collected: { items: GraphItem[]; deltaLink?: string };
  try {
    const once = options.background === true;
    collected = await collectPages(ctx.client, await getPage<GraphItem>(ctx.client, cursor.deltaLink, 'GET delta', signal, once), 'GET delta', signal, once);
  } catch (error) {
    if (error instanceof GraphAccessError && error.status === 410) {
      // The token expired (410 resync): start over with a full read of the scope.
      const fresh = await openRows(ctx, cursor.scope, options);
      return { changed: fresh.rows, removedItemIds: [], unreadable: fresh.unreadable, cursor: fresh.cursor, resynced: true };
    }
    throw error;
  }
  if (!collected.deltaLink) throw new GraphAccessError('delta ended without a deltaLink', { status: 200 });
  // An item can appear more than once in a delta feed: the last occurrence is its latest state.
  const last = new Map<string, GraphItem>();
  for (const item of collected.items) last.set(String(item.id), item);
  const removedItemIds: string[] = [];
  const needFields: string[] = [];
  const withFields: GraphItem[] = [];
  for (const [id, item] of last) {
    if (item.deleted) removedItemIds.push(id);
    else if (item.fields) withFields.push(item);
    else needFields.push(id);
  }
  for (const [id, read] of await readItems(ctx, needFields, options)) {
    if (read.kind === 'found') withFields.push(read.item);
    else if (read.kind === 'gone') removedItemIds.push(id);
    else throw read.error;
  }
  const { rows, unreadable } = toStoredRows(withFields);
  const changed: StoredRow[] = [];
  for (const row of rows) {
    // Delta covers the whole list; rows outside the scope (or moved out of it) are reported as removed.
    if (inScope(row, cursor.scope)) changed.push(row);
    else removedItemIds.push(row.itemId);
  }
  return { changed, removedItemIds, unreadable, cursor: { ...cursor, deltaLink: collected.deltaLink }, resynced: false };
}

async function refreshModified(ctx: StoreContext, cursor: Extract<RefreshCursor, { mode: 'modified' }>, options: ReadOptions): Promise<RefreshResult> {
  const signal = asAbortSignal(options.signal);
  const from = new Date(Math.max(0, Date.parse(cursor.since) - ctx.modifiedOverlapMs)).toISOString();
  const what = 'GET rows modified since the last read';
  const once = options.background === true;
  const { items } = await collectPages(ctx.client, await getPage<GraphItem>(ctx.client, scopeQuery(ctx, cursor.scope, from), what, signal, once), what, signal, once);
  const { rows, unreadable } = toStoredRows(items);
  // The overlap window re-reads rows already reported; the same eTag means nothing new.
  const changed = rows.filter((r) => cursor.seenAtEdge[r.itemId] !== r.eTag);
  return { changed, removedItemIds: [], unreadable, cursor: modifiedCursor(ctx, cursor.scope, cursor.since, rows), resynced: false };
}
