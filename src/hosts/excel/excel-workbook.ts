/// <reference types="office-js" />
/**
 * The follow-up workbook over office-js (#11): the only code that calls the Excel JavaScript API. It moves cells and
 * nothing else; src/core/sync decides what they mean. Each method is one `Excel.run`: queue reads and writes on the
 * proxies, `context.sync()` once (twice where a read decides what to write), so a sync of a thousand rows is a
 * handful of round trips.
 *
 * Excel's semantics that shape it (platform facts E): values land only at `sync()`; an unloaded property cannot be
 * read; a table row has no id, only its position (rows are tied to the list by the hidden key column); the add-in's
 * own writes fire `onChanged` like anyone's (filtered here: echo suppression); a co-author's edits arrive with
 * `source: "Remote"` at any time, also between our read and our write (src/core/sync re-reads before writing).
 * Text is always stored as text: the cells get the text number format first, and a text beginning with = + - @ or '
 * gets Excel's quote prefix, so it never becomes a formula.
 */
import { HostError } from '../../core/errors.js';
import { BASE_SHEET_NAME, badCell, excelSerialToIso, isDateFormat, TABLE_PREFIX, type ReadCell } from '../../core/sync/workbook-format.js';
import type { CellWrite, ColumnSpec, LiveWorkbook, RowSpec, TableContent, TableSpec, WorkbookChange, WorkbookContent } from '../../core/sync/workbook-port.js';

/** The part of the `Excel` namespace used here (the global in Office, a fake in tests). */
export interface ExcelApi {
  run<T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T>;
}

export interface ExcelWorkbookOptions {
  excel: ExcelApi;
  /** How long after our write its change events may still arrive (they are asynchronous). */
  echoWindowMs?: number;
  now?: () => number;
}

export const DEFAULT_ECHO_WINDOW_MS = 3000;
const TEXT_FORMAT = '@';
const READ_ONLY_COLOR = '#EDEDED';
const HEADER_ROW_HEIGHT = 45;
const SETTINGS_PREFIX = 'followup.';

/** Excel character widths → points (a character of the default font is about 7 px plus 5 px padding; 1 px = 0.75 pt). */
export const widthToPoints = (chars: number): number => Math.round((chars * 7 + 5) * 0.75);

