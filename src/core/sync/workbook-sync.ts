/**
 * Load and sync a follow-up workbook (#11): the steps around the pure engine (sheet-sync.ts), written once for both
 * surfaces that own a workbook — the Excel add-in (office-js behind FollowUpWorkbook) and `npx followup sync-xlsx`
 * (exceljs behind the same port). Pure orchestration over two ports: the workbook and the store's surface.
 *
 * A sync: read the workbook and the list; plan per field (planSync); send the sheet's changes to the store (batched,
 * If-Match, merged on 412); settle the base; re-read the sheet right before writing (a co-author or the person may
 * have typed meanwhile: such cells are left alone and found again by the next sync); write the list's changes into
 * the cells; append restored and new rows; write the base last (a sync cut short before it only repeats work, never
 * mistakes an old cell for an edit).
 */
import { fieldOfCell } from '../edit/cells.js';
import { EDITABLE_FIELDS, FIELD_COLUMNS, FIELD_NAMES, type EditableField } from '../edit/fields.js';
import { formatFieldValue } from '../edit/input.js';
import { fillableColumns, layoutOfKey } from '../layouts/columns.js';
import type { Layout, RowKind } from '../model/schema.js';
import type { Actor } from '../permissions/rules.js';
import type { CreateRowsResult, DeleteRowsResult, NewRow, RowEdit, RowScope, RowSet, RowToDelete, SaveResult, StoredRow } from '../ports.js';
import { ValidationError } from '../errors.js';
import { newRowFromSheet } from './structure.js';
import { planSync, settleSync, sheetTexts, type BaseRow, type SheetRow, type SyncProblemCode } from './sheet-sync.js';
import {
  cellAddress,
  columnOfField,
  columnSpecs,
  encodeBase,
  fieldsOfLayouts,
  groupByReport,
  readWorkbook,
  rowSpec,
  sheetColumns,
  sheetNameOf,
  sheetRowsOf,
  tableNameOf,
  tableSpec,
  WORKBOOK_FORMAT,
  WORKBOOK_FORMAT_VERSION,
  type ReadTable,
  type RowLocation,
  type WorkbookMeta,
} from './workbook-format.js';
import type { CellWrite, FollowUpWorkbook, RowSpec } from './workbook-port.js';

/** The store's surface a sync uses (FollowUpStore fits it). */
export interface SyncRows {
  open(scope: RowScope): Promise<RowSet>;
  saveChanges(edits: readonly RowEdit[]): Promise<SaveResult[]>;
}

/** The secretariat's side of the store a sync may use for rows added or deleted in the sheet (FollowUpAdmin fits it). */
export interface SyncStructure {
  createRows(rows: readonly NewRow[]): Promise<CreateRowsResult>;
  deleteRows(rows: readonly RowToDelete[]): Promise<DeleteRowsResult>;
}

/** Which rows a workbook holds: the site, the ministry, the fiscal year and a division (null: the whole ministry). */
export interface WorkbookScope {
  site: string;
  orgCode: string;
  fiscalYear: number;
  divisionCode: string | null;
}

export type SyncStep = 'read' | 'list' | 'save' | 'write' | 'done';
export interface SyncProgress {
  step: SyncStep;
  /** Units done of `total` in this step (rows saved, tables written); 0 of 0 for a step without units. */
  done: number;
  total: number;
}

export interface SyncContext {
  workbook: FollowUpWorkbook;
  rows: SyncRows;
  actor: Actor;
  /** Opaque id of who syncs (kept in the base; never a UPN). */
  userId: string | null;
  /** Given for the secretariat only: rows added or deleted in the sheet may then change the list (after asking). */
  structure?: SyncStructure;
  now?: () => Date;
  onProgress?: (progress: SyncProgress) => void;
}

/** Edits per saveChanges call: a multiple of Graph's 20 per `$batch`, so progress costs no request. */
export const SAVE_CHUNK = 100;

/** A place in the workbook for a message and for "go to the cell". */
export interface CellPlace {
  table: string;
  sheet: string;
  /** 0-based data row of the table, as read when the message was made. */
  row: number;
  /** 0-based column of the table, or null for the whole row. */
  column: number | null;
  /** `1_全体像!E12`. */
  address: string;
  /** The column's printed header, or null. */
  header: string | null;
}

export interface SyncIssue {
  code: SyncProblemCode | 'SAVE_FAILED' | 'SAVE_DENIED' | 'NOT_CREATED' | 'NOT_DELETED';
  rowKey: string | null;
  /** The row's title as the sheet shows it. */
  label: string;
  field: EditableField | null;
  value: string | null;
  ja: string;
  en: string;
  place: CellPlace | null;
}

