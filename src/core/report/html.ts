/**
 * The printable HTML report (#12): one self-contained page (no script, no external resource) with print CSS for A4,
 * the classification label on every printed page, each sheet as an accessible table whose header rows repeat on each
 * page, and the 数値 charts as inline SVG. Chromium's print to PDF prints this same page.
 *
 * No text becomes markup: plain cells are escaped; rich cells keep only the lists' p/ul/li/b/br (sanitizeRich).
 */
import { escapeHtml, sanitizeRich } from '../layouts/render/html.js';
import { isHtmlCell, type ReportBook, type ReportSheet, type SheetCell } from './book.js';
import { describeSeries, indicatorChartSvg } from './charts.js';

const multiline = (text: string): string => escapeHtml(text).replace(/\r\n|\r|\n/g, '<br>');

function cellHtml(cell: SheetCell): string {
  return isHtmlCell(cell) ? sanitizeRich(cell.text) : multiline(cell.text);
}

function sheetHtml(sheet: ReportSheet, index: number, label: string | null): string {
  const width = sheet.columnWidths.length;
  const skip = new Set<string>();
  const spans = new Map<string, { rowspan: number; colspan: number }>();
  for (const m of sheet.merges) {
    spans.set(`${m.top}:${m.left}`, { rowspan: m.bottom - m.top + 1, colspan: m.right - m.left + 1 });
    for (let r = m.top; r <= m.bottom; r++) for (let c = m.left; c <= m.right; c++) if (r !== m.top || c !== m.left) skip.add(`${r}:${c}`);
  }
  const total = sheet.columnWidths.reduce((a, b) => a + b, 0);
  const cols = sheet.columnWidths.map((w) => `<col style="width:${((w / total) * 100).toFixed(1)}%">`).join('');
  const titles: string[] = [];
  const head: string[] = [];
  const body: string[] = [];
  sheet.rows.forEach((row, r) => {
    if (row.kind === 'blank') return;
    if (row.kind === 'title') {
      // A title the document printed again on its next page is said once: the page repeats the table's head itself.
      const text = row.cells.map((c) => (c ? multiline(c.text) : '')).join(' ');
      if (!titles.includes(text)) titles.push(text);
      return;
    }
    const inHead = sheet.headerRows !== null && r >= sheet.headerRows.first && r <= sheet.headerRows.last;
    if (row.kind === 'header' && !inHead) return;
    const tds: string[] = [];
    for (let c = 0; c < width; c++) {
      if (skip.has(`${r}:${c}`)) continue;
      const cell = row.cells[c] ?? null;
      const span = spans.get(`${r}:${c}`);
      const attrs = `${span && span.rowspan > 1 ? ` rowspan="${span.rowspan}"` : ''}${span && span.colspan > 1 ? ` colspan="${span.colspan}"` : ''}`;
      const content = cell ? cellHtml(cell) : '';
      if (row.kind === 'header') tds.push(`<th scope="${span && span.colspan > 1 ? 'colgroup' : 'col'}"${attrs}>${content}</th>`);
      else if (cell?.style === 'rowHeader') tds.push(`<th scope="row"${attrs}>${content}</th>`);
      else tds.push(`<td${attrs}${cell && isHtmlCell(cell) ? ' class="rich"' : ''}>${content}</td>`);
    }
    (row.kind === 'header' ? head : body).push(`<tr>${tds.join('')}</tr>`);
  });
  const captionId = `sheet-${index + 1}`;
  return [
    `<section class="sheet ${sheet.orientation}" aria-labelledby="${captionId}">`,
    `<h2 id="${captionId}">${titles.length > 0 ? titles.join('<br>') : escapeHtml(sheet.caption)}</h2>`,
    `<table><caption class="visually-hidden">${escapeHtml(sheet.name)}</caption><colgroup>${cols}</colgroup>`,
    // The label row is part of the repeated header, so every printed page carries the classification.
    `<thead>${label ? `<tr class="label-row"><th colspan="${width}" scope="colgroup">${escapeHtml(label)}</th></tr>` : ''}${head.join('')}</thead>`,
    `<tbody>${body.join('\n')}</tbody></table>`,
    '</section>',
  ].join('\n');
}

