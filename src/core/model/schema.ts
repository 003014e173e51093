/**
 * The follow-up model, defined once (zod). Everything the importer emits, the CLI prints as JSON, the store writes
 * to SharePoint lists and the UIs show is one of these shapes. Identifiers are English; Japanese vocabulary values
 * (tags, categories, survey labels) are kept verbatim because they are what the documents and the lists hold.
 *
 * Lossless rule (#2): every normalised value has its raw text and source position beside it.
 */
import { z } from 'zod';

/** The five tabular layouts of the seeds plus the prose action plan. */
export const LAYOUTS = ['L-R2', 'L-R5-FOCUS', 'L-R5-OVERVIEW', 'L-R6-COMPILATION', 'L-R7'] as const;
export const Layout = z.enum(LAYOUTS);
export type Layout = z.infer<typeof Layout>;

export const ROW_KINDS = ['initiative', 'focus', 'indicator', 'survey', 'heading'] as const;
export const RowKind = z.enum(ROW_KINDS);
export type RowKind = z.infer<typeof RowKind>;

/** 実施 / 実施未定. */
export const ImplementationStatus = { Implemented: 'implemented', Undecided: 'undecided' } as const;
export const Status = z.enum(['implemented', 'undecided']);
export type Status = z.infer<typeof Status>;
export const STATUS_LABELS_JA: Record<Status, string> = { implemented: '実施', undecided: '実施未定' };

/** Entry tags found at the start of narrative entries. */
export const TAGS = ['継続', '新規', '拡充', '新規・継続'] as const;
export const Tag = z.enum(TAGS);
export type Tag = z.infer<typeof Tag>;

/** (独自実施のもの) / (内閣人事局・人事院が実施するものへの派遣) split lines of L-R2. */
export const SPLIT_KINDS = ['独自実施のもの', '内閣人事局・人事院が実施するものへの派遣'] as const;
export const SplitKind = z.enum(SPLIT_KINDS);
export type SplitKind = z.infer<typeof SplitKind>;

export const REVIEW_STATES = ['unreviewed', 'submitted', 'returned', 'approved'] as const;
export const ReviewState = z.enum(REVIEW_STATES);
export type ReviewState = z.infer<typeof ReviewState>;

/** Where a value came from: file name (basename), 1-based line, optional 0-based cell index. */
export const SourceRef = z.object({
  file: z.string(),
  line: z.number().int().nonnegative(),
  col: z.number().int().nonnegative().optional(),
  /** Last line of a multi-line (PDF-wrapped) value, when it spans lines. */
  endLine: z.number().int().nonnegative().optional(),
});
export type SourceRef = z.infer<typeof SourceRef>;

/** One source cell exactly as found (HTML and all), with its position. */
export const RawCell = z.object({
  text: z.string(),
  line: z.number().int().nonnegative(),
  col: z.number().int().nonnegative(),
  /** What the cell was used for by the importer (e.g. 'status', 'narrative', 'title'), if anything. */
  role: z.string().optional(),
});
export type RawCell = z.infer<typeof RawCell>;

/** Precision of a normalised period. */
export const PERIOD_PRECISIONS = [
  'fiscalYear', // 令和4年度
  'fiscalYearEnd', // 令和7年度末 (a single day: 31 March)
  'year', // 令和2年 / 2020年
  'month', // 令和5年7月
  'day', // 令和6年4月1日 / R6.4.1
  'range', // 令和5年7月～9月
] as const;
export const PeriodPrecision = z.enum(PERIOD_PRECISIONS);
export type PeriodPrecision = z.infer<typeof PeriodPrecision>;

/** A normalised period: ISO dates (inclusive), precision, and the raw text. */
export const Period = z.object({
  raw: z.string(),
  start: z.string(), // YYYY-MM-DD
  end: z.string(), // YYYY-MM-DD
  precision: PeriodPrecision,
  /** まで / までに / 以降 / 末時点 / 毎年度 qualifiers around the date, when present. */
  relation: z.enum(['until', 'by', 'since', 'asOf', 'everyFiscalYear']).optional(),
});
export type Period = z.infer<typeof Period>;

export const VALUE_KINDS = ['target', 'current', 'baseline', 'note'] as const;
export const ValueKind = z.enum(VALUE_KINDS);
export type ValueKind = z.infer<typeof ValueKind>;

export const QUALIFIERS = ['以上', '程度', '毎年度以上'] as const;
export const Qualifier = z.enum(QUALIFIERS);
export type Qualifier = z.infer<typeof Qualifier>;