/** A field changed on both sides: nothing is written until the person chooses. */
export interface SyncConflict {
  rowKey: string;
  label: string;
  field: EditableField;
  base: string;
  mine: string;
  theirs: string;
  place: CellPlace | null;
}

export interface RowNote {
  rowKey: string | null;
  label: string;
  place: CellPlace | null;
}

export interface SyncReport {
  meta: WorkbookMeta;
  /** The list as read (for checking edits as they are made until the next sync). */
  list: StoredRow[];
  /** Rows and fields sent to the list, and how the store answered. */
  sent: { rows: number; fields: number; saved: number; merged: number };
  /** Cells the list's changes (and the stored values' normal form) rewrote. */
  cellsWritten: number;
  /** Cells left alone because they changed while the sync ran (a co-author, or the person typing): synced next time. */
  changedMeanwhile: RowNote[];
  conflicts: SyncConflict[];
  issues: SyncIssue[];
  /** Rows deleted in the sheet and written back (only the secretariat deletes list items). */
  restored: RowNote[];
  /** Rows deleted in the sheet that the secretariat chose to leave out for now (asked again at the next sync). */
  leftOut: RowNote[];
  /** Rows new in the list (added by the secretariat), appended to their tables. */
  added: RowNote[];
  /** Rows added in the sheet: proposals for the secretariat, not written to the list (unless it chose to create them). */
  proposals: RowNote[];
  /** Rows added in the sheet that the secretariat created in the list (now keyed rows at the end of their table). */
  created: RowNote[];
  /** Rows deleted in the sheet that the secretariat deleted from the list. */
  deleted: RowNote[];
  /** Rows whose list item is gone (deleted or moved to another division): removed when untouched, kept when edited. */
  goneFromList: (RowNote & { removed: boolean })[];
  /** Tables created for reports new in the list. */
  newTables: string[];
}

export type SyncOutcome = { ok: true; report: SyncReport } | { ok: false; reason: 'blank' | 'foreign' | 'scope'; ja: string; en: string };

/** What the secretariat chose for rows deleted in the sheet. */
export type DeletedRowsChoice = 'delete' | 'restore' | 'later';

export interface SyncOptions {
  /** Asked (the secretariat only) before rows deleted in the sheet are written back; false leaves them out for now. */
  confirmRestore?: (rows: readonly RowNote[]) => Promise<boolean>;
  /**
   * With `structure` (the secretariat): what to do with rows deleted in the sheet — delete them from the list,
   * write them back, or decide later (asked again next sync). Takes the place of confirmRestore. Without it, the
   * rows are restored as for everyone.
   */
  decideDeleted?: (rows: readonly RowNote[]) => Promise<DeletedRowsChoice>;
  /** With `structure` (the secretariat): create the rows added in the sheet in the list? false: they stay proposals. */
  confirmCreate?: (rows: readonly RowNote[]) => Promise<boolean>;
  /** The division's name for the lines above a new table. */
  divisionName?: string | null;
}

const rowScope = (s: WorkbookScope): RowScope => ({ fiscalYear: s.fiscalYear, orgCode: s.orgCode, ...(s.divisionCode === null ? {} : { divisionCode: s.divisionCode }) });

const FIELD_OF_COLUMN = new Map(EDITABLE_FIELDS.map((f) => [FIELD_COLUMNS[f], f]));

/** The fields a row fills in its layout (sheet-sync's `fillable`). */
export function fillableFields(row: StoredRow): ReadonlySet<EditableField> {
  const layout = layoutOfKey(row.reportKey);
  if (layout === null) return new Set();
  const out = new Set<EditableField>();
  for (const c of fillableColumns(layout, row.row.kind)) {
    const f = fieldOfCell(layout, row.row.kind, c.id);
    if (f) out.add(f);
  }
  return out;
}

function placeOf(location: RowLocation | undefined, column: number | null): CellPlace | null {
  if (!location) return null;
  const col = column === null || column < 0 ? null : column;
  const header = col === null ? null : (sheetColumns(location.layout)[col]?.header ?? null);
  return { table: location.table, sheet: location.sheet, row: location.row, column: col, address: cellAddress(location, col), header };
}

