/**
 * WLB指針 references: the guideline tree and the split / normalise / resolve rules (domain.md §5).
 * CONTRACT (#2) — implemented by the guideline work package; signatures are fixed, bodies may change.
 */
import type { GuidelineRef } from '../model/schema.js';
import { findMarkers, joinCell, splitReferences } from './markers.js';
import { type LearnedTitles, PLAN_WORDS, resolveChain } from './resolve.js';
import { allGuidelineNodes, type GuidelineNode } from './tree.js';

export type { GuidelineLevel, GuidelineNode } from './tree.js';
export {
  allGuidelineNodes,
  ancestry,
  childNodes,
  findNodeById,
  findNodeByPath,
  findNodesByTitle,
  GUIDELINE_2024_DATA,
  GUIDELINE_VERSION,
} from './tree.js';
export { findMarkers, joinCell, nodeOfQuotedTitle, nodeOfTitlePrefix, splitReferences, type Marker, type ReferenceChain } from './markers.js';
export { normalizeTitle, titleSimilarity } from './title.js';
export { PLAN_HEADINGS, planHeadingsFor, type PlanHeading } from './plan-catalogue.js';
export { type LearnedTitles, resolveChain, type ResolveContext } from './resolve.js';

/** The guideline tree as far as it is known (seeds + guideline text). */
export function guidelineNodes(): readonly GuidelineNode[] {
  return allGuidelineNodes();
}

/**
 * Splits a reference cell (HTML removed, PDF lines kept as `\n`) into single references, normalises their markers,
 * inherits missing upper levels, and resolves each against the guideline tree.
 * `orgName` lets plan-specific numbering be recognised; `learned` collects the titles printed under guideline paths the
 * catalogue lacks (and resolves later citations of those titles). Never throws; an empty cell gives no references.
 * @example parseGuidelineRefs('Ⅱ「ワークライフバランスの推進のための働き方改革」 3. マネジメント改革')
 * // → [{ raw: 'Ⅱ「…」 3. マネジメント改革', path: 'Ⅱ-3', nodeId: 'G2024:Ⅱ-3', resolution: 'exact', confidence: 1 }]
 */
export function parseGuidelineRefs(cellText: string, options?: { orgName?: string | null; learned?: LearnedTitles }): GuidelineRef[] {
  const cell = joinCell(cellText);
  // Text before the first marker that says "our plan" (`取組計画`, `別添`) makes every reference of the cell the plan's.
  const first = findMarkers(cell)[0];
  const planCell = first !== undefined && first.start > 0 && PLAN_WORDS.test(cell.text.slice(0, first.start));
  return splitReferences(cell).map((chain) => resolveChain(chain, { orgName: options?.orgName ?? null, planCell, ...(options?.learned ? { learned: options.learned } : {}) }));
}

/**
 * Reads the titles a document prints under guideline paths the catalogue lacks, from all its reference cells, so a
 * citation by title alone resolves wherever it stands in the document (the catalogue learns from the document, #9).
 */
export function learnGuidelineTitles(cells: readonly { text: string; orgName?: string | null }[]): LearnedTitles {
  const learned: LearnedTitles = new Map();
  for (const c of cells) parseGuidelineRefs(c.text, { orgName: c.orgName ?? null, learned });
  return learned;
}
