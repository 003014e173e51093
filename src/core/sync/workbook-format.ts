/**
 * The follow-up workbook, as a contract (#11): what the Excel add-in (office-js) and the CLI (`export-template`,
 * `sync-xlsx`, exceljs) both write and read. One worksheet and one table per report of the division, in the columns
 * that report's layout prints, then hidden key columns (行キー, 項目ID, eTag) that tie each row to its list item (so
 * sorting and filtering never break the link), and a very hidden sheet holding the base of the last sync.
 * Pure: cell texts in, rows and base out.
 */
import { z } from 'zod';

import { fieldOfCell } from '../edit/cells.js';
import { EDITABLE_FIELDS, type EditableField } from '../edit/fields.js';
import { formatFieldValue } from '../edit/input.js';
import { formatPeriod } from '../era/era-date.js';
import { layoutDefinition, layoutOfKey, type ColumnContent, type LayoutColumn } from '../layouts/columns.js';
import type { RowRecord } from '../lists/row-fields.js';
import { ORGANIZATIONS } from '../model/organization.js';
import { LAYOUTS, type Layout, type RowKind } from '../model/schema.js';
import type { StoredRow } from '../ports.js';
import type { BaseRow, SheetRow } from './sheet-sync.js';
import type { ColumnSpec, RowSpec, TableContent, TableSpec } from './workbook-port.js';

export const WORKBOOK_FORMAT = 'wlb-followup-workbook';
export const WORKBOOK_FORMAT_VERSION = 1;
/** The very hidden sheet with the base of the last sync (Worksheet.visibility = veryHidden). */
export const BASE_SHEET_NAME = '_followup_base';
/** Excel holds at most 32,767 characters per cell: the base JSON is cut into chunks below that. */
export const BASE_CHUNK_CHARS = 30_000;

/** The hidden columns after the layout's printed ones. */
export const KEY_COLUMNS = [
  { id: 'rowKey', header: '行キー（編集しないでください）' },
  { id: 'itemId', header: '項目ID' },
  { id: 'eTag', header: 'eTag' },
] as const;
export type KeyColumnId = (typeof KEY_COLUMNS)[number]['id'];

/** A printed column of the sheet: its layout column, its header, and the Excel width that reads well. */
export interface SheetColumn {
  kind: 'layout';
  column: LayoutColumn;
  header: string;
  width: number;
}
export interface KeyColumn {
  kind: 'key';
  id: KeyColumnId;
  header: string;
  width: number;
}

const WIDTHS: Readonly<Record<ColumnContent, number>> = {
  majorItem: 22,
  item: 30,
  focusItem: 24,
  status: 12,
  reasonNotPlanned: 30,
  narrative: 70,
  outcome: 50,
  guidelineRefs: 30,
};

/** The sheet's columns for a layout: printed columns in order, then the key columns. */
export function sheetColumns(layout: Layout): (SheetColumn | KeyColumn)[] {
  return [
    ...layoutDefinition(layout).columns.map((column): SheetColumn => ({ kind: 'layout', column, header: column.header, width: WIDTHS[column.id] })),
    ...KEY_COLUMNS.map((k): KeyColumn => ({ kind: 'key', id: k.id, header: k.header, width: 12 })),
  ];
}

/** Every follow-up table's name starts with this; other tables of the workbook are not ours. */
export const TABLE_PREFIX = 'FollowUp';

/** A table name Excel accepts (letters, digits, underscore; unique per workbook). */
export function tableNameOf(index: number): string {
  return `${TABLE_PREFIX}${index + 1}`;
}

/** A worksheet name Excel accepts (≤ 31 characters, none of : \ / ? * [ ]). */
export function sheetNameOf(layout: Layout, index: number): string {
  const label: Record<Layout, string> = {
    'L-R2': 'フォローアップ',
    'L-R5-FOCUS': '重点項目',
    'L-R5-OVERVIEW': '全体像',
    'L-R6-COMPILATION': '重点項目',
    'L-R7': 'フォローアップ',
  };
  return `${index + 1}_${label[layout]}`.slice(0, 31);
}