/** Loads a scope into the workbook: one formatted table per report, and the base. Replaces follow-up sheets already there. */
export async function loadWorkbook(ctx: SyncContext, scope: WorkbookScope, options: { divisionName?: string | null } = {}): Promise<{ meta: WorkbookMeta; list: StoredRow[]; tables: number; unreadable: number }> {
  const now = ctx.now ?? (() => new Date());
  const progress = ctx.onProgress ?? (() => undefined);
  progress({ step: 'read', done: 0, total: 0 });
  const before = await ctx.workbook.read();
  progress({ step: 'list', done: 0, total: 0 });
  const set = await ctx.rows.open(rowScope(scope));
  const groups = groupByReport(set.rows);
  const metaBase = { orgCode: scope.orgCode, fiscalYear: scope.fiscalYear, divisionCode: scope.divisionCode };
  const sheets: WorkbookMeta['sheets'] = [];
  for (const [i, g] of groups.entries()) {
    progress({ step: 'write', done: i, total: groups.length });
    const spec = tableSpec(g, i, metaBase, options.divisionName);
    await ctx.workbook.putTable(spec);
    sheets.push({ name: spec.sheet, table: spec.table, reportKey: g.reportKey, layout: g.layout });
  }
  const keep = new Set(sheets.map((s) => s.name));
  const stale = [...new Set(before.tables.map((t) => t.sheet))].filter((s) => !keep.has(s));
  if (stale.length > 0) await ctx.workbook.removeSheets(stale);
  const fields = fieldsOfLayouts(groups.map((g) => g.layout));
  const base: BaseRow[] = groups.flatMap((g) => g.rows).map((r) => ({ rowKey: r.rowKey, eTag: r.eTag, texts: sheetTexts(r, fields) }));
  const meta: WorkbookMeta = { format: WORKBOOK_FORMAT, version: WORKBOOK_FORMAT_VERSION, site: scope.site, ...metaBase, userId: ctx.userId, syncedAt: now().toISOString(), sheets };
  await ctx.workbook.writeBase(encodeBase(meta, base));
  progress({ step: 'done', done: groups.length, total: groups.length });
  const list = groups.flatMap((g) => g.rows);
  // Rows of a report whose layout is unknown have no columns to go in: counted with the unreadable, never dropped silently.
  return { meta, list, tables: groups.length, unreadable: set.unreadable.length + (set.rows.length - list.length) };
}

/** Reads what the workbook holds and, for a follow-up workbook, its rows as the sync engine sees them. */
async function readRows(workbook: FollowUpWorkbook, kindOf: (rowKey: string) => RowKind | undefined) {
  const read = readWorkbook(await workbook.read());
  if (read.kind !== 'ours') return read;
  const { rows, locations } = sheetRowsOf(read.tables, kindOf);
  return { ...read, rows, locations };
}

const texts = (row: SheetRow | undefined, f: EditableField): string | undefined => (row ? (row.bad?.[f] !== undefined ? `\u0000bad:${row.bad[f]}` : (row.texts[f] ?? '')) : undefined);

/** Sheet rows by key, leaving out keys used twice (those are problems, not targets). */
function byKey(rows: readonly SheetRow[]): Map<string, SheetRow> {
  const map = new Map<string, SheetRow>();
  const twice = new Set<string>();
  for (const r of rows) {
    if (r.rowKey === null) continue;
    if (map.has(r.rowKey)) twice.add(r.rowKey);
    map.set(r.rowKey, r);
  }
  for (const k of twice) map.delete(k);
  return map;
}

/**
 * Syncs the workbook with the list (see the file comment). Never throws for what a person did to the sheet: every
 * problem is in the report and nothing wrong is written. Throws what the store or the host throws when they fail
 * as a whole (PermissionError, ThrottledError, HostError…): then nothing of the base was written.
 */
