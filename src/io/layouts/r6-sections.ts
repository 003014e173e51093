/**
 * L-R6-COMPILATION text → sections → rows (#2, #9). The PDF extractor emits the three printed columns (重点項目 | Ａ | Ｂ)
 * as separate runs, page by page (domain.md §6.2), so a section is read in three steps:
 *  1. lines → blocks (blank lines and page starts separate them), each classified by what it is, not by where it
 *     stands: Ａ narrative, Ｂ reference, 重点項目 value, or a lone guideline heading (`３．マネジメント改革`);
 *  2. blocks → units in context: a Ｂ fragment continues the Ｂ cell before it (split by a blank line or a page), a lone
 *     heading is either part of a Ｂ cell or a heading line that is no 重点項目, Ａ blocks form Ａ cells;
 *  3. Ｂ cells → rows: each Ａ cell is a row; a Ｂ cell belongs to the row before it unless that row already has one and
 *     the next row has none (Ｂ printed before its Ａ); counts are reconciled (an Ａ cell cut by a page joins its row).
 * Pairing rows with 重点項目 values is focus-pairing.ts's.
 */
import { findMarkers, joinCell, nodeOfQuotedTitle, nodeOfTitlePrefix, parseGuidelineRefs } from '../../core/guideline/index.js';
import { displayWidth, isBlank, isPageNumber, joinAll, type PdfLine, toPdfLines } from '../pdf-text/lines.js';
import { bigrams } from '../pdf-text/similarity.js';
import type { SourceDoc } from '../types.js';

// The furniture lives in core (#12): the report builder prints it in the browser too.
import { R6_COVER_HEADING, R6_FOCUS_CAPTION, R6_HEADER_CAPTIONS, R6_HEADER_LINE } from '../../core/layouts/r6-captions.js';

export { R6_COVER_HEADING, R6_FOCUS_CAPTION, R6_HEADER_CAPTIONS, R6_HEADER_LINE };

/** `【府省等名：…】`, with a full- or half-width colon and any spacing (`【府省等名:こども家庭庁】`, line 873). */
export const MARKER = /^【[ \u3000]*府省等名[ \u3000]*[：:][ \u3000]*(.*?)[ \u3000]*】$/;
export const HEADER = /^Ａ[ \u3000]*Ｂ$/;
const TITLE_1 = /^国家公務員の.*取組指針に$/;
export const TITLE_2 = /^基づく取組計画等のフォローアップ（(.+?年度)）（重点項目）$/;

/**
 * A reference cell starts with a part numeral, a plan part (`第２　`), the plan annex (`（別添）`) or a label saying it
 * cites the plan (`取組計画`).
 */
const REF_START = /^(?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|第[0-9０-９一二三四五六七八九十]+[ \u3000]|[（(]別添[）)]|(?:各府省|当省|本府)?取組計画$)/;
const CHAPTER_START = /^[0-9０-９]{1,2}[.．]/;
const SUB_START = /^(?:[（(][0-9０-９]{1,2}[）)]|[⑴-⒇]|[①-⑳])/;
/** Entry tags of the Ａ column (【継続】, 【新規】, 【新規・継続】…). */
const ENTRY_TAG = /^【[^】]{1,8}】/;
/** Ａ text starts an entry with a tag, a bullet, a sub-block heading or an indent. */
export const NARRATIVE_START = /^(?:【[^】]{1,8}】|[・○●※\u3000])/;
/** A 重点項目 printed with its number (`重点項目１　…`, 001's form). */
const NUMBERED_FOCUS = /^重点項目[ \u3000]*[0-9０-９]/;
const BULLET_START = /^[・○●◆■]/;
/**
 * Column widths measured on 002 (full-width units): Ａ wraps at 37, Ｂ at 18, 重点項目 at 22. A line wider than this is
 * Ａ text; Ｂ and 重点項目 never are.
 */
