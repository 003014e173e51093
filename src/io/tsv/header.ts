/** Header rows of the TSV layouts: which column holds which caption, and which are missing (#2). */
import type { ImportIssue } from '../../core/model/schema.js';
import { toHalfWidth } from '../../core/text/index.js';
import type { GridLine } from './grid.js';
import { makeIssue } from './issue.js';

export interface ColumnSpec {
  /** Stable id used in code (`A`, `narrative`). */
  id: string;
  /** Caption as the template prints it (for messages). */
  caption: string;
  /** Whether a header cell is this column's caption (PDF-wrapped captions carry stray spaces). */
  matches: (cell: string) => boolean;
}

/** Caption comparison that ignores spaces and paren/letter width (`Ａ` = `A`, `実施未 定` = `実施未定`). */
export const foldCaption = (s: string): string => toHalfWidth(s).replace(/\s+/g, '');

/** An exact-caption column. */
export const exactColumn = (id: string, caption: string): ColumnSpec => ({
  id,
  caption,
  matches: (cell) => foldCaption(cell) === foldCaption(caption),
});

/** A column whose caption contains `needle` (e.g. `(A)` inside `各取組の実施状況 (A)`). */
export const containsColumn = (id: string, caption: string, needle: string): ColumnSpec => ({
  id,
  caption,
  matches: (cell) => foldCaption(cell).includes(foldCaption(needle)),
});

/**
 * Maps the columns of a header row. Every spec not found yields a HEADER_COLUMN_MISSING error naming the header line
 * and the caption, so the user knows which column the table lacks.
 */
export function mapHeader(file: string, g: GridLine, specs: readonly ColumnSpec[], issues: ImportIssue[]): Map<string, number> {
  const cols = new Map<string, number>();
  for (const spec of specs) {
    const col = g.cells.findIndex((c) => spec.matches(c));
    if (col >= 0) {
      cols.set(spec.id, col);
      continue;
    }
    issues.push(
      makeIssue({
        severity: 'error',
        code: 'HEADER_COLUMN_MISSING',
        file,
        line: g.line,
        field: spec.id,
        value: spec.caption,
        message: `${file} ${g.line}行目: 見出し行に列「${spec.caption}」がありません。この列の値は取り込めません。`,
        messageEn: `${file} line ${g.line}: the header row lacks the column "${spec.caption}"; its values cannot be imported.`,
      }),
    );
  }
  return cols;
}

/** Column index of a header column the table lacks: every line reads it as an empty cell, so its field stays null. */
export const ABSENT_COLUMN = -1;

/**
 * The column of `id`: the header's when the table had a header, `fallback` only when it had none. A column the header
 * lacks has no position, so its field stays empty: guessing the template position would read the neighbouring
 * column's text into it (004 without 「具体的な取組時期・内容」 would take the outcome as the narrative).
 */
export function columnOf(cols: ReadonlyMap<string, number> | null, id: string, fallback: number): number | undefined {
  return cols === null ? fallback : cols.get(id);
}
