/**
 * Validation rules as data (domain.md §8.4 reviewer checks, §9.2 field rules). Each rule is small, pure and names the
 * field it is about; `validate.ts` runs them and renders the messages.
 */
import type { IndicatorValue, Layout, Report, Row } from '../model/schema.js';
import { STATUS_LABELS_JA, TAGS } from '../model/schema.js';
import type { Finding, ReportRule, RowRule, ValidationContext, ValidationRule } from './types.js';

/** Layouts with a 実施状況 column (L-R2 (A), L-R5-OVERVIEW A). */
export const LAYOUTS_WITH_STATUS: readonly Layout[] = ['L-R2', 'L-R5-OVERVIEW'];
/** Layouts whose narrative entries are expected to start with 【継続】/【新規】/… (§8.4 item 3). */
export const LAYOUTS_WITH_TAGS: readonly Layout[] = ['L-R2', 'L-R5-FOCUS', 'L-R5-OVERVIEW', 'L-R6-COMPILATION'];
/** Choices of the 勤務時間管理 survey for 本省 (000 line 19, 004 line 11). */
export const WORK_HOURS_CHOICES: readonly string[] = ['導入済み又は令和7年度までに導入予定'];

const isBlank = (s: string | null | undefined): boolean => s === null || s === undefined || s.trim() === '';