const BaseRowSchema = z.object({ rowKey: z.string(), eTag: z.string(), texts: z.record(z.string(), z.string()) });
export const WorkbookMeta = z.object({
  format: z.literal(WORKBOOK_FORMAT),
  version: z.number().int(),
  /** The site's web URL (or the local service's site path). */
  site: z.string(),
  orgCode: z.string(),
  fiscalYear: z.number().int(),
  divisionCode: z.string().nullable(),
  /** Opaque user id of who exported or last synced (no UPN). */
  userId: z.string().nullable(),
  syncedAt: z.string(),
  sheets: z.array(z.object({ name: z.string(), table: z.string(), reportKey: z.string(), layout: z.enum(LAYOUTS) })),
});
export type WorkbookMeta = z.infer<typeof WorkbookMeta>;
const BaseDocument = z.object({ meta: WorkbookMeta, rows: z.array(BaseRowSchema) });

/** The base sheet's content: the JSON cut into chunks, one per cell of column A. */
export function encodeBase(meta: WorkbookMeta, rows: readonly BaseRow[]): string[] {
  const json = JSON.stringify({ meta, rows });
  const chunks: string[] = [];
  for (let i = 0; i < json.length; i += BASE_CHUNK_CHARS) chunks.push(json.slice(i, i + BASE_CHUNK_CHARS));
  return chunks;
}

/** Reads the base sheet back; a clear error when it is missing, cut or not ours. */
export function decodeBase(chunks: readonly string[]): { ok: true; meta: WorkbookMeta; rows: BaseRow[] } | { ok: false; ja: string; en: string } {
  if (chunks.length === 0) return { ok: false, ja: `同期用の非表示シート「${BASE_SHEET_NAME}」がありません。このブックはフォローアップのテンプレートではありません。`, en: `The hidden sync sheet "${BASE_SHEET_NAME}" is missing: this workbook is not a follow-up template.` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(chunks.join(''));
  } catch {
    return { ok: false, ja: `同期用の非表示シート「${BASE_SHEET_NAME}」が壊れています（編集された可能性があります）。`, en: `The hidden sync sheet "${BASE_SHEET_NAME}" is damaged (it may have been edited).` };
  }
  const doc = BaseDocument.safeParse(parsed);
  if (!doc.success) {
    const version = (parsed as { meta?: { version?: unknown } } | null)?.meta?.version;
    if (typeof version === 'number' && version > WORKBOOK_FORMAT_VERSION) {
      return { ok: false, ja: `このブックは新しい版（${version}）の形式です。最新の版で同期してください。`, en: `This workbook uses a newer format (${version}); sync it with the current version.` };
    }
    return { ok: false, ja: '同期用の情報がフォローアップのテンプレートの形式ではありません。', en: 'The sync information is not in the follow-up template format.' };
  }
  return { ok: true, meta: doc.data.meta, rows: doc.data.rows as BaseRow[] };
}

/** The display text of a structure column (read-only in the sheet). */
function displayText(row: RowRecord, column: ColumnContent): string {
  const r = row.row;
  switch (column) {
    case 'majorItem':
      return r.majorItem ?? '';
    case 'item':
      return [r.markerRaw, r.title].filter((s) => s !== null && s !== '').join(' ');
    case 'focusItem':
      return r.focusItem ?? r.title;
    case 'guidelineRefs':
      return r.guidelineRefs.map((g) => g.raw).join('\n');
    default:
      return '';
  }
}

/** One row's cells in sheet order (printed columns, then keys), and which of them the person fills in. */
export function rowCells(row: StoredRow, layout: Layout): { values: string[]; editable: boolean[]; fields: (EditableField | null)[] } {
  const values: string[] = [];
  const editable: boolean[] = [];
  const fields: (EditableField | null)[] = [];
  for (const col of sheetColumns(layout)) {
    if (col.kind === 'key') {
      values.push(col.id === 'rowKey' ? row.rowKey : col.id === 'itemId' ? row.itemId : row.eTag);
      editable.push(false);
      fields.push(null);
      continue;
    }
    const field = fieldOfCell(layout, row.row.kind, col.column.id);
    values.push(field === null ? displayText(row, col.column.id) : formatFieldValue(row, field));
    editable.push(field !== null);
    fields.push(field);
  }
  return { values, editable, fields };
}

/** A cell as read from a workbook: its text, or why it is not a value (a formula, an error such as #N/A). */
export type ReadCell = { text: string } | { bad: string };

/**
 * Reads the data rows of one table back. `kindOf` gives the row kind of a known key (from the base or the list); a
 * row without a key is a proposal, its texts read as a 取組.
 */
