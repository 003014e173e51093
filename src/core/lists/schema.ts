/**
 * The SharePoint lists the product needs, as data (#4). Provisioning (src/graph/provision.ts) turns this into Graph
 * `columnDefinition`s; docs/lists.md documents every list and column from it. Internal column names are ASCII and
 * never change once shipped; a newer schema only adds lists and columns (or indexes), never renames or drops them.
 */

/**
 * Bump when a list or column is added. Columns carry the version that introduced them (`since`).
 * 2: FollowUpReports.ImportState (an import that completed is never resumed, so deleted rows stay deleted).
 * 3: FollowUpDivisions (divisions are data: names, SharePoint groups, Teams channels, guidance; #10).
 * 4: FollowUpLedger (the secretariat-only record of what ties each row to its report and division, for the audit)
 *    and the "Edit without delete" permission level given to divisions and reviewers (#8).
 * 5: FollowUpGuidance (#10, branch grid).
 * 6: the review cycle (#12): FollowUpReview (one item per row: state, comment, who/when; reviewers write it,
 *    divisions read it) and FollowUpSubmissions (add-only for divisions); reviewers keep only Read plus the right to
 *    lock and unlock a row ("Review rows") on assigned rows. Existing review states are copied into FollowUpReview.
 *    FollowUpReports.Deadline and CycleState (cycles: deadline, closing).
 * 7: SharePoint views of FollowUpRows and FollowUpReview and column formatting of the state columns (#12 item 5,
 *    ./views.ts, sent through SharePoint REST), FollowUpReview.Deadline (a date the overdue view compares with [Today];
 *    written when the secretariat sets the deadline, existing items are not touched by the upgrade), and
 *    FollowUpReminders (reminders sent to divisions; the secretariat writes, everyone reads).
 */
export const SCHEMA_VERSION = 7;

/** SharePoint allows at most 20 indexed columns per list. */
export const MAX_INDEXES_PER_LIST = 20;
/** Single line of text holds at most 255 characters. */
export const MAX_TEXT_LENGTH = 255;

/** Who may change a column's value after the item exists (see src/core/permissions). */
export const FieldGroup = {
  /** Set once when the item is created (keys); nobody edits it afterwards. */
  Immutable: 'immutable',
  /** Structure and assignment: the secretariat only. */
  Structure: 'structure',
  /** What the owning division reports: status, reason, content, results, indicator values, survey answers. */
  Division: 'division',
  /** Review state and comment: reviewers (and the secretariat). */
  Review: 'review',
} as const;
export type FieldGroup = (typeof FieldGroup)[keyof typeof FieldGroup];

export type ColumnKind = 'text' | 'note' | 'choice' | 'number' | 'boolean' | 'date';

export interface ColumnSchema {
  /** Internal (API) name: the key in `fields`, `$select` and `$filter`. */
  readonly name: string;
  /** Japanese display name shown in SharePoint. */
  readonly displayName: string;
  readonly kind: ColumnKind;
  /** What the column means (English; docs/lists.md). */
  readonly description: string;
  readonly group: FieldGroup;
  readonly indexed?: boolean;
  readonly required?: boolean;
  /** Unique values (SharePoint requires the column to be indexed as well). */
  readonly unique?: boolean;
  readonly choices?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  /** Built into the list template (`Title`): never created, only documented and selected. */
  readonly builtIn?: boolean;
  /** Schema version that introduced the column. */
  readonly since: number;
}

export interface ListSchema {
  /** List title; also its SharePoint REST address (`getbytitle('…')`). ASCII, stable. */
  readonly name: string;
  readonly description: string;
  readonly columns: readonly ColumnSchema[];
  readonly since: number;
}

export interface SiteSchema {
  readonly version: number;
  readonly lists: readonly ListSchema[];
}

