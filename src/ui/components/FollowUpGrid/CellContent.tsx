/**
 * What a grid cell shows (#10), by column and row kind: the item with its marker and guideline section title, the
 * 実施状況, text with its 【継続】【新規】【拡充】 markers visible, 数値 with 和暦 dates and a chart, 調査 answers per
 * scope and sub-field. Everything from the lists is rendered as React text, never as HTML.
 */
import { Fragment, type ReactNode } from 'react';

import { formatPeriod } from '../../../core/era/index.js';
import { findNodeById } from '../../../core/guideline/index.js';
import type { IndicatorValue, Row } from '../../../core/model/schema.js';
import type { MessageKey, Translate } from '../../i18n/i18n.js';
import { useGridStyles } from './FollowUpGrid.styles.js';
import { IndicatorChart } from './IndicatorChart.js';

const TAG = /(【(?:継続|新規|拡充|新規・継続|再掲)】)/;

/** Text with the entry markers shown as markers (not as HTML: split and wrapped as React elements). */
export function TaggedText({ text }: { text: string }) {
  const s = useGridStyles();
  const parts = text.split(TAG);
  return (
    <>
      {parts.map((p, i) =>
        TAG.test(p) ? (
          <span key={i} className={s.tag}>
            {p}
          </span>
        ) : (
          <Fragment key={i}>{p}</Fragment>
        ),
      )}
    </>
  );
}

/** A 現状/目標 date in 和暦 as the documents print it (formatPeriod), else as stored. */
export function eraDate(v: Pick<IndicatorValue, 'asOfRaw' | 'asOfStart' | 'asOfEnd' | 'asOfPrecision'>): string | null {
  if (v.asOfStart && v.asOfEnd && v.asOfPrecision) {
    try {
      return formatPeriod({ start: v.asOfStart, end: v.asOfEnd, precision: v.asOfPrecision, ...(v.asOfRaw ? { raw: v.asOfRaw } : {}) });
    } catch {
      // A date the formatter cannot print (outside the eras it knows): the stored text says it as printed.
      return v.asOfRaw;
    }
  }
  return v.asOfRaw;
}

const VALUE_KEYS: Readonly<Record<IndicatorValue['valueKind'], MessageKey>> = { target: 'value.target', current: 'value.current', baseline: 'value.baseline', note: 'value.note' };

/** One value as a phrase: 66.3%（令和4年度）. */
export function valuePhrase(v: IndicatorValue): string {
  const date = eraDate(v);
  const qualifier = v.qualifier && !v.valueText.includes(v.qualifier) ? v.qualifier : '';
  return `${v.valueText}${qualifier}${date ? `（${date}）` : ''}`;
}

/** Values grouped by category in printed order. */
export function byCategory(values: readonly IndicatorValue[]): { category: string | null; values: IndicatorValue[] }[] {
  const groups: { category: string | null; values: IndicatorValue[] }[] = [];
  for (const v of values) {
    const label = v.categoryRaw ?? v.category;
    const g = groups.find((x) => x.category === label);
    if (g) g.values.push(v);
    else groups.push({ category: label, values: [v] });
  }
  return groups;
}

/** 数値: per category 目標 / 現状 (newest first) / 目標設定時, and a chart of the current values against the target. */
export function IndicatorContent({ values, t }: { values: readonly IndicatorValue[]; t: Translate }) {
  const s = useGridStyles();
  if (values.length === 0) return <span className={s.muted}>{t('grid.empty')}</span>;
  return (
    <>
      {byCategory(values).map((g) => (
        <div key={g.category ?? ''} className={s.indicatorBlock}>
          {g.category ? <span className={s.indicatorLine}>【{g.category}】</span> : null}
          {(['target', 'current', 'baseline', 'note'] as const).map((kind) => {
            const vs = g.values.filter((v) => v.valueKind === kind).sort((a, b) => a.seq - b.seq);
            if (vs.length === 0) return null;
            return (
              <span key={kind} className={s.indicatorLine}>
                {t(VALUE_KEYS[kind])}: {kind === 'note' ? vs.map((v) => v.note ?? v.valueText).join(' ') : vs.map(valuePhrase).join('、')}
              </span>
            );
          })}
          <IndicatorChart values={g.values} category={g.category} t={t} />
        </div>
      ))}
    </>
  );
}

/** 調査: ［scope］answer, 【sub-field】text. */
export function SurveyContent({ row, t }: { row: Row; t: Translate }) {
  const s = useGridStyles();
  if (row.surveyAnswers.length === 0) return <span className={s.muted}>{t('grid.empty')}</span>;
  return (
    <>
      {row.surveyAnswers.map((a, i) => {
        const scope = a.scopeRaw ?? a.scope;
        const sub = a.subFieldRaw ?? (a.subField ? `【${a.subField}】` : null);
        return (
          <span key={i} className={s.indicatorLine}>
            {scope ? <strong>［{scope}］</strong> : null}
            {sub ? <strong>{sub}</strong> : null}
            {a.text}
          </span>
        );
      })}
    </>
  );
}

/** WLB指針の該当箇所: each reference by its section title (core/guideline's tree), with the number and as printed. */
export function GuidelineContent({ row }: { row: Row }) {
  const s = useGridStyles();
  if (row.guidelineRefs.length === 0) return row.guidelineRefsRaw ? <span className={s.full}>{row.guidelineRefsRaw}</span> : null;
  return (
    <>
      {row.guidelineRefs.map((ref, i) => {
        const node = ref.nodeId ? findNodeById(ref.nodeId) : undefined;
        return (
          <span key={i} className={s.indicatorLine}>
            {node ? (
              <>
                <strong>{node.path}</strong> {node.title}
                {ref.raw && !ref.raw.includes(node.title) ? <span className={s.muted}>（{ref.raw}）</span> : null}
              </>
            ) : (
              ref.raw
            )}
          </span>
        );
      })}
    </>
  );
}

/** The item cell: marker, title (or 重点項目 / split line), and the row kind when it is not an ordinary 取組. */
export function ItemContent({ row, t }: { row: Row; t: Translate }): ReactNode {
  const s = useGridStyles();
  const kind: MessageKey | null = row.kind === 'indicator' ? 'kind.indicator' : row.kind === 'survey' ? 'kind.survey' : row.kind === 'heading' ? 'kind.heading' : null;
  const title = row.kind === 'focus' ? (row.focusItem ?? row.title) : row.title || (row.splitKind ? `(${row.splitKind})` : '');
  return (
    <>
      {kind ? <span className={s.kind}>［{t(kind)}］</span> : null}
      {row.markerRaw && row.kind !== 'focus' ? <span className={s.marker}>{row.markerRaw}</span> : null}
      {title}
      {row.splitKind && row.title ? <span className={s.muted}>（{row.splitKind}）</span> : null}
    </>
  );
}
