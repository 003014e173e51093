import { Button, makeStyles, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

import type { Translate } from '../../i18n/i18n.js';

const useStyles = makeStyles({
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL },
});

/** What an action did, or why it did nothing: a title, an optional sentence and the rows or cells it concerns. */
export interface Notice {
  intent: 'success' | 'warning' | 'error' | 'info';
  title: string;
  body?: string;
  items?: string[];
}

export interface NoticeBarProps {
  notice: Notice;
  /** The bar's test id (`save-notice`, `review-notice`). */
  testId: string;
  t: Translate;
  onClose(): void;
  /** Actions before 閉じる (a retry). */
  actions?: ReactNode;
}

/** The notice of the tab's save bar and of 提出, closed by the person. */
export function NoticeBar({ notice, testId, t, onClose, actions }: NoticeBarProps) {
  const s = useStyles();
  return (
    <MessageBar intent={notice.intent} layout="multiline" data-testid={testId}>
      <MessageBarBody>
        <MessageBarTitle>{notice.title}</MessageBarTitle>
        {notice.body}
        {notice.items ? (
          <ul className={s.list}>
            {notice.items.map((i, n) => (
              <li key={n}>{i}</li>
            ))}
          </ul>
        ) : null}
      </MessageBarBody>
      <MessageBarActions>
        {actions}
        <Button appearance="transparent" onClick={onClose}>
          {t('dialog.close')}
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