const NARROW_MAX_WIDTH = 24;
/** A 重点項目 value is printed on at most this many lines (the longest in 002 takes 3). */
const FOCUS_MAX_LINES = 4;
/** The Ｂ column wraps at this width (full-width units, measured on 002): a line this wide continues on the next. */
const B_WRAP_WIDTH = 18;
/** Text before a page break that ends so is a finished sentence; a dangling tag (`【継続】`) is not. */
const PAGE_SENTENCE_END = /[。．.）)」』］！？!?]$/;
/** Confidence that an Ａ cell continues across a page when the line before the break ran to the wrap width / did not. */
const CONTINUATION_WRAPPED = 0.8;
const CONTINUATION_SHORT = 0.6;

export type BlockKind = 'A' | 'B' | 'F' | 'H';

export interface Block {
  kind: BlockKind;
  lines: PdfLine[];
  pageStart: boolean;
  /** A page title, caption or header line stands between the previous block and this one. */
  afterFurniture: boolean;
  /** A 重点項目 value the extractor printed on the last line of this Ｂ block (宮内庁 line 352). */
  gluedTo?: Block;
}

export interface Section {
  headerLine: number | null;
  marker: { name: string; line: number; afterRows: boolean; text: string } | null;
  titleLines: PdfLine[];
  cycleLabel: string | null;
  captionLine: number | null;
  blocks: Block[];
  firstLine: number;
  lastLine: number;
  extraMarkers: { name: string; line: number }[];
}

/** The structure of a compilation before it becomes model objects (exported for tests). */
export interface R6Structure {
  coverLines: PdfLine[];
  sections: Section[];
  /** Lines of content found before any section. */
  stray: PdfLine[];
}

/** The 府省等 name a printed marker line names (`【府省等名:こども家庭庁】` → こども家庭庁), or null when it is no marker. */
export function markerName(text: string): string | null {
  return MARKER.exec(text.trim())?.[1] ?? null;
}

const isHeaderCaption = (t: string): boolean => (R6_HEADER_CAPTIONS as readonly string[]).includes(t);
export const isR6HeaderCaption = isHeaderCaption;

/** A quoted guideline title opens the text (`「ワークライフバランスの推進のため…」`, `「マネジメント改革」`). */
function startsWithQuotedTitle(text: string): boolean {
  const m = /^「([^「」]+)」/.exec(text);
  if (m) return nodeOfQuotedTitle(m[1] ?? '') !== undefined;
  // A quote the page cut before it closed.
  const open = /^「([^「」]+)$/.exec(text);
  return open !== null && nodeOfTitlePrefix(open[1] ?? '') !== undefined;
}

/**
 * A block that is exactly one heading of the guideline at part or chapter level, numbered or quoted
 * (`３．マネジメント改革`, `Ⅱ　ワークライフバランスの推進のための働き方改革`): never a 重点項目 (#9 class 5); the context
 * decides whether it belongs to a Ｂ cell.
 */
function isGuidelineHeading(joined: string): boolean {
  // Only a numbered or quoted heading can be one (cheap check first: this runs for every block).
  if (!/^(?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|[0-9０-９]{1,2}[.．\s\u3000]|「)/.test(joined) || displayWidth(joined) > 2 * NARROW_MAX_WIDTH) return false;
  const refs = parseGuidelineRefs(joined);
  const ref = refs[0];
  if (refs.length !== 1 || !ref?.nodeId || (ref.resolution !== 'exact' && ref.resolution !== 'title-match')) return false;
  const markers = findMarkers(joinCell(joined));
  return markers.length === 1 && markers[0]?.start === 0 && (markers[0].level === 'part' || markers[0].level === 'chapter');
}

/** Classifies a block by its own text (layout widths, narrative marks, reference markers). */
export function classifyBlock(lines: readonly PdfLine[]): BlockKind {
  const texts = lines.map((l) => l.text);
  const first = texts[0] ?? '';
  const joined = joinAll(texts);
  const maxWidth = Math.max(0, ...texts.map(displayWidth));
  if (texts.some((t) => ENTRY_TAG.test(t)) || joined.includes('。')) return 'A';
  if (maxWidth <= NARROW_MAX_WIDTH + 2 && isGuidelineHeading(joined)) return 'H';
  // A reference cell may be wider on its last line only, where the extractor glued a 重点項目 to it (宮内庁 line 352).
  if (REF_START.test(first) && texts.slice(0, -1).every((t) => displayWidth(t) <= NARROW_MAX_WIDTH)) return 'B';
  if (maxWidth > NARROW_MAX_WIDTH) return 'A';
  if (NUMBERED_FOCUS.test(first)) return 'F';
  if (startsWithQuotedTitle(joined)) return 'B';
  const laterMarker = texts
    .slice(1)
    .some((t, k) => REF_START.test(t) || CHAPTER_START.test(t) || SUB_START.test(t) || startsWithQuotedTitle(joinAll(texts.slice(k + 1))));
  // A bullet or `○` heading with no reference below it is Ａ text (a page can cut an Ａ cell right after `○見出し`).
  if (BULLET_START.test(first)) return laterMarker ? 'B' : 'A';
  if (SUB_START.test(first)) return 'B';
  if (CHAPTER_START.test(first)) return laterMarker ? 'B' : 'F';
  if (laterMarker) return 'B';
  return texts.length <= FOCUS_MAX_LINES ? 'F' : 'A';
}

