import { Field, makeStyles, Select, tokens } from '@fluentui/react-components';

import type { Cycle, Division } from '../../../core/divisions/division.js';
import type { Translate } from '../../i18n/i18n.js';
import { fiscalYearLabel } from './fiscal-year-label.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalL, alignItems: 'flex-end' },
  field: { minWidth: '14rem' },
});

/** The scope a picker edits (what `useScope` returns). */
export interface PickedScope {
  /** The divisions offered, and whether "all divisions" is (the secretariat, reviewers, members of several). */
  choice: { options: readonly Division[]; allowAll: boolean } | null;
  division: string | null;
  setDivision(code: string | null): void;
  cycleList: readonly Cycle[] | null;
  fiscalYear: number | null;
  setFiscalYear(year: number): void;
}

export interface ScopePickerProps {
  t: Translate;
  lang: 'ja' | 'en';
  scope: PickedScope;
}

const ALL = '';

/** The division and fiscal year a page shows; native selects (keyboard and screen readers know them). */
export function ScopePicker({ t, lang, scope }: ScopePickerProps) {
  const s = useStyles();
  const cycles = scope.cycleList;
  const noCycles = cycles !== null && cycles.length === 0;
  return (
    <div className={s.root}>
      <Field label={t('scope.division')} className={s.field}>
        <Select value={scope.division ?? ALL} onChange={(_, d) => scope.setDivision(d.value === ALL ? null : d.value)}>
          {scope.choice?.allowAll ? <option value={ALL}>{t('scope.allDivisions')}</option> : null}
          {(scope.choice?.options ?? []).map((d) => (
            <option key={d.code} value={d.code}>
              {d.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t('scope.fiscalYear')} className={s.field} validationMessage={noCycles ? t('scope.noCycles') : undefined} validationState={noCycles ? 'warning' : 'none'}>
        <Select value={scope.fiscalYear === null ? '' : String(scope.fiscalYear)} disabled={cycles === null || noCycles} onChange={(_, d) => scope.setFiscalYear(Number(d.value))}>
          {(cycles ?? []).map((c) => (
            <option key={c.fiscalYear} value={String(c.fiscalYear)}>
              {t('scope.fiscalYearOption', { label: fiscalYearLabel(c.fiscalYear, lang), rows: c.rows })}
            </option>
          ))}
        </Select>
      </Field>
    </div>
  );
}