/** Choice values are the Japanese terms the documents print (domain §9.3). */
export const STATUS_CHOICES = ['実施', '実施未定'] as const;
export const ROW_KIND_CHOICES = ['取組', '重点項目', '数値', '調査', '見出し'] as const;
export const REVIEW_STATE_CHOICES = ['未確認', '提出済', '差戻し', '承認済'] as const;
export const SPLIT_KIND_CHOICES = ['独自実施のもの', '内閣人事局・人事院が実施するものへの派遣'] as const;
export const LAYOUT_CHOICES = ['L-R2', 'L-R5-FOCUS', 'L-R5-OVERVIEW', 'L-R6-COMPILATION', 'L-R7'] as const;
export const ORGANIZATION_SOURCE_CHOICES = ['printed', 'option', 'inferred', 'unknown'] as const;
/** FollowUpReports.ImportState: `importing` from the report item's creation until every row exists, then `complete`. */
export const IMPORT_STATE_CHOICES = ['importing', 'complete'] as const;
export type ImportState = (typeof IMPORT_STATE_CHOICES)[number];
/** FollowUpReports.CycleState (#12): `closed` once the secretariat closes the cycle. */
export const CYCLE_STATE_CHOICES = ['open', 'closed'] as const;

export const LIST_NAMES = { Reports: 'FollowUpReports', Rows: 'FollowUpRows', Meta: 'FollowUpMeta', Divisions: 'FollowUpDivisions', Ledger: 'FollowUpLedger', Guidance: 'FollowUpGuidance', Review: 'FollowUpReview', Submissions: 'FollowUpSubmissions', Reminders: 'FollowUpReminders' } as const;
/** FollowUpReminders.Kind (#12): before the deadline to divisions not yet submitted, or on return. */
export const REMINDER_KIND_CHOICES = ['before-deadline', 'returned'] as const;
/** FollowUpReminders.Delivery: posted to the division's Teams channel, or recorded only (no channel or no grant). */
export const DELIVERY_CHOICES = ['teams', 'recorded'] as const;
/** The fields writing guidance is kept for (src/core/edit/fields.ts EDITABLE_FIELDS filled in by divisions). */
export const GUIDANCE_FIELD_CHOICES = ['status', 'reasonNotPlanned', 'narrative', 'outcome', 'indicatorValues', 'surveyAnswers'] as const;

const col = (c: Omit<ColumnSchema, 'since'> & { since?: number }): ColumnSchema => ({ since: 1, ...c });

/**
 * Columns several lists share: the same name, type, index and range in each; what they say, who writes them and when
 * they came differ by list (given at each use, with any other difference).
 */
const SHARED = {
  FiscalYear: { name: 'FiscalYear', displayName: '年度', kind: 'number', indexed: true, required: true, minimum: 1989, maximum: 2100 },
  OrgCode: { name: 'OrgCode', displayName: '府省等コード', kind: 'text', indexed: true, required: true },
  ReportKey: { name: 'ReportKey', displayName: '調査票キー', kind: 'text', indexed: true, required: true },
  DivisionCode: { name: 'DivisionCode', displayName: '担当部局・課室コード', kind: 'text', indexed: true },
} as const satisfies Record<string, Omit<ColumnSchema, 'description' | 'group' | 'since'>>;

const shared = (column: keyof typeof SHARED, c: Pick<ColumnSchema, 'description' | 'group'> & Partial<ColumnSchema>): ColumnSchema => col({ ...SHARED[column], ...c });

const TITLE_ROW = col({
  name: 'Title',
  displayName: 'タイトル',
  kind: 'text',
  description: 'Row title: 中項目/小項目/項目 title, indicator or survey name, or 重点項目 name (plain text).',
  group: FieldGroup.Structure,
  builtIn: true,
});

