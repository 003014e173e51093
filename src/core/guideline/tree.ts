/**
 * The WLB指針 (2024 revision) as data: the nodes cited in the seeds (domain.md §5.2). The rest of the guideline can be
 * appended to GUIDELINE_2024_DATA later without touching code; gaps in numbering (Ⅱ-1-(2)-① …) are real gaps in
 * what the seeds cite, not missing nodes of the guideline.
 */
import { normalizeTitle } from './title.js';

export type GuidelineLevel = 'part' | 'chapter' | 'section' | 'item' | 'subItem';

export interface GuidelineNode {
  /** `G2024:Ⅱ-3-(1)-②-ア` */
  id: string;
  /** `Ⅱ-3-(1)-②-ア` */
  path: string;
  level: GuidelineLevel;
  title: string;
  titleVariants: string[];
  parentId: string | null;
}

/** Id prefix of the 2024 revision (令和６年１月16日一部改正). */
export const GUIDELINE_VERSION = 'G2024';

/** One data line: path, title, variants as printed in the seeds. Level and parent are derived from the path. */
type NodeData = readonly [path: string, title: string, variants?: readonly string[]];

/** The tree in document order. Ⅲ's numeral is inferred (000 uses it between Ⅱ and Ⅳ); Ⅳ has sections without chapters. */
export const GUIDELINE_2024_DATA: readonly NodeData[] = [
  ['Ⅱ', 'ワークライフバランスの推進のための働き方改革'],
  ['Ⅱ-1', '業務効率化・デジタル化の推進'],
  ['Ⅱ-1-(1)', '業務の廃止を含めた業務見直し・効率化'],
  ['Ⅱ-1-(1)-①', '廃止を含めた業務の棚卸し'],
  ['Ⅱ-1-(1)-②', '業務見直し'],
  ['Ⅱ-1-(1)-③', '定型業務の効率化'],
  ['Ⅱ-1-(1)-④', '府省横断的な業務の効率化'],
  ['Ⅱ-1-(1)-⑤', '効率的に働ける職場環境の整備'],
  ['Ⅱ-1-(2)', 'テレワークの推進', ['テレワ－クの推進']],
  ['Ⅱ-1-(2)-②', '行政文書の電磁記録化などテレワーク実施環境の整備'],
  ['Ⅱ-1-(2)-③', 'テレワークに対応したマネジメント改革の推進'],
  ['Ⅱ-2', '勤務時間管理のシステム化と勤務時間管理の徹底'],
  ['Ⅱ-2-(1)', '勤務時間管理のシステム化'],
  ['Ⅱ-3', 'マネジメント改革'],
  ['Ⅱ-3-(1)', '職員のやりがい向上も踏まえた管理職のマネジメント向上'],
  ['Ⅱ-3-(1)-①', '管理職が実施すべきマネジメント行動'],
  ['Ⅱ-3-(1)-②', '管理職のマネジメント能力の向上'],
  ['Ⅱ-3-(1)-②-ア', '管理職に対するマネジメント研修の充実'],
  ['Ⅱ-3-(2)', '人材育成のための人事当局の役割'],
  ['Ⅱ-3-(2)-①', '人事異動を通じた人材育成・キャリア形成'],
  ['Ⅱ-3-(2)-②', '自己成長の機会提供'],
  ['Ⅱ-4', '仕事と生活の両立支援'],
  ['Ⅱ-4-(1)', '男性の育児への参画促進'],
  ['Ⅱ-4-(2)', '仕事と生活を両立しながら活躍できる環境づくり'],
  ['Ⅱ-4-(2)-③', '転勤に関する配慮等'],
  ['Ⅱ-4-(3)', '両立支援制度の利用と育児休業取得中・復職後の支援'],
  ['Ⅲ', '女性の活躍推進のための改革'],
  ['Ⅲ-1', '女性の採用の拡大'],
  ['Ⅲ-2', '女性の登用目標達成に向けた計画的育成'],
  ['Ⅳ', '推進体制等'],
  ['Ⅳ-(1)', '各府省等における取組の推進'],
  ['Ⅳ-(1)-②', '大臣、事務次官等のリーダーシップの発揮と推進体制'],
];