/** Splits the document into cover, sections and their classified blocks. */
export function parseR6Structure(doc: SourceDoc): R6Structure {
  const lines = toPdfLines(doc.lines);
  const coverLines: PdfLine[] = [];
  const stray: PdfLine[] = [];
  const sections: Section[] = [];
  let current: Section | null = null;
  let pendingMarker: PrintedMarker | null = null;
  /** The marker printed right before each section's header, if any (assigned once every section is known). */
  const leading = new Map<Section, PrintedMarker | null>();
  let inCover = false;
  let coverSeen = false;
  let block: PdfLine[] = [];
  let furniture = false;

  const flush = (): void => {
    if (block.length === 0) return;
    const first = block[0];
    if (current && first) {
      current.blocks.push({ kind: classifyBlock(block), lines: block, pageStart: first.pageStart, afterFurniture: furniture });
      furniture = false;
    } else stray.push(...block);
    block = [];
  };
  const nextContent = (from: number): PdfLine | undefined => {
    for (let k = from; k < lines.length; k++) {
      const l = lines[k];
      if (l && !isBlank(l.text) && !isPageNumber(l.text)) return l;
    }
    return undefined;
  };
  /** The line is a header, or a marker printed right before one. */
  const opensSection = (k: number): boolean => {
    const t = lines[k]?.text ?? '';
    if (HEADER.test(t)) return true;
    const next = MARKER.test(t) ? nextContent(k + 1) : undefined;
    return next !== undefined && HEADER.test(next.text);
  };
  const newSection = (headerLine: number | null, firstLine: number): Section => ({
    headerLine,
    marker: null,
    titleLines: [],
    cycleLabel: null,
    captionLine: null,
    blocks: [],
    firstLine,
    lastLine: firstLine,
    extraMarkers: [],
  });

  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    if (!line) continue;
    const t = line.text;
    if (isBlank(t)) {
      flush();
      continue;
    }
    // A marker or header that opens the next section is not part of the current one (see below).
    if (current && !opensSection(k)) current.lastLine = line.no;
    if (t === R6_COVER_HEADING) {
      // The cover precedes the first section; in a concatenated file it recurs and must not become an Ａ row.
      flush();
      inCover = true;
      if (!coverSeen) coverLines.push(line);
      continue;
    }
    const marker = MARKER.exec(t);
    if (marker) {
      flush();
      inCover = false;
      coverSeen = coverSeen || coverLines.length > 0;
      const name = marker[1] ?? '';
      const next = nextContent(k + 1);
      if (next && HEADER.test(next.text)) {
        pendingMarker = { name, line: line.no, text: t };
      } else if (current && !current.marker) {
        current.marker = { name, line: line.no, afterRows: current.blocks.length > 0, text: t };
        furniture = true;
      } else if (current) {
        current.extraMarkers.push({ name, line: line.no });
      } else {
        // A marker with no header at all (a cut or odd file): open a section so its rows are not lost.
        current = newSection(null, line.no);
        current.marker = { name, line: line.no, afterRows: false, text: t };
        sections.push(current);
      }
      continue;
    }
    if (HEADER.test(t)) {
      flush();
      inCover = false;
      coverSeen = coverSeen || coverLines.length > 0;
      current = newSection(line.no, pendingMarker?.line ?? line.no);
      leading.set(current, pendingMarker);
      pendingMarker = null;
      sections.push(current);
      furniture = true;
      continue;
    }
    if (inCover) {
      if (!coverSeen) coverLines.push(line);
      continue;
    }
    if (isHeaderCaption(t) || isPageNumber(t)) {
      flush();
      furniture = furniture || isHeaderCaption(t);
      continue;
    }
    if (TITLE_1.test(t) || TITLE_2.test(t)) {
      flush();
      furniture = true;
      if (current) {
        current.titleLines.push(line);
        const label = TITLE_2.exec(t)?.[1];
        if (label) current.cycleLabel = label;
      }
      continue;
    }
    if (t === R6_FOCUS_CAPTION) {
      flush();
      furniture = true;
      if (current) current.captionLine = line.no;
      continue;
    }
    if (line.pageStart) flush();
    block.push(line);
  }
  flush();
  assignLeadingMarkers(sections, leading);
  for (const s of sections) splitGluedFocus(s);
  return { coverLines, sections, stray };
}