export async function syncWorkbook(ctx: SyncContext, options: SyncOptions = {}): Promise<SyncOutcome> {
  const now = ctx.now ?? (() => new Date());
  const progress = ctx.onProgress ?? (() => undefined);
  progress({ step: 'read', done: 0, total: 0 });
  const first = readWorkbook(await ctx.workbook.read());
  if (first.kind === 'blank') return { ok: false, reason: 'blank', ja: 'このブックにはまだフォローアップの表がありません。先に読み込んでください。', en: 'This workbook has no follow-up tables yet: load them first.' };
  if (first.kind === 'foreign') return { ok: false, reason: 'foreign', ja: first.ja, en: first.en };
  const meta = first.meta;
  const scope: WorkbookScope = { site: meta.site, orgCode: meta.orgCode, fiscalYear: meta.fiscalYear, divisionCode: meta.divisionCode };

  progress({ step: 'list', done: 0, total: 0 });
  const set = await ctx.rows.open(rowScope(scope));
  const listBy = new Map(set.rows.map((r) => [r.rowKey, r]));
  const kindOf = (k: string): RowKind | undefined => listBy.get(k)?.row.kind;
  const s1 = sheetRowsOf(first.tables, kindOf);
  const layouts = new Set<Layout>([...first.tables.map((t) => t.layout), ...groupByReport(set.rows).map((g) => g.layout)]);
  const fields = fieldsOfLayouts([...layouts]);
  const plan = planSync({ base: first.base, sheet: s1.rows, list: set.rows, actor: ctx.actor, fields, fillable: fillableFields });

  const report: SyncReport = {
    meta,
    list: set.rows,
    sent: { rows: plan.toList.length, fields: plan.toList.reduce((n, w) => n + w.fields.length, 0), saved: 0, merged: 0 },
    cellsWritten: 0,
    changedMeanwhile: [],
    conflicts: [],
    issues: [],
    restored: [],
    leftOut: [],
    added: [],
    proposals: [],
    created: [],
    deleted: [],
    goneFromList: [],
    newTables: [],
  };
  const locate1 = (index: number): RowLocation | undefined => s1.locations[index];
  const kindAt = (row: SheetRow): RowKind => (row.rowKey ? kindOf(row.rowKey) : undefined) ?? 'initiative';
  const placeIn1 = (row: SheetRow | undefined, field: EditableField | null): CellPlace | null => {
    if (!row) return null;
    const loc = locate1(row.index);
    return placeOf(loc, field === null || !loc ? null : columnOfField(loc.layout, kindAt(row), field));
  };
  const sheet1ByIndex = (i: number): SheetRow | undefined => s1.rows[i];

  for (const p of plan.problems) {
    const row = sheet1ByIndex(p.sheetIndex);
    report.issues.push({ code: p.code, rowKey: p.rowKey, label: row?.label ?? '', field: p.field ?? null, value: p.value ?? null, ja: p.ja, en: p.en, place: placeIn1(row, p.field ?? null) });
  }
  for (const c of plan.conflicts) {
    const row = sheet1ByIndex(c.sheetIndex);
    report.conflicts.push({ rowKey: c.rowKey, label: row?.label ?? listBy.get(c.rowKey)?.row.title ?? '', field: c.field, base: c.base, mine: c.mine, theirs: c.theirs, place: placeIn1(row, c.field) });
  }
  for (const p of plan.proposals) report.proposals.push({ rowKey: null, label: p.label, place: placeIn1(p, null) });

  // The sheet's changes go to the list, in chunks so long syncs show progress (same number of $batch requests).
  const results: SaveResult[] = [];
  progress({ step: 'save', done: 0, total: plan.toList.length });
  for (let i = 0; i < plan.toList.length; i += SAVE_CHUNK) {
    const chunk = plan.toList.slice(i, i + SAVE_CHUNK);
    results.push(...(await ctx.rows.saveChanges(chunk.map((w) => ({ base: w.base, mine: w.mine })))));
    progress({ step: 'save', done: Math.min(i + SAVE_CHUNK, plan.toList.length), total: plan.toList.length });
  }
  const settled = settleSync(plan, results, first.base);
  const sheet1ByKey = byKey(s1.rows);
  for (const r of results) {
    if (r.outcome === 'saved' || r.outcome === 'unchanged') report.sent.saved++;
    if (r.outcome === 'merged') report.sent.merged++;
    if (r.outcome !== 'conflict' || !r.stored) continue;
    // Someone changed the same field between our read and our write: a clash like any other, nothing overwritten.
    const row = sheet1ByKey.get(r.rowKey);
    const old = first.base.find((b) => b.rowKey === r.rowKey)?.texts ?? {};
    for (const c of r.conflicts ?? []) {
      const f = FIELD_OF_COLUMN.get(c.field);
      if (!f) continue;
      report.conflicts.push({ rowKey: r.rowKey, label: row?.label ?? r.stored.row.title, field: f, base: old[f] ?? '', mine: row?.texts[f] ?? '', theirs: formatFieldValue(r.stored, f), place: placeIn1(row, f) });
    }
  }
  for (const f of settled.failed) {
    const row = sheet1ByKey.get(f.rowKey);
    const denied = f.result.outcome === 'denied';
    const why = f.result.denial ? { ja: f.result.denial.messageJa, en: f.result.denial.messageEn } : { ja: f.result.error?.message ?? '', en: f.result.error?.message ?? '' };
    report.issues.push({
      code: denied ? 'SAVE_DENIED' : 'SAVE_FAILED',
      rowKey: f.rowKey,
      label: row?.label ?? '',
      field: f.fields[0] ?? null,
      value: null,
      ja: `${f.fields.map((x) => FIELD_NAMES[x].ja).join('・')}を保存できませんでした: ${why.ja} シートの値はそのままで、次の同期で再び送ります。`,
      en: `${f.fields.map((x) => FIELD_NAMES[x].en).join(', ')} could not be saved: ${why.en} The sheet keeps the value; the next sync sends it again.`,
      place: placeIn1(row, f.fields[0] ?? null),
    });
  }

  // Re-read right before writing: cells that changed since the first read are someone's new edits; leave them.
  progress({ step: 'write', done: 0, total: 0 });
  const second = await readRows(ctx.workbook, kindOf);
  if (second.kind !== 'ours') {
    report.issues.push({ code: 'SAVE_FAILED', rowKey: null, label: '', field: null, value: null, ja: `同期中にブックの形が変わったため、シートには何も書き込みませんでした（リストへの保存は済んでいます）。もう一度同期してください。${second.kind === 'foreign' ? second.ja : ''}`, en: `The workbook changed shape during the sync, so nothing was written to the sheet (the list was saved). Sync again. ${second.kind === 'foreign' ? second.en : ''}`, place: null });
    return { ok: true, report };
  }
  const sheet2ByKey = byKey(second.rows);
  const tableOf = new Map(second.tables.map((t) => [t.table, t]));
  const writes = new Map<string, CellWrite & { rowKey: string; field: EditableField }>();
  for (const w of [...plan.toSheet, ...settled.sheetWrites]) {
    const before = sheet1ByKey.get(w.rowKey);
    const now2 = sheet2ByKey.get(w.rowKey);
    const loc = now2 ? second.locations[now2.index] : undefined;
    if (!before || !now2 || !loc) continue;
    if (texts(before, w.field) !== texts(now2, w.field)) {
      if (!report.changedMeanwhile.some((n) => n.rowKey === w.rowKey)) report.changedMeanwhile.push({ rowKey: w.rowKey, label: now2.label, place: placeOf(loc, null) });
      continue;
    }
    const column = columnOfField(loc.layout, kindAt(now2), w.field);
    if (column < 0) continue;
    writes.set(`${w.rowKey}|${w.field}`, { table: loc.table, row: loc.row, column, text: w.text, rowKey: w.rowKey, field: w.field });
  }
  if (writes.size > 0) await ctx.workbook.writeCells([...writes.values()].map(({ table, row, column, text }) => ({ table, row, column, text })));
  report.cellsWritten = writes.size;

  // Rows to append: new in the list, and deleted in the sheet (restored; the secretariat is asked first, and with
  // `structure` may delete them from the list instead).
  const nextBase = new Map(settled.base.map((b) => [b.rowKey, b]));
  let restore = plan.restored;
  const restoredNotes = plan.restored.map((r) => ({ rowKey: r.rowKey, label: r.row.title, place: null }));
  const structure = ctx.actor.isSecretariat ? ctx.structure : undefined;
  const choice: DeletedRowsChoice | null = restore.length > 0 && structure && options.decideDeleted ? await options.decideDeleted(restoredNotes) : null;
  if (choice === 'delete' && structure) {
    const done = await structure.deleteRows(restore);
    const deleted = new Set(done.deleted);
    for (const key of deleted) nextBase.delete(key);
    report.deleted.push(...restoredNotes.filter((n) => deleted.has(n.rowKey as string)));
    restore = restore.filter((r) => !deleted.has(r.rowKey));
    // Changed in the list since this workbook's last sync: not deleted; written back so the change is seen first.
    for (const r of restore) {
      report.issues.push({ code: 'NOT_DELETED', rowKey: r.rowKey, label: r.row.title, field: null, value: null, ja: `「${r.row.title}」は前回の同期の後にリストで変更されたため削除しませんでした。シートに戻したので、内容を確かめてから改めて削除してください。`, en: `"${r.row.title}" changed in the list since this workbook's last sync, so it was not deleted. It is back in the sheet: check it, then delete it again.`, place: null });
    }
  } else if (choice === 'later' || (choice === null && restore.length > 0 && ctx.actor.isSecretariat && options.confirmRestore && !(await options.confirmRestore(restoredNotes)))) {
    report.leftOut.push(...restoredNotes);
    // Their old base stays: the next sync finds them deleted again and asks again.
    for (const r of restore) {
      const old = first.base.find((b) => b.rowKey === r.rowKey);
      if (old) nextBase.set(r.rowKey, old);
    }
    restore = [];
  }
  const sheets = [...meta.sheets];
  const appendTo = new Map<string, { layout: Layout; rows: RowSpec[] }>();
  const newGroups = new Map<string, StoredRow[]>();
  const append = (row: StoredRow): void => {
    const sheet = sheets.find((s) => s.reportKey === row.reportKey);
    if (!sheet) {
      newGroups.set(row.reportKey, [...(newGroups.get(row.reportKey) ?? []), row]);
      return;
    }
    const entry = appendTo.get(sheet.table) ?? { layout: sheet.layout, rows: [] };
    entry.rows.push(rowSpec(row, sheet.layout));
    appendTo.set(sheet.table, entry);
  };
  const ordered = (rows: readonly StoredRow[]): StoredRow[] => [...rows].sort((a, b) => a.row.sortOrder - b.row.sortOrder);
  for (const r of ordered(restore)) append(r);
  for (const r of ordered(plan.added)) append(r);
  // Rows added in the sheet: with `structure` and the secretariat's yes, created in the list; their keyless rows are
  // replaced by the created rows (keyed, at the end of their table). Otherwise they stay proposals.
  const proposalRows = new Map<string, number[]>();
  if (plan.proposals.length > 0 && structure && options.confirmCreate && (await options.confirmCreate(report.proposals))) {
    const asked = plan.proposals.map((row, i) => ({ row, table: locate1(row.index)?.table ?? '', note: report.proposals[i] as RowNote }));
    const made = await createProposals(asked, second, set.rows, meta, structure, report);
    for (const r of made.created) {
      append(r);
      nextBase.set(r.rowKey, { rowKey: r.rowKey, eTag: r.eTag, texts: sheetTexts(r, fields) });
    }
    for (const [table, rows] of made.remove) proposalRows.set(table, rows);
  }
  for (const [table, entry] of appendTo) if (tableOf.has(table)) await ctx.workbook.appendRows(table, columnSpecs(entry.layout), entry.rows);
  for (const group of groupByReport([...newGroups.values()].flat())) {
    const index = sheets.length;
    const spec = tableSpec(group, index, meta, options.divisionName);
    // A sheet name of a scope loaded earlier may still be there; the table name is new either way.
    await ctx.workbook.putTable({ ...spec, sheet: sheetNameOf(group.layout, index), table: tableNameOf(index) });
    sheets.push({ name: spec.sheet, table: spec.table, reportKey: group.reportKey, layout: group.layout });
    report.newTables.push(spec.sheet);
  }
  report.restored.push(...ordered(restore).map((r) => ({ rowKey: r.rowKey, label: r.row.title, place: null })));
  report.added.push(...ordered(plan.added).map((r) => ({ rowKey: r.rowKey, label: r.row.title, place: null })));

  // Rows whose item left the list: removed from the sheet when nobody edited them, else kept (with their base) and listed.
  const removeBy = new Map<string, number[]>();
  for (const gone of plan.deletedInList) {
    const key = gone.rowKey as string;
    const old = first.base.find((b) => b.rowKey === key);
    const now2 = sheet2ByKey.get(key);
    const loc = now2 ? second.locations[now2.index] : undefined;
    const edited = !old || !now2 || Object.entries(now2.texts).some(([f, t]) => (old.texts[f as EditableField] ?? '') !== t) || now2.bad !== undefined;
    if (!edited && loc) {
      removeBy.set(loc.table, [...(removeBy.get(loc.table) ?? []), loc.row]);
      report.goneFromList.push({ rowKey: key, label: gone.label, place: null, removed: true });
    } else {
      if (old) nextBase.set(key, old);
      report.goneFromList.push({ rowKey: key, label: gone.label, place: placeOf(loc, null), removed: false });
    }
  }
  for (const [table, rows] of proposalRows) removeBy.set(table, [...(removeBy.get(table) ?? []), ...rows]);
  for (const [table, rows] of removeBy) await ctx.workbook.deleteRows(table, [...rows].sort((a, b) => b - a));

  const nextMeta: WorkbookMeta = { ...meta, userId: ctx.userId, syncedAt: now().toISOString(), sheets };
  report.meta = nextMeta;
  await ctx.workbook.writeBase(encodeBase(nextMeta, [...nextBase.values()]));
  progress({ step: 'done', done: plan.toList.length, total: plan.toList.length });
  return { ok: true, report };
}