/** Level of the last segment of a path (`Ⅱ` part, `1` chapter, `(1)` section, `①` item, `ア` subItem), or null. */
export function segmentLevel(segment: string): GuidelineLevel | null {
  if (/^[\u2160-\u216b]$/.test(segment) || /^第\d+$/.test(segment)) return 'part';
  if (/^\d+$/.test(segment)) return 'chapter';
  if (/^\(\d+\)$/.test(segment)) return 'section';
  if (/^[\u2460-\u2473]$/.test(segment)) return 'item';
  if (/^[ア-ン]$/.test(segment)) return 'subItem';
  return null;
}

/** Builds nodes (ids, levels, parents) from data lines; throws on a malformed path because the data is ours. */
export function buildGuidelineTree(data: readonly NodeData[], version: string = GUIDELINE_VERSION): GuidelineNode[] {
  const byPath = new Set<string>();
  return data.map(([path, title, variants]) => {
    const segments = path.split('-');
    const last = segments[segments.length - 1] ?? '';
    const level = segmentLevel(last);
    if (level === null) throw new Error(`Guideline data: path ${path} ends in an unknown marker "${last}"`);
    const parentPath = segments.length > 1 ? segments.slice(0, -1).join('-') : null;
    if (parentPath !== null && !byPath.has(parentPath)) {
      throw new Error(`Guideline data: parent ${parentPath} of ${path} must come before it`);
    }
    byPath.add(path);
    return {
      id: `${version}:${path}`,
      path,
      level,
      title,
      titleVariants: [...(variants ?? [])],
      parentId: parentPath === null ? null : `${version}:${parentPath}`,
    };
  });
}

const NODES: readonly GuidelineNode[] = Object.freeze(buildGuidelineTree(GUIDELINE_2024_DATA));
const BY_PATH = new Map(NODES.map((n) => [n.path, n]));
const BY_ID = new Map(NODES.map((n) => [n.id, n]));
const BY_TITLE = new Map<string, GuidelineNode[]>();
for (const n of NODES) {
  for (const t of [n.title, ...n.titleVariants]) {
    const key = normalizeTitle(t);
    const list = BY_TITLE.get(key) ?? [];
    if (!list.includes(n)) list.push(n);
    BY_TITLE.set(key, list);
  }
}

/** All known nodes of the 2024 guideline, in document order. */
export function allGuidelineNodes(): readonly GuidelineNode[] {
  return NODES;
}

/** The node at a normalised path (`Ⅱ-3-(1)-②`), if known. */
export function findNodeByPath(path: string): GuidelineNode | undefined {
  return BY_PATH.get(path);
}

/** The node with an id (`G2024:Ⅱ-3-(1)-②`), if known. */
export function findNodeById(id: string): GuidelineNode | undefined {
  return BY_ID.get(id);
}

/** Nodes whose title or a title variant equals `title` after normalisation (width, spaces, `－`→`ー`, brackets). */
export function findNodesByTitle(title: string): readonly GuidelineNode[] {
  return BY_TITLE.get(normalizeTitle(title)) ?? [];
}

/** Direct children of a node (or the parts, for null). */
export function childNodes(parentId: string | null): readonly GuidelineNode[] {
  return NODES.filter((n) => n.parentId === parentId);
}

/** The chain from the part down to the node itself. */
export function ancestry(node: GuidelineNode): GuidelineNode[] {
  const chain: GuidelineNode[] = [];
  let cur: GuidelineNode | undefined = node;
  while (cur) {
    chain.unshift(cur);
    cur = cur.parentId === null ? undefined : BY_ID.get(cur.parentId);
  }
  return chain;
}
