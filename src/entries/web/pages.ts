/**
 * The printable report view of the embedded default (`/reports/<report key>`): one report's rows as the SharePoint
 * lists hold them, read through the follow-up store over Graph on every request, as a plain server-rendered table
 * for the browser's print (the app at `/` links here). Japanese first, English with `?lang=en`. Division names come
 * from the FollowUpDivisions list.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { STATUS_LABELS_JA, type ImportResult, type Report, type Row, type RowKind } from '../../core/model/schema.js';
import type { Division } from '../../core/divisions/division.js';
import type { FollowUpStore, StoredRow } from '../../core/ports.js';
import { htmlSecurityHeaders } from '../../emulator/index.js';

type Lang = 'ja' | 'en';

const T = {
  ja: {
    title: '取組計画等のフォローアップ',
    rows: '行数',
    implemented: '実施',
    undecided: '実施未定',
    back: 'フォローアップ票の画面へ戻る',
    kind: '区分',
    item: '項目',
    status: '実施状況',
    division: '担当',
    content: '取組内容・数値',
    tags: 'タグ',
    lang: 'English',
    none: '—',
    notFound: 'フォローアップ票が見つかりません。',
    starting: '起動中です。しばらくしてから再読み込みしてください。',
    kinds: { initiative: '取組', focus: '重点項目', indicator: '数値', survey: '調査', heading: '見出し' } satisfies Record<RowKind, string>,
  },
  en: {
    title: 'WLB follow-up tables',
    rows: 'Rows',
    implemented: 'Implemented',
    undecided: 'Undecided',
    back: 'Back to the app',
    kind: 'Kind',
    item: 'Item',
    status: 'Status',
    division: 'Division',
    content: 'Content / values',
    tags: 'Tags',
    lang: '日本語',
    none: '—',
    notFound: 'No such report.',
    starting: 'Starting; reload in a moment.',
    kinds: { initiative: 'Initiative', focus: 'Focus item', indicator: 'Indicator', survey: 'Survey', heading: 'Heading' } satisfies Record<RowKind, string>,
  },
} as const;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const STYLE = `
:root{color-scheme:light dark;font-family:"Noto Sans CJK JP","Yu Gothic UI","Segoe UI",sans-serif}
body{margin:0 auto;max-width:1200px;padding:1rem 1.5rem;line-height:1.5}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #8886;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#8882}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
.num{text-align:right;white-space:nowrap}
.nw{white-space:nowrap}
.text{white-space:pre-line}
.muted{opacity:.75}
a:focus,a:hover{outline:2px solid currentColor;outline-offset:2px}
@media (forced-colors:active){th{background:Canvas}}
@media print{.noprint{display:none}body{max-width:none}}
`;

function page(lang: Lang, title: string, body: string): string {
  const other = lang === 'ja' ? 'en' : 'ja';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head><body>
<header><p><a href="?lang=${other}" lang="${other}">${esc(T[lang].lang)}</a></p></header>
<main>${body}</main></body></html>`;
}

const reportTitle = (r: Report): string => `${r.organization ?? '?'} ${r.cycleLabel ?? ''} ${r.layout}`;

export interface ReportPagesDeps {
  store: FollowUpStore;
  samples: ImportResult;
  /** The FollowUpDivisions list (names of the divisions rows are assigned to). */
  divisions(): Promise<Division[]>;
}

/** Rows of one report as stored in the Rows list (read through Graph). */
async function storedRows(store: FollowUpStore, report: Report): Promise<StoredRow[]> {
  if (report.fiscalYear === null || report.organizationCode === null) return [];
  const set = await store.open({ fiscalYear: report.fiscalYear, orgCode: report.organizationCode });
  return set.rows.filter((r) => r.reportKey === report.key).sort((a, b) => a.row.sortOrder - b.row.sortOrder);
}

function statusLabel(row: Row, lang: Lang): string {
  if (row.status === null) return T[lang].none;
  return lang === 'ja' ? STATUS_LABELS_JA[row.status] : row.status === 'implemented' ? T.en.implemented : T.en.undecided;
}

