/**
 * Spreadsheet clipboard text ⇄ a block of cells (#10 "paste a rectangular block copied from Excel"). Excel writes
 * rows separated by CRLF and cells by tabs; a cell holding a tab, a line break or a quote is quoted with "…" and
 * inner quotes doubled. The same format goes out when copying, so a block round-trips through Excel.
 */

/**
 * Parses clipboard text into rows of cells. A single trailing line break (Excel always adds one) does not make an
 * empty last row.
 * @example parseClipboard('a\t"b\nc"\r\nd\te\r\n') → [['a', 'b\nc'], ['d', 'e']]
 */
export function parseClipboard(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let atCellStart = true;
  while (i < text.length) {
    const ch = text[i] as string;
    if (atCellStart && ch === '"') {
      // A quoted cell: up to the closing quote; "" is a quote.
      let j = i + 1;
      let value = '';
      let closed = false;
      while (j < text.length) {
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            value += '"';
            j += 2;
            continue;
          }
          closed = true;
          j += 1;
          break;
        }
        value += text[j];
        j += 1;
      }
      const next = text[j];
      if (closed && (next === undefined || next === '\t' || next === '\n' || next === '\r')) {
        cell = value;
        i = j;
        atCellStart = false;
        continue;
      }
      // Not a well-formed quoted cell (a quote that only starts the text): read it literally.
    }
    atCellStart = false;
    if (ch === '\t') {
      row.push(cell);
      cell = '';
      atCellStart = true;
      i += 1;
    } else if (ch === '\r' || ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      atCellStart = true;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      cell += ch;
      i += 1;
    }
  }
  if (!atCellStart || cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

const needsQuotes = /[\t\r\n"]/;

/** Writes a block as Excel does (CRLF between rows, quoted cells where needed, a trailing CRLF). */
export function formatClipboard(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map((c) => (needsQuotes.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join('\t')).join('\r\n') + '\r\n';
}