export const ROWS_LIST: ListSchema = {
  name: LIST_NAMES.Rows,
  description: 'フォローアップ票の行（取組・重点項目・数値・調査）',
  since: 1,
  columns: [
    TITLE_ROW,
    col({ name: 'RowKey', displayName: '行キー', kind: 'text', description: 'Client-generated key, unique in the list: ReportKey + "/" + Row.key (hashed when over 255 characters). A retried create can never duplicate a row.', group: FieldGroup.Immutable, indexed: true, required: true, unique: true }),
    shared('ReportKey', { description: 'Key of the report (FollowUpReports.ReportKey) the row belongs to; resumable imports query by it.', group: FieldGroup.Immutable }),
    shared('FiscalYear', { description: 'Western year of the cycle label (令和6年度 → 2024).', group: FieldGroup.Structure }),
    shared('OrgCode', { description: '府省等 code (src/core/model/organization.ts), e.g. `soumu`.', group: FieldGroup.Structure }),
    shared('DivisionCode', { description: 'Division that owns the row; empty until the secretariat assigns it (which also sets item permissions).', group: FieldGroup.Structure }),
    col({ name: 'RowKind', displayName: '行の種類', kind: 'choice', description: 'Row kind: 取組 initiative, 重点項目 focus, 数値 indicator, 調査 survey, 見出し heading.', group: FieldGroup.Structure, required: true, choices: ROW_KIND_CHOICES }),
    col({ name: 'SortOrder', displayName: '表示順', kind: 'number', description: 'Printed order within the report.', group: FieldGroup.Structure, minimum: 0 }),
    col({ name: 'Level', displayName: '階層', kind: 'number', description: 'Hierarchy level 0–4 (大項目 … split line).', group: FieldGroup.Structure, minimum: 0, maximum: 4 }),
    col({ name: 'ParentRowKey', displayName: '親行キー', kind: 'text', description: 'Report-local key (Row.key) of the parent row, for 小項目/細目/split lines.', group: FieldGroup.Structure }),
    col({ name: 'MajorItem', displayName: '大項目', kind: 'text', description: '大項目 (canonical).', group: FieldGroup.Structure }),
    col({ name: 'MarkerRaw', displayName: '項番（原文）', kind: 'text', description: 'Hierarchy marker as printed (`b 7`, `4`, `1-1.`).', group: FieldGroup.Structure }),
    col({ name: 'MarkerNorm', displayName: '項番', kind: 'text', description: 'Normalised marker path (`b/ア`, `4`, `1-1`).', group: FieldGroup.Structure }),
    col({ name: 'FocusItem', displayName: '重点項目', kind: 'text', description: '重点項目 name for focus rows.', group: FieldGroup.Structure }),
    col({ name: 'SplitKind', displayName: '区分', kind: 'choice', description: 'Split line kind of L-R2 (独自実施のもの / 派遣).', group: FieldGroup.Structure, choices: SPLIT_KIND_CHOICES }),
    col({ name: 'Status', displayName: '実施状況', kind: 'choice', description: '実施 / 実施未定 (blank allowed).', group: FieldGroup.Division, indexed: true, choices: STATUS_CHOICES }),
    col({ name: 'ReasonNotPlanned', displayName: '実施未定の理由', kind: 'note', description: 'Reason, required iff Status = 実施未定.', group: FieldGroup.Division }),
    col({ name: 'Narrative', displayName: '取組時期・内容', kind: 'note', description: 'Narrative (plain text, one entry per line group, tags 【継続】… kept).', group: FieldGroup.Division }),
    col({ name: 'NarrativeEntriesJson', displayName: '取組内容（分割）', kind: 'note', description: 'JSON `{ tags, entries }` derived from Narrative; rewritten together with it.', group: FieldGroup.Division }),
    col({ name: 'Outcome', displayName: '成果・課題・今後の取組', kind: 'note', description: 'Outcome / results (plain text).', group: FieldGroup.Division }),
    col({ name: 'IndicatorValuesJson', displayName: '数値', kind: 'note', description: 'JSON array of IndicatorValue (目標/現状/目標設定時/注記 per category). One field: concurrent edits of two values of the same row conflict rather than merge.', group: FieldGroup.Division }),
    col({ name: 'SurveyAnswersJson', displayName: '調査回答', kind: 'note', description: 'JSON array of SurveyAnswer for 調査 rows.', group: FieldGroup.Division }),
    col({ name: 'ReviewState', displayName: '確認状況', kind: 'choice', description: 'Review state as of schema 5 (未確認 / 提出済 / 差戻し / 承認済). From schema 6 the state lives in FollowUpReview (copied there by the upgrade); this column is no longer written by reviewers, who cannot edit rows.', group: FieldGroup.Structure, choices: REVIEW_STATE_CHOICES }),
    col({ name: 'ReviewComment', displayName: '確認コメント', kind: 'note', description: "Reviewer's comment as of schema 5; from schema 6 FollowUpReview.Comment (copied by the upgrade).", group: FieldGroup.Structure }),
    col({ name: 'RowDetailJson', displayName: '行の詳細', kind: 'note', description: 'JSON of the remaining structural fields: majorItemRaw, titleRich, crossRef, guidelineRefs(+Raw), indicatorCode, surveyCode.', group: FieldGroup.Structure }),
    col({ name: 'SourceRaw', displayName: '原文', kind: 'note', description: 'JSON of the lossless import evidence: source position, raw cells, statusRaw, narrativeRaw, outcomeRaw.', group: FieldGroup.Immutable }),
  ],
};

