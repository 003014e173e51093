/**
 * Domain ⇄ SharePoint list fields (#4): pure mapping between a Row (with its report context) and the FollowUpRows
 * `fields` dictionary, and between a Report header and a FollowUpReports item. Column names come from ./schema.ts.
 *
 * Values are canonical so that two writers produce byte-identical fields for identical rows: JSON columns use
 * sorted keys, and empty strings are stored as null (SharePoint returns neither, so a diff must not see them).
 */
import type { Issue } from '../errors.js';
import {
  FocusItem,
  GuidelineRef,
  ImportIssue,
  IndicatorValue,
  NarrativeEntry,
  RawCell,
  Report,
  ReviewState,
  Row,
  SourceRef,
  SurveyAnswer,
  Tag,
  type RowKind,
  type Status,
} from '../model/schema.js';
import { reconcileRaw } from '../model/reconcile-raw.js';
import { err, ok, type Result } from '../result.js';
import { z } from 'zod';
import { MAX_TEXT_LENGTH, REPORTS_LIST, ROWS_LIST, ROW_KIND_CHOICES, REVIEW_STATE_CHOICES, STATUS_CHOICES, type ListSchema } from './schema.js';

export type FieldValue = string | number | boolean | null;
/** A `fieldValueSet` restricted to the columns we own. */
export type Fields = Record<string, FieldValue>;

/** What one FollowUpRows item holds, in domain terms. */
export interface RowRecord {
  /** List-wide unique key (see toListRowKey). */
  rowKey: string;
  reportKey: string;
  fiscalYear: number;
  orgCode: string;
  row: Row;
  reviewComment: string | null;
}

/** Report header as stored in FollowUpReports (rows live in FollowUpRows). */
export interface ReportRecord {
  report: Omit<Report, 'rows'>;
  /** Number of rows the import writes for this report. */
  rowCount: number;
}

const ROW_KIND_JA: Record<RowKind, (typeof ROW_KIND_CHOICES)[number]> = {
  initiative: '取組',
  focus: '重点項目',
  indicator: '数値',
  survey: '調査',
  heading: '見出し',
};
const STATUS_JA: Record<Status, (typeof STATUS_CHOICES)[number]> = { implemented: '実施', undecided: '実施未定' };
const REVIEW_JA: Record<ReviewState, (typeof REVIEW_STATE_CHOICES)[number]> = {
  unreviewed: '未確認',
  submitted: '提出済',
  returned: '差戻し',
  approved: '承認済',
};

const invert = <K extends string, V extends string>(m: Record<K, V>): Map<string, K> =>
  new Map(Object.entries(m).map(([k, v]) => [v as string, k as K]));
const ROW_KIND_FROM_JA = invert(ROW_KIND_JA);
const STATUS_FROM_JA = invert(STATUS_JA);
const REVIEW_FROM_JA = invert(REVIEW_JA);

/** JSON with sorted object keys: equal values always give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

const text = (v: string | null | undefined): string | null => (v === undefined || v === null || v === '' ? null : v);

/** 64-bit FNV-1a as 16 hex digits (two 32-bit halves; pure, no crypto API in core). */
function fnv1a64(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x01000193 + 2) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

/**
 * The list-wide RowKey of a row: `${reportKey}/${rowKey}`, or, when that exceeds a single line of text, a prefix
 * plus a hash of the whole. Deterministic, so a re-run import computes the same keys and skips what exists.
 */
export function toListRowKey(reportKey: string, rowKey: string): string {
  const full = `${reportKey}/${rowKey}`;
  if (full.length <= MAX_TEXT_LENGTH) return full;
  return `${full.slice(0, MAX_TEXT_LENGTH - 18)}#${fnv1a64(full)}`;
}

/**
 * SharePoint's built-in Title is required, but split lines and virtual parents have no title of their own. Such
 * rows get a bracketed label (marker or key) and `untitled: true` in SourceRaw, so reading back gives '' again.
 */
