/**
 * L-R6-COMPILATION importer (002, #2): the multi-ministry 重点項目 compilation extracted from PDF.
 *
 * The extractor emits the three printed columns (重点項目 | Ａ | Ｂ) as separate text runs, so the importer works in
 * three steps (domain.md §6.2):
 *  1. lines → sections: each header block `Ａ Ｂ` starts a section; the 【府省等名：…】 marker just before it, or
 *     (twice in 002) after the rows, names it; page furniture (titles, captions, page numbers, cover) is dropped;
 *  2. section text → blocks (blank lines and page starts separate them) classified as Ａ narrative, Ｂ reference or
 *     重点項目 value, then Ａ/Ｂ runs paired into rows (Ｂ may come before its Ａ);
 *  3. rows ↔ printed 重点項目 values paired by content (never by position), with a confidence for the reviewer.
 */
import { createRow } from '../../core/model/create-row.js';
import { fiscalYearOf } from '../../core/era/index.js';
import { parseGuidelineRefs } from '../../core/guideline/index.js';
import type { FocusItem, ImportIssue, ImportResult, RawCell, Report, Row, SourceRef, Tag } from '../../core/model/schema.js';
import { findOrganization } from '../../core/model/organization.js';
import { splitEntries } from '../../core/text/index.js';
import { makeIssue } from '../pdf-text/issues.js';
import { displayWidth, isBlank, isPageNumber, joinAll, joinWrapped, type PdfLine, toPdfLines } from '../pdf-text/lines.js';
import { foldForMatch, type Pairing, pairByContent } from '../pdf-text/similarity.js';
import type { LayoutImporter, SourceDoc } from '../types.js';

const LAYOUT = 'L-R6-COMPILATION' as const;

/** Printed furniture of every section (domain.md §1.4). */
export const R6_HEADER_LINE = 'Ａ Ｂ';
export const R6_HEADER_CAPTIONS = [
  '取組時期・内容・成果、取組における改善点・課題、',
  'それらを踏まえた次のアクション',
  'ＷＬＢ取組指針若しくは',
  '各府省取組計画の該当箇所',
] as const;
export const R6_FOCUS_CAPTION = '重点項目';
export const R6_COVER_HEADING = '＜調査票の見方＞';

const MARKER = /^【府省等名[：:]\s*(.*?)\s*】$/;

/** The 府省等 name a printed marker line names (`【府省等名:こども家庭庁】` → こども家庭庁), or null when it is no marker. */
export function markerName(text: string): string | null {
  return MARKER.exec(text.trim())?.[1] ?? null;
}
const HEADER = /^Ａ[ \u3000]*Ｂ$/;
const TITLE_1 = /^国家公務員の.*取組指針に$/;
const TITLE_2 = /^基づく取組計画等のフォローアップ（(.+?年度)）（重点項目）$/;
/** A reference cell starts with a part numeral, a plan part (`第２　`) or the plan annex (`（別添）`). */
const REF_START = /^(?:[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]|第[0-9０-９一二三四五六七八九十]+[ \u3000]|（別添）)/;
/** A chapter number starts a reference only when a section/item marker follows on a later line (else it is a 重点項目 name like `1.庁内業務の効率化`). */
const CHAPTER_START = /^[0-9０-９]{1,2}[.．]/;
const SUB_MARKER = /^(?:[（(][0-9０-９]{1,2}[）)]|[⑴-⒇]|[①-⑳])/;
/** Ａ text starts with an entry tag, a bullet, a sub-block heading or an indent. */
const NARRATIVE_START = /^(?:【[^】]{1,8}】|[・○●※\u3000])/;
/** 重点項目 values wrap at about 22 full-width characters; Ａ text at about 40. */
const FOCUS_MAX_WIDTH = 24;
const FOCUS_MAX_LINES = 4;
/**
 * Bonus (in score units, 0..1) for pairing the i-th row with the i-th printed value. Measured on 002: the true pairing
 * beats positional by ≥ 0.3 per row where the order differs (宮内庁, 公正取引委員会 R3–R7), while two sections whose
 * short Ａ texts share vocabulary (内閣官房 R1/R2, 公正取引委員会 R1/R2) differ from the order by < 0.08.
 */