/** Excel would read these first characters as a formula or a prefix: a quote prefix keeps the text as typed. */
const NEEDS_QUOTE = /^[=+\-@']/;
export const toCellText = (text: string): string => (NEEDS_QUOTE.test(text) ? `'${text}` : text);

const letter = (index: number): string => {
  let s = '';
  for (let x = index + 1; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
};
const grid = <T>(rows: number, cols: number, value: T): T[][] => Array.from({ length: rows }, () => Array.from({ length: cols }, () => value));

/** A rectangle of one worksheet (0-based, inclusive). */
interface Rect {
  worksheetId: string;
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

/** Cells an event may cover before we stop comparing and simply report it (a check reads the sheet anyway). */
const MAX_ECHO_CELLS = 20_000;
/** Events arriving within this time are judged in one round trip (Office sends one per written range). */
const ECHO_BATCH_MS = 30;

/** `Sheet1!B3:D7`, `B3:D7`, `B3`, `A:A` → 0-based rectangle (columns/rows without a bound extend to the sheet's edge). */
export function parseAddress(address: string): Omit<Rect, 'worksheetId'> | null {
  const local = address.includes('!') ? address.slice(address.lastIndexOf('!') + 1) : address;
  const m = /^\$?([A-Z]*)\$?(\d*)(?::\$?([A-Z]*)\$?(\d*))?$/.exec(local.replace(/\$/g, ''));
  if (!m) return null;
  const col = (s: string | undefined, dflt: number): number => (s ? [...s].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1 : dflt);
  const row = (s: string | undefined, dflt: number): number => (s ? Number(s) - 1 : dflt);
  const [, a, b, c, d] = m;
  const end = m[3] !== undefined || m[4] !== undefined;
  return { c1: col(a, 0), r1: row(b, 0), c2: end ? col(c, 16383) : col(a, 16383), r2: end ? row(d, 1048575) : row(b, 1048575) };
}

/** Reads a cell as the person sees it, or why it is not a value (a formula, an error, a date Excel made). */
export function toReadCell(value: unknown, formula: unknown, valueType: string, numberFormat: unknown): ReadCell {
  if (valueType === 'Error') return badCell.error(String(value));
  // A quote-prefixed text that looks like a formula reads back the same in `formulas` and `values`; a real formula does not.
  if (typeof formula === 'string' && formula.startsWith('=') && formula !== value) return badCell.formula(formula);
  if (valueType === 'Empty' || value === null || value === undefined || value === '') return { text: '' };
  if (typeof value === 'number') return typeof numberFormat === 'string' && isDateFormat(numberFormat) ? badCell.date(excelSerialToIso(value)) : { text: String(value) };
  if (typeof value === 'boolean') return { text: value ? 'TRUE' : 'FALSE' };
  return { text: String(value) };
}

const hostError = (what: string, error: unknown): HostError => {
  const e = error as { code?: unknown; message?: unknown; debugInfo?: { errorLocation?: unknown } };
  const where = typeof e?.debugInfo?.errorLocation === 'string' ? ` at ${e.debugInfo.errorLocation}` : '';
  return new HostError(`Excel could not ${what}: ${typeof e?.code === 'string' ? `${e.code} ` : ''}${typeof e?.message === 'string' ? e.message : String(error)}${where}`, { cause: error });
};

/** The follow-up workbook in Excel (office-js), with change events and settings for the task pane. */
export class ExcelFollowUpWorkbook implements LiveWorkbook {
  private readonly excel: ExcelApi;
  private readonly echoWindowMs: number;
  private readonly now: () => number;
  /** What our writes put into each cell (`worksheetId!row,col` → text), until their change events can no longer arrive. */
  private echoes = new Map<string, { text: string; until: number }>();

  constructor(options: ExcelWorkbookOptions) {
    this.excel = options.excel;
    this.echoWindowMs = options.echoWindowMs ?? DEFAULT_ECHO_WINDOW_MS;
    this.now = options.now ?? (() => Date.now());
  }

  /** Runs a batch; Office's errors become HostError with the original kept as cause. */
  private async run<T>(what: string, batch: (ctx: Excel.RequestContext) => Promise<T>): Promise<T> {
    try {
      return await this.excel.run(batch);
    } catch (error) {
      throw hostError(what, error);
    }
  }

  /**
   * Runs a writing batch; `touched(ws, address, values)` records what it writes, remembered once it is synced, so the
   * change events our own writes cause can be told from the person's (echo suppression).
   */
  private async write(what: string, batch: (ctx: Excel.RequestContext, touched: (ws: Excel.Worksheet, address: string, values: readonly (readonly string[])[]) => void) => Promise<void>): Promise<void> {
    const pending: { ws: Excel.Worksheet; address: string; values: readonly (readonly string[])[] }[] = [];
    await this.run(what, async (ctx) => {
        await batch(ctx, (ws, address, values) => {
          ws.load('id');
          pending.push({ ws, address, values });
        });
        await ctx.sync();
        const until = this.now() + this.echoWindowMs;
        for (const p of pending) {
          const rect = parseAddress(p.address);
          if (!rect) continue;
          p.values.forEach((row, i) => row.forEach((text, j) => this.echoes.set(`${p.ws.id}!${rect.r1 + i},${rect.c1 + j}`, { text, until })));
        }
    });
  }

  /** What we wrote into the cells of an event's range, or null when any of them is not ours (or too many to compare). */
  private expectedFor(event: { worksheetId: string; address: string; source: string }): string[][] | null {
    const now = this.now();
    for (const [k, e] of this.echoes) if (e.until < now) this.echoes.delete(k);
    if (event.source !== 'Local') return null;
    const r = parseAddress(event.address);
    if (!r || (r.r2 - r.r1 + 1) * (r.c2 - r.c1 + 1) > MAX_ECHO_CELLS) return null;
    const expected: string[][] = [];
    for (let i = r.r1; i <= r.r2; i++) {
      const row: string[] = [];
      for (let j = r.c1; j <= r.c2; j++) {
        const e = this.echoes.get(`${event.worksheetId}!${i},${j}`);
        if (!e) return null;
        row.push(e.text);
      }
      expected.push(row);
    }
    return expected;
  }

  /**
   * Which change events are echoes of our own writes: source Local, and every cell they cover holds what we wrote
   * there a moment ago — read back (one round trip for all of them), so a person's edit of the same cells is never
   * mistaken for ours.
   */
  async echoesAmong(events: readonly { worksheetId: string; address: string; source: string }[]): Promise<boolean[]> {
    const expected = events.map((e) => this.expectedFor(e));
    if (expected.every((x) => x === null)) return events.map(() => false);
    const actual = await this.run('compare changes with our writes', async (ctx) => {
      const ranges = events.map((e, i) => {
        if (expected[i] === null) return null;
        const local = e.address.includes('!') ? e.address.slice(e.address.lastIndexOf('!') + 1) : e.address;
        return ctx.workbook.worksheets.getItem(e.worksheetId).getRange(local).load('values');
      });
      await ctx.sync();
      return ranges.map((r) => r?.values ?? null);
    }).catch(() => events.map(() => null));
    return expected.map((rows, i) => rows !== null && rows.every((row, r) => row.every((text, c) => String(actual[i]?.[r]?.[c] ?? '') === text)));
  }

  async read(): Promise<WorkbookContent> {
    return this.run('read the workbook', async (ctx) => {
      const baseSheet = ctx.workbook.worksheets.getItemOrNullObject(BASE_SHEET_NAME);
      const tables = ctx.workbook.tables;
      tables.load('items/name');
      await ctx.sync();
      let base: Excel.Range | null = null;
      if (!baseSheet.isNullObject) {
        base = baseSheet.getUsedRangeOrNullObject(true);
        base.load('values');
      }
      const parts = tables.items
        .filter((t) => t.name.startsWith(TABLE_PREFIX))
        .map((t) => ({
          name: t.name,
          ws: t.worksheet.load('name'),
          header: t.getHeaderRowRange().load('values,rowIndex,columnIndex'),
          body: t.getDataBodyRange().load('values,formulas,valueTypes,numberFormat'),
        }));
      await ctx.sync();
      const chunks = base && !base.isNullObject ? base.values.map((r) => (r[0] === null || r[0] === undefined ? '' : String(r[0]))).filter((c) => c !== '') : null;
      const out: TableContent[] = parts.map((p) => ({
        name: p.name,
        sheet: p.ws.name,
        headers: (p.header.values[0] ?? []).map((h) => String(h ?? '')),
        rows: p.body.values.map((row, i) => row.map((v, j) => toReadCell(v, p.body.formulas[i]?.[j], String(p.body.valueTypes[i]?.[j] ?? ''), p.body.numberFormat[i]?.[j]))),
        headerRow: p.header.rowIndex + 1,
        firstColumn: p.header.columnIndex,
      }));
      return { base: baseSheet.isNullObject ? null : (chunks ?? []), tables: out };
    });
  }

  /** Values and formats of `rows` into `range` (already the right size): text format first, then the texts. */
  private fillRows(ws: Excel.Worksheet, range: Excel.Range, firstRow: number, firstColumn: number, columns: readonly ColumnSpec[], rows: readonly RowSpec[]): void {
    const n = rows.length;
    const width = columns.length;
    range.numberFormat = grid(n, width, TEXT_FORMAT);
    range.values = rows.map((r) => r.values.map(toCellText));
    range.format.wrapText = true;
    range.format.verticalAlignment = 'Top';
    // Grey for what the person does not fill in: one range per run of equal cells down a column.
    for (let c = 0; c < width; c++) {
      let start = 0;
      for (let r = 1; r <= n; r++) {
        if (r < n && rows[r]?.editable[c] === rows[start]?.editable[c]) continue;
        const cells = ws.getRangeByIndexes(firstRow + start, firstColumn + c, r - start, 1);
        if (rows[start]?.editable[c]) cells.format.fill.clear();
        else cells.format.fill.color = READ_ONLY_COLOR;
        start = r;
      }
    }
  }

  /** The 実施状況 list on the cells of columns that have choices, rows [firstRow, firstRow + count). */
  private validate(ws: Excel.Worksheet, columns: readonly ColumnSpec[], firstRow: number, firstColumn: number, count: number): void {
    columns.forEach((c, i) => {
      if (!c.choices) return;
      const cells = ws.getRangeByIndexes(firstRow, firstColumn + i, count, 1);
      cells.dataValidation.clear();
      cells.dataValidation.rule = { list: { inCellDropDown: true, source: c.choices.join(',') } };
      cells.dataValidation.errorAlert = { showAlert: true, style: 'Stop', title: '実施状況', message: `「${c.choices.join('」または「')}」を選んでください。` };
    });
  }

  async putTable(spec: TableSpec): Promise<void> {
    await this.write(`create the sheet ${spec.sheet}`, async (ctx, touched) => {
      const sheets = ctx.workbook.worksheets;
      const existing = sheets.getItemOrNullObject(spec.sheet);
      existing.load('name');
      await ctx.sync();
      let ws: Excel.Worksheet;
      if (existing.isNullObject) {
        ws = sheets.add(spec.sheet);
      } else {
        ws = existing;
        ws.tables.load('items');
        await ctx.sync();
        for (const t of ws.tables.items) t.delete();
        const all = ws.getRange();
        all.clear();
        all.columnHidden = false;
      }
      const width = spec.columns.length;
      const last = letter(width - 1);
      spec.lines.forEach((line, i) => {
        const cell = ws.getRange(`A${i + 1}`);
        cell.values = [[toCellText(line)]];
        cell.format.font.bold = i === 0;
        cell.format.font.size = i === 0 ? 12 : 9;
        if (i > 0) cell.format.font.color = '#555555';
        touched(ws, `A${i + 1}`, [[line]]);
      });
      const headerRow = spec.lines.length + 2;
      const rows = spec.rows.length > 0 ? spec.rows : [{ values: spec.columns.map(() => ''), editable: spec.columns.map(() => true) }];
      const header = ws.getRange(`A${headerRow}:${last}${headerRow}`);
      header.values = [spec.columns.map((c) => c.header)];
      header.format.wrapText = true;
      header.format.verticalAlignment = 'Center';
      header.format.rowHeight = HEADER_ROW_HEIGHT;
      const bodyAddress = `A${headerRow + 1}:${last}${headerRow + rows.length}`;
      this.fillRows(ws, ws.getRange(bodyAddress), headerRow, 0, spec.columns, rows);
      touched(ws, `A${headerRow}:${last}${headerRow + rows.length}`, [spec.columns.map((c) => c.header), ...rows.map((r) => r.values)]);
      spec.columns.forEach((c, i) => {
        const column = ws.getRange(`${letter(i)}:${letter(i)}`);
        column.format.columnWidth = widthToPoints(c.width);
        if (c.hidden) column.columnHidden = true;
      });
      this.validate(ws, spec.columns, headerRow, 0, rows.length);
      const table = ws.tables.add(`A${headerRow}:${last}${headerRow + rows.length}`, true);
      table.name = spec.table;
      table.style = 'TableStyleLight1';
      ws.freezePanes.freezeRows(headerRow);
      ws.activate();
    });
  }

  async appendRows(tableName: string, columns: readonly ColumnSpec[], rows: readonly RowSpec[]): Promise<void> {
    if (rows.length === 0) return;
    await this.write(`add rows to ${tableName}`, async (ctx, touched) => {
      const table = ctx.workbook.tables.getItem(tableName);
      const ws = table.worksheet;
      const header = table.getHeaderRowRange().load('rowIndex,columnIndex,columnCount');
      const body = table.getDataBodyRange().load('rowCount,values');
      await ctx.sync();
      const width = header.columnCount;
      // A new table holds one blank row: fill it instead of leaving a gap.
      const blankFirst = body.rowCount === 1 && (body.values[0] ?? []).every((v) => v === '' || v === null);
      const start = blankFirst ? 0 : body.rowCount;
      const added = rows.length - (blankFirst ? 1 : 0);
      if (added > 0) table.rows.add(undefined, grid(added, width, ''));
      const firstRow = header.rowIndex + 1 + start;
      const range = ws.getRangeByIndexes(firstRow, header.columnIndex, rows.length, width);
      this.fillRows(ws, range, firstRow, header.columnIndex, columns, rows);
      this.validate(ws, columns, firstRow, header.columnIndex, rows.length);
      touched(ws, `${letter(header.columnIndex)}${firstRow + 1}:${letter(header.columnIndex + width - 1)}${firstRow + rows.length}`, rows.map((r) => r.values));
    });
  }

  async writeCells(cells: readonly CellWrite[]): Promise<void> {
    if (cells.length === 0) return;
    await this.write('write cells', async (ctx, touched) => {
      const byTable = new Map<string, CellWrite[]>();
      for (const c of cells) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
      const bodies = [...byTable.keys()].map((name) => {
        const t = ctx.workbook.tables.getItem(name);
        return { name, ws: t.worksheet, body: t.getDataBodyRange().load('rowIndex,columnIndex') };
      });
      await ctx.sync();
      for (const { name, ws, body } of bodies) {
        for (const c of byTable.get(name) ?? []) {
          const cell = body.getCell(c.row, c.column);
          cell.numberFormat = [[TEXT_FORMAT]];
          cell.values = [[toCellText(c.text)]];
          touched(ws, `${letter(body.columnIndex + c.column)}${body.rowIndex + c.row + 1}`, [[c.text]]);
        }
      }
    });
  }

  async deleteRows(tableName: string, rows: readonly number[]): Promise<void> {
    if (rows.length === 0) return;
    // The rows below move up: their change events are not echoes of a value we wrote, and a check of them is harmless.
    await this.write(`delete rows of ${tableName}`, async (ctx) => {
      const table = ctx.workbook.tables.getItem(tableName);
      // Highest first: each deletion shifts the rows below it.
      for (const r of [...new Set(rows)].sort((a, b) => b - a)) table.rows.getItemAt(r).delete();
    });
  }

  async removeSheets(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    await this.write('remove sheets', async (ctx) => {
      const found = names.map((n) => ctx.workbook.worksheets.getItemOrNullObject(n));
      await ctx.sync();
      for (const ws of found) if (!ws.isNullObject) ws.delete();
    });
  }

  async writeBase(chunks: readonly string[]): Promise<void> {
    await this.write('write the sync base', async (ctx, touched) => {
      const existing = ctx.workbook.worksheets.getItemOrNullObject(BASE_SHEET_NAME);
      await ctx.sync();
      const ws = existing.isNullObject ? ctx.workbook.worksheets.add(BASE_SHEET_NAME) : existing;
      ws.getRange('A:A').clear();
      if (chunks.length > 0) {
        const range = ws.getRange(`A1:A${chunks.length}`);
        range.numberFormat = chunks.map(() => [TEXT_FORMAT]);
        range.values = chunks.map((c) => [toCellText(c)]);
        touched(ws, `A1:A${chunks.length}`, chunks.map((c) => [c]));
      }
      // Very hidden: not listed under Unhide; only code (ours, the CLI's exceljs) reads it.
      ws.visibility = 'VeryHidden';
    });
  }

  onChange(listener: (change: WorkbookChange) => void): () => void {
    let registration: OfficeExtension.EventHandlerResult<Excel.TableChangedEventArgs> | null = null;
    let removed = false;
    const names = new Map<string, string>();
    // Events come in bursts (a batch of ours fires one per range): they are judged together, in one round trip.
    let queue: Excel.TableChangedEventArgs[] = [];
    let flushing: Promise<void> | null = null;
    const flush = async (): Promise<void> => {
      await new Promise((resolve) => setTimeout(resolve, ECHO_BATCH_MS));
      const events = queue;
      queue = [];
      flushing = null;
      const echo = await this.echoesAmong(events);
      for (const [i, event] of events.entries()) {
        if (echo[i]) continue;
        let name = names.get(event.tableId) ?? null;
        if (name === null) {
          // Table ids are stable for the session: look the name up once.
          name = await this.run('name the changed table', async (ctx) => {
            const t = ctx.workbook.tables.getItemOrNullObject(event.tableId);
            t.load('name');
            await ctx.sync();
            return t.isNullObject ? null : t.name;
          }).catch(() => null);
          if (name !== null) names.set(event.tableId, name);
        }
        listener({ table: name !== null && name.startsWith(TABLE_PREFIX) ? name : null, address: event.address, source: event.source === 'Remote' ? 'remote' : 'local' });
      }
    };
    const handler = async (event: Excel.TableChangedEventArgs): Promise<void> => {
      queue.push(event);
      flushing ??= flush();
      await flushing;
    };
    void this.run('listen to changes', async (ctx) => {
      const result = ctx.workbook.tables.onChanged.add(handler);
      await ctx.sync();
      registration = result;
      if (removed) await this.unregister(result);
    }).catch(() => {
      // Without events (an old host) the pane still syncs; problems show on the next check instead of at once.
    });
    return () => {
      removed = true;
      if (registration) void this.unregister(registration);
    };
  }

  private async unregister(result: OfficeExtension.EventHandlerResult<Excel.TableChangedEventArgs>): Promise<void> {
    await this.excel
      .run(async (ctx) => {
        result.remove();
        await ctx.sync();
      })
      .catch(() => {
        // The handler dies with the session anyway; a failed removal only keeps a listener that ignores events.
      });
  }

  async select(tableName: string, row: number, column: number): Promise<void> {
    await this.run('select the cell', async (ctx) => {
      const table = ctx.workbook.tables.getItem(tableName);
      table.worksheet.activate();
      table.getDataBodyRange().getCell(row, column).select();
      await ctx.sync();
    });
  }

  async getSetting(key: string): Promise<unknown> {
    return this.run('read a setting', async (ctx) => {
      const s = ctx.workbook.settings.getItemOrNullObject(SETTINGS_PREFIX + key);
      s.load('value');
      await ctx.sync();
      return s.isNullObject ? null : (s.value as unknown);
    });
  }

  async setSetting(key: string, value: unknown): Promise<void> {
    await this.run('save a setting', async (ctx) => {
      ctx.workbook.settings.add(SETTINGS_PREFIX + key, value as string);
      await ctx.sync();
    });
  }
}