export const REPORTS_LIST: ListSchema = {
  name: LIST_NAMES.Reports,
  description: 'フォローアップ票（府省等・年度・様式ごと）',
  since: 1,
  columns: [
    col({ name: 'Title', displayName: 'タイトル', kind: 'text', description: 'Report title as printed.', group: FieldGroup.Structure, builtIn: true }),
    col({ name: 'ReportKey', displayName: '調査票キー', kind: 'text', description: 'Report key (Report.key), unique; a retried import finds its report by it.', group: FieldGroup.Immutable, indexed: true, required: true, unique: true }),
    shared('FiscalYear', { description: 'Western year of the cycle label.', group: FieldGroup.Structure }),
    shared('OrgCode', { description: '府省等 code.', group: FieldGroup.Structure }),
    col({ name: 'Organization', displayName: '府省等', kind: 'text', description: '府省等 name as printed or given.', group: FieldGroup.Structure }),
    col({ name: 'OrganizationSource', displayName: '府省等の出典', kind: 'choice', description: 'Where the 府省等 came from: printed / option / inferred / unknown.', group: FieldGroup.Structure, choices: ORGANIZATION_SOURCE_CHOICES }),
    col({ name: 'Layout', displayName: '様式', kind: 'choice', description: 'Layout id.', group: FieldGroup.Structure, required: true, choices: LAYOUT_CHOICES }),
    col({ name: 'CycleLabel', displayName: '年度表記', kind: 'text', description: 'Cycle label as printed (令和6年度).', group: FieldGroup.Structure }),
    col({ name: 'ImplementationYear', displayName: '実施年度', kind: 'number', description: 'Year whose implementation the report describes, when it differs from the label.', group: FieldGroup.Structure }),
    col({ name: 'ReviewState', displayName: '確認状況', kind: 'choice', description: 'Report review state.', group: FieldGroup.Review, choices: REVIEW_STATE_CHOICES }),
    col({ name: 'RowCount', displayName: '行数', kind: 'number', description: 'Number of rows the import writes; a complete import has this many FollowUpRows items with this ReportKey.', group: FieldGroup.Immutable, minimum: 0 }),
    col({ name: 'ReportDetailJson', displayName: '調査票の詳細', kind: 'note', description: 'JSON: titleRaw, coverNote, noRowsReason, focusItems, source.', group: FieldGroup.Structure }),
    col({ name: 'ImportIssuesJson', displayName: '取込課題', kind: 'note', description: 'JSON array of ImportIssue found when the document was imported.', group: FieldGroup.Immutable }),
    col({
      name: 'ImportState',
      displayName: '取込状況',
      kind: 'choice',
      description: 'importing from the creation of the report item until every row exists, then complete. A re-run resumes an import that is not complete and skips one that is, so rows deleted afterwards stay deleted. Empty on items from schema 1: treated as importing (resumed once, then marked).',
      group: FieldGroup.Immutable,
      choices: IMPORT_STATE_CHOICES,
      since: 2,
    }),
    col({ name: 'Deadline', displayName: '提出期限', kind: 'text', description: 'Submission deadline of the cycle (ISO date, end of that day in Japan); rows not submitted by then are overdue.', group: FieldGroup.Structure, since: 6 }),
    col({ name: 'CycleState', displayName: '年度の状況', kind: 'choice', description: 'open while divisions answer; closed when the secretariat closes the cycle (every row read-only). Empty = open.', group: FieldGroup.Structure, choices: CYCLE_STATE_CHOICES, since: 6 }),
  ],
};

export const META_LIST: ListSchema = {
  name: LIST_NAMES.Meta,
  description: 'フォローアップ用サイトの設定（スキーマ版数など）',
  since: 1,
  columns: [
    col({ name: 'Title', displayName: 'タイトル', kind: 'text', description: 'Human label of the setting.', group: FieldGroup.Structure, builtIn: true }),
    col({ name: 'MetaKey', displayName: 'キー', kind: 'text', description: 'Setting key, unique (`schemaVersion`).', group: FieldGroup.Immutable, indexed: true, required: true, unique: true }),
    col({ name: 'MetaValue', displayName: '値', kind: 'text', description: 'Setting value (`2`: the schema version).', group: FieldGroup.Structure }),
  ],
};

