/**
 * The manager view's report actions (#12): the report button of the reports part, loaded on first use (exceljs stays
 * out of the page's initial JavaScript), for the 府省等 and year the manager view shows.
 */
import { Spinner } from '@fluentui/react-components';
import { lazy, Suspense } from 'react';

import { useI18n } from '../../app/ServicesProvider.js';
import type { ManagerReportContext } from '../ManagerView.js';

const ReportButton = lazy(() => import(/* webpackChunkName: "report-button" */ '../../components/ReportButton/index.js').then((m) => ({ default: m.ReportButton })));

export function ManagerReportActions({ site, orgCode, fiscalYear }: ManagerReportContext) {
  const { t } = useI18n();
  return (
    <Suspense fallback={<Spinner size="tiny" label={t('app.loading')} />}>
      <ReportButton t={t} site={site} fiscalYear={fiscalYear} orgCode={orgCode} />
    </Suspense>
  );
}
