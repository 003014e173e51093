/**
 * A small chart of a 数値 category (#10): the current values over time against the target (dashed line) and the
 * baseline (grey dot). Plain SVG (no chart library: @fluentui/react-charts brings d3 and would cost more than the
 * whole grid), with a text alternative that says the same figures.
 */
import type { IndicatorValue } from '../../../core/model/schema.js';
import type { Translate } from '../../i18n/i18n.js';
import { valuePhrase } from './CellContent.js';
import { useGridStyles } from './FollowUpGrid.styles.js';

const W = 180;
const H = 56;
const PAD = { left: 26, right: 6, top: 6, bottom: 6 };

/** Current values oldest first (by date, else by their printed order, newest first). */
export function chartPoints(values: readonly IndicatorValue[]): IndicatorValue[] {
  return values
    .filter((v) => v.valueKind === 'current' && v.valuePercent !== null)
    .sort((a, b) => (a.asOfStart && b.asOfStart ? a.asOfStart.localeCompare(b.asOfStart) : b.seq - a.seq));
}

export function IndicatorChart({ values, category, t }: { values: readonly IndicatorValue[]; category: string | null; t: Translate }) {
  const s = useGridStyles();
  const points = chartPoints(values);
  const target = values.find((v) => v.valueKind === 'target' && v.valuePercent !== null);
  const baseline = values.find((v) => v.valueKind === 'baseline' && v.valuePercent !== null);
  if (points.length === 0) return null;
  const all = [...points, ...(target ? [target] : []), ...(baseline ? [baseline] : [])].map((v) => v.valuePercent ?? 0);
  const top = Math.min(100, Math.max(10, Math.ceil((Math.max(...all) * 1.15) / 10) * 10));
  const x = (i: number): number => PAD.left + (points.length === 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (points.length - 1));
  const y = (p: number): number => PAD.top + (1 - p / top) * (H - PAD.top - PAD.bottom);
  const label = t('chart.label', {
    category: category ?? '',
    current: points.map(valuePhrase).join('、'),
    target: target ? valuePhrase(target) : t('chart.noTarget'),
  });
  return (
    <svg className={s.chart} width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <line className={s.chartAxis} x1={PAD.left} y1={y(0)} x2={W - PAD.right} y2={y(0)} />
      <text className={s.chartText} x={0} y={y(top) + 8}>
        {top}%
      </text>
      <text className={s.chartText} x={0} y={y(0)}>
        0%
      </text>
      {target ? <line className={s.chartTarget} x1={PAD.left} x2={W - PAD.right} y1={y(target.valuePercent ?? 0)} y2={y(target.valuePercent ?? 0)} /> : null}
      {baseline ? <circle className={s.chartBaseline} cx={PAD.left + 3} cy={y(baseline.valuePercent ?? 0)} r={3} /> : null}
      {points.length > 1 ? <polyline className={s.chartLine} points={points.map((p, i) => `${x(i)},${y(p.valuePercent ?? 0)}`).join(' ')} /> : null}
      {points.map((p, i) => (
        <circle key={i} className={s.chartDot} cx={x(i)} cy={y(p.valuePercent ?? 0)} r={3} />
      ))}
    </svg>
  );
}