/**
 * 部局・課室 of each 府省等 (#10): what every surface shows as a division's name, which SharePoint group edits its rows,
 * which Teams channel works on them. Surfaces read names from here, never from code. Everyone who uses the site reads
 * it; the secretariat maintains it.
 */
export const DIVISIONS_LIST: ListSchema = {
  name: LIST_NAMES.Divisions,
  description: '部局・課室（名称、SharePoint グループ、Teams チャネル、記入の手引き）',
  since: 3,
  columns: [
    col({ name: 'Title', displayName: '部局・課室名', kind: 'text', description: 'Division name as the ministry writes it (大臣官房総務課).', group: FieldGroup.Structure, builtIn: true, since: 3 }),
    col({ name: 'DivisionKey', displayName: '部局・課室キー', kind: 'text', description: 'OrgCode + "/" + DivisionCode, unique: a repeated seed or import finds the division by it.', group: FieldGroup.Immutable, indexed: true, required: true, unique: true, since: 3 }),
    shared('OrgCode', { description: '府省等 code the division belongs to (`soumu`).', group: FieldGroup.Structure, since: 3 }),
    col({ name: 'DivisionCode', displayName: '部局・課室コード', kind: 'text', description: 'Code stored in FollowUpRows.DivisionCode (`div-somu`).', group: FieldGroup.Structure, indexed: true, required: true, since: 3 }),
    col({ name: 'GroupName', displayName: 'SharePoint グループ', kind: 'text', description: 'SharePoint site group whose members edit the division\'s rows (item permissions are granted to it).', group: FieldGroup.Structure, since: 3 }),
    col({ name: 'ChannelId', displayName: 'Teams チャネル ID', kind: 'text', description: 'Teams channel id (`19:…@thread.tacv2`) where the division works; the tab\'s configuration page picks the division from it.', group: FieldGroup.Structure, indexed: true, since: 3 }),
    col({ name: 'ChannelName', displayName: 'Teams チャネル名', kind: 'text', description: 'Teams channel name, shown when the id is not known yet.', group: FieldGroup.Structure, since: 3 }),
    col({ name: 'Guidance', displayName: '記入の手引き', kind: 'note', description: 'Writing guidance shown to the division beside its rows (plain text).', group: FieldGroup.Structure, since: 3 }),
    col({ name: 'SortOrder', displayName: '表示順', kind: 'number', description: 'Order in pickers and tables (the ministry\'s organisation chart).', group: FieldGroup.Structure, minimum: 0, since: 3 }),
  ],
};

/**
 * The secretariat-only record of the fields that tie each row to its report and division (#8). SharePoint cannot
 * protect single fields of an item a division may edit, so the audit compares the rows with this list, which only
 * the secretariat can read or write (its own permissions, set by provisioning).
 */
export const LEDGER_LIST: ListSchema = {
  name: LIST_NAMES.Ledger,
  description: '行の台帳（取りまとめ担当のみ：行キー・調査票・担当・原文の記録）',
  since: 4,
  columns: [
    col({ name: 'Title', displayName: 'タイトル', kind: 'text', description: 'The LedgerKey again (SharePoint shows Title in its views).', group: FieldGroup.Immutable, builtIn: true, since: 4 }),
    col({ name: 'LedgerKey', displayName: '台帳キー', kind: 'text', description: 'ReportKey + "#" + chunk number (hashed when over 255 characters), unique: a replayed create answers 409.', group: FieldGroup.Immutable, indexed: true, required: true, unique: true, since: 4 }),
    shared('ReportKey', { description: 'The report whose rows this item records; the audit and assignment find the items of a report by it.', group: FieldGroup.Immutable, since: 4 }),
    col({ name: 'EntriesJson', displayName: '記録', kind: 'note', description: 'JSON object: report-local row key → { d: DivisionCode or null, s: SHA-256 of SourceRaw }. Written by the import, DivisionCode updated by each assignment.', group: FieldGroup.Structure, since: 4 }),
  ],
};

/**
 * One item per row under review (#12): the state of the row, the reviewer's comment and who/when of each transition.
 * Reviewers ("Edit without delete") and the secretariat write it; divisions only read it, so a division member
 * cannot approve or return a row, through any client. The state's truth is here, not in FollowUpRows.ReviewState.
 */
