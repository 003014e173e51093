import { Link, makeStyles, MessageBar, MessageBarBody, Spinner, Text, tokens } from '@fluentui/react-components';
import { lazy, Suspense, useEffect, useState } from 'react';

import { ErrorMessage } from '../app/AppErrorBoundary.js';
import { AppShell } from '../app/AppShell.js';
import type { ScopeParams } from '../app/scope-url.js';
import { useI18n, useServices } from '../app/ServicesProvider.js';
import { useDialogMount } from '../app/use-dialog-mount.js';
import { useSite } from '../app/use-site.js';
import { ReminderNotice } from '../components/ReminderNotice/index.js';
import { fiscalYearLabel, ScopePicker } from '../components/ScopePicker/index.js';
import { SignedInUser } from '../components/SignedInUser/index.js';
import { SignInView } from './SignInView.js';
import { useScope } from './use-scope.js';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  guidance: { whiteSpace: 'pre-line' },
});

// The grid, its editors and the data layer load after sign-in, in their own chunk (the first paint stays small).
const loadWorkspace = () => import(/* webpackChunkName: "grid" */ './RowsWorkspace.js');
const RowsWorkspace = lazy(loadWorkspace);
const SignOutDraftsDialog = lazy(() => import(/* webpackChunkName: "signout" */ './SignOutDraftsDialog.js'));
// The report button (#12) for the secretariat and reviewers until the manager view hosts it; its own small chunk.
const ReportButton = lazy(() => import(/* webpackChunkName: "report-button" */ '../components/ReportButton/index.js').then((m) => ({ default: m.ReportButton })));

export interface TabViewProps {
  initial: ScopeParams;
  /** Called when the user changes the scope (the entry keeps the URL in step). */
  onScopeChange?: (scope: { site: string; orgCode: string; fiscalYear: number | null; divisionCode: string | null }) => void;
}

/**
 * The tab's page (#10): who is signed in and what they may do, the scope (site, fiscal year, division), and the
 * scope's rows in the editable grid (RowsWorkspace, its own chunk), grouped as the official table prints them.
 */
