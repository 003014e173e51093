/**
 * Headings of ministries' own 取組計画 that their follow-ups cite instead of the guideline (domain.md §5.3).
 * Needed where a plan's numbering coincides with the guideline's (デジタル庁 `3.マネジメント改革（1）…管理職等…` looks
 * like Ⅱ-3-(1)): only knowing the organisation's plan tells them apart. Data, so more plans can be added.
 */

import { findOrganization } from '../model/organization.js';

export interface PlanHeading {
  /** Normalised marker path as read by the parser (`Ⅳ-(1)`, `第2-1-②`, `1-(1)`), or null for unnumbered headings. */
  path: string | null;
  title: string;
  /** Guideline node the plan heading corresponds to, when a crosswalk is known. */
  guidelineNodeId: string | null;
}

/** Plan headings by 府省等 name as printed in 002. */
export const PLAN_HEADINGS: Readonly<Record<string, readonly PlanHeading[]>> = {
  内閣官房: [
    { path: 'Ⅳ-(1)', title: '部局長のリーダーシップの発揮と推進体制', guidelineNodeId: null },
    {
      path: 'Ⅳ-(2)',
      title: '内閣官房が一丸となって働き方改革を進めるための共通目標・指標等の設定、職員の声の把握、エンゲージメント調査等の実施',
      guidelineNodeId: null,
    },
  ],
  内閣府: [
    { path: 'Ⅱ-1-(1)', title: '国会関係業務の効率化', guidelineNodeId: null },
    { path: 'Ⅱ-1-(4)', title: 'オフィス改革', guidelineNodeId: null },
    { path: 'Ⅱ-1-(6)', title: '業務の棚卸し', guidelineNodeId: null },
    { path: 'Ⅱ-2-(2)', title: '管理職員のマネジメント能力の向上', guidelineNodeId: null },
  ],
  宮内庁: [{ path: null, title: '（別添）具体的な取組事項', guidelineNodeId: null }],
  個人情報保護委員会: [
    { path: '第2-1-②', title: '「業務見直し・ DX 推進チーム」による 業務見直し', guidelineNodeId: null },
    { path: '第2-3-(2)-①', title: '自己成長の機会提供、チューター制度等の活用', guidelineNodeId: null },
  ],
  デジタル庁: [
    { path: '1-(1)', title: '自由がある働き方（テレワークの推進など）', guidelineNodeId: null },
    { path: '3-(1)', title: '職員のやりがい向上も踏まえた管理職等のマネジメント向上', guidelineNodeId: null },
  ],
  復興庁: [{ path: 'Ⅰ-2-(2)', title: '人員配置等', guidelineNodeId: null }],
};

/** The plan headings known for an organisation, by any printed form of its name (`内閣府本府`, `ﾃﾞｼﾞﾀﾙ庁`), or none. */
export function planHeadingsFor(orgName: string | null | undefined): readonly PlanHeading[] {
  if (!orgName) return [];
  const key = findOrganization(orgName)?.name ?? orgName.replace(/[\s\u3000]/g, '');
  return PLAN_HEADINGS[key] ?? [];
}
