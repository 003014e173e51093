/** Resolution of one reference chain against the guideline tree and the organisation's plan (domain.md §5.4 rule 5). */
import { ORGANIZATIONS } from '../model/organization.js';
import type { GuidelineRef } from '../model/schema.js';
import type { Marker, ReferenceChain } from './markers.js';
import { planHeadingsFor } from './plan-catalogue.js';
import { titleSimilarity } from './title.js';
import { allGuidelineNodes, ancestry, findNodeByPath, GUIDELINE_VERSION, type GuidelineNode, segmentLevel } from './tree.js';

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
export const PLAN_WORDS = /別添|別紙|取組計画|計画/;
/**
 * Words in a printed title that name the organisation itself: a heading of its own plan, never of the guideline
 * (内閣官房's `（２）内閣官房が一丸となって…`). The guideline speaks of 各府省等, never of one of them.
 */
const OWN_ORG_WORDS = /当(?:省|庁|府|院|委員会)|本府|本省|本庁/;

function namesOrganization(title: string): boolean {
  const t = title.replace(/[\s\u3000]/g, '');
  return OWN_ORG_WORDS.test(t) || ORGANIZATIONS.some((o) => t.includes(o.name) || o.nameVariants.some((v) => t.includes(v)));
}

/** Titles printed under guideline numbers, learned while a document is read (#9: the catalogue learns them). */
export type LearnedTitles = Map<string, string>;

/** What a reference is resolved in: the organisation (its plan's numbering), the cell, titles learned so far. */
export interface ResolveContext {
  orgName?: string | null;
  /** The cell says it cites the organisation's own plan (`取組計画`, `別添` before the first marker). */
  planCell?: boolean;
  learned?: LearnedTitles;
}

function nodeSimilarity(title: string, node: GuidelineNode): number {
  return Math.max(titleSimilarity(title, node.title), ...node.titleVariants.map((v) => titleSimilarity(title, v)));
}

/**
 * The normalised path of a chain as read: the printed segments joined, restarting at the full path of a quoted
 * guideline title (`「マネジメント改革」（１）` → `Ⅱ-3-(1)`).
 */
function pathOf(markers: readonly Marker[]): string | null {
  if (markers.length === 0) return null;
  let segments: string[] = [];
  for (const m of markers) {
    if (m.titlePath) segments = m.titlePath.split('-');
    else segments.push(m.segment);
  }
  return segments.join('-');
}

/** A node's title can contradict a printed one only when a citation of the guideline printed it. */
const authoritative = (node: GuidelineNode): boolean => node.title !== '' && node.titleSource !== 'plan';

