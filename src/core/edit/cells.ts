/**
 * Which field a cell of a layout's table holds for a row (#10 grid, #11 sheet): the form re-purposes its text
 * column for 数値 figures and 調査 answers, and 見出し rows hold nothing. Pure, shared by every surface.
 */
import { layoutDefinition, type ColumnContent } from '../layouts/columns.js';
import type { Layout, RowKind } from '../model/schema.js';
import type { EditableField } from './fields.js';

/** The editable field behind a column for a row of this kind, or null when the cell is not filled in. */
export function fieldOfCell(layout: Layout, kind: RowKind, column: ColumnContent): EditableField | null {
  const def = layoutDefinition(layout);
  const col = def.columns.find((c) => c.id === column);
  if (!col || col.input === 'readonly') return null;
  switch (kind) {
    case 'heading':
      return null;
    case 'indicator':
      return column === def.indicatorColumn ? 'indicatorValues' : null;
    case 'survey':
      return column === def.surveyColumn ? 'surveyAnswers' : null;
    case 'initiative':
    case 'focus':
      return column === 'status' || column === 'reasonNotPlanned' || column === 'narrative' || column === 'outcome' ? column : null;
  }
}
