/**
 * The WLB指針 (「国家公務員の女性活躍とワークライフバランス推進のための取組指針」, 令和６年１月16日一部改正) as data: its
 * section tree as far as the documents we have print it, and not one title more (#9). Every node says where its title
 * was read (`source`); a node whose existence is certain but whose title no document prints has the title '' (a
 * citation of it resolves as `structural`, never with an invented title).
 *
 * Sources, in order of authority:
 * - 002 (the compilation): Ｂ cells cite the guideline with its own numbering and titles (domain.md §5.2);
 * - 000 (総務省's 全体像): 大項目 = the guideline's parts, 中項目 = its chapters, as the follow-up template lists them;
 * - 001 (総務省's plan): Ⅲ３（２） lists ①–⑤ under the title of the guideline's Ⅱ-4-(2), and its ③ is the guideline's
 *   Ⅱ-4-(2)-③ as 002 cites it (公正取引委員会 R7); the plan's other numbering differs from the guideline's (its Ⅲ１
 *   （１） is the guideline's Ⅱ-1-(1)-④), so nothing else is taken from it. These titles are marked `plan`: used to
 *   read a citation, never to contradict one.
 */
import { normalizeTitle } from './title.js';

export type GuidelineLevel = 'part' | 'chapter' | 'section' | 'item' | 'subItem';

/** Where a node's title comes from: a guideline citation, the follow-up template, the plan's copy, or nowhere. */
export type TitleSource = 'guideline' | 'template' | 'plan' | 'none';

export interface GuidelineNode {
  /** `G2024:Ⅱ-3-(1)-②-ア` */
  id: string;
  /** `Ⅱ-3-(1)-②-ア` */
  path: string;
  level: GuidelineLevel;
  /** The title as a document prints it; '' when no document we have prints it. */
  title: string;
  titleVariants: string[];
  parentId: string | null;
  titleSource: TitleSource;
  /** The document and place the title (or the node's existence) was read from. */
  source: string;
  /**
   * When set, the node's children at the next level are exactly these numbers (a citation of another number is not
   * the guideline's): Ⅱ has chapters 1–4 and Ⅲ chapters 1–2, as 000's 全体像 (and 004's 項目) list them.
   */
  closedChildren?: readonly number[];
}

/** Id prefix of the 2024 revision (令和６年１月16日一部改正). */
export const GUIDELINE_VERSION = 'G2024';

/** One data line. Level and parent are derived from the path. */
interface NodeData {
  path: string;
  title: string;
  variants?: readonly string[];
  titleSource: TitleSource;
  source: string;
  closedChildren?: readonly number[];
}

const g = (path: string, title: string, source: string, variants?: readonly string[], closedChildren?: readonly number[]): NodeData => ({
  path,
  title,
  titleSource: 'guideline',
  source,
  ...(variants ? { variants } : {}),
  ...(closedChildren ? { closedChildren } : {}),
});
const t = (path: string, title: string, source: string, closedChildren?: readonly number[]): NodeData => ({ path, title, titleSource: 'template', source, ...(closedChildren ? { closedChildren } : {}) });
const p = (path: string, title: string, source: string): NodeData => ({ path, title, titleSource: 'plan', source });
const none = (path: string, source: string): NodeData => ({ path, title: '', titleSource: 'none', source });

