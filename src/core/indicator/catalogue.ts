/** The 数値 indicators and their categories as printed in the seeds (domain.md §4.1, §4.3). */
import { toHalfWidth } from '../text/index.js';

export interface IndicatorDef {
  code: string;
  title: string;
  aliases: string[];
  categories: string[];
}

/** Canonical category labels (printed inside 【】), as 000 prints them. */
export const CATEGORIES = [
  '全体',
  '総合職',
  '技術系区分',
  '本省課室長相当職',
  '係長相当職（本省）',
  '地方機関課長・本省課長補佐級相当職',
] as const;

export const INDICATORS: readonly IndicatorDef[] = [
  { code: 'male-childcare-leave', title: '男性職員の育児休業取得率', aliases: [], categories: [] },
  {
    code: 'male-paternity-leave',
    title: '男性職員の「男の産休」（配偶者出産休暇・育児参加のための休暇）取得率',
    // 004 prints the parentheses half-width.
    aliases: ['男性職員の「男の産休」(配偶者出産休暇・育児参加のための休暇)取得率'],
    categories: [],
  },
  {
    code: 'male-1month-leave',
    title: '子の出生後1年以内に育児に伴う休暇・休業を1か月以上取得した男性職員の割合',
    aliases: [],
    categories: [],
  },
  {
    code: 'women-recruitment',
    title: '女性の採用目標',
    aliases: ['数値 女性の採用目標'],
    categories: ['全体', '総合職', '技術系区分'],
  },
  {
    code: 'women-promotion',
    title: '女性の登用目標',
    aliases: ['数値 女性の登用目標'],
    categories: ['本省課室長相当職', '係長相当職（本省）', '地方機関課長・本省課長補佐級相当職'],
  },
];

/** Identity key of a printed name: paren and digit width, spacing and a leading 数値 (000 lines 33–34) do not count. */
function nameKey(name: string): string {
  return toHalfWidth(name)
    .replace(/[\s\u3000]+/g, '')
    .replace(/^数値/, '');
}

/** Identity key of a category: brackets, width, spacing and 003's missing 級 do not count. */
function categoryKey(raw: string): string {
  return toHalfWidth(raw)
    .replace(/[\s\u3000【】]/g, '')
    .replace(/級/g, '');
}

/** Finds an indicator by printed name (paren width and spacing ignored). */
export function findIndicator(name: string): IndicatorDef | undefined {
  const key = nameKey(name);
  if (key.length === 0) return undefined;
  return INDICATORS.find((def) => nameKey(def.title) === key || def.aliases.some((a) => nameKey(a) === key));
}

/** Canonical category for a printed 【…】 label (ignores paren width and the 級 variant), or null if unknown. */
export function canonicalCategory(raw: string): string | null {
  const key = categoryKey(raw);
  return CATEGORIES.find((c) => categoryKey(c) === key) ?? null;
}