const ORDER_PRIOR = 0.1;
/** Below this pairing confidence a reviewer must look at the proposal. */
const LOW_CONFIDENCE = 0.6;
/** A narrative whose last printed line ends otherwise may have been cut. */
const SENTENCE_END = /[。．.）)」』】］]$/;
/** Text before a page break that ends so is a finished sentence; a dangling tag (`【継続】`) is not. */
const PAGE_SENTENCE_END = /[。．.）)」』］！？!?]$/;
/** Confidence that an Ａ cell continues across a page when the line before the break ran to the wrap width / did not. */
const CONTINUATION_WRAPPED = 0.8;
const CONTINUATION_SHORT = 0.6;

type BlockKind = 'A' | 'B' | 'F';

interface Block {
  kind: BlockKind;
  lines: PdfLine[];
  pageStart: boolean;
  /** A 重点項目 value the extractor printed on the last line of this Ｂ block (宮内庁 line 352). */
  gluedTo?: Block;
}

/** A page start that began a new Ａ cell although the text before it did not end (domain.md §6.2 item 2). */
interface PageContinuation {
  /** Last printed line before the page break and first after it. */
  before: PdfLine;
  after: PdfLine;
  /** Index of the row the page start opened. */
  row: number;
  confidence: number;
}

interface DraftRow {
  a: Block[];
  b: Block | null;
}

interface Section {
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

const isHeaderCaption = (t: string): boolean => (R6_HEADER_CAPTIONS as readonly string[]).includes(t);

function classifyBlock(lines: PdfLine[]): BlockKind {
  const texts = lines.map((l) => l.text);
  const first = texts[0] ?? '';
  if (REF_START.test(first)) return 'B';
  if (CHAPTER_START.test(first) && texts.slice(1).some((t) => SUB_MARKER.test(t))) return 'B';
  if (NARRATIVE_START.test(first)) return 'A';
  if (texts.length > FOCUS_MAX_LINES || texts.some((t) => displayWidth(t) > FOCUS_MAX_WIDTH)) return 'A';
  return 'F';
}

/** Splits the document into cover, sections and their classified blocks. */
export function parseR6Structure(doc: SourceDoc): R6Structure {
  const lines = toPdfLines(doc.lines);
  const coverLines: PdfLine[] = [];
  const stray: PdfLine[] = [];
  const sections: Section[] = [];
  let current: Section | null = null;
  let pendingMarker: { name: string; line: number; text: string } | null = null;
  let inCover = false;
  let coverSeen = false;
  let block: PdfLine[] = [];

  const flush = (): void => {
    if (block.length === 0) return;
    const first = block[0];
    if (current && first) current.blocks.push({ kind: classifyBlock(block), lines: block, pageStart: first.pageStart });
    else stray.push(...block);
    block = [];
  };
  const nextContent = (from: number): PdfLine | undefined => {
    for (let k = from; k < lines.length; k++) {
      const l = lines[k];
      if (l && !isBlank(l.text) && !isPageNumber(l.text)) return l;
    }
    return undefined;
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
    if (current) current.lastLine = line.no;
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
      if (pendingMarker) current.marker = { ...pendingMarker, afterRows: false };
      pendingMarker = null;
      sections.push(current);
      continue;
    }
    if (inCover) {
      if (!coverSeen) coverLines.push(line);
      continue;
    }
    if (isHeaderCaption(t) || isPageNumber(t)) {
      flush();
      continue;
    }
    if (TITLE_1.test(t) || TITLE_2.test(t)) {
      flush();
      if (current) {
        current.titleLines.push(line);
        const label = TITLE_2.exec(t)?.[1];
        if (label) current.cycleLabel = label;
      }
      continue;
    }
    if (t === R6_FOCUS_CAPTION) {
      flush();
      if (current) current.captionLine = line.no;
      continue;
    }
    if (line.pageStart) flush();
    block.push(line);
  }
  flush();
  for (const s of sections) splitGluedFocus(s);
  return { coverLines, sections, stray };
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
        out.push(bBlock, { kind: 'F', lines: [fLine], pageStart: false, gluedTo: bBlock });
        continue;
      }
    }
    out.push(b);
  }
  section.blocks = out;
}