const untitledLabel = (label: string): string => `［${label}］`.slice(0, MAX_TEXT_LENGTH);

/** Row → FollowUpRows fields (every owned column, null when empty). */
export function toRowFields(record: RowRecord): Fields {
  const r = record.row;
  const untitled = r.title === '';
  return {
    Title: untitled ? untitledLabel(r.markerRaw ?? r.key) : r.title,
    RowKey: record.rowKey,
    ReportKey: record.reportKey,
    FiscalYear: record.fiscalYear,
    OrgCode: record.orgCode,
    DivisionCode: text(r.division),
    RowKind: ROW_KIND_JA[r.kind],
    SortOrder: r.sortOrder,
    Level: r.level,
    ParentRowKey: text(r.parentKey),
    MajorItem: text(r.majorItem),
    MarkerRaw: text(r.markerRaw),
    MarkerNorm: text(r.markerNorm),
    FocusItem: text(r.focusItem),
    SplitKind: r.splitKind,
    Status: r.status === null ? null : STATUS_JA[r.status],
    ReasonNotPlanned: text(r.reasonNotPlanned),
    Narrative: text(r.narrative),
    NarrativeEntriesJson: r.tags.length === 0 && r.entries.length === 0 ? null : canonicalJson({ tags: r.tags, entries: r.entries }),
    Outcome: text(r.outcome),
    IndicatorValuesJson: r.indicatorValues.length === 0 ? null : canonicalJson(r.indicatorValues),
    SurveyAnswersJson: r.surveyAnswers.length === 0 ? null : canonicalJson(r.surveyAnswers),
    ReviewState: REVIEW_JA[r.reviewState],
    ReviewComment: text(record.reviewComment),
    RowDetailJson: canonicalJson({
      majorItemRaw: r.majorItemRaw,
      titleRich: r.titleRich,
      crossRef: r.crossRef,
      guidelineRefs: r.guidelineRefs,
      guidelineRefsRaw: r.guidelineRefsRaw,
      indicatorCode: r.indicatorCode,
      surveyCode: r.surveyCode,
    }),
    SourceRaw: canonicalJson({
      key: r.key,
      source: r.source,
      cells: r.cells,
      statusRaw: r.statusRaw,
      narrativeRaw: r.narrativeRaw,
      outcomeRaw: r.outcomeRaw,
      ...(untitled ? { untitled: true } : {}),
    }),
  };
}

const RowDetail = z.object({
  majorItemRaw: z.string().nullable().default(null),
  titleRich: z.string().nullable().default(null),
  crossRef: z.object({ focusItem: z.string(), partial: z.boolean() }).nullable().default(null),
  guidelineRefs: z.array(GuidelineRef).default([]),
  guidelineRefsRaw: z.string().nullable().default(null),
  indicatorCode: z.string().nullable().default(null),
  surveyCode: z.string().nullable().default(null),
});
const SourceRaw = z.object({
  key: z.string(),
  source: SourceRef,
  cells: z.array(RawCell).default([]),
  statusRaw: z.string().nullable().default(null),
  narrativeRaw: z.string().nullable().default(null),
  outcomeRaw: z.string().nullable().default(null),
  untitled: z.boolean().default(false),
});
const NarrativeEntries = z.object({ tags: z.array(Tag).default([]), entries: z.array(NarrativeEntry).default([]) });

/** Reads fields as returned by Graph (missing = null; numbers may arrive as strings). */
class FieldReader {
  readonly issues: Issue[] = [];
  constructor(
    private readonly fields: Record<string, unknown>,
    private readonly where: string,
  ) {}

  str(name: string): string | null {
    const v = this.fields[name];
    if (v === undefined || v === null || v === '') return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    this.issues.push({ row: this.where, field: name, value: v, reason: 'expected text' });
    return null;
  }

  requiredStr(name: string): string {
    const v = this.str(name);
    if (v === null) this.issues.push({ row: this.where, field: name, reason: 'required value missing' });
    return v ?? '';
  }

