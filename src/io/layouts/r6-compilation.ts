/**
 * L-R6-COMPILATION importer (002, #2, #9): the multi-ministry 重点項目 compilation extracted from PDF.
 *
 * r6-sections.ts turns the text into sections, rows (Ａ with Ｂ), 重点項目 values and heading lines; focus-pairing.ts
 * pairs rows with values by content. This module builds the reports: organisations (printed names and their
 * variants), references (with titles learned from the document), pairings with calibrated confidence, and issues.
 * An error says a row is incomplete; a truncation error needs positive evidence of a cut (the file ends inside a cell
 * or mid-sentence), never the mere absence of an expected part.
 */
import { createRow } from '../../core/model/create-row.js';
import { fiscalYearOf } from '../../core/era/index.js';
import { learnGuidelineTitles, type LearnedTitles, parseGuidelineRefs } from '../../core/guideline/index.js';
import type { FocusItem, ImportIssue, ImportResult, RawCell, Report, Row, SourceRef, Tag } from '../../core/model/schema.js';
import { matchOrganization } from '../../core/model/organization.js';
import { splitEntries } from '../../core/text/index.js';
import { assignFocus, DEFAULT_PAIRING_PARAMS, type FocusPairing, type PairingEvidence, type PairingParams, pairingEvidence } from '../pdf-text/focus-pairing.js';
import { makeIssue } from '../pdf-text/issues.js';
import { joinAll, joinWrapped, type PdfLine } from '../pdf-text/lines.js';
import { foldForMatch } from '../pdf-text/similarity.js';
import type { LayoutImporter, SourceDoc } from '../types.js';
import {
  type Block,
  type DraftRow,
  HEADER,
  isR6HeaderCaption,
  MARKER,
  type PageContinuation,
  parseR6Structure,
  type Section,
  sectionUnits,
  TITLE_2,
} from './r6-sections.js';

export {
  markerName,
  parseR6Structure,
  R6_COVER_HEADING,
  R6_FOCUS_CAPTION,
  R6_HEADER_CAPTIONS,
  R6_HEADER_LINE,
  type R6Structure,
} from './r6-sections.js';

const LAYOUT = 'L-R6-COMPILATION' as const;

/** Below this pairing confidence a reviewer must look at the proposal (the review threshold). */
export const REVIEW_THRESHOLD = 0.6;
/** A pairing that only reuses a value printed for another row is never more certain than this. */
const REUSE_CONFIDENCE = 0.5;
/** A narrative whose last printed line ends otherwise may have been cut. */
const SENTENCE_END = /[。．.）)」』】］]$/;

/** Role of the raw cell that records a 重点項目 value printed on the last line of a row's Ｂ cell (宮内庁 line 352). */
export const GLUED_REFS_FOCUS_ROLE = 'guidelineRefs+focusItem';
/** Role of a lone guideline heading printed among the 重点項目 (kept as printed text of the report). */
export const HEADING_LINE_ROLE = 'headingLine';

/** A section's rows with their proposed 重点項目 (exported for tests and the bench). */
export interface AssembledSection {
  drafts: DraftRow[];
  focusValues: { name: string; block: Block }[];
  headings: Block[];
  orphanB: Block[];
  noRowsReason: string | null;
  /** The printed blocks noRowsReason was read from (one paragraph each). */
  noRowsBlocks: Block[];
  continuations: PageContinuation[];
  /** Each row's Ａ text and Ｂ text as matched. */
  docs: { a: string; b: string }[];
  pairs: FocusPairing[];
  /** For each row the index into focusValues, or -1. */
  assigned: number[];
}

const textOf = (blocks: Block[]): string[] => {
  const out: string[] = [];
  blocks.forEach((b, i) => {
    if (i > 0) out.push('');
    out.push(...b.lines.map((l) => l.text));
  });
  return out;
};
const bTextOf = (blocks: Block[]): string => blocks.flatMap((b) => b.lines.map((l) => l.text)).join('\n');

/**
 * Pairs a section's rows with its printed 重点項目 by content. `reuseValues`: a complete section with fewer values than
 * rows (消費者庁 prints one value for two rows) gives the leftover rows their best-fitting value, at low confidence.
 */
