/**
 * The manager view (#12): a personal tab in Teams (`tab.html?view=manager`), the same page in the browser. Every
 * division of the ministry's year at a glance from one overview read (3 Graph reads for the whole ministry, whatever
 * the number of divisions), a division opened to compare and decide its rows, in bulk. The engine
 * (src/graph/review.ts) records who decided what and when; this page shows progress and every refusal.
 */
import { Field, Link, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Select, Spinner, Text, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';

import { latestCycle } from '../../core/divisions/division.js';
import type { RowScope } from '../../core/ports.js';
import { ErrorMessage } from '../app/AppErrorBoundary.js';
import { AppShell } from '../app/AppShell.js';
import { toScopeSearch, type ScopeParams } from '../app/scope-url.js';
import { useI18n, useServices } from '../app/ServicesProvider.js';
import type { ReviewRow, RowRefusal } from '../app/review-port.js';
import type { SiteInfo } from '../app/services.js';
import { useAsync } from '../app/use-async.js';
import { usePreviousYear, useSiteStore } from '../app/use-row-cache.js';
import { useSite } from '../app/use-site.js';
import { fiscalYearLabel } from '../components/ScopePicker/index.js';
import { SignedInUser } from '../components/SignedInUser/index.js';
import { DivisionOverview } from './manager/DivisionOverview.js';
import { DivisionRows } from './manager/DivisionRows.js';
import { RemindButton } from './manager/RemindButton.js';
import { answerRows, divisionLines } from './manager/overview-model.js';
import { SignInView } from './SignInView.js';
import { UnreadableRows } from './UnreadableRows.js';
import { useReviewRows, type ReviewRows } from './use-review.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  head: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalL, alignItems: 'flex-end', justifyContent: 'space-between' },
  picks: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalL, alignItems: 'flex-end' },
  slot: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', minHeight: '2rem' },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground2 },
});

/** What the header's report slot is given (the report button of #12 plugs in here). */
export interface ManagerReportContext {
  site: SiteInfo;
  orgCode: string;
  fiscalYear: number;
}

export interface ManagerViewProps {
  initial: ScopeParams;
  /** The report actions (a button component owned by the reports part); nothing when not given. */
  reportActions?: (context: ManagerReportContext) => ReactNode;
}

export function ManagerView({ initial, reportActions }: ManagerViewProps) {
  const { host, config } = useServices();
  const { t } = useI18n();
  const siteUrl = initial.site ?? config.defaultSite;
  const orgCode = initial.orgCode ?? config.defaultOrgCode;
  const account = host.account;
  const signedIn = account ? account.isSignedIn() : true;
  const { site } = useSite(signedIn ? siteUrl : null, orgCode);
  const siteInfo = site.status === 'done' ? site.value : null;
  const user = siteInfo ? <SignedInUser displayName={siteInfo.membership.displayName} membership={siteInfo.membership} t={t} /> : null;
  const path = `${window.location.pathname}${window.location.search}`;

  let body: ReactNode;
  if (!signedIn && account) body = <SignInView t={t} expired={false} onSignIn={() => account.signIn(path)} />;
  else if (!siteUrl || !orgCode) body = <ErrorMessage t={t} error={new Error('No site configured: add ?site=…&org=… to the URL.')} />;
  else if (site.status === 'failed') body = account && !account.isSignedIn() ? <SignInView t={t} expired onSignIn={() => account.signIn(path)} /> : <ErrorMessage t={t} error={site.error} onRetry={() => window.location.reload()} />;
  else if (!siteInfo) body = <Spinner label={t('app.loading')} />;
  else body = <ManagerBody site={siteInfo} initialYear={initial.fiscalYear} reportActions={reportActions} />;
  return (
    <AppShell heading={t('manager.heading')} user={user}>
      {body}
    </AppShell>
  );
}