  num(name: string): number | null {
    const v = this.fields[name];
    if (v === undefined || v === null || v === '') return null;
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (!Number.isFinite(n)) {
      this.issues.push({ row: this.where, field: name, value: v, reason: 'expected a number' });
      return null;
    }
    return n;
  }

  choice<T extends string>(name: string, map: Map<string, T>): T | null {
    const v = this.str(name);
    if (v === null) return null;
    const mapped = map.get(v);
    if (mapped === undefined) this.issues.push({ row: this.where, field: name, value: v, reason: 'unknown choice value' });
    return mapped ?? null;
  }

  json<T>(name: string, schema: z.ZodType<T>, fallback: T): T {
    const v = this.str(name);
    if (v === null) return fallback;
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch (error) {
      this.issues.push({ row: this.where, field: name, value: v.slice(0, 80), reason: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` });
      return fallback;
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      this.issues.push({ row: this.where, field: name, reason: `unexpected JSON shape: ${result.error.issues[0]?.message ?? ''}` });
      return fallback;
    }
    return result.data;
  }
}

/**
 * FollowUpRows fields → domain record. Collects every problem instead of stopping at the first.
 * The printed forms come from SourceRaw, which nobody edits; a division that edits Narrative or Outcome (or the
 * secretariat Title or RowDetailJson) leaves them stale, so each one that no longer gives its normalised value is
 * dropped (reconcileRaw): the record is coherent, and a row nobody edited reads back exactly as imported.
 */
export function fromRowFields(fields: Record<string, unknown>): Result<RowRecord, Issue[]> {
  const where = typeof fields.RowKey === 'string' ? fields.RowKey : '(no RowKey)';
  const f = new FieldReader(fields, where);
  const rowKey = f.requiredStr('RowKey');
  const reportKey = f.requiredStr('ReportKey');
  const fiscalYear = f.num('FiscalYear');
  if (fiscalYear === null) f.issues.push({ row: where, field: 'FiscalYear', reason: 'required value missing' });
  const orgCode = f.requiredStr('OrgCode');
  const kind = f.choice('RowKind', ROW_KIND_FROM_JA);
  if (kind === null) f.issues.push({ row: where, field: 'RowKind', reason: 'required value missing' });
  const splitKindText = f.str('SplitKind');
  const detail = f.json('RowDetailJson', RowDetail, RowDetail.parse({}));
  const source = f.json('SourceRaw', SourceRaw.nullable(), null);
  if (source === null) f.issues.push({ row: where, field: 'SourceRaw', reason: 'required value missing' });
  const entries = f.json('NarrativeEntriesJson', NarrativeEntries, { tags: [], entries: [] });
  const candidate = {
    key: source?.key ?? '',
    kind: kind ?? 'initiative',
    sortOrder: f.num('SortOrder') ?? 0,
    parentKey: f.str('ParentRowKey'),
    level: f.num('Level') ?? 0,
    majorItem: f.str('MajorItem'),
    majorItemRaw: detail.majorItemRaw,
    markerRaw: f.str('MarkerRaw'),
    markerNorm: f.str('MarkerNorm'),
    title: source?.untitled ? '' : (f.str('Title') ?? ''),
    titleRich: detail.titleRich,
    focusItem: f.str('FocusItem'),
    splitKind: splitKindText,
    status: f.choice('Status', STATUS_FROM_JA),
    statusRaw: source?.statusRaw ?? null,
    reasonNotPlanned: f.str('ReasonNotPlanned'),
    narrative: f.str('Narrative'),
    narrativeRaw: source?.narrativeRaw ?? null,
    outcome: f.str('Outcome'),
    outcomeRaw: source?.outcomeRaw ?? null,
    tags: entries.tags,
    entries: entries.entries,
    crossRef: detail.crossRef,
    guidelineRefs: detail.guidelineRefs,
    guidelineRefsRaw: detail.guidelineRefsRaw,
    indicatorCode: detail.indicatorCode,
    indicatorValues: f.json('IndicatorValuesJson', z.array(IndicatorValue), []),
    surveyCode: detail.surveyCode,
    surveyAnswers: f.json('SurveyAnswersJson', z.array(SurveyAnswer), []),
    division: f.str('DivisionCode'),
    reviewState: f.choice('ReviewState', REVIEW_FROM_JA) ?? 'unreviewed',
    source: source?.source ?? { file: '', line: 0 },
    cells: source?.cells ?? [],
  };
  const reviewComment = f.str('ReviewComment');
  if (f.issues.length > 0) return err(f.issues);
  const row = Row.safeParse(candidate);
  if (!row.success) return err(row.error.issues.map((i) => ({ row: where, field: i.path.join('.'), reason: i.message })));
  return ok({ rowKey, reportKey, fiscalYear: fiscalYear ?? 0, orgCode, row: reconcileRaw(row.data), reviewComment });
}

const ReportDetail = z.object({
  titleRaw: z.array(z.string()).default([]),
  coverNote: z.string().nullable().default(null),
  noRowsReason: z.string().nullable().default(null),
  focusItems: z.array(FocusItem).default([]),
  source: SourceRef,
  untitled: z.boolean().default(false),
});

/** Report header → FollowUpReports fields. Requires the report's fiscal year and 府省等 code (validated by the caller). */
export function toReportFields(report: Report | Omit<Report, 'rows'>, rowCount: number): Fields {
  const untitled = report.title === '';
  return {
    Title: untitled ? untitledLabel(report.key) : report.title,
    ReportKey: report.key,
    FiscalYear: report.fiscalYear,
    OrgCode: report.organizationCode,
    Organization: text(report.organization),
    OrganizationSource: report.organizationSource,
    Layout: report.layout,
    CycleLabel: text(report.cycleLabel),
    ImplementationYear: report.implementationYear,
    ReviewState: REVIEW_JA[report.reviewState],
    RowCount: rowCount,
    ReportDetailJson: canonicalJson({
      titleRaw: report.titleRaw,
      coverNote: report.coverNote,
      noRowsReason: report.noRowsReason,
      focusItems: report.focusItems,
      source: report.source,
      ...(untitled ? { untitled: true } : {}),
    }),
    ImportIssuesJson: report.issues.length === 0 ? null : canonicalJson(report.issues),
  };
}

/** FollowUpReports fields → report header. */
export function fromReportFields(fields: Record<string, unknown>): Result<ReportRecord, Issue[]> {
  const where = typeof fields.ReportKey === 'string' ? fields.ReportKey : '(no ReportKey)';
  const f = new FieldReader(fields, where);
  const detail = f.json('ReportDetailJson', ReportDetail.nullable(), null);
  if (detail === null) f.issues.push({ row: where, field: 'ReportDetailJson', reason: 'required value missing' });
  const candidate = {
    key: f.requiredStr('ReportKey'),
    organization: f.str('Organization'),
    organizationCode: f.str('OrgCode'),
    organizationSource: f.str('OrganizationSource') ?? 'unknown',
    fiscalYear: f.num('FiscalYear'),
    cycleLabel: f.str('CycleLabel'),
    implementationYear: f.num('ImplementationYear'),
    layout: f.str('Layout') ?? '',
    title: detail?.untitled ? '' : (f.str('Title') ?? ''),
    titleRaw: detail?.titleRaw ?? [],
    coverNote: detail?.coverNote ?? null,
    noRowsReason: detail?.noRowsReason ?? null,
    focusItems: detail?.focusItems ?? [],
    rows: [],
    issues: f.json('ImportIssuesJson', z.array(ImportIssue), []),
    reviewState: f.choice('ReviewState', REVIEW_FROM_JA) ?? 'unreviewed',
    source: detail?.source ?? { file: '', line: 0 },
  };
  const rowCount = f.num('RowCount') ?? 0;
  if (f.issues.length > 0) return err(f.issues);
  const parsed = Report.safeParse(candidate);
  if (!parsed.success) return err(parsed.error.issues.map((i) => ({ row: where, field: i.path.join('.'), reason: i.message })));
  const { rows: _rows, ...header } = parsed.data;
  return ok({ report: header, rowCount });
}

/** Printed forms inside the JSON columns that reconcileRaw drops once their value was edited (see fromRowFields). */
const PRINTED_FORMS: Readonly<Record<string, readonly string[]>> = {
  SourceRaw: ['statusRaw', 'narrativeRaw', 'outcomeRaw'],
  RowDetailJson: ['titleRich', 'guidelineRefsRaw'],
};

/**
 * The fields without the printed forms that reading derives (statusRaw, narrativeRaw, outcomeRaw, titleRich,
 * guidelineRefsRaw). A row read back after an edit of its Narrative no longer carries a narrativeRaw, while the item
 * in the list still does: comparing with these left out tells a change someone made from this derivation, so a save
 * whose answer was lost is recognised as ours (#7). Nobody edits a printed form through the store.
 */
export function withoutPrintedForms(fields: Fields): Fields {
  const out: Fields = { ...fields };
  for (const [column, keys] of Object.entries(PRINTED_FORMS)) {
    const v = out[column];
    if (typeof v !== 'string') continue;
    try {
      const parsed = JSON.parse(v) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) continue;
      const rest = { ...(parsed as Record<string, unknown>) };
      for (const k of keys) delete rest[k];
      out[column] = canonicalJson(rest);
    } catch {
      // Not JSON (hand-edited in SharePoint): compared as it is, which is what it is.
    }
  }
  return out;
}

/** Problems that would make SharePoint reject the fields (text over 255, missing required values). */
export function checkFields(list: ListSchema, fields: Fields, where: string): Issue[] {
  const issues: Issue[] = [];
  for (const c of list.columns) {
    const v = fields[c.name];
    if (c.required && (v === null || v === undefined)) issues.push({ row: where, field: c.name, reason: 'required value missing' });
    if (c.kind === 'text' && typeof v === 'string' && v.length > MAX_TEXT_LENGTH) {
      issues.push({ row: where, field: c.name, value: v.slice(0, 40), reason: `longer than ${MAX_TEXT_LENGTH} characters (${v.length})` });
    }
    if (c.kind === 'choice' && typeof v === 'string' && c.choices && !c.choices.includes(v)) {
      issues.push({ row: where, field: c.name, value: v, reason: 'not one of the column choices' });
    }
  }
  return issues;
}

export const checkRowFields = (fields: Fields, where: string): Issue[] => checkFields(ROWS_LIST, fields, where);
export const checkReportFields = (fields: Fields, where: string): Issue[] => checkFields(REPORTS_LIST, fields, where);

/**
 * Decodes one stored field value for display in a conflict (choices back to domain values, JSON parsed).
 * Unknown fields and undecodable values are returned unchanged.
 */
export function toDomainValue(field: string, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') {
    if (field === 'Status') return STATUS_FROM_JA.get(value) ?? value;
    if (field === 'ReviewState') return REVIEW_FROM_JA.get(value) ?? value;
    if (field === 'RowKind') return ROW_KIND_FROM_JA.get(value) ?? value;
    if (field.endsWith('Json') || field === 'SourceRaw') {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        // Not JSON after all (hand-edited in SharePoint): showing the raw text is the most useful thing to do.
        return value;
      }
    }
  }
  return value;
}

/** Keeps only the columns of `list` from a Graph fieldValueSet (drops @odata.etag, Modified, LinkTitle, …). */
export function pickOwnedFields(list: ListSchema, fields: Record<string, unknown>): Fields {
  const out: Fields = {};
  for (const c of list.columns) {
    const v = fields[c.name];
    if (v === undefined || v === null || v === '') out[c.name] = null;
    else if (c.kind === 'number' && typeof v === 'string' && Number.isFinite(Number(v))) out[c.name] = Number(v);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[c.name] = v;
    else out[c.name] = canonicalJson(v);
  }
  return out;
}
