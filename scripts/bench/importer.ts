/**
 * Importer generalisation bench (#9): how the 002 compilation importer does on 府省等 it has not seen.
 *
 * Corpus (test/fixtures/compilation): units are 府省等 — the 13 of samples/002 with rows and our own 10 — each with its
 * document as printed and perturbed copies (reordered 重点項目, shuffled rows, Ｂ cells as quoted headings, titles only,
 * labelled bullets, split by a page or a blank line, page breaks moved, Ｂ before Ａ, heading lines among the 重点項目,
 * variant 府省等 names, the marker after the rows, two rows whose Ｂ cells cite each other's material, an Ａ text that
 * mentions a neighbour's 重点項目 in its own words, mixtures).
 *
 * Parameters the pairing fits (focus-pairing.ts PairingParams): the Ｂ evidence weight, the quote bonus, the order
 * tie-break and the confidence scale. Leave-one-out: for every unit, fit on the other units' documents, then import
 * the held-out unit's documents with the fitted parameters and score them. Fitting = grid search maximising pairing
 * accuracy on the training documents (ties: the larger separation of right and wrong margins, then the smaller order
 * tie-break, the smaller quote bonus, the Ｂ weight closest to the middle of the grid); the confidence scale is then
 * calibrated on held-out pairings of the training units (an inner leave-one-out): the most careful scale that leaves
 * none of them wrong without a warning and costs at most 1 % of the pairings more reviews than the cheapest safe one.
 * Not fitted: the contradiction rules (a pairing that the Ａ evidence alone, the Ｂ evidence alone or the printed order
 * would change goes to review) and the layout facts of the block classification (column widths measured on 002).
 *
 * Besides accuracy, recall and the reliability table, the bench prints the warnings' cost: right pairings that carry
 * a warning all the same. `--without k1,k2` leaves perturbation kinds out (to compare with a corpus before they existed).
 *
 * Section attribution (#12): documents of several 府省等 in one file (compilations.ts), each printing its marker before
 * its header, at the foot of the page before, after its rows or after its 重点項目: rows under their own 府省等, per
 * marker place, beside what cutting the file at marker lines would give. Nothing is fitted on them.
 *
 * Prints the figures and writes bench-results/importer.json. `--before <dir>` also scores another checkout's importer
 * (e.g. the commit before #9, extracted with `git archive`) on the same corpus with its own parameters.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

import type { ImportResult, Report } from '../../src/core/model/schema.js';
import { importDocument, toSourceDoc } from '../../src/io/import.js';
import { DEFAULT_PAIRING_PARAMS, PAIRING_GRID, type PairingEvidence, type PairingParams, type PairingWeights, pairingEvidence } from '../../src/io/pdf-text/focus-pairing.js';
import { assembleSection, pairSection, parseR6 } from '../../src/io/layouts/r6-compilation.js';
import { parseR6Structure } from '../../src/io/layouts/r6-sections.js';
import { buildCompilations, lastMarkerRuleRight, MARKER_PLACES, scoreAttribution } from '../../test/fixtures/compilation/compilations.js';
import { buildCorpus, type CorpusDoc, type DocOutcome, onlyReport, REVIEW_THRESHOLD, scoreReport, summarize, type Summary } from '../../test/fixtures/compilation/corpus.js';
import { OWN_SECTIONS } from '../../test/fixtures/compilation/own-sections.js';
import { realSections } from '../../test/fixtures/compilation/perturb.js';
import { truthOf } from '../../test/fixtures/compilation/layout.js';

const GRID = PAIRING_GRID;

const fold = (s: string | null | undefined): string => (s ?? '').replace(/[\s\u3000]/g, '');

/** What a document's pairing needs, computed once: evidence, which value is each truth row's, reuse allowed. */
interface Prepared {
  doc: CorpusDoc;
  evidence: PairingEvidence;
  /** For each evidence row: the index of the right value (-1 when the row matches no truth row or no value fits). */
  right: number[];
  reuse: boolean;
  /** Rows the importer already warns about for their shape (split or joined): their pairing is warned whatever its margin. */
  doubt: boolean[];
}

