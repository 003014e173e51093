/**
 * Japanese dates: 令和/平成/昭和 (元年 too), 年度 vs 年, 年度末, 年月, 年月日, `R6.4.1`, Western years, full-width digits
 * → a normalised Period (start/end ISO dates, precision). And back: format a Period the way the documents print it.
 *
 * CONTRACT (#2) — implemented by the era work package; signatures are fixed, bodies may change.
 */
export { daysInMonth, eraOverrunNote, findPeriods, FISCAL_YEAR_LABEL, fiscalYearOf, formatPeriod, parseFiscalYear, parsePeriod } from './era-date.js';
export type { PeriodError, PeriodRelation } from './era-date.js';
