/**
 * Round-trip measure for the 002 compilation (#2): import → render (plain-text layout) → share of the source's
 * non-empty lines that the rendering reproduces.
 *
 * Why per-section matching and not one LCS over the file: the PDF extractor emits the three columns as separate runs
 * whose order is an accident of the page layout (Ｂ before Ａ, the marker after the rows, the 重点項目 list before the
 * page title). The model keeps the content, not that accidental order, so a file-wide LCS would count every reordered
 * run as lost although nothing was lost. Instead both texts are cut at the same landmark — the header line `Ａ Ｂ`,
 * printed exactly once per 府省等 — and lines are matched as a multiset inside the corresponding section; a line left
 * over may match a left-over line of the neighbouring section (a marker printed after the rows sits in the previous
 * section's cut). Order still matters at section granularity: content moved to another 府省等 is a miss.
 */
import { normalizeSpace } from '../../core/text/index.js';
import { toSourceDoc } from '../import.js';
import { renderR6Compilation } from '../render/r6-compilation.js';
import type { RoundTripResult } from '../types.js';
import { R6_COMPILATION_IMPORTER } from './r6-compilation.js';

const MAX_MISSES = 20;
const PAGE_NUMBER = /^[0-9０-９]{1,3}$/;
const SECTION_START = /^Ａ Ｂ$/;

interface Line {
  no: number;
  text: string;
}

/** Non-empty, whitespace-normalised lines without page numbers, cut into sections at each `Ａ Ｂ` header. */
function sections(text: string): Line[][] {
  const out: Line[][] = [[]];
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    const t = normalizeSpace(raw);
    if (t === '' || PAGE_NUMBER.test(t)) return;
    if (SECTION_START.test(t)) out.push([]);
    out[out.length - 1]?.push({ no: i + 1, text: t });
  });
  return out;
}

/** Removes one occurrence of `text` from a bag; true when it was there. */
function take(bag: Map<string, number>, text: string): boolean {
  const n = bag.get(text) ?? 0;
  if (n === 0) return false;
  bag.set(text, n - 1);
  return true;
}

/** Imports a 002-style compilation, renders it from the model and counts the source lines reproduced. */
export function measureR6RoundTrip(file: string, text: string): RoundTripResult {
  const imported = R6_COMPILATION_IMPORTER.parse(toSourceDoc(file, text), {});
  const rendered = renderR6Compilation(imported.reports, 'tsv');
  const source = sections(text);
  const bags = sections(rendered).map((sec) => {
    const bag = new Map<string, number>();
    for (const l of sec) bag.set(l.text, (bag.get(l.text) ?? 0) + 1);
    return bag;
  });
  const unmatched: { line: Line; section: number }[] = [];
  let sourceCells = 0;
  let reproduced = 0;
  source.forEach((sec, s) => {
    for (const line of sec) {
      sourceCells++;
      const bag = bags[s];
      if (bag && take(bag, line.text)) reproduced++;
      else unmatched.push({ line, section: s });
    }
  });
  const misses: RoundTripResult['misses'] = [];
  for (const { line, section } of unmatched) {
    const neighbour = [bags[section - 1], bags[section + 1]].find((b) => b && take(b, line.text));
    if (neighbour) reproduced++;
    else if (misses.length < MAX_MISSES) misses.push({ line: line.no, col: 0, expected: line.text, got: null });
  }
  return { file, sourceCells, reproduced, misses };
}