export function readTableRows(layout: Layout, rows: readonly (readonly ReadCell[])[], kindOf: (rowKey: string) => RowKind | undefined): SheetRow[] {
  const columns = sheetColumns(layout);
  const keyIndex = columns.findIndex((c) => c.kind === 'key' && c.id === 'rowKey');
  const labelIndex = columns.findIndex((c) => c.kind === 'layout' && (c.column.id === 'item' || c.column.id === 'focusItem'));
  const out: SheetRow[] = [];
  rows.forEach((cells, index) => {
    const text = (i: number): string => {
      const c = cells[i];
      return c && 'text' in c ? c.text : '';
    };
    if (cells.every((c) => 'text' in c && c.text.trim() === '')) return;
    const key = text(keyIndex).trim();
    const rowKey = key === '' ? null : key;
    const kind = (rowKey === null ? undefined : kindOf(rowKey)) ?? 'initiative';
    const texts: SheetRow['texts'] = {};
    const bad: NonNullable<SheetRow['bad']> = {};
    columns.forEach((col, i) => {
      if (col.kind !== 'layout') return;
      const field = fieldOfCell(layout, kind, col.column.id);
      if (field === null) return;
      const c = cells[i];
      if (c && 'bad' in c) bad[field] = c.bad;
      else texts[field] = c?.text ?? '';
    });
    out.push({ index, rowKey, texts, ...(Object.keys(bad).length > 0 ? { bad } : {}), label: text(labelIndex) });
  });
  return out;
}

/** The fields the sheets of these layouts carry (for planSync's `fields`). */
export function fieldsOfLayouts(layouts: readonly Layout[]): EditableField[] {
  const kinds: RowKind[] = ['initiative', 'focus', 'indicator', 'survey'];
  const set = new Set<EditableField>();
  for (const l of layouts) for (const col of layoutDefinition(l).columns) for (const k of kinds) {
    const f = fieldOfCell(l, k, col.id);
    if (f) set.add(f);
  }
  return EDITABLE_FIELDS.filter((f) => set.has(f));
}

/** The 実施状況 choices of the data-validation list. */
export const STATUS_CHOICES = ['実施', '実施未定'] as const;

/** What each layout's table is called above it (the tab's captions say the same, src/ui/i18n). */
export const LAYOUT_TITLES: Readonly<Record<Layout, string>> = {
  'L-R2': 'フォローアップ（令和2年度様式）',
  'L-R5-FOCUS': '重点項目',
  'L-R5-OVERVIEW': '取組計画の全体像',
  'L-R6-COMPILATION': '重点項目の取りまとめ',
  'L-R7': 'フォローアップ（令和7年度様式）',
};

/** Layouts in the order the documents print their tables: a 重点項目 table before its overview. */
const LAYOUT_ORDER: readonly Layout[] = ['L-R5-FOCUS', 'L-R5-OVERVIEW', 'L-R2', 'L-R7', 'L-R6-COMPILATION'];

/** 令和5年度 for 2023. */
export const fiscalYearText = (fiscalYear: number): string => formatPeriod({ start: `${fiscalYear}-04-01`, end: `${fiscalYear + 1}-03-31`, precision: 'fiscalYear' });

/** One report's rows, in printed order, with the layout its table takes. */
export interface ReportGroup {
  reportKey: string;
  layout: Layout;
  rows: StoredRow[];
}

/** The rows of a scope grouped per report, tables in printed order, rows by sortOrder. Rows of an unknown layout are left out. */
export function groupByReport(rows: readonly StoredRow[]): ReportGroup[] {
  const byReport = new Map<string, ReportGroup>();
  for (const r of rows) {
    const layout = layoutOfKey(r.reportKey);
    if (layout === null) continue;
    const group = byReport.get(r.reportKey) ?? { reportKey: r.reportKey, layout, rows: [] };
    group.rows.push(r);
    byReport.set(r.reportKey, group);
  }
  for (const g of byReport.values()) g.rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder || a.rowKey.localeCompare(b.rowKey));
  return [...byReport.values()].sort((a, b) => LAYOUT_ORDER.indexOf(a.layout) - LAYOUT_ORDER.indexOf(b.layout) || a.reportKey.localeCompare(b.reportKey));
}

/** The texts above a table: title, scope, and what not to touch. */
export function sheetLines(meta: Pick<WorkbookMeta, 'orgCode' | 'fiscalYear' | 'divisionCode'>, layout: Layout, divisionName?: string | null): string[] {
  const org = ORGANIZATIONS.find((o) => o.code === meta.orgCode)?.name ?? meta.orgCode;
  return [
    `${org}　${fiscalYearText(meta.fiscalYear)}　${LAYOUT_TITLES[layout]}`,
    `${divisionName ?? meta.divisionCode ?? '全ての部局・課室'}　— 取組計画等のフォローアップ（同期はアドインまたは npx followup sync-xlsx で行います）`,
    '灰色の欄は記入しません。行の並べ替え・絞り込みはできますが、右端の非表示の列（行キー等）は編集・削除しないでください。',
  ];
}