/** Leftover markup in a plain-text field. A bare `<` (`目標数<実績)`, 004 line 10) is text, not a tag. */
const HTML_LEFTOVER =
  /<\/?(?:p|ul|ol|li|b|i|u|br|span|div|strong|em|font|table|tr|td|th|a|sup|sub)(?:\s[^<>]*)?\/?>|&(?:nbsp|amp|lt|gt|quot|apos|#\d+);/i;

/** An entry that only points to a 重点項目 (000: `※一部重点項目「生産性の向上」参照`) needs no tag. */
const CROSS_REF_ONLY = /^※(?:一部)?重点項目「[^」]*」参照$/;

/** Name comparison for 重点項目: width and spaces ignored. */
const normName = (s: string): string => s.normalize('NFKC').replace(/\s/g, '');

const hasChildren = (row: Row, report: Report): boolean => report.rows.some((r) => r.parentKey === row.key);

const isWorkHoursSurvey = (row: Row): boolean =>
  row.surveyCode === 'work-hours-system' || /勤務時間管理/.test(row.title);

/** The 本省 / 地方支分部局等 scope of a survey answer, read from the canonical or printed scope. */
function surveyScope(scope: string | null, scopeRaw: string | null): 'head' | 'regional' | null {
  const s = `${scope ?? ''}${scopeRaw ?? ''}`;
  if (s.includes('本省')) return 'head';
  if (s.includes('地方')) return 'regional';
  return null;
}

/** The date used to order 現状 values (end of the period, else its start). */
const asOfKey = (v: IndicatorValue): string | null => v.asOfEnd ?? v.asOfStart;

const rowRule = (r: RowRule): RowRule => r;
const reportRule = (r: ReportRule): ReportRule => r;

export const RULES: readonly ValidationRule[] = [
  rowRule({
    id: 'reason-required-when-undecided',
    scope: 'row',
    severity: 'error',
    appliesTo: {},
    field: 'reasonNotPlanned',
    message: {
      ja: '実施状況が「実施未定」ですが、実施未定の場合の理由が記入されていません。',
      en: 'status is 実施未定 (undecided) but no reason is given.',
    },
    check: (row) => (row.status === 'undecided' && isBlank(row.reasonNotPlanned) ? [{}] : []),
  }),
  rowRule({
    id: 'reason-without-undecided',
    scope: 'row',
    severity: 'warning',
    appliesTo: {},
    field: 'reasonNotPlanned',
    message: {
      ja: '理由欄は「実施未定」の場合のみ記入します（実施状況: {status}）。',
      en: 'a reason is filled in although the status is {statusEn}; the reason column is only for 実施未定.',
    },
    check: (row) =>
      row.status !== 'undecided' && !isBlank(row.reasonNotPlanned)
        ? [
            {
              value: row.reasonNotPlanned,
              params: {
                status: row.status ? STATUS_LABELS_JA[row.status] : '未記入',
                statusEn: row.status ?? 'blank',
              },
            },
          ]
        : [],
  }),
  rowRule({
    id: 'status-required',
    scope: 'row',
    severity: 'warning',
    appliesTo: { kinds: ['initiative'], layouts: LAYOUTS_WITH_STATUS },
    field: 'status',
    message: {
      ja: '実施状況（実施／実施未定）が選択されていません。',
      en: 'no status (実施 / 実施未定) is selected.',
    },
    // Parent rows carry no status of their own (000 line 17 holds a 小項目 title where the status would be), and a
    // row that only says ※重点項目「…」参照 reports through its 重点項目.
    check: (row, report) => (row.status === null && row.crossRef === null && !hasChildren(row, report) ? [{}] : []),
  }),
  rowRule({
    id: 'narrative-required',
    scope: 'row',
    severity: 'warning',
    appliesTo: { kinds: ['initiative', 'focus'] },
    field: 'narrative',
    message: {
      ja: '取組時期・内容・成果が記入されていません（{why}）。',
      en: 'no narrative (timing, content, results) although {whyEn}.',
    },
    check: (row, report) => {
      if (!isBlank(row.narrative)) return [];
      if (row.kind === 'focus') return [{ params: { why: '重点項目', whyEn: 'the row is a 重点項目 (focus item)' } }];
      if (row.status !== 'implemented' || (row.crossRef !== null && !row.crossRef.partial)) return [];
      const children = report.rows.filter((r) => r.parentKey === row.key);
      if (children.length > 0 && children.every((c) => !isBlank(c.narrative))) return [];
      return [{ params: { why: '実施状況が「実施」', whyEn: 'the status is 実施 (implemented)' } }];
    },
  }),
  rowRule({
    id: 'percent-out-of-range',
    scope: 'row',
    severity: 'error',
    appliesTo: { kinds: ['indicator'] },
    field: 'indicatorValues',
    message: {
      ja: '割合 {percent}% が 0～100% の範囲外です（{text}）。',
      en: 'percentage {percent}% is outside 0–100% ({text}).',
    },
    check: (row) =>
      row.indicatorValues
        .filter((v) => v.valuePercent !== null && !(v.valuePercent >= 0 && v.valuePercent <= 100))
        .map((v) => ({ value: v.valueText, params: { percent: String(v.valuePercent), text: v.valueText } })),
  }),
  rowRule({
    id: 'current-missing',
    scope: 'row',
    severity: 'warning',
    appliesTo: { kinds: ['indicator'] },
    field: 'indicatorValues',
    message: {
      ja: '区分「{category}」の現状の値がありません。',
      en: 'category "{category}" has no current value (現状).',
    },
    check: (row) => {
      const values = row.indicatorValues.filter((v) => v.valueKind !== 'note');
      if (values.length === 0) return [{ params: { category: '（区分なし）' } }];
      const categories = [...new Set(values.map((v) => v.category))];
      return categories
        .filter((c) => !values.some((v) => v.category === c && v.valueKind === 'current'))
        .map((c) => ({ params: { category: c ?? '（区分なし）' } }));
    },
  }),
  rowRule({
    id: 'current-not-newest-first',
    scope: 'row',
    severity: 'warning',
    appliesTo: { kinds: ['indicator'] },
    field: 'indicatorValues',
    message: {
      ja: '区分「{category}」の現状が新しい順に並んでいません（{newer} が {older} より後にあります）。',
      en: 'current values of category "{category}" are not newest first ({newer} comes after {older}).',
    },
    check: (row) => {
      const findings: Finding[] = [];
      const currents = row.indicatorValues.filter((v) => v.valueKind === 'current').sort((a, b) => a.seq - b.seq);
      for (const category of new Set(currents.map((v) => v.category))) {
        const series = currents.filter((v) => v.category === category && asOfKey(v) !== null);
        for (let i = 1; i < series.length; i++) {
          const prev = series[i - 1];
          const cur = series[i];
          if (prev && cur && (asOfKey(cur) ?? '') > (asOfKey(prev) ?? '')) {
            findings.push({
              value: cur.asOfRaw,
              params: { category: category ?? '（区分なし）', newer: cur.asOfRaw ?? '', older: prev.asOfRaw ?? '' },
            });
          }
        }
      }
      return findings;
    },
  }),
  rowRule({
    id: 'as-of-missing',
    scope: 'row',
    severity: 'warning',
    appliesTo: { kinds: ['indicator'] },
    field: 'indicatorValues',
    message: {
      ja: '{kind}の値「{text}」に時点（年度・日付）がありません。',
      en: 'the {kindEn} value "{text}" has no as-of date.',
    },
    check: (row) =>
      row.indicatorValues
        .filter((v) => (v.valueKind === 'current' || v.valueKind === 'baseline') && !v.notApplicable && isBlank(v.asOfRaw))
        .map((v) => ({
          value: v.valueText,
          params: {
            kind: v.valueKind === 'current' ? '現状' : '目標設定時',
            kindEn: v.valueKind === 'current' ? 'current (現状)' : 'baseline (目標設定時)',
            text: v.valueText,
          },
        })),
  }),
  reportRule({
    id: 'duplicate-current-across-indicators',
    scope: 'report',
    severity: 'warning',
    appliesTo: { kinds: ['indicator'] },
    field: 'indicatorValues',
    message: {
      ja: '現状 {text}（{asOf}）が別の数値「{other}」と同じ値・時点です。転記誤りでないか確認してください。',
      en: 'current value {text} ({asOf}) is identical, value and date, to that of another indicator "{other}"; check for a copy error.',
    },
    // 004 prints 42.3%(令和5年度) for both 育児休業 and 男の産休 (§8.4 item 6).
    check: (report) => {
      const seen = new Map<string, Row>();
      const findings: Finding[] = [];
      for (const row of report.rows.filter((r) => r.kind === 'indicator')) {
        const keys = new Set<string>();
        for (const v of row.indicatorValues) {
          if (v.valueKind !== 'current' || v.valuePercent === null || v.notApplicable || isBlank(v.asOfRaw)) continue;
          const key = `${v.valuePercent}|${normName(v.asOfRaw ?? '').replace(/[()（）]/g, '')}`;
          if (keys.has(key)) continue;
          keys.add(key);
          const first = seen.get(key);
          const sameIndicator = first && (first.key === row.key || (first.indicatorCode !== null && first.indicatorCode === row.indicatorCode));
          if (first && !sameIndicator) {
            findings.push({
              rowKey: row.key,
              value: v.valueText,
              params: { text: v.valueText, asOf: v.asOfRaw ?? '', other: first.title },
            });
          } else if (!first) {
            seen.set(key, row);
          }
        }
      }
      return findings;
    },
  }),
  rowRule({
    id: 'focus-without-guideline-ref',
    scope: 'row',
    severity: 'warning',
    appliesTo: { kinds: ['focus'] },
    field: 'guidelineRefs',
    message: {
      ja: '重点項目に WLB取組指針の該当箇所が記入されていません。',
      en: 'the focus item (重点項目) cites no section of the WLB guideline.',
    },
    check: (row) => (row.guidelineRefs.length === 0 && isBlank(row.guidelineRefsRaw) ? [{}] : []),
  }),
  rowRule({
    id: 'guideline-ref-unresolved',
    scope: 'row',
    severity: 'warning',
    appliesTo: {},
    field: 'guidelineRefs',
    message: {
      ja: 'WLB取組指針の該当箇所「{raw}」が指針の項目にも取組計画の項目にも対応付けられません。',
      en: 'guideline reference "{raw}" matches neither a guideline section nor the plan.',
    },
    check: (row) =>
      row.guidelineRefs.filter((g) => g.resolution === 'unresolved').map((g) => ({ value: g.raw, params: { raw: g.raw } })),
  }),
  rowRule({
    id: 'crossref-unknown-focus-item',
    scope: 'row',
    severity: 'error',
    appliesTo: {},
    field: 'crossRef',
    message: {
      ja: '参照先の重点項目「{name}」がこのフォローアップにありません。',
      en: 'the referenced focus item "{name}" does not exist in this follow-up.',
    },
    check: (row, report, context: ValidationContext) => {
      if (!row.crossRef) return [];
      const reports = [report, ...(context.relatedReports ?? [])];
      const names = new Set(
        reports.flatMap((rep) => [
          ...rep.focusItems.map((f) => normName(f.name)),
          ...rep.rows.filter((r) => r.kind === 'focus').map((r) => normName(r.focusItem ?? r.title)),
        ]),
      );
      const name = row.crossRef.focusItem;
      return names.has(normName(name)) ? [] : [{ value: name, params: { name } }];
    },
  }),
  rowRule({
    id: 'entry-without-tag',
    scope: 'row',
    severity: 'info',
    appliesTo: { kinds: ['initiative', 'focus'], layouts: LAYOUTS_WITH_TAGS },
    field: 'entries',
    message: {
      ja: '{n}番目の記載に【継続】【新規】【拡充】【新規・継続】のいずれのタグもありません。',
      en: 'entry {n} has no tag (【継続】, 【新規】, 【拡充】 or 【新規・継続】).',
    },
    // Untagged entries are legal (警察庁, 消費者庁, デジタル庁 in 002); info lets the reviewer decide.
    check: (row) =>
      row.entries.flatMap((e, i) =>
        e.tag === null && !/^【[^】]*】/.test(e.text.trim()) && !CROSS_REF_ONLY.test(e.text.trim())
          ? [{ value: e.text, params: { n: i + 1 } }]
          : [],
      ),
  }),
  rowRule({
    id: 'unknown-tag',
    scope: 'row',
    severity: 'warning',
    appliesTo: { kinds: ['initiative', 'focus'] },
    field: 'entries',
    message: {
      ja: '{n}番目の記載のタグ【{tag}】は語彙（{vocabulary}）にありません。',
      en: 'entry {n} starts with tag 【{tag}】, which is not in the vocabulary ({vocabulary}).',
    },
    check: (row) =>
      row.entries.flatMap((e, i) => {
        const m = /^【([^】]*)】/.exec(e.text.trim());
        const tag = m?.[1];
        if (e.tag !== null || tag === undefined || (TAGS as readonly string[]).includes(tag)) return [];
        return [{ value: `【${tag}】`, params: { n: i + 1, tag, vocabulary: TAGS.map((t) => `【${t}】`).join('') } }];
      }),
  }),
  rowRule({
    id: 'html-in-plain-text',
    scope: 'row',
    severity: 'warning',
    appliesTo: {},
    field: 'narrative',
    message: {
      ja: 'テキストに HTML タグ・文字参照 {tag} が残っています。',
      en: 'leftover HTML {tag} in a plain-text field.',
    },
    check: (row) => {
      const fields: [string, string | null][] = [
        ['title', row.title],
        ['focusItem', row.focusItem],
        ['reasonNotPlanned', row.reasonNotPlanned],
        ['narrative', row.narrative],
        ['outcome', row.outcome],
        ...row.entries.map((e): [string, string] => ['entries', e.text]),
      ];
      return fields.flatMap(([field, text]) => {
        const m = text === null ? null : HTML_LEFTOVER.exec(text);
        return m ? [{ field, value: m[0], params: { tag: m[0] } }] : [];
      });
    },
  }),
  rowRule({
    id: 'split-kind-without-parent',
    scope: 'row',
    severity: 'error',
    appliesTo: {},
    field: 'splitKind',
    message: {
      ja: '区分「{splitKind}」の行には、項目名を持つか、親となる項目の行が必要です。',
      en: 'a split line ({splitKind}) must carry its item title or have a parent row.',
    },
    // A titled row may carry its own first split (003 line 68: `7 育児休業…セミナーの実施 | (独自実施のもの) 実施`):
    // the item and its split line are printed as one row, so only an untitled split line needs a parent.
    check: (row) =>
      row.splitKind !== null && row.parentKey === null && row.title.trim() === ''
        ? [{ value: row.splitKind, params: { splitKind: row.splitKind } }]
        : [],
  }),
  reportRule({
    id: 'parent-not-found',
    scope: 'report',
    severity: 'error',
    appliesTo: {},
    field: 'parentKey',
    message: {
      ja: '親行「{parent}」がこのフォローアップにありません。',
      en: 'parent row "{parent}" does not exist in this report.',
    },
    check: (report) => {
      const keys = new Set(report.rows.map((r) => r.key));
      return report.rows
        .filter((r) => r.parentKey !== null && !keys.has(r.parentKey))
        .map((r) => ({ rowKey: r.key, value: r.parentKey, params: { parent: r.parentKey ?? '' } }));
    },
  }),
  reportRule({
    id: 'duplicate-row-key',
    scope: 'report',
    severity: 'error',
    appliesTo: {},
    field: 'key',
    message: {
      ja: '行キー「{key}」が重複しています（{count}行）。',
      en: 'row key "{key}" is used by {count} rows.',
    },
    check: (report) => {
      const counts = new Map<string, number>();
      for (const r of report.rows) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
      return [...counts].filter(([, n]) => n > 1).map(([key, n]) => ({ rowKey: key, value: key, params: { key, count: n } }));
    },
  }),
  reportRule({
    id: 'continued-without-history',
    scope: 'report',
    severity: 'info',
    appliesTo: { kinds: ['initiative', 'focus'] },
    field: 'entries',
    message: {
      ja: '【継続】の記載がありますが、前年度のフォローアップに「{title}」の行が見当たりません。',
      en: 'the row has a 【継続】 (continued) entry but last cycle\'s follow-up has no row "{title}".',
    },
    // §8.4 item 3: 【継続】 asserts the entry existed last year. Rows are matched by title (or 重点項目 name), since
    // keys change with the layout from one cycle to the next.
    check: (report, context) => {
      const prev = context.previousReport;
      if (!prev) return [];
      const titles = new Set(prev.rows.flatMap((r) => [normName(r.title), normName(r.focusItem ?? r.title)]));
      return report.rows
        .filter((r) => (r.kind === 'initiative' || r.kind === 'focus') && r.entries.some((e) => e.tag === '継続'))
        .filter((r) => !titles.has(normName(r.title)) && !titles.has(normName(r.focusItem ?? r.title)))
        .map((r) => ({ rowKey: r.key, params: { title: r.focusItem ?? r.title } }));
    },
  }),
  reportRule({
    id: 'current-not-newer-than-last-cycle',
    scope: 'report',
    severity: 'warning',
    appliesTo: { kinds: ['indicator'] },
    field: 'indicatorValues',
    message: {
      ja: '区分「{category}」の最新の現状（{asOf}）が前年度のフォローアップの現状（{prevAsOf}）より新しくありません。',
      en: 'the newest current value of category "{category}" ({asOf}) is not newer than last cycle\'s ({prevAsOf}).',
    },
    check: (report, context) => {
      const prev = context.previousReport;
      if (!prev) return [];
      const newest = (row: Row, category: string | null) =>
        row.indicatorValues.filter((v) => v.valueKind === 'current' && v.category === category && asOfKey(v) !== null).sort((a, b) => a.seq - b.seq)[0];
      const findings: Finding[] = [];
      for (const row of report.rows.filter((r) => r.kind === 'indicator')) {
        const before = prev.rows.find(
          (p) => p.kind === 'indicator' && (row.indicatorCode !== null ? p.indicatorCode === row.indicatorCode : normName(p.title) === normName(row.title)),
        );
        if (!before) continue;
        for (const category of new Set(row.indicatorValues.map((v) => v.category))) {
          const now = newest(row, category);
          const then = newest(before, category);
          if (now && then && (asOfKey(now) ?? '') <= (asOfKey(then) ?? '')) {
            findings.push({
              rowKey: row.key,
              value: now.asOfRaw,
              params: { category: category ?? '（区分なし）', asOf: now.asOfRaw ?? '', prevAsOf: then.asOfRaw ?? '' },
            });
          }
        }
      }
      return findings;
    },
  }),
  rowRule({
    id: 'survey-choice-required',
    scope: 'row',
    severity: 'warning',
    appliesTo: { kinds: ['survey'] },
    field: 'surveyAnswers',
    message: {
      ja: '勤務時間管理システムの本省の回答は選択肢（{choices}）から選んでください（回答: {text}）。',
      en: 'the head-office (本省) answer on the work-hours system must be one of the choices ({choices}); got "{text}".',
    },
    check: (row) => {
      if (!isWorkHoursSurvey(row)) return [];
      return row.surveyAnswers
        .filter((a) => surveyScope(a.scope, a.scopeRaw) === 'head' && (a.choice === null || !WORK_HOURS_CHOICES.includes(a.choice)))
        .map((a) => ({ value: a.choice ?? a.text, params: { choices: WORK_HOURS_CHOICES.join('／'), text: a.choice ?? a.text } }));
    },
  }),
  rowRule({
    id: 'survey-text-required',
    scope: 'row',
    severity: 'warning',
    appliesTo: { kinds: ['survey'] },
    field: 'surveyAnswers',
    message: {
      ja: '勤務時間管理システムの地方支分部局等の回答（時期、範囲等）が記入されていません。',
      en: 'the regional offices (地方支分部局等) answer on the work-hours system (timing, scope) is empty.',
    },
    check: (row) => {
      if (!isWorkHoursSurvey(row)) return [];
      return row.surveyAnswers.filter((a) => surveyScope(a.scope, a.scopeRaw) === 'regional' && isBlank(a.text)).map(() => ({}));
    },
  }),
];

/** Looks a rule up by id. */
export function findRule(id: string): ValidationRule | undefined {
  return RULES.find((r) => r.id === id);
}
