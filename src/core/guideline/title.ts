/** Title normalisation and similarity for matching references against the guideline (domain.md §5.4 rules 2 and 5). */

/** Characters that carry no meaning for matching: spaces, brackets, list punctuation. */
const NOISE = /[\s\u3000「」『』"'“”‘’（）()［］[\]【】・、。，,．.:：]/g;

/**
 * Normalises a title for comparison only (titles keep their printed characters elsewhere): `－`/`-` between katakana
 * → `ー` (テレワ－ク), NFKC (full-width letters and digits), spaces, brackets and list punctuation removed.
 * @example normalizeTitle('「業務見直し・ DX 推進チーム」') // → '業務見直しdx推進チーム'
 */
export function normalizeTitle(title: string): string {
  return title
    .replace(/(?<=[\u30a0-\u30ff])[\uff0d\u2010-\u2015\u2212-](?=[\u30a0-\u30ff])/g, 'ー')
    .normalize('NFKC')
    .replace(NOISE, '')
    .toLowerCase();
}

function bigrams(s: string): Map<string, number> {
  const m = new Map<string, number>();
  const chars = Array.from(s);
  if (chars.length === 1) m.set(s, 1);
  for (let i = 0; i + 1 < chars.length; i++) {
    const g = `${chars[i] ?? ''}${chars[i + 1] ?? ''}`;
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** Normalised form and bigrams of recently compared titles (the catalogue's titles are compared over and over). */
const PREPARED = new Map<string, { norm: string; grams: Map<string, number> }>();
const PREPARED_MAX = 4096;

function prepared(title: string): { norm: string; grams: Map<string, number> } {
  let p = PREPARED.get(title);
  if (!p) {
    if (PREPARED.size >= PREPARED_MAX) PREPARED.clear();
    const norm = normalizeTitle(title);
    p = { norm, grams: bigrams(norm) };
    PREPARED.set(title, p);
  }
  return p;
}

/**
 * Dice coefficient over character bigrams of the normalised titles, 0..1 (1 = equal after normalisation).
 * Bigrams rather than containment, so that a short guideline title (`業務見直し`) inside a long plan title
 * (`「業務見直し・DX推進チーム」による業務見直し`) does not count as a match.
 * @example titleSimilarity('管理職員のマネジメント能力の向上', '管理職のマネジメント能力の向上') // ≈ 0.9
 */
export function titleSimilarity(a: string, b: string): number {
  const ca = prepared(a);
  const cb = prepared(b);
  const na = ca.norm;
  const nb = cb.norm;
  if (na.length === 0 || nb.length === 0) return 0;
  if (na === nb) return 1;
  const ga = ca.grams;
  const gb = cb.grams;
  let common = 0;
  let total = 0;
  for (const [g, n] of ga) {
    common += Math.min(n, gb.get(g) ?? 0);
    total += n;
  }
  for (const n of gb.values()) total += n;
  return total === 0 ? 0 : (2 * common) / total;
}
