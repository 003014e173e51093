/** Resolution of one reference chain against the guideline tree and the organisation's plan (domain.md §5.4 rule 5). */
import type { GuidelineRef } from '../model/schema.js';
import type { Marker, ReferenceChain } from './markers.js';
import { planHeadingsFor } from './plan-catalogue.js';
import { titleSimilarity } from './title.js';
import { allGuidelineNodes, ancestry, findNodeByPath, type GuidelineNode } from './tree.js';

/** Leaf title similarity needed for numbers to count as an exact hit (below it the title says "another node"). */
export const EXACT_LEAF_MIN = 0.8;
/** A printed ancestor title below this contradicts the numbers. */
const EXACT_ANCESTOR_MIN = 0.5;
/** Leaf title similarity needed for a title-match at the printed level (管理職員… ≈ 管理職… is ≈ 0.9). */
export const TITLE_MATCH_MIN = 0.75;
/** Text without any marker must be closer to a title to count. */
const FREE_TEXT_MATCH_MIN = 0.85;
const PLAN_MATCH_MIN = 0.8;
/** Words that say "this points into our own plan" even without numbering (宮内庁 `（別添）具体的な取組事項`). */
const PLAN_WORDS = /別添|別紙|取組計画|計画/;

function nodeSimilarity(title: string, node: GuidelineNode): number {
  return Math.max(titleSimilarity(title, node.title), ...node.titleVariants.map((v) => titleSimilarity(title, v)));
}

function pathOf(markers: readonly Marker[]): string | null {
  return markers.length === 0 ? null : markers.map((m) => m.segment).join('-');
}

/** Compares printed titles with the node chain at the same levels; null when a printed title contradicts the chain. */
function chainAgreement(markers: readonly Marker[], node: GuidelineNode): { min: number; mean: number } | null {
  const chain = ancestry(node);
  const sims: number[] = [];
  markers.forEach((m, k) => {
    if (m.title === '') return;
    const n = chain.find((c) => c.level === m.level);
    const s = n ? nodeSimilarity(m.title, n) : 0;
    const isLeaf = k === markers.length - 1;
    sims.push(s < (isLeaf ? EXACT_LEAF_MIN : EXACT_ANCESTOR_MIN) ? -1 : s);
  });
  if (sims.some((s) => s < 0)) return null;
  if (sims.length === 0) return { min: 1, mean: 1 };
  return { min: Math.min(...sims), mean: sims.reduce((a, b) => a + b, 0) / sims.length };
}

/** Numbers first: the printed path (with the part inferred when it is missing) must exist and its titles agree. */
function resolveExact(markers: readonly Marker[]): { node: GuidelineNode; confidence: number } | null {
  const first = markers[0];
  if (!first) return null;
  const path = pathOf(markers) ?? '';
  let candidates: GuidelineNode[];
  let partInferred = false;
  if (first.level === 'part') {
    // 第２ is plan numbering (the guideline numbers its parts Ⅰ, Ⅱ, …), so it never resolves by number.
    const node = first.segment.startsWith('第') ? undefined : findNodeByPath(path);
    candidates = node ? [node] : [];
  } else {
    partInferred = true;
    candidates = allGuidelineNodes()
      .filter((n) => n.level === 'part')
      .map((p) => findNodeByPath(`${p.path}-${path}`))
      .filter((n): n is GuidelineNode => n !== undefined);
  }
  const scored = candidates
    .map((node) => ({ node, agreement: chainAgreement(markers, node) }))
    .filter((c): c is { node: GuidelineNode; agreement: { min: number; mean: number } } => c.agreement !== null)
    .sort((a, b) => b.agreement.mean - a.agreement.mean);
  const best = scored[0];
  if (!best) return null;
  // Without a part and without titles, chapter 1 could be Ⅱ-1 or Ⅲ-1: ambiguous, so not exact.
  const second = scored[1];
  if (second && second.agreement.mean === best.agreement.mean) return null;
  const base = partInferred ? 0.95 : 1;
  return { node: best.node, confidence: round(base * (0.9 + 0.1 * best.agreement.min)) };
}

/** Titles when numbers fail: the best node at the printed leaf's level whose title is close enough. */
function resolveByTitle(markers: readonly Marker[], raw: string): { node: GuidelineNode; confidence: number } | null {
  const leaf = markers[markers.length - 1];
  const title = leaf ? leaf.title : raw;
  if (title === '') return null;
  const min = leaf ? TITLE_MATCH_MIN : FREE_TEXT_MATCH_MIN;
  let best: { node: GuidelineNode; leafSim: number; rank: number } | null = null;
  for (const node of allGuidelineNodes()) {
    if (leaf && node.level !== leaf.level) continue;
    const leafSim = nodeSimilarity(title, node);
    if (leafSim < min) continue;
    // Printed ancestor titles only rank candidates; they may legitimately disagree (復興庁 `Ⅰ基本的な考え方`).
    const chain = ancestry(node);
    const ancestorSims = markers
      .slice(0, -1)
      .filter((m) => m.title !== '')
      .map((m) => {
        const n = chain.find((c) => c.level === m.level);
        return n ? nodeSimilarity(m.title, n) : 0;
      });
    const ancestorMean = ancestorSims.length === 0 ? 0 : ancestorSims.reduce((a, b) => a + b, 0) / ancestorSims.length;
    const rank = leafSim + 0.25 * ancestorMean;
    if (!best || rank > best.rank) best = { node, leafSim, rank };
  }
  return best ? { node: best.node, confidence: round(0.4 + 0.35 * best.leafSim) } : null;
}

function resolveByPlan(markers: readonly Marker[], raw: string, orgName: string | null | undefined) {
  const path = pathOf(markers);
  const leafTitle = markers[markers.length - 1]?.title ?? '';
  return planHeadingsFor(orgName).find((h) =>
    h.path === null
      ? markers.length === 0 && titleSimilarity(raw, h.title) >= PLAN_MATCH_MIN
      : h.path === path && (leafTitle === '' || titleSimilarity(leafTitle, h.title) >= PLAN_MATCH_MIN),
  );
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * Resolves one reference: the organisation's known plan headings first (its own numbering is authoritative for its
 * own cells), then guideline numbers with agreeing titles (exact), then titles at the printed level (title-match),
 * then plan-specific for anything numbered or naming the plan, else unresolved.
 */
export function resolveChain(chain: ReferenceChain, orgName?: string | null): GuidelineRef {
  const { raw, markers } = chain;
  const path = pathOf(markers);
  const heading = resolveByPlan(markers, raw, orgName);
  if (heading) {
    return { raw, path, nodeId: heading.guidelineNodeId, resolution: 'plan-specific', confidence: 0.8 };
  }
  const exact = resolveExact(markers);
  if (exact) return { raw, path, nodeId: exact.node.id, resolution: 'exact', confidence: exact.confidence };
  const byTitle = resolveByTitle(markers, raw);
  if (byTitle) return { raw, path, nodeId: byTitle.node.id, resolution: 'title-match', confidence: byTitle.confidence };
  if (markers.length > 0 || PLAN_WORDS.test(raw)) {
    return { raw, path, nodeId: null, resolution: 'plan-specific', confidence: 0.5 };
  }
  return { raw, path, nodeId: null, resolution: 'unresolved', confidence: 0 };
}
