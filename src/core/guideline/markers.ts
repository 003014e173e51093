/**
 * Reading a reference cell: join PDF-wrapped lines, find the level markers (Ⅱ / 第２, １．, （１）/⑴, ①, ア) and
 * group them into references (domain.md §5.4 rules 1–4).
 */
import { normalizeTitle, titleSimilarity } from './title.js';
import { allGuidelineNodes, findNodesByTitle, type GuidelineLevel, type GuidelineNode } from './tree.js';

export const LEVEL_RANK: Record<GuidelineLevel, number> = { part: 0, chapter: 1, section: 2, item: 3, subItem: 4 };

/** One level marker found in a cell, with the title text that follows it (up to the next marker). */
export interface Marker {
  level: GuidelineLevel;
  /** Normalised path segment: `Ⅱ`, `第2`, `3`, `(1)`, `②`, `ア`. */
  segment: string;
  /** The marker as printed (`（２）．`, `⑴`, `３．`). */
  printed: string;
  /** Title printed after the marker, brackets and separators removed; '' when none. */
  title: string;
  /** Offsets in the joined text: marker start and end of its title. */
  start: number;
  end: number;
  /**
   * Set when no number was printed and the marker is a quoted guideline title (`「マネジメント改革」`, class 1 of #9):
   * the path of the node it names.
   */
  titlePath?: string;
}

/** A cell after rule 1: HTML removed, lines trimmed and joined without a separator. */
export interface JoinedCell {
  text: string;
  /** Offsets in `text` where a source line started. */
  lineStarts: ReadonlySet<number>;
}

const BLOCK_TAG = /<\/?(?:p|div|li|ul|ol|br|tr|td|th|table)\b[^>]*>/gi;
const ANY_TAG = /<\/?[a-zA-Z][a-zA-Z0-9]*\b[^<>]*>/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/**
 * Removes HTML tags (block tags become line breaks), trims every line and joins them without a space: PDF extraction
 * breaks lines inside words (`管` + `理職`), so any space we inserted would be invented.
 * @example joinCell('（１）職員のやりがい向上も踏まえた管\n理職のマネジメント向上').text // → '（１）職員のやりがい向上も踏まえた管理職のマネジメント向上'
 */
export function joinCell(cellText: string): JoinedCell {
  const plain = cellText
    .replace(BLOCK_TAG, '\n')
    .replace(ANY_TAG, '')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_m, name: string) => ENTITIES[name] ?? '');
  const lineStarts = new Set<number>();
  let text = '';
  for (const line of plain.split(/\r\n|\r|\n/)) {
    const t = line.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
    if (t === '') continue;
    lineStarts.add(text.length);
    text += t;
  }
  return { text, lineStarts };
}

const ROMAN = 'ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ';
const CIRCLED = '①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳';
const PAREN_DIGIT = '⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇';
const SUB_ITEMS = 'アイウエオカキクケコサシスセソタチツテト';

/** Full-width digits → ASCII, as a number. */
function toNumber(digits: string): number {
  return Number(digits.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)));
}

function isKatakana(ch: string | undefined): boolean {
  return ch !== undefined && /[\u30a0-\u30ff\uff0d]/.test(ch);
}

interface RawMarker {
  level: GuidelineLevel;
  segment: string;
  printed: string;
  start: number;
  /** Offset where the title starts. */
  bodyStart: number;
  /** A quoted guideline title used as a marker: the node and the quoted title. */
  titleNode?: GuidelineNode;
  quotedTitle?: string;
}

/** A quoted title this close to a guideline title names that node (`管理職員の…` ≈ `管理職の…`, 0.88). */
const QUOTED_TITLE_MIN = 0.85;

/** The guideline node a quoted title names, if any (exact after normalisation, else a near-equal title). */
export function nodeOfQuotedTitle(title: string): GuidelineNode | undefined {
  const exact = findNodesByTitle(title)[0];
  if (exact) return exact;
  let best: { node: GuidelineNode; sim: number } | undefined;
  for (const node of allGuidelineNodes()) {
    if (node.title === '' || node.titleSource === 'plan') continue;
    const sim = Math.max(titleSimilarity(title, node.title), ...node.titleVariants.map((v) => titleSimilarity(title, v)));
    if (sim >= QUOTED_TITLE_MIN && (!best || sim > best.sim)) best = { node, sim };
  }
  return best?.node;
}

/** The guideline node whose title starts with this text (a quoted title cut by a page: `「ワークライフバランスの推進のため`). */
export function nodeOfTitlePrefix(prefix: string): GuidelineNode | undefined {
  const p = normalizeTitle(prefix);
  if ([...p].length < 6) return undefined;
  return allGuidelineNodes().find((n) => n.title !== '' && n.titleSource !== 'plan' && normalizeTitle(n.title).startsWith(p));
}

/**
 * `「…」` at `i` that is not the title of the marker just before it and quotes a guideline title: a marker for that
 * node (a Ｂ cell citing `「ワークライフバランスの推進のための働き方改革」３．マネジメント改革` or
 * `「仕事と生活の両立支援」のうち「男性の育児への参画促進」` without any part numeral).
 */
