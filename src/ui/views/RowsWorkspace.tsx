/**
 * Where a division fills in its rows (#10): the save bar (progress, undo/redo, what is unsaved, failures kept as
 * drafts with a retry), one editable grid per report table, the side panel for the active field, the conflict chooser
 * and the row history. Data: one RowCache per scope over the follow-up store, refreshed in the background; last
 * year's rows and the writing guidance beside the fields. Loaded as its own chunk after sign-in.
 */
import { Button, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { actorOf } from '../../core/divisions/division.js';
import type { EditableField } from '../../core/edit/fields.js';
import { guidanceFor, type Guidance } from '../../core/guidance/guidance.js';
import type { RowScope, StoredRow } from '../../core/ports.js';
import type { SaveSummary, RowView } from '../../data/types.js';
import { ErrorMessage } from '../app/AppErrorBoundary.js';
import { useI18n, useServices } from '../app/ServicesProvider.js';
import type { SiteInfo } from '../app/services.js';
import { useDialogMount } from '../app/use-dialog-mount.js';
import { useBackgroundRefresh, useCacheSnapshot, usePreviousYear, useRowCache, useSiteStore } from '../app/use-row-cache.js';
import { ConflictDialog } from '../components/FollowUpGrid/ConflictDialog.js';
import { FieldPanel } from '../components/FollowUpGrid/FieldPanel.js';
import { FollowUpGrid, type PasteOutcome } from '../components/FollowUpGrid/FollowUpGrid.js';
import { buildTables, fieldAt, type GridColumn } from '../components/FollowUpGrid/grid-model.js';
import { HistoryDialog, formatWhen } from '../components/FollowUpGrid/HistoryDialog.js';
import { NoticeBar, type Notice as BarNotice } from '../components/NoticeBar/index.js';
import type { MessageKey } from '../i18n/i18n.js';
import { useDivisionReview } from './DivisionReview.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  bar: {
    position: 'sticky',
    top: 0,
    zIndex: 3,
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalS} 0`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  status: { color: tokens.colorNeutralForeground2 },
  layout: { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) 20rem', gap: tokens.spacingHorizontalL, '@media (max-width: 1100px)': { gridTemplateColumns: 'minmax(0, 1fr)' } },
  tables: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, minWidth: 0 },
  h3: { margin: `0 0 ${tokens.spacingVerticalXS}`, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL },
});

const LAYOUT_KEYS: Readonly<Record<string, MessageKey>> = {
  'L-R2': 'layout.L-R2',
  'L-R5-FOCUS': 'layout.L-R5-FOCUS',
  'L-R5-OVERVIEW': 'layout.L-R5-OVERVIEW',
  'L-R6-COMPILATION': 'layout.L-R6-COMPILATION',
  'L-R7': 'layout.L-R7',
};

export interface RowsWorkspaceProps {
  site: SiteInfo;
  fiscalYear: number;
  divisionCode: string | null;
}

type Notice = BarNotice & { retry?: boolean };

export default function RowsWorkspace({ site, fiscalYear, divisionCode }: RowsWorkspaceProps) {
  const { host, data, drafts } = useServices();
  const { lang, t } = useI18n();
  const s = useStyles();
  const { store, error: storeError } = useSiteStore(data, site);
  const [guidance, setGuidance] = useState<readonly Guidance[]>([]);
  useEffect(() => {
    let live = true;
    // Guidance is a help beside the fields: without it the grid still works (the list may not exist yet).
    data.guidance(site).then(
      (g) => live && setGuidance(g),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [data, site]);

  const orgCode = site.membership.orgCode;
  const scope = useMemo<RowScope>(() => ({ orgCode, fiscalYear, ...(divisionCode === null ? {} : { divisionCode }) }), [orgCode, fiscalYear, divisionCode]);
  const actor = useMemo(() => actorOf(site.membership), [site.membership]);
  const userId = host.context().user?.id ?? site.membership.displayName;
  const cache = useRowCache({ store, scope, actor, userId, drafts });
  const snapshot = useCacheSnapshot(cache);
  // The review states ride on the rows' refresh timer (1 more request a tick; the overview only when one changed).
  const reviewTick = useRef<((signal: AbortSignal) => Promise<number>) | null>(null);
  useBackgroundRefresh(cache, data.onRateLimit, reviewTick);
  const previous = usePreviousYear(store, scope, snapshot?.status === 'ready');
  const review = useDivisionReview({ site, scope, actor, cache, snapshot, lang, t });
  useEffect(() => {
    reviewTick.current = review.tick;
  }, [review.tick]);

  const divisionHeader = t('col.division');
  const tables = useMemo(() => (snapshot ? buildTables(snapshot.rows, divisionHeader) : []), [snapshot, divisionHeader]);
  const divisionName = useCallback((code: string | null): string => (code === null ? t('division.unassigned') : (site.divisions.find((d) => d.code === code)?.name ?? code)), [site.divisions, t]);
  const layoutOf = useCallback((view: RowView) => tables.find((tb) => tb.reportKey === view.stored.reportKey)?.layout ?? null, [tables]);
  const guidanceOf = useCallback(
    (view: RowView, field: EditableField): Guidance | null => {
      const layout = layoutOf(view);
      return layout ? guidanceFor(guidance, { orgCode, layout, rowKind: view.stored.row.kind, field }) : null;
    },
    [guidance, layoutOf, orgCode],
  );
  const maxLengthOf = useCallback((view: RowView, field: EditableField) => guidanceOf(view, field)?.maxLength ?? undefined, [guidanceOf]);

  const [active, setActive] = useState<{ view: RowView | null; column: GridColumn | null }>({ view: null, column: null });
  const onActive = useCallback((view: RowView | null, column: GridColumn | null) => setActive((a) => (a.view === view && a.column === column ? a : { view, column })), []);
  const [conflictRow, setConflictRow] = useState<string | null>(null);
  const [historyRow, setHistoryRow] = useState<StoredRow | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const conflictDialog = useDialogMount(conflictRow !== null);
  const historyDialog = useDialogMount(historyRow !== null);

  const summaryNotice = useCallback(
    (sum: SaveSummary): Notice | null => {
      if (sum.rows === 0) return { intent: 'info', title: t('save.nothing') };
      if (sum.failed > 0 || sum.denied > 0) return { intent: 'error', title: t('save.failedTitle', { count: sum.failed + sum.denied }), body: t('save.failedBody'), retry: sum.failed > 0 };
      if (sum.conflicts > 0) return { intent: 'warning', title: t('save.conflictTitle', { count: sum.conflicts }), body: t('save.conflictBody') };
      return { intent: 'success', title: t('save.done', { count: sum.saved }) };
    },
    [t],
  );
  const save = useCallback(async () => {
    if (!cache) return;
    setNotice(null);
    const sum = await cache.save();
    setNotice(summaryNotice(sum));
  }, [cache, summaryNotice]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 's' || e.key === 'S')) {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save]);

  const onPaste = useCallback(
    (outcome: PasteOutcome) => {
      if (outcome.refused.length === 0) {
        setNotice({ intent: 'success', title: t('paste.done', { count: outcome.applied }) });
        return;
      }
      const rowTitle = (key?: string): string => {
        const v = snapshot?.rows.find((r) => r.rowKey === key);
        return v ? (v.stored.row.focusItem ?? v.stored.row.title) : '';
      };
      setNotice({
        intent: 'warning',
        title: t('paste.refused', { applied: outcome.applied, refused: outcome.refused.length }),
        items: outcome.refused.map((r) => t('paste.refusedCell', { row: r.blockRow + 1, col: r.blockCol + 1, where: [rowTitle(r.rowKey), r.column ?? ''].filter(Boolean).join(' / ') || '—', why: r[lang] })),
      });
    },
    [snapshot, t, lang],
  );

  if (storeError) return <ErrorMessage t={t} error={storeError} onRetry={() => window.location.reload()} />;
  if (!snapshot || snapshot.status === 'loading' || snapshot.status === 'idle') return <Spinner label={t('app.loading')} />;
  if (snapshot.status === 'error') return <ErrorMessage t={t} error={snapshot.error} onRetry={() => void cache?.load()} />;

  const activeField = active.view && active.column ? (() => {
    const layout = layoutOf(active.view);
    return layout ? fieldAt(layout, active.view, active.column) : null;
  })() : null;
  const conflictView = conflictRow ? (snapshot.rows.find((r) => r.rowKey === conflictRow) ?? null) : null;
  const firstConflict = snapshot.rows.find((r) => Object.values(r.fields).some((f) => f?.state === 'conflict'));

  return (
    <div className={s.root}>
      <div className={s.bar} role="region" aria-label={t('save.region')}>
        <Button appearance="primary" disabled={snapshot.dirtyCount === 0 || snapshot.saving} onClick={() => void save()} aria-keyshortcuts="Control+S">
          {t('save.button', { count: snapshot.dirtyCount })}
        </Button>
        <Button disabled={!snapshot.canUndo} onClick={() => cache?.undo()} aria-keyshortcuts="Control+Z">
          {t('edit.undo')}
        </Button>
        <Button disabled={!snapshot.canRedo} onClick={() => cache?.redo()} aria-keyshortcuts="Control+Y">
          {t('edit.redo')}
        </Button>
        {snapshot.saving ? <Spinner size="tiny" label={t('save.saving')} /> : null}
        <Text className={s.status} role="status">
          {snapshot.dirtyCount > 0 ? t('save.unsaved', { count: snapshot.dirtyCount }) : t('save.allSaved')}
          {snapshot.lastSyncedAt ? ` · ${t('save.synced', { when: formatWhen(snapshot.lastSyncedAt, lang) })}` : ''}
        </Text>
        {review.action}
        {snapshot.conflictCount > 0 && firstConflict ? (
          <Button appearance="outline" onClick={() => setConflictRow(firstConflict.rowKey)}>
            {t('conflict.open', { count: snapshot.conflictCount })}
          </Button>
        ) : null}
      </div>
      {notice ? <NoticeBar notice={notice} testId="save-notice" t={t} onClose={() => setNotice(null)} actions={notice.retry ? <Button onClick={() => void save()}>{t('save.retry')}</Button> : null} /> : null}
      {review.notice}
      {snapshot.draftWarning ? (
        <MessageBar intent="warning">
          <MessageBarBody>{snapshot.draftWarning[lang]}</MessageBarBody>
        </MessageBar>
      ) : null}
      {snapshot.refreshError ? (
        <MessageBar intent="info">
          <MessageBarBody>{t('refresh.failed', { detail: snapshot.refreshError.message })}</MessageBarBody>
        </MessageBar>
      ) : null}
      {snapshot.unreadable.length > 0 && !review.listsUnreadable ? (
        <MessageBar intent="warning">
          <MessageBarBody>{t('rows.unreadable', { count: snapshot.unreadable.length })}</MessageBarBody>
        </MessageBar>
      ) : null}
      {snapshot.orphanDrafts.length > 0 ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>{t('drafts.orphans', { count: snapshot.orphanDrafts.length })}</MessageBarTitle>
            <ul className={s.list}>
              {snapshot.orphanDrafts.map((o) => (
                <li key={o.rowKey}>
                  {o.title}{' '}
                  <Button size="small" onClick={() => cache?.discardOrphan(o.rowKey)}>
                    {t('drafts.discard')}
                  </Button>
                </li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {snapshot.rows.length === 0 ? (
        <Text>{t('rows.empty')}</Text>
      ) : (
        <div className={s.layout}>
          <div className={s.tables}>
            {tables.map((table) => {
              const headingId = `table-${table.reportKey.replace(/[^A-Za-z0-9-]/g, '-')}`;
              const layoutKey = LAYOUT_KEYS[table.layout];
              return (
                <section key={table.reportKey} aria-labelledby={headingId}>
                  <h3 id={headingId} className={s.h3}>
                    {layoutKey ? t(layoutKey) : table.layout}（{t('rows.count', { count: table.rows.length })}）
                  </h3>
                  {cache ? (
                    <FollowUpGrid
                      table={table}
                      cache={cache}
                      labelledBy={headingId}
                      lang={lang}
                      t={t}
                      divisionName={divisionName}
                      maxLengthOf={maxLengthOf}
                      onActive={onActive}
                      onOpenConflict={setConflictRow}
                      onPaste={onPaste}
                      reviewOf={review.reviewOf}
                    />
                  ) : null}
                </section>
              );
            })}
          </div>
          <FieldPanel
            view={active.view}
            column={active.column}
            field={activeField}
            guidance={active.view && activeField ? guidanceOf(active.view, activeField) : null}
            previous={previous === null ? undefined : active.view ? previous.find(active.view.stored) : null}
            denial={active.view && activeField && cache ? cache.denial(active.view.rowKey, activeField) : null}
            lang={lang}
            t={t}
            onHistory={setHistoryRow}
          />
        </div>
      )}
      {cache && conflictDialog.mounted ? (
        <ConflictDialog
          view={conflictView}
          lang={lang}
          t={t}
          onClose={() => setConflictRow(null)}
          open={conflictDialog.open}
          onResolve={(decisions) => {
            if (!conflictView) return;
            for (const d of decisions) cache.resolveConflict(conflictView.rowKey, d.field, d.take === 'value' ? { take: 'value', value: d.value ?? null } : { take: d.take });
            setConflictRow(null);
            void save();
          }}
        />
      ) : null}
      {store && historyDialog.mounted ? <HistoryDialog store={store} row={historyRow} lang={lang} t={t} onClose={() => setHistoryRow(null)} open={historyDialog.open} /> : null}
    </div>
  );
}