function chartsHtml(book: ReportBook): string {
  if (book.charts.length === 0) return '';
  const figures = book.charts.map((chart, i) => {
    const id = `chart-${i + 1}`;
    const caption = chart.series.map(describeSeries).join('　');
    return `<figure class="chart">${indicatorChartSvg(chart, id)}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
  });
  return ['<section class="sheet charts" aria-labelledby="charts-h">', '<h2 id="charts-h">数値目標の状況（現状と目標）</h2>', ...figures, '</section>'].join('\n');
}

/** One orientation for the whole page: landscape when any table needs it (a named page would start a new sheet). */
const pageCss = (orientation: 'portrait' | 'landscape'): string => `@page { size: A4 ${orientation}; margin: 14mm 10mm 14mm 10mm; }`;

const CSS = `
:root { color-scheme: light; }
body { font-family: 'Noto Sans CJK JP', 'Yu Gothic', 'Meiryo', sans-serif; font-size: 9.5pt; color: #000; background: #fff; margin: 0; }
.page-head { display: flex; justify-content: space-between; align-items: baseline; gap: 1em; border-bottom: 1px solid #000; padding: 2mm 0; margin-bottom: 3mm; }
.page-head h1 { font-size: 12pt; margin: 0; }
.label { border: 1.5px solid #000; padding: 0.5mm 2mm; font-weight: bold; white-space: nowrap; }
.meta { font-size: 8.5pt; white-space: nowrap; }
.sheet { break-before: page; }
.sheet:first-of-type { break-before: auto; }
h2 { font-size: 11pt; margin: 0 0 2mm; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
thead { display: table-header-group; }
th, td { border: 0.6pt solid #000; padding: 1mm 1.2mm; vertical-align: top; text-align: left; overflow-wrap: anywhere; white-space: normal; }
thead th { background: #e8edf3; text-align: center; vertical-align: middle; font-weight: bold; }
th[scope=row] { font-weight: normal; background: #f6f8fa; }
td.rich p { margin: 0 0 1mm; }
td.rich ul { margin: 0; padding-left: 1.2em; list-style: none; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.charts figure { margin: 0 0 4mm; break-inside: avoid; }
.charts figcaption { font-size: 8pt; color: #333; }
.label-row th { border: none; background: none; text-align: right; font-size: 8pt; padding: 0 0 1mm; }
@media screen {
  body { max-width: 297mm; margin: 8mm auto; padding: 0 8mm; }
  .sheet { margin-top: 10mm; }
}
`;

/** The whole printable page. */
export function reportHtml(book: ReportBook): string {
  const label = book.label ? escapeHtml(book.label) : '';
  return [
    '<!doctype html>',
    '<html lang="ja">',
    '<head>',
    '<meta charset="utf-8">',
    // Nothing in the page runs or loads: a report opened from mail cannot fetch or execute anything.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(book.title)}</title>`,
    `<style>${pageCss(book.sheets.some((x) => x.orientation === 'landscape') ? 'landscape' : 'portrait')}${CSS}</style>`,
    '</head>',
    '<body>',
    '<header class="page-head">',
    `<h1>${escapeHtml(book.title)}</h1>`,
    `<span class="meta">作成日：${escapeHtml(book.createdOn)}</span>`,
    label ? `<span class="label" aria-label="区分 ${label}">${label}</span>` : '',
    '</header>',
    '<main>',
    ...book.sheets.map((sheet, i) => sheetHtml(sheet, i, book.label)),
    chartsHtml(book),
    '</main>',
    '</body>',
    '</html>',
  ].join('\n');
}