/** Compares printed titles with the node chain at the same levels; null when a printed title contradicts the chain. */
function chainAgreement(markers: readonly Marker[], node: GuidelineNode): { min: number; mean: number } | null {
  const chain = ancestry(node);
  const sims: number[] = [];
  markers.forEach((m, k) => {
    if (m.title === '') return;
    const n = chain.find((c) => c.level === m.level);
    const s = n ? nodeSimilarity(m.title, n) : 0;
    const isLeaf = k === markers.length - 1;
    const min = isLeaf ? EXACT_LEAF_MIN : EXACT_ANCESTOR_MIN;
    // A title no citation printed (unknown, or copied from a plan) neither confirms nor contradicts the numbers.
    if (n && !authoritative(n) && s < min) return;
    sims.push(s < min ? -1 : s);
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
  if (first.level === 'part' || first.titlePath) {
    // 第２ is plan numbering (the guideline numbers its parts Ⅰ, Ⅱ, …), so it never resolves by number.
    const node = first.segment.startsWith('第') && !first.titlePath ? undefined : findNodeByPath(path);
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

/** Known parts whose titles a citation printed (Ⅱ, Ⅲ, Ⅳ): only under them can an uncatalogued path be the guideline's. */
const TITLED_PARTS = allGuidelineNodes().filter((n) => n.level === 'part' && authoritative(n));

function segmentNumber(segment: string): number | null {
  const circled = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳'.indexOf(segment);
  if (circled >= 0) return circled + 1;
  const m = /^\(?(\d+)\)?$/.exec(segment);
  return m ? Number(m[1]) : null;
}

/**
 * A well-formed guideline path the catalogue lacks (#9): its known part agrees with the printed titles, the numbers
 * below it are not excluded by a closed list (Ⅱ has chapters 1–4), and no printed title says it is another node or
 * the organisation's own plan. The reference keeps its parsed path with the resolution `structural` (title unknown).
 */
function resolveStructural(markers: readonly Marker[], ctx: ResolveContext): { path: string; confidence: number } | null {
  const first = markers[0];
  if (!first || (first.level === 'part' && first.segment.startsWith('第'))) return null;
  const printedPath = pathOf(markers) ?? '';
  const partPrinted = first.level === 'part' || first.titlePath !== undefined;
  // Without a part, a path must start at a chapter (`２．（２）`) or carry a title: a bare `（２）②` says too little.
  if (!partPrinted && first.level !== 'chapter' && markers.every((m) => m.title === '')) return null;
  const fullPaths = partPrinted ? [printedPath] : TITLED_PARTS.map((p) => `${p.path}-${printedPath}`);
  const found: { path: string; score: number }[] = [];
  for (const full of fullPaths) {
    const segments = full.split('-');
    if (segments.some((seg) => segmentLevel(seg) === null)) continue;
    let known: GuidelineNode | undefined;
    let depth = 0;
    for (let k = 1; k <= segments.length; k++) {
      const node = findNodeByPath(segments.slice(0, k).join('-'));
      if (!node) break;
      known = node;
      depth = k;
    }
    if (!known || depth === segments.length || !authoritative(ancestry(known)[0] ?? known)) continue;
    const nextNumber = segmentNumber(segments[depth] ?? '');
    if (known.closedChildren && (nextNumber === null || !known.closedChildren.includes(nextNumber))) continue;
    // The level below a known node is the level of its known children (Ⅳ has sections, not chapters).
    const childLevels = new Set(allGuidelineNodes().filter((n) => n.parentId === known.id).map((n) => n.level));
    if (childLevels.size > 0 && !childLevels.has(segmentLevel(segments[depth] ?? '') ?? 'part')) continue;
    // Printed titles down to the known node must agree with it; the ones below name the unknown nodes.
    const knownLevels = new Set(ancestry(known).map((n) => n.level));
    const upper = markers.filter((m) => knownLevels.has(m.level));
    const lower = markers.filter((m) => !knownLevels.has(m.level));
    const sims: number[] = [];
    let contradicted = false;
    for (const m of upper) {
      if (m.title === '') continue;
      const n = ancestry(known).find((c) => c.level === m.level);
      if (!n || !authoritative(n)) continue;
      const sim = nodeSimilarity(m.title, n);
      if (sim < EXACT_ANCESTOR_MIN) contradicted = true;
      sims.push(sim);
    }
    if (contradicted) continue;
    const namesOther = lower.some(
      (m) => m.title !== '' && (namesOrganization(m.title) || allGuidelineNodes().some((n) => n.level === m.level && authoritative(n) && nodeSimilarity(m.title, n) >= TITLE_MATCH_MIN)),
    );
    if (namesOther) continue;
    found.push({ path: full, score: sims.length === 0 ? 0.5 : sims.reduce((a, b) => a + b, 0) / sims.length });
  }
  found.sort((a, b) => b.score - a.score);
  const best = found[0];
  if (!best) return null;
  // Without a part and without titles, `2-(2)` could sit under Ⅱ or Ⅲ: ambiguous, so not a guideline path.
  if (found[1] && found[1].score === best.score) return null;
  const leaf = markers[markers.length - 1];
  if (leaf && leaf.title !== '' && ctx.learned && !ctx.learned.has(best.path)) ctx.learned.set(best.path, leaf.title);
  return { path: best.path, confidence: round(0.55 + 0.25 * best.score) };
}

/** A title matching one learned from a structural citation earlier in the document. */
function resolveByLearned(markers: readonly Marker[], raw: string, learned: LearnedTitles | undefined): { path: string; confidence: number } | null {
  if (!learned || learned.size === 0) return null;
  const leaf = markers[markers.length - 1];
  const title = leaf ? leaf.title : raw;
  if (title === '') return null;
  let best: { path: string; sim: number } | null = null;
  for (const [path, t] of learned) {
    const level = segmentLevel(path.split('-').pop() ?? '');
    if (leaf && level !== leaf.level) continue;
    const sim = titleSimilarity(title, t);
    if (sim >= (leaf ? TITLE_MATCH_MIN : FREE_TEXT_MATCH_MIN) && (!best || sim > best.sim)) best = { path, sim };
  }
  return best ? { path: best.path, confidence: round(0.4 + 0.3 * best.sim) } : null;
}

/**
 * Resolves one reference: the organisation's known plan headings first (its own numbering is authoritative for its
 * own cells), then a cell that says it cites the plan, then guideline numbers with agreeing titles (exact), quoted
 * guideline titles (title-match), a well-formed path the catalogue lacks (structural), titles at the printed level
 * (title-match, or structural for a title learned in this document), then plan-specific for anything numbered or
 * naming the plan, else unresolved.
 */
export function resolveChain(chain: ReferenceChain, context?: string | null | ResolveContext): GuidelineRef {
  const ctx: ResolveContext = typeof context === 'object' && context !== null ? context : { orgName: context ?? null };
  const { raw, markers } = chain;
  const path = pathOf(markers);
  const heading = resolveByPlan(markers, raw, ctx.orgName);
  if (heading) {
    return { raw, path, nodeId: heading.guidelineNodeId, resolution: 'plan-specific', confidence: 0.8 };
  }
  if (ctx.planCell) return { raw, path, nodeId: null, resolution: 'plan-specific', confidence: 0.7 };
  const exact = resolveExact(markers);
  if (exact) {
    // Only quoted titles, no number printed: the node is named by its title.
    if (markers.every((m) => m.titlePath)) return { raw, path, nodeId: exact.node.id, resolution: 'title-match', confidence: round(0.85 * exact.confidence) };
    return { raw, path, nodeId: exact.node.id, resolution: 'exact', confidence: exact.confidence };
  }
  const structural = resolveStructural(markers, ctx);
  if (structural) return { raw, path, nodeId: `${GUIDELINE_VERSION}:${structural.path}`, resolution: 'structural', confidence: structural.confidence };
  const byTitle = resolveByTitle(markers, raw);
  if (byTitle) return { raw, path, nodeId: byTitle.node.id, resolution: 'title-match', confidence: byTitle.confidence };
  const learned = resolveByLearned(markers, raw, ctx.learned);
  if (learned) return { raw, path, nodeId: `${GUIDELINE_VERSION}:${learned.path}`, resolution: 'structural', confidence: learned.confidence };
  if (markers.length > 0 || PLAN_WORDS.test(raw)) {
    return { raw, path, nodeId: null, resolution: 'plan-specific', confidence: 0.5 };
  }
  return { raw, path, nodeId: null, resolution: 'unresolved', confidence: 0 };
}
