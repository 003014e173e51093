/**
 * L-R6-COMPILATION renderer (002, #2), generated from the model:
 * - 'tsv': the compilation's plain-text layout — per 府省等 the marker line, the header block, each row's Ａ and Ｂ with
 *   their printed line wraps (narrativeRaw, guidelineRefsRaw), the page title, the 重点項目 caption and list;
 * - 'html': one accessible table per 府省等 (重点項目 | Ａ | Ｂ) with a caption and header scopes.
 *
 * Printed forms kept in the model (Report.cells, Row.cells) are used only while they still derive the normalised value
 * (coverNote, organization, noRowsReason, focusItem); once a value is edited the rendering is built from the value.
 */
import type { RawCell, Report, Row } from '../../core/model/schema.js';
import { joinAll } from '../pdf-text/lines.js';
import {
  coverNoteOf,
  GLUED_REFS_FOCUS_ROLE,
  HEADING_LINE_ROLE,
  markerName,
  noRowsReasonOf,
  R6_COVER_HEADING,
  R6_FOCUS_CAPTION,
  R6_HEADER_CAPTIONS,
  R6_HEADER_LINE,
} from '../layouts/r6-compilation.js';
import { reconcileReports } from '../tsv/render.js';
import type { LayoutRenderer, RenderFormat } from '../types.js';

const DEFAULT_TITLE = ['国家公務員の女性活躍とワークライフバランス推進のための取組指針に', '基づく取組計画等のフォローアップ（令和６年度）（重点項目）'];

/** The printed lines of a row's 重点項目 cell while they still spell the name, else the name on one line. */
function focusLines(rows: Row[], name: string): string[] {
  const cell = rows.find((r) => r.focusItem === name)?.cells.find((c) => c.role === 'focusItem');
  const printed = cell?.text.split('\n');
  return printed && joinAll(printed) === name ? printed : [name];
}

/**
 * 重点項目 values the source printed on the last line of a Ｂ cell (宮内庁 line 352): Ｂ row key → the name to append.
 * The raw cell only records where it was printed; the name comes from the owning row's focusItem.
 */
function gluedFocus(report: Report): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of report.rows) {
    const fact = row.cells.find((c) => c.role === GLUED_REFS_FOCUS_ROLE);
    if (!fact || !row.guidelineRefsRaw) continue;
    const owner = report.rows.find((o) => o.focusItem && o.cells.some((c) => c.role === 'focusItem' && c.line === fact.line));
    if (owner?.focusItem) out.set(row.key, owner.focusItem);
  }
  return out;
}

/**
 * The 重点項目 list in printed order; a name shared by several rows is printed once per row, as the table prints it.
 * `printedElsewhere` counts names already printed glued to a Ｂ cell.
 */
function focusList(report: Report, printedElsewhere: Map<string, number>): string[][] {
  const ordered = [...report.focusItems].sort((a, b) => (a.printedOrder ?? Infinity) - (b.printedOrder ?? Infinity));
  const out: string[][] = [];
  for (const f of ordered) {
    const times = Math.max(1, report.rows.filter((r) => r.focusItem === f.name).length) - (printedElsewhere.get(f.name) ?? 0);
    for (let i = 0; i < times; i++) out.push(focusLines(report.rows, f.name));
  }
  return out;
}

const cellsOf = (report: Report, role: string): RawCell[] => (report.cells ?? []).filter((c) => c.role === role);

/** The cover: its printed lines while they still give coverNote, else one line per note. */
function coverLines(report: Report, cover: string): string[] {
  const printed = cellsOf(report, 'coverNote')[0]?.text.split('\n');
  const lines = printed && coverNoteOf(printed) === cover ? printed : cover.split('\n');
  return lines[0] === R6_COVER_HEADING ? lines : [R6_COVER_HEADING, ...lines];
}

/** The marker line as printed (`【府省等名:こども家庭庁】`) while it names the report's 府省等, else in the usual form. */
function markerLine(report: Report, organization: string): string {
  const printed = cellsOf(report, 'marker')[0]?.text;
  return printed !== undefined && markerName(printed) === organization ? printed : `【府省等名：${organization}】`;
}

/** The no-rows reason as printed (paragraphs with their wraps) while it still gives noRowsReason. */
function noRowsLines(report: Report, reason: string): string[][] {
  const printed = cellsOf(report, 'noRowsReason').map((c) => c.text);
  return printed.length > 0 && noRowsReasonOf(printed) === reason ? printed.map((p) => p.split('\n')) : [reason.split('\n')];
}

