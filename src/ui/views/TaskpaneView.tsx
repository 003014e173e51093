import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Link,
  makeStyles,
  MessageBar,
  MessageBarBody,
  ProgressBar,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';

import { actorOf } from '../../core/divisions/division.js';
import type { LiveWorkbook } from '../../core/sync/workbook-port.js';
import type { DeletedRowsChoice, RowNote, SyncIssue, WorkbookScope } from '../../core/sync/workbook-sync.js';
import { ErrorMessage } from '../app/AppErrorBoundary.js';
import { AppShell } from '../app/AppShell.js';
import { useDialogMount } from '../app/use-dialog-mount.js';
import type { ScopeParams } from '../app/scope-url.js';
import { useI18n, useServices } from '../app/ServicesProvider.js';
import type { SiteInfo, WorkbookServices } from '../app/services.js';
import { needsSignIn, useSite } from '../app/use-site.js';
import { ConflictList, IssueList } from '../components/SyncLists/index.js';
import { fiscalYearLabel, ScopePicker } from '../components/ScopePicker/index.js';
import { SignedInUser } from '../components/SignedInUser/index.js';
import type { MessageKey, Translate } from '../i18n/i18n.js';
import { SignInView } from './SignInView.js';
import { useScope } from './use-scope.js';
import { useWorkbookSync, type SyncQuestions, type WorkbookSyncState } from './use-workbook-sync.js';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  notes: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
});

const currentPath = (): string => `${window.location.pathname}${window.location.search}`;

/**
 * The Excel task pane (#11): sign in, pick the fiscal year and division (remembered in the workbook), load them into
 * the workbook as formatted tables, edit freely, and sync both ways with problems and conflicts listed as they are
 * found. Outside Excel it says what it is; in an Excel without the API set it says what is missing.
 */
export function TaskpaneView() {
  const { host, config, workbook: services } = useServices();
  const { t } = useI18n();
  const account = host.account;
  // A sign-in in the Office dialog changes the session without a page load (#13): re-render when it does.
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => account?.subscribe?.(rerender), [account]);
  const signedIn = account ? account.isSignedIn() : true;
  const { site } = useSite(services?.workbook && signedIn ? config.defaultSite : null, config.defaultOrgCode);
  const siteInfo = site.status === 'done' ? site.value : null;
  const displayName = siteInfo?.membership.displayName ?? host.context().user?.displayName ?? '';
  const user = signedIn && displayName ? <SignedInUser displayName={displayName} membership={siteInfo?.membership ?? null} t={t} {...(account ? { onSignOut: () => (account.signOut(), account.signIn(currentPath())) } : {})} /> : null;

  let body;
  if (!services) {
    body = (
      <MessageBar intent="info" layout="multiline">
        <MessageBarBody>
          {t('taskpane.notInExcel')} <Link href="tab.html">{t('taskpane.openTab')}</Link>
        </MessageBarBody>
      </MessageBar>
    );
  } else if (!services.workbook) {
    body = (
      <MessageBar intent="error" layout="multiline">
        <MessageBarBody>{t('taskpane.unsupported', { version: '1.8' })}</MessageBarBody>
      </MessageBar>
    );
  } else if (!signedIn && account) {
    body = <SignInView t={t} expired={false} onSignIn={() => account.signIn(currentPath())} />;
  } else if (site.status === 'failed') {
    body = account && needsSignIn(site.error) ? <SignInView t={t} expired onSignIn={() => account.signIn(currentPath())} /> : <ErrorMessage t={t} error={site.error} onRetry={() => window.location.reload()} />;
  } else if (!siteInfo) {
    body = <Spinner label={t('app.loading')} />;
  } else {
    body = <TaskpaneBody siteInfo={siteInfo} workbook={services.workbook} services={services} />;
  }
  return (
    <AppShell heading={t('taskpane.heading')} user={user}>
      {body}
    </AppShell>
  );
}

