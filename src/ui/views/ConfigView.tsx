import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, Spinner, Text, tokens } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';

import type { TabInstanceConfig } from '../../hosts/host-bridge.js';
import { ErrorMessage } from '../app/AppErrorBoundary.js';
import { AppShell } from '../app/AppShell.js';
import { toScopeSearch, type ScopeParams } from '../app/scope-url.js';
import { useI18n, useServices } from '../app/ServicesProvider.js';
import { useSite } from '../app/use-site.js';
import { fiscalYearLabel, ScopePicker } from '../components/ScopePicker/index.js';
import { SignedInUser } from '../components/SignedInUser/index.js';
import { SignInView } from './SignInView.js';
import { useScope } from './use-scope.js';

const SITE_INPUT_DEBOUNCE_MS = 400;

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '48rem' },
});

export interface ConfigViewProps {
  initial: ScopeParams;
  /** Absolute URL of tab.html (the tab's contentUrl without the scope). */
  tabUrl: string;
  /** Opens a URL in this window (outside Teams, where no host saves the tab). */
  open: (url: string) => void;
}

/**
 * The configuration page (`pages.config`, #10): picks the site, the fiscal year (default: the latest with rows) and
 * the division (default: the channel's, else the user's), keeps Teams' Save enabled only when the choice is complete,
 * and saves the tab's contentUrl with that scope. Outside Teams it opens the tab with the scope instead.
 */
export function ConfigView({ initial, tabUrl, open }: ConfigViewProps) {
  const { host, config } = useServices();
  const { lang, t } = useI18n();
  const s = useStyles();
  const ctx = host.context();
  const [siteUrl, setSiteUrl] = useState(initial.site ?? ctx.sharePointSite?.url ?? config.defaultSite ?? '');
  const orgCode = initial.orgCode ?? config.defaultOrgCode;
  const signedIn = host.account ? host.account.isSignedIn() : true;
  const validSite = /^https:\/\/[^/\s]+\/\S*$/i.test(siteUrl);
  // The site is read once typing pauses, not at every keystroke.
  const [settledSite, setSettledSite] = useState(siteUrl);
  useEffect(() => {
    const timer = setTimeout(() => setSettledSite(siteUrl), SITE_INPUT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [siteUrl]);
  const { site } = useSite(signedIn && validSite && settledSite === siteUrl ? siteUrl : null, orgCode);
  const siteInfo = site.status === 'done' ? site.value : null;
  const scope = useScope(initial, siteInfo);
  const { choice, division, divisionInfo, cycles, fiscalYear } = scope;
  // Whether the user changed the division (the channel's suggestion is then no longer what is shown).
  const [picked, setPicked] = useState(false);

  const valid = siteInfo !== null && orgCode !== null && fiscalYear !== null && (division !== null || choice?.allowAll === true);
  const instance = (): TabInstanceConfig => {
    const search = toScopeSearch({ site: siteUrl, orgCode: orgCode ?? '', fiscalYear, divisionCode: division });
    const year = fiscalYear === null ? '' : fiscalYearLabel(fiscalYear, lang);
    return {
      contentUrl: `${tabUrl}${search}`,
      entityId: `followup:${orgCode ?? ''}:${division ?? '*'}:${fiscalYear ?? ''}`,
      suggestedDisplayName: t('config.tabName', { division: divisionInfo?.name ?? t('scope.allDivisions'), year }).slice(0, 128),
    };
  };
  // Teams calls the save handler once, at Save: it must see the choice as it is then.
  const latest = useRef(instance);
  useEffect(() => {
    latest.current = instance;
  });
  const tabConfig = host.tabConfig;
  useEffect(() => {
    tabConfig?.onSave(() => Promise.resolve(latest.current()));
  }, [tabConfig]);
  useEffect(() => {
    tabConfig?.setValidity(valid);
  }, [tabConfig, valid]);

  const account = host.account;
  const displayName = siteInfo?.membership.displayName ?? ctx.user?.displayName ?? '';
  const user = signedIn && displayName ? <SignedInUser displayName={displayName} membership={siteInfo?.membership ?? null} t={t} /> : null;

  let body;
  if (!signedIn && account) {
    body = <SignInView t={t} expired={false} onSignIn={() => account.signIn(`${window.location.pathname}${window.location.search}`)} />;
  } else {
    body = (
      <form className={s.form} onSubmit={(e) => e.preventDefault()} aria-describedby="config-body">
        <Text id="config-body">{t('config.body')}</Text>
        <Field label={t('scope.site')} hint={t('config.siteHelp')} required validationState={validSite ? 'none' : 'error'}>
          <Input value={siteUrl} onChange={(_, d) => setSiteUrl(d.value.trim())} type="url" />
        </Field>
        {site.status === 'failed' ? <ErrorMessage t={t} error={site.error} /> : null}
        {site.status === 'loading' ? <Spinner label={t('app.loading')} /> : null}
        {siteInfo && choice ? (
          <>
            <ScopePicker
              t={t}
              lang={lang}
              scope={{
                ...scope,
                setDivision: (code) => {
                  setPicked(true);
                  scope.setDivision(code);
                },
              }}
            />
            {choice.fromChannel && !picked ? <Text size={200}>{t('config.suggestedFromChannel', { channel: choice.fromChannel })}</Text> : null}
          </>
        ) : null}
        {cycles.status === 'failed' ? <ErrorMessage t={t} error={cycles.error} /> : null}
        <MessageBar intent={valid ? 'success' : 'info'} role="status">
          <MessageBarBody>{t(valid ? 'config.ready' : 'config.invalid')}</MessageBarBody>
        </MessageBar>
        {tabConfig ? null : (
          <div>
            <Button appearance="primary" disabled={!valid} onClick={() => open(instance().contentUrl)}>
              {t('config.open')}
            </Button>
          </div>
        )}
      </form>
    );
  }
  return (
    <AppShell heading={t('config.title')} user={user}>
      {body}
    </AppShell>
  );
}