export const REVIEW_LIST: ListSchema = {
  name: LIST_NAMES.Review,
  description: '行の確認状況（確認者・取りまとめ担当が記入、部局・課室は閲覧のみ）',
  since: 6,
  columns: [
    col({ name: 'Title', displayName: 'タイトル', kind: 'text', description: 'The RowKey again (SharePoint shows Title in its views).', group: FieldGroup.Immutable, builtIn: true, since: 6 }),
    col({ name: 'RowKey', displayName: '行キー', kind: 'text', description: 'FollowUpRows.RowKey of the row reviewed, unique: a replayed create answers 409.', group: FieldGroup.Immutable, indexed: true, required: true, unique: true, since: 6 }),
    shared('ReportKey', { description: 'FollowUpReports.ReportKey of the row.', group: FieldGroup.Immutable, since: 6 }),
    shared('FiscalYear', { description: 'Western year of the cycle (copied from the row).', group: FieldGroup.Structure, since: 6 }),
    shared('OrgCode', { description: '府省等 code (copied from the row).', group: FieldGroup.Structure, since: 6 }),
    shared('DivisionCode', { description: 'Division that owned the row at its last transition (for views by division).', group: FieldGroup.Structure, since: 6 }),
    col({ name: 'State', displayName: '確認状況', kind: 'choice', description: 'Review state: 未確認 / 提出済 / 差戻し / 承認済.', group: FieldGroup.Review, indexed: true, required: true, choices: REVIEW_STATE_CHOICES, since: 6 }),
    col({ name: 'Comment', displayName: '確認コメント', kind: 'note', description: "Reviewer's comment of the last return or approval.", group: FieldGroup.Review, since: 6 }),
    col({ name: 'CommentField', displayName: 'コメント対象の項目', kind: 'text', description: 'FollowUpRows column the comment is about (e.g. `ReasonNotPlanned`), empty for the whole row.', group: FieldGroup.Review, since: 6 }),
    col({ name: 'SubmissionId', displayName: '提出 ID', kind: 'text', description: 'FollowUpSubmissions item id of the submission accepted last (提出済).', group: FieldGroup.Review, since: 6 }),
    col({ name: 'SubmittedAnswersJson', displayName: '提出時の記入内容', kind: 'note', description: "Canonical JSON of the division's answer columns as submitted: approving needs the row to hold exactly these; any later change is an edit after submission.", group: FieldGroup.Review, since: 6 }),
    col({ name: 'SubmittedBy', displayName: '提出者', kind: 'text', description: "Submitter's name, from the submission item's createdBy (set by SharePoint).", group: FieldGroup.Review, since: 6 }),
    col({ name: 'SubmittedAt', displayName: '提出日時', kind: 'text', description: "ISO time of the submission, from the submission item's createdDateTime (set by SharePoint).", group: FieldGroup.Review, since: 6 }),
    col({ name: 'DecidedBy', displayName: '確認者', kind: 'text', description: 'Who returned or approved last.', group: FieldGroup.Review, since: 6 }),
    col({ name: 'DecidedAt', displayName: '確認日時', kind: 'text', description: 'ISO time of the last return or approval.', group: FieldGroup.Review, since: 6 }),
    col({ name: 'Deadline', displayName: '提出期限', kind: 'date', description: "The cycle's deadline (date only), copied from FollowUpReports.Deadline when the secretariat sets it; the overdue view compares it with [Today].", group: FieldGroup.Structure, indexed: true, since: 7 }),
    col({ name: 'HistoryJson', displayName: '確認の履歴', kind: 'note', description: 'JSON array of transitions { state, by, at, comment?, field?, submissionId?, refused? } in order; the item\'s versions (editor and time set by SharePoint) back it.', group: FieldGroup.Review, since: 6 }),
  ],
};

/**
 * Submissions (#12): a division member submits rows by adding one item per row. Divisions hold "Add without edit"
 * on the list: they add, nobody but the secretariat changes or deletes an item, and SharePoint sets who and when.
 */
