/**
 * The printed columns of each report layout, as data (domain.md §1, §8.2: "the product must treat the layout as data").
 * One definition serves every surface: the Teams tab's grid headers (#10), the Excel add-in's table (#11) and the
 * reports compiled from the lists (#12). Headers are the documents' own words, so a screen reader hears 実施状況, 理由,
 * 内容 or 成果 exactly as the paper form prints them.
 */
import { FieldGroup } from '../lists/schema.js';
import type { Layout, RowKind } from '../model/schema.js';

/** What a column shows of a row. `item` is the hierarchy label (marker + title), `focusItem` the 重点項目 name. */
export type ColumnContent =
  | 'majorItem'
  | 'item'
  | 'focusItem'
  | 'status'
  | 'reasonNotPlanned'
  | 'narrative'
  | 'outcome'
  | 'guidelineRefs';

/** How a cell is edited: a closed choice, one line, several lines, or not at all. */
export type ColumnInput = 'choice' | 'multiline' | 'readonly';

export interface LayoutColumn {
  /** Stable id (also the Excel column key): `status`, `narrative`, … */
  readonly id: ColumnContent;
  /** Column letter as printed (`A`, `(A)`, `Ａ`), or null when the form prints none. */
  readonly letter: string | null;
  /** The header as the form prints it (first header row joined with the caption when there are two). */
  readonly header: string;
  /** A short header for narrow screens; the full `header` stays the accessible name. */
  readonly shortHeader: string;
  /** Who fills the column in (src/core/permissions decides per actor). */
  readonly group: FieldGroup;
  readonly input: ColumnInput;
}

export interface LayoutDefinition {
  readonly layout: Layout;
  /** Columns in printed order. */
  readonly columns: readonly LayoutColumn[];
  /** Where a 数値 row's values are printed (the form re-purposes a text column), or null when the layout has none. */
  readonly indicatorColumn: ColumnContent | null;
  /** Where a 調査 row's answer is printed, or null when the layout has no 調査 rows. */
  readonly surveyColumn: ColumnContent | null;
  /** True when entries are expected to begin with 【継続】/【新規】/【拡充】 (validation rule, §8.4 item 3). */
  readonly tagged: boolean;
}

const NARRATIVE_R5 = '取組時期・内容・成果、取組における改善点・課題、それらを踏まえた次のアクション';

const c = (
  id: ColumnContent,
  letter: string | null,
  header: string,
  shortHeader: string,
  group: FieldGroup,
  input: ColumnInput,
): LayoutColumn => ({ id, letter, header, shortHeader, group, input });

const S = FieldGroup.Structure;
const D = FieldGroup.Division;