/** The columns of a layout's table as the workbook port creates them. */
export function columnSpecs(layout: Layout): ColumnSpec[] {
  return sheetColumns(layout).map((c) => ({
    header: c.header,
    width: c.width,
    hidden: c.kind === 'key',
    choices: c.kind === 'layout' && c.column.id === 'status' ? STATUS_CHOICES : null,
  }));
}

/** One row as the workbook port writes it. */
export function rowSpec(row: StoredRow, layout: Layout): RowSpec {
  const { values, editable } = rowCells(row, layout);
  return { values, editable };
}

/** The sheet and table of one report. */
export function tableSpec(group: ReportGroup, index: number, meta: Pick<WorkbookMeta, 'orgCode' | 'fiscalYear' | 'divisionCode'>, divisionName?: string | null): TableSpec {
  return {
    sheet: sheetNameOf(group.layout, index),
    table: tableNameOf(index),
    lines: sheetLines(meta, group.layout, divisionName),
    columns: columnSpecs(group.layout),
    rows: group.rows.map((r) => rowSpec(r, group.layout)),
  };
}

/** Why a cell is not a value, in the words both adapters use (office-js and exceljs read the same file). */
export const badCell = {
  formula: (formula: string): ReadCell => ({ bad: formula.startsWith('=') ? formula : `=${formula}` }),
  error: (code: string): ReadCell => ({ bad: code }),
  /** A date Excel made of a typed text (2024/4/1 → a date serial): the text is gone, so it is asked for again. */
  date: (iso: string): ReadCell => ({ bad: `日付 ${iso}（文字として入力してください）` }),
};

/** Excel's serial day number (1900 date system, as Excel on Windows, Mac and the web use by default) → ISO date. */
export function excelSerialToIso(serial: number): string {
  // Day 60 is Excel's 1900-02-29, which did not exist; serials above it count from 1899-12-30.
  const ms = Math.round((serial - (serial > 60 ? 25569 : 25568)) * 86_400_000);
  return new Date(ms).toISOString().slice(0, 10);
}

/** True when an Excel number format shows a date or a time (so the number is a date Excel made). */
export function isDateFormat(format: string): boolean {
  // Quoted literals and [colour]/[$-411] sections say nothing about dates; `General` and `@` are not dates.
  const f = format.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  if (f === '' || /^(General|@)$/i.test(f)) return false;
  return /[ymdhsegb]|年|月|日/i.test(f.replace(/E\+|E-/gi, ''));
}

/** A follow-up table found in the workbook, tied to its report. */
export interface ReadTable {
  reportKey: string;
  layout: Layout;
  table: string;
  sheet: string;
  rows: TableContent['rows'];
  headerRow: number;
  firstColumn: number;
}

export type WorkbookReadResult =
  | { kind: 'blank' }
  | { kind: 'ours'; meta: WorkbookMeta; base: BaseRow[]; tables: ReadTable[] }
  | { kind: 'foreign'; ja: string; en: string };

/**
 * What a workbook holds: nothing of ours (`blank`: a new workbook to load into), a follow-up workbook with its base
 * and tables (`ours`), or something that must not be synced (`foreign`, with the reason): a base that is damaged or
 * newer, a table missing or renamed, columns deleted, moved or renamed, or follow-up tables without their base.
 */
export function readWorkbook(content: { base: string[] | null; tables: readonly TableContent[] }): WorkbookReadResult {
  if (content.base === null || content.base.length === 0) {
    if (content.tables.length === 0) return { kind: 'blank' };
    return {
      kind: 'foreign',
      ja: `同期用の非表示シート「${BASE_SHEET_NAME}」がありません（表 ${content.tables.map((t) => t.name).join('、')} はあります）。このブックは同期できません。読み込み直してください。`,
      en: `The hidden sync sheet "${BASE_SHEET_NAME}" is missing (the tables ${content.tables.map((t) => t.name).join(', ')} are there): this workbook cannot be synced; load it again.`,
    };
  }
  const decoded = decodeBase(content.base);
  if (!decoded.ok) return { kind: 'foreign', ja: decoded.ja, en: decoded.en };
  const tables: ReadTable[] = [];
  for (const s of decoded.meta.sheets) {
    const found = content.tables.find((t) => t.name === s.table);
    if (!found) {
      return { kind: 'foreign', ja: `シート「${s.name}」の表（${s.table}）がありません。シートや表の削除・名前の変更はできません。`, en: `The table ${s.table} of sheet "${s.name}" is missing: sheets and tables must not be deleted or renamed.` };
    }
    const problem = headerProblem(s.layout, found.headers, s.name);
    if (problem) return { kind: 'foreign', ...problem };
    tables.push({ reportKey: s.reportKey, layout: s.layout, table: s.table, sheet: found.sheet, rows: found.rows, headerRow: found.headerRow, firstColumn: found.firstColumn });
  }
  return { kind: 'ours', meta: decoded.meta, base: decoded.rows, tables };
}

