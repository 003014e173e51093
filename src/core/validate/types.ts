/** Shapes of validation rules and their results (domain.md §8.4, §9.2). */
import type { Issue } from '../errors.js';
import type { Layout, Report, Row, RowKind, Severity, SourceRef } from '../model/schema.js';

/** What a rule's check reports: which row and field, the offending value, and values for the message template. */
export interface Finding {
  /** Defaults to the checked row's key for row rules. */
  rowKey?: string;
  /** Defaults to the rule's field. */
  field?: string;
  value?: unknown;
  /** Template parameters: `{name}` in the rule's messages is replaced by `params.name`. */
  params?: Readonly<Record<string, string | number>>;
}

/** Bilingual message templates; placeholders are `{param}` (plus `{value}` for the finding's value). */
export interface RuleMessage {
  ja: string;
  en: string;
}

/** Which rows a rule looks at. An empty or missing list means "all". */
export interface RuleTarget {
  kinds?: readonly RowKind[];
  layouts?: readonly Layout[];
}

interface RuleBase {
  /** Stable id, also the issue's `reason` (i18n key) and the ImportIssue `code`. */
  id: string;
  severity: Severity;
  appliesTo: RuleTarget;
  /** The Row field the rule is about. */
  field: string;
  message: RuleMessage;
}

export interface RowRule extends RuleBase {
  scope: 'row';
  /** Pure: looks at one row, with its report for context (layout, other rows, 重点項目). */
  check(row: Row, report: Report, context: ValidationContext): Finding[];
}

export interface ReportRule extends RuleBase {
  scope: 'report';
  /** Pure: looks across the rows of one report. */
  check(report: Report, context: ValidationContext): Finding[];
}

export type ValidationRule = RowRule | ReportRule;

/** Extra knowledge a report check may use. */
export interface ValidationContext {
  /** Other reports of the same document/organisation and cycle (000's L-R5-FOCUS holds the 重点項目 its L-R5-OVERVIEW refers to). */
  relatedReports?: readonly Report[];
  /** Last cycle's report of the same organisation and layout family: 【継続】 entries and 現状 dates are checked against it. */
  previousReport?: Report;
}

/** An Issue (errors.ts) with the rule, severity, place and both rendered messages. `row` is the row key. */
export interface ValidationIssue extends Issue {
  ruleId: string;
  severity: Severity;
  row?: string;
  field: string;
  /** Rule id (i18n key). */
  reason: string;
  message: string;
  messageEn: string;
  source?: SourceRef;
}
