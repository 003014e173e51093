/**
 * The sheet ⇄ list sync engine (#11): a three-way merge per field between the base (the texts written at the last
 * sync, kept inside the workbook), the sheet (what the person typed, offline too) and the list (what is stored now).
 * Pure and shared by the Excel add-in, the `sync-xlsx` command and the tab: it plans, the adapters apply.
 *
 * Per field (texts are compared as written to the sheet, so a cell nobody touched is never a change):
 * - sheet = base → the list's value goes to the sheet (when it changed);
 * - list = base → the sheet's value goes to the list (when it changed), if the person may edit the field and the
 *   text parses as the field's value;
 * - both changed, to the same value → nothing to do;
 * - both changed differently → a conflict: nothing is written for that field until the person chooses.
 * Rows are tied by their hidden key (RowKey), never by position, so sorting and filtering the sheet keep the links.
 * A row deleted in the sheet is restored (only the secretariat deletes list items); a row without a key is a proposal
 * for the secretariat, never written. A key used twice, or edited into one the list does not know, is a problem.
 */
import { EDITABLE_FIELDS, FIELD_COLUMNS, writeField, type EditableField, type FieldValue } from '../edit/fields.js';
import { formatFieldValue, parseFieldInput } from '../edit/input.js';
import type { RowRecord } from '../lists/row-fields.js';
import { checkEdit, type Actor } from '../permissions/rules.js';
import type { SaveResult, StoredRow } from '../ports.js';

/** The base of one row: the texts written to the sheet at the last sync, and the item's eTag then. */
export interface BaseRow {
  rowKey: string;
  eTag: string;
  texts: Partial<Record<EditableField, string>>;
}

/** One data row of the sheet as read: its key cells and the texts of its field cells. */
export interface SheetRow {
  /** 0-based position among the table's data rows (for messages and jumping to the cell). */
  index: number;
  /** Hidden key column; null when empty (a row the person added). */
  rowKey: string | null;
  /** Field texts of the columns the layout prints; a cell holding a formula or an error is reported in `bad`. */
  texts: Partial<Record<EditableField, string>>;
  /** Cells whose content cannot be a value (a formula, #N/A, a date Excel converted): field → what was found. */
  bad?: Partial<Record<EditableField, string>>;
  /** Visible label of the row (title), for proposals and messages. */
  label: string;
}

export type SyncProblemCode = 'DUPLICATE_KEY' | 'UNKNOWN_KEY' | 'BAD_CELL' | 'INVALID_VALUE' | 'NOT_EDITABLE';

export interface SyncProblem {
  code: SyncProblemCode;
  rowKey: string | null;
  sheetIndex: number;
  field?: EditableField;
  value?: string;
  ja: string;
  en: string;
}

export interface FieldClash {
  rowKey: string;
  sheetIndex: number;
  field: EditableField;
  base: string;
  mine: string;
  theirs: string;
}

export interface SyncPlan {
  /** Edits for the store: base = the stored row, mine = it with the sheet's changes (conflicts and problems left out). */
  toList: { base: StoredRow; mine: RowRecord; fields: EditableField[]; sheetIndex: number }[];
  /** Cells to write into the sheet: the list's changes, and the values of restored rows. */
  toSheet: { rowKey: string; sheetIndex: number | null; field: EditableField; text: string }[];
  conflicts: FieldClash[];
  /** Rows of the list missing from the sheet (deleted there): written back with a note. */
  restored: StoredRow[];
  /** Rows of the list that are new since the last sync (added by the secretariat): appended to the sheet. */
  added: StoredRow[];
  /** Rows added in the sheet: proposals for the secretariat, never written by a division. */
  proposals: SheetRow[];
  /** Rows of the sheet whose list item is gone (deleted by the secretariat since the last sync). */
  deletedInList: SheetRow[];
  problems: SyncProblem[];
  /** The base after the plan is applied (conflicted fields keep their old base until decided). */
  nextBase: BaseRow[];
}

export interface SyncInput {
  base: readonly BaseRow[];
  sheet: readonly SheetRow[];
  list: readonly StoredRow[];
  actor: Actor;
  /** Fields the sheet carries (the layout's printed columns for the row kinds in it). */
  fields?: readonly EditableField[];
  /** Which fields a row fills in its layout (see RowCache's rule); defaults to every field. */
  fillable?: (row: StoredRow) => ReadonlySet<EditableField>;
}

const msg = (ja: string, en: string): { ja: string; en: string } => ({ ja, en });

