/**
 * Text matching helpers for PDF column runs that lost their row order (002 §6.2 items 3–4): folding, character bigrams
 * and a minimum-cost assignment (Hungarian method) — a global optimum, because greedy pairing lets one long Ａ text
 * steal a name that fits another row better. focus-pairing.ts builds the 重点項目 pairing on them.
 */

/** Folds text for matching only: drops whitespace, maps U+FF0D to ー and full-width ASCII to half-width. */
export function foldForMatch(text: string): string {
  return text
    .replace(/[\s\u3000]+/g, '')
    .replace(/\uff0d/g, 'ー')
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode((c.codePointAt(0) ?? 0) - 0xfee0));
}

/** Character bigrams of folded text (a one-character text yields itself). */
export function bigrams(text: string): Set<string> {
  const chars = [...foldForMatch(text)];
  const out = new Set<string>();
  if (chars.length === 1 && chars[0] !== undefined) out.add(chars[0]);
  for (let i = 0; i + 1 < chars.length; i++) out.add(`${chars[i] ?? ''}${chars[i + 1] ?? ''}`);
  return out;
}

/**
 * Minimum-cost assignment of rows to columns (rectangular allowed). Returns for each row the assigned column or -1.
 * O(n³) Hungarian method with potentials.
 */
export function assignMinCost(cost: readonly (readonly number[])[]): number[] {
  const rows = cost.length;
  const cols = Math.max(0, ...cost.map((r) => r.length));
  const n = Math.max(rows, cols);
  if (n === 0) return [];
  // Pad to a square matrix; padding cells cost 0 so they never distort the real choice.
  const a = (i: number, j: number): number => cost[i - 1]?.[j - 1] ?? 0;
  const u = new Array<number>(n + 1).fill(0);
  const v = new Array<number>(n + 1).fill(0);
  const p = new Array<number>(n + 1).fill(0);
  const way = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Array<number>(n + 1).fill(Infinity);
    const used = new Array<boolean>(n + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = p[j0] ?? 0;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = a(i0, j) - (u[i0] ?? 0) - (v[j] ?? 0);
        if (cur < (minv[j] ?? Infinity)) {
          minv[j] = cur;
          way[j] = j0;
        }
        if ((minv[j] ?? Infinity) < delta) {
          delta = minv[j] ?? Infinity;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j] ?? 0] = (u[p[j] ?? 0] ?? 0) + delta;
          v[j] = (v[j] ?? 0) - delta;
        } else {
          minv[j] = (minv[j] ?? Infinity) - delta;
        }
      }
      j0 = j1;
    } while ((p[j0] ?? 0) !== 0);
    do {
      const j1 = way[j0] ?? 0;
      p[j0] = p[j1] ?? 0;
      j0 = j1;
    } while (j0 !== 0);
  }
  const result = new Array<number>(rows).fill(-1);
  for (let j = 1; j <= n; j++) {
    const i = p[j] ?? 0;
    if (i >= 1 && i <= rows && j <= cols) result[i - 1] = j - 1;
  }
  return result;
}
