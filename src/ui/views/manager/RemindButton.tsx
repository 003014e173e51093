/**
 * The secretariat's reminders from the manager view (#12 item 7): the same `sendReminders` as `followup remind`.
 * The dialog first shows who would get what (a dry run: nothing is sent or recorded), then sends on confirmation and
 * lists each division's delivery (posted to Teams, recorded only, already sent today). A second press the same day
 * sends nothing twice: the lists keep one reminder per division, kind and day.
 */
import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, makeStyles, MessageBar, MessageBarBody, Radio, RadioGroup, Spinner, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';

import type { ReminderKind, RemindResult } from '../../../core/review/reminders.js';
import { ErrorMessage } from '../../app/AppErrorBoundary.js';
import { useI18n, useServices } from '../../app/ServicesProvider.js';
import type { SiteInfo } from '../../app/services.js';
import { useDialogMount } from '../../app/use-dialog-mount.js';
import type { MessageKey } from '../../i18n/i18n.js';

const useStyles = makeStyles({
  content: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  list: { margin: 0, paddingInlineStart: '1.25rem' },
});

const DELIVERY: Record<RemindResult['outcomes'][number]['delivery'], MessageKey> = {
  teams: 'reminders.send.delivery.teams',
  recorded: 'reminders.send.delivery.recorded',
  already: 'reminders.send.delivery.already',
  planned: 'reminders.send.delivery.planned',
};

type Phase = { step: 'planning' } | { step: 'planned'; plan: RemindResult } | { step: 'sending' } | { step: 'sent'; result: RemindResult } | { step: 'failed'; error: unknown };

export function RemindButton({ site, fiscalYear }: { site: SiteInfo; fiscalYear: number }) {
  const s = useStyles();
  const { t } = useI18n();
  const { data } = useServices();
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<ReminderKind>('before-deadline');
  const [phase, setPhase] = useState<Phase>({ step: 'planning' });
  const dialog = useDialogMount(open);

  // The plan of the kind chosen, read again whenever the dialog opens or the kind changes (nothing is sent).
  useEffect(() => {
    if (!open || !data.remind) return;
    let live = true;
    data.remind(site, { fiscalYear, kind, dryRun: true }).then(
      (plan) => live && setPhase({ step: 'planned', plan }),
      (error: unknown) => live && setPhase({ step: 'failed', error }),
    );
    return () => {
      live = false;
    };
  }, [open, kind, site, fiscalYear, data]);

  if (!data.remind || !site.membership.isSecretariat) return null;
  const remind = data.remind.bind(data);
  const send = (): void => {
    setPhase({ step: 'sending' });
    remind(site, { fiscalYear, kind, dryRun: false }).then(
      (result) => setPhase({ step: 'sent', result }),
      (error: unknown) => setPhase({ step: 'failed', error }),
    );
  };
  const outcomes = phase.step === 'planned' ? phase.plan.outcomes : phase.step === 'sent' ? phase.result.outcomes : [];
  const warnings = phase.step === 'sent' ? phase.result.warnings : [];
  return (
    <>
      <Button
        onClick={() => {
          setPhase({ step: 'planning' });
          setOpen(true);
        }}
      >
        {t('reminders.send.button')}
      </Button>
      {dialog.mounted ? (
        <Dialog open={dialog.open} modalType="modal" onOpenChange={(_, d) => !d.open && setOpen(false)}>
          <DialogSurface aria-describedby={undefined}>
            <DialogBody>
              <DialogTitle>{t('reminders.send.title')}</DialogTitle>
              <DialogContent className={s.content}>
                <Field label={t('reminders.send.kind')}>
                  <RadioGroup value={kind} onChange={(_, d) => {
                      setPhase({ step: 'planning' });
                      setKind(d.value as ReminderKind);
                    }} disabled={phase.step === 'sending' || phase.step === 'sent'}>
                    <Radio value="before-deadline" label={t('reminders.send.kindBefore')} />
                    <Radio value="returned" label={t('reminders.send.kindReturned')} />
                  </RadioGroup>
                </Field>
                <div role="status" aria-live="polite">
                  {phase.step === 'planning' ? <Spinner size="tiny" label={t('reminders.send.planning')} /> : null}
                  {phase.step === 'sending' ? <Spinner size="tiny" label={t('reminders.send.sending')} /> : null}
                  {phase.step === 'planned' ? <p>{outcomes.length === 0 ? t('reminders.send.none') : t('reminders.send.planned', { count: outcomes.length })}</p> : null}
                  {phase.step === 'sent' ? <p>{t('reminders.send.sent', { count: outcomes.filter((o) => o.delivery !== 'already').length })}</p> : null}
                </div>
                {outcomes.length > 0 ? (
                  <ul className={s.list} aria-label={t('reminders.send.recipients')}>
                    {outcomes.map((o) => (
                      <li key={o.reminder.key}>
                        {t('reminders.send.line', { name: o.reminder.divisionName, count: o.reminder.rows.length, delivery: t(DELIVERY[o.delivery]) })}
                      </li>
                    ))}
                  </ul>
                ) : null}
                {warnings.map((w) => (
                  <MessageBar key={`${w.key} ${Object.values(w.params).join(' ')}`} intent="warning">
                    <MessageBarBody>{t(w.key, w.params)}</MessageBarBody>
                  </MessageBar>
                ))}
                {phase.step === 'failed' ? <ErrorMessage t={t} error={phase.error} /> : null}
              </DialogContent>
              <DialogActions>
                {phase.step === 'planned' && outcomes.length > 0 ? (
                  <Button appearance="primary" onClick={send}>
                    {t('reminders.send.confirm', { count: outcomes.length })}
                  </Button>
                ) : null}
                <Button onClick={() => setOpen(false)}>{t('reminders.send.close')}</Button>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      ) : null}
    </>
  );
}
