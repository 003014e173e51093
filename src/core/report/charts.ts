/**
 * 数値 indicators as charts (#12): each 数値 row's values per category — the newest 現状, the earlier ones, the
 * 目標設定時 value and the 目標 — and an SVG drawing of them (current values against the target on a 0–100 % scale).
 * Only values the model holds as plain percentages are drawn; the printed text of every value is kept for the labels,
 * so `目標：設定なし` or `両休暇合計5日以上取得率100%` still reads as printed.
 */
import type { IndicatorValue, Report } from '../model/schema.js';
import { escapeHtml } from '../layouts/render/html.js';

export interface ChartValue {
  percent: number | null;
  text: string;
  asOf: string | null;
}

export interface ChartSeries {
  /** Category (係長相当職（本省）), or null for an indicator without categories. */
  category: string | null;
  target: ChartValue | null;
  /** 現状 values, newest first. */
  current: ChartValue[];
  baseline: ChartValue | null;
}

export interface IndicatorChart {
  rowKey: string;
  organization: string | null;
  title: string;
  series: ChartSeries[];
}

const valueOf = (v: IndicatorValue): ChartValue => ({ percent: v.valuePercent, text: v.valueText, asOf: v.asOfRaw });

/** The charts of every 数値 row that has at least one percentage to draw, in report and row order. */
export function indicatorCharts(reports: readonly Report[]): IndicatorChart[] {
  const out: IndicatorChart[] = [];
  for (const report of reports) {
    for (const row of [...report.rows].sort((a, b) => a.sortOrder - b.sortOrder)) {
      if (row.kind !== 'indicator' || row.indicatorValues.length === 0) continue;
      const categories = [...new Set(row.indicatorValues.map((v) => v.category))];
      const series: ChartSeries[] = categories.map((category) => {
        const mine = row.indicatorValues.filter((v) => v.category === category);
        const first = (kind: IndicatorValue['valueKind']): ChartValue | null => {
          const v = mine.filter((x) => x.valueKind === kind).sort((a, b) => a.seq - b.seq)[0];
          return v ? valueOf(v) : null;
        };
        return {
          category: mine[0]?.categoryRaw ?? category,
          target: first('target'),
          current: mine.filter((v) => v.valueKind === 'current').sort((a, b) => a.seq - b.seq).map(valueOf),
          baseline: first('baseline'),
        };
      });
      const drawable = series.filter((s) => s.current.some((c) => c.percent !== null) || s.target?.percent != null);
      if (drawable.length > 0) out.push({ rowKey: row.key, organization: report.organization, title: row.title, series: drawable });
    }
  }
  return out;
}

const pct = (n: number): string => `${Number.isInteger(n) ? n.toFixed(0) : n.toFixed(1)}%`;
const LABEL_W = 210;
const TRACK_W = 330;
const ROW_H = 34;
const COLORS = { current: '#1f5aa6', earlier: '#8fb3e0', target: '#c0392b', baseline: '#555', track: '#eef1f5', text: '#1b1b1b' } as const;

/** A text line of the chart's description (for screen readers and the figure caption). */
export function describeSeries(s: ChartSeries): string {
  const parts = [
    s.current[0] ? `現状 ${s.current[0].text}${s.current[0].asOf ? `（${s.current[0].asOf}）` : ''}` : '現状 なし',
    s.target ? `目標 ${s.target.text}${s.target.asOf ? `（${s.target.asOf}）` : ''}` : '目標 なし',
  ];
  if (s.baseline) parts.push(`目標設定時 ${s.baseline.text}`);
  return `${s.category ?? ''}${s.category ? '：' : ''}${parts.join('、')}`;
}

/**
 * The chart as SVG markup: per category a 0–100 % track, the newest 現状 as a bar (earlier 現状 as thin bars under
 * it), the 目標 as a red tick. Every text is escaped; `id` must be unique in the page (title/desc references).
 */