type PrintedMarker = { name: string; line: number; text: string };

const squashName = (name: string): string => name.replace(/[\s\u3000]/g, '');

/**
 * A marker printed right before a header (nothing but blank lines and page numbers between) stands between two
 * sections: usually it opens the section that follows (domain.md §6.2 item 1), but a 府省等 may print its marker at
 * the end of its own section, after its rows and 重点項目, right before the next 府省等's header. Each 府省等 prints
 * one marker, so: when the section that follows has a marker of its own (printed after its header, under another
 * name) and the section before has none, the marker ends the section before. Resolved from the last section back,
 * so a run of sections that all print their marker at the end is read as such. When neither section prints another
 * marker, it opens the section after it (the norm) and the section before is reported without one (MARKER_MISSING).
 */
function assignLeadingMarkers(sections: Section[], leading: ReadonlyMap<Section, PrintedMarker | null>): void {
  for (let j = sections.length - 1; j >= 0; j--) {
    const section = sections[j];
    const m = section ? leading.get(section) : null;
    if (!section || !m) continue;
    const before = sections[j - 1];
    // The same name printed again inside the section (a marker repeated on a later page) is no marker of its own.
    if (section.marker && before && !before.marker && squashName(section.marker.name) !== squashName(m.name)) {
      before.marker = { ...m, afterRows: true };
      before.lastLine = Math.max(before.lastLine, m.line);
      section.firstLine = section.headerLine ?? section.firstLine;
      continue;
    }
    if (section.marker) section.extraMarkers.unshift({ name: section.marker.name, line: section.marker.line });
    section.marker = { ...m, afterRows: false };
  }
}

/**
 * 宮内庁 line 352 `（別添）具体的な取組事項やりがいにつながる働きかけの強化`: the extractor glued a 重点項目 value to a Ｂ
 * run. When a Ｂ line starts with the full text of another Ｂ cell of the section, the rest is a 重点項目 value.
 */
function splitGluedFocus(section: Section): void {
  const bTexts = new Set(section.blocks.filter((b) => b.kind === 'B').map((b) => joinAll(b.lines.map((l) => l.text))));
  const out: Block[] = [];
  for (const b of section.blocks) {
    const last = b.lines[b.lines.length - 1];
    if (b.kind === 'B' && last) {
      const before = b.lines.slice(0, -1).map((l) => l.text);
      const prefix = [...bTexts].find((x) => {
        if (!x) return false;
        const full = joinAll([...before, last.text]);
        return full.startsWith(x) && full.length > x.length && joinAll(before).length < x.length;
      });
      if (prefix) {
        const cut = prefix.length - joinAll(before).length;
        const bLine: PdfLine = { ...last, text: last.text.slice(0, cut) };
        const fLine: PdfLine = { ...last, text: last.text.slice(cut), pageStart: false };
        // The split is a layout fact the model keeps (a raw cell on the Ｂ row), so the rendering can print it glued again.
        const bBlock: Block = { ...b, lines: [...b.lines.slice(0, -1), bLine] };
        out.push(bBlock, { kind: 'F', lines: [fLine], pageStart: false, afterFurniture: false, gluedTo: bBlock });
        continue;
      }
    }
    out.push(b);
  }
  section.blocks = out;
}

