/**
 * Helpers for text extracted from PDFs (002 compilation, 001 plan): line records, display width, wrapped-line joining.
 * PDF extraction hard-wraps every cell at a fixed width, splitting words (`テレワー` / `ク実施環境の整備`), so wraps are
 * joined WITHOUT a space (domain.md §5.4 rule 1); only real paragraph starts become newlines.
 */

/** One physical line of a PDF-text document. */
export interface PdfLine {
  /** 1-based line number in the source file. */
  no: number;
  /** The line without the page-start space and without trailing ASCII whitespace (U+3000 indents are kept). */
  text: string;
  /** The line exactly as in the file. */
  raw: string;
  /** The extractor marks the first line of a page with one leading ASCII space (domain.md §6.2 item 2). */
  pageStart: boolean;
}

/** Turns the file's lines into PdfLine records. */
export function toPdfLines(lines: readonly string[]): PdfLine[] {
  return lines.map((raw, i) => {
    // Only ASCII spaces/tabs are layout; an ideographic space at the start is a paragraph indent and is content.
    // Sliced, not replaced: a slice shares the file's text instead of copying every line (#8, large files).
    let start = 0;
    let end = raw.length;
    while (start < end && (raw[start] === ' ' || raw[start] === '\t')) start++;
    while (end > start && (raw[end - 1] === ' ' || raw[end - 1] === '\t')) end--;
    return { no: i + 1, raw, text: start === 0 && end === raw.length ? raw : raw.slice(start, end), pageStart: /^ [^ \t]/.test(raw) && raw.trim() !== '' };
  });
}

/** True when the line holds nothing but ASCII/ideographic whitespace. */
export function isBlank(text: string): boolean {
  return /^[\s\u3000]*$/.test(text);
}

/** A bare page number printed as its own line (`14` at 002 line 556). */
export function isPageNumber(text: string): boolean {
  return /^[0-9０-９]{1,3}$/.test(text.trim());
}

import { displayWidth } from '../../core/text/display-width.js';

export { displayWidth };

/**
 * Characters that start a new logical paragraph inside a cell: entry tags, bullets, sub-block headings, notes,
 * circled numbers and an ideographic-space indent.
 */
const PARAGRAPH_START = /^(?:【[^】]{1,12}】|[・○●◆■□※＜<\u3000]|[①-⑳]|[（(][0-9０-９ⅰ-ⅹ]{1,2}[）)])/;

/** True when a line starts a new paragraph by its first characters. */
export function startsParagraph(text: string): boolean {
  return PARAGRAPH_START.test(text);
}

/** How far (in full-width units) below the cell's widest line a line may end and still count as hard-wrapped. */
const WRAP_SLACK = 5;

/**
 * Joins the printed lines of one cell into logical text: a line that ran to (about) the cell's wrap width continues
 * on the next line without a space; a short line, a blank line or a line starting a paragraph ends the paragraph
 * (`\n`). Blank lines are kept as paragraph ends, never as empty paragraphs.
 * @example joinWrapped(['行政文書の電磁記録化などテレワー', 'ク実施環境の整備']) → '行政文書の電磁記録化などテレワーク実施環境の整備'
 */
export function joinWrapped(lines: readonly string[], options: { wrapWidth?: number } = {}): string {
  const content = lines.map((l) => l.replace(/[ \t]+$/, ''));
  const widest = Math.max(0, ...content.map(displayWidth));
  const wrapWidth = options.wrapWidth ?? widest;
  const paragraphs: string[] = [];
  let current: string | null = null;
  let prevWidth = 0;
  for (const line of content) {
    if (isBlank(line)) {
      if (current !== null) paragraphs.push(current);
      current = null;
      continue;
    }
    const continues = current !== null && !startsParagraph(line) && prevWidth >= wrapWidth - WRAP_SLACK;
    if (continues) {
      current += line;
    } else {
      if (current !== null) paragraphs.push(current);
      current = line;
    }
    prevWidth = displayWidth(line);
  }
  if (current !== null) paragraphs.push(current);
  return paragraphs.join('\n');
}

/** Joins a short wrapped value (a 重点項目 name, a heading) with no separator at all. */
export function joinAll(lines: readonly string[]): string {
  return lines.map((l) => l.trim()).join('');
}