export function indicatorChartSvg(chart: IndicatorChart, id: string): string {
  const height = 44 + chart.series.length * ROW_H + 18;
  const width = LABEL_W + TRACK_W + 110;
  const x = (p: number): number => Math.round((LABEL_W + (Math.max(0, Math.min(100, p)) / 100) * TRACK_W) * 100) / 100;
  const w = (p: number): number => Math.round((x(p) - LABEL_W) * 100) / 100;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="indicator-chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-labelledby="${id}-t ${id}-d" font-family="'Noto Sans CJK JP','Yu Gothic','Meiryo',sans-serif" font-size="11">`,
    `<title id="${id}-t">${escapeHtml(`数値：${chart.title}`)}</title>`,
    `<desc id="${id}-d">${escapeHtml(chart.series.map(describeSeries).join('。'))}</desc>`,
    `<text x="0" y="14" font-size="12" font-weight="bold" fill="${COLORS.text}">${escapeHtml(chart.title)}</text>`,
    // Legend.
    `<rect x="${LABEL_W}" y="22" width="12" height="8" fill="${COLORS.current}"/><text x="${LABEL_W + 16}" y="30" fill="${COLORS.text}">現状（最新）</text>`,
    `<rect x="${LABEL_W + 96}" y="24" width="12" height="4" fill="${COLORS.earlier}"/><text x="${LABEL_W + 112}" y="30" fill="${COLORS.text}">過去の現状</text>`,
    `<line x1="${LABEL_W + 190}" y1="20" x2="${LABEL_W + 190}" y2="32" stroke="${COLORS.target}" stroke-width="2"/><text x="${LABEL_W + 196}" y="30" fill="${COLORS.text}">目標</text>`,
  ];
  chart.series.forEach((s, i) => {
    const top = 40 + i * ROW_H;
    parts.push(`<text x="0" y="${top + 14}" fill="${COLORS.text}">${escapeHtml(truncate(s.category ?? chart.title, 17))}</text>`);
    parts.push(`<rect x="${LABEL_W}" y="${top + 4}" width="${TRACK_W}" height="14" fill="${COLORS.track}"/>`);
    const [newest, ...earlier] = s.current;
    earlier.forEach((e, j) => {
      if (e.percent === null) return;
      parts.push(`<rect x="${LABEL_W}" y="${top + 20 + j * 3}" width="${w(e.percent)}" height="2" fill="${COLORS.earlier}"><title>${escapeHtml(`${e.text}${e.asOf ? `（${e.asOf}）` : ''}`)}</title></rect>`);
    });
    if (newest?.percent != null) parts.push(`<rect x="${LABEL_W}" y="${top + 4}" width="${w(newest.percent)}" height="14" fill="${COLORS.current}"/>`);
    if (s.target?.percent != null) {
      const tx = x(s.target.percent);
      parts.push(`<line x1="${tx}" y1="${top}" x2="${tx}" y2="${top + 22}" stroke="${COLORS.target}" stroke-width="2"/>`);
    }
    const label = [newest ? (newest.percent != null ? pct(newest.percent) : truncate(newest.text, 10)) : '—', s.target ? `目標 ${s.target.percent != null ? pct(s.target.percent) : truncate(s.target.text, 8)}` : ''].filter((t) => t).join(' / ');
    parts.push(`<text x="${LABEL_W + TRACK_W + 6}" y="${top + 15}" fill="${COLORS.text}">${escapeHtml(label)}</text>`);
  });
  const axisY = 40 + chart.series.length * ROW_H + 4;
  for (const p of [0, 50, 100]) parts.push(`<text x="${x(p)}" y="${axisY + 10}" text-anchor="middle" fill="${COLORS.baseline}" font-size="9">${p}%</text>`);
  parts.push('</svg>');
  return parts.join('');
}

function truncate(text: string, n: number): string {
  const chars = [...text];
  return chars.length > n ? `${chars.slice(0, n - 1).join('')}…` : text;
}