/** Plans one sync. Never throws for bad sheet content: every problem is in `problems`, and nothing wrong is written. */
export function planSync(input: SyncInput): SyncPlan {
  const fields = input.fields ?? EDITABLE_FIELDS;
  const plan: SyncPlan = { toList: [], toSheet: [], conflicts: [], restored: [], added: [], proposals: [], deletedInList: [], problems: [], nextBase: [] };
  const baseByKey = new Map(input.base.map((b) => [b.rowKey, b]));
  const listByKey = new Map(input.list.map((r) => [r.rowKey, r]));

  // Keys: each must appear once and name a row of the list.
  const sheetByKey = new Map<string, SheetRow>();
  const duplicates = new Set<string>();
  for (const row of input.sheet) {
    if (row.rowKey === null) {
      plan.proposals.push(row);
      continue;
    }
    if (sheetByKey.has(row.rowKey)) duplicates.add(row.rowKey);
    else sheetByKey.set(row.rowKey, row);
  }
  for (const row of input.sheet) {
    if (row.rowKey === null) continue;
    if (duplicates.has(row.rowKey)) {
      plan.problems.push({ code: 'DUPLICATE_KEY', rowKey: row.rowKey, sheetIndex: row.index, ...msg(`行キー「${row.rowKey}」の行がシートに2回以上あります（行のコピー・貼り付け）。どちらも反映しません。重複した行を削除してください。`, `The row key "${row.rowKey}" appears more than once in the sheet (a copied row); neither is synced. Delete the duplicate.`) });
    } else if (!listByKey.has(row.rowKey) && baseByKey.has(row.rowKey)) {
      plan.deletedInList.push(row);
    } else if (!listByKey.has(row.rowKey)) {
      plan.problems.push({ code: 'UNKNOWN_KEY', rowKey: row.rowKey, sheetIndex: row.index, ...msg(`行キー「${row.rowKey}」はリストにありません（キー列が編集された可能性があります）。この行は反映しません。`, `The row key "${row.rowKey}" is not in the list (the key column may have been edited); the row is not synced.`) });
    }
  }

  for (const stored of input.list) {
    const key = stored.rowKey;
    const base = baseByKey.get(key);
    const sheet = duplicates.has(key) ? undefined : sheetByKey.get(key);
    const listTexts = Object.fromEntries(fields.map((f) => [f, formatFieldValue(stored, f)])) as Record<EditableField, string>;
    if (!base) {
      // New in the list since the last sync (or a first sync): the sheet gets it as stored.
      if (!sheet) plan.added.push(stored);
      else for (const f of fields) if (sheet.texts[f] !== listTexts[f]) plan.toSheet.push({ rowKey: key, sheetIndex: sheet.index, field: f, text: listTexts[f] });
      plan.nextBase.push({ rowKey: key, eTag: stored.eTag, texts: listTexts });
      continue;
    }
    if (!sheet) {
      if (duplicates.has(key)) {
        plan.nextBase.push(base);
        continue;
      }
      // Deleted in the sheet: only the secretariat deletes list items, so the row comes back.
      plan.restored.push(stored);
      plan.nextBase.push({ rowKey: key, eTag: stored.eTag, texts: listTexts });
      continue;
    }
    const fillable = input.fillable?.(stored);
    let mine: RowRecord = stored;
    const changed: EditableField[] = [];
    const nextTexts: Partial<Record<EditableField, string>> = {};
    for (const f of fields) {
      const b = base.texts[f] ?? '';
      const t = listTexts[f];
      const bad = sheet.bad?.[f];
      if (bad !== undefined) {
        plan.problems.push({ code: 'BAD_CELL', rowKey: key, sheetIndex: sheet.index, field: f, value: bad, ...msg(`この欄には値ではなく「${bad}」が入っています（数式やエラー値は反映しません）。値を入力し直してください。`, `This cell holds "${bad}" rather than a value (formulas and error values are not synced); type the value again.`) });
        nextTexts[f] = b;
        continue;
      }
      const s = sheet.texts[f] ?? '';
      const sheetChanged = s !== b;
      const listChanged = t !== b;
      if (!sheetChanged) {
        if (listChanged) plan.toSheet.push({ rowKey: key, sheetIndex: sheet.index, field: f, text: t });
        nextTexts[f] = t;
        continue;
      }
      if (listChanged && s !== t) {
        plan.conflicts.push({ rowKey: key, sheetIndex: sheet.index, field: f, base: b, mine: s, theirs: t });
        nextTexts[f] = b;
        continue;
      }
      if (s === t) {
        nextTexts[f] = t;
        continue;
      }
      // The sheet changed and the list did not: write it, if allowed and readable.
      if (fillable && !fillable.has(f)) {
        plan.problems.push({ code: 'NOT_EDITABLE', rowKey: key, sheetIndex: sheet.index, field: f, value: s, ...msg('この行のこの欄は入力する欄ではありません。変更は反映しません。', 'This field is not filled in for this row; the change is not synced.') });
        plan.toSheet.push({ rowKey: key, sheetIndex: sheet.index, field: f, text: t });
        nextTexts[f] = t;
        continue;
      }
      const denial = checkEdit(input.actor, { rowKey: key, orgCode: stored.orgCode, divisionCode: stored.row.division }, [FIELD_COLUMNS[f]]);
      if (denial) {
        plan.problems.push({ code: 'NOT_EDITABLE', rowKey: key, sheetIndex: sheet.index, field: f, value: s, ja: `${denial.messageJa} 変更は反映せず、シートを元に戻します。`, en: `${denial.messageEn} The change is not synced; the sheet is set back.` });
        plan.toSheet.push({ rowKey: key, sheetIndex: sheet.index, field: f, text: t });
        nextTexts[f] = t;
        continue;
      }
      const parsed = parseFieldInput(stored, f, s);
      if (!parsed.ok) {
        plan.problems.push({ code: 'INVALID_VALUE', rowKey: key, sheetIndex: sheet.index, field: f, value: s, ja: parsed.error.ja, en: parsed.error.en });
        nextTexts[f] = b;
        continue;
      }
      mine = writeField(mine, f, parsed.value as FieldValue);
      changed.push(f);
      nextTexts[f] = s;
    }
    if (changed.length > 0) plan.toList.push({ base: stored, mine, fields: changed, sheetIndex: sheet.index });
    plan.nextBase.push({ rowKey: key, eTag: stored.eTag, texts: nextTexts });
  }
  return plan;
}

