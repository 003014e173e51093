/**
 * The review state of a scope's rows (#12), read through the review port: one overview (3 Graph reads for the whole
 * scope), read again on demand (after an action), and either when the page gets the focus back (`refreshOnFocus`,
 * the manager view) or on the view's background refresh timer (`tick`, the division's tab): 1 request a tick to
 * see whether any review item changed, the overview only when one did.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

import type { RowScope, UnreadableRow } from '../../core/ports.js';
import { useServices } from '../app/ServicesProvider.js';
import type { ReviewData, ReviewRow } from '../app/review-port.js';
import type { SiteInfo } from '../app/services.js';

export interface ReviewRows {
  port: ReviewData | null;
  /** Rows by RowKey; null until the first read answered. */
  rows: ReadonlyMap<string, ReviewRow> | null;
  /** The scope's rows that cannot be read (a column hand-edited beyond repair), with why; the others are in `rows`. */
  unreadable: readonly UnreadableRow[];
  error: unknown;
  reload(): Promise<void>;
  /**
   * One background look for review changes (a reviewer's accept, return or approval), for the view's
   * RefreshScheduler: 1 request sent once (a 429/503 rejects for the scheduler to back off); the overview is read
   * again only when something changed. Resolves to the number of changes seen (0 or 1).
   */
  tick(signal: AbortSignal): Promise<number>;
}

export function useReviewRows(site: SiteInfo | null, scope: RowScope | null, options: { refreshOnFocus?: boolean } = {}): ReviewRows {
  const { data } = useServices();
  const [port, setPort] = useState<ReviewData | null>(null);
  const [rows, setRows] = useState<ReadonlyMap<string, ReviewRow> | null>(null);
  const [unreadable, setUnreadable] = useState<readonly UnreadableRow[]>([]);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);
  const scopeId = scope ? `${scope.orgCode}|${scope.fiscalYear}|${scope.divisionCode ?? '*'}` : '';

  useEffect(() => {
    if (!site) return undefined;
    let live = true;
    data.review(site).then(
      (p) => live && setPort(p),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [data, site]);

  // The latest read wins: an older answer arriving late is dropped.
  const read = useCallback((): Promise<void> => {
    if (!port || !scope) return Promise.resolve();
    const mine = ++seq.current;
    return port.overview(scope).then(
      (read) => {
        if (mine !== seq.current) return;
        setRows(new Map(read.rows.map((r) => [r.row.rowKey, r])));
        setUnreadable(read.unreadable);
        setError(null);
      },
      (e: unknown) => {
        if (mine === seq.current) setError(e);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by the scope's id: callers rebuild `scope` freely.
  }, [port, scopeId]);
  const reload = read;

  useEffect(() => {
    if (!port || !scope) return;
    const mine = ++seq.current;
    port.overview(scope).then(
      (read) => {
        if (mine !== seq.current) return;
        setRows(new Map(read.rows.map((r) => [r.row.rowKey, r])));
        setUnreadable(read.unreadable);
      },
      (e: unknown) => mine === seq.current && setError(e),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by the scope's id.
  }, [port, scopeId]);

  useEffect(() => {
    if (!options.refreshOnFocus) return undefined;
    const onFocus = (): void => void reload();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [reload, options.refreshOnFocus]);

  const loaded = rows !== null;
  const tick = useCallback(async (signal: AbortSignal): Promise<number> => {
    if (!port || !scope || !loaded) return 0;
    if (!port.reviewsChanged) return 0;
    if (!(await port.reviewsChanged(scope, { signal, background: true })) || signal.aborted) return 0;
    await read();
    return 1;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by the scope's id.
  }, [port, scopeId, loaded, read]);

  return { port, rows, unreadable, error, reload, tick };
}