/** Which header differs from the layout's, in words; null when they all match. */
export function headerProblem(layout: Layout, headers: readonly string[], sheet: string): { ja: string; en: string } | null {
  const columns = sheetColumns(layout);
  const clean = headers.map((h) => h.trim());
  const missing = columns.filter((c) => !clean.includes(c.header));
  const keyHeaders = columns.filter((c) => c.kind === 'key').map((c) => c.header);
  if (missing.length > 0) {
    const keys = missing.filter((c) => c.kind === 'key');
    return {
      ja: `シート「${sheet}」の表に列「${missing.map((c) => c.header).join('」「')}」がありません${keys.length > 0 ? `（非表示のキー列 ${keyHeaders.join('、')} は編集・削除できません）` : ''}。列の削除や見出しの変更はできません。`,
      en: `The table on sheet "${sheet}" has no column "${missing.map((c) => c.header).join('", "')}"${keys.length > 0 ? ` (the hidden key columns ${keyHeaders.join(', ')} must not be edited or deleted)` : ''}: columns must not be deleted or their headers changed.`,
    };
  }
  const moved = columns.findIndex((c, i) => clean[i] !== c.header);
  if (moved >= 0 || clean.length !== columns.length) {
    return {
      ja: `シート「${sheet}」の表の列の並びが変わっています（${moved >= 0 ? `${moved + 1}列目は「${columns[moved]?.header ?? ''}」のはずです` : `列が${clean.length - columns.length}個増えています`}）。列の移動・追加はできません。`,
      en: `The columns of the table on sheet "${sheet}" were moved or added (${moved >= 0 ? `column ${moved + 1} should be "${columns[moved]?.header ?? ''}"` : `${clean.length - columns.length} extra columns`}): columns must not be moved or added.`,
    };
  }
  return null;
}

/** Where a sheet row of readTablesRows came from. */
export interface RowLocation {
  table: string;
  sheet: string;
  layout: Layout;
  /** 0-based data row of the table. */
  row: number;
  /** 1-based sheet row (what Excel shows at the left). */
  sheetRow: number;
  firstColumn: number;
}

/**
 * Every table's data rows as SheetRows for planSync, numbered across tables (SheetRow.index is the position in the
 * returned list of locations), so one plan covers the whole workbook.
 */
export function sheetRowsOf(tables: readonly ReadTable[], kindOf: (rowKey: string) => RowKind | undefined): { rows: SheetRow[]; locations: RowLocation[] } {
  const rows: SheetRow[] = [];
  const locations: RowLocation[] = [];
  for (const t of tables) {
    for (const r of readTableRows(t.layout, t.rows, kindOf)) {
      locations.push({ table: t.table, sheet: t.sheet, layout: t.layout, row: r.index, sheetRow: t.headerRow + 1 + r.index, firstColumn: t.firstColumn });
      rows.push({ ...r, index: locations.length - 1 });
    }
  }
  return { rows, locations };
}

/** The 0-based column of a table that holds `field` for a row of `kind`, or -1. */
export function columnOfField(layout: Layout, kind: RowKind, field: EditableField): number {
  return sheetColumns(layout).findIndex((c) => c.kind === 'layout' && fieldOfCell(layout, kind, c.column.id) === field);
}

/** Excel's column letters for a 0-based column (0 → A, 26 → AA). */
export function columnLetter(index: number): string {
  let s = '';
  for (let x = index + 1; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** `1_全体像!E12` for a cell, `1_全体像!12:12` for a whole row: where it is, as Excel names it. */
export function cellAddress(location: RowLocation, column: number | null): string {
  return column === null ? `${location.sheet}!${location.sheetRow}:${location.sheetRow}` : `${location.sheet}!${columnLetter(location.firstColumn + column)}${location.sheetRow}`;
}