/**
 * Pairs Ａ runs with Ｂ runs: consecutive Ａ blocks form one cell unless a page starts (a new page always starts a
 * new row in 002); a Ｂ attaches to the row before it unless that row already has one, in which case it waits for the
 * next Ａ (公正取引委員会 379–391, 金融庁 720–728 print Ｂ before Ａ).
 */
function draftRows(section: Section): { rows: DraftRow[]; focus: Block[]; orphanB: Block[]; continuations: PageContinuation[] } {
  const rows: DraftRow[] = [];
  const focus: Block[] = [];
  const orphanB: Block[] = [];
  const continuations: PageContinuation[] = [];
  let pendingB: Block | null = null;
  let curA: Block[] | null = null;
  let lastWasA = false;
  const closeA = (): void => {
    if (!curA) return;
    rows.push({ a: curA, b: pendingB });
    pendingB = null;
    curA = null;
  };
  for (const b of section.blocks) {
    if (b.kind === 'A') {
      if (curA && lastWasA && !b.pageStart) curA.push(b);
      else {
        if (curA && lastWasA) {
          const c = pageContinuation(curA, b, rows.length + 1);
          if (c) continuations.push(c);
        }
        closeA();
        curA = [b];
      }
      lastWasA = true;
      continue;
    }
    lastWasA = false;
    closeA();
    if (b.kind === 'F') {
      focus.push(b);
      continue;
    }
    const last = rows[rows.length - 1];
    if (last && !last.b && !pendingB) last.b = b;
    else {
      if (pendingB) orphanB.push(pendingB);
      pendingB = b;
    }
  }
  closeA();
  if (pendingB) orphanB.push(pendingB);
  return { rows, focus, orphanB, continuations };
}

/**
 * The importer starts a new Ａ cell at every page start (true throughout 002). When the text before the break does
 * not end a sentence and the text after it starts with no tag or bullet, the cell may instead run on across the page.
 */
function pageContinuation(cell: Block[], next: Block, row: number): PageContinuation | null {
  const lines = cell.flatMap((b) => b.lines);
  const before = lines[lines.length - 1];
  const after = next.lines[0];
  if (!before || !after || PAGE_SENTENCE_END.test(before.text) || NARRATIVE_START.test(after.text)) return null;
  // A line that ran to the cell's wrap width was cut by the wrap, not by the end of a paragraph.
  const widest = Math.max(...lines.map((l) => displayWidth(l.text)));
  const wrapped = displayWidth(before.text) >= widest - 2;
  return { before, after, row, confidence: wrapped ? CONTINUATION_WRAPPED : CONTINUATION_SHORT };
}

/** A section's rows with their proposed 重点項目 (exported for tests). */
export interface AssembledSection {
  drafts: DraftRow[];
  focusValues: { name: string; block: Block }[];
  orphanB: Block[];
  noRowsReason: string | null;
  /** The printed blocks noRowsReason was read from (one paragraph each). */
  noRowsBlocks: Block[];
  continuations: PageContinuation[];
  /** Text each row is matched on: Ａ then Ｂ. */
  docs: string[];
  pairs: Pairing[];
  /** For each row the index into focusValues, or -1. */
  assigned: number[];
}