function prepare(doc: CorpusDoc): Prepared | null {
  const structure = parseR6Structure(toSourceDoc('doc.txt', doc.text));
  const section = structure.sections[0];
  if (!section) return null;
  const assembled = assembleSection(section, true);
  const names = assembled.focusValues.map((f) => f.name);
  const evidence = pairingEvidence(assembled.docs, names);
  const truth = truthOf(doc.section);
  const right = assembled.docs.map((d) => {
    const t = truth.find((x) => fold(d.a).startsWith(fold(x.aStart)));
    return t ? names.findIndex((n) => fold(n) === fold(t.focus)) : -1;
  });
  return { doc, evidence, right, reuse: true, doubt: assembled.drafts.map((d) => d.reshaped !== null) };
}

/** One pairing as the calibration sees it (scale-free quantities, so any calibration can be scored on it). */
interface PairingPoint {
  correct: boolean;
  /** Margin in units of the total weight. */
  margin: number;
  stability: number;
  /** The strongest single-source objection (units of the total weight; 0 when both sources agree). */
  objection: number;
  /** The row's value is not the one printed at its position. */
  departs: boolean;
  /** Already warned whatever the calibration: the row's shape was in doubt, or it got a leftover value. */
  doubt: boolean;
}

interface FitScore {
  correct: number;
  total: number;
  points: PairingPoint[];
  /**
   * Separation: Σ over right pairings of their margin minus Σ over wrong ones, margins in units of the total weight
   * (1 + Ｂ weight + quote bonus) and capped at 0.3. Breaks ties between equally accurate grid points in favour of
   * the one whose right decisions are clear and whose wrong ones are marginal.
   */
  separation: number;
}

const MARGIN_CAP = 0.3;

type Combo = PairingWeights;
type Calibration = Pick<PairingParams, 'confidenceScale' | 'conflictTolerance' | 'orderConflict'>;

/** Candidate confidence scales (confidence = 1 − exp(−margin/scale), margin in units of the total weight). */
const SCALES = [0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6];
/**
 * The contradiction rules are fixed, not fitted: a pairing that the Ａ evidence alone or the Ｂ evidence alone would
 * change (by more than rounding), or that departs from the printed order, goes to review. Fitting a tolerance on the
 * training 府省等 sets it just below the contradictions they happen to show, and an unseen 府省等 shows others.
 */
const TOLERANCES = [DEFAULT_PAIRING_PARAMS.conflictTolerance];

function scoreParams(prepared: readonly Prepared[], weights: Combo): FitScore {
  let correct = 0;
  let total = 0;
  let separation = 0;
  const points: PairingPoint[] = [];
  const unit = 1 + weights.referenceWeight + weights.quoteBonus;
  for (const p of prepared) {
    const { pairs, assigned } = pairSection(p.evidence, p.reuse, { ...weights, confidenceScale: 1, conflictTolerance: Infinity, orderConflict: false });
    assigned.forEach((c, i) => {
      total++;
      const key = c >= 0 ? p.evidence.keys[c] : undefined;
      const rightKey = (p.right[i] ?? -1) >= 0 ? p.evidence.keys[p.right[i] ?? -1] : undefined;
      const pair = pairs[i];
      const margin = (pair?.margin ?? 0) / unit;
      const m = Math.min(MARGIN_CAP, margin);
      const ok = key !== undefined && key === rightKey;
      if (ok) {
        correct++;
        separation += m;
      } else separation -= m;
      if (c >= 0) points.push({ correct: ok, margin, stability: pair?.stability ?? 0, objection: pair?.conflict?.amount ?? 0, departs: pair?.departs ?? false, doubt: (p.doubt[i] ?? false) || (pair?.stability ?? 0) === 0 });
    });
  }
  return { correct, total, points, separation };
}

/** Whether a calibration puts a pairing to review (the importer's own rule, rounding included). */
function warns(p: PairingPoint, c: Calibration): boolean {
  if (p.doubt || p.objection > c.conflictTolerance || (c.orderConflict && p.departs)) return true;
  const confidence = Math.round(p.stability * (1 - Math.exp(-p.margin / c.confidenceScale)) * 100) / 100;
  return confidence < REVIEW_THRESHOLD;
}