function TaskpaneBody({ siteInfo, workbook, services }: { siteInfo: SiteInfo; workbook: LiveWorkbook; services: WorkbookServices }) {
  const { host } = useServices();
  const { t } = useI18n();
  const actor = useMemo(() => actorOf(siteInfo.membership), [siteInfo]);
  const rowsFor = useCallback(() => services.rows(siteInfo), [services, siteInfo]);
  const structureFor = useCallback(() => services.structure(siteInfo), [services, siteInfo]);
  const [state, actions] = useWorkbookSync(workbook, rowsFor, actor, host.context().user?.id ?? null, actor.isSecretariat ? structureFor : null);
  const ready = state.status.kind !== 'reading' && state.remembered !== undefined;
  if (!ready) return <Spinner label={t('app.loading')} />;
  const fromWorkbook = state.status.kind === 'ours' ? state.status.check.scope : null;
  const initial: ScopeParams = {
    site: null,
    orgCode: null,
    fiscalYear: state.remembered?.fiscalYear ?? fromWorkbook?.fiscalYear ?? null,
    divisionCode: state.remembered ? state.remembered.divisionCode : fromWorkbook ? fromWorkbook.divisionCode : undefined,
  };
  return <TaskpaneScope siteInfo={siteInfo} initial={initial} state={state} actions={actions} />;
}