/** The tree in document order. */
export const GUIDELINE_2024_DATA: readonly NodeData[] = [
  none('Ⅰ', 'exists: the guideline numbers its parts from Ⅰ (002 and 000 cite Ⅱ–Ⅳ); no document prints its title'),
  g('Ⅱ', 'ワークライフバランスの推進のための働き方改革', '002 Ｂ cells (e.g. line 58); 000 大項目 line 16; chapters 1–4 as 000 lists them', undefined, [1, 2, 3, 4]),
  g('Ⅱ-1', '業務効率化・デジタル化の推進', '002 line 60; 000 中項目 line 16'),
  g('Ⅱ-1-(1)', '業務の廃止を含めた業務見直し・効率化', '002 lines 115–116 (内閣法制局 R1); variant: 000 小項目 line 17', ['業務の廃止等による業務見直し・効率化']),
  g('Ⅱ-1-(1)-①', '廃止を含めた業務の棚卸し', '002 line 384 (公正取引委員会 R2)'),
  g('Ⅱ-1-(1)-②', '業務見直し', '002 line 385'),
  g('Ⅱ-1-(1)-③', '定型業務の効率化', '002 line 386'),
  g('Ⅱ-1-(1)-④', '府省横断的な業務の効率化', '002 line 117 (内閣法制局 R1)'),
  g('Ⅱ-1-(1)-⑤', '効率的に働ける職場環境の整備', '002 line 387'),
  g('Ⅱ-1-(2)', 'テレワークの推進', '002 line 61 (内閣官房 R3); variant with U+FF0D at line 455', ['テレワ－クの推進']),
  none('Ⅱ-1-(2)-①', 'exists: 002 cites ② and ③ of Ⅱ-1-(2); no document prints ①'),
  g('Ⅱ-1-(2)-②', '行政文書の電磁記録化などテレワーク実施環境の整備', '002 lines 62–63 (内閣官房 R3)'),
  g('Ⅱ-1-(2)-③', 'テレワークに対応したマネジメント改革の推進', '002 lines 456–457 (公正取引委員会 R4)'),
  t('Ⅱ-2', '勤務時間管理のシステム化と勤務時間管理の徹底', '000 中項目 line 18; 002 lines 979–980 (復興庁, plan numbering)'),
  g('Ⅱ-2-(1)', '勤務時間管理のシステム化', '002 line 981 (復興庁 R1, title-matched); 001 Ⅲ２（１）'),
  g('Ⅱ-3', 'マネジメント改革', '002 line 73; 000 中項目 line 21'),
  g('Ⅱ-3-(1)', '職員のやりがい向上も踏まえた管理職のマネジメント向上', '002 lines 74–75 (内閣官房 R4)'),
  g('Ⅱ-3-(1)-①', '管理職が実施すべきマネジメント行動', '002 line 714 (金融庁 R3)'),
  g('Ⅱ-3-(1)-②', '管理職のマネジメント能力の向上', '002 line 76 (内閣官房 R4)'),
  g('Ⅱ-3-(1)-②-ア', '管理職に対するマネジメント研修の充実', '002 lines 77–78 (内閣官房 R4)'),
  g('Ⅱ-3-(2)', '人材育成のための人事当局の役割', '002 line 471 (公正取引委員会 R5)'),
  g('Ⅱ-3-(2)-①', '人事異動を通じた人材育成・キャリア形成', '002 lines 472–473'),
  g('Ⅱ-3-(2)-②', '自己成長の機会提供', '002 line 689 (金融庁 R2)'),
  g('Ⅱ-4', '仕事と生活の両立支援', '002 line 491; 000 中項目 line 24'),
  g('Ⅱ-4-(1)', '男性の育児への参画促進', '002 line 607 (個人情報保護委員会 R3, title-matched); 001 Ⅲ３（１）'),
  g('Ⅱ-4-(2)', '仕事と生活を両立しながら活躍できる環境づくり', '002 lines 492–493 (公正取引委員会 R7); 001 Ⅲ３（２）'),
  p('Ⅱ-4-(2)-①', '働く時間の柔軟化', '001 line 992 (Ⅲ３（２）①), by the crosswalk of its ③'),
  p('Ⅱ-4-(2)-②', '代替要員の確保', '001 line 1012 (Ⅲ３（２）②), by the crosswalk of its ③'),
  g('Ⅱ-4-(2)-③', '転勤に関する配慮等', '002 line 494 (公正取引委員会 R7); 001 line 1026'),
  p('Ⅱ-4-(2)-④', '休暇の取得促進', '001 line 1039 (Ⅲ３（２）④), by the crosswalk of its ③'),
  p('Ⅱ-4-(2)-⑤', '安心して公務に専念できる環境の整備（保育の確保等）', '001 line 1053 (Ⅲ３（２）⑤), by the crosswalk of its ③'),
  g('Ⅱ-4-(3)', '両立支援制度の利用と育児休業取得中・復職後の支援', '002 lines 516–517 (公正取引委員会 R8)'),
  // Ⅲ's numeral is inferred: never printed in a citation we have; 000 lists it as 大項目 between Ⅱ and Ⅳ.
  t('Ⅲ', '女性の活躍推進のための改革', '000 大項目 line 33 (numeral inferred from its place between Ⅱ and Ⅳ); chapters 1–2 as 000 lists them', [1, 2]),
  t('Ⅲ-1', '女性の採用の拡大', '000 中項目 line 35'),
  t('Ⅲ-2', '女性の登用目標達成に向けた計画的育成', '000 中項目 line 36'),
  g('Ⅳ', '推進体制等', '002 line 368 (公正取引委員会 R1); 000 大項目 line 37'),
  g('Ⅳ-(1)', '各府省等における取組の推進', '002 line 369; 000 中項目 line 37 (printed without a number)'),
  none('Ⅳ-(1)-①', 'exists: 002 cites ② of Ⅳ-(1); no document prints ①'),
  g('Ⅳ-(1)-②', '大臣、事務次官等のリーダーシップの発揮と推進体制', '002 lines 370–371 (公正取引委員会 R1)'),
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
  return data.map((d) => {
    const segments = d.path.split('-');
    const last = segments[segments.length - 1] ?? '';
    const level = segmentLevel(last);
    if (level === null) throw new Error(`Guideline data: path ${d.path} ends in an unknown marker "${last}"`);
    const parentPath = segments.length > 1 ? segments.slice(0, -1).join('-') : null;
    if (parentPath !== null && !byPath.has(parentPath)) {
      throw new Error(`Guideline data: parent ${parentPath} of ${d.path} must come before it`);
    }
    byPath.add(d.path);
    return {
      id: `${version}:${d.path}`,
      path: d.path,
      level,
      title: d.title,
      titleVariants: [...(d.variants ?? [])],
      parentId: parentPath === null ? null : `${version}:${parentPath}`,
      titleSource: d.titleSource,
      source: d.source,
      ...(d.closedChildren ? { closedChildren: d.closedChildren } : {}),
    };
  });
}

const NODES: readonly GuidelineNode[] = Object.freeze(buildGuidelineTree(GUIDELINE_2024_DATA));
const BY_PATH = new Map(NODES.map((n) => [n.path, n]));
const BY_ID = new Map(NODES.map((n) => [n.id, n]));
const BY_TITLE = new Map<string, GuidelineNode[]>();
for (const n of NODES) {
  for (const title of [n.title, ...n.titleVariants]) {
    if (title === '') continue;
    const key = normalizeTitle(title);
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