/** Pairs a section's Ａ/Ｂ runs into rows and proposes each row's 重点項目 by content. */
export function assembleSection(section: Section, reuseValues: boolean): AssembledSection {
  const { rows: drafts, focus, orphanB, continuations } = draftRows(section);
  const focusValues = focus.map((f) => ({ name: joinAll(f.lines.map((l) => l.text)), block: f }));
  let noRowsReason: string | null = null;
  const noRowsBlocks: Block[] = [];
  if (drafts.length === 0 && focusValues.length > 0) {
    // こども家庭庁: the only text under 重点項目 says why there are no rows (§6.2 item 9); it is a note, not a 重点項目.
    noRowsReason = noRowsReasonOf(focusValues.map((f) => f.block.lines.map((l) => l.text).join('\n')));
    noRowsBlocks.push(...focusValues.map((f) => f.block));
    focusValues.length = 0;
  }
  const docs = drafts.map((d) => `${textOf(d.a).join('')}\n${d.b ? joinAll(d.b.lines.map((l) => l.text)) : ''}`);
  const foldedNames = focusValues.map((f) => foldForMatch(f.name));
  const pairs = pairByContent(docs, focusValues.map((f) => f.name), foldedNames, { orderPrior: ORDER_PRIOR });
  // Rows left over when fewer values are printed than rows: reuse the best-fitting value, but only where the caller
  // knows the section is complete (in a cut one the missing values are simply not in the file).
  const assigned = pairs.map((p) => p.candidate);
  if (reuseValues && focusValues.length > 0) {
    assigned.forEach((c, i) => {
      if (c >= 0) return;
      const fits = focusValues.map((f) => pairByContent([docs[i] ?? ''], [f.name])[0]?.score ?? 0);
      const best = fits.indexOf(Math.max(...fits));
      if (best >= 0 && (fits[best] ?? 0) > 0) {
        assigned[i] = best;
        pairs[i] = { candidate: best, score: fits[best] ?? 0, confidence: Math.min(0.5, fits[best] ?? 0) };
      }
    });
  }
  return { drafts, focusValues, orphanB, noRowsReason, noRowsBlocks, continuations, docs, pairs, assigned };
}

/** noRowsReason from the printed paragraphs (wraps inside one paragraph joined, paragraphs on their own lines). */
export function noRowsReasonOf(paragraphs: readonly string[]): string {
  return paragraphs.map((p) => joinAll(p.split('\n'))).join('\n');
}

const textOf = (blocks: Block[]): string[] => {
  const out: string[] = [];
  blocks.forEach((b, i) => {
    if (i > 0) out.push('');
    out.push(...b.lines.map((l) => l.text));
  });
  return out;
};

const focusNumber = (name: string): string | null => /^([0-9０-９]{1,2}[.．])/.exec(name)?.[1] ?? null;

function distinctTags(entries: { tag: Tag | null }[]): Tag[] {
  const out: Tag[] = [];
  for (const e of entries) if (e.tag && !out.includes(e.tag)) out.push(e.tag);
  return out;
}

/** Role of the raw cell that records a 重点項目 value printed on the last line of a row's Ｂ cell (宮内庁 line 352). */
export const GLUED_REFS_FOCUS_ROLE = 'guidelineRefs+focusItem';

interface BuildContext {
  file: string;
  coverNote: string | null;
  /** The cover's printed lines as one raw cell. */
  cover: RawCell | null;
  implementationYear: number | null;
  isLast: boolean;
  usedKeys: Set<string>;
  index: number;
}

