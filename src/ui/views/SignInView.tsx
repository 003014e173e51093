import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';

import type { Translate } from '../i18n/i18n.js';

/** Asks the user to sign in (the local sign-in in the embedded default; MSAL's prompt later, #13). */
export function SignInView({ t, expired, onSignIn }: { t: Translate; expired: boolean; onSignIn: () => void }) {
  return (
    <MessageBar intent={expired ? 'warning' : 'info'} layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{t('signin.title')}</MessageBarTitle>
        {t(expired ? 'signin.expired' : 'signin.body')}
      </MessageBarBody>
      <MessageBarActions>
        <Button appearance="primary" onClick={onSignIn}>
          {t('signin.button')}
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
