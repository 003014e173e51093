/**
 * SharePoint list views and column formatting of the provisioned lists (#12 item 5, schema 7), as data. Graph v1.0
 * has no views API: provisioning (src/graph/list-views.ts) sends these through SharePoint REST. Managers open the
 * lists in SharePoint itself; these are the views they expect there.
 *
 * The review state lives in FollowUpReview (schema 6), so the state views are views of that list; the by-division
 * and by-section views are views of FollowUpRows, which holds every row.
 */
import { LIST_NAMES } from './schema.js';

export interface ViewSchema {
  /** List title the view belongs to. */
  readonly list: string;
  /** View title shown in SharePoint's view picker (Japanese: the users'). */
  readonly title: string;
  /** What the view is for (English, docs/lists.md). */
  readonly purpose: string;
  /** Internal names of the columns shown, in order (`LinkTitle` is Title with the item menu). */
  readonly fields: readonly string[];
  /** CAML of the view (`ViewQuery`: `<Where>`, `<OrderBy>`, `<GroupBy>`). */
  readonly query: string;
  readonly rowLimit: number;
}

export interface FormatterSchema {
  readonly list: string;
  /** Internal name of the column. */
  readonly field: string;
  /** Column formatting JSON (SharePoint's CustomFormatter property), as the object sent serialised. */
  readonly format: Readonly<Record<string, unknown>>;
}

const eq = (field: string, value: string, type = 'Choice'): string => `<Eq><FieldRef Name="${field}"/><Value Type="${type}">${value}</Value></Eq>`;
const orderBy = (...fields: string[]): string => `<OrderBy>${fields.map((f) => `<FieldRef Name="${f}"/>`).join('')}</OrderBy>`;
const groupBy = (field: string): string => `<GroupBy Collapse="TRUE" GroupLimit="100"><FieldRef Name="${field}"/></GroupBy>`;

/** Views of schema 7. Titles are unique per list; provisioning finds an existing view by its title. */
export const LIST_VIEWS: readonly ViewSchema[] = [
  {
    list: LIST_NAMES.Rows,
    title: '部局・課室別',
    purpose: 'Every row grouped by the division that owns it (collapsed groups), in printed order.',
    fields: ['LinkTitle', 'DivisionCode', 'MarkerRaw', 'RowKind', 'Status', 'FiscalYear', 'ReportKey'],
    query: `${groupBy('DivisionCode')}${orderBy('FiscalYear', 'ReportKey', 'SortOrder')}`,
    rowLimit: 100,
  },
  {
    list: LIST_NAMES.Rows,
    title: '指針の該当箇所別',
    purpose: "Every row grouped by 大項目 (the guideline's top-level section the L-R5/L-R7 tables follow), in printed order.",
    fields: ['LinkTitle', 'MajorItem', 'MarkerRaw', 'DivisionCode', 'Status', 'FiscalYear'],
    query: `${groupBy('MajorItem')}${orderBy('FiscalYear', 'ReportKey', 'SortOrder')}`,
    rowLimit: 100,
  },
  {
    list: LIST_NAMES.Review,
    title: '確認待ち（提出済）',
    purpose: 'Rows submitted and waiting for a reviewer, oldest submission first.',
    fields: ['LinkTitle', 'State', 'DivisionCode', 'FiscalYear', 'SubmittedBy', 'SubmittedAt'],
    query: `<Where>${eq('State', '提出済')}</Where>${orderBy('SubmittedAt')}`,
    rowLimit: 100,
  },
  {
    list: LIST_NAMES.Review,
    title: '差戻し',
    purpose: 'Rows returned to their division, with the comment and the field it is about.',
    fields: ['LinkTitle', 'State', 'DivisionCode', 'FiscalYear', 'CommentField', 'Comment', 'DecidedBy', 'DecidedAt'],
    query: `<Where>${eq('State', '差戻し')}</Where>${orderBy('DivisionCode', 'DecidedAt')}`,
    rowLimit: 100,
  },
  {
    list: LIST_NAMES.Review,
    title: '期限超過（未提出）',
    purpose: 'Rows not submitted (未確認 or 差戻し) whose cycle deadline is before today, by division.',
    fields: ['LinkTitle', 'State', 'DivisionCode', 'FiscalYear', 'Deadline'],
    query: `<Where><And><Or>${eq('State', '未確認')}${eq('State', '差戻し')}</Or><Lt><FieldRef Name="Deadline"/><Value Type="DateTime"><Today/></Value></Lt></And></Where>${groupBy('DivisionCode')}${orderBy('Deadline')}`,
    rowLimit: 100,
  },
  {
    list: LIST_NAMES.Review,
    title: '部局・課室別の確認状況',
    purpose: 'Every review item grouped by division: the state of each row at a glance.',
    fields: ['LinkTitle', 'State', 'FiscalYear', 'SubmittedAt', 'DecidedAt', 'Deadline'],
    query: `${groupBy('DivisionCode')}${orderBy('FiscalYear', 'State')}`,
    rowLimit: 100,
  },
];

const SCHEMA_URL = 'https://developer.microsoft.com/json-schemas/sp/v2/column-formatting.schema.json';

/**
 * A pill with an icon and the value's own text: the colour (SharePoint's theme-aware `sp-field-severity--*`
 * classes, which follow the site theme and give way to the system colours in high contrast) is never the only
 * signal. `cases`: value → [severity class suffix, Fluent icon name].
 */
function pill(cases: Record<string, [string, string]>, fallback: [string, string]): Record<string, unknown> {
  const pick = (i: 0 | 1, wrap: (s: string) => string): string =>
    Object.entries(cases).reduceRight((acc, [value, c]) => `if(@currentField == '${value}', '${wrap(c[i])}', ${acc})`, `'${wrap(fallback[i])}'`);
  return {
    $schema: SCHEMA_URL,
    elmType: 'div',
    attributes: { class: `=${pick(0, (s) => `sp-field-severity--${s}`)}` },
    style: { display: '=if(@currentField == \'\', \'none\', \'flex\')', 'align-items': 'center', padding: '0 4px', 'border-radius': '4px' },
    children: [
      { elmType: 'span', style: { 'padding-right': '6px' }, attributes: { iconName: `=${pick(1, (s) => s)}`, 'aria-hidden': 'true' } },
      { elmType: 'span', txtContent: '@currentField' },
    ],
  };
}

/** The review state at a glance (FollowUpReview.State, and the schema 5 column kept on rows). */
const STATE_FORMAT = pill({ 承認済: ['good', 'CompletedSolid'], 提出済: ['low', 'Send'], 差戻し: ['severeWarning', 'Undo'] }, ['warning', 'Edit']);
/** 実施 / 実施未定 on rows: 実施未定 stands out (its reason is required). */
const STATUS_FORMAT = pill({ 実施: ['good', 'CheckMark'], 実施未定: ['warning', 'Unknown'] }, ['blocked', 'Remove']);

export const COLUMN_FORMATTERS: readonly FormatterSchema[] = [
  { list: LIST_NAMES.Review, field: 'State', format: STATE_FORMAT },
  { list: LIST_NAMES.Rows, field: 'ReviewState', format: STATE_FORMAT },
  { list: LIST_NAMES.Rows, field: 'Status', format: STATUS_FORMAT },
];

/** The CustomFormatter string sent for a formatter (stable: the same object always serialises the same). */
export const formatterText = (f: FormatterSchema): string => JSON.stringify(f.format);