/** The texts a row is written to the sheet with (the first sync, a restored or added row). */
export function sheetTexts(row: RowRecord, fields: readonly EditableField[] = EDITABLE_FIELDS): Record<EditableField, string> {
  return Object.fromEntries(fields.map((f) => [f, formatFieldValue(row, f)])) as Record<EditableField, string>;
}

/**
 * What to keep after the list writes of a plan were answered. A row the store saved (or merged) takes the stored eTag
 * and texts, and its written cells are rewritten with the stored value's text (normalised: 全角カナ, trimmed…), so the
 * next sync finds nothing to do. A field left in conflict or a row that failed keeps its old base text, so the next
 * sync finds the sheet's change again instead of losing it.
 */
export function settleSync(
  plan: SyncPlan,
  results: readonly SaveResult[],
  previous: readonly BaseRow[],
): { base: BaseRow[]; sheetWrites: SyncPlan['toSheet']; failed: { rowKey: string; fields: EditableField[]; result: SaveResult }[] } {
  const byKey = new Map(results.map((r) => [r.rowKey, r]));
  const before = new Map(previous.map((b) => [b.rowKey, b]));
  const sent = new Map(plan.toList.map((w) => [w.base.rowKey, w]));
  const sheetWrites: SyncPlan['toSheet'] = [];
  const failed: { rowKey: string; fields: EditableField[]; result: SaveResult }[] = [];
  const base = plan.nextBase.map((b) => {
    const write = sent.get(b.rowKey);
    const result = byKey.get(b.rowKey);
    if (!write) return b;
    const old = before.get(b.rowKey)?.texts ?? {};
    if (!result || result.outcome === 'failed' || result.outcome === 'denied' || !result.stored) {
      if (result) failed.push({ rowKey: b.rowKey, fields: write.fields, result });
      const texts = { ...b.texts };
      for (const f of write.fields) texts[f] = old[f] ?? '';
      return { ...b, texts };
    }
    const conflicted = new Set((result.conflicts ?? []).map((c) => c.field));
    const stored = result.stored;
    const texts = { ...b.texts };
    for (const f of write.fields) {
      if (conflicted.has(FIELD_COLUMNS[f])) {
        texts[f] = old[f] ?? '';
        continue;
      }
      texts[f] = formatFieldValue(stored, f);
      // b.texts holds what the sheet has (the person's text); the stored value may read back normalised.
      if (texts[f] !== b.texts[f]) sheetWrites.push({ rowKey: b.rowKey, sheetIndex: write.sheetIndex, field: f, text: texts[f] });
    }
    return { ...b, eTag: stored.eTag, texts };
  });
  return { base, sheetWrites, failed };
}
