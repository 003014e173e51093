/**
 * The division's side of the review cycle in its tab (#12): each row's state in the grid (locks on 提出済 and 承認済
 * rows, with the reason, so a save is never the first to say no), a returned row's comment on the field it names,
 * and 提出: unsaved edits are saved first, rows that do not validate are listed with their field and nothing is sent.
 */
import { Button, Spinner } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';

import { FIELD_NAMES } from '../../core/edit/fields.js';
import type { Actor } from '../../core/permissions/rules.js';
import type { RowScope } from '../../core/ports.js';
import { answerFieldOfColumn, lastDecision } from '../../core/review/compare.js';
import { divisionMayEdit } from '../../core/review/review.js';
import type { RowCache } from '../../data/row-cache.js';
import type { CacheSnapshot, EditDenial, RowView } from '../../data/types.js';
import { ErrorMessage } from '../app/AppErrorBoundary.js';
import type { SiteInfo } from '../app/services.js';
import type { GridReview } from '../components/FollowUpGrid/FollowUpGrid.js';
import { NoticeBar, type Notice } from '../components/NoticeBar/index.js';
import type { Translate } from '../i18n/i18n.js';
import { lockOf, submitProblems } from './review-model.js';
import { UnreadableRows } from './UnreadableRows.js';
import { useReviewRows } from './use-review.js';


const rowTitle = (v: Pick<RowView, 'stored'>): string => v.stored.row.focusItem ?? v.stored.row.title;

export interface DivisionReviewArgs {
  site: SiteInfo;
  scope: RowScope;
  actor: Actor;
  cache: RowCache | null;
  snapshot: CacheSnapshot | null;
  lang: 'ja' | 'en';
  t: Translate;
}

export interface DivisionReview {
  reviewOf: ((rowKey: string) => GridReview | undefined) | undefined;
  /** The 提出 button (in the save bar). */
  action: ReactNode;
  /** What the last submit did, or why it did nothing. */
  notice: ReactNode;
  /** The review lists the scope's unreadable rows by name (the tab's own count of them is then not shown). */
  listsUnreadable: boolean;
  /** One background look for review changes (for the tab's RefreshScheduler). */
  tick(signal: AbortSignal): Promise<number>;
}

export function useDivisionReview({ site, scope, actor, cache, snapshot, lang, t }: DivisionReviewArgs): DivisionReview {
  // On the tab's background refresh timer (RowsWorkspace passes `tick` to useBackgroundRefresh), focus included.
  const review = useReviewRows(site, scope);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);

  // The lists lock 提出済 and 承認済 rows for the division; the grid says so before anyone types.
  useEffect(() => {
    if (!cache || !review.rows || actor.isSecretariat) return;
    const locks = new Map<string, EditDenial>();
    for (const r of review.rows.values()) {
      const lock = lockOf(r);
      if (lock) locks.set(r.row.rowKey, lock);
    }
    cache.setReviewLocks(locks);
  }, [cache, review.rows, actor.isSecretariat]);

  const gridReviews = useMemo(() => {
    const out = new Map<string, GridReview>();
    for (const r of review.rows?.values() ?? []) {
      const decision = r.state === '差戻し' ? lastDecision(r.review) : null;
      const comment = r.state === '差戻し' && r.review.comment ? { comment: r.review.comment, field: answerFieldOfColumn(r.review.commentField), by: r.review.decidedBy ?? decision?.by ?? null, at: r.review.decidedAt ?? decision?.at ?? null } : null;
      out.set(r.row.rowKey, { state: r.state, awaitingLock: r.awaitingLock, comment });
    }
    return out;
  }, [review.rows]);
  const reviewOf = useCallback((rowKey: string) => gridReviews.get(rowKey), [gridReviews]);

  const mine = useCallback((v: RowView): boolean => v.stored.row.kind !== 'heading' && actor.divisions.some((d) => d.orgCode === v.stored.orgCode && d.divisionCode === v.stored.row.division), [actor]);
  const candidates = (snapshot?.rows ?? []).filter((v) => {
    const r = review.rows?.get(v.rowKey);
    return mine(v) && r !== undefined && divisionMayEdit(r.state) && !r.awaitingLock;
  });

  const submit = async (): Promise<void> => {
    if (!cache || !review.port) return;
    setBusy(true);
    setNotice(null);
    try {
      // Drafts first: what is submitted is what the list holds.
      if (cache.getSnapshot().dirtyCount > 0) {
        await cache.save();
        const left = cache.getSnapshot().dirtyCount;
        if (left > 0) {
          setNotice({ intent: 'error', title: t('review.submit.unsaved', { count: left }) });
          return;
        }
      }
      const now = cache.getSnapshot().rows.filter((v) => candidates.some((c) => c.rowKey === v.rowKey));
      const problems = now.flatMap((v) => submitProblems(v, lang).map((p) => t('review.submit.problem', { row: rowTitle(v), field: p.field ? FIELD_NAMES[p.field][lang] : t('review.wholeRow'), why: p.text })));
      if (problems.length > 0) {
        setNotice({ intent: 'error', title: t('review.submit.invalid', { count: problems.length }), items: problems });
        return;
      }
      const result = await review.port.submit(now.map((v) => v.rowKey));
      const titleOf = (key: string): string => {
        const v = now.find((x) => x.rowKey === key);
        return v ? rowTitle(v) : key;
      };
      setNotice(
        result.refused.length > 0 || result.missing.length > 0
          ? { intent: 'warning', title: t('review.submit.partly', { submitted: result.submitted.length, refused: result.refused.length + result.missing.length }), items: [...result.refused.map((r) => `${titleOf(r.rowKey)}: ${r.problem[lang]}`), ...result.missing.map((k) => t('review.missing', { row: k }))] }
          : { intent: 'success', title: t('review.submit.done', { count: result.submitted.length }) },
      );
      await review.reload();
    } catch (e) {
      setNotice({ intent: 'error', title: t('review.submit.failed'), items: [e instanceof Error ? e.message : String(e)] });
    } finally {
      setBusy(false);
    }
  };

  const action =
    review.port && review.rows && actor.divisions.length > 0 ? (
      <>
        <Button appearance="primary" disabled={busy || candidates.length === 0 || snapshot?.saving === true} onClick={() => void submit()}>
          {t('review.submit.button', { count: candidates.length })}
        </Button>
        {busy ? <Spinner size="tiny" label={t('review.submit.busy')} /> : null}
      </>
    ) : null;

  const shown = (
    <>
      {review.error ? <ErrorMessage t={t} error={review.error} onRetry={() => void review.reload()} /> : null}
      <UnreadableRows rows={review.unreadable} t={t} hint="tab" />
      {notice ? <NoticeBar notice={notice} testId="review-notice" t={t} onClose={() => setNotice(null)} /> : null}
    </>
  );
  return { reviewOf: review.rows ? reviewOf : undefined, action, notice: shown, listsUnreadable: review.unreadable.length > 0, tick: review.tick };
}