/** One value of a 数値 row: 目標 / 現状 (newest first, seq 0) / 目標設定時 / ※注記, per category. */
export const IndicatorValue = z.object({
  /** Canonical category (e.g. 係長相当職（本省）), or null when the indicator has no categories. */
  category: z.string().nullable(),
  categoryRaw: z.string().nullable(),
  valueKind: ValueKind,
  /** Order within (category, valueKind); 0 = newest for 現状. */
  seq: z.number().int().nonnegative(),
  /** Percent units (66.3 means 66.3 %), or null when the value is not a plain percentage. */
  valuePercent: z.number().min(0).max(100).nullable(),
  /** Verbatim value text, e.g. `75.0%`, `両休暇合計5日以上取得率100%`, `設定なし`, `－`. */
  valueText: z.string(),
  qualifier: Qualifier.nullable(),
  notApplicable: z.boolean(),
  asOfRaw: z.string().nullable(),
  asOfPrecision: PeriodPrecision.nullable(),
  asOfStart: z.string().nullable(),
  asOfEnd: z.string().nullable(),
  note: z.string().nullable(),
  /**
   * The cell the value was read from (lossless rule: raw `valueText`/`asOfRaw` plus this position). Optional so values
   * typed in by hand (not imported) need none; every importer sets it.
   */
  source: SourceRef.optional(),
});
export type IndicatorValue = z.infer<typeof IndicatorValue>;

/** One answer (or sub-field) of a 調査 row. */
export const SurveyAnswer = z.object({
  /** 本省 / 地方支分部局等（時期、範囲等） or null. Canonical form; `scopeRaw` keeps the printed one. */
  scope: z.string().nullable(),
  scopeRaw: z.string().nullable(),
  /** Canonical sub-field label without brackets (e.g. 時期・対象者の職位), or null. */
  subField: z.string().nullable(),
  subFieldRaw: z.string().nullable(),
  /** The choice value when the answer is one of the survey's choices. */
  choice: z.string().nullable(),
  text: z.string(),
  source: SourceRef,
});
export type SurveyAnswer = z.infer<typeof SurveyAnswer>;

/**
 * How a reference was resolved: `exact` (numbers and titles agree with the guideline), `title-match` (by title),
 * `structural` (a well-formed guideline path the catalogue lacks: parsed path kept, title unknown; #9),
 * `plan-specific` (the organisation's own plan), `unresolved`.
 */
export const REF_RESOLUTIONS = ['exact', 'title-match', 'structural', 'plan-specific', 'unresolved'] as const;
export const RefResolution = z.enum(REF_RESOLUTIONS);
export type RefResolution = z.infer<typeof RefResolution>;

/** One reference to the guideline (WLB指針) or to the ministry's own plan. */
export const GuidelineRef = z.object({
  /** The reference text as printed (tags removed, PDF wraps joined). */
  raw: z.string(),
  /** Normalised marker path as read from the text, e.g. `Ⅱ-1-(1)-③`. */
  path: z.string().nullable(),
  /**
   * Guideline node id (`G2024:Ⅱ-3-(1)-②-ア`) or null when unresolved / plan-specific without a match. For `structural`
   * references the id of the guideline path the catalogue does not list (e.g. `G2024:Ⅱ-2-(2)`).
   */
  nodeId: z.string().nullable(),
  resolution: RefResolution,
  confidence: z.number().min(0).max(1),
  /** The cell the reference was read from (lossless rule; optional for references entered by hand, set on import). */
  source: SourceRef.optional(),
});
export type GuidelineRef = z.infer<typeof GuidelineRef>;

/** One entry of a narrative cell: its tag (if any) and text. */
export const NarrativeEntry = z.object({ tag: Tag.nullable(), text: z.string() });
export type NarrativeEntry = z.infer<typeof NarrativeEntry>;

export const Row = z.object({
  /** Stable key unique within the report: `${layout}/${path}`. */
  key: z.string(),
  kind: RowKind,
  sortOrder: z.number().int().nonnegative(),
  parentKey: z.string().nullable(),
  level: z.number().int().min(0).max(4),
  /** 大項目 (canonical) and as printed. */
  majorItem: z.string().nullable(),
  majorItemRaw: z.string().nullable(),
  /** Hierarchy marker as printed (`b 7`, `4`, `1-1.`) and normalised (`b/ア`, `4`, `1-1`). */
  markerRaw: z.string().nullable(),
  markerNorm: z.string().nullable(),
  /** 中項目/小項目/項目 title, or indicator/survey name, or 重点項目 name. Plain text. */
  title: z.string(),
  /** Title with inline markup (`<b>`) when the source had it. */
  titleRich: z.string().nullable(),
  focusItem: z.string().nullable(),
  splitKind: SplitKind.nullable(),
  status: Status.nullable(),
  statusRaw: z.string().nullable(),
  reasonNotPlanned: z.string().nullable(),
  /** Plain text (HTML removed, paragraphs as newlines). */
  narrative: z.string().nullable(),
  /** Verbatim source of the narrative (HTML kept). */
  narrativeRaw: z.string().nullable(),
  outcome: z.string().nullable(),
  outcomeRaw: z.string().nullable(),
  tags: z.array(Tag),
  entries: z.array(NarrativeEntry),
  /** `※(一部)重点項目「…」参照`. */
  crossRef: z.object({ focusItem: z.string(), partial: z.boolean() }).nullable(),
  guidelineRefs: z.array(GuidelineRef),
  guidelineRefsRaw: z.string().nullable(),
  /** Indicator code for 数値 rows (see core/indicator catalogue). */
  indicatorCode: z.string().nullable(),
  indicatorValues: z.array(IndicatorValue),
  /** Survey type code for 調査 rows. */
  surveyCode: z.string().nullable(),
  surveyAnswers: z.array(SurveyAnswer),
  /** Division that owns the row (assigned later by the secretariat; null on import). */
  division: z.string().nullable(),
  reviewState: ReviewState,
  source: SourceRef,
  cells: z.array(RawCell),
});
export type Row = z.infer<typeof Row>;