function TaskpaneScope({ siteInfo, initial, state, actions }: { siteInfo: SiteInfo; initial: ScopeParams; state: WorkbookSyncState; actions: ReturnType<typeof useWorkbookSync>[1] }) {
  const { lang, t } = useI18n();
  const s = useStyles();
  const scope = useScope(initial, siteInfo);
  const [question, setQuestion] = useState<Question | null>(null);
  // The last question stays in the surface while it closes; the Dialog stays mounted (see use-dialog-mount.ts: one
  // unmounted while open left the page aria-hidden when the next question followed at once).
  const [lastQuestion, setLastQuestion] = useState<Question | null>(null);
  if (question && question !== lastQuestion) setLastQuestion(question);
  const shown = question ?? lastQuestion;
  const questionDialog = useDialogMount(question !== null);
  const chosen: WorkbookScope | null = scope.fiscalYear === null || !scope.choice ? null : { site: siteInfo.siteUrl, orgCode: siteInfo.membership.orgCode, fiscalYear: scope.fiscalYear, divisionCode: scope.division };
  const status = state.status;
  const check = status.kind === 'ours' ? status.check : null;
  const wbScope = check?.scope ?? null;
  const divisionName = (code: string | null): string => (code === null ? t('scope.allDivisions') : (siteInfo.divisions.find((d) => d.code === code)?.name ?? code));
  const sameScope = !!chosen && !!wbScope && wbScope.fiscalYear === chosen.fiscalYear && wbScope.divisionCode === chosen.divisionCode && wbScope.orgCode === chosen.orgCode;
  const busy = state.busy !== null;
  const pending = check?.pending ?? 0;
  const ask = <T,>(kind: Question['kind'], rows: readonly RowNote[], answers: readonly { label: string; value: T; primary?: boolean }[]): Promise<T> =>
    new Promise((resolve) => setQuestion({ kind, rows, answers: answers.map((a) => ({ ...a, answer: () => resolve(a.value) })) }));
  const questions: SyncQuestions = {
    confirmRestore: (rows) => ask('restore', rows, [{ label: t('taskpane.confirmRestore.restore'), value: true, primary: true }, { label: t('taskpane.confirmRestore.keep'), value: false }]),
    decideDeleted: (rows) =>
      ask<DeletedRowsChoice>('deleted', rows, [
        { label: t('taskpane.structure.delete'), value: 'delete', primary: true },
        { label: t('taskpane.confirmRestore.restore'), value: 'restore' },
        { label: t('taskpane.structure.later'), value: 'later' },
      ]),
    confirmCreate: (rows) => ask('create', rows, [{ label: t('taskpane.structure.create'), value: true, primary: true }, { label: t('taskpane.structure.keepProposals'), value: false }]),
  };
  const liveIssues: SyncIssue[] = [...(check?.issues ?? []), ...(state.report?.issues.filter((i) => i.code === 'SAVE_FAILED' || i.code === 'SAVE_DENIED') ?? [])];
  const report = state.report;
  const progress = state.busy?.progress;
  const stepText = progress ? t(`taskpane.step.${progress.step}`, { done: progress.done, total: progress.total }) : '';

  return (
    <div className={s.section}>
      <section className={s.section} aria-labelledby="scope-heading">
        <h2 id="scope-heading" className={s.h2}>
          {t('scope.heading')}
        </h2>
        <ScopePicker t={t} lang={lang} scope={scope} />
        <Text>
          <strong>{t('taskpane.workbook')}</strong>:{' '}
          {status.kind === 'blank'
            ? t('taskpane.workbookBlank')
            : status.kind === 'foreign'
              ? `${t('taskpane.workbookForeign')} ${lang === 'ja' ? status.ja : status.en}`
              : wbScope
                ? t('taskpane.workbookScope', { division: divisionName(wbScope.divisionCode), year: fiscalYearLabel(wbScope.fiscalYear, lang), tables: check?.tables ?? 0, rows: check?.rows ?? 0 })
                : ''}
        </Text>
        {wbScope && chosen && !sameScope ? (
          <MessageBar intent="warning" layout="multiline">
            <MessageBarBody>{pending > 0 ? t('taskpane.pendingBlocksReload', { count: pending }) : t('taskpane.otherScope', { scope: `${divisionName(wbScope.divisionCode)} ${fiscalYearLabel(wbScope.fiscalYear, lang)}` })}</MessageBarBody>
          </MessageBar>
        ) : null}
        <div className={s.actions}>
          {status.kind === 'ours' && (sameScope || !chosen) ? (
            <Button appearance="primary" disabled={busy} onClick={() => void actions.sync(questions)}>
              {t('taskpane.sync')}
            </Button>
          ) : null}
          {status.kind === 'blank' || status.kind === 'foreign' || (status.kind === 'ours' && chosen && !sameScope) ? (
            <Button appearance={status.kind === 'ours' ? 'secondary' : 'primary'} disabled={busy || !chosen || (status.kind === 'ours' && pending > 0)} onClick={() => chosen && void actions.load(chosen, scope.divisionInfo?.name ?? null)}>
              {status.kind === 'ours' ? t('taskpane.reload') : t('taskpane.load')}
            </Button>
          ) : null}
          {status.kind === 'ours' && !busy ? <Text>{pending > 0 ? t('taskpane.pending', { count: pending }) : t('taskpane.noPending')}</Text> : null}
        </div>
        <div aria-live="polite">
          {progress ? <ProgressBar aria-label={t('taskpane.progress')} value={progress.step === 'save' && progress.total > 0 ? progress.done / progress.total : undefined} /> : null}
          {progress ? <Text size={200}>{stepText}</Text> : null}
        </div>
        {state.error ? <ErrorMessage t={t} error={state.error} /> : null}
        {state.loaded && !busy ? (
          <MessageBar intent="success">
            <MessageBarBody>{t('taskpane.loaded', { rows: state.loaded.rows, tables: state.loaded.tables })}</MessageBarBody>
          </MessageBar>
        ) : null}
        {report && !busy ? (
          <MessageBar intent={report.conflicts.length > 0 || report.issues.length > 0 ? 'warning' : 'success'}>
            <MessageBarBody>
              {t('taskpane.result', { fields: report.sent.fields, rows: report.sent.rows, cells: report.cellsWritten })} {t('taskpane.lastSync', { time: new Date(report.meta.syncedAt).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US') })}
            </MessageBarBody>
          </MessageBar>
        ) : null}
        {check && !check.complete ? <Text size={200}>{t('taskpane.checkedOffline')}</Text> : null}
      </section>

      {report && report.conflicts.length > 0 ? (
        <section className={s.section} aria-labelledby="conflicts-heading">
          <h2 id="conflicts-heading" className={s.h2}>
            {t('taskpane.conflicts.heading', { count: report.conflicts.length })}
          </h2>
          <Text size={200}>{t('taskpane.conflicts.help')}</Text>
          <ConflictList t={t} lang={lang} conflicts={report.conflicts} disabled={busy} onDecide={(c, take) => void actions.decide(c, take)} onGoTo={(c) => void actions.goTo(c.place, c.rowKey, c.field)} />
        </section>
      ) : null}

      {status.kind === 'ours' ? (
        <section className={s.section} aria-labelledby="issues-heading">
          <h2 id="issues-heading" className={s.h2}>
            {t('taskpane.issues.heading', { count: liveIssues.length })}
          </h2>
          {liveIssues.length === 0 ? <Text>{t('taskpane.issues.none')}</Text> : <IssueList t={t} lang={lang} issues={liveIssues} onGoTo={(i) => void actions.goTo(i.place, i.code === 'DUPLICATE_KEY' ? null : i.rowKey, i.field)} />}
        </section>
      ) : null}

      <Notes t={t} state={state} />

      {/* Mounted from the first question on, closed through `open`; the focus goes back to the page when it closes. */}
      {questionDialog.mounted && shown ? (
        <Dialog open={questionDialog.open} modalType="alert">
          <DialogSurface>
            <DialogBody>
              <DialogTitle>{t(QUESTION_TEXT[shown.kind].title)}</DialogTitle>
              <DialogContent>
                <Text block>{t(QUESTION_TEXT[shown.kind].body, { count: shown.rows.length })}</Text>
                <ul>
                  {shown.rows.map((r) => (
                    <li key={r.rowKey ?? r.label}>{r.label}</li>
                  ))}
                </ul>
              </DialogContent>
              <DialogActions>
                {shown.answers.map((a) => (
                  <Button
                    key={a.label}
                    appearance={a.primary ? 'primary' : 'secondary'}
                    disabled={question === null}
                    onClick={() => {
                      setQuestion(null);
                      a.answer();
                    }}
                  >
                    {a.label}
                  </Button>
                ))}
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      ) : null}
    </div>
  );
}

/** A question a sync asks (rows deleted or added in the sheet) and its answers. */
interface Question {
  kind: 'restore' | 'deleted' | 'create';
  rows: readonly RowNote[];
  answers: { label: string; primary?: boolean; answer: () => void }[];
}

const QUESTION_TEXT: Record<Question['kind'], { title: MessageKey; body: MessageKey }> = {
  restore: { title: 'taskpane.confirmRestore.title', body: 'taskpane.confirmRestore.body' },
  deleted: { title: 'taskpane.confirmRestore.title', body: 'taskpane.structure.deletedBody' },
  create: { title: 'taskpane.structure.createTitle', body: 'taskpane.structure.createBody' },
};

/** What else the last sync did, and what the sheet holds that a sync will not write. */
function Notes({ t, state }: { t: Translate; state: WorkbookSyncState }) {
  const s = useStyles();
  const r = state.report;
  const check = state.status.kind === 'ours' ? state.status.check : null;
  const lines: string[] = [];
  if (r?.restored.length) lines.push(t('taskpane.notes.restored', { count: r.restored.length }));
  if (r?.leftOut.length) lines.push(t('taskpane.notes.leftOut', { count: r.leftOut.length }));
  if (r?.created.length) lines.push(t('taskpane.notes.created', { count: r.created.length }));
  if (r?.deleted.length) lines.push(t('taskpane.notes.deletedFromList', { count: r.deleted.length }));
  if (r?.added.length) lines.push(t('taskpane.notes.added', { count: r.added.length }));
  if (r?.goneFromList.length) lines.push(t('taskpane.notes.gone', { count: r.goneFromList.length }));
  if (r?.changedMeanwhile.length) lines.push(t('taskpane.notes.changedMeanwhile', { count: r.changedMeanwhile.length }));
  if (check?.proposals.length) lines.push(t('taskpane.notes.proposals', { count: check.proposals.length }));
  if (check?.deleted.length && !state.busy) lines.push(t('taskpane.notes.deleted', { count: check.deleted.length }));
  if (lines.length === 0) return null;
  return (
    <section className={s.section} aria-labelledby="notes-heading">
      <h2 id="notes-heading" className={s.h2}>
        {t('taskpane.notes.heading')}
      </h2>
      <ul className={s.notes}>
        {lines.map((l) => (
          <li key={l}>
            <Text>{l}</Text>
          </li>
        ))}
      </ul>
    </section>
  );
}
