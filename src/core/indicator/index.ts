/**
 * 数値 rows: the indicator catalogue and the value-string grammar (domain.md §4).
 * CONTRACT (#2) — implemented by the indicator work package; signatures are fixed, bodies may change.
 */
export { CATEGORIES, INDICATORS, canonicalCategory, findIndicator } from './catalogue.js';
export type { IndicatorDef } from './catalogue.js';
export { detectIndicatorStyle, formatIndicatorCell, parseIndicatorCell } from './indicator-cell.js';
export type { CellLocation, IndicatorCellStyle } from './indicator-cell.js';
