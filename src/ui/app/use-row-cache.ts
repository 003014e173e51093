/**
 * Thin React bindings of the data layer (#10, TanStack's react-query over query-core): one RowCache per scope,
 * read with useSyncExternalStore, refreshed by a RefreshScheduler wired to the page's visibility and focus.
 */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';

import type { Actor } from '../../core/permissions/rules.js';
import type { FollowUpStore, RowScope, StoredRow } from '../../core/ports.js';
import { indexPreviousYear, type PreviousYearIndex } from '../../data/previous-year.js';
import { RefreshScheduler, type RateLimitInfo } from '../../data/refresh-scheduler.js';
import { createRowCache, draftKeyOf, type RowCache } from '../../data/row-cache.js';
import type { CacheSnapshot, DraftStore } from '../../data/types.js';
import type { FollowUpData, SiteInfo } from './services.js';

export interface RowCacheArgs {
  store: FollowUpStore | null;
  scope: RowScope | null;
  actor: Actor | null;
  /** Opaque user id for the drafts' key (never a UPN). */
  userId: string;
  drafts: DraftStore;
}

/**
 * The site's follow-up store as the signed-in user (the data layer opens one per site), with why it could not be
 * opened; both null until it answers.
 */
export function useSiteStore(data: Pick<FollowUpData, 'store'>, site: SiteInfo): { store: FollowUpStore | null; error: unknown } {
  const [store, setStore] = useState<FollowUpStore | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    data.store(site).then(
      (st) => live && setStore(st),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [data, site]);
  return { store, error };
}

const scopeId = (s: RowScope | null): string => (s ? `${s.orgCode}|${s.fiscalYear}|${s.divisionCode ?? '*'}` : '');

/** The cache of a scope, loaded (and drafts re-applied) when the scope changes; a newer scope cancels the older read. */
export function useRowCache({ store, scope, actor, userId, drafts }: RowCacheArgs): RowCache | null {
  const id = scopeId(scope);
  // Creating a cache reads nothing (load does): safe to derive while rendering, keyed by the scope's identity.
  const cache = useMemo(
    () => (store && scope && actor ? createRowCache({ source: store, scope, actor, drafts, draftKey: draftKeyOf(userId, scope) }) : null),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by the scope id: callers rebuild `scope` objects freely.
    [store, id, userId, drafts, actor],
  );
  useEffect(() => {
    if (!cache) return undefined;
    const controller = new AbortController();
    void cache.load(controller.signal);
    return () => controller.abort();
  }, [cache]);
  return cache;
}

const EMPTY = (): null => null;
const NOOP_SUBSCRIBE = (): (() => void) => () => undefined;

/** The cache's current snapshot (a new object after every change; the same object otherwise). */
export function useCacheSnapshot(cache: RowCache | null): CacheSnapshot | null {
  return useSyncExternalStore(cache ? (l) => cache.subscribe(l) : NOOP_SUBSCRIBE, cache ? () => cache.getSnapshot() : EMPTY);
}

/**
 * Others' changes appear without reloading (#10): a RefreshScheduler runs the cache's delta refresh on an adaptive
 * interval, at once when the page gets the focus or becomes visible again, never while hidden, slower under the
 * service's RateLimit headers or a 429. `also`: more of the view to refresh on the same timer, after the rows (a ref,
 * so the scheduler is not rebuilt when it changes); it counts as changes found, and its 429 backs off the timer too.
 */
export function useBackgroundRefresh(cache: RowCache | null, onRateLimit: (listener: (info: RateLimitInfo) => void) => () => void, also?: { readonly current: ((signal: AbortSignal) => Promise<number>) | null }): void {
  useEffect(() => {
    if (!cache) return undefined;
    let controller: AbortController | null = null;
    const s = new RefreshScheduler(async () => {
      controller = new AbortController();
      // Sent once: on a 429/503 the scheduler waits out Retry-After / RateLimit itself (no client retries on top).
      const changed = await cache.refresh(controller.signal, { background: true });
      // What else the view refreshes on the same timer (the division's review states), after the rows.
      return changed + ((await also?.current?.(controller.signal)) ?? 0);
    });
    const visibility = (): void => s.setVisible(document.visibilityState === 'visible');
    const focus = (): void => s.focus();
    document.addEventListener('visibilitychange', visibility);
    window.addEventListener('focus', focus);
    const stopRateLimit = onRateLimit((info) => s.noteRateLimit(info));
    visibility();
    s.start();
    return () => {
      s.stop();
      controller?.abort();
      document.removeEventListener('visibilitychange', visibility);
      window.removeEventListener('focus', focus);
      stopRateLimit();
    };
  }, [cache, onRateLimit, also]);
}

/**
 * Last year's rows of the ministry, read-only through the store (rows may have moved between divisions, so the whole
 * ministry is read), indexed for "last year's answer" beside each field. Read after the grid is up; null until then
 * or when there is no previous year.
 */
export function usePreviousYear(store: FollowUpStore | null, scope: RowScope | null, enabled: boolean): PreviousYearIndex | null {
  const [index, setIndex] = useState<{ id: string; index: PreviousYearIndex } | null>(null);
  const id = scope ? `${scope.orgCode}|${scope.fiscalYear - 1}` : '';
  useEffect(() => {
    if (!store || !scope || !enabled) return undefined;
    const controller = new AbortController();
    store.open({ orgCode: scope.orgCode, fiscalYear: scope.fiscalYear - 1 }, { signal: controller.signal }).then(
      (set) => setIndex({ id, index: indexPreviousYear(set.rows as StoredRow[]) }),
      // Last year's answers are a help, not the page: a failed read leaves them out (the grid says nothing is shown).
      () => setIndex({ id, index: indexPreviousYear([]) }),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by the previous year's scope id.
  }, [store, id, enabled]);
  return index?.id === id ? index.index : null;
}