/** Every grid point, in the order of preference for ties (smaller order tie-break, smaller quote bonus, middle Ｂ weight). */
function combos(): Combo[] {
  const mid = GRID.referenceWeight[Math.floor(GRID.referenceWeight.length / 2)] ?? 0.5;
  const out: Combo[] = [];
  for (const orderTieBreak of GRID.orderTieBreak) {
    for (const quoteBonus of GRID.quoteBonus) {
      for (const referenceWeight of [...GRID.referenceWeight].sort((x, y) => Math.abs(x - mid) - Math.abs(y - mid))) out.push({ referenceWeight, quoteBonus, orderTieBreak });
    }
  }
  return out;
}

/** Per unit and grid point: right pairings, rows, and every pairing's scale-free figures (any fit is a sum over it). */
function unitTable(prepared: readonly Prepared[], units: readonly string[], grid: readonly Combo[]): Map<string, FitScore[]> {
  const table = new Map<string, FitScore[]>();
  for (const unit of units) {
    const mine = prepared.filter((p) => p.doc.unit === unit);
    table.set(
      unit,
      grid.map((c) => scoreParams(mine, c)),
    );
  }
  return table;
}

/** The grid point with the most right pairings over some units; ties go to the larger separation. */
function bestCombo(table: Map<string, FitScore[]>, units: readonly string[], grid: readonly Combo[]): { index: number; accuracy: number } {
  let best = { index: 0, correct: -1, total: 1, separation: -Infinity };
  grid.forEach((_, k) => {
    let correct = 0;
    let total = 0;
    let separation = 0;
    for (const u of units) {
      correct += table.get(u)?.[k]?.correct ?? 0;
      total += table.get(u)?.[k]?.total ?? 0;
      separation += table.get(u)?.[k]?.separation ?? 0;
    }
    if (correct > best.correct || (correct === best.correct && separation > best.separation + 1e-9)) best = { index: k, correct, total, separation };
  });
  return { index: best.index, accuracy: best.correct / Math.max(1, best.total) };
}

interface CalibrationFit {
  calibration: Calibration;
  /** Inner held-out pairings the chosen calibration leaves wrong without a warning (0 when it is safe on them). */
  unwarnedWrong: number;
  /** Inner held-out right pairings it puts to review (the warnings' cost). */
  warnedRight: number;
  heldOutPairings: number;
  heldOutWrong: number;
}

/** Extra reviews the calibration may spend on a safety margin: up to this share of the held-out pairings. */
const REVIEW_SLACK = 0.01;

/**
 * The calibration from held-out pairings. Safe: no held-out wrong pairing left without a warning. Among the safe
 * candidates, the cheapest (fewest right pairings warned) sits at the edge of what the training 府省等 happen to show, so
 * the fit takes the most careful one (largest scale, smallest tolerance) that costs at most REVIEW_SLACK of the
 * pairings more than the cheapest. When none is safe, the one with the fewest unwarned wrong pairings.
 */
function calibrate(points: readonly PairingPoint[]): CalibrationFit {
  const wrong = points.filter((p) => !p.correct);
  const right = points.filter((p) => p.correct);
  const candidates: CalibrationFit[] = [];
  for (const orderConflict of [DEFAULT_PAIRING_PARAMS.orderConflict]) {
    for (const conflictTolerance of TOLERANCES) {
      for (const confidenceScale of SCALES) {
        const c = { confidenceScale, conflictTolerance, orderConflict };
        candidates.push({
          calibration: c,
          unwarnedWrong: wrong.filter((p) => !warns(p, c)).length,
          warnedRight: right.filter((p) => warns(p, c)).length,
          heldOutPairings: points.length,
          heldOutWrong: wrong.length,
        });
      }
    }
  }
  const fewest = Math.min(...candidates.map((c) => c.unwarnedWrong));
  const best = candidates.filter((c) => c.unwarnedWrong === fewest);
  const cheapest = Math.min(...best.map((c) => c.warnedRight));
  const affordable = best.filter((c) => c.warnedRight <= cheapest + REVIEW_SLACK * points.length);
  // Most careful first: the smaller tolerance, then the larger scale.
  affordable.sort((x, y) => x.calibration.conflictTolerance - y.calibration.conflictTolerance || y.calibration.confidenceScale - x.calibration.confidenceScale);
  return affordable[0] as CalibrationFit;
}

