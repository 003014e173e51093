import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useId, useState } from 'react';

import type { ShownReminder } from '../../../core/review/reminders.js';
import type { SiteInfo } from '../../app/services.js';
import { useServices } from '../../app/ServicesProvider.js';
import { useAsync } from '../../app/use-async.js';
import type { Lang, Translate } from '../../i18n/i18n.js';

const useStyles = makeStyles({
  meta: { display: 'block', color: tokens.colorNeutralForeground2 },
  message: { display: 'block', whiteSpace: 'pre-wrap', marginTop: tokens.spacingVerticalXS },
});

export interface ReminderNoticeProps {
  site: SiteInfo;
  fiscalYear: number;
  divisionCode: string;
  t: Translate;
  lang: Lang;
}

/** When a reminder was sent, in Japan's time, with the Japanese era in Japanese. */
export function formatSentAt(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Tokyo' };
  return new Intl.DateTimeFormat(lang === 'ja' ? 'ja-JP-u-ca-japanese' : 'en-GB', lang === 'ja' ? { ...options, era: 'long' } : options).format(d);
}

/**
 * The latest reminder the secretariat sent to the division (#12): before the deadline or on return, as recorded in
 * FollowUpReminders (also posted to the division's Teams channel where the tenant allows it). Shows nothing while
 * loading, when there is none, or when the list cannot be read (the notice never stands in the way of the rows).
 */
export function ReminderNotice({ site, fiscalYear, divisionCode, t, lang }: ReminderNoticeProps) {
  const s = useStyles();
  const { data } = useServices();
  const [open, setOpen] = useState(false);
  const messageId = useId();
  const state = useAsync<ShownReminder[]>(data.reminders ? () => (data.reminders as NonNullable<typeof data.reminders>)(site, fiscalYear, divisionCode) : null, [data, site, fiscalYear, divisionCode]);
  if (state.status !== 'done' || state.value.length === 0) return null;
  const latest = state.value[0] as ShownReminder;
  const returned = latest.kind === 'returned';
  return (
    <MessageBar intent={returned ? 'warning' : 'info'} layout="multiline" aria-label={t('reminders.label')} data-testid="reminder-notice">
      <MessageBarBody>
        <MessageBarTitle>{returned ? t('reminders.returned') : t('reminders.beforeDeadline')}</MessageBarTitle>
        {latest.subject}
        <Text size={200} className={s.meta}>
          {t('reminders.sentAt', { date: formatSentAt(latest.sentAt, lang) })} ・ {t('reminders.rows', { count: latest.rows })}
        </Text>
        {open ? (
          <Text id={messageId} className={s.message}>
            {latest.message}
          </Text>
        ) : null}
      </MessageBarBody>
      <MessageBarActions>
        <Button size="small" aria-expanded={open} aria-controls={open ? messageId : undefined} onClick={() => setOpen((o) => !o)}>
          {open ? t('reminders.hideMessage') : t('reminders.showMessage')}
        </Button>
      </MessageBarActions>
    </MessageBar>
  );
}
