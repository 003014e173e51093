/** Roles a raw cell can play in the TSV layouts (#2); the renderers regenerate each role from the model's normalised fields. */
import type { Layout, Report } from '../../model/schema.js';

export const CELL_ROLES = [
  'page-title',
  'page-header',
  'stray',
  'extra',
  'majorItem',
  'kind',
  'kind+title',
  'marker',
  'marker+title',
  'title',
  'split',
  'split+status',
  'status',
  'reason',
  'narrative',
  'outcome',
  'refs',
  'indicator',
  'survey-scope',
  'survey-answer',
  'survey-fields',
  'survey-text',
] as const;
export type CellRole = (typeof CELL_ROLES)[number];

/** Roles that are kept verbatim (not derived from normalised fields): layout furniture and unparsed fragments. */
export const PASS_THROUGH_ROLES: ReadonlySet<string> = new Set<CellRole>(['page-title', 'page-header', 'stray', 'extra']);

/** Output of the layout renderers: the document's plain-text (TSV) layout or an accessible HTML table. */
export type RenderFormat = 'tsv' | 'html';

/** Writes the reports of one source document back in their own layout, from the model. */
export interface LayoutRenderer {
  layouts: readonly Layout[];
  /**
   * Several reports can share one document (000 holds L-R5-FOCUS and L-R5-OVERVIEW; 002 holds one report per 府省等).
   */
  render(reports: Report[], format: RenderFormat): string;
}