/** One row before it meets its 重点項目: its Ａ blocks and its Ｂ blocks (one cell, possibly printed in pieces). */
export interface DraftRow {
  a: Block[];
  b: Block[];
  /**
   * How the row's Ａ cell was cut from the printed blocks when the counts overruled the layout: `split` (one printed
   * run held two rows' text, cut between two blocks) or `joined` (a page start did not start a row). The row's
   * pairing is then in doubt too.
   */
  reshaped: 'split' | 'joined' | null;
}

/** A page start that began a new Ａ cell although the text before it did not end (domain.md §6.2 item 2). */
export interface PageContinuation {
  /** Last printed line before the page break and first after it. */
  before: PdfLine;
  after: PdfLine;
  /** Index of the row the page start opened (or, when joined, of the row it was joined to). */
  row: number;
  confidence: number;
  /** True when the rows were joined (the counts said the page start was no new row). */
  joined: boolean;
}

/** A section's rows, its printed 重点項目 values and what fits nowhere. */
export interface SectionUnits {
  rows: DraftRow[];
  values: Block[];
  /** Lone guideline headings printed among the 重点項目 (not values; kept as printed text of the report). */
  headings: Block[];
  orphanB: Block[];
  continuations: PageContinuation[];
}

/**
 * A short block that can only be the rest of a Ｂ title broken off by a page or a blank line: it starts where no title
 * starts (a kana ending, a closing bracket, punctuation) while a bracket is open, or the Ｂ before it stops right after
 * `・`, `、`, `「`, or read together they cite the guideline better. A 重点項目 printed next to an unfinished Ｂ (the
 * values of a page come before the next page) starts like a title.
 */
function continuesTitle(block: Block, before: Block): boolean {
  const first = block.lines[0]?.text ?? '';
  const last = before.lines[before.lines.length - 1]?.text ?? '';
  const text = joinAll(before.lines.map((l) => l.text));
  const openBracket = (text.match(/[「（(]/g) ?? []).length > (text.match(/[」）)]/g) ?? []).length;
  if (/^[ぁ-ゖー」』）)、。・]/.test(first) && openBracket) return true;
  return /[・、「（(]$/.test(last) || extendsReference(before, block);
}

/**
 * Read together, the Ｂ text and the block cite the guideline better than the Ｂ text alone: a title completed
 * (`…計画的` + `育成`) or a deeper node reached (`②…` + `ア管理職に対する…`).
 */
function extendsReference(before: Block, block: Block): boolean {
  const t1 = before.lines.map((l) => l.text).join('\n');
  const r1 = parseGuidelineRefs(t1).pop();
  const r2 = parseGuidelineRefs(`${t1}\n${block.lines.map((l) => l.text).join('\n')}`).pop();
  if (!r2 || (r2.resolution !== 'exact' && r2.resolution !== 'title-match')) return false;
  if (!r1 || (r1.resolution !== 'exact' && r1.resolution !== 'title-match')) return true;
  return (r2.path ?? '').length > (r1.path ?? '').length || r2.confidence > r1.confidence + 0.005;
}

/** A Ｂ block that cannot start a cell on its own: it starts below the part (a section, an item) or inside a title. */
function isFragment(b: Block): boolean {
  const text = joinAll(b.lines.map((l) => l.text));
  if (REF_START.test(text) || startsWithQuotedTitle(text) || BULLET_START.test(text)) return false;
  const first = findMarkers(joinCell(text))[0];
  return !first || first.start > 0 || first.level !== 'part';
}

/**
 * Joins, for each Ａ cell cut by a page start, the text after the page to the text before it when that is the only
 * reading the counts allow: more Ａ cells than Ｂ cells and 重点項目, the cell before the page has no Ｂ of its own, and
 * the text before the page does not end a sentence or the text after it does not start an entry.
 */