/**
 * Creates the list rows of the sheet's proposals (the secretariat chose to): each as newRowFromSheet makes it, in its
 * table's report; one that cannot be made, or that the store refuses, stays a proposal with the reason. Returns the
 * rows created and the keyless sheet rows (second read) they replace.
 */
async function createProposals(
  proposals: readonly { row: SheetRow; table: string; note: RowNote }[],
  second: { rows: SheetRow[]; locations: RowLocation[] },
  list: readonly StoredRow[],
  meta: WorkbookMeta,
  structure: SyncStructure,
  report: SyncReport,
): Promise<{ created: StoredRow[]; remove: Map<string, number[]> }> {
  const notCreated = (note: RowNote, field: EditableField | null, why: { ja: string; en: string }): void => {
    report.issues.push({ code: 'NOT_CREATED', rowKey: null, label: note.label, field, value: null, ja: `追加した行「${note.label}」はリストに作成しませんでした: ${why.ja}`, en: `The added row "${note.label}" was not created in the list: ${why.en}`, place: note.place });
  };
  const tableOf = (r: SheetRow): RowLocation | undefined => second.locations[r.index];
  const wanted: { note: RowNote; row: NewRow; at: RowLocation }[] = [];
  const taken = new Map<string, Set<string>>();
  const used = new Set<SheetRow>();
  for (const p of proposals) {
    // The same row in the second read (the person may have typed since): same table, no key, same label.
    const now2 = second.rows.find((r) => r.rowKey === null && !used.has(r) && r.label === p.row.label && tableOf(r)?.table === p.table);
    const at = now2 ? tableOf(now2) : undefined;
    const sheet = meta.sheets.find((s) => s.table === p.table);
    if (!now2 || !at || !sheet) continue;
    used.add(now2);
    const siblings = [...list.filter((r) => r.reportKey === sheet.reportKey), ...wanted.filter((w) => w.row.reportKey === sheet.reportKey).map((w) => ({ row: w.row.row }) as StoredRow)];
    const keys = taken.get(sheet.reportKey) ?? new Set(siblings.map((r) => r.row.key));
    taken.set(sheet.reportKey, keys);
    // The keyed row just above it in the sheet: the added row takes its 大項目.
    const aboveKey = second.rows.filter((r) => r.rowKey !== null && tableOf(r)?.table === at.table && (tableOf(r)?.row ?? Infinity) < at.row).at(-1)?.rowKey;
    const made = newRowFromSheet(now2, { reportKey: sheet.reportKey, layout: sheet.layout, fiscalYear: meta.fiscalYear, orgCode: meta.orgCode, division: meta.divisionCode }, list.find((r) => r.rowKey === aboveKey), siblings, keys);
    if (made.ok) wanted.push({ note: p.note, row: made.row, at });
    else notCreated(p.note, made.problem.field, made.problem);
  }
  const remove = new Map<string, number[]>();
  if (wanted.length === 0) return { created: [], remove };
  let result;
  try {
    result = await structure.createRows(wanted.map((w) => w.row));
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // Refused as a whole (a closed cycle, a value the list does not take): nothing created, the rows stay proposals.
    const why = error.issues.map((i) => i.reason).join('; ');
    for (const w of wanted) notCreated(w.note, null, { ja: why, en: why });
    return { created: [], remove };
  }
  const made = new Set(result.created.map((r) => r.row.key));
  for (const w of wanted) {
    if (!made.has(w.row.row.key)) {
      notCreated(w.note, null, { ja: 'この行キーは既にリストにあります。もう一度同期してください。', en: 'its key is already in the list; sync again.' });
      continue;
    }
    remove.set(w.at.table, [...(remove.get(w.at.table) ?? []), w.at.row]);
    report.proposals = report.proposals.filter((n) => n !== w.note);
  }
  report.created.push(...result.created.map((r) => ({ rowKey: r.rowKey, label: r.row.title, place: null })));
  return { created: result.created, remove };
}

