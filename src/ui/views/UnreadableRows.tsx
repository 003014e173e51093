/**
 * Rows that cannot be read (a column hand-edited beyond repair in SharePoint, #12), as the manager view and the
 * division's tab list them: each row by title and RowKey with its column and why, then what to do (restore the item's
 * previous version from its version history). Every other row keeps working; this says which one does not.
 */
import { makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, tokens } from '@fluentui/react-components';

import type { UnreadableRow } from '../../core/ports.js';
import type { Translate } from '../i18n/i18n.js';

const useStyles = makeStyles({
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL },
  detail: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
});

export function UnreadableRows({ rows, t, divisionName, hint }: { rows: readonly UnreadableRow[]; t: Translate; divisionName?: (code: string | null) => string; hint: 'manager' | 'tab' }) {
  const s = useStyles();
  if (rows.length === 0) return null;
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="unreadable-rows">
      <MessageBarBody>
        <MessageBarTitle>{t('review.unreadable.title', { count: rows.length })}</MessageBarTitle>
        <ul className={s.list}>
          {rows.map((u) => (
            <li key={u.itemId} data-rowkey={u.rowKey ?? ''}>
              {t('review.unreadable.row', { title: u.title ?? t('review.unreadable.noTitle'), row: u.rowKey ?? '—', item: u.itemId })}
              {divisionName && u.divisionCode !== null ? ` — ${divisionName(u.divisionCode)}` : ''}
              <ul className={s.list}>
                {u.issues.map((i, n) => (
                  <li key={n}>
                    {t('review.unreadable.field', { field: i.field ?? '?' })} <Text className={s.detail}>{i.reason}</Text>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
        {t(hint === 'manager' ? 'review.unreadable.hintManager' : 'review.unreadable.hintTab')}
      </MessageBarBody>
    </MessageBar>
  );
}