function joinPageContinuations(aRuns: Block[][], bOf: (runs: Block[][]) => (Block[] | null)[], values: number, out: PageContinuation[]): Block[][] {
  let runs = aRuns;
  for (;;) {
    const bs = bOf(runs);
    const bCount = bs.filter((b) => b !== null).length;
    if (runs.length <= Math.max(bCount, values)) return runs;
    let best: { r: number; c: PageContinuation } | null = null;
    for (let r = 1; r < runs.length; r++) {
      const run = runs[r];
      const prev = runs[r - 1];
      if (!run || !prev || !run[0]?.pageStart || bs[r - 1] !== null) continue;
      const c = continuationOf(prev, run[0], r - 1, true);
      if (c && (!best || c.confidence > best.c.confidence)) best = { r, c };
    }
    if (!best) return runs;
    out.push(best.c);
    runs = [...runs.slice(0, best.r - 1), [...(runs[best.r - 1] ?? []), ...(runs[best.r] ?? [])], ...runs.slice(best.r + 1)];
  }
}

/**
 * The page start may continue the Ａ cell before it: the text before the break does not end a sentence, or the text
 * after it starts with no tag or bullet. Null when both say "new entry".
 */
function continuationOf(cell: Block[], next: Block, row: number, joined: boolean): PageContinuation | null {
  const lines = cell.flatMap((b) => b.lines);
  const before = lines[lines.length - 1];
  const after = next.lines[0];
  if (!before || !after) return null;
  const endsSentence = PAGE_SENTENCE_END.test(before.text);
  const startsEntry = NARRATIVE_START.test(after.text);
  if (endsSentence && startsEntry) return null;
  if (!joined && (endsSentence || startsEntry)) return null;
  const widest = Math.max(...lines.map((l) => displayWidth(l.text)));
  const wrapped = displayWidth(before.text) >= widest - 2;
  return { before, after, row, confidence: wrapped && !endsSentence ? CONTINUATION_WRAPPED : CONTINUATION_SHORT, joined };
}

/**
 * Each Ｂ cell to a row: to the row before it while that row has none; else to the next row when the next row has no
 * Ｂ after it (Ｂ printed before its Ａ, 公正取引委員会 379–391, 金融庁 720–728); else a further reference of the row
 * before it. Returns each row's Ｂ cells (null: none) and the cells no row takes.
 */
function alignReferences(order: readonly Ordered[], runs: number): { bOf: (Block[] | null)[]; orphans: Block[][] } {
  const bOf: (Block[] | null)[] = Array.from({ length: runs }, () => null);
  const orphans: Block[][] = [];
  let prevRun = -1;
  order.forEach((u, k) => {
    if (u.kind === 'A') {
      prevRun = u.run;
      return;
    }
    const nextIdx = order.findIndex((x, m) => m > k && x.kind === 'A');
    const next = order[nextIdx];
    const nextRun = next?.kind === 'A' ? next.run : -1;
    // Does the next row get a Ｂ printed after it (before the row after it)?
    let nextHasOwn = false;
    for (let m = nextIdx + 1; nextIdx >= 0 && m < order.length; m++) {
      const x = order[m];
      if (x?.kind === 'A') break;
      if (x?.kind === 'B') {
        nextHasOwn = true;
        break;
      }
    }
    const target = prevRun >= 0 && bOf[prevRun] === null ? prevRun : nextRun >= 0 && !nextHasOwn && bOf[nextRun] === null ? nextRun : prevRun;
    if (target < 0) {
      if (nextRun >= 0 && bOf[nextRun] === null) bOf[nextRun] = [...u.cell];
      else orphans.push(u.cell);
      return;
    }
    bOf[target] = [...(bOf[target] ?? []), ...u.cell];
  });
  return { bOf, orphans };
}

type Ordered = { kind: 'A'; run: number } | { kind: 'B'; cell: Block[] };

/**
 * Splits an Ａ cell that holds two rows' text: where the counts say a row is missing (fewer Ａ cells than Ｂ cells and
 * 重点項目) and a Ｂ cell printed right before the cell (the row's Ｂ before its Ａ) has another Ｂ after it. The cut is
 * made between two blocks, before an entry start, where the text before it fits the Ｂ before and the text after it
 * the Ｂ after.
 */
