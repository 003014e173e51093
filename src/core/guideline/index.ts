/**
 * WLB指針 references: the guideline tree and the split / normalise / resolve rules (domain.md §5).
 * CONTRACT (#2) — implemented by the guideline work package; signatures are fixed, bodies may change.
 */
import type { GuidelineRef } from '../model/schema.js';

export interface GuidelineNode {
  /** `G2024:Ⅱ-3-(1)-②-ア` */
  id: string;
  /** `Ⅱ-3-(1)-②-ア` */
  path: string;
  level: 'part' | 'chapter' | 'section' | 'item' | 'subItem';
  title: string;
  titleVariants: string[];
  parentId: string | null;
}

/** The guideline tree as far as it is known (seeds + guideline text). */
export function guidelineNodes(): readonly GuidelineNode[] {
  throw new Error('not implemented (#2 guideline)');
}

/**
 * Splits a reference cell (HTML removed, PDF lines kept as `\n`) into single references, normalises their markers,
 * inherits missing upper levels, and resolves each against the guideline tree.
 * `orgName` lets plan-specific numbering be recognised.
 */
export function parseGuidelineRefs(cellText: string, options?: { orgName?: string | null }): GuidelineRef[] {
  void cellText;
  void options;
  throw new Error('not implemented (#2 guideline)');
}
