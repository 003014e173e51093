/** Splits a TSV source document into physical lines of cells (#2). Shared by the TSV importers. */
import type { SourceDoc } from '../types.js';

/** One physical line of a TSV document: 1-based line number and its tab-separated cells (verbatim). */
export interface GridLine {
  line: number;
  cells: string[];
}

/** A non-empty cell with its 0-based column. */
export interface GridCell {
  col: number;
  text: string;
}

/** Splits every line of the document on tabs. Cells are kept verbatim (HTML, spaces and all). */
export function toGrid(doc: SourceDoc): GridLine[] {
  return doc.lines.map((text, i) => ({ line: i + 1, cells: text.split('\t') }));
}

/** True when a cell holds nothing but whitespace (ASCII or ideographic). */
export function isBlankText(text: string): boolean {
  return text.trim() === '';
}

/** The non-blank cells of a line, in column order. */
export function filledCells(g: GridLine): GridCell[] {
  const out: GridCell[] = [];
  g.cells.forEach((text, col) => {
    if (!isBlankText(text)) out.push({ col, text });
  });
  return out;
}

/** True when every cell of the line is blank. */
export function isBlankLine(g: GridLine): boolean {
  return g.cells.every(isBlankText);
}

/** The cell at `col`, trimmed; '' when absent. */
export function cellAt(g: GridLine, col: number): string {
  return (g.cells[col] ?? '').trim();
}