function quotedTitleAt(cell: JoinedCell, i: number, prev: RawMarker | undefined): RawMarker | null {
  const { text } = cell;
  if (text[i] !== '「' || (prev !== undefined && prev.bodyStart === i)) return null;
  // Only where a citation can start: the cell or a line, or after a quoted title and a connector (`」のうち「`); a quote
  // inside a printed title (`3.「人材の育成と活用」と「マネジメント改革」`) is part of that title.
  const connector = prev?.titleNode !== undefined && /^[\s\u3000]*(?:のうち|の|及び|、|・|と)?[\s\u3000]*$/.test(text.slice(prev.bodyStart, i));
  if (!(i === 0 || cell.lineStarts.has(i) || connector)) return null;
  const close = text.indexOf('」', i + 1);
  if (close < 0) return null;
  const title = text.slice(i + 1, close);
  if (title === '' || title.includes('「')) return null;
  const node = nodeOfQuotedTitle(title);
  if (!node) return null;
  const segment = node.path.split('-').pop() ?? node.path;
  return { level: node.level, segment, printed: text.slice(i, close + 1), start: i, bodyStart: close + 1, titleNode: node, quotedTitle: title };
}

/** Bullets that label the reference blocks of a Ｂ cell (`・業務見直し` followed by its chain; class 2 of #9). */
const BULLET = /[・○●◆■]/;

/**
 * Where the bullet-labelled blocks of a cell start: only in a cell whose first line is a bullet (a `・` wrapped to the
 * start of a line inside a title is no label).
 */
export function bulletStarts(cell: JoinedCell): number[] {
  if (!BULLET.test(cell.text[0] ?? '')) return [];
  return [...cell.lineStarts].filter((k) => BULLET.test(cell.text[k] ?? '')).sort((a, b) => a - b);
}