function buildReport(section: Section, ctx: BuildContext): Report {
  const { file } = ctx;
  const issues: ImportIssue[] = [];
  const name = section.marker?.name ?? null;
  const org = name ? findOrganization(name) : undefined;
  const anchor = section.headerLine ?? section.firstLine;

  if (!section.marker) {
    issues.push(
      makeIssue('error', 'MARKER_MISSING', file, anchor, '【府省等名：…】の行が見つからないため府省等が不明です。', 'No 【府省等名：…】 marker line: the 府省等 of this section is unknown.', { field: 'organization' }),
    );
  } else if (!org) {
    issues.push(
      makeIssue('warning', 'UNKNOWN_ORGANIZATION', file, section.marker.line, `府省等名「${name ?? ''}」は府省等一覧にありません。名称のまま取り込みました。`, `府省等 name "${name ?? ''}" is not in the catalogue; imported with its printed name and no code.`, { field: 'organization', value: name ?? '' }),
    );
  }
  if (section.marker?.afterRows) {
    issues.push(
      makeIssue('info', 'MARKER_AFTER_ROWS', file, section.marker.line, '府省等名が行の後に印字されています。直前の見出し（Ａ Ｂ）からの区間に割り当てました。', 'The 府省等 marker is printed after the rows; assigned to the section that starts at the preceding Ａ Ｂ header.', { field: 'organization', value: name ?? '' }),
    );
  }
  for (const m of section.extraMarkers) {
    issues.push(
      makeIssue('warning', 'EXTRA_MARKER', file, m.line, `一つの区間に二つ目の府省等名「${m.name}」があります。無視しました。`, `A second 府省等 marker "${m.name}" in one section; ignored.`, { field: 'organization', value: m.name }),
    );
  }

  const cycleLabel = section.cycleLabel;
  const fiscalYear = cycleLabel ? fiscalYearOf(cycleLabel) : null;
  // Report identity is (府省等, cycle, layout); a 府省等 printed twice (a concatenated file) gets a numbered key.
  const baseKey = `${LAYOUT}/${fiscalYear ?? 'unknown'}/${org?.code ?? name ?? `section-${String(ctx.index + 1)}`}`;
  let key = baseKey;
  for (let n = 2; ctx.usedKeys.has(key); n++) key = `${baseKey}~${String(n)}`;
  ctx.usedKeys.add(key);
  const furnitureOk = section.titleLines.length >= 2 && section.captionLine !== null;
  const draftsOnly = draftRows(section).rows;
  const lastBlock = section.blocks[section.blocks.length - 1];
  const lastText = lastBlock?.lines[lastBlock.lines.length - 1]?.text ?? '';
  // The last section of a file may be cut: a row without its Ｂ, or a file ending inside Ａ text mid-sentence.
  const cut = ctx.isLast && (draftsOnly.some((d) => !d.b) || (lastBlock?.kind === 'A' && !SENTENCE_END.test(lastText)));
  const complete = furnitureOk && !cut;
  if (!complete) {
    issues.push(
      makeIssue(
        ctx.isLast ? 'error' : 'warning',
        'SECTION_INCOMPLETE',
        file,
        section.lastLine,
        ctx.isLast
          ? '文書が区間の途中で終わっています（表題・「重点項目」欄またはＢ欄がありません）。この府省等の行は不完全な可能性があります。'
          : '区間に表題または「重点項目」欄がありません。',
        ctx.isLast
          ? 'The document ends inside this section (page title, 重点項目 caption or a Ｂ cell missing): its rows may be incomplete.'
          : 'The section has no page title or 重点項目 caption.',
        { field: 'rows' },
      ),
    );
  }

  const { drafts, focusValues, orphanB, noRowsReason, noRowsBlocks, continuations, pairs, assigned } = assembleSection(section, complete && !ctx.isLast);
  const foldedNames = focusValues.map((f) => foldForMatch(f.name));
  for (const b of orphanB) {
    const l = b.lines[0]?.no ?? anchor;
    issues.push(
      makeIssue('warning', 'ORPHAN_REFERENCE', file, l, 'どの行にも対応しないＢ欄（該当箇所）があります。', 'A Ｂ (reference) run belongs to no row.', { field: 'guidelineRefs', value: joinAll(b.lines.map((x) => x.text)) }),
    );
  }
  const rowKeyOf = (i: number): string => `${LAYOUT}/FOCUS/${String(i + 1)}`;
  for (const c of continuations) {
    const joined = `${c.before.text.slice(-12)}${c.after.text.slice(0, 12)}`;
    issues.push(
      makeIssue(
        'warning',
        'POSSIBLE_PAGE_CONTINUATION',
        file,
        c.after.no,
        `改ページ前のＡ欄「…${c.before.text.slice(-12)}」（${String(c.before.no)}行目）が文の途中で終わり、改ページ後の行が見出し・記号で始まっていません。新しい行として取り込みましたが、前の行のＡ欄の続き（「…${joined}…」）の可能性があります。`,
        `The Ａ text before the page break ("…${c.before.text.slice(-12)}", line ${String(c.before.no)}) does not end a sentence and the next page starts with no tag or bullet; imported as a new row, but it may continue the previous row's Ａ cell ("…${joined}…").`,
        { field: 'narrative', rowKey: rowKeyOf(c.row), value: c.after.text, proposal: { value: `${rowKeyOf(c.row - 1)} ← ${rowKeyOf(c.row)}: …${joined}…`, confidence: c.confidence } },
      ),
    );
  }

  const positional = assigned.every((c, i) => c === i || c < 0);
  const rows: Row[] = drafts.map((d, i) => {
    const rowKey = rowKeyOf(i);
    const aLines = textOf(d.a);
    const aFirst = d.a[0]?.lines[0];
    const aLastBlock = d.a[d.a.length - 1];
    const aLast = aLastBlock?.lines[aLastBlock.lines.length - 1];
    const narrative = joinWrapped(aLines);
    // One string for the raw cell and narrativeRaw (they are the same printed text; memory for large files, #8).
    const aRaw = aLines.join('\n');
    const entries = splitEntries(narrative);
    const bText = d.b ? d.b.lines.map((l) => l.text).join('\n') : null;
    const c = assigned[i] ?? -1;
    const fv = c >= 0 ? focusValues[c] : undefined;
    const pairing = pairs[i];
    const cells: Row['cells'] = [{ text: aRaw, line: aFirst?.no ?? anchor, col: 1, role: 'narrative' }];
    if (d.b) cells.push({ text: bText ?? '', line: d.b.lines[0]?.no ?? anchor, col: 2, role: 'guidelineRefs' });
    if (fv) cells.push({ text: fv.block.lines.map((l) => l.text).join('\n'), line: fv.block.lines[0]?.no ?? anchor, col: 0, role: 'focusItem' });
    // Layout fact: a 重点項目 value printed on this Ｂ cell's last line; the printed line as found, where it was found.
    const glued = d.b ? focusValues.find((f) => f.block.gluedTo === d.b) : undefined;
    const gluedLine = glued?.block.lines[0];
    if (gluedLine) cells.push({ text: `${d.b?.lines[d.b.lines.length - 1]?.text ?? ''}${gluedLine.text}`, line: gluedLine.no, col: 2, role: GLUED_REFS_FOCUS_ROLE });

    if (!fv) {
      issues.push(
        makeIssue('error', 'FOCUS_NOT_FOUND', file, aFirst?.no ?? anchor, 'この行の重点項目が見つかりません。', 'No 重点項目 value was found for this row.', { field: 'focusItem', rowKey }),
      );
    } else if (!positional || (pairing?.confidence ?? 0) < LOW_CONFIDENCE) {
      issues.push(
        makeIssue(
          (pairing?.confidence ?? 0) < LOW_CONFIDENCE ? 'warning' : 'info',
          'FOCUS_PAIRING',
          file,
          aFirst?.no ?? anchor,
          `重点項目「${fv.name}」をＡ/Ｂ欄の内容から割り当てました（確信度 ${String(pairing?.confidence ?? 0)}）。確認してください。`,
          `Assigned 重点項目 "${fv.name}" from the Ａ/Ｂ content (confidence ${String(pairing?.confidence ?? 0)}); please confirm.`,
          { field: 'focusItem', rowKey, value: fv.name, proposal: { value: fv.name, confidence: pairing?.confidence ?? 0 } },
        ),
      );
    }
    if (!d.b) {
      issues.push(
        makeIssue(ctx.isLast && !complete ? 'error' : 'warning', 'REFERENCE_MISSING', file, aFirst?.no ?? anchor, 'Ｂ欄（WLB取組指針若しくは各府省取組計画の該当箇所）がありません。', 'The Ｂ cell (guideline or plan reference) is missing.', { field: 'guidelineRefs', rowKey }),
      );
    }
    const isFinalRow = i === drafts.length - 1;
    if (ctx.isLast && !complete && isFinalRow && (!d.b || !SENTENCE_END.test(aLast?.text ?? ''))) {
      issues.push(
        makeIssue('error', 'NARRATIVE_TRUNCATED', file, aLast?.no ?? anchor, 'Ａ欄が文書の終わりで途切れている可能性があります。原本で確認してください。', 'The Ａ text may be cut off by the end of the document; check the original.', { field: 'narrative', rowKey, value: aLast?.text ?? '' }),
      );
    }

    return createRow({
      key: rowKey,
      kind: 'focus',
      sortOrder: i,
      level: 0,
      title: fv?.name ?? '',
      focusItem: fv?.name ?? null,
      narrative,
      narrativeRaw: aRaw,
      tags: distinctTags(entries),
      entries,
      // Lossless: each reference points at the Ｂ cell's printed lines (page breaks can sit between them).
      guidelineRefs: bText ? parseGuidelineRefs(bText, { orgName: name }).map((ref) => ({ ...ref, source: bSource(file, d.b?.lines ?? [], anchor) })) : [],
      guidelineRefsRaw: bText,
      source: { file, line: aFirst?.no ?? anchor, endLine: Math.max(aLast?.no ?? anchor, d.b?.lines[d.b.lines.length - 1]?.no ?? 0) },
      cells,
    });
  });

  if (!positional) {
    const proposal = rows.map((r, i) => `R${String(i + 1)}→${r.focusItem ?? '?'}`).join('; ');
    const confidence = Math.min(1, ...pairs.map((p) => p.confidence));
    issues.push(
      makeIssue('warning', 'FOCUS_ORDER_MISMATCH', file, section.captionLine ?? anchor, '重点項目の印字順が行の順と異なります。内容から対応付けを提案します。', 'The printed order of 重点項目 differs from the row order; a pairing by content is proposed.', { field: 'focusItem', proposal: { value: proposal, confidence } }),
    );
  }
  focusValues.forEach((f, j) => {
    if (!assigned.includes(j)) {
      issues.push(
        makeIssue('warning', 'FOCUS_UNUSED', file, f.block.lines[0]?.no ?? anchor, `重点項目「${f.name}」に対応する行がありません。`, `重点項目 "${f.name}" has no row.`, { field: 'focusItem', value: f.name }),
      );
    }
  });

  const focusItems: FocusItem[] = [];
  focusValues.forEach((f, j) => {
    if (focusItems.some((x) => foldForMatch(x.name) === foldedNames[j])) return;
    focusItems.push({ name: f.name, number: focusNumber(f.name), printedOrder: j });
  });

  const titleRaw = section.titleLines.map((l) => l.text);
  // Report-level printed text, verbatim with its line breaks and position (lossless rule, schema Report.cells).
  const reportCells: RawCell[] = [];
  if (ctx.cover) reportCells.push(ctx.cover);
  if (section.marker) reportCells.push({ text: section.marker.text, line: section.marker.line, col: 0, role: 'marker' });
  for (const b of noRowsBlocks) reportCells.push({ text: b.lines.map((l) => l.text).join('\n'), line: b.lines[0]?.no ?? anchor, col: 0, role: 'noRowsReason' });
  return {
    key,
    organization: name,
    organizationCode: org?.code ?? null,
    organizationSource: name ? 'printed' : 'unknown',
    fiscalYear,
    cycleLabel,
    implementationYear: ctx.implementationYear,
    layout: LAYOUT,
    title: joinAll(titleRaw),
    titleRaw,
    coverNote: ctx.coverNote,
    noRowsReason,
    focusItems,
    rows,
    issues,
    reviewState: 'unreviewed',
    source: { file, line: section.marker && !section.marker.afterRows ? section.marker.line : anchor, endLine: section.lastLine },
    cells: reportCells,
  };
}

