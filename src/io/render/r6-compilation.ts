/**
 * L-R6-COMPILATION renderer (002, #2), generated from the model:
 * - 'tsv': the compilation's plain-text layout — per 府省等 the marker line, the header block, each row's Ａ and Ｂ with
 *   their printed line wraps (narrativeRaw, guidelineRefsRaw), the page title, the 重点項目 caption and list;
 * - 'html': one accessible table per 府省等 (重点項目 | Ａ | Ｂ) with a caption and header scopes.
 */
import type { Report, Row } from '../../core/model/schema.js';
import { R6_COVER_HEADING, R6_FOCUS_CAPTION, R6_HEADER_CAPTIONS, R6_HEADER_LINE } from '../layouts/r6-compilation.js';
import type { LayoutRenderer, RenderFormat } from '../types.js';

const DEFAULT_TITLE = ['国家公務員の女性活躍とワークライフバランス推進のための取組指針に', '基づく取組計画等のフォローアップ（令和６年度）（重点項目）'];

/** The printed lines of a row's 重点項目 cell, or the name on one line when the row kept no raw cell. */
function focusLines(rows: Row[], name: string): string[] {
  const cell = rows.find((r) => r.focusItem === name)?.cells.find((c) => c.role === 'focusItem');
  return cell ? cell.text.split('\n') : [name];
}

/** The 重点項目 list in printed order; a name shared by several rows is printed once per row, as the table prints it. */
function focusList(report: Report): string[][] {
  const ordered = [...report.focusItems].sort((a, b) => (a.printedOrder ?? Infinity) - (b.printedOrder ?? Infinity));
  const out: string[][] = [];
  for (const f of ordered) {
    const times = Math.max(1, report.rows.filter((r) => r.focusItem === f.name).length);
    for (let i = 0; i < times; i++) out.push(focusLines(report.rows, f.name));
  }
  return out;
}

function renderText(reports: Report[]): string {
  const out: string[] = [];
  const cover = reports.find((r) => r.coverNote)?.coverNote;
  if (cover) {
    const notes = cover.split('\n');
    if (notes[0] !== R6_COVER_HEADING) out.push(R6_COVER_HEADING, '');
    for (const n of notes) out.push(n, '');
  }
  for (const r of reports) {
    if (r.organization) out.push(`【府省等名：${r.organization}】`, '');
    out.push(R6_HEADER_LINE, '', R6_HEADER_CAPTIONS[0], R6_HEADER_CAPTIONS[1], '', R6_HEADER_CAPTIONS[2], R6_HEADER_CAPTIONS[3], '');
    for (const row of r.rows) {
      out.push(...(row.narrativeRaw ?? row.narrative ?? '').split('\n'), '');
      const refs = row.guidelineRefsRaw ?? row.guidelineRefs.map((g) => g.raw).join('\n');
      if (refs) out.push(...refs.split('\n'), '');
    }
    out.push(...(r.titleRaw.length > 0 ? r.titleRaw : DEFAULT_TITLE), '', R6_FOCUS_CAPTION, '');
    for (const lines of focusList(r)) out.push(...lines, '');
    if (r.noRowsReason) out.push(...r.noRowsReason.split('\n'), '');
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
  return format === 'html' ? renderHtml(reports) : renderText(reports);
}

export const R6_COMPILATION_RENDERER: LayoutRenderer = {
  layouts: ['L-R6-COMPILATION'],
  render: renderR6Compilation,
};
