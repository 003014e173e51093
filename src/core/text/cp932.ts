/** CP932 (Shift_JIS as Windows writes it) encodability, from a bitmap generated offline (see cp932-table.ts). */
import { CP932_BITMAP_BASE64 } from './cp932-table.js';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 6) / 8));
  let bits = 0;
  let acc = 0;
  let n = 0;
  for (const ch of clean) {
    acc = (acc << 6) | B64.indexOf(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

let bitmap: Uint8Array | undefined;

/** True when CP932 can encode the code point (JIS X 0208, NEC/IBM extensions, ASCII, half-width kana). */
export function isCp932Encodable(codePoint: number): boolean {
  if (codePoint >= 0x10000) return false;
  bitmap ??= decodeBase64(CP932_BITMAP_BASE64);
  return ((bitmap[codePoint >> 3] ?? 0) & (1 << (codePoint & 7))) !== 0;
}

/**
 * Characters of the text that CP932 cannot encode (000's `发` in `事務連絡を发出する等`), each once, in order of first
 * appearance. Exporting such text to Shift_JIS would fail: export UTF-8 and flag NON_CP932_CHAR instead.
 */
export function findNonCp932Chars(text: string): string[] {
  const seen = new Set<string>();
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (!isCp932Encodable(cp)) seen.add(ch);
  }
  return [...seen];
}