/** Every layout of the seeds (domain.md §1.1–§1.6). */
export const LAYOUT_DEFINITIONS: Readonly<Record<Layout, LayoutDefinition>> = {
  // 003: 大項目 | 中項目 / 小項目 | (A)…(D); status, reason, narrative and outcome are the division's.
  'L-R2': {
    layout: 'L-R2',
    columns: [
      c('majorItem', null, '大項目', '大項目', S, 'readonly'),
      c('item', null, '中項目・小項目', '項目', S, 'readonly'),
      c('status', '(A)', '各取組の実施状況 (A)', '実施状況', D, 'choice'),
      c('reasonNotPlanned', '(B)', '(A)で「実施未定」を選択した場合の理由 (B)', '実施未定の理由', D, 'multiline'),
      c('narrative', '(C)', '取組を行った(行う)時期、取組内容及び取組における工夫 (C)', '時期・内容・工夫', D, 'multiline'),
      c('outcome', '(D)', '取組を行ったことによる具体的な成果 (D)', '具体的な成果', D, 'multiline'),
    ],
    indicatorColumn: 'narrative',
    surveyColumn: null,
    tagged: true,
  },
  // 000 重点項目 table: 重点項目 | A narrative | B guideline section.
  'L-R5-FOCUS': {
    layout: 'L-R5-FOCUS',
    columns: [
      c('focusItem', null, '重点項目', '重点項目', S, 'readonly'),
      c('narrative', 'A', `A ${NARRATIVE_R5}`, '取組時期・内容・成果', D, 'multiline'),
      c('guidelineRefs', 'B', 'B WLB取組指針の該当箇所', '指針の該当箇所', S, 'readonly'),
    ],
    indicatorColumn: null,
    surveyColumn: null,
    tagged: true,
  },
  // 000 全体像 table: 大項目 | 中項目 | A status | B reason | C narrative (数値 and 調査 re-purpose C).
  'L-R5-OVERVIEW': {
    layout: 'L-R5-OVERVIEW',
    columns: [
      c('majorItem', null, '大項目', '大項目', S, 'readonly'),
      c('item', null, '中項目', '中項目', S, 'readonly'),
      c('status', 'A', 'A 取組の実施状況', '実施状況', D, 'choice'),
      c('reasonNotPlanned', 'B', 'B Aで「実施未定」を選択した場合の理由', '実施未定の理由', D, 'multiline'),
      c('narrative', 'C', `C ${NARRATIVE_R5}`, '取組時期・内容・成果', D, 'multiline'),
    ],
    indicatorColumn: 'narrative',
    surveyColumn: 'narrative',
    tagged: true,
  },
  // 002 compilation: 重点項目 | Ａ narrative | Ｂ guideline or plan section.
  'L-R6-COMPILATION': {
    layout: 'L-R6-COMPILATION',
    columns: [
      c('focusItem', null, '重点項目', '重点項目', S, 'readonly'),
      c('narrative', 'Ａ', `Ａ ${NARRATIVE_R5}`, '取組時期・内容・成果', D, 'multiline'),
      c('guidelineRefs', 'Ｂ', 'Ｂ ＷＬＢ取組指針若しくは各府省取組計画の該当箇所', '指針・計画の該当箇所', S, 'readonly'),
    ],
    indicatorColumn: null,
    surveyColumn: null,
    tagged: true,
  },
  // 004: 項目 | 具体的な取組時期・内容 | 具体的な成果・課題・今後の取組 (no status, no reason, no tags).
  'L-R7': {
    layout: 'L-R7',
    columns: [
      c('item', null, '項目', '項目', S, 'readonly'),
      c('narrative', null, '具体的な取組時期・内容', '取組時期・内容', D, 'multiline'),
      c('outcome', null, '具体的な成果・課題・今後の取組', '成果・課題・今後の取組', D, 'multiline'),
    ],
    indicatorColumn: 'narrative',
    surveyColumn: 'narrative',
    tagged: false,
  },
};

/** The definition of a layout. */
export function layoutDefinition(layout: Layout): LayoutDefinition {
  return LAYOUT_DEFINITIONS[layout];
}

/** Whether the layout prints a 実施状況 column (L-R2, L-R5-OVERVIEW). */
export function hasStatusColumn(layout: Layout): boolean {
  return LAYOUT_DEFINITIONS[layout].columns.some((col) => col.id === 'status');
}

/**
 * The columns a row of a given kind fills in its layout. 数値 and 調査 rows re-purpose the layout's text column for
 * their values or answers and have no status, reason or outcome; 見出し rows fill nothing.
 */
export function fillableColumns(layout: Layout, kind: RowKind): readonly LayoutColumn[] {
  const def = LAYOUT_DEFINITIONS[layout];
  const editable = def.columns.filter((col) => col.input !== 'readonly');
  switch (kind) {
    case 'heading':
      return [];
    case 'indicator':
      return editable.filter((col) => col.id === def.indicatorColumn);
    case 'survey':
      return editable.filter((col) => col.id === def.surveyColumn);
    case 'initiative':
    case 'focus':
      return editable;
  }
}

/** The layout of a report key (`soumu/2023/L-R5-OVERVIEW`) or of a row key (`L-R5-OVERVIEW/…`), when it names one. */
export function layoutOfKey(key: string): Layout | null {
  for (const part of key.split('/')) if (part in LAYOUT_DEFINITIONS) return part as Layout;
  return null;
}
