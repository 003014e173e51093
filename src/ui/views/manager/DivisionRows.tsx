/**
 * One division's rows for a reviewer (#12): state, who submitted and when, edits after the submission, what changed
 * since the last review and against last year (opened per row), and the rows selected for a bulk return or approval.
 * A plain table with checkboxes and buttons: every control is a tab stop with a name, read row by row.
 */
import { Button, Checkbox, Field, makeStyles, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, ProgressBar, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens } from '@fluentui/react-components';
import { Fragment, useEffect, useRef, useState } from 'react';

import { FIELD_NAMES } from '../../../core/edit/fields.js';
import type { FollowUpStore, StoredRow } from '../../../core/ports.js';
import { answerFieldOfColumn } from '../../../core/review/compare.js';
import { isOverdue } from '../../../core/review/cycle.js';
import type { PreviousYearIndex } from '../../../data/previous-year.js';
import type { ReviewData, ReviewDecision, ReviewRow, RowRefusal } from '../../app/review-port.js';
import { useDialogMount } from '../../app/use-dialog-mount.js';
import { formatWhen } from '../../components/FollowUpGrid/HistoryDialog.js';
import { ReviewBadge } from '../../components/ReviewState/index.js';
import type { Translate } from '../../i18n/i18n.js';
import { DecisionDialog, type DecisionItem, type DecisionMode } from './DecisionDialog.js';
import { decidable, lastSubmittedAt } from './overview-model.js';
import { RowChanges } from './RowChanges.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  toolbar: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  h3: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  table: { tableLayout: 'auto' },
  title: { fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground2 },
  warn: { color: tokens.colorPaletteDarkOrangeForeground1 },
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL },
  detail: { backgroundColor: tokens.colorNeutralBackground2 },
  comment: { whiteSpace: 'pre-wrap' },
  progress: { maxWidth: '32rem' },
});

const titleOf = (r: ReviewRow): string => r.row.row.focusItem ?? r.row.row.title;

