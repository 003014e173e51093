/** 大項目 (part) cells: exact names and garbled vertical prints (#2, domain §6.4). */

export interface MajorItemMatch {
  canonical: string;
  /** True when the printed text is not the name itself but a scramble of its characters. */
  garbled: boolean;
  confidence: number;
}

const chars = (s: string): string[] => [...s.replace(/[\s\u3000]/g, '')];

/** True when every character of `part` (with multiplicity) occurs in `whole`. */
function multisetContains(whole: string, part: string): boolean {
  const pool = new Map<string, number>();
  for (const c of chars(whole)) pool.set(c, (pool.get(c) ?? 0) + 1);
  for (const c of chars(part)) {
    const n = pool.get(c) ?? 0;
    if (n === 0) return false;
    pool.set(c, n - 1);
  }
  return true;
}

/**
 * Maps a printed 大項目 to a known one: exact (spaces ignored), else the single known name whose character multiset
 * contains the printed characters (vertical text extracted out of order: 「活躍で・ きる等と 両立して」). Null when none or
 * several fit.
 */
export function matchMajorItem(raw: string, known: readonly string[]): MajorItemMatch | null {
  const squeezed = chars(raw).join('');
  if (squeezed === '') return null;
  const exact = known.find((k) => chars(k).join('') === squeezed);
  if (exact !== undefined) return { canonical: exact, garbled: false, confidence: 1 };
  // Short fragments (one or two characters) would fit almost any name; require a real share of the name.
  const fits = known.filter((k) => multisetContains(k, raw) && squeezed.length >= 3);
  if (fits.length !== 1) return null;
  const canonical = fits[0] as string;
  const share = squeezed.length / chars(canonical).length;
  return { canonical, garbled: true, confidence: Math.round(Math.min(0.95, 0.5 + 0.5 * share) * 100) / 100 };
}