function splitRunsForReferences(aRuns: Block[][], orderOf: (runs: Block[][]) => Ordered[], values: number): Block[][] {
  let runs = aRuns;
  for (;;) {
    const order = orderOf(runs);
    const bCount = order.filter((o) => o.kind === 'B').length;
    if (runs.length >= Math.max(bCount, values)) return runs;
    let best: { r: number; k: number; score: number } | null = null;
    order.forEach((o, idx) => {
      if (o.kind !== 'A') return;
      const run = runs[o.run];
      const before = order[idx - 1];
      const after = order[idx + 1];
      if (!run || run.length < 2 || before?.kind !== 'B' || after?.kind !== 'B') return;
      // The Ｂ before must be a second one (its row before already has a Ｂ printed after it).
      if (order[idx - 2]?.kind !== 'B' && order[idx - 2] !== undefined) return;
      const bGrams = (cell: Block[]): Set<string> => bigrams(joinAll(cell.flatMap((b) => b.lines.map((l) => l.text))));
      const gBefore = bGrams(before.cell);
      const gAfter = bGrams(after.cell);
      // Each block leans to the Ｂ before or the Ｂ after by the share of their bigrams it repeats; the cut keeps the
      // blocks leaning before on one side. An entry start (tag, bullet) is the likelier place for a cut.
      const lean = run.map((b) => {
        const g = bigrams(joinAll(b.lines.map((l) => l.text)));
        const hits = (of: Set<string>): number => [...of].filter((x) => g.has(x)).length / Math.max(1, of.size);
        return hits(gBefore) - hits(gAfter);
      });
      for (let k = 1; k < run.length; k++) {
        const entry = NARRATIVE_START.test(run[k]?.lines[0]?.text ?? '') ? 0.05 : 0;
        const score = lean.slice(0, k).reduce((x, y) => x + y, 0) - lean.slice(k).reduce((x, y) => x + y, 0) + entry;
        if (!best || score > best.score) best = { r: o.run, k, score };
      }
    });
    if (!best) return runs;
    const { r, k } = best;
    const run = runs[r] ?? [];
    runs = [...runs.slice(0, r), run.slice(0, k), run.slice(k), ...runs.slice(r + 1)];
  }
}

