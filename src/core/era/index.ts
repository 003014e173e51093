/**
 * Japanese dates: 令和/平成/昭和 (元年 too), 年度 vs 年, 年度末, 年月, 年月日, `R6.4.1`, Western years, full-width digits
 * → a normalised Period (start/end ISO dates, precision). And back: format a Period the way the documents print it.
 *
 * CONTRACT (#2) — implemented by the era work package; signatures are fixed, bodies may change.
 */
import type { Period } from '../model/schema.js';
import type { Result } from '../result.js';

export interface PeriodError {
  /** i18n-neutral reason code, e.g. 'month-out-of-range', 'unknown-era', 'not-a-date'. */
  code: string;
  message: string; // Japanese
  messageEn: string;
}

/**
 * Parses one date expression (the whole string, trimmed) into a Period.
 * @example parsePeriod('令和4年度') → { start: '2022-04-01', end: '2023-03-31', precision: 'fiscalYear' }
 */
export function parsePeriod(text: string): Result<Period, PeriodError> {
  void text;
  throw new Error('not implemented (#2 era)');
}

/** Finds every date expression inside running text (prose, indicator cells), in order. */
export function findPeriods(text: string): { period: Period; index: number; length: number }[] {
  void text;
  throw new Error('not implemented (#2 era)');
}

/** Formats a Period the way the documents print it (令和5年度, 令和7年度末, 令和6年4月1日, 令和5年7月, 令和元年度). */
export function formatPeriod(period: Pick<Period, 'start' | 'end' | 'precision'>, options?: { fullWidth?: boolean }): string {
  void period;
  void options;
  throw new Error('not implemented (#2 era)');
}

/** Western fiscal year of a label such as 令和5年度 / 令和６年度 / 2023年度; null when the text is not a 年度 label. */
export function fiscalYearOf(label: string): number | null {
  void label;
  throw new Error('not implemented (#2 era)');
}