export function TabView({ initial, onScopeChange }: TabViewProps) {
  const { host, config, drafts, data } = useServices();
  const { lang, t } = useI18n();
  const s = useStyles();
  const ctx = host.context();
  const siteUrl = initial.site ?? config.defaultSite;
  const orgCode = initial.orgCode ?? config.defaultOrgCode;
  const signedIn = host.account ? host.account.isSignedIn() : true;
  const { site } = useSite(signedIn ? siteUrl : null, orgCode);
  const siteInfo = site.status === 'done' ? site.value : null;

  const scope = useScope(initial, siteInfo);
  // Fetched while the site and its cycles load, not after: the grid's chunk and the site's store (its Rows list id).
  useEffect(() => {
    if (!signedIn) return;
    void loadWorkspace().catch(() => undefined);
    // A failure shows where the store is used (RowsWorkspace); this only starts the work early.
    if (siteInfo) void data.store(siteInfo).catch(() => undefined);
  }, [signedIn, siteInfo, data]);
  const { choice, division, divisionInfo, cycles, fiscalYear } = scope;
  const [signOutDrafts, setSignOutDrafts] = useState<number | null>(null);
  const signOutDialog = useDialogMount(signOutDrafts !== null);

  useEffect(() => {
    if (siteUrl && orgCode && choice) onScopeChange?.({ site: siteUrl, orgCode, fiscalYear, divisionCode: division });
  }, [siteUrl, orgCode, choice, fiscalYear, division, onScopeChange]);

  const displayName = siteInfo?.membership.displayName ?? ctx.user?.displayName ?? '';
  const account = host.account;
  // Signing out on a shared PC: unsaved drafts in this browser are deleted, after asking (#10).
  const draftPrefix = `followup-drafts|${ctx.user?.id ?? siteInfo?.membership.displayName ?? ''}|`;
  const askSignOut = (): void => {
    void drafts.countRows(draftPrefix).then(
      (n) => (n === 0 || !account ? account && signOut(account) : setSignOutDrafts(n)),
      // Storage unreadable: nothing we could delete either; sign out.
      () => account && signOut(account),
    );
  };
  const user = signedIn && displayName ? <SignedInUser displayName={displayName} membership={siteInfo?.membership ?? null} t={t} {...(account ? { onSignOut: askSignOut } : {})} /> : null;
  const heading = divisionInfo ? `${divisionInfo.name}${fiscalYear !== null ? ` ${fiscalYearLabel(fiscalYear, lang)}` : ''}` : fiscalYear !== null ? fiscalYearLabel(fiscalYear, lang) : t('rows.heading');

  let body;
  if (!signedIn && account) {
    body = <SignInView t={t} expired={false} onSignIn={() => account.signIn(currentPath())} />;
  } else if (!siteUrl || !orgCode) {
    body = <ErrorMessage t={t} error={new Error('No site configured: open the tab from its configuration page, or add ?site=…&org=… to the URL.')} />;
  } else if (site.status === 'failed') {
    body = account && !account.isSignedIn() ? <SignInView t={t} expired onSignIn={() => account.signIn(currentPath())} /> : <ErrorMessage t={t} error={site.error} onRetry={() => window.location.reload()} />;
  } else if (!siteInfo || !choice) {
    body = <Spinner label={t('app.loading')} />;
  } else {
    body = (
      <div className={s.section}>
        <section className={s.section} aria-labelledby="scope-heading">
          <h2 id="scope-heading" className={s.h2}>
            {t('scope.heading')}
          </h2>
          <Text size={200}>
            {t('scope.site')}: {siteInfo.siteUrl}
          </Text>
          <ScopePicker t={t} lang={lang} scope={scope} />
          {siteInfo.membership.isReviewer || siteInfo.membership.isSecretariat ? <Link href={managerHref(siteInfo.siteUrl, orgCode, fiscalYear, lang)}>{t('manager.link')}</Link> : null}
          {divisionInfo?.guidance ? (
            <MessageBar intent="info" layout="multiline">
              <MessageBarBody>
                <strong>{t('division.guidance')}</strong>: <span className={s.guidance}>{divisionInfo.guidance}</span>
              </MessageBarBody>
            </MessageBar>
          ) : null}
          {division !== null && fiscalYear !== null ? <ReminderNotice site={siteInfo} fiscalYear={fiscalYear} divisionCode={division} t={t} lang={lang} /> : null}
        </section>
        <section className={s.section} aria-labelledby="rows-heading">
          <h2 id="rows-heading" className={s.h2}>
            {t('rows.heading')}
          </h2>
          {cycles.status === 'failed' ? (
            account && !account.isSignedIn() ? (
              // The session ended while the tab was open (tabs stay open for days): ask again, keep the page.
              <SignInView t={t} expired onSignIn={() => account.signIn(currentPath())} />
            ) : (
              <ErrorMessage t={t} error={cycles.error} />
            )
          ) : null}
          {cycles.status === 'loading' && fiscalYear === null ? <Spinner label={t('app.loading')} /> : null}
          {cycles.status === 'done' && fiscalYear === null ? <Text>{t('rows.empty')}</Text> : null}
          {fiscalYear !== null ? (
            <Suspense fallback={<Spinner label={t('app.loading')} />}>
              <RowsWorkspace key={`${fiscalYear}|${division ?? '*'}`} site={siteInfo} fiscalYear={fiscalYear} divisionCode={division} />
            </Suspense>
          ) : null}
        </section>
        {fiscalYear !== null && (siteInfo.membership.isSecretariat || siteInfo.membership.isReviewer) ? (
          <section className={s.section} aria-labelledby="report-heading">
            <h2 id="report-heading" className={s.h2}>
              {t('report.heading')}
            </h2>
            <Suspense fallback={<Spinner size="tiny" label={t('app.loading')} />}>
              <ReportButton t={t} site={siteInfo} fiscalYear={fiscalYear} orgCode={siteInfo.membership.orgCode} />
            </Suspense>
          </section>
        ) : null}
      </div>
    );
  }
  return (
    <AppShell heading={heading} user={user}>
      {body}
      {account && signOutDialog.mounted ? (
        <Suspense fallback={null}>
          <SignOutDraftsDialog rows={signOutDrafts} t={t} onDeleteAndSignOut={() => void drafts.clearAll().finally(() => signOut(account))} onKeep={() => setSignOutDrafts(null)} open={signOutDialog.open} />
        </Suspense>
      ) : null}
    </AppShell>
  );
}

/** The manager view of the same site, ministry and year (#12). */
function managerHref(site: string, orgCode: string, fiscalYear: number | null, lang: string): string {
  const q = new URLSearchParams({ view: 'manager', site, org: orgCode, ...(fiscalYear !== null ? { fy: String(fiscalYear) } : {}) });
  if (new URLSearchParams(window.location.search).has('lang')) q.set('lang', lang);
  return `?${q.toString()}`;
}

const currentPath = (): string => `${window.location.pathname}${window.location.search}`;

function signOut(account: { signOut(): void; signIn(returnTo: string): void }): void {
  account.signOut();
  account.signIn(currentPath());
}