/** Joins the cover's printed lines: the heading, then each ※ note with its PDF wraps joined. */
export function coverNoteOf(lines: readonly string[]): string | null {
  if (lines.length === 0) return null;
  const notes: string[][] = [];
  for (const l of lines) {
    if (l.startsWith('※') || notes.length === 0) notes.push([l]);
    else notes[notes.length - 1]?.push(l);
  }
  return notes.map((n) => joinAll(n)).join('\n');
}

function parseR6(doc: SourceDoc): ImportResult {
  const structure = parseR6Structure(doc);
  const issues: ImportIssue[] = [];
  const coverNote = coverNoteOf(structure.coverLines.map((l) => l.text));
  const firstCover = structure.coverLines[0];
  const cover: RawCell | null = firstCover ? { text: structure.coverLines.map((l) => l.text).join('\n'), line: firstCover.no, col: 0, role: 'coverNote' } : null;
  const implLabel = coverNote ? /([令平][和成][0-9０-９元]+年度)の実施状況/.exec(coverNote)?.[1] : undefined;
  const implementationYear = implLabel ? fiscalYearOf(implLabel) : null;
  if (structure.stray.length > 0) {
    const first = structure.stray[0];
    issues.push(
      makeIssue('warning', 'STRAY_FRAGMENT', doc.file, first?.no ?? 1, '最初の府省等の前に、どの区間にも属さない文があります。取り込みませんでした。', 'Text before the first 府省等 section belongs to no section; not imported.', { field: 'cells', value: first?.text ?? '' }),
    );
  }
  if (structure.sections.length === 0) {
    issues.push(makeIssue('error', 'NO_SECTIONS', doc.file, 1, '府省等の区間（Ａ Ｂ の見出し）が見つかりません。', 'No 府省等 section (Ａ Ｂ header) was found.', { field: 'reports' }));
  }
  const usedKeys = new Set<string>();
  const reports = structure.sections.map((s, index) =>
    buildReport(s, { file: doc.file, coverNote, cover, implementationYear, isLast: index === structure.sections.length - 1, usedKeys, index }),
  );
  return { reports, plans: [], issues };
}

export const R6_COMPILATION_IMPORTER: LayoutImporter = {
  id: 'r6-compilation',
  layouts: [LAYOUT],
  detect: (doc) => {
    const head = doc.lines.slice(0, 200).map((l) => l.trim());
    const hasMarker = head.some((l) => MARKER.test(l));
    const hasHeader = head.some((l) => HEADER.test(l)) && head.some((l) => isHeaderCaption(l));
    const hasTitle = head.some((l) => TITLE_2.test(l));
    return (hasMarker ? 0.4 : 0) + (hasHeader ? 0.35 : 0) + (hasTitle ? 0.2 : 0);
  },
  parse: (doc) => parseR6(doc),
};

/** Position of a Ｂ cell: its first and last printed line, column 2 as in the rendered table. */
function bSource(file: string, lines: readonly { no: number }[], anchor: number): SourceRef {
  const first = lines[0]?.no ?? anchor;
  const last = lines[lines.length - 1]?.no ?? first;
  return last > first ? { file, line: first, col: 2, endLine: last } : { file, line: first, col: 2 };
}
