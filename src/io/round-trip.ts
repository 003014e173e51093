/**
 * Round-trip measure (#2): import a document, render it back in its own layout from the model, and count how many
 * non-empty source cells come back at the same line and column. The source is split into cells here, independently of
 * the importers, so an importer that drops a cell cannot hide it.
 */
import { normalizeSpace } from '../core/text/index.js';
import { detectImporter, importDocument, toSourceDoc } from './import.js';
import { measureR6RoundTrip } from './layouts/r6-compilation-roundtrip.js';
import { renderReports } from './render/index.js';
import type { RoundTripResult } from './types.js';

const MAX_MISSES = 20;

/** Splits text into lines (CRLF, LF or CR) and cells (tabs); a leading BOM is not content. */
export function splitCells(text: string): string[][] {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return t.split(/\r\n|\n|\r/).map((line) => line.split('\t'));
}

/**
 * Compares every non-empty cell of `source` with the cell at the same position of `rendered`, after normalizeSpace.
 * `readSource` turns a source cell into what is compared (default: as written), e.g. its markup into the text a
 * reader sees when `rendered` is plain text; `rendered` is never converted, only whitespace-normalised.
 */
export function compareCells(file: string, source: string, rendered: string, readSource: (cell: string) => string = (c) => c): RoundTripResult {
  const want = splitCells(source);
  const got = splitCells(rendered);
  let sourceCells = 0;
  let reproduced = 0;
  const misses: RoundTripResult['misses'] = [];
  want.forEach((cells, i) => {
    cells.forEach((cell, col) => {
      const expected = normalizeSpace(readSource(cell));
      if (expected === '') return;
      sourceCells += 1;
      const raw = got[i]?.[col];
      const actual = raw === undefined ? null : normalizeSpace(raw);
      if (actual === expected) {
        reproduced += 1;
      } else if (misses.length < MAX_MISSES) {
        misses.push({ line: i + 1, col, expected, got: actual });
      }
    });
  });
  return { file, sourceCells, reproduced, misses };
}

/**
 * Imports `text`, renders it back ('tsv') and measures how much of the source the rendering reproduces. The PDF-text
 * compilation (002) has no cell grid; its own measure (lines and runs) lives with its importer.
 */
export function measureRoundTrip(file: string, text: string): RoundTripResult {
  const doc = toSourceDoc(file, text);
  if (detectImporter(doc)?.importer.layouts.includes('L-R6-COMPILATION')) return measureR6RoundTrip(file, text);
  const result = importDocument(doc);
  const first = result.reports[0];
  if (!first) return compareCells(file, text, '');
  let rendered: string;
  try {
    rendered = renderReports(result.reports, first.layout, 'tsv');
  } catch (error) {
    // A layout without a renderer yet reproduces nothing; the measure says so instead of failing the whole run.
    const why = error instanceof Error ? error.message : String(error);
    const measured = compareCells(file, text, '');
    return { ...measured, misses: [{ line: 0, col: 0, expected: 'rendering', got: why }, ...measured.misses].slice(0, MAX_MISSES) };
  }
  return compareCells(file, text, rendered);
}
