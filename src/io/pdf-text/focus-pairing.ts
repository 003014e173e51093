/**
 * Which printed 重点項目 belongs to which Ａ/Ｂ row of a compilation section (#9). The PDF extractor emits the three
 * columns as separate runs, so the printed order of the 重点項目 says little (it differs from the row order in 4 of the
 * 13 real sections and in any 府省等 we have not seen). The pairing is therefore a global assignment over content
 * evidence — the row's Ａ text and its Ｂ (reference) text against each 重点項目 — with the printed order only breaking
 * ties; its confidence is the margin by which the chosen assignment beats the best assignment that gives the row
 * another value, mapped to 0..1 with a scale fitted on held-out 府省等 (scripts/bench/importer.ts).
 */
import { assignMinCost, bigrams, foldForMatch } from './similarity.js';

/**
 * The parameters the pairing fits. `npm run bench -- importer` chooses them by leave-one-out over the 府省等 we have
 * (fit on the others, test on the one left out) and reports the choice of every fold; these defaults are the values
 * the same procedure picks on all units (see bench-results/importer.json and the README's figures).
 */
export interface PairingParams {
  /** Weight of the Ｂ (reference) text's evidence; the Ａ text's weight is 1. */
  referenceWeight: number;
  /** Added when the row's Ａ text contains the 重点項目 word for word (all such quotes are masked from the Ａ evidence). */
  quoteBonus: number;
  /** Bonus for the value printed at the row's own position: a tie-breaker, below any content difference that counts. */
  orderTieBreak: number;
  /** confidence = 1 − exp(−margin / confidenceScale). */
  confidenceScale: number;
}

/**
 * The parameter grid the bench fits over. It is also the pairing's ensemble: a pairing that another reasonable
 * weighting of the same evidence would change is not certain, whatever its margin under the chosen weights.
 */
export const PAIRING_GRID = {
  referenceWeight: [0, 0.25, 0.5, 0.75, 1],
  quoteBonus: [0, 0.1, 0.25],
  orderTieBreak: [0, 0.005, 0.01, 0.02, 0.04],
} as const;

const ENSEMBLE: Omit<PairingParams, 'confidenceScale'>[] = PAIRING_GRID.referenceWeight.flatMap((referenceWeight) =>
  PAIRING_GRID.quoteBonus.flatMap((quoteBonus) => PAIRING_GRID.orderTieBreak.map((orderTieBreak) => ({ referenceWeight, quoteBonus, orderTieBreak }))),
);

export const DEFAULT_PAIRING_PARAMS: PairingParams = {
  referenceWeight: 0.5,
  quoteBonus: 0,
  orderTieBreak: 0.04,
  confidenceScale: 0.2,
};

/** The evidence of one section: for every row and printed 重点項目, how much of the value its Ａ and Ｂ texts hold. */
export interface PairingEvidence {
  rows: number;
  /** Candidate identity (the folded name): a value printed twice is one candidate printed twice, not a rival. */
  keys: string[];
  /** IDF-weighted share of the value's character bigrams found in the row's Ａ text (quotes of any value masked). */
  a: number[][];
  /** The same in the row's Ｂ text. */
  b: number[][];
  /** 1 when the row's Ａ text holds the value word for word. */
  quote: number[][];
}

/** Quoted values shorter than this are words, not titles: they are not masked (`研修`). */
const MIN_QUOTE_CHARS = 4;

/**
 * Masks every word-for-word occurrence of a value in a text: a row that quotes another row's 重点項目
 * (`重点項目「ペーパーレス化の推進」の取組とも連動`) must not look like that 重点項目 by character overlap (#9 class 4).
 */
function maskQuotes(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of [...values].sort((x, y) => y.length - x.length)) {
    if ([...v].length < MIN_QUOTE_CHARS) continue;
    out = out.split(v).join('\u0000');
  }
  return out;
}

/** IDF over the section's rows: vocabulary every row shares weighs nothing. */
function idfOf(docs: readonly Set<string>[]): (g: string) => number {
  const n = docs.length;
  const cache = new Map<string, number>();
  return (g) => {
    let w = cache.get(g);
    if (w === undefined) {
      let df = 0;
      for (const d of docs) if (d.has(g)) df++;
      w = Math.log((n + 1) / (df + 0.5));
      cache.set(g, w);
    }
    return w;
  };
}

function coverage(grams: readonly string[], doc: ReadonlySet<string>, idf: (g: string) => number): number {
  let total = 0;
  let hit = 0;
  for (const g of grams) {
    const w = idf(g);
    total += w;
    if (doc.has(g)) hit += w;
  }
  return total > 0 ? hit / total : 0;
}

