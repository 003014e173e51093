/**
 * Which printed 重点項目 belongs to which Ａ/Ｂ row of a compilation section (#9). The PDF extractor emits the three
 * columns as separate runs, so the printed order of the 重点項目 says little (it differs from the row order in 4 of the
 * 13 real sections and in any 府省等 we have not seen). The pairing is therefore a global assignment over content
 * evidence — the row's Ａ text and its Ｂ (reference) text against each 重点項目 — with the printed order only breaking
 * ties; its confidence is the content margin by which the chosen assignment beats the best assignment that gives the
 * row another value (a swap test: the order tie-break adds nothing to it), mapped to 0..1 with a scale calibrated on
 * held-out 府省等 (scripts/bench/importer.ts).
 *
 * The sources are also read apart, because a margin under one weighting cannot see a contradiction that another
 * weighting would resolve the other way (内閣官房 in 002: its Ｂ text favours the swapped pairing, its Ａ text barely
 * the printed one). When the Ａ text alone or the Ｂ text alone would give the row another value (by more than
 * `conflictTolerance`), or the row takes another value than the one printed at its position, the evidence contradicts
 * itself (a Ｂ reference that points to a neighbour, an Ａ text that mentions another 重点項目, a 重点項目 column printed
 * in another order) and the pairing is capped below the review threshold, whatever its margin: the importer warns and
 * says which source points where. These rules are fixed, not fitted.
 */
import { assignMinCost, bigrams, foldForMatch } from './similarity.js';

/**
 * The parameters the pairing fits. `npm run bench -- importer` chooses them by leave-one-out over the 府省等 we have
 * (fit on the others, test on the one left out) and reports the choice of every fold; these defaults are the values
 * the same procedure picks on all units (see bench-results/importer.json and the README's figures). The two
 * contradiction settings are fixed rules, not fitted.
 */
export interface PairingParams {
  /** Weight of the Ｂ (reference) text's evidence; the Ａ text's weight is 1. */
  referenceWeight: number;
  /** Added when the row's Ａ text contains the 重点項目 word for word (all such quotes are masked from the Ａ evidence). */
  quoteBonus: number;
  /** Bonus for the value printed at the row's own position: a tie-breaker, below any content difference that counts. */
  orderTieBreak: number;
  /** confidence = 1 − exp(−margin / confidenceScale), the margin in units of the total weight (1 + Ｂ weight + quote bonus). */
  confidenceScale: number;
  /**
   * How much (in units of the total weight) the Ａ evidence alone or the weighted Ｂ evidence alone may prefer another
   * value for the row before the pairing counts as contradicted and goes to review.
   */
  conflictTolerance: number;
  /**
   * Whether a row given another value than the one printed at its position counts as contradicted (the printed order
   * is a third, independent source). The bench fits this on held-out 府省等 like the rest of the calibration.
   */
  orderConflict: boolean;
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

/** The weights of the evidence (what the grid search fits); the rest of PairingParams is calibration. */
export type PairingWeights = Pick<PairingParams, 'referenceWeight' | 'quoteBonus' | 'orderTieBreak'>;

const ENSEMBLE: PairingWeights[] = PAIRING_GRID.referenceWeight.flatMap((referenceWeight) =>
  PAIRING_GRID.quoteBonus.flatMap((quoteBonus) => PAIRING_GRID.orderTieBreak.map((orderTieBreak) => ({ referenceWeight, quoteBonus, orderTieBreak }))),
);

export const DEFAULT_PAIRING_PARAMS: PairingParams = {
  referenceWeight: 0.25,
  quoteBonus: 0,
  orderTieBreak: 0.04,
  confidenceScale: 0.1,
  // Fixed rules, not fitted (see scripts/bench/importer.ts): any disagreement above rounding; the printed order counts.
  conflictTolerance: 1e-6,
  orderConflict: true,
};

/** The confidence a contradicted pairing is capped at: below the review threshold (0.6), so it is always a warning. */
export const CONFLICT_CONFIDENCE = 0.5;

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
  /** 0..1: from the margin, times the stability; at most CONFLICT_CONFIDENCE when the evidence contradicts itself. */
  confidence: number;
  /**
   * The strongest contradiction (in units of the total weight): the Ａ evidence alone or the weighted Ｂ evidence alone
   * prefers `candidate` for this row by `amount`. Null when neither would give the row another value.
   */
  conflict: SourceObjection | null;
  /** True when the row's value is not the one printed at its position (another name). */
  departs: boolean;
  /** True when `conflict.amount` exceeds the tolerance (or the row departs from the printed order and that counts): capped below the review threshold. */
  contradicted: boolean;
}

/** One evidence source's objection to a row's value. */
export interface SourceObjection {
  source: 'a' | 'b';
  /** How much that source's best assignment loses when the row is forced to the chosen value (units of the total weight). */
  amount: number;
  /** The value that source alone gives the row. */
  candidate: number;
}