/** Sticky patterns, matched at an offset without copying the rest of the cell (markerAt runs at every character). */
const PART_AT = /.[．.]?/uy;
const DAI_AT = /第([0-9０-９]+)[\s\u3000]+/y;
const SECTION_AT = /[（(][ \u3000]*([0-9０-９]{1,2})[ \u3000]*[）)][ \u3000]*[．.]?[ \u3000]*/y;
const ONE_CHAR_AT = /.[ \u3000]*/uy;
const CHAPTER_AT =
  /([0-9０-９]{1,2})(?:([ \u3000]*[．.、](?![0-9０-９])[ \u3000]*|[-－](?=[（(\u2460-\u2487]))|([ \u3000]+)|(?=[\u3040-\u30ff\u4e00-\u9fff「『]))/y;

function execAt(re: RegExp, text: string, i: number): RegExpExecArray | null {
  re.lastIndex = i;
  return re.exec(text);
}

/** Tries every marker form at `i`; `prev` is the previous marker (it decides whether a bare digit is a chapter). */
function markerAt(cell: JoinedCell, i: number, prev: RawMarker | undefined): RawMarker | null {
  const { text } = cell;
  const ch = text[i] ?? '';
  const atLineStart = cell.lineStarts.has(i);
  const before = i > 0 ? text[i - 1] : undefined;

  if (ROMAN.includes(ch)) {
    const printed = execAt(PART_AT, text, i)?.[0] ?? ch;
    return { level: 'part', segment: ch, printed, start: i, bodyStart: i + printed.length };
  }
  // 第２　… is a part in 個人情報保護委員会's plan; only as a heading (line start, followed by a space).
  if (ch === '第' && (atLineStart || i === 0 || /[\s\u3000]/.test(before ?? ''))) {
    const m = execAt(DAI_AT, text, i);
    if (m) return { level: 'part', segment: `第${toNumber(m[1] ?? '')}`, printed: m[0], start: i, bodyStart: i + m[0].length };
  }
  if (ch === '（' || ch === '(') {
    const section = execAt(SECTION_AT, text, i);
    if (section) {
      return { level: 'section', segment: `(${toNumber(section[1] ?? '')})`, printed: section[0], start: i, bodyStart: i + section[0].length };
    }
  }
  const pd = PAREN_DIGIT.indexOf(ch);
  if (pd >= 0) {
    const printed = execAt(ONE_CHAR_AT, text, i)?.[0] ?? ch;
    return { level: 'section', segment: `(${pd + 1})`, printed, start: i, bodyStart: i + printed.length };
  }
  if (CIRCLED.includes(ch)) {
    const printed = execAt(ONE_CHAR_AT, text, i)?.[0] ?? ch;
    return { level: 'item', segment: ch, printed, start: i, bodyStart: i + printed.length };
  }
  // ア… only opens a sub-item at the start of a line under an item, and not when the previous line ended inside a
  // katakana word (キャリ / ア形成 would otherwise be read as sub-item ア).
  if (SUB_ITEMS.includes(ch) && atLineStart && prev && LEVEL_RANK[prev.level] >= LEVEL_RANK.item && !isKatakana(before)) {
    return { level: 'subItem', segment: ch, printed: ch, start: i, bodyStart: i + 1 };
  }
  // Chapters: `１．`, `1. `, `3.`, `３　`, `3-(1)`, and glued `３マネジメント改革` / `１業務効率化`. A bare digit is ambiguous
  // (titles can hold numbers), so it opens a chapter only right after a part or at the start of a line.
  // Not inside a number or a code: `10`, `R6.4.1`, `1on1`.
  if (!/[0-9０-９]/.test(ch)) return null;
  const inNumber =
    /[0-9０-９A-Za-zＡ-Ｚａ-ｚ]/.test(before ?? '') || (/[.．]/.test(before ?? '') && /[0-9０-９]/.test(text[i - 2] ?? ''));
  if (!inNumber) {
    const m = execAt(CHAPTER_AT, text, i);
    if (m) {
      const hasSeparator = m[2] !== undefined || m[3] !== undefined;
      const afterPart = prev?.level === 'part';
      const ok = afterPart || ((atLineStart || i === 0) && (hasSeparator || prev === undefined));
      if (ok) return { level: 'chapter', segment: String(toNumber(m[1] ?? '')), printed: m[0], start: i, bodyStart: i + m[0].length };
    }
  }
  return null;
}

/** Strips separators and one pair of enclosing brackets from a marker's title (`．「…」` → `…`). */
function cleanTitle(s: string): string {
  // Hyphens join markers in typed paths (`Ⅱ-3-(1)-②`, `Ⅱ－３－（１）`); they are never part of a title's edge.
  let t = s.replace(/^[\s\u3000．.、\-－‐–—]+|[\s\u3000\-－‐–—]+$/g, '');
  const quoted = /^「([^「」]*)」$/.exec(t);
  if (quoted) t = quoted[1] ?? '';
  return t.trim();
}

/** Finds every marker of a joined cell with its title. */
export function findMarkers(cell: JoinedCell): Marker[] {
  const raws: RawMarker[] = [];
  const bullets = new Set(bulletStarts(cell));
  let i = 0;
  while (i < cell.text.length) {
    const prev = raws[raws.length - 1];
    const m = bullets.has(i) ? null : (quotedTitleAt(cell, i, prev) ?? markerAt(cell, i, prev));
    if (m) {
      raws.push(m);
      i = Math.max(m.bodyStart, i + 1);
    } else {
      i += 1;
    }
  }
  const bulletList = [...bullets];
  return raws.map((m, k) => {
    const next = raws[k + 1]?.start ?? cell.text.length;
    // A title ends at the next marker or at the next bullet label, whichever comes first.
    const end = Math.min(next, ...bulletList.filter((b) => b > m.start));
    const marker: Marker = {
      level: m.level,
      segment: m.segment,
      printed: m.printed,
      title: m.quotedTitle ?? cleanTitle(cell.text.slice(m.bodyStart, end)),
      start: m.start,
      end,
    };
    if (m.titleNode) marker.titlePath = m.titleNode.path;
    return marker;
  });
}

/** One reference of a cell before resolution: the marker chain from the top printed level to the leaf. */
export interface ReferenceChain {
  /** Printed text of this reference (the cell's text from this reference's first own marker). */
  raw: string;
  /** Markers from outer to inner; outer ones may be inherited from the previous reference of the cell. */
  markers: Marker[];
}

/**
 * Splits a cell into references (rules 3–4): a marker at the same or a higher level than the previous one closes the
 * previous reference; the new one inherits the upper levels still open (`①…②…③…⑤…` → four references under one
 * `（１）`). Text without any marker is one reference with no markers.
 */
export function splitReferences(cell: JoinedCell): ReferenceChain[] {
  const markers = findMarkers(cell);
  if (markers.length === 0) return cell.text === '' ? [] : [{ raw: cell.text, markers: [] }];
  const bullets = bulletStarts(cell);
  const refs: ReferenceChain[] = [];
  const stack: Marker[] = [];
  let rawStart = 0;
  let lastStart = -1;
  for (const m of markers) {
    // A bullet label between the previous marker and this one starts a new block: nothing is inherited across it.
    const bullet = bullets.filter((b) => b > lastStart && b <= m.start).pop();
    const last = stack[stack.length - 1];
    if (bullet !== undefined && last) {
      refs.push({ raw: cell.text.slice(rawStart, bullet), markers: [...stack] });
      rawStart = bullet;
      stack.length = 0;
    } else if (last && LEVEL_RANK[m.level] <= LEVEL_RANK[last.level]) {
      refs.push({ raw: cell.text.slice(rawStart, m.start), markers: [...stack] });
      rawStart = m.start;
    }
    while (stack.length > 0 && LEVEL_RANK[stack[stack.length - 1]?.level ?? 'part'] >= LEVEL_RANK[m.level]) stack.pop();
    stack.push(m);
    lastStart = m.start;
  }
  refs.push({ raw: cell.text.slice(rawStart), markers: [...stack] });
  return refs;
}