export const SUBMISSIONS_LIST: ListSchema = {
  name: LIST_NAMES.Submissions,
  description: '提出の記録（部局・課室が追加のみ、変更・削除は不可）',
  since: 6,
  columns: [
    col({ name: 'Title', displayName: 'タイトル', kind: 'text', description: 'The RowKey again (SharePoint shows Title in its views).', group: FieldGroup.Immutable, builtIn: true, since: 6 }),
    col({ name: 'RowKey', displayName: '行キー', kind: 'text', description: 'FollowUpRows.RowKey of the row submitted.', group: FieldGroup.Immutable, indexed: true, required: true, since: 6 }),
    shared('ReportKey', { description: 'FollowUpReports.ReportKey of the row.', group: FieldGroup.Immutable, since: 6 }),
    shared('FiscalYear', { description: 'Western year of the cycle.', group: FieldGroup.Immutable, since: 6 }),
    shared('OrgCode', { description: '府省等 code.', group: FieldGroup.Immutable, since: 6 }),
    shared('DivisionCode', { description: 'Division submitting (the submitter must be a member of its group, checked when a reviewer processes it).', group: FieldGroup.Immutable, since: 6 }),
    col({ name: 'AnswersJson', displayName: '記入内容', kind: 'note', description: "Canonical JSON of the row's answer columns (Status, ReasonNotPlanned, Narrative, NarrativeEntriesJson, Outcome, IndicatorValuesJson, SurveyAnswersJson) as submitted.", group: FieldGroup.Immutable, since: 6 }),
  ],
};

/**
 * Writing guidance (#10): per column, what a good answer looks like (記入例), how to write it (記入要領) and the
 * column's length limit, kept by the secretariat and shown beside the field in every surface. An item applies to
 * every ministry, layout and row kind its blank columns leave open; the most specific item wins. Everyone who uses
 * the site reads it; the secretariat maintains it.
 */
export const GUIDANCE_LIST: ListSchema = {
  name: LIST_NAMES.Guidance,
  description: '記入の手引き（欄ごとの記入例・記入要領・文字数の上限）',
  since: 5,
  columns: [
    col({ name: 'Title', displayName: '欄の名前', kind: 'text', description: 'The column as the secretariat names it (shown as the heading of the guidance).', group: FieldGroup.Structure, builtIn: true, since: 5 }),
    col({ name: 'GuidanceKey', displayName: '手引きキー', kind: 'text', description: 'OrgCode/Layout/RowKind/Field with `*` for a blank, unique: a repeated seed finds the item by it.', group: FieldGroup.Immutable, indexed: true, required: true, unique: true, since: 5 }),
    col({ name: 'OrgCode', displayName: '府省等コード', kind: 'text', description: '府省等 the guidance is for; blank: every ministry of the site.', group: FieldGroup.Structure, indexed: true, since: 5 }),
    col({ name: 'Layout', displayName: '様式', kind: 'choice', description: 'Layout the guidance is for; blank: every layout.', group: FieldGroup.Structure, choices: LAYOUT_CHOICES, since: 5 }),
    col({ name: 'RowKind', displayName: '行の種類', kind: 'choice', description: 'Row kind the guidance is for (取組, 重点項目, 数値, 調査); blank: every kind.', group: FieldGroup.Structure, choices: ROW_KIND_CHOICES, since: 5 }),
    col({ name: 'Field', displayName: '欄', kind: 'choice', description: 'The field: status, reasonNotPlanned, narrative, outcome, indicatorValues or surveyAnswers.', group: FieldGroup.Structure, required: true, choices: GUIDANCE_FIELD_CHOICES, since: 5 }),
    col({ name: 'Example', displayName: '記入例', kind: 'note', description: 'An example answer, shown beside the field (plain text).', group: FieldGroup.Structure, since: 5 }),
    col({ name: 'Instructions', displayName: '記入要領', kind: 'note', description: 'How to fill the field in (plain text).', group: FieldGroup.Structure, since: 5 }),
    col({ name: 'MaxLength', displayName: '文字数の上限', kind: 'number', description: 'Most characters the field takes; surfaces show a counter and refuse longer text. Blank: SharePoint\'s own limit.', group: FieldGroup.Structure, minimum: 1, maximum: 63999, since: 5 }),
  ],
};

/**
 * Reminders sent to divisions (#12, schema 7): one item per division, kind and day (unique key, so sending twice the
 * same day records and sends nothing), with the message and, where the tenant grants ChannelMessage.Send, the id of
 * the Teams channel message. The secretariat writes it; divisions and reviewers read it (the tab shows it).
 */