function ManagerBody({ site, initialYear, reportActions }: { site: SiteInfo; initialYear: number | null; reportActions: ManagerViewProps['reportActions'] }) {
  const { data } = useServices();
  const { lang, t } = useI18n();
  const s = useStyles();
  const orgCode = site.membership.orgCode;
  const cycles = useAsync(() => data.listCycles(site, null), [data, site]);
  const [picked, setPicked] = useState<number | null>(initialYear);
  const cycleList = cycles.status === 'done' ? cycles.value : null;
  const fiscalYear = picked ?? (cycleList ? latestCycle(cycleList) : null);
  const scope = useMemo<RowScope | null>(() => (fiscalYear === null ? null : { orgCode, fiscalYear }), [orgCode, fiscalYear]);
  const review = useReviewRows(site, scope, { refreshOnFocus: true });
  const deadline = useAsync(review.port && fiscalYear !== null ? () => (review.port as NonNullable<typeof review.port>).deadline(orgCode, fiscalYear) : null, [review.port, orgCode, fiscalYear]);
  const deadlineValue = deadline.status === 'done' ? deadline.value : null;
  const [opened, setOpened] = useState<string | null | undefined>(undefined);
  // The store answers the versions (what changed since the last review) and last year's rows; not needed to paint
  // (without it the division's rows show no changes and no last year).
  const { store } = useSiteStore(data, site);
  const lastYear = usePreviousYear(store, scope, opened !== undefined);
  const nameOf = useCallback((code: string | null): string => (code === null ? t('division.unassigned') : (site.divisions.find((d) => d.code === code)?.name ?? code)), [site.divisions, t]);
  const rows = useMemo(() => (review.rows ? answerRows(review.rows.values()) : null), [review.rows]);
  const lines = useMemo(() => (rows ? divisionLines(rows, deadlineValue, new Date(), nameOf, site.divisions.map((d) => d.code)) : null), [rows, deadlineValue, nameOf, site.divisions]);
  const canDecide = site.membership.isReviewer || site.membership.isSecretariat;
  const accepting = useAcceptSubmissions(canDecide ? review : null, scope, rows);
  const tabLink = toScopeSearch({ site: site.siteUrl, orgCode, fiscalYear, divisionCode: null });
  const langParam = new URLSearchParams(window.location.search).get('lang');

  return (
    <div className={s.root}>
      <div className={s.head}>
        <div className={s.picks}>
          <Field label={t('scope.fiscalYear')}>
            <Select value={fiscalYear === null ? '' : String(fiscalYear)} onChange={(_, d) => { setPicked(Number(d.value)); setOpened(undefined); }}>
              {(cycleList ?? (fiscalYear !== null ? [{ fiscalYear, rows: 0 }] : [])).map((c) => (
                <option key={c.fiscalYear} value={c.fiscalYear}>
                  {fiscalYearLabel(c.fiscalYear, lang)}
                </option>
              ))}
            </Select>
          </Field>
          <Text>{deadline.status === 'loading' ? t('app.loading') : deadlineValue ? t('manager.deadline', { date: fiscalYearDate(deadlineValue, lang) }) : t('manager.noDeadline')}</Text>
          <Link href={`tab.html${tabLink}${langParam ? `&lang=${langParam}` : ''}`}>{t('manager.toTab')}</Link>
          {fiscalYear !== null ? <RemindButton site={site} fiscalYear={fiscalYear} /> : null}
        </div>
        {/* The report button (reports part of #12) goes here: it gets the site, 府省等 and year shown. */}
        <div className={s.slot} data-testid="manager-report-slot" role="group" aria-label={t('manager.reports')}>
          {reportActions && fiscalYear !== null ? reportActions({ site, orgCode, fiscalYear }) : null}
        </div>
      </div>
      {!canDecide ? (
        <MessageBar intent="info">
          <MessageBarBody>{t('manager.notReviewer')}</MessageBarBody>
        </MessageBar>
      ) : null}
      <div role="status" aria-live="polite">
        {accepting?.status === 'running' ? <Spinner size="tiny" label={t('manager.accepting', { count: accepting.count })} /> : null}
      </div>
      {accepting?.status === 'done' && (accepting.refused.length > 0 || accepting.error) ? (
        <MessageBar intent={accepting.error ? 'error' : 'warning'} layout="multiline" data-testid="accept-notice">
          <MessageBarBody>
            <MessageBarTitle>{accepting.error ? t('manager.acceptFailed') : t('manager.acceptRefused', { accepted: accepting.accepted, refused: accepting.refused.length })}</MessageBarTitle>
            {accepting.error ?? (
              <ul>
                {accepting.refused.map((r) => (
                  <li key={r.rowKey}>
                    {titleOf(rows, r.rowKey)}: {r.problem[lang]}
                  </li>
                ))}
              </ul>
            )}
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {cycles.status === 'failed' ? <ErrorMessage t={t} error={cycles.error} /> : null}
      {review.error ? <ErrorMessage t={t} error={review.error} onRetry={() => void review.reload()} /> : null}
      <UnreadableRows rows={review.unreadable} t={t} divisionName={nameOf} hint="manager" />
      {fiscalYear === null && cycles.status === 'done' ? <Text>{t('rows.empty')}</Text> : null}
      {opened === undefined ? (
        <section aria-labelledby="overview-heading">
          <h2 id="overview-heading" className={s.h2}>
            {t('manager.overview', { year: fiscalYear === null ? '' : fiscalYearLabel(fiscalYear, lang) })}
          </h2>
          {lines ? <DivisionOverview lines={lines} lang={lang} t={t} onOpen={setOpened} /> : review.error ? null : <Spinner label={t('app.loading')} />}
        </section>
      ) : rows && review.port ? (
        <DivisionRows
          name={nameOf(opened)}
          rows={rows.filter((r) => r.row.row.division === opened)}
          port={review.port}
          store={store}
          lastYear={lastYear}
          deadline={deadlineValue}
          canDecide={canDecide}
          lang={lang}
          t={t}
          onBack={() => setOpened(undefined)}
          onChanged={review.reload}
        />
      ) : (
        <Spinner label={t('app.loading')} />
      )}
    </div>
  );
}

const titleOf = (rows: readonly ReviewRow[] | null, key: string): string => {
  const r = rows?.find((x) => x.row.rowKey === key);
  return r ? (r.row.row.focusItem ?? r.row.row.title) : key;
};

type Accepting = { status: 'running'; count: number } | { status: 'done'; accepted: number; refused: RowRefusal[]; error?: string };

/**
 * A reviewer's page accepts the divisions' pending submissions (the engine's design: no server of ours runs, the
 * reviewer's client locks each submitted row and records 提出済). Once per set of pending submissions; the overview
 * is read again afterwards.
 */
function useAcceptSubmissions(review: ReviewRows | null, scope: RowScope | null, rows: readonly ReviewRow[] | null): Accepting | null {
  const [state, setState] = useState<Accepting | null>(null);
  const tried = useRef(new Set<string>());
  const pending = rows ? rows.flatMap((r) => r.pending.map((p) => p.id)).sort().join(',') : '';
  useEffect(() => {
    if (!review?.port || !scope || pending === '' || tried.current.has(pending)) return;
    tried.current.add(pending);
    const port = review.port;
    const count = pending.split(',').length;
    void Promise.resolve()
      .then(() => setState({ status: 'running', count }))
      .then(() => port.processSubmissions(scope))
      .then(
        (r) => setState({ status: 'done', accepted: r.accepted.length, refused: r.refused }),
        (e: unknown) => setState({ status: 'done', accepted: 0, refused: [], error: e instanceof Error ? e.message : String(e) }),
      )
      .then(() => review.reload());
  }, [review, scope, pending]);
  return state;
}

/** An ISO date as 令和7年6月30日 (ja) or 30 Jun 2025 (en). */
function fiscalYearDate(iso: string, lang: 'ja' | 'en'): string {
  const d = new Date(`${iso}T00:00:00+09:00`);
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP-u-ca-japanese' : 'en-GB', { era: lang === 'ja' ? 'long' : undefined, year: 'numeric', month: lang === 'ja' ? 'long' : 'short', day: 'numeric', timeZone: 'Asia/Tokyo' }).format(d);
}
