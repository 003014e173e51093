/**
 * Text helpers shared by every importer and exporter.
 * CONTRACT (#2) — implemented by the text work package; signatures are fixed, bodies may change.
 */
import { type NarrativeEntry, TAGS, type Tag } from '../model/schema.js';

export { findNonCp932Chars, isCp932Encodable } from './cp932.js';
export { decodeEntities, htmlToText, textToHtml, tokenizeHtml } from './html-text.js';
export type { HtmlToken } from './html-text.js';

/** Full-width ASCII (digits, letters, punctuation) → half-width; ideographic space → space. Leaves kana/kanji alone. */
export function toHalfWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e\u3000]/g, (ch) => (ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)));
}

/** Longest first, so that 【新規・継続】 is never read as something shorter. */
const TAG_PATTERN = new RegExp(`【(${[...TAGS].sort((a, b) => b.length - a.length).join('|')})】`, 'g');

/**
 * Splits a narrative into entries at each tag (【継続】【新規】【拡充】【新規・継続】); text before the first tag is an untagged entry.
 * Other brackets (【全体】, 【時期・対象者】, 【マネジメント改革に関する取組】) are text, not tags. Entry texts are trimmed; an
 * empty untagged prefix is dropped.
 * @example splitEntries('【継続】 A 【新規】 B') → [{ tag: '継続', text: 'A' }, { tag: '新規', text: 'B' }]
 */
export function splitEntries(text: string): NarrativeEntry[] {
  const entries: NarrativeEntry[] = [];
  let tag: Tag | null = null;
  let from = 0;
  const push = (to: number): void => {
    const body = text.slice(from, to).trim();
    if (tag !== null || body.length > 0) entries.push({ tag, text: body });
  };
  for (const m of text.matchAll(TAG_PATTERN)) {
    push(m.index);
    tag = m[1] as Tag;
    from = m.index + m[0].length;
  }
  push(text.length);
  return entries;
}

/** Folds whitespace for comparisons (round-trip measure): trims, collapses runs of ASCII/ideographic spaces to one space. */
export function normalizeSpace(text: string): string {
  return text.replace(/[\s\u3000]+/g, ' ').trim();
}

/**
 * Reads a delegation to a 重点項目 row: `※重点項目「モチベーションの向上」参照` (whole row) or `※一部重点項目「生産性の向上」参照`
 * (partly). Null when the text holds no such reference.
 * @example parseCrossRef('※一部重点項目「生産性の向上」参照') → { focusItem: '生産性の向上', partial: true }
 */
export function parseCrossRef(text: string): { focusItem: string; partial: boolean } | null {
  const m = /※\s*(一部)?\s*重点項目\s*「([^」]+)」\s*(?:を)?参照/.exec(text);
  if (!m || m[2] === undefined) return null;
  return { focusItem: m[2].trim(), partial: m[1] !== undefined };
}
