import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { Component, type ErrorInfo, type ReactNode } from 'react';

import type { Translate } from '../i18n/i18n.js';
import { errorMessageKey } from './error-message.js';

interface Props {
  t: Translate;
  children: ReactNode;
}

/**
 * Catches what a view throws while rendering and says so in a MessageBar, with a reload (style guide 11.4: errors
 * reach the user, never only the console). The error's own message is shown as text (never as HTML).
 */
export class AppErrorBoundary extends Component<Props, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // Kept for the developer tools; the user already sees the MessageBar. No token or UPN is in these messages.
    console.error('followup: a view failed', error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return <ErrorMessage t={this.props.t} error={this.state.error} onRetry={() => window.location.reload()} />;
  }
}

/** An error as a MessageBar: the plain-language message, then the technical one. */
export function ErrorMessage({ t, error, onRetry }: { t: Translate; error: unknown; onRetry?: () => void }) {
  const key = errorMessageKey(error);
  const detail = error instanceof Error ? error.message : String(error);
  return (
    <MessageBar intent="error" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>{t('error.title')}</MessageBarTitle>
        {key ? t(key) : null} <span>{detail}</span>
      </MessageBarBody>
      {onRetry ? (
        <MessageBarActions>
          <Button onClick={onRetry}>{t('error.retry')}</Button>
        </MessageBarActions>
      ) : null}
    </MessageBar>
  );
}
