/** A row's content as plain lines for the read-only view: narrative, 数値 values with their dates, 調査 answers. */
import type { Row } from '../../../core/model/schema.js';
import type { MessageKey, Translate } from '../../i18n/i18n.js';

const VALUE_KEYS: Readonly<Record<string, MessageKey>> = { target: 'value.target', current: 'value.current', baseline: 'value.baseline', note: 'value.note' };

export function contentLines(row: Row, t: Translate): string[] {
  if (row.kind === 'indicator') {
    return row.indicatorValues.map((v) => {
      const label = t(VALUE_KEYS[v.valueKind] ?? 'value.note');
      const category = v.categoryRaw ?? v.category;
      return `${category ? `【${category}】` : ''}${label}: ${v.valueText}${v.qualifier && !v.valueText.includes(v.qualifier) ? v.qualifier : ''}${v.asOfRaw ? `（${v.asOfRaw}）` : ''}`;
    });
  }
  if (row.kind === 'survey') {
    return row.surveyAnswers.map((a) => {
      const scope = a.scopeRaw ?? a.scope;
      const sub = a.subFieldRaw ?? a.subField;
      const answer = a.choice && a.text && a.text !== a.choice ? `${a.choice} ${a.text}` : (a.choice ?? a.text);
      return `${scope ? `［${scope}］` : ''}${sub ? `${sub}: ` : ''}${answer}`;
    });
  }
  return row.narrative ? row.narrative.split('\n') : [];
}
