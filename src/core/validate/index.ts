/**
 * Row and report validation (domain.md §8.4, §9.2): runs the rules of RULES and renders bilingual messages that name
 * the file, line, row, field and reason.
 */
import { ValidationError } from '../errors.js';
import type { ImportIssue, Report, Row, SourceRef } from '../model/schema.js';
import { RULES } from './rules.js';
import type { Finding, RuleTarget, ValidationContext, ValidationIssue, ValidationRule } from './types.js';

export { findRule, LAYOUTS_WITH_STATUS, LAYOUTS_WITH_TAGS, RULES, WORK_HOURS_CHOICES } from './rules.js';
export type {
  Finding,
  ReportRule,
  RowRule,
  RuleMessage,
  RuleTarget,
  ValidationContext,
  ValidationIssue,
  ValidationRule,
} from './types.js';

/** Japanese labels of the Row fields rules talk about (column captions of the layouts). */
export const FIELD_LABELS_JA: Readonly<Record<string, string>> = {
  key: '行キー',
  title: '項目名',
  focusItem: '重点項目',
  status: '実施状況',
  reasonNotPlanned: '実施未定の場合の理由',
  narrative: '取組時期・内容・成果',
  outcome: '具体的な成果・課題・今後の取組',
  entries: '記載（タグ）',
  crossRef: '重点項目の参照',
  guidelineRefs: 'WLB取組指針の該当箇所',
  indicatorValues: '数値',
  surveyAnswers: '調査',
  splitKind: '区分',
  parentKey: '親行',
};

function applies(target: RuleTarget, row: Row, report: Report): boolean {
  const kindOk = !target.kinds || target.kinds.length === 0 || target.kinds.includes(row.kind);
  const layoutOk = !target.layouts || target.layouts.length === 0 || target.layouts.includes(report.layout);
  return kindOk && layoutOk;
}

/** Replaces `{name}` with params (or the finding's value for `{value}`); unknown names stay as written. */
export function renderTemplate(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

function where(source: SourceRef | undefined, rowKey: string | undefined, field: string): { ja: string; en: string } {
  const fieldJa = FIELD_LABELS_JA[field] ?? field;
  const fileJa = source ? `${source.file} ${source.line}行目` : '';
  const fileEn = source ? `${source.file} line ${source.line}` : '';
  const rowJa = rowKey ? `行「${rowKey}」` : '';
  const rowEn = rowKey ? `row "${rowKey}"` : '';
  return {
    ja: `${[fileJa, rowJa, `項目「${fieldJa}」`].filter((s) => s !== '').join(' ')}: `,
    en: `${[fileEn, rowEn, `field ${field}`].filter((s) => s !== '').join(', ')}: `,
  };
}

function toIssue(rule: ValidationRule, finding: Finding, row: Row | undefined): ValidationIssue {
  const field = finding.field ?? rule.field;
  const rowKey = finding.rowKey ?? row?.key;
  const params = { value: finding.value === undefined ? '' : String(finding.value), ...finding.params };
  const loc = where(row?.source, rowKey, field);
  return {
    ruleId: rule.id,
    severity: rule.severity,
    ...(rowKey !== undefined ? { row: rowKey } : {}),
    field,
    ...(finding.value !== undefined ? { value: finding.value } : {}),
    reason: rule.id,
    message: loc.ja + renderTemplate(rule.message.ja, params),
    messageEn: loc.en + renderTemplate(rule.message.en, params),
    ...(row ? { source: row.source } : {}),
  };
}

function runRowRules(row: Row, report: Report, context: ValidationContext, rules: readonly ValidationRule[]): ValidationIssue[] {
  return rules.flatMap((rule) =>
    rule.scope === 'row' && applies(rule.appliesTo, row, report)
      ? rule.check(row, report, context).map((f) => toIssue(rule, f, row))
      : [],
  );
}

/**
 * Checks one row in the context of its report (layout, sibling rows, 重点項目). Returns every issue, never throws.
 * @example validateRow(row, report) // → [{ ruleId: 'reason-required-when-undecided', severity: 'error', row: 'L-R5-OVERVIEW/…', field: 'reasonNotPlanned', … }]
 */
export function validateRow(
  row: Row,
  report: Report,
  context: ValidationContext = {},
  rules: readonly ValidationRule[] = RULES,
): ValidationIssue[] {
  return runRowRules(row, report, context, rules);
}

/** Checks every row of a report and the cross-row rules; issues come in row order, then report-level rules. */
export function validateReport(
  report: Report,
  context: ValidationContext = {},
  rules: readonly ValidationRule[] = RULES,
): ValidationIssue[] {
  const rowIssues = report.rows.flatMap((row) => runRowRules(row, report, context, rules));
  const reportIssues = rules.flatMap((rule) => {
    if (rule.scope !== 'report') return [];
    return rule.check(report, context).map((f) => {
      const row = f.rowKey === undefined ? undefined : report.rows.find((r) => r.key === f.rowKey);
      return toIssue(rule, f, row);
    });
  });
  return [...rowIssues, ...reportIssues];
}

/** Converts issues to ImportIssue objects (code = rule id), placing each at its row's source, else the report's. */
export function toImportIssues(issues: readonly ValidationIssue[], report: Report): ImportIssue[] {
  return issues.map((i) => {
    const source = i.source ?? report.source;
    const value = i.value === undefined || i.value === null ? undefined : String(i.value);
    return {
      severity: i.severity,
      code: i.ruleId,
      file: source.file,
      line: source.line,
      ...(source.col !== undefined ? { col: source.col } : {}),
      field: i.field,
      ...(value !== undefined ? { value } : {}),
      message: i.message,
      messageEn: i.messageEn,
      ...(i.row !== undefined ? { rowKey: i.row } : {}),
    };
  });
}

/** True when any issue is an error (a boundary must not write the data). */
export function hasErrors(issues: readonly ValidationIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

/**
 * For boundaries (before writing to the list): a ValidationError carrying the error-severity issues, or null when
 * there are none. Warnings and info never block.
 */
export function toValidationError(issues: readonly ValidationIssue[]): ValidationError | null {
  const errors = issues.filter((i) => i.severity === 'error');
  return errors.length === 0 ? null : new ValidationError(errors);
}