/** What a look at the workbook between syncs finds: problems as they are made, and how much waits to be synced. */
export interface WorkbookCheck {
  scope: WorkbookScope | null;
  /** Follow-up tables and their data rows. */
  tables: number;
  rows: number;
  /** Fields whose cell differs from the base (changes waiting for the next sync). */
  pending: number;
  issues: SyncIssue[];
  proposals: RowNote[];
  /** Rows of the base that are no longer in the sheet. */
  deleted: RowNote[];
  /** False when checked without the list (only what the sheet alone shows: bad cells, keys). */
  complete: boolean;
}

/**
 * Checks the workbook as it is now, without writing anything (the task pane runs it on every change). With the list
 * of the last load or sync, every problem a sync would report is found (values, permissions, keys, cells); without
 * it (offline), what the sheet alone shows.
 */
export async function checkWorkbook(workbook: FollowUpWorkbook, list: readonly StoredRow[] | null, actor: Actor): Promise<{ ok: true; check: WorkbookCheck } | { ok: false; reason: 'blank' | 'foreign'; ja: string; en: string }> {
  const listBy = new Map((list ?? []).map((r) => [r.rowKey, r]));
  const read = await readRows(workbook, (k) => listBy.get(k)?.row.kind);
  if (read.kind === 'blank') return { ok: false, reason: 'blank', ja: '', en: '' };
  if (read.kind === 'foreign') return { ok: false, reason: 'foreign', ja: read.ja, en: read.en };
  const meta = read.meta;
  const scope = { site: meta.site, orgCode: meta.orgCode, fiscalYear: meta.fiscalYear, divisionCode: meta.divisionCode };
  const baseBy = new Map(read.base.map((b) => [b.rowKey, b]));
  const place = (row: SheetRow, field: EditableField | null): CellPlace | null => {
    const loc = read.locations[row.index];
    return placeOf(loc, field === null || !loc ? null : columnOfField(loc.layout, (row.rowKey ? listBy.get(row.rowKey)?.row.kind : undefined) ?? 'initiative', field));
  };
  const sheetKeys = new Set(read.rows.map((r) => r.rowKey));
  const deleted = read.base.filter((b) => !sheetKeys.has(b.rowKey)).map((b) => ({ rowKey: b.rowKey, label: listBy.get(b.rowKey)?.row.title ?? b.rowKey, place: null }));
  const proposals = read.rows.filter((r) => r.rowKey === null).map((r) => ({ rowKey: null, label: r.label, place: place(r, null) }));
  let pending = 0;
  for (const r of read.rows) {
    const b = r.rowKey ? baseBy.get(r.rowKey) : undefined;
    if (!b) continue;
    for (const [f, t] of Object.entries(r.texts)) if ((b.texts[f as EditableField] ?? '') !== t) pending++;
  }
  const issues: SyncIssue[] = [];
  if (list !== null) {
    const layouts = new Set<Layout>(read.tables.map((t) => t.layout));
    // Against the list as last read: the base stands in for it where the list has not moved, so only the sheet's side shows.
    const plan = planSync({ base: read.base, sheet: read.rows, list, actor, fields: fieldsOfLayouts([...layouts]), fillable: fillableFields });
    for (const p of plan.problems) {
      const row = read.rows[p.sheetIndex];
      issues.push({ code: p.code, rowKey: p.rowKey, label: row?.label ?? '', field: p.field ?? null, value: p.value ?? null, ja: p.ja, en: p.en, place: row ? place(row, p.field ?? null) : null });
    }
  } else {
    for (const r of read.rows) {
      for (const [f, bad] of Object.entries(r.bad ?? {})) {
        issues.push({ code: 'BAD_CELL', rowKey: r.rowKey, label: r.label, field: f as EditableField, value: bad, ja: `この欄には値ではなく「${bad}」が入っています（数式やエラー値は反映しません）。`, en: `This cell holds "${bad}" rather than a value (formulas and error values are not synced).`, place: place(r, f as EditableField) });
      }
    }
  }
  return { ok: true, check: { scope, tables: read.tables.length, rows: read.rows.length, pending, issues, proposals, deleted, complete: list !== null } };
}