export const SEVERITIES = ['info', 'warning', 'error'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** A problem or a decision found while importing: which file, line, field, why; and a proposal where ambiguous. */
export const ImportIssue = z.object({
  severity: Severity,
  code: z.string(),
  file: z.string(),
  line: z.number().int().nonnegative(),
  col: z.number().int().nonnegative().optional(),
  field: z.string().optional(),
  value: z.string().optional(),
  message: z.string(), // Japanese
  messageEn: z.string(),
  /** Proposed answer for an ambiguity, with confidence 0..1. */
  proposal: z.object({ value: z.string(), confidence: z.number().min(0).max(1) }).optional(),
  rowKey: z.string().optional(),
});
export type ImportIssue = z.infer<typeof ImportIssue>;

export const FocusItem = z.object({
  name: z.string(),
  number: z.string().nullable(),
  /** Printed position in the 重点項目 list of the source (0-based), if printed. */
  printedOrder: z.number().int().nonnegative().nullable(),
});
export type FocusItem = z.infer<typeof FocusItem>;

export const Report = z.object({
  key: z.string(),
  /** 府省等 name as printed (or inferred; see organizationSource). */
  organization: z.string().nullable(),
  organizationCode: z.string().nullable(),
  organizationSource: z.enum(['printed', 'option', 'inferred', 'unknown']),
  /** Western year of the cycle as labelled by the document (令和5年度 → 2023). */
  fiscalYear: z.number().int().nullable(),
  cycleLabel: z.string().nullable(),
  /** Year whose implementation the report describes, when it differs from the label (002: 令和５年度の実施状況). */
  implementationYear: z.number().int().nullable(),
  layout: Layout,
  title: z.string(),
  titleRaw: z.array(z.string()),
  coverNote: z.string().nullable(),
  noRowsReason: z.string().nullable(),
  focusItems: z.array(FocusItem),
  rows: z.array(Row),
  issues: z.array(ImportIssue),
  reviewState: ReviewState,
  source: SourceRef,
  /**
   * Printed text that belongs to the report rather than to one row, verbatim with its printed line breaks and its
   * position (lossless rule): 002's cover (`coverNote`), the 【府省等名：…】 marker line (`marker`) and the no-rows reason
   * (`noRowsReason`). Optional: set by the PDF-text compilation importer (#2), absent elsewhere.
   */
  cells: z.array(RawCell).optional(),
});
export type Report = z.infer<typeof Report>;

export const PLAN_ITEM_KINDS = ['item', 'directive', 'analysis', 'issues', 'heading'] as const;
export const PlanItem = z.object({
  id: z.string(),
  /** Plan section path, e.g. `Ⅱ-1-(3)-(ⅱ)` or `Ⅲ-2-(4)`. */
  sectionPath: z.string(),
  sectionTitle: z.string(),
  number: z.string().nullable(),
  kind: z.enum(PLAN_ITEM_KINDS),
  phase: z.string().nullable(),
  title: z.string().nullable(),
  body: z.string(),
  isRepost: z.boolean(),
  repostOf: z.string().nullable(),
  refersTo: z.array(z.string()),
  focusItem: z.string().nullable(),
  /** Guideline node this plan section corresponds to, when known. */
  guidelineNodeId: z.string().nullable(),
  source: SourceRef,
});
export type PlanItem = z.infer<typeof PlanItem>;

export const Plan = z.object({
  key: z.string(),
  organization: z.string().nullable(),
  title: z.string(),
  decidedOn: Period.nullable(),
  revisedOn: Period.nullable(),
  /** Revision stamp printed on the plan without a date (001 line 1 ` 改定 `). Optional: added for the plan importer (#2). */
  revisionStamp: z.string().nullable().optional(),
  periodEnd: z.string().nullable(),
  focusItems: z.array(FocusItem),
  sections: z.array(z.object({ path: z.string(), marker: z.string(), title: z.string(), source: SourceRef })),
  items: z.array(PlanItem),
  issues: z.array(ImportIssue),
  source: SourceRef,
});
export type Plan = z.infer<typeof Plan>;

/** What `followup import --json` prints. */
export const ImportResult = z.object({
  reports: z.array(Report),
  plans: z.array(Plan),
  /** File-level issues that belong to no report (empty file, unknown document…). */
  issues: z.array(ImportIssue),
});
export type ImportResult = z.infer<typeof ImportResult>;