export const REMINDERS_LIST: ListSchema = {
  name: LIST_NAMES.Reminders,
  description: '部局・課室へのリマインド（提出期限前・差戻し時）の記録',
  since: 7,
  columns: [
    col({ name: 'Title', displayName: '件名', kind: 'text', description: 'Subject of the reminder as sent.', group: FieldGroup.Immutable, builtIn: true, since: 7 }),
    col({ name: 'ReminderKey', displayName: 'リマインドキー', kind: 'text', description: 'OrgCode/FiscalYear/DivisionCode/Kind/date in Japan, unique: a second reminder the same day answers 409 and is not sent.', group: FieldGroup.Immutable, indexed: true, required: true, unique: true, since: 7 }),
    shared('FiscalYear', { description: 'Western year of the cycle.', group: FieldGroup.Immutable, since: 7 }),
    shared('OrgCode', { description: '府省等 code.', group: FieldGroup.Immutable, since: 7 }),
    shared('DivisionCode', { description: 'Division reminded (the tab shows its reminders to its members).', group: FieldGroup.Immutable, required: true, since: 7 }),
    col({ name: 'Kind', displayName: '種類', kind: 'choice', description: 'before-deadline (rows not submitted) or returned (rows returned by a reviewer).', group: FieldGroup.Immutable, required: true, choices: REMINDER_KIND_CHOICES, since: 7 }),
    col({ name: 'Message', displayName: '本文', kind: 'note', description: 'The message as sent (plain text).', group: FieldGroup.Immutable, since: 7 }),
    col({ name: 'RowCount', displayName: '行数', kind: 'number', description: 'Rows the reminder is about.', group: FieldGroup.Immutable, minimum: 0, since: 7 }),
    col({ name: 'Delivery', displayName: '送信方法', kind: 'choice', description: 'teams: posted to the division\'s channel (MessageId set); recorded: kept here only (no channel, or the tenant does not grant ChannelMessage.Send).', group: FieldGroup.Structure, choices: DELIVERY_CHOICES, since: 7 }),
    col({ name: 'MessageId', displayName: 'Teams メッセージ ID', kind: 'text', description: 'Id of the Teams channel message (chatMessage) when posted.', group: FieldGroup.Structure, since: 7 }),
  ],
};

/** Key of the Meta item that records the provisioned schema version. */
export const SCHEMA_VERSION_KEY = 'schemaVersion';

export const FOLLOW_UP_SCHEMA: SiteSchema = { version: SCHEMA_VERSION, lists: [REPORTS_LIST, ROWS_LIST, META_LIST, DIVISIONS_LIST, LEDGER_LIST, GUIDANCE_LIST, REVIEW_LIST, SUBMISSIONS_LIST, REMINDERS_LIST] };

/** The schema as it was at an older version (columns and lists introduced later removed). */
export function schemaAtVersion(schema: SiteSchema, version: number): SiteSchema {
  return {
    version,
    lists: schema.lists.filter((l) => l.since <= version).map((l) => ({ ...l, columns: l.columns.filter((c) => c.since <= version) })),
  };
}

export function findList(schema: SiteSchema, name: string): ListSchema | undefined {
  return schema.lists.find((l) => l.name === name);
}

/** Column names a read selects (everything the mapping needs). */
export function selectableColumns(list: ListSchema): string[] {
  return list.columns.map((c) => c.name);
}

/** Problems that make a schema unprovisionable on SharePoint; empty when it is fine. */
export function checkSchema(schema: SiteSchema): string[] {
  const problems: string[] = [];
  for (const list of schema.lists) {
    const names = new Set<string>();
    const indexed = list.columns.filter((c) => c.indexed).length;
    if (indexed > MAX_INDEXES_PER_LIST) problems.push(`${list.name}: ${indexed} indexed columns (max ${MAX_INDEXES_PER_LIST})`);
    for (const c of list.columns) {
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(c.name)) problems.push(`${list.name}.${c.name}: internal names must be ASCII letters and digits`);
      if (names.has(c.name)) problems.push(`${list.name}.${c.name}: duplicate column`);
      names.add(c.name);
      if (c.unique && !c.indexed) problems.push(`${list.name}.${c.name}: unique columns must be indexed`);
      if (c.kind === 'choice' && (!c.choices || c.choices.length === 0)) problems.push(`${list.name}.${c.name}: choice column without choices`);
      if (c.since > schema.version) problems.push(`${list.name}.${c.name}: introduced in ${c.since}, after schema version ${schema.version}`);
    }
  }
  return problems;
}