/**
 * Decides a conflict. `theirs`: the list's value goes into the cell and becomes the base. `mine`: the base takes the
 * list's value, so the next sync sees only the sheet's change and sends it (the cell may have been edited since:
 * its current text is what is sent). Returns false when the row is no longer in the sheet.
 */
export async function resolveConflict(workbook: FollowUpWorkbook, conflict: Pick<SyncConflict, 'rowKey' | 'field' | 'theirs'>, take: 'mine' | 'theirs', list: readonly StoredRow[]): Promise<boolean> {
  const listBy = new Map(list.map((r) => [r.rowKey, r]));
  const read = await readRows(workbook, (k) => listBy.get(k)?.row.kind);
  if (read.kind !== 'ours') return false;
  const row = byKey(read.rows).get(conflict.rowKey);
  const loc = row ? read.locations[row.index] : undefined;
  if (!row || !loc) return false;
  if (take === 'theirs') {
    const column = columnOfField(loc.layout, listBy.get(conflict.rowKey)?.row.kind ?? 'initiative', conflict.field);
    if (column >= 0) await workbook.writeCells([{ table: loc.table, row: loc.row, column, text: conflict.theirs }]);
  }
  const base = read.base.map((b) => (b.rowKey === conflict.rowKey ? { ...b, texts: { ...b.texts, [conflict.field]: conflict.theirs } } : b));
  await workbook.writeBase(encodeBase(read.meta, base));
  return true;
}

/** Where a row's field is now (rows move when the sheet is sorted): for "go to the cell". */
export async function locateCell(workbook: FollowUpWorkbook, rowKey: string, field: EditableField | null, list: readonly StoredRow[]): Promise<CellPlace | null> {
  const listBy = new Map(list.map((r) => [r.rowKey, r]));
  const read = await readRows(workbook, (k) => listBy.get(k)?.row.kind);
  if (read.kind !== 'ours') return null;
  const row = read.rows.find((r) => r.rowKey === rowKey);
  const loc = row ? read.locations[row.index] : undefined;
  if (!row || !loc) return null;
  return placeOf(loc, field === null ? null : columnOfField(loc.layout, listBy.get(rowKey)?.row.kind ?? 'initiative', field));
}

export type { ReadTable };
