import { formatPeriod } from '../../../core/era/era-date.js';

/** 令和5年度 in Japanese; `FY2023 (令和5年度)` in English, where the era name still helps the reader. */
export function fiscalYearLabel(fiscalYear: number, lang: 'ja' | 'en'): string {
  const era = formatPeriod({ start: `${fiscalYear}-04-01`, end: `${fiscalYear + 1}-03-31`, precision: 'fiscalYear' });
  return lang === 'ja' ? era : `FY${fiscalYear} (${era})`;
}
