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
import { layoutDefinition, type ColumnContent, type LayoutColumn } from '../layouts/columns.js';
import type { RowRecord } from '../lists/row-fields.js';
import { LAYOUTS, type Layout, type RowKind } from '../model/schema.js';
import type { StoredRow } from '../ports.js';
import type { BaseRow, SheetRow } from './sheet-sync.js';

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

/** A table name Excel accepts (letters, digits, underscore; unique per workbook). */
export function tableNameOf(index: number): string {
  return `FollowUp${index + 1}`;
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