/** A row's Ｂ lines; a 重点項目 printed on the cell's last line is appended there. */
function refLines(row: Row, glued: string | undefined): string[] {
  const refs = row.guidelineRefsRaw ?? row.guidelineRefs.map((g) => g.raw).join('\n');
  if (!refs) return [];
  const lines = refs.split('\n');
  if (glued !== undefined) lines[lines.length - 1] = `${lines[lines.length - 1] ?? ''}${glued}`;
  return lines;
}

function renderText(reports: Report[]): string {
  const out: string[] = [];
  const coverReport = reports.find((r) => r.coverNote);
  if (coverReport?.coverNote) for (const n of coverLines(coverReport, coverReport.coverNote)) out.push(n, '');
  for (const r of reports) {
    if (r.organization) out.push(markerLine(r, r.organization), '');
    out.push(R6_HEADER_LINE, '', R6_HEADER_CAPTIONS[0], R6_HEADER_CAPTIONS[1], '', R6_HEADER_CAPTIONS[2], R6_HEADER_CAPTIONS[3], '');
    const glued = gluedFocus(r);
    const printedElsewhere = new Map<string, number>();
    for (const row of r.rows) {
      out.push(...(row.narrativeRaw ?? row.narrative ?? '').split('\n'), '');
      const name = glued.get(row.key);
      const refs = refLines(row, name);
      if (refs.length > 0) out.push(...refs, '');
      if (name !== undefined && refs.length > 0) printedElsewhere.set(name, (printedElsewhere.get(name) ?? 0) + 1);
    }
    out.push(...(r.titleRaw.length > 0 ? r.titleRaw : DEFAULT_TITLE), '', R6_FOCUS_CAPTION, '');
    for (const lines of focusList(r, printedElsewhere)) out.push(...lines, '');
    // A guideline heading printed among the 重点項目 (not one of them) is kept and printed after them.
    for (const h of cellsOf(r, HEADING_LINE_ROLE)) out.push(...h.text.split('\n'), '');
    if (r.noRowsReason) for (const p of noRowsLines(r, r.noRowsReason)) out.push(...p, '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const multiline = (s: string | null): string => escapeHtml(s ?? '').replace(/\n/g, '<br>');

function renderHtml(reports: Report[]): string {
  const parts: string[] = ['<div lang="ja" class="r6-compilation">'];
  reports.forEach((r, i) => {
    const headingId = `r6-org-${String(i + 1)}`;
    parts.push(`<section aria-labelledby="${headingId}">`);
    parts.push(`<h2 id="${headingId}">府省等名：${escapeHtml(r.organization ?? '（不明）')}</h2>`);
    if (r.rows.length === 0) {
      parts.push(`<p>${multiline(r.noRowsReason ?? '記載なし')}</p>`, '</section>');
      return;
    }
    parts.push('<table>');
    parts.push(`<caption>${escapeHtml(r.title || DEFAULT_TITLE.join(''))}</caption>`);
    parts.push(
      '<thead><tr><th scope="col">重点項目</th>' +
        `<th scope="col">Ａ ${escapeHtml(R6_HEADER_CAPTIONS[0] + R6_HEADER_CAPTIONS[1])}</th>` +
        `<th scope="col">Ｂ ${escapeHtml(R6_HEADER_CAPTIONS[2] + R6_HEADER_CAPTIONS[3])}</th></tr></thead>`,
    );
    parts.push('<tbody>');
    for (const row of r.rows) {
      // One line per resolved reference (金融庁 R4 cites ③ and ⑤); the raw cell joined when nothing was parsed.
      const refs = row.guidelineRefs.length > 0 ? row.guidelineRefs.map((g) => g.raw).join('\n') : (row.guidelineRefsRaw ?? '').replace(/\n/g, '');
      parts.push(`<tr><th scope="row">${escapeHtml(row.focusItem ?? '')}</th><td>${multiline(row.narrative)}</td><td>${multiline(refs)}</td></tr>`);
    }
    parts.push('</tbody></table></section>');
  });
  parts.push('</div>');
  return `${parts.join('\n')}\n`;
}

/** Renders the reports of one compilation as plain text ('tsv') or HTML. */
export function renderR6Compilation(reports: Report[], format: RenderFormat): string {
  const current = reconcileReports(reports);
  return format === 'html' ? renderHtml(current) : renderText(current);
}

export const R6_COMPILATION_RENDERER: LayoutRenderer = {
  layouts: ['L-R6-COMPILATION'],
  render: renderR6Compilation,
};
