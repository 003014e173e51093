/**
 * 数値 rows: the indicator catalogue and the value-string grammar (domain.md §4).
 * CONTRACT (#2) — implemented by the indicator work package; signatures are fixed, bodies may change.
 */
import type { ImportIssue, IndicatorValue } from '../model/schema.js';

export interface IndicatorDef {
  code: string;
  title: string;
  aliases: string[];
  categories: string[];
}

/** Finds an indicator by printed name (paren width and spacing ignored). */
export function findIndicator(name: string): IndicatorDef | undefined {
  void name;
  throw new Error('not implemented (#2 indicator)');
}

/** Canonical category for a printed 【…】 label (ignores paren width and the 級 variant), or null if unknown. */
export function canonicalCategory(raw: string): string | null {
  void raw;
  throw new Error('not implemented (#2 indicator)');
}

/**
 * Parses an indicator cell (HTML fragment allowed, `<p>` per category) into values.
 * Every problem (percentage over 100, impossible date, unknown part) becomes an issue naming file, line and field;
 * the offending value is kept as text with valuePercent null rather than dropped.
 */
export function parseIndicatorCell(
  raw: string,
  where: { file: string; line: number; col?: number; field?: string },
): { values: IndicatorValue[]; issues: ImportIssue[] } {
  void raw;
  void where;
  throw new Error('not implemented (#2 indicator)');
}

/** Formats values back to the cell text the documents print (inverse of parseIndicatorCell for unchanged values). */
export function formatIndicatorCell(values: IndicatorValue[], style: { separator: ' ' | '、'; paragraphs: boolean }): string {
  void values;
  void style;
  throw new Error('not implemented (#2 indicator)');
}