/** Computes a section's evidence once; assignFocus then weighs it with any parameters. */
export function pairingEvidence(rows: readonly { a: string; b: string }[], values: readonly string[]): PairingEvidence {
  const keys = values.map(foldForMatch);
  const aTexts = rows.map((r) => foldForMatch(r.a));
  // With a single value there is nobody else to quote: nothing is masked.
  const aMasked = new Set(keys).size > 1 ? aTexts.map((t) => maskQuotes(t, keys)) : aTexts;
  const bTexts = rows.map((r) => foldForMatch(r.b));
  const aGrams = aMasked.map((t) => bigrams(t));
  const bGrams = bTexts.map((t) => bigrams(t));
  // Each column weighs its own vocabulary: the part title every Ｂ cell repeats must not make the Ａ texts' shared
  // words (働き方改革) look rare, nor the other way round.
  const aIdf = idfOf(aGrams);
  const bIdf = idfOf(bGrams);
  const valueGrams = keys.map((k) => [...bigrams(k)]);
  return {
    rows: rows.length,
    keys,
    a: aGrams.map((d) => valueGrams.map((g) => coverage(g, d, aIdf))),
    b: bGrams.map((d) => valueGrams.map((g) => coverage(g, d, bIdf))),
    quote: aTexts.map((t) => keys.map((k) => ([...k].length >= MIN_QUOTE_CHARS && t.includes(k) ? 1 : 0))),
  };
}

/** One row's proposal. */
export interface FocusPairing {
  /** Index of the printed value, or -1 when no value is left for the row. */
  candidate: number;
  /** The row's content score for that value. */
  score: number;
  /** How much the whole assignment loses if this row takes another value (its own score when there is no other). */
  margin: number;
  /** Share of the grid's weightings that give the row the same value. */
  stability: number;
  /** 0..1: from the margin, times the stability. */
  confidence: number;
}

/** Rows × values matrix of weighted content scores. */
export function contentScores(ev: PairingEvidence, params: PairingParams): number[][] {
  return Array.from({ length: ev.rows }, (_, i) =>
    ev.keys.map((_k, j) => (ev.a[i]?.[j] ?? 0) + params.referenceWeight * (ev.b[i]?.[j] ?? 0) + params.quoteBonus * (ev.quote[i]?.[j] ?? 0)),
  );
}

const total = (scores: readonly (readonly number[])[], assignment: readonly number[]): number =>
  assignment.reduce((s, c, i) => s + (c >= 0 ? (scores[i]?.[c] ?? 0) : 0), 0);

/**
 * The assignment that maximises the summed content score (Hungarian method; the printed position adds at most
 * `orderTieBreak`), and for each row the margin over the best assignment that gives it a value of another name.
 */
export function assignFocus(ev: PairingEvidence, params: PairingParams = DEFAULT_PAIRING_PARAMS): FocusPairing[] {
  // Negated scores (costs) for a weighting, with the order tie-break on the printed position.
  const costsOf = (p: Omit<PairingParams, 'confidenceScale'>): number[][] =>
    Array.from({ length: ev.rows }, (_, i) =>
      ev.keys.map((_k, j) => -((ev.a[i]?.[j] ?? 0) + p.referenceWeight * (ev.b[i]?.[j] ?? 0) + p.quoteBonus * (ev.quote[i]?.[j] ?? 0) + (i === j ? p.orderTieBreak : 0))),
    );
  const withOrderOf = (p: Omit<PairingParams, 'confidenceScale'>): number[][] => costsOf(p).map((r) => r.map((c) => -c));
  const scores = contentScores(ev, params);
  const withOrder = withOrderOf(params);
  const FORBIDDEN = 1e6;
  const solve = (forbid?: { row: number; key: string }): number[] =>
    assignMinCost(withOrder.map((r, i) => r.map((s, j) => (forbid && forbid.row === i && ev.keys[j] === forbid.key ? FORBIDDEN : -s))));
  const best = solve();
  const bestTotal = total(withOrder, best);
  // How many weightings of the grid agree with each row's value.
  const agree = best.map(() => 0);
  if (ev.rows > 1 && ev.keys.length > 1) {
    for (const p of ENSEMBLE) {
      const other = assignMinCost(costsOf(p));
      best.forEach((c, i) => {
        const o = other[i] ?? -1;
        if (c >= 0 && o >= 0 && ev.keys[o] === ev.keys[c]) agree[i] = (agree[i] ?? 0) + 1;
      });
    }
  }
  return best.map((c, i) => {
    if (c < 0) return { candidate: -1, score: 0, margin: 0, stability: 0, confidence: 0 };
    const stability = ev.rows > 1 && ev.keys.length > 1 ? (agree[i] ?? 0) / ENSEMBLE.length : 1;
    const key = ev.keys[c] ?? '';
    const rivals = ev.keys.some((k) => k !== key);
    let margin = Infinity;
    if (rivals) {
      const alt = solve({ row: i, key });
      // The forbidden value may still be forced when nothing else is left (fewer values than rows): no alternative.
      if (alt[i] === undefined || alt[i] < 0 || ev.keys[alt[i]] !== key) margin = Math.max(0, bestTotal - total(withOrder, alt));
    }
    // With no rival value (one value, or one printed twice) the margin is the row's own evidence for it.
    if (margin === Infinity) margin = scores[i]?.[c] ?? 0;
    const confidence = stability * (1 - Math.exp(-margin / params.confidenceScale));
    return { candidate: c, score: scores[i]?.[c] ?? 0, margin, stability, confidence: Math.round(confidence * 100) / 100 };
  });
}
