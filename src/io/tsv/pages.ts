/** Page structure of the TSV layouts: title blocks, header rows (repeated per page) and data lines (#2). */
import type { GridLine } from './grid.js';
import { filledCells, isBlankLine, isBlankText } from './grid.js';

export type PageItem =
  | { kind: 'title'; lines: GridLine[]; text: string }
  | { kind: 'header'; g: GridLine; captions: GridLine | null }
  | { kind: 'data'; g: GridLine };

export interface PageRules {
  /** Whether the joined text of a block of one-cell lines is a page title of this layout. */
  isTitle(text: string): boolean;
  /** Whether a line is the first header row. */
  isHeader(g: GridLine): boolean;
  /** Whether the line right after the header is its caption row. */
  isCaptionRow(g: GridLine): boolean;
}

/** Text of a line that holds only its first cell (trailing empty cells allowed), or null for a table line. */
export const soleText = (g: GridLine): string | null => (g.cells.slice(1).every(isBlankText) ? (g.cells[0] ?? '') : null);

/** Title lines join without a separator: they are one title wrapped by the PDF. */
export const joinTitle = (lines: readonly GridLine[]): string => lines.map((l) => (l.cells[0] ?? '').trim()).join('');

/**
 * Classifies the lines of a document. Blank lines are skipped. A run of consecutive one-cell lines is a title when its
 * joined text passes `isTitle`; otherwise its lines are data (a truncated or stray line is still reported, not lost).
 */
export function scanPages(grid: readonly GridLine[], rules: PageRules): PageItem[] {
  const items: PageItem[] = [];
  let i = 0;
  while (i < grid.length) {
    const g = grid[i] as GridLine;
    if (isBlankLine(g)) {
      i += 1;
      continue;
    }
    if (soleText(g) !== null) {
      const run: GridLine[] = [];
      let j = i;
      while (j < grid.length) {
        const h = grid[j] as GridLine;
        if (soleText(h) === null || isBlankLine(h)) break;
        run.push(h);
        j += 1;
      }
      const text = joinTitle(run);
      if (rules.isTitle(text)) {
        items.push({ kind: 'title', lines: run, text });
      } else {
        for (const h of run) items.push({ kind: 'data', g: h });
      }
      i = j;
      continue;
    }
    if (rules.isHeader(g)) {
      const next = grid[i + 1];
      const captions = next && !isBlankLine(next) && rules.isCaptionRow(next) ? next : null;
      items.push({ kind: 'header', g, captions });
      i += captions ? 2 : 1;
      continue;
    }
    items.push({ kind: 'data', g });
    i += 1;
  }
  return items;
}

/** The furniture cells (title and header lines) of a page, to keep on the page's first row (lossless rule). */
export function furnitureCells(item: PageItem): { g: GridLine; role: 'page-title' | 'page-header' }[] {
  if (item.kind === 'title') return item.lines.map((g) => ({ g, role: 'page-title' as const }));
  if (item.kind === 'header') {
    const out: { g: GridLine; role: 'page-header' }[] = [{ g: item.g, role: 'page-header' }];
    if (item.captions) out.push({ g: item.captions, role: 'page-header' });
    return out;
  }
  return [];
}

/** True when a data line carries nothing but the given columns. */
export function onlyColumns(g: GridLine, cols: readonly number[]): boolean {
  return filledCells(g).every((c) => cols.includes(c.col));
}
