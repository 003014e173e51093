import { Field, makeStyles, Select, tokens } from '@fluentui/react-components';

import type { Cycle, Division } from '../../../core/divisions/division.js';
import type { Translate } from '../../i18n/i18n.js';
import { fiscalYearLabel } from './fiscal-year-label.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalL, alignItems: 'flex-end' },
  field: { minWidth: '14rem' },
});

export interface ScopePickerProps {
  t: Translate;
  lang: 'ja' | 'en';
  divisions: readonly Division[];
  /** Offer "all divisions" (the secretariat, reviewers). */
  allowAll: boolean;
  divisionCode: string | null;
  onDivisionChange(code: string | null): void;
  cycles: readonly Cycle[] | null;
  fiscalYear: number | null;
  onFiscalYearChange(year: number): void;
}

const ALL = '';

/** The division and fiscal year a page shows; native selects (keyboard and screen readers know them). */
export function ScopePicker(p: ScopePickerProps) {
  const s = useStyles();
  return (
    <div className={s.root}>
      <Field label={p.t('scope.division')} className={s.field}>
        <Select value={p.divisionCode ?? ALL} onChange={(_, d) => p.onDivisionChange(d.value === ALL ? null : d.value)}>
          {p.allowAll ? <option value={ALL}>{p.t('scope.allDivisions')}</option> : null}
          {p.divisions.map((d) => (
            <option key={d.code} value={d.code}>
              {d.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={p.t('scope.fiscalYear')} className={s.field} validationMessage={p.cycles !== null && p.cycles.length === 0 ? p.t('scope.noCycles') : undefined} validationState={p.cycles !== null && p.cycles.length === 0 ? 'warning' : 'none'}>
        <Select value={p.fiscalYear === null ? '' : String(p.fiscalYear)} disabled={p.cycles === null || p.cycles.length === 0} onChange={(_, d) => p.onFiscalYearChange(Number(d.value))}>
          {(p.cycles ?? []).map((c) => (
            <option key={c.fiscalYear} value={String(c.fiscalYear)}>
              {p.t('scope.fiscalYearOption', { label: fiscalYearLabel(c.fiscalYear, p.lang), rows: c.rows })}
            </option>
          ))}
        </Select>
      </Field>
    </div>
  );
}