/** Rows with why, under a heading (nothing when there are none): the Japanese reason, then the English one (the product's order), whatever the UI language. */
function ProblemList({ testId, heading, items, titleOf: nameOf, classes }: { testId: string; heading: string; items: readonly RowRefusal[]; titleOf: (key: string) => string; classes: { title: string; list: string; muted: string } }) {
  if (items.length === 0) return null;
  return (
    <div data-testid={testId}>
      <div className={classes.title}>{heading}</div>
      <ul className={classes.list}>
        {items.map((r) => (
          <li key={r.rowKey} data-rowkey={r.rowKey}>
            {nameOf(r.rowKey)}：{r.problem.ja}
            <div className={classes.muted} lang="en">
              {r.problem.en}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface DivisionRowsProps {
  name: string;
  rows: readonly ReviewRow[];
  port: ReviewData;
  store: FollowUpStore | null;
  lastYear: PreviousYearIndex | null;
  deadline: string | null;
  canDecide: boolean;
  lang: 'ja' | 'en';
  t: Translate;
  onBack: () => void;
  /** After an action: read the overview again. */
  onChanged: () => Promise<void>;
}

type Outcome = { mode: DecisionMode; result: ReviewDecision } | { mode: DecisionMode; error: string };

export function DivisionRows({ name, rows, port, store, lastYear, deadline, canDecide, lang, t, onBack, onChanged }: DivisionRowsProps) {
  const s = useStyles();
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const [dialog, setDialogState] = useState<DecisionMode | null>(null);
  // The last mode shown, so the dialog keeps its title while it closes; mounted from its first opening on
  // (useDialogMount: a Dialog unmounted while open left Tabster's focus guards tabbable, and the focus on <body>).
  const [lastMode, setLastMode] = useState<DecisionMode>('approve');
  const setDialog = (mode: DecisionMode | null): void => {
    if (mode !== null) setLastMode(mode);
    setDialogState(mode);
  };
  const dialogMount = useDialogMount(dialog !== null);
  // When a decision ends, the focus goes to its result (the first action: retry the failed rows, or close), so a
  // keyboard or screen-reader user lands on what happened rather than on the page's main region.
  const resultAction = useRef<HTMLButtonElement | null>(null);
  const focusResult = useRef(false);
  const [busy, setBusy] = useState<{ mode: DecisionMode; done: number; total: number } | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const now = new Date();

  const selectable = rows.filter(decidable);
  const chosen = rows.filter((r) => selected.has(r.row.rowKey) && decidable(r));
  const toggle = (set: ReadonlySet<string>, key: string): Set<string> => {
    const next = new Set(set);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    return next;
  };
  const allState = chosen.length === 0 ? false : chosen.length === selectable.length ? true : 'mixed';

  const act = async (mode: DecisionMode, items: DecisionItem[]): Promise<void> => {
    setDialog(null);
    setBusy({ mode, done: 0, total: items.length });
    setOutcome(null);
    // n / N after each row (announced politely); the engine keeps going past a row that fails.
    const progress = (done: number, total: number): void => setBusy({ mode, done, total });
    try {
      const result =
        mode === 'return'
          ? await port.returnRows(items.map((i) => ({ rowKey: i.rowKey, comment: i.comment, ...(i.field ? { field: i.field } : {}) })), progress)
          : await port.approveRows(items.map((i) => ({ rowKey: i.rowKey, ...(i.comment ? { comment: i.comment } : {}) })), progress);
      focusResult.current = true;
      setOutcome({ mode, result });
      // The rows that failed stay selected, so "try again" is one click.
      setSelected(new Set(result.failed.map((f) => f.rowKey)));
    } catch (e) {
      focusResult.current = true;
      setOutcome({ mode, error: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(null);
      await onChanged();
    }
  };
  useEffect(() => {
    if (!focusResult.current || !outcome) return;
    focusResult.current = false;
    resultAction.current?.focus();
  }, [outcome]);
  const titleByKey = (key: string): string => {
    const r = rows.find((x) => x.row.rowKey === key);
    return r ? titleOf(r) : key;
  };

  return (
    <section className={s.root} aria-labelledby="division-rows-heading">
      <div className={s.toolbar}>
        <Button onClick={onBack}>{t('manager.back')}</Button>
        <h3 id="division-rows-heading" className={s.h3}>
          {t('manager.division.heading', { name, count: rows.length })}
        </h3>
      </div>
      {canDecide ? (
        <div className={s.toolbar} role="toolbar" aria-label={t('manager.toolbar')}>
          <Button appearance="primary" disabled={chosen.length === 0 || busy !== null} onClick={() => setDialog('approve')}>
            {t('manager.action.approveSelected', { count: chosen.length })}
          </Button>
          <Button disabled={chosen.length === 0 || busy !== null} onClick={() => setDialog('return')}>
            {t('manager.action.returnSelected', { count: chosen.length })}
          </Button>
          <Text className={s.muted}>{t('manager.selectable', { count: selectable.length })}</Text>
        </div>
      ) : (
        <MessageBar intent="info">
          <MessageBarBody>{t('manager.readOnly')}</MessageBarBody>
        </MessageBar>
      )}
      <div role="status" aria-live="polite" aria-atomic="true" data-testid="decision-progress">
        {busy ? (
          <Field className={s.progress} validationMessage={t(busy.mode === 'return' ? 'manager.progress.return' : 'manager.progress.approve', { done: busy.done, total: busy.total })} validationState="none">
            <ProgressBar value={busy.done} max={busy.total} thickness="large" />
          </Field>
        ) : null}
      </div>
      {outcome ? (
        <MessageBar intent={'error' in outcome ? 'error' : outcome.result.refused.length + outcome.result.failed.length > 0 ? 'warning' : 'success'} layout="multiline" data-testid="manager-notice">
          <MessageBarBody>
            <MessageBarTitle>
              {'error' in outcome || outcome.result.done.length === 0 ? t('manager.failed') : t(outcome.mode === 'return' ? 'manager.done.return' : 'manager.done.approve', { count: outcome.result.done.length })}
            </MessageBarTitle>
            {'error' in outcome ? (
              outcome.error
            ) : (
              <>
                <ProblemList testId="decision-failed" heading={t('manager.result.failed', { count: outcome.result.failed.length })} items={outcome.result.failed} titleOf={titleByKey} classes={s} />
                <ProblemList testId="decision-refused" heading={t('manager.result.refused', { count: outcome.result.refused.length })} items={outcome.result.refused} titleOf={titleByKey} classes={s} />
              </>
            )}
          </MessageBarBody>
          <MessageBarActions>
            {'result' in outcome && outcome.result.failed.length > 0 && canDecide ? (
              <Button ref={resultAction} onClick={() => setDialog(outcome.mode)}>
                {t('manager.result.retry')}
              </Button>
            ) : null}
            <Button ref={'result' in outcome && outcome.result.failed.length > 0 && canDecide ? undefined : resultAction} appearance="transparent" onClick={() => setOutcome(null)}>
              {t('dialog.close')}
            </Button>
          </MessageBarActions>
        </MessageBar>
      ) : null}
      <Table className={s.table} aria-labelledby="division-rows-heading" size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>
              {canDecide ? (
                <Checkbox
                  checked={allState}
                  disabled={selectable.length === 0}
                  aria-label={t('manager.selectAll')}
                  onChange={() => setSelected(allState === true ? new Set() : new Set(selectable.map((r) => r.row.rowKey)))}
                />
              ) : (
                t('manager.col.select')
              )}
            </TableHeaderCell>
            <TableHeaderCell>{t('manager.col.item')}</TableHeaderCell>
            <TableHeaderCell>{t('review.stateLabel')}</TableHeaderCell>
            <TableHeaderCell>{t('manager.col.submitted')}</TableHeaderCell>
            <TableHeaderCell>{t('manager.col.notes')}</TableHeaderCell>
            <TableHeaderCell>{t('manager.col.changes')}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((r) => {
            const key = r.row.rowKey;
            const title = titleOf(r);
            const submittedAt = lastSubmittedAt(r);
            const who = r.review.submittedBy ?? r.pending.at(-1)?.authorName ?? null;
            const isOpen = open.has(key);
            const commentField = answerFieldOfColumn(r.review.commentField);
            const detailId = `changes-${key.replace(/[^A-Za-z0-9-]/g, '-')}`;
            return (
              <Fragment key={key}>
                <TableRow data-rowkey={key}>
                  <TableCell>
                    {canDecide ? <Checkbox checked={selected.has(key)} disabled={!decidable(r)} aria-label={t('manager.select', { row: title })} onChange={() => setSelected((x) => toggle(x, key))} /> : null}
                  </TableCell>
                  <TableCell>
                    <span className={s.title}>{title}</span>
                  </TableCell>
                  <TableCell>
                    <ReviewBadge state={r.state} awaitingLock={r.awaitingLock} t={t} />
                  </TableCell>
                  <TableCell>{submittedAt ? `${formatWhen(submittedAt, lang)}${who ? ` · ${who}` : ''}` : <span className={s.muted}>—</span>}</TableCell>
                  <TableCell>
                    {isOverdue(deadline, r.state, now) ? <div className={s.warn}>{t('manager.overdue')}</div> : null}
                    {r.changedSinceSubmission.length > 0 ? <div className={s.warn}>{t('manager.editedAfter', { fields: r.changedSinceSubmission.map((c) => { const f = answerFieldOfColumn(c.field); return f ? FIELD_NAMES[f][lang] : c.field; }).join(lang === 'ja' ? '、' : ', ') })}</div> : null}
                    {r.review.comment ? (
                      <div className={s.comment}>
                        {t('manager.lastComment', { field: commentField ? FIELD_NAMES[commentField][lang] : t('review.wholeRow'), comment: r.review.comment })}
                      </div>
                    ) : null}
                  </TableCell>
                  <TableCell>
                    <Button size="small" aria-expanded={isOpen} aria-controls={isOpen ? detailId : undefined} aria-label={t('manager.showChanges', { row: title })} onClick={() => setOpen((x) => toggle(x, key))}>
                      {isOpen ? t('manager.hideChangesShort') : t('manager.showChangesShort')}
                    </Button>
                  </TableCell>
                </TableRow>
                {isOpen ? (
                  <TableRow className={s.detail}>
                    <TableCell colSpan={6} id={detailId}>
                      {store ? <RowChanges store={store} row={r} lastYear={lastYear === null ? undefined : lastYear.find(r.row as StoredRow)} lang={lang} t={t} /> : <Spinner size="tiny" />}
                    </TableCell>
                  </TableRow>
                ) : null}
              </Fragment>
            );
          })}
        </TableBody>
      </Table>
      {dialogMount.mounted ? <DecisionDialog mode={dialog ?? lastMode} rows={chosen} open={dialogMount.open} lang={lang} t={t} onCancel={() => setDialog(null)} onConfirm={(items) => void act(dialog ?? lastMode, items)} /> : null}
    </section>
  );
}
