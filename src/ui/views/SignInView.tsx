import { useEffect, useReducer } from 'react';
import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';

import type { SignInProblem } from '../../hosts/host-bridge.js';
import { useServices } from '../app/ServicesProvider.js';
import type { MessageKey, Translate } from '../i18n/i18n.js';

const PROBLEMS: Readonly<Record<NonNullable<SignInProblem>, MessageKey>> = {
  declined: 'auth.problem.declined',
  failed: 'auth.problem.failed',
  expired: 'signin.expired',
  'dialog-closed': 'auth.problem.dialogClosed',
  'dialog-blocked': 'auth.problem.dialogBlocked',
  'dialog-open': 'auth.problem.dialogOpen',
  'dialog-failed': 'auth.problem.dialogFailed',
};

/**
 * Asks the user to sign in (MSAL against the tenant or the local identity provider, #13; the local sign-in page as a
 * developer shortcut), saying why when the account knows: a refused consent, a failed sign-in, an expired session.
 */
export function SignInView({ t, expired, onSignIn }: { t: Translate; expired: boolean; onSignIn: () => void }) {
  const account = useServices().host.account;
  // A sign-in that fails without leaving the page (a popup, the Office dialog) changes the problem: show it.
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  useEffect(() => account?.subscribe?.(rerender), [account]);
  const problem = account?.problem?.() ?? null;
  const detail = problem ? (account?.problemDetail?.() ?? null) : null;
  const text = problem ? t(PROBLEMS[problem]) : t(expired ? 'signin.expired' : 'signin.body');
  return (
    <MessageBar intent={expired || problem ? 'warning' : 'info'} layout="multiline" data-testid="signin-prompt">
      <MessageBarBody>
        <MessageBarTitle>{t('signin.title')}</MessageBarTitle>
        {text}
        {detail ? (
          <>
            <br />
            <small data-testid="signin-detail">{detail}</small>
          </>
        ) : null}
      </MessageBarBody>
      <MessageBarActions>
        <Button appearance="primary" onClick={onSignIn}>
          {t('signin.button')}
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
