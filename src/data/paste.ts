/**
 * Plans a paste of a block of cells onto the grid (#10): which cells become which field edits, and which are refused
 * and why (beyond the table, a column that is not filled in, a field the person may not edit, a value the field
 * cannot take). Refused cells are never applied; the accepted ones are applied as one undo step. A blank cell that
 * lands where nothing is filled in is skipped (it would change nothing).
 */
import type { EditableField } from '../core/edit/fields.js';
import { parseFieldInput } from '../core/edit/input.js';
import type { ColumnContent } from '../core/layouts/columns.js';
import type { FieldChange, RowView } from './types.js';

/** A grid column: its layout column and printed header (for messages). */
export interface PasteColumn {
  id: ColumnContent;
  header: string;
}

export interface RefusedCell {
  /** Position in the pasted block (0-based). */
  blockRow: number;
  blockCol: number;
  /** The grid row the cell would land on, when inside the grid. */
  rowKey?: string;
  /** The printed header of the grid column, when inside the grid. */
  column?: string;
  value: string;
  ja: string;
  en: string;
}

export interface PastePlan {
  changes: FieldChange[];
  refused: RefusedCell[];
}

export interface PasteTarget {
  rows: readonly RowView[];
  columns: readonly PasteColumn[];
  /** The field a cell holds for a row (fieldOfCell with the row's layout and kind). */
  fieldAt(row: RowView, column: PasteColumn): EditableField | null;
  /** Why the person may not edit a field of a row (RowCache.denial), or null. */
  denial(rowKey: string, field: EditableField): { ja: string; en: string } | null;
  /** The column's length limit (writing guidance), if any. */
  maxLength?(column: PasteColumn): number | undefined;
}

/** Maps `block` onto the grid from (anchorRow, anchorCol), cell by cell. */
export function planPaste(block: readonly (readonly string[])[], anchorRow: number, anchorCol: number, target: PasteTarget): PastePlan {
  const changes: FieldChange[] = [];
  const refused: RefusedCell[] = [];
  block.forEach((cells, r) => {
    cells.forEach((value, c) => {
      const row = target.rows[anchorRow + r];
      const column = target.columns[anchorCol + c];
      const at = { blockRow: r, blockCol: c, value };
      // A blank cell where nothing is filled in (beyond the grid, or a column this row does not use: a 数値 row's
      // 実施状況 in a block copied across row kinds) changes nothing: skipped, neither applied nor refused.
      const blank = value.trim() === '';
      if (blank && (!row || !column || target.fieldAt(row, column) === null)) return;
      if (!row || !column) {
        refused.push({
          ...at,
          ...(row ? { rowKey: row.rowKey } : {}),
          ja: !row ? '貼り付け先の行が表にありません（行が多すぎます）。' : '貼り付け先の列が表にありません（列が多すぎます）。',
          en: !row ? 'There is no grid row for this cell (too many rows).' : 'There is no grid column for this cell (too many columns).',
        });
        return;
      }
      const where = { ...at, rowKey: row.rowKey, column: column.header };
      const field = target.fieldAt(row, column);
      if (field === null) {
        refused.push({ ...where, ja: `「${column.header}」はこの行では入力する欄ではありません。`, en: `"${column.header}" is not filled in for this row.` });
        return;
      }
      const denial = target.denial(row.rowKey, field);
      if (denial) {
        refused.push({ ...where, ja: denial.ja, en: denial.en });
        return;
      }
      const parsed = parseFieldInput(row.current, field, value, target.maxLength?.(column));
      if (!parsed.ok) {
        refused.push({ ...where, ja: parsed.error.ja, en: parsed.error.en });
        return;
      }
      changes.push({ rowKey: row.rowKey, field, value: parsed.value });
    });
  });
  return { changes, refused };
}
