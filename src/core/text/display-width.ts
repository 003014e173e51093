/** Display width in full-width units: ASCII and half-width katakana count ½, everything else 1. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    w += c < 0x7f || (c >= 0xff61 && c <= 0xff9f) ? 0.5 : 1;
  }
  return w;
}