export function assembleSection(section: Section, reuseValues: boolean, params: PairingParams = DEFAULT_PAIRING_PARAMS): AssembledSection {
  const { rows: drafts, values, headings, orphanB, continuations } = sectionUnits(section);
  const focusValues = values.map((f) => ({ name: joinAll(f.lines.map((l) => l.text)), block: f }));
  let noRowsReason: string | null = null;
  const noRowsBlocks: Block[] = [];
  if (drafts.length === 0 && focusValues.length > 0) {
    // こども家庭庁: the only text under 重点項目 says why there are no rows (§6.2 item 9); it is a note, not a 重点項目.
    noRowsReason = noRowsReasonOf(focusValues.map((f) => f.block.lines.map((l) => l.text).join('\n')));
    noRowsBlocks.push(...focusValues.map((f) => f.block));
    focusValues.length = 0;
  }
  const docs = drafts.map((d) => ({ a: textOf(d.a).join(''), b: joinAll(d.b.flatMap((b) => b.lines.map((l) => l.text))) }));
  const evidence = pairingEvidence(docs, focusValues.map((f) => f.name));
  const { pairs, assigned } = pairSection(evidence, reuseValues, params);
  // A row whose Ａ cell the counts reshaped (split from or joined to another) is paired in doubt: below the threshold.
  drafts.forEach((d, i) => {
    const p = pairs[i];
    if (d.reshaped && p && p.confidence >= REVIEW_THRESHOLD) pairs[i] = { ...p, confidence: REUSE_CONFIDENCE };
  });
  return { drafts, focusValues, headings, orphanB, noRowsReason, noRowsBlocks, continuations, docs, pairs, assigned };
}

/**
 * The pairing of one section from its evidence (the bench calls this with the parameters it fits): the assignment,
 * and for a complete section with fewer values than rows the leftover rows' best-fitting value at low confidence.
 */
export function pairSection(evidence: PairingEvidence, reuseValues: boolean, params: PairingParams = DEFAULT_PAIRING_PARAMS): { pairs: FocusPairing[]; assigned: number[] } {
  const pairs = assignFocus(evidence, params);
  const assigned = pairs.map((p) => p.candidate);
  if (reuseValues && evidence.keys.length > 0) {
    pairs.forEach((p, i) => {
      if (p.candidate >= 0) return;
      const fits = evidence.keys.map((_, j) => (evidence.a[i]?.[j] ?? 0) + params.referenceWeight * (evidence.b[i]?.[j] ?? 0));
      const best = fits.indexOf(Math.max(...fits));
      if (best >= 0 && (fits[best] ?? 0) > 0) {
        assigned[i] = best;
        pairs[i] = { candidate: best, score: fits[best] ?? 0, margin: 0, stability: 0, confidence: Math.min(REUSE_CONFIDENCE, Math.round((fits[best] ?? 0) * 100) / 100), conflict: null, departs: false, contradicted: false };
      }
    });
  }
  return { pairs, assigned };
}

/** noRowsReason from the printed paragraphs (wraps inside one paragraph joined, paragraphs on their own lines). */
export function noRowsReasonOf(paragraphs: readonly string[]): string {
  return paragraphs.map((p) => joinAll(p.split('\n'))).join('\n');
}

const focusNumber = (name: string): string | null => /^([0-9０-９]{1,2}[.．])/.exec(name)?.[1] ?? /^(重点項目[0-9０-９]+)/.exec(name)?.[1] ?? null;

function distinctTags(entries: { tag: Tag | null }[]): Tag[] {
  const out: Tag[] = [];
  for (const e of entries) if (e.tag && !out.includes(e.tag)) out.push(e.tag);
  return out;
}

/**
 * Positive evidence that the file was cut inside the last section: it ends inside an Ａ cell mid-sentence, or inside a
 * Ｂ or 重点項目 cell with a bracket left open or a title broken off. Null for a file that ends where a cell may end.
 */