/**
 * Fits on a set of units. The weights: the grid point with the most right pairings. The calibration (confidence scale
 * and conflict tolerance): on held-out pairings, not on the training fit (which is always too sure of itself): an inner
 * leave-one-out over the training units gives each unit's pairings under weights fitted without it, and calibrate()
 * picks from those. Rows the importer already warns about for their shape count as warned.
 */
export function fitParams(table: Map<string, FitScore[]>, units: readonly string[], grid: readonly Combo[]): { params: PairingParams; trainingAccuracy: number; calibration: Omit<CalibrationFit, 'calibration'> } {
  const outer = bestCombo(table, units, grid);
  const heldOut: PairingPoint[] = [];
  for (const j of units) {
    const inner = bestCombo(
      table,
      units.filter((u) => u !== j),
      grid,
    );
    heldOut.push(...(table.get(j)?.[inner.index]?.points ?? []));
  }
  const { calibration, ...figures } = calibrate(heldOut);
  return { params: { ...(grid[outer.index] as Combo), ...calibration }, trainingAccuracy: outer.accuracy, calibration: figures };
}

type Importer = (doc: CorpusDoc, params: PairingParams) => { result: ImportResult; confidenceOf: (r: Report, i: number) => number | null };

const currentImporter: Importer = (doc, params) => {
  const source = toSourceDoc('doc.txt', doc.text);
  const result = params === DEFAULT_PAIRING_PARAMS ? importDocument(source) : parseR6(source, params);
  const structure = parseR6Structure(source);
  const confidences = structure.sections.map((s) => assembleSection(s, true, params).pairs.map((p) => p.confidence));
  return { result, confidenceOf: (_r, i) => confidences[0]?.[i] ?? null };
};

