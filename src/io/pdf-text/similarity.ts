/**
 * Content-based pairing for PDF column runs that lost their row order (002 §6.2 items 3–4): which printed 重点項目
 * belongs to which Ａ/Ｂ row. Scores are IDF-weighted character-bigram coverage; the pairing is a global optimum
 * (Hungarian method), because greedy pairing lets one long Ａ text steal a name that fits another row better.
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
 * Scores every (document, candidate) pair: the IDF-weighted share of the candidate's bigrams found in the document.
 * IDF is taken over the documents, so phrases every row shares (`ワークライフバランスの推進のため`) weigh nothing.
 */
export function scoreMatrix(documents: readonly string[], candidates: readonly string[]): number[][] {
  const docGrams = documents.map(bigrams);
  const n = docGrams.length;
  const idf = (g: string): number => {
    let df = 0;
    for (const d of docGrams) if (d.has(g)) df++;
    return Math.log((n + 1) / (df + 0.5));
  };
  return docGrams.map((d) =>
    candidates.map((c) => {
      const grams = [...bigrams(c)];
      let total = 0;
      let hit = 0;
      for (const g of grams) {
        const w = idf(g);
        total += w;
        if (d.has(g)) hit += w;
      }
      return total > 0 ? hit / total : 0;
    }),
  );
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

/** One proposed pairing of a document with a candidate. */
export interface Pairing {
  /** Candidate index or -1 when no candidate is left for this document. */
  candidate: number;
  score: number;
  /** 0..1: how clearly the chosen candidate beats this document's best alternative. */
  confidence: number;
}

/**
 * Pairs each document with at most one candidate so that the summed score is maximal, and rates each pair.
 * `orderPrior` adds a small bonus for keeping the printed order (document i ↔ candidate i): it only decides near-ties
 * where the content says little (a short Ａ text), never against clear content evidence.
 * Confidence = score / (score + best score of a different candidate for the same document); 1 means nothing else fits.
 */
export function pairByContent(
  documents: readonly string[],
  candidates: readonly string[],
  /** Candidates with equal keys are the same value printed twice; they are not rivals of each other. */
  candidateKeys: readonly string[] = candidates,
  options: { orderPrior?: number } = {},
): Pairing[] {
  const scores = scoreMatrix(documents, candidates);
  const prior = options.orderPrior ?? 0;
  const chosen = assignMinCost(scores.map((r, i) => r.map((s, j) => -(s + (i === j ? prior : 0)))));
  return chosen.map((c, i) => {
    const row = scores[i] ?? [];
    if (c < 0) return { candidate: -1, score: 0, confidence: 0 };
    const score = row[c] ?? 0;
    const rival = Math.max(0, ...row.filter((_, j) => candidateKeys[j] !== candidateKeys[c]));
    const confidence = score + rival > 0 ? score / (score + rival) : 0;
    return { candidate: c, score, confidence: Math.round(confidence * 100) / 100 };
  });
}