/** The cost of a forbidden cell in the assignment (far above any content score). */
const FORBIDDEN_COST = 1e6;

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
  const costsOf = (p: PairingWeights): number[][] =>
    Array.from({ length: ev.rows }, (_, i) =>
      ev.keys.map((_k, j) => -((ev.a[i]?.[j] ?? 0) + p.referenceWeight * (ev.b[i]?.[j] ?? 0) + p.quoteBonus * (ev.quote[i]?.[j] ?? 0) + (i === j ? p.orderTieBreak : 0))),
    );
  const withOrderOf = (p: PairingWeights): number[][] => costsOf(p).map((r) => r.map((c) => -c));
  const scores = contentScores(ev, params);
  const withOrder = withOrderOf(params);
  const solve = (forbid?: { row: number; key: string }): number[] =>
    assignMinCost(withOrder.map((r, i) => r.map((s, j) => (forbid && forbid.row === i && ev.keys[j] === forbid.key ? FORBIDDEN_COST : -s))));
  const best = solve();
  // The margin counts content only: the printed-order tie-break decides ties but is no evidence of its own.
  const bestTotal = total(scores, best);
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
  const unit = 1 + params.referenceWeight + params.quoteBonus;
  const views = new Set(ev.keys).size > 1 ? sourceViews(ev, params) : [];
  const objections = best.map((c, i) => (c >= 0 && ev.keys.some((k) => k !== ev.keys[c]) ? strongestObjection(ev, views, i, c, unit) : null));
  return best.map((c, i) => {
    if (c < 0) return { candidate: -1, score: 0, margin: 0, stability: 0, confidence: 0, conflict: null, departs: false, contradicted: false };
    const stability = ev.rows > 1 && ev.keys.length > 1 ? (agree[i] ?? 0) / ENSEMBLE.length : 1;
    const key = ev.keys[c] ?? '';
    const rivals = ev.keys.some((k) => k !== key);
    let margin = Infinity;
    if (rivals) {
      const alt = solve({ row: i, key });
      // The forbidden value may still be forced when nothing else is left (fewer values than rows): no alternative.
      if (alt[i] === undefined || alt[i] < 0 || ev.keys[alt[i]] !== key) margin = Math.max(0, bestTotal - total(scores, alt));
    }
    // With no rival value (one value, or one printed twice) the margin is the row's own evidence for it.
    if (margin === Infinity) margin = scores[i]?.[c] ?? 0;
    const conflict = objections[i] ?? null;
    const departs = c !== i && ev.keys[c] !== ev.keys[i];
    const contradicted = (conflict !== null && conflict.amount > params.conflictTolerance) || (params.orderConflict && departs);
    const raw = stability * (1 - Math.exp(-margin / unit / params.confidenceScale));
    const confidence = contradicted ? Math.min(raw, CONFLICT_CONFIDENCE) : raw;
    return { candidate: c, score: scores[i]?.[c] ?? 0, margin, stability, confidence: Math.round(confidence * 100) / 100, conflict, departs, contradicted };
  });
}

/** One evidence source read alone: its scores, its own best assignment and that assignment's total. */
interface SourceView {
  source: 'a' | 'b';
  m: number[][];
  free: number[];
  freeTotal: number;
}

/** The Ａ evidence alone (with the quote bonus) and the weighted Ｂ evidence alone, each solved once per section. */
function sourceViews(ev: PairingEvidence, params: PairingParams): SourceView[] {
  const views: { source: 'a' | 'b'; m: number[][] }[] = [
    { source: 'a', m: ev.a.map((r, ri) => r.map((x, j) => x + params.quoteBonus * (ev.quote[ri]?.[j] ?? 0))) },
    { source: 'b', m: ev.b.map((r) => r.map((x) => params.referenceWeight * x)) },
  ];
  return views.map(({ source, m }) => {
    const free = assignMinCost(m.map((r) => r.map((x) => -x)));
    return { source, m, free, freeTotal: total(m, free) };
  });
}

/**
 * Each source as its own global assignment: how much it loses when row `i` is forced to value `c`, and which value
 * it would give the row. The larger of the two objections, or null when both sources agree with the value.
 */
function strongestObjection(ev: PairingEvidence, views: readonly SourceView[], i: number, c: number, unit: number): SourceObjection | null {
  const key = ev.keys[c] ?? '';
  let worst: SourceObjection | null = null;
  for (const { source, m, free, freeTotal } of views) {
    const prefers = free[i] ?? -1;
    if (prefers < 0 || ev.keys[prefers] === key) continue;
    const forced = assignMinCost(m.map((r, ri) => r.map((x, j) => (ri === i && ev.keys[j] !== key ? FORBIDDEN_COST : -x))));
    const amount = Math.max(0, freeTotal - total(m, forced)) / unit;
    if (amount > 0 && (worst === null || amount > worst.amount)) worst = { source, amount, candidate: prefers };
  }
  return worst;
}

