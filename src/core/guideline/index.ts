/**
 * WLB指針 references: the guideline tree and the split / normalise / resolve rules (domain.md §5).
 * CONTRACT (#2) — implemented by the guideline work package; signatures are fixed, bodies may change.
 */
import type { GuidelineRef } from '../model/schema.js';
import { joinCell, splitReferences } from './markers.js';
import { resolveChain } from './resolve.js';
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
export { joinCell, splitReferences, type Marker, type ReferenceChain } from './markers.js';
export { normalizeTitle, titleSimilarity } from './title.js';
export { PLAN_HEADINGS, planHeadingsFor, type PlanHeading } from './plan-catalogue.js';
export { resolveChain } from './resolve.js';

/** The guideline tree as far as it is known (seeds + guideline text). */
export function guidelineNodes(): readonly GuidelineNode[] {
  return allGuidelineNodes();
}

/**
 * Splits a reference cell (HTML removed, PDF lines kept as `\n`) into single references, normalises their markers,
 * inherits missing upper levels, and resolves each against the guideline tree.
 * `orgName` lets plan-specific numbering be recognised. Never throws; an empty cell gives no references.
 * @example parseGuidelineRefs('Ⅱ「ワークライフバランスの推進のための働き方改革」 3. マネジメント改革')
 * // → [{ raw: 'Ⅱ「…」 3. マネジメント改革', path: 'Ⅱ-3', nodeId: 'G2024:Ⅱ-3', resolution: 'exact', confidence: 1 }]
 */
export function parseGuidelineRefs(cellText: string, options?: { orgName?: string | null }): GuidelineRef[] {
  return splitReferences(joinCell(cellText)).map((chain) => resolveChain(chain, options?.orgName));
}
