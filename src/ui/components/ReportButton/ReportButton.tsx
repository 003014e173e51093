/**
 * ReportButton (#12): produces the official report from the lists in the browser — an .xlsx workbook, or the
 * printable page (printed to PDF with the browser's print dialog) — with no server of ours. Self-contained: give it
 * the site, the fiscal year and the 府省等 (null: the cross-ministry 重点項目 compilation of every 府省等 of the site).
 * Reading, building and exceljs load only when pressed; progress is announced, failures say what and offer a retry.
 */
import { Button, Field, Input, makeStyles, Menu, MenuItem, MenuList, MenuPopover, MenuTrigger, MessageBar, MessageBarActions, MessageBarBody, Spinner, Text, tokens } from '@fluentui/react-components';
import { useCallback, useId, useRef, useState } from 'react';

import { useServices } from '../../app/ServicesProvider.js';
import type { SiteInfo } from '../../app/services.js';
import { errorMessageKey } from '../../app/error-message.js';
import type { Translate } from '../../i18n/i18n.js';
import type { ReportFile, ReportFileKind } from './build-report.js';

const loadBuilder = () => import(/* webpackChunkName: "report" */ './build-report.js');

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, maxWidth: '40rem' },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalM },
  label: { width: '12rem' },
});

export interface ReportButtonProps {
  t: Translate;
  site: SiteInfo;
  fiscalYear: number;
  /** The 府省等 code, or null for the compilation of every 府省等 of the year. */
  orgCode: string | null;
  /** The classification label to start with (the user can change it). */
  defaultLabel?: string;
  /** Clock for the 作成日 (tests). */
  now?: () => Date;
}

type Phase = { step: 'idle' } | { step: 'reading' | 'building'; kind: ReportFileKind } | { step: 'done'; file: ReportFile; printed: boolean } | { step: 'failed'; kind: ReportFileKind; print: boolean; error: unknown };

/** Hands a file to the browser as a download. */
function download(file: ReportFile): void {
  const url = URL.createObjectURL(new Blob([file.bytes as BlobPart], { type: file.type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Prints the page in a hidden frame: the browser's dialog offers "Save as PDF". The frame goes once printing ends. */
function printHtml(html: string): void {
  const frame = document.createElement('iframe');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.style.cssText = 'position:fixed;width:0;height:0;border:0;right:0;bottom:0;';
  frame.srcdoc = html;
  frame.addEventListener('load', () => {
    const w = frame.contentWindow;
    if (!w) return;
    w.addEventListener('afterprint', () => setTimeout(() => frame.remove(), 0));
    w.focus();
    w.print();
  });
  document.body.append(frame);
}

export function ReportButton({ t, site, fiscalYear, orgCode, defaultLabel = '', now = () => new Date() }: ReportButtonProps) {
  const s = useStyles();
  const { data } = useServices();
  const [label, setLabel] = useState(defaultLabel);
  const [phase, setPhase] = useState<Phase>({ step: 'idle' });
  const busy = phase.step === 'reading' || phase.step === 'building';
  const running = useRef(false);
  const labelId = useId();

  const run = useCallback(
    async (kind: ReportFileKind, print: boolean) => {
      if (running.current) return;
      running.current = true;
      try {
        setPhase({ step: 'reading', kind });
        const [reports, builder] = await Promise.all([data.reports(site, { fiscalYear, orgCode }), loadBuilder()]);
        setPhase({ step: 'building', kind });
        const file = await builder.buildReportFile(reports, { kind, label: label.trim() || null, compilation: orgCode === null, now: now() });
        if (print && typeof file.bytes === 'string') printHtml(file.bytes);
        else download(file);
        setPhase({ step: 'done', file, printed: print });
      } catch (error) {
        setPhase({ step: 'failed', kind, print, error });
      } finally {
        running.current = false;
      }
    },
    [data, site, fiscalYear, orgCode, label, now],
  );

  let failure = '';
  if (phase.step === 'failed') {
    const key = errorMessageKey(phase.error);
    failure = phase.error instanceof Error && phase.error.name === 'NoReportError' ? t('report.none') : key ? t(key) : phase.error instanceof Error ? phase.error.message : String(phase.error);
  }
  return (
    <div className={s.root} data-testid="report-button">
      <div className={s.row}>
        <Field label={t('report.label')} hint={t('report.labelHint')} className={s.label}>
          <Input id={labelId} value={label} maxLength={40} onChange={(_, d) => setLabel(d.value)} disabled={busy} />
        </Field>
        <Menu>
          <MenuTrigger disableButtonEnhancement>
            <Button appearance="primary" disabled={busy} aria-haspopup="menu">
              {orgCode === null ? t('report.buttonCompilation') : t('report.button')}
            </Button>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              <MenuItem onClick={() => void run('xlsx', false)}>{t('report.xlsx')}</MenuItem>
              <MenuItem onClick={() => void run('html', true)}>{t('report.print')}</MenuItem>
              <MenuItem onClick={() => void run('html', false)}>{t('report.html')}</MenuItem>
            </MenuList>
          </MenuPopover>
        </Menu>
      </div>
      <div role="status" aria-live="polite">
        {phase.step === 'reading' ? <Spinner size="tiny" label={t('report.reading')} /> : null}
        {phase.step === 'building' ? <Spinner size="tiny" label={phase.kind === 'xlsx' ? t('report.buildingXlsx') : t('report.buildingHtml')} /> : null}
        {phase.step === 'done' ? <Text>{phase.printed ? t('report.printed', { sheets: phase.file.sheets, charts: phase.file.charts }) : t('report.saved', { name: phase.file.name, sheets: phase.file.sheets, charts: phase.file.charts })}</Text> : null}
      </div>
      {phase.step === 'failed' ? (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{t('report.failed', { detail: failure })}</MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => void run(phase.kind, phase.print)}>{t('report.retry')}</Button>
          </MessageBarActions>
        </MessageBar>
      ) : null}
    </div>
  );
}