function evaluate(docs: readonly CorpusDoc[], importer: Importer, paramsOf: (doc: CorpusDoc) => PairingParams): DocOutcome[] {
  return docs.map((doc) => {
    const { result, confidenceOf } = importer(doc, paramsOf(doc));
    return scoreReport(doc, onlyReport(result), result.issues, confidenceOf);
  });
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

function printSummary(label: string, s: Summary): void {
  console.log(`\n${label}: ${s.documents} documents, ${s.rows} rows`);
  console.log(`  pairing accuracy     ${pct(s.pairingAccuracy)}`);
  console.log(`  reference recall     ${pct(s.referenceRecall)}`);
  console.log(`  wrong ≥ ${REVIEW_THRESHOLD} unwarned  ${s.confidentlyWrong}`);
  console.log(`  right but warned     ${s.warnedRight} (${pct(s.warnedRight / Math.max(1, s.rows))} of the rows: the warnings' cost)`);
  console.log(`  documents w/ errors  ${s.documentsWithErrors} (false truncation alarms: ${s.falseTruncationAlarms})`);
  console.log(`  rows missing / extra ${s.missingRows} / ${s.extraRows}; 府省等 recognised ${s.organizationsRecognised}/${s.documents}`);
  console.log('  confidence band   pairings   wrong   wrong without warning');
  for (const b of s.reliability) console.log(`    ${b.band.padEnd(12)} ${String(b.pairings).padStart(9)} ${String(b.wrong).padStart(7)} ${String(b.wrongUnwarned).padStart(9)}`);
}

/** Summaries for the whole corpus and its parts. */
function breakdown(outcomes: readonly DocOutcome[], docs: readonly CorpusDoc[]) {
  const sourceOf = new Map(docs.map((d) => [d.id, d.source]));
  const pick = (f: (o: DocOutcome) => boolean): Summary => summarize(outcomes.filter(f));
  return {
    all: pick(() => true),
    realAsInSamples: pick((o) => o.perturbation === 'original'),
    realPerturbed: pick((o) => sourceOf.get(o.doc) === 'real' && o.perturbation !== 'original'),
    own: pick((o) => sourceOf.get(o.doc) === 'own'),
    perUnit: Object.fromEntries(
      [...new Set(outcomes.map((o) => o.unit))].map((u) => {
        const s = pick((o) => o.unit === u);
        return [u, { rows: s.rows, pairingAccuracy: s.pairingAccuracy, referenceRecall: s.referenceRecall, confidentlyWrong: s.confidentlyWrong, warnedRight: s.warnedRight }];
      }),
    ),
    perPerturbation: Object.fromEntries(
      [...new Set(outcomes.map((o) => o.perturbation))].map((p) => {
        const s = pick((o) => o.perturbation === p);
        return [p, { documents: s.documents, rows: s.rows, pairingAccuracy: s.pairingAccuracy, referenceRecall: s.referenceRecall, confidentlyWrong: s.confidentlyWrong, documentsWithErrors: s.documentsWithErrors, warnedRight: s.warnedRight }];
      }),
    ),
  };
}

/**
 * The warnings' cost by cause (#12): for every pairing of the held-out documents (each 府省等 with the parameters
 * fitted without it), which rule puts it to review — a low margin (`margin`), the Ａ or Ｂ evidence alone pointing
 * elsewhere (`source`), a value other than the one printed at the row's position (`order`), a row whose shape was in
 * doubt (`shape`) — counted apart for right and wrong pairings. A rule that alone catches no wrong pairing could go;
 * one that alone catches some can go only if what separates those from the right ones is a general fact.
 */
function warningCauses(docs: readonly CorpusDoc[], paramsOf: (doc: CorpusDoc) => PairingParams) {
  const right: Record<string, number> = {};
  const wrong: Record<string, number> = {};
  /** Uncapped confidence of the wrong pairings only one rule catches, per rule. */
  const aloneWrong: Record<string, number[]> = {};
  for (const doc of docs) {
    const params = paramsOf(doc);
    const section = parseR6Structure(toSourceDoc('doc.txt', doc.text)).sections[0];
    if (!section) continue;
    const a = assembleSection(section, true, params);
    const truth = truthOf(doc.section);
    const unit = 1 + params.referenceWeight + params.quoteBonus;
    a.drafts.forEach((d, i) => {
      const t = truth.find((x) => fold(a.docs[i]?.a).startsWith(fold(x.aStart)));
      const p = a.pairs[i];
      const c = a.assigned[i] ?? -1;
      if (!t || !p || c < 0) return;
      const raw = Math.round(p.stability * (1 - Math.exp(-p.margin / unit / params.confidenceScale)) * 100) / 100;
      const causes = [
        raw < REVIEW_THRESHOLD ? 'margin' : '',
        p.conflict !== null && p.conflict.amount > params.conflictTolerance ? 'source' : '',
        params.orderConflict && p.departs ? 'order' : '',
        d.reshaped !== null || p.stability === 0 ? 'shape' : '',
      ].filter((x) => x !== '');
      const key = causes.length === 0 ? 'none (not warned)' : causes.join('+');
      const ok = fold(a.focusValues[c]?.name) === fold(t.focus);
      const bucket = ok ? right : wrong;
      bucket[key] = (bucket[key] ?? 0) + 1;
      if (!ok && causes.length === 1) (aloneWrong[key] ??= []).push(raw);
    });
  }
  return { right, wrong, aloneWrong };
}

function printWarningCauses(w: ReturnType<typeof warningCauses>): void {
  const line = (b: Record<string, number>): string =>
    Object.entries(b)
      .sort((x, y) => y[1] - x[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  console.log("\nThe warnings' cost by cause (leave-one-out parameters; a pairing may have several causes)");
  console.log(`  right pairings: ${line(w.right)}`);
  console.log(`  wrong pairings: ${line(w.wrong)}`);
  for (const [k, xs] of Object.entries(w.aloneWrong)) console.log(`  wrong pairings only "${k}" catches: ${xs.length}, uncapped confidence ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`);
}

/** Documents of several 府省等 (compilations.ts): how many rows each importer puts under their own 府省等. */
const ATTRIBUTION_DOCS = 80;

function attribution(importDoc: (text: string) => ImportResult) {
  const docs = buildCompilations([...OWN_SECTIONS, ...realSections()], ATTRIBUTION_DOCS);
  const perPlace = Object.fromEntries(MARKER_PLACES.map((p) => [p, { rows: 0, right: 0 }]));
  let rows = 0;
  let right = 0;
  let missing = 0;
  let markerIssues = 0;
  let lastMarker = 0;
  for (const d of docs) {
    const o = scoreAttribution(d, importDoc(d.text));
    for (const r of o.rows) {
      const p = perPlace[r.place] as { rows: number; right: number };
      p.rows++;
      if (r.right) p.right++;
    }
    rows += o.rows.length;
    right += o.rows.filter((r) => r.right).length;
    missing += o.rows.filter((r) => !r.found).length;
    markerIssues += o.markerIssues.length;
    lastMarker += lastMarkerRuleRight(d).right;
  }
  return { documents: docs.length, rows, right, missing, markerIssues, perPlace, lastMarkerRule: lastMarker };
}

function printAttribution(label: string, a: ReturnType<typeof attribution>): void {
  console.log(`\n${label}: ${a.documents} documents of 3–6 府省等, ${a.rows} rows`);
  console.log(`  rows under their own 府省等   ${a.right}/${a.rows} (${pct(a.right / Math.max(1, a.rows))}); rows not found ${a.missing}; MARKER_MISSING/EXTRA_MARKER ${a.markerIssues}`);
  console.log(`  per marker place (rows of sections printing it there): ${MARKER_PLACES.map((p) => `${p} ${a.perPlace[p]?.right ?? 0}/${a.perPlace[p]?.rows ?? 0}`).join(', ')}`);
  console.log(`  (cutting the file at marker lines would put ${a.lastMarkerRule}/${a.rows} rows under their own 府省等)`);
}

export async function runImporterBench(options: { before?: string; without?: readonly string[] } = {}): Promise<unknown> {
  const started = performance.now();
  // `--without k1,k2` leaves perturbation kinds out (e.g. to compare with a run on the corpus before they existed).
  const docs = buildCorpus().filter((d) => !(options.without ?? []).includes(d.perturbation));
  const units = [...new Set(docs.map((d) => d.unit))];
  const prepared = docs.map(prepare).filter((p): p is Prepared => p !== null);

  // Leave-one-out: fit on the other units, test on the held-out one.
  const grid = combos();
  const table = unitTable(prepared, units, grid);
  const folds = units.map((unit) => {
    const fit = fitParams(
      table,
      units.filter((u) => u !== unit),
      grid,
    );
    return { unit, ...fit };
  });
  const paramsOfUnit = new Map(folds.map((f) => [f.unit, f.params]));
  const heldOut = evaluate(docs, currentImporter, (d) => paramsOfUnit.get(d.unit) ?? DEFAULT_PAIRING_PARAMS);
  const loo = breakdown(heldOut, docs);
  const causes = warningCauses(docs, (d) => paramsOfUnit.get(d.unit) ?? DEFAULT_PAIRING_PARAMS);

  // The shipped defaults are what the same fit picks on every unit; also scored (not held out: in-sample).
  const allFit = fitParams(table, units, grid);
  const shipped = breakdown(evaluate(docs, currentImporter, () => DEFAULT_PAIRING_PARAMS), docs);

  console.log('\nImporter generalisation (L-R6-COMPILATION, #9)');
  console.log(`  corpus: ${units.length} 府省等 (13 from samples/002, ${units.length - 13} our own), ${docs.length} documents`);
  printSummary('Leave-one-out (each 府省等 held out, parameters fitted on the others)', loo.all);
  printSummary('  … the 13 real 府省等 as printed in samples/002', loo.realAsInSamples);
  printSummary('  … perturbed copies of the real 府省等', loo.realPerturbed);
  printSummary('  … our own 府省等 (as printed and perturbed)', loo.own);
  printWarningCauses(causes);
  console.log('\n  per perturbation (leave-one-out): accuracy / recall / confidently wrong / documents with errors / right but warned (of rows)');
  for (const [k, v] of Object.entries(loo.perPerturbation))
    console.log(
      `    ${k.padEnd(18)} ${pct(v.pairingAccuracy).padStart(8)} ${pct(v.referenceRecall).padStart(8)} ${String(v.confidentlyWrong).padStart(4)} ${String(v.documentsWithErrors).padStart(4)} ${String(v.warnedRight).padStart(5)} / ${String(v.rows)}`,
    );
  console.log('\n  per 府省等 held out (leave-one-out): accuracy / recall / confidently wrong / right but warned (of rows)');
  for (const [k, v] of Object.entries(loo.perUnit))
    console.log(`    ${k.padEnd(18)} ${pct(v.pairingAccuracy).padStart(8)} ${pct(v.referenceRecall).padStart(8)} ${String(v.confidentlyWrong).padStart(4)} ${String(v.warnedRight).padStart(5)} / ${String(v.rows)}`);
  const distinct = new Map<string, number>();
  for (const f of folds) distinct.set(JSON.stringify(f.params), (distinct.get(JSON.stringify(f.params)) ?? 0) + 1);
  console.log('\n  parameters chosen per fold (count):');
  for (const [k, n] of distinct) console.log(`    ${String(n).padStart(2)} × ${k}`);
  console.log(`  fit on all units: ${JSON.stringify(allFit.params)} (training accuracy ${pct(allFit.trainingAccuracy)})`);
  console.log(`  shipped defaults: ${JSON.stringify(DEFAULT_PAIRING_PARAMS)}`);
  printSummary('In-sample, shipped defaults (for reference, not a generalisation figure)', shipped.all);
  const attributed = attribution((text) => importDocument(toSourceDoc('compilation.txt', text)));
  printAttribution('Section attribution (several 府省等 in one file, the marker before / at the foot of the page before / after the rows / after the 重点項目)', attributed);

  let before: unknown = null;
  if (options.before) {
    const mod = (await import(pathToFileURL(`${options.before}/src/io/import.ts`).href)) as { importDocument: typeof importDocument; toSourceDoc: typeof toSourceDoc };
    const layout = (await import(pathToFileURL(`${options.before}/src/io/layouts/r6-compilation.ts`).href)) as {
      parseR6Structure: (d: unknown) => { sections: unknown[] };
      assembleSection: (s: unknown, reuse: boolean) => { pairs: { confidence: number }[] };
    };
    const old: Importer = (doc) => {
      const source = mod.toSourceDoc('doc.txt', doc.text);
      const result = mod.importDocument(source);
      const st = layout.parseR6Structure(source);
      const conf = st.sections.map((s, k) => layout.assembleSection(s, k < st.sections.length - 1).pairs.map((p) => p.confidence));
      return { result, confidenceOf: (_r, i) => conf[0]?.[i] ?? null };
    };
    const beforeAttribution = attribution((text) => mod.importDocument(mod.toSourceDoc('compilation.txt', text)));
    before = { ...breakdown(evaluate(docs, old, () => DEFAULT_PAIRING_PARAMS), docs), attribution: beforeAttribution };
    printSummary(`Before (${options.before}, its own fixed parameters)`, (before as ReturnType<typeof breakdown>).all);
    printAttribution(`Before (${options.before}): section attribution`, beforeAttribution);
  }

  const out = {
    corpus: { units: units.length, documents: docs.length, perturbations: [...new Set(docs.map((d) => d.perturbation))] },
    reviewThreshold: REVIEW_THRESHOLD,
    grid: GRID,
    confidenceScales: SCALES,
    conflictTolerances: TOLERANCES,
    leaveOneOut: { folds, ...loo },
    fitOnAll: allFit,
    shippedDefaults: DEFAULT_PAIRING_PARAMS,
    inSampleShipped: shipped,
    attribution: attributed,
    warningCauses: causes,
    before,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/importer.json', `${JSON.stringify(out, null, 2)}\n`);
  console.log('\n  written to bench-results/importer.json');
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--before');
  const without = process.argv.indexOf('--without');
  await runImporterBench({ ...(at > 0 ? { before: process.argv[at + 1] } : {}), ...(without > 0 ? { without: (process.argv[without + 1] ?? '').split(',') } : {}) });
}