function contentCell(row: Row): string {
  if (row.kind === 'indicator') {
    return row.indicatorValues
      .filter((v) => v.valueKind !== 'note')
      .map((v) => `${v.category ? `【${v.category}】` : ''}${v.valueKind}: ${v.valueText}${v.asOfRaw ? `（${v.asOfRaw}）` : ''}`)
      .map(esc)
      .join('<br>');
  }
  if (row.kind === 'survey') return row.surveyAnswers.map((a) => esc(`${a.scope ? `[${a.scope}] ` : ''}${a.subField ? `【${a.subField}】` : ''}${a.text}`)).join('<br>');
  const text = row.reasonNotPlanned ?? row.narrative ?? '';
  return esc(text.length > 160 ? `${text.slice(0, 160)}…` : text);
}

async function reportPage(deps: ReportPagesDeps, key: string, lang: Lang): Promise<string | null> {
  const t = T[lang];
  const report = deps.samples.reports.find((r) => r.key === key);
  if (!report) return null;
  const [rows, divisions] = await Promise.all([storedRows(deps.store, report), deps.divisions()]);
  const divisionName = (code: string | null): string => (code ? (divisions.find((d) => d.code === code)?.name ?? code) : t.none);
  const body = rows
    .map(({ row }) => {
      const item = `${row.markerRaw ? `${row.markerRaw} ` : ''}${row.title || row.splitKind || ''}`;
      return `<tr><td class="nw">${esc(t.kinds[row.kind])}</td><th scope="row" style="padding-left:${0.5 + row.level}rem">${esc(item)}</th><td class="nw">${esc(statusLabel(row, lang))}</td><td class="nw">${esc(divisionName(row.division))}</td><td class="text">${contentCell(row)}</td><td class="nw">${esc(row.tags.join('、'))}</td></tr>`;
    })
    .join('');
  return page(
    lang,
    reportTitle(report),
    `<p class="noprint"><a href="/?lang=${lang}">${esc(t.back)}</a></p><h1>${esc(report.title)}</h1><p class="muted">${esc(reportTitle(report))}</p>
<table><caption>${esc(t.rows)}: ${rows.length}</caption><thead><tr><th scope="col">${esc(t.kind)}</th><th scope="col">${esc(t.item)}</th><th scope="col">${esc(t.status)}</th><th scope="col">${esc(t.division)}</th><th scope="col">${esc(t.content)}</th><th scope="col">${esc(t.tags)}</th></tr></thead><tbody>${body}</tbody></table>`,
  );
}

function send(res: ServerResponse, status: number, html: string): void {
  // The one CSP builder (#8): no script at all here yet; framed by Teams and Office hosts once the tab uses the page.
  res.writeHead(status, htmlSecurityHeaders({ frameAncestors: 'm365' }));
  res.end(html);
}

/** Handles `/reports/<key>`; returns false for every other path. */
export function createReportPages(getDeps: () => ReportPagesDeps | null): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (!url.pathname.startsWith('/reports/') || req.method !== 'GET') return false;
    const lang: Lang = url.searchParams.get('lang') === 'en' ? 'en' : 'ja';
    const deps = getDeps();
    if (!deps) {
      send(res, 503, page(lang, T[lang].title, `<p role="status">${esc(T[lang].starting)}</p>`));
      return true;
    }
    try {
      const html = await reportPage(deps, decodeURIComponent(url.pathname.slice('/reports/'.length)), lang);
      send(res, html ? 200 : 404, html ?? page(lang, T[lang].notFound, `<p>${esc(T[lang].notFound)}</p>`));
    } catch (error) {
      // Shown to the user rather than swallowed: the page is a diagnostic surface of the local environment.
      send(res, 500, page(lang, 'Error', `<p role="alert">${esc(error instanceof Error ? error.message : String(error))}</p>`));
    }
    return true;
  };
}