/** Steps 2 and 3 of the module comment: the section's rows (Ａ with Ｂ), its 重点項目 values and its heading lines. */
export function sectionUnits(section: Section): SectionUnits {
  type Unit =
    | { kind: 'A'; blocks: Block[] }
    | { kind: 'B'; blocks: Block[] }
    | { kind: 'heading'; block: Block }
    // Where a Ｂ block that opens a page was joined to the Ｂ cell of the page before (kept there unless undone).
    | { kind: 'joined'; into: { kind: 'B'; blocks: Block[] }; at: number }
    // A short block after a Ｂ cell whose last line ran to the wrap: a 重点項目, unless the counts say it is the title's rest.
    | { kind: 'F'; block: Block; maybeRestOf?: { kind: 'B'; blocks: Block[] } };
  const units: Unit[] = [];
  let lastB: { kind: 'B'; blocks: Block[] } | null = null;
  let aSinceB = false;
  const continuations: PageContinuation[] = [];

  for (const block of section.blocks) {
    const prev = units[units.length - 1];
    const directAfterB = prev?.kind === 'B' && !block.afterFurniture;
    const acrossPage = block.pageStart && lastB !== null && !aSinceB;
    const lastBBlock = lastB?.blocks[lastB.blocks.length - 1];
    if (block.kind === 'A') {
      if (prev?.kind === 'A' && !block.pageStart) prev.blocks.push(block);
      else {
        if (prev?.kind === 'A') {
          const c = continuationOf(prev.blocks, block, units.filter((u) => u.kind === 'A').length, false);
          if (c) continuations.push(c);
        }
        units.push({ kind: 'A', blocks: [block] });
      }
      aSinceB = true;
      continue;
    }
    const continues =
      lastB !== null &&
      (directAfterB || acrossPage) &&
      (block.kind === 'H' ||
        (block.kind === 'B' && (isFragment(block) || (BULLET_START.test(block.lines[0]?.text ?? '') && directAfterB))) ||
        (block.kind === 'F' && !block.gluedTo && lastBBlock !== undefined && continuesTitle(block, lastBBlock)));
    if (continues && lastB) {
      // Across a page (other pages' 重点項目 between) the block may instead be the next row's Ｂ printed before its Ａ:
      // the counts decide below.
      if (!directAfterB && block.kind !== 'F') units.push({ kind: 'joined', into: lastB, at: lastB.blocks.length });
      lastB.blocks.push({ ...block, kind: 'B' });
      continue;
    }
    if (block.kind === 'H') {
      // A heading right after an Ａ cell (nothing printed between) opens that row's Ｂ; elsewhere it is a heading line.
      if (prev?.kind === 'A' && !block.afterFurniture) {
        lastB = { kind: 'B', blocks: [{ ...block, kind: 'B' }] };
        units.push(lastB);
        aSinceB = false;
      } else units.push({ kind: 'heading', block });
      continue;
    }
    if (block.kind === 'F') {
      const wrapped = lastBBlock !== undefined && displayWidth(lastBBlock.lines[lastBBlock.lines.length - 1]?.text ?? '') >= B_WRAP_WIDTH - 1;
      units.push(lastB && (directAfterB || acrossPage) && wrapped && !block.gluedTo ? { kind: 'F', block, maybeRestOf: lastB } : { kind: 'F', block });
      continue;
    }
    lastB = { kind: 'B', blocks: [block] };
    units.push(lastB);
    aSinceB = false;
  }

  // Fewer Ｂ cells than rows (Ａ cells, or printed 重点項目): the Ｂ blocks joined across a page were the next rows' Ｂ
  // printed before their Ａ.
  let bCount = units.filter((u) => u.kind === 'B').length;
  const rowCount = Math.max(units.filter((u) => u.kind === 'A').length, units.filter((u) => u.kind === 'F').length);
  for (let k = units.length - 1; k >= 0 && bCount < rowCount; k--) {
    const u = units[k];
    if (u?.kind !== 'joined') continue;
    units[k] = { kind: 'B', blocks: u.into.blocks.splice(u.at) };
    bCount++;
  }
  // More 重点項目 than rows: a short block right after a Ｂ cell cut at its wrap width is the rest of that Ｂ's title.
  let fCount = units.filter((u) => u.kind === 'F').length;
  const rows = Math.max(units.filter((u) => u.kind === 'A').length, bCount);
  for (let k = 0; k < units.length && fCount > rows; k++) {
    const u = units[k];
    if (u?.kind !== 'F' || !u.maybeRestOf) continue;
    u.maybeRestOf.blocks.push({ ...u.block, kind: 'B' });
    units[k] = { kind: 'joined', into: u.maybeRestOf, at: -1 };
    fCount--;
  }
  const aUnits = units.filter((u): u is { kind: 'A'; blocks: Block[] } => u.kind === 'A');
  const values = units.filter((u): u is { kind: 'F'; block: Block } => u.kind === 'F').map((u) => u.block);
  // Runs of Ａ blocks and Ｂ cells in printed order; a run is found by any of its blocks (runs may be split or joined).
  const orderOf = (runs: Block[][]): Ordered[] => {
    const out: Ordered[] = [];
    for (const u of units) {
      if (u.kind === 'B') out.push({ kind: 'B', cell: u.blocks });
      if (u.kind !== 'A') continue;
      for (const b of u.blocks) {
        const run = runs.findIndex((r) => r.includes(b));
        const last = out[out.length - 1];
        if (last?.kind !== 'A' || last.run !== run) out.push({ kind: 'A', run });
      }
    }
    return out;
  };
  const printed = aUnits.map((u) => u.blocks);
  const split = splitRunsForReferences(printed, orderOf, values.length);
  const runs = joinPageContinuations(split, (rs) => alignReferences(orderOf(rs), rs.length).bOf, values.length, continuations);
  const { bOf, orphans } = alignReferences(orderOf(runs), runs.length);
  const reshaped = (run: Block[]): DraftRow['reshaped'] => {
    if (printed.some((p) => p.length !== run.length && p.includes(run[0] as Block) && run.every((b) => p.includes(b)))) return 'split';
    return printed.some((p) => p === run || (p.length === run.length && p.every((b, k) => b === run[k]))) ? null : 'joined';
  };
  return {
    rows: runs.map((a, i) => ({ a, b: bOf[i] ?? [], reshaped: reshaped(a) })),
    values,
    headings: units.filter((u): u is { kind: 'heading'; block: Block } => u.kind === 'heading').map((u) => u.block),
    orphanB: orphans.flat(),
    continuations,
  };
}