function cutEvidence(section: Section): { line: PdfLine; field: 'narrative' | 'guidelineRefs' | 'focusItem' } | null {
  const last = section.blocks[section.blocks.length - 1];
  const line = last?.lines[last.lines.length - 1];
  if (!last || !line) return null;
  const text = joinAll(last.lines.map((l) => l.text));
  const openBracket = (text.match(/[「（(]/g) ?? []).length > (text.match(/[」）)]/g) ?? []).length;
  if (last.kind === 'A') return SENTENCE_END.test(line.text) ? null : { line, field: 'narrative' };
  if (last.kind === 'B' || last.kind === 'H') return openBracket || /[・、の「（(]$/.test(line.text) ? { line, field: 'guidelineRefs' } : null;
  return openBracket ? { line, field: 'focusItem' } : null;
}

interface BuildContext {
  file: string;
  coverNote: string | null;
  /** The cover's printed lines as one raw cell. */
  cover: RawCell | null;
  implementationYear: number | null;
  isLast: boolean;
  usedKeys: Set<string>;
  index: number;
  learned: LearnedTitles;
  params: PairingParams;
}

function buildReport(section: Section, ctx: BuildContext): Report {
  const { file } = ctx;
  const issues: ImportIssue[] = [];
  const name = section.marker?.name ?? null;
  const match = name ? matchOrganization(name) : undefined;
  const org = match?.organization;
  const anchor = section.headerLine ?? section.firstLine;

  if (!section.marker) {
    issues.push(
      makeIssue('error', 'MARKER_MISSING', file, anchor, '【府省等名：…】の行が見つからないため府省等が不明です。', 'No 【府省等名：…】 marker line: the 府省等 of this section is unknown.', { field: 'organization' }),
    );
  } else if (!org) {
    issues.push(
      makeIssue('warning', 'UNKNOWN_ORGANIZATION', file, section.marker.line, `府省等名「${name ?? ''}」は府省等一覧にありません。名称のまま取り込みました。`, `府省等 name "${name ?? ''}" is not in the catalogue; imported with its printed name and no code.`, { field: 'organization', value: name ?? '' }),
    );
  } else if (match.how !== 'exact') {
    issues.push(
      makeIssue('info', 'ORGANIZATION_VARIANT', file, section.marker.line, `府省等名「${name ?? ''}」を府省等一覧の「${org.name}」として取り込みました。`, `府省等 name "${name ?? ''}" was read as "${org.name}" of the catalogue.`, { field: 'organization', value: name ?? '', proposal: { value: org.name, confidence: match.how === 'variant' ? 1 : 0.9 } }),
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

  // Only positive evidence says the file was cut here; a missing title or caption is a warning about the layout.
  const cut = ctx.isLast ? cutEvidence(section) : null;
  if (cut) {
    issues.push(
      makeIssue(
        'error',
        'SECTION_INCOMPLETE',
        file,
        cut.line.no,
        `文書が区間の途中（${cut.field === 'narrative' ? 'Ａ欄の文' : cut.field === 'guidelineRefs' ? 'Ｂ欄の見出し' : '重点項目'}の途中）で終わっています。この府省等の行は不完全です。`,
        `The document ends inside this section (in the middle of ${cut.field === 'narrative' ? 'an Ａ sentence' : cut.field === 'guidelineRefs' ? 'a Ｂ heading' : 'a 重点項目'}): its rows are incomplete.`,
        { field: 'rows', value: cut.line.text },
      ),
    );
  } else if (section.titleLines.length < 2 || section.captionLine === null) {
    issues.push(
      makeIssue('warning', 'PAGE_TITLE_MISSING', file, section.lastLine, '区間に表題または「重点項目」欄の見出しがありません。', 'The section has no page title or no 重点項目 caption.', { field: 'rows' }),
    );
  }

  const a = assembleSection(section, cut === null, ctx.params);
  const { drafts, focusValues, pairs, assigned } = a;
  const foldedNames = focusValues.map((f) => foldForMatch(f.name));
  for (const b of a.orphanB) {
    const l = b.lines[0]?.no ?? anchor;
    issues.push(
      makeIssue('warning', 'ORPHAN_REFERENCE', file, l, 'どの行にも対応しないＢ欄（該当箇所）があります。', 'A Ｂ (reference) run belongs to no row.', { field: 'guidelineRefs', value: joinAll(b.lines.map((x) => x.text)) }),
    );
  }
  for (const h of a.headings) {
    const text = joinAll(h.lines.map((x) => x.text));
    issues.push(
      makeIssue('info', 'SECTION_HEADING_LINE', file, h.lines[0]?.no ?? anchor, `指針の見出し「${text}」が重点項目の間に単独で印字されています。重点項目ではないものとして扱いました。`, `The guideline heading "${text}" stands alone among the 重点項目; it was not taken as a 重点項目.`, { field: 'focusItem', value: text }),
    );
  }
  const rowKeyOf = (i: number): string => `${LAYOUT}/FOCUS/${String(i + 1)}`;
  for (const c of a.continuations) {
    const joined = `${c.before.text.slice(-12)}${c.after.text.slice(0, 12)}`;
    if (c.joined) {
      issues.push(
        makeIssue(
          'warning',
          'PAGE_CONTINUATION_JOINED',
          file,
          c.after.no,
          `改ページ後の行（${String(c.after.no)}行目）を前のＡ欄（${String(c.before.no)}行目まで）の続きとして一つの行にまとめました（Ａ欄の数がＢ欄・重点項目の数より多く、改ページ前の行にＢ欄がないため）。原本で確認してください。`,
          `The text after the page break (line ${String(c.after.no)}) was joined to the Ａ cell before it (up to line ${String(c.before.no)}): there were more Ａ cells than Ｂ cells and 重点項目, and the cell before the break had no Ｂ. Please check the original.`,
          { field: 'narrative', rowKey: rowKeyOf(c.row), value: c.after.text, proposal: { value: `…${joined}…`, confidence: c.confidence } },
        ),
      );
      continue;
    }
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

  drafts.forEach((d, i) => {
    if (d.reshaped !== 'split') return;
    const first = d.a[0]?.lines[0];
    issues.push(
      makeIssue(
        'warning',
        'ROW_SPLIT',
        file,
        first?.no ?? anchor,
        'Ｂ欄と重点項目の数に合わせ、続けて印字されたＡ欄を二つの行に分けました。分けた位置を原本で確認してください。',
        'Ａ text printed as one run was split into two rows to match the number of Ｂ cells and 重点項目; please check where it was split.',
        { field: 'narrative', rowKey: rowKeyOf(i), value: first?.text ?? '' },
      ),
    );
  });
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
    const bLines = d.b.flatMap((b) => b.lines);
    const bText = bLines.length > 0 ? bTextOf(d.b) : null;
    const c = assigned[i] ?? -1;
    const fv = c >= 0 ? focusValues[c] : undefined;
    const pairing = pairs[i];
    const confidence = pairing?.confidence ?? 0;
    const cells: Row['cells'] = [{ text: aRaw, line: aFirst?.no ?? anchor, col: 1, role: 'narrative' }];
    if (bText !== null) cells.push({ text: bText, line: bLines[0]?.no ?? anchor, col: 2, role: 'guidelineRefs' });
    if (fv) cells.push({ text: fv.block.lines.map((l) => l.text).join('\n'), line: fv.block.lines[0]?.no ?? anchor, col: 0, role: 'focusItem' });
    // Layout fact: a 重点項目 value printed on this Ｂ cell's last line; the printed line as found, where it was found.
    const lastB = d.b[d.b.length - 1];
    const glued = lastB ? focusValues.find((f) => f.block.gluedTo === lastB) : undefined;
    const gluedLine = glued?.block.lines[0];
    if (gluedLine) cells.push({ text: `${lastB?.lines[lastB.lines.length - 1]?.text ?? ''}${gluedLine.text}`, line: gluedLine.no, col: 2, role: GLUED_REFS_FOCUS_ROLE });

    // The Ａ or Ｂ text alone points to another 重点項目: say which, so the reviewer sees the contradiction.
    const rival = pairing?.contradicted && pairing.conflict && pairing.conflict.amount > ctx.params.conflictTolerance ? focusValues[pairing.conflict.candidate] : undefined;
    const printedHere = pairing?.contradicted && pairing.departs && !rival ? focusValues[i] : undefined;
    const contradiction = printedHere
      ? { ja: `ただし、この行の位置に印字された重点項目は「${printedHere.name}」です。`, en: ` The 重点項目 printed at this row's position is "${printedHere.name}".` }
      : rival
      ? pairing?.conflict?.source === 'a'
        ? { ja: `ただし、Ａ欄の内容は重点項目「${rival.name}」を示しています。`, en: ` The Ａ text alone points to 重点項目 "${rival.name}".` }
        : { ja: `ただし、Ｂ欄（該当箇所）は重点項目「${rival.name}」を示しています。`, en: ` The Ｂ reference alone points to 重点項目 "${rival.name}".` }
      : { ja: '', en: '' };
    if (!fv) {
      issues.push(
        makeIssue('error', 'FOCUS_NOT_FOUND', file, aFirst?.no ?? anchor, 'この行の重点項目が見つかりません。', 'No 重点項目 value was found for this row.', { field: 'focusItem', rowKey }),
      );
    } else if (!positional || confidence < REVIEW_THRESHOLD) {
      issues.push(
        makeIssue(
          confidence < REVIEW_THRESHOLD ? 'warning' : 'info',
          'FOCUS_PAIRING',
          file,
          aFirst?.no ?? anchor,
          `重点項目「${fv.name}」をＡ/Ｂ欄の内容から割り当てました（確信度 ${String(confidence)}）。${contradiction.ja}確認してください。`,
          `Assigned 重点項目 "${fv.name}" from the Ａ/Ｂ content (confidence ${String(confidence)}).${contradiction.en} Please confirm.`,
          { field: 'focusItem', rowKey, value: fv.name, proposal: { value: fv.name, confidence } },
        ),
      );
    }
    if (bText === null) {
      issues.push(
        makeIssue(cut ? 'error' : 'warning', 'REFERENCE_MISSING', file, aFirst?.no ?? anchor, 'Ｂ欄（WLB取組指針若しくは各府省取組計画の該当箇所）がありません。', 'The Ｂ cell (guideline or plan reference) is missing.', { field: 'guidelineRefs', rowKey }),
      );
    }
    if (cut?.field === 'narrative' && i === drafts.length - 1) {
      issues.push(
        makeIssue('error', 'NARRATIVE_TRUNCATED', file, aLast?.no ?? anchor, 'Ａ欄が文書の終わりで途切れています。原本で確認してください。', 'The Ａ text is cut off by the end of the document; check the original.', { field: 'narrative', rowKey, value: aLast?.text ?? '' }),
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
      guidelineRefs: bText ? parseGuidelineRefs(bText, { orgName: name, learned: ctx.learned }).map((ref) => ({ ...ref, source: bSource(file, bLines, anchor) })) : [],
      guidelineRefsRaw: bText,
      source: { file, line: aFirst?.no ?? anchor, endLine: Math.max(aLast?.no ?? anchor, bLines[bLines.length - 1]?.no ?? 0) },
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
  for (const b of a.noRowsBlocks) reportCells.push({ text: b.lines.map((l) => l.text).join('\n'), line: b.lines[0]?.no ?? anchor, col: 0, role: 'noRowsReason' });
  for (const h of a.headings) reportCells.push({ text: h.lines.map((l) => l.text).join('\n'), line: h.lines[0]?.no ?? anchor, col: 0, role: HEADING_LINE_ROLE });
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
    noRowsReason: a.noRowsReason,
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

/** Imports a compilation with given pairing parameters (the bench fits them; the importer uses the defaults). */
export function parseR6(doc: SourceDoc, params: PairingParams = DEFAULT_PAIRING_PARAMS): ImportResult {
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
  // Titles printed under guideline paths the catalogue lacks, from every Ｂ block of the document (#9).
  const learned = learnGuidelineTitles(
    structure.sections.flatMap((s) => s.blocks.filter((b) => b.kind === 'B').map((b) => ({ text: b.lines.map((l) => l.text).join('\n'), orgName: s.marker?.name ?? null }))),
  );
  const reports = structure.sections.map((s, index) =>
    buildReport(s, { file: doc.file, coverNote, cover, implementationYear, isLast: index === structure.sections.length - 1, usedKeys, index, learned, params }),
  );
  return { reports, plans: [], issues };
}

export const R6_COMPILATION_IMPORTER: LayoutImporter = {
  id: 'r6-compilation',
  layouts: [LAYOUT],
  detect: (doc) => {
    const head = doc.lines.slice(0, 200).map((l) => l.trim());
    const hasMarker = head.some((l) => MARKER.test(l));
    const hasHeader = head.some((l) => HEADER.test(l)) && head.some((l) => isR6HeaderCaption(l));
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
