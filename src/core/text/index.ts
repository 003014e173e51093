/**
 * Text helpers shared by every importer and exporter.
 * CONTRACT (#2) — implemented by the text work package; signatures are fixed, bodies may change.
 */
import type { NarrativeEntry } from '../model/schema.js';

/** Full-width ASCII (digits, letters, punctuation) → half-width; ideographic space → space. Leaves kana/kanji alone. */
export function toHalfWidth(text: string): string {
  void text;
  throw new Error('not implemented (#2 text)');
}

/**
 * Converts a cell's HTML fragment to plain text: `<p>` and `<li>` become lines, `<br>` a newline, other known tags
 * (`ul`, `b`, …) are dropped, unclosed tags are tolerated, and a literal `<` that does not start a tag (`目標数<実績`)
 * is kept. Entities are decoded. Whitespace runs are folded within a line.
 */
export function htmlToText(html: string): string {
  void html;
  throw new Error('not implemented (#2 text)');
}

/** Splits a narrative into entries at each tag (【継続】【新規】【拡充】【新規・継続】); text before the first tag is an untagged entry. */
export function splitEntries(text: string): NarrativeEntry[] {
  void text;
  throw new Error('not implemented (#2 text)');
}

/** Folds whitespace for comparisons (round-trip measure): trims, collapses runs of ASCII/ideographic spaces to one space. */
export function normalizeSpace(text: string): string {
  void text;
  throw new Error('not implemented (#2 text)');
}
