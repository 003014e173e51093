/**
 * A fake Excel JavaScript API with Excel's semantics (#11, style guide 11.5 "fakes with real behaviour"): the part of
 * `Excel` the add-in's adapter uses (src/hosts/excel/excel-workbook.ts), over an in-memory workbook.
 *
 * What it keeps of Excel, because the adapter depends on it:
 * - proxies queue commands; nothing happens before `context.sync()`, and values land only then;
 * - a property read before it was loaded and synced throws (PropertyNotLoaded), as office.js does;
 * - a batch that ends with commands never synced fails (they would be lost);
 * - typed values are interpreted as Excel does: `=…` a formula, `#N/A` an error, `2024/4/1` a date serial with a date
 *   format, `123` a number, unless the cell has the text format `@` or the value starts with a quote prefix `'`;
 * - `tables.onChanged` fires for every value write inside a table — the add-in's own writes too (source Local) — and
 *   for a co-author's edits (source Remote), asynchronously after the sync;
 * - table rows have no id: adding rows grows the table, deleting one shifts the rows below up.
 * No Node or DOM imports: the e2e tests bundle it into the page as the `Excel` and `Office` globals.
 */

export type FakeValue = string | number | boolean;

export interface FakeCell {
  value: FakeValue | '';
  formula: string | null;
  error: string | null;
  numberFormat: string;
  quotePrefix: boolean;
  fill: string | null;
  wrapText: boolean;
  bold: boolean;
  fontSize: number | null;
  fontColor: string | null;
  verticalAlignment: string | null;
}

interface Rect {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
}

export interface FakeValidation extends Rect {
  rule: unknown;
  errorAlert: unknown;
}

export class FakeSheet {
  readonly cells = new Map<string, FakeCell>();
  visibility: 'Visible' | 'Hidden' | 'VeryHidden' = 'Visible';
  readonly hiddenColumns = new Set<number>();
  readonly columnWidths = new Map<number, number>();
  readonly rowHeights = new Map<number, number>();
  validations: FakeValidation[] = [];
  frozenRows = 0;
  constructor(
    readonly id: string,
    public name: string,
  ) {}

  cell(r: number, c: number): FakeCell {
    const key = `${r},${c}`;
    let cell = this.cells.get(key);
    if (!cell) {
      cell = { value: '', formula: null, error: null, numberFormat: 'General', quotePrefix: false, fill: null, wrapText: false, bold: false, fontSize: null, fontColor: null, verticalAlignment: null };
      this.cells.set(key, cell);
    }
    return cell;
  }

  peek(r: number, c: number): FakeCell | undefined {
    return this.cells.get(`${r},${c}`);
  }
}

export class FakeTable {
  style = 'TableStyleMedium2';
  constructor(
    readonly id: string,
    public name: string,
    readonly sheet: FakeSheet,
    /** 0-based header row; data rows follow down to lastRow (inclusive). */
    public headerRow: number,
    public c1: number,
    public c2: number,
    public lastRow: number,
  ) {}
}

export interface FakeChangeEvent {
  type: 'TableChanged';
  changeType: 'RangeEdited' | 'RowInserted' | 'RowDeleted';
  source: 'Local' | 'Remote';
  address: string;
  tableId: string;
  worksheetId: string;
}

const ERRORS = new Set(['#N/A', '#DIV/0!', '#VALUE!', '#REF!', '#NAME?', '#NUM!', '#NULL!', '#SPILL!', '#CALC!']);

export const colLetters = (index: number): string => {
  let s = '';
  for (let x = index + 1; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
};

/** `B3:D7`, `A:A`, `A1` (sheet-local) → 0-based rectangle. */
export function toRect(address: string): Rect {
  const local = address.includes('!') ? address.slice(address.lastIndexOf('!') + 1) : address;
  const m = /^([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?$/.exec(local.replace(/\$/g, ''));
  if (!m) throw new Error(`InvalidArgument: bad address ${address}`);
  const col = (s: string | undefined, d: number): number => (s ? [...s].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1 : d);
  const row = (s: string | undefined, d: number): number => (s ? Number(s) - 1 : d);
  const end = m[3] !== undefined || m[4] !== undefined;
  return { c1: col(m[1], 0), r1: row(m[2], 0), c2: end ? col(m[3], 16383) : col(m[1], 16383), r2: end ? row(m[4], 1048575) : row(m[2], 1048575) };
}

export const toAddress = (r: Rect): string => (r.r1 === r.r2 && r.c1 === r.c2 ? `${colLetters(r.c1)}${r.r1 + 1}` : `${colLetters(r.c1)}${r.r1 + 1}:${colLetters(r.c2)}${r.r2 + 1}`);

/** Excel serial of a date (1900 system, as Excel on every platform uses by default). */
const serialOf = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / 86_400_000 + 25569;

/** Stores `input` into `cell` the way typing it (or setting it through `values`) does in Excel. */
export function typeValue(cell: FakeCell, input: FakeValue): void {
  cell.formula = null;
  cell.error = null;
  cell.quotePrefix = false;
  if (typeof input !== 'string') {
    cell.value = input;
    return;
  }
  if (input.startsWith("'")) {
    cell.value = input.slice(1);
    cell.quotePrefix = true;
    return;
  }
  if (cell.numberFormat === '@' || input === '') {
    cell.value = input;
    return;
  }
  if (input.startsWith('=')) {
    cell.formula = input;
    cell.value = 0;
    return;
  }
  if (ERRORS.has(input.trim().toUpperCase())) {
    cell.error = input.trim().toUpperCase();
    cell.value = cell.error;
    return;
  }
  const date = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(input.trim());
  if (date) {
    cell.value = serialOf(Number(date[1]), Number(date[2]), Number(date[3]));
    cell.numberFormat = 'yyyy/m/d';
    return;
  }
  if (/^-?\d+(\.\d+)?$/.test(input.trim())) {
    cell.value = Number(input);
    return;
  }
  if (/^(TRUE|FALSE)$/i.test(input.trim())) {
    cell.value = input.trim().toUpperCase() === 'TRUE';
    return;
  }
  cell.value = input;
}

/** The in-memory workbook behind the fake API, with helpers for tests (a person typing, a co-author, sorting). */
export class FakeWorkbook {
  sheets: FakeSheet[] = [];
  tables: FakeTable[] = [];
  readonly settings = new Map<string, unknown>();
  readonly handlers = new Set<(e: FakeChangeEvent) => unknown>();
  readonly events: FakeChangeEvent[] = [];
  activeSheet: FakeSheet | null = null;
  selection: { sheet: string; address: string } | null = null;
  /** Number of `context.sync()` calls (round trips to Excel). */
  syncs = 0;
  /** Pending event deliveries (they run after the sync that caused them). */
  private pending: Promise<unknown>[] = [];
  private ids = 0;

  constructor(options: { sheets?: string[] } = {}) {
    for (const name of options.sheets ?? ['Sheet1']) this.addSheet(name);
    this.activeSheet = this.sheets[0] ?? null;
  }

  nextId(prefix: string): string {
    return `{${prefix}-${++this.ids}}`;
  }

  addSheet(name: string): FakeSheet {
    if (this.sheet(name)) throw new Error(`ItemAlreadyExists: a sheet named ${name} exists`);
    if (!/^[^:\\/?*[\]]{1,31}$/.test(name)) throw new Error(`InvalidArgument: sheet name ${name}`);
    const s = new FakeSheet(this.nextId('sheet'), name);
    this.sheets.push(s);
    return s;
  }

  /** A sheet by name or id (office.js' getItem takes either). */
  sheet(name: string): FakeSheet | undefined {
    return this.sheets.find((s) => s.name.toLowerCase() === name.toLowerCase() || s.id === name);
  }

  table(nameOrId: string): FakeTable | undefined {
    return this.tables.find((t) => t.name.toLowerCase() === nameOrId.toLowerCase() || t.id === nameOrId);
  }

  /** Writes values into a rectangle (API or typing), then tells the tables' listeners. */
  setValues(sheet: FakeSheet, rect: Rect, values: FakeValue[][], source: 'Local' | 'Remote'): void {
    for (let r = rect.r1; r <= rect.r2; r++) for (let c = rect.c1; c <= rect.c2; c++) typeValue(sheet.cell(r, c), values[r - rect.r1]?.[c - rect.c1] ?? '');
    this.emit(sheet, rect, source, 'RangeEdited');
  }

  emit(sheet: FakeSheet, rect: Rect, source: 'Local' | 'Remote', changeType: FakeChangeEvent['changeType']): void {
    for (const t of this.tables) {
      if (t.sheet !== sheet) continue;
      const r1 = Math.max(rect.r1, t.headerRow);
      const r2 = Math.min(rect.r2, t.lastRow);
      const c1 = Math.max(rect.c1, t.c1);
      const c2 = Math.min(rect.c2, t.c2);
      if (r1 > r2 || c1 > c2) continue;
      const event: FakeChangeEvent = { type: 'TableChanged', changeType, source, address: toAddress({ r1, c1, r2, c2 }), tableId: t.id, worksheetId: sheet.id };
      this.events.push(event);
      for (const h of this.handlers) {
        // Office delivers events after the batch that caused them, never inside it.
        this.pending.push(
          new Promise((resolve) => setTimeout(resolve, 0)).then(() => h(event)),
        );
      }
    }
  }

  /** Resolves once every event delivered so far has been handled. */
  async settle(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      await Promise.all(batch);
    }
  }

  /** The person types into a cell (events with source Local). */
  type(sheetName: string, address: string, text: FakeValue): void {
    const sheet = this.requireSheet(sheetName);
    const rect = toRect(address);
    this.setValues(sheet, rect, [[text]], 'Local');
  }

  /** A co-author (Excel on the web) edits a cell: it changes at once, events say Remote. */
  coauthor(sheetName: string, address: string, text: FakeValue): void {
    const sheet = this.requireSheet(sheetName);
    this.setValues(sheet, toRect(address), [[text]], 'Remote');
  }

  requireSheet(name: string): FakeSheet {
    const s = this.sheet(name);
    if (!s) throw new Error(`ItemNotFound: sheet ${name}`);
    return s;
  }

  /** A cell's displayed value (as `values` would read it). */
  valueAt(sheetName: string, address: string): FakeValue | '' {
    const r = toRect(address);
    return this.requireSheet(sheetName).peek(r.r1, r.c1)?.value ?? '';
  }

  cellAt(sheetName: string, address: string): FakeCell {
    const r = toRect(address);
    return this.requireSheet(sheetName).cell(r.r1, r.c1);
  }

  /** The person sorts a table's data rows by a column (Excel moves whole rows, formats included). */
  sort(tableName: string, column: number, descending = false): void {
    const t = this.table(tableName);
    if (!t) throw new Error(`ItemNotFound: table ${tableName}`);
    const rows: Map<number, FakeCell>[] = [];
    for (let r = t.headerRow + 1; r <= t.lastRow; r++) {
      const row = new Map<number, FakeCell>();
      for (let c = t.c1; c <= t.c2; c++) {
        const cell = t.sheet.peek(r, c);
        if (cell) row.set(c, cell);
      }
      rows.push(row);
    }
    const key = (m: Map<number, FakeCell>): string => String(m.get(t.c1 + column)?.value ?? '');
    rows.sort((a, b) => (descending ? -1 : 1) * key(a).localeCompare(key(b)));
    rows.forEach((row, i) => {
      for (let c = t.c1; c <= t.c2; c++) {
        const cell = row.get(c);
        if (cell) t.sheet.cells.set(`${t.headerRow + 1 + i},${c}`, cell);
        else t.sheet.cells.delete(`${t.headerRow + 1 + i},${c}`);
      }
    });
  }

  /** The person deletes a table row (0-based data row). */
  deleteTableRow(tableName: string, row: number, source: 'Local' | 'Remote' = 'Local'): void {
    const t = this.table(tableName);
    if (!t) throw new Error(`ItemNotFound: table ${tableName}`);
    const abs = t.headerRow + 1 + row;
    if (abs > t.lastRow) throw new Error(`InvalidArgument: row ${row} of ${tableName}`);
    // Excel shifts the table's cells below up; a table keeps at least one data row.
    for (let r = abs; r <= t.lastRow; r++) {
      for (let c = t.c1; c <= t.c2; c++) {
        const below = t.sheet.peek(r + 1, c);
        if (below && r + 1 <= t.lastRow) t.sheet.cells.set(`${r},${c}`, below);
        else t.sheet.cells.delete(`${r},${c}`);
      }
    }
    if (t.lastRow > t.headerRow + 1) t.lastRow--;
    this.emit(t.sheet, { r1: abs, c1: t.c1, r2: abs, c2: t.c2 }, source, 'RowDeleted');
  }

  /** The person types a new row right below the table: Excel grows the table to take it. */
  typeRowBelow(tableName: string, values: FakeValue[]): void {
    const t = this.table(tableName);
    if (!t) throw new Error(`ItemNotFound: table ${tableName}`);
    t.lastRow++;
    const r = t.lastRow;
    values.forEach((v, i) => {
      const cell = t.sheet.cell(r, t.c1 + i);
      cell.numberFormat = t.sheet.peek(r - 1, t.c1 + i)?.numberFormat ?? 'General';
      typeValue(cell, v);
    });
    this.emit(t.sheet, { r1: r, c1: t.c1, r2: r, c2: t.c2 }, 'Local', 'RangeEdited');
  }

  // ---- the API ---------------------------------------------------------------------------------------------

  /** `Excel.run`: a fresh request context per batch. */
  async run<T>(batch: (context: FakeContext) => Promise<T>): Promise<T> {
    const ctx = new FakeContext(this);
    const result = await batch(ctx);
    if (ctx.queued() > 0) throw new Error(`Excel.run: ${ctx.queued()} queued commands were never synced (await context.sync() before returning).`);
    return result;
  }

  /** Runs a batch against an existing request context (EventHandlerResult.context). */
  syncCount(): number {
    return this.syncs;
  }
}

type Op = () => void;

function notLoaded(what: string): never {
  throw new Error(`PropertyNotLoaded: The property '${what}' is not available. Before reading the property's value, call the load method on the containing object and call "context.sync()" on the associated request context.`);
}

/** A proxy's loaded values, readable after the sync that loaded them. */
class Loadable {
  protected readonly loaded = new Map<string, unknown>();
  constructor(protected readonly ctx: FakeContext) {}

  protected got<T>(name: string): T {
    if (!this.loaded.has(name)) notLoaded(name);
    return this.loaded.get(name) as T;
  }

  protected queueLoad(names: string[], read: (name: string) => unknown): void {
    this.ctx.queue(() => {
      for (const n of names) this.loaded.set(n, read(n));
    });
  }
}

const propsOf = (props?: string | string[] | Record<string, unknown>): string[] =>
  props === undefined ? [] : Array.isArray(props) ? props : typeof props === 'string' ? props.split(',').map((s) => s.trim()).filter(Boolean) : Object.keys(props);

export class FakeContext {
  readonly workbook: FakeWorkbookProxy;
  private ops: Op[] = [];
  constructor(readonly model: FakeWorkbook) {
    this.workbook = new FakeWorkbookProxy(this);
  }

  queue(op: Op): void {
    this.ops.push(op);
  }

  queued(): number {
    return this.ops.length;
  }

  /** Runs the queued commands in order; the first failure rejects, as office.js does, and drops the rest. */
  async sync(): Promise<void> {
    this.model.syncs++;
    const ops = this.ops;
    this.ops = [];
    // A round trip: the commands run on the host, then the promise resolves.
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (const op of ops) op();
  }
}

class FakeWorkbookProxy {
  readonly worksheets: FakeWorksheetCollection;
  readonly tables: FakeTableCollection;
  readonly settings: FakeSettings;
  constructor(ctx: FakeContext) {
    this.worksheets = new FakeWorksheetCollection(ctx);
    this.tables = new FakeTableCollection(ctx, () => ctx.model.tables);
    this.settings = new FakeSettings(ctx);
  }
}

class FakeSettings {
  constructor(private readonly ctx: FakeContext) {}
  add(key: string, value: unknown): void {
    this.ctx.queue(() => this.ctx.model.settings.set(key, JSON.parse(JSON.stringify(value)) as unknown));
  }
  getItemOrNullObject(key: string): FakeSetting {
    return new FakeSetting(this.ctx, key);
  }
}

class FakeSetting extends Loadable {
  private resolved: boolean | null = null;
  constructor(
    ctx: FakeContext,
    private readonly key: string,
  ) {
    super(ctx);
    ctx.queue(() => {
      this.resolved = ctx.model.settings.has(key);
    });
  }
  get isNullObject(): boolean {
    if (this.resolved === null) notLoaded('isNullObject');
    return !this.resolved;
  }
  load(props?: string): this {
    this.queueLoad(propsOf(props), () => this.ctx.model.settings.get(this.key) ?? null);
    return this;
  }
  get value(): unknown {
    return this.got('value');
  }
}

class FakeWorksheetCollection {
  constructor(private readonly ctx: FakeContext) {}
  add(name: string): FakeWorksheetProxy {
    let created: FakeSheet | null = null;
    this.ctx.queue(() => {
      created = this.ctx.model.addSheet(name);
    });
    return new FakeWorksheetProxy(this.ctx, () => created, false);
  }
  getItem(name: string): FakeWorksheetProxy {
    return new FakeWorksheetProxy(this.ctx, () => this.ctx.model.sheet(name) ?? null, false);
  }
  getItemOrNullObject(name: string): FakeWorksheetProxy {
    return new FakeWorksheetProxy(this.ctx, () => this.ctx.model.sheet(name) ?? null, true);
  }
}

class FakeWorksheetProxy extends Loadable {
  private nullness: boolean | null = null;
  readonly freezePanes: { freezeRows(n: number): void };
  constructor(
    ctx: FakeContext,
    private readonly resolve: () => FakeSheet | null,
    nullable: boolean,
  ) {
    super(ctx);
    if (nullable) ctx.queue(() => (this.nullness = resolve() === null));
    this.freezePanes = { freezeRows: (n: number) => ctx.queue(() => (this.sheet().frozenRows = n)) };
  }
  /** The sheet behind the proxy, at the time a queued command runs. */
  sheet(): FakeSheet {
    const s = this.resolve();
    if (!s) throw new Error('ItemNotFound: the worksheet does not exist');
    return s;
  }
  get isNullObject(): boolean {
    if (this.nullness === null) notLoaded('isNullObject');
    return this.nullness;
  }
  load(props?: string): this {
    // Loading a null object is allowed; its properties stay unset (office.js answers isNullObject instead).
    this.queueLoad(propsOf(props), (n) => {
      const s = this.resolve();
      return s === null ? undefined : n === 'id' ? s.id : n === 'name' ? s.name : n === 'visibility' ? s.visibility : undefined;
    });
    return this;
  }
  get id(): string {
    return this.got('id');
  }
  get name(): string {
    return this.got('name');
  }
  set visibility(v: FakeSheet['visibility']) {
    this.ctx.queue(() => {
      const s = this.sheet();
      if (v !== 'Visible' && this.ctx.model.sheets.filter((x) => x.visibility === 'Visible' && x !== s).length === 0) throw new Error('InvalidOperation: a workbook needs a visible sheet');
      s.visibility = v;
    });
  }
  get tables(): FakeTableCollection {
    return new FakeTableCollection(this.ctx, () => this.ctx.model.tables.filter((t) => t.sheet === this.resolve()), this);
  }
  getRange(address?: string): FakeRange {
    return new FakeRange(this.ctx, () => ({ sheet: this.sheet(), rect: address ? toRect(address) : { r1: 0, c1: 0, r2: 1048575, c2: 16383 } }));
  }
  getRangeByIndexes(row: number, column: number, rows: number, columns: number): FakeRange {
    return new FakeRange(this.ctx, () => ({ sheet: this.sheet(), rect: { r1: row, c1: column, r2: row + rows - 1, c2: column + columns - 1 } }));
  }
  getUsedRangeOrNullObject(_valuesOnly?: boolean): FakeRange {
    return new FakeRange(
      this.ctx,
      () => {
        const s = this.sheet();
        let rect: Rect | null = null;
        for (const [k, cell] of s.cells) {
          if (cell.value === '' && cell.formula === null) continue;
          const [r, c] = k.split(',').map(Number) as [number, number];
          rect = rect ? { r1: Math.min(rect.r1, r), c1: Math.min(rect.c1, c), r2: Math.max(rect.r2, r), c2: Math.max(rect.c2, c) } : { r1: r, c1: c, r2: r, c2: c };
        }
        return rect ? { sheet: s, rect } : null;
      },
      true,
    );
  }
  activate(): void {
    this.ctx.queue(() => (this.ctx.model.activeSheet = this.sheet()));
  }
  delete(): void {
    this.ctx.queue(() => {
      const s = this.sheet();
      if (this.ctx.model.sheets.filter((x) => x !== s && x.visibility === 'Visible').length === 0) throw new Error('InvalidOperation: cannot delete the last visible sheet');
      this.ctx.model.sheets = this.ctx.model.sheets.filter((x) => x !== s);
      this.ctx.model.tables = this.ctx.model.tables.filter((t) => t.sheet !== s);
    });
  }
}

class FakeTableCollection extends Loadable {
  private items_: FakeTableProxy[] | null = null;
  readonly onChanged: { add(handler: (e: FakeChangeEvent) => unknown): { remove(): void; context: FakeContext } };
  constructor(
    ctx: FakeContext,
    private readonly list: () => FakeTable[],
    private readonly worksheet?: FakeWorksheetProxy,
  ) {
    super(ctx);
    this.onChanged = {
      add: (handler) => {
        ctx.queue(() => ctx.model.handlers.add(handler));
        return { context: ctx, remove: () => ctx.queue(() => ctx.model.handlers.delete(handler)) };
      },
    };
  }
  load(props?: string): this {
    const names = propsOf(props);
    this.ctx.queue(() => {
      this.items_ = this.list().map((t) => {
        const p = new FakeTableProxy(this.ctx, () => t);
        p.preload(names.map((n) => n.replace(/^items\//, '')));
        return p;
      });
    });
    return this;
  }
  get items(): FakeTableProxy[] {
    if (this.items_ === null) notLoaded('items');
    return this.items_;
  }
  getItem(name: string): FakeTableProxy {
    return new FakeTableProxy(this.ctx, () => {
      const t = this.ctx.model.table(name);
      if (!t) throw new Error(`ItemNotFound: table ${name}`);
      return t;
    });
  }
  getItemOrNullObject(name: string): FakeTableProxy {
    return new FakeTableProxy(this.ctx, () => this.ctx.model.table(name) ?? null, true);
  }
  add(address: string, hasHeaders: boolean): FakeTableProxy {
    let created: FakeTable | null = null;
    this.ctx.queue(() => {
      if (!this.worksheet) throw new Error('InvalidOperation: add a table through a worksheet here');
      const sheet = this.worksheet.sheet();
      const r = toRect(address);
      if (!hasHeaders) throw new Error('The fake makes tables with headers only');
      for (const t of this.ctx.model.tables) {
        if (t.sheet === sheet && !(r.r2 < t.headerRow || r.r1 > t.lastRow || r.c2 < t.c1 || r.c1 > t.c2)) throw new Error('InvalidOperation: tables cannot overlap');
      }
      const lastRow = Math.max(r.r2, r.r1 + 1);
      created = new FakeTable(this.ctx.model.nextId('table'), `Table${this.ctx.model.tables.length + 1}`, sheet, r.r1, r.c1, r.c2, lastRow);
      this.ctx.model.tables.push(created);
    });
    return new FakeTableProxy(this.ctx, () => created);
  }
}

class FakeTableProxy extends Loadable {
  private nullness: boolean | null = null;
  readonly rows: { add(index: number | undefined, values: FakeValue[][]): void; getItemAt(i: number): { delete(): void } };
  readonly onChanged: { add(handler: (e: FakeChangeEvent) => unknown): { remove(): void } };
  constructor(
    ctx: FakeContext,
    private readonly resolve: () => FakeTable | null,
    nullable = false,
  ) {
    super(ctx);
    if (nullable) ctx.queue(() => (this.nullness = resolve() === null));
    this.rows = {
      add: (index, values) => {
        if (index !== undefined && index !== null) throw new Error('The fake appends rows only');
        ctx.queue(() => {
          const t = this.table();
          const first = t.lastRow + 1;
          // Excel inserts cells below the table for the new rows, shifting what was there down.
          const below = [...t.sheet.cells.entries()]
            .map(([k, cell]) => ({ k, cell, r: Number(k.split(',')[0]), c: Number(k.split(',')[1]) }))
            .filter((x) => x.r >= first && x.c >= t.c1 && x.c <= t.c2)
            .sort((a, b) => b.r - a.r);
          for (const x of below) {
            t.sheet.cells.delete(x.k);
            t.sheet.cells.set(`${x.r + values.length},${x.c}`, x.cell);
          }
          t.lastRow += values.length;
          values.forEach((row, i) =>
            row.forEach((v, j) => {
              const cell = t.sheet.cell(first + i, t.c1 + j);
              // New rows take the column's format, as Excel's tables extend it.
              cell.numberFormat = t.sheet.peek(first - 1, t.c1 + j)?.numberFormat ?? 'General';
              typeValue(cell, v);
            }),
          );
          ctx.model.emit(t.sheet, { r1: first, c1: t.c1, r2: t.lastRow, c2: t.c2 }, 'Local', 'RowInserted');
        });
      },
      getItemAt: (i) => ({ delete: () => ctx.queue(() => ctx.model.deleteTableRow(this.table().name, i)) }),
    };
    this.onChanged = {
      add: (handler) => {
        const filtered = (e: FakeChangeEvent): unknown => (e.tableId === this.table().id ? handler(e) : undefined);
        ctx.queue(() => ctx.model.handlers.add(filtered));
        return { remove: () => ctx.queue(() => ctx.model.handlers.delete(filtered)) };
      },
    };
  }
  table(): FakeTable {
    const t = this.resolve();
    if (!t) throw new Error('ItemNotFound: the table does not exist');
    return t;
  }
  /** Loaded with the collection (`items/name`). */
  preload(names: string[]): void {
    for (const n of names) this.loaded.set(n, n === 'name' ? this.table().name : n === 'id' ? this.table().id : undefined);
  }
  get isNullObject(): boolean {
    if (this.nullness === null) notLoaded('isNullObject');
    return this.nullness;
  }
  load(props?: string): this {
    this.queueLoad(propsOf(props), (n) => {
      const t = this.resolve();
      return t === null ? undefined : n === 'name' ? t.name : n === 'id' ? t.id : undefined;
    });
    return this;
  }
  get name(): string {
    return this.got('name');
  }
  set name(value: string) {
    this.ctx.queue(() => {
      if (!/^[A-Za-z_\\][A-Za-z0-9_.]*$/.test(value)) throw new Error(`InvalidArgument: table name ${value}`);
      if (this.ctx.model.tables.some((t) => t !== this.table() && t.name.toLowerCase() === value.toLowerCase())) throw new Error(`InvalidArgument: a table named ${value} exists`);
      this.table().name = value;
    });
  }
  set style(value: string) {
    this.ctx.queue(() => (this.table().style = value));
  }
  get worksheet(): FakeWorksheetProxy {
    return new FakeWorksheetProxy(this.ctx, () => this.table().sheet, false);
  }
  getHeaderRowRange(): FakeRange {
    return new FakeRange(this.ctx, () => {
      const t = this.table();
      return { sheet: t.sheet, rect: { r1: t.headerRow, c1: t.c1, r2: t.headerRow, c2: t.c2 } };
    });
  }
  getDataBodyRange(): FakeRange {
    return new FakeRange(this.ctx, () => {
      const t = this.table();
      return { sheet: t.sheet, rect: { r1: t.headerRow + 1, c1: t.c1, r2: t.lastRow, c2: t.c2 } };
    });
  }
  delete(): void {
    this.ctx.queue(() => {
      const t = this.table();
      this.ctx.model.tables = this.ctx.model.tables.filter((x) => x !== t);
      for (let r = t.headerRow; r <= t.lastRow; r++) for (let c = t.c1; c <= t.c2; c++) t.sheet.cells.delete(`${r},${c}`);
    });
  }
}

type Where = { sheet: FakeSheet; rect: Rect };

class FakeRange extends Loadable {
  private nullness: boolean | null = null;
  readonly format: {
    wrapText: boolean;
    verticalAlignment: string;
    rowHeight: number;
    columnWidth: number;
    font: { bold: boolean; size: number; color: string };
    fill: { color: string; clear(): void };
  };
  readonly dataValidation: { clear(): void; rule: unknown; errorAlert: unknown };
  constructor(
    ctx: FakeContext,
    private readonly resolve: () => Where | null,
    nullable = false,
  ) {
    super(ctx);
    if (nullable) ctx.queue(() => (this.nullness = resolve() === null));
    const each = (f: (cell: FakeCell) => void): void =>
      ctx.queue(() => {
        const { sheet, rect } = this.where();
        for (let r = rect.r1; r <= Math.min(rect.r2, rect.r1 + 100_000); r++) for (let c = rect.c1; c <= Math.min(rect.c2, rect.c1 + 200); c++) f(sheet.cell(r, c));
      });
    const where = (): Where => this.where();
    this.format = {
      set wrapText(v: boolean) {
        each((cell) => (cell.wrapText = v));
      },
      set verticalAlignment(v: string) {
        each((cell) => (cell.verticalAlignment = v));
      },
      set rowHeight(v: number) {
        ctx.queue(() => {
          const { sheet, rect } = where();
          for (let r = rect.r1; r <= rect.r2; r++) sheet.rowHeights.set(r, v);
        });
      },
      set columnWidth(v: number) {
        ctx.queue(() => {
          const { sheet, rect } = where();
          for (let c = rect.c1; c <= rect.c2; c++) sheet.columnWidths.set(c, v);
        });
      },
      font: {
        set bold(v: boolean) {
          each((cell) => (cell.bold = v));
        },
        set size(v: number) {
          each((cell) => (cell.fontSize = v));
        },
        set color(v: string) {
          each((cell) => (cell.fontColor = v));
        },
      },
      fill: {
        set color(v: string) {
          each((cell) => (cell.fill = v));
        },
        clear: () => each((cell) => (cell.fill = null)),
      },
    } as unknown as FakeRange['format'];
    this.dataValidation = {
      clear: () =>
        ctx.queue(() => {
          const { sheet, rect } = where();
          sheet.validations = sheet.validations.filter((v) => v.r2 < rect.r1 || v.r1 > rect.r2 || v.c2 < rect.c1 || v.c1 > rect.c2);
        }),
      set rule(rule: unknown) {
        ctx.queue(() => {
          const { sheet, rect } = where();
          sheet.validations.push({ ...rect, rule, errorAlert: null });
        });
      },
      set errorAlert(alert: unknown) {
        ctx.queue(() => {
          const { sheet, rect } = where();
          const v = sheet.validations.find((x) => x.r1 === rect.r1 && x.c1 === rect.c1 && x.r2 === rect.r2 && x.c2 === rect.c2);
          if (!v) throw new Error('InvalidOperation: set the rule first');
          v.errorAlert = alert;
        });
      },
    } as unknown as FakeRange['dataValidation'];
  }
  where(): Where {
    const w = this.resolve();
    if (!w) throw new Error('ItemNotFound: the range does not exist');
    return w;
  }
  get isNullObject(): boolean {
    if (this.nullness === null) notLoaded('isNullObject');
    return this.nullness;
  }
  private bounded(): Rect {
    const { sheet, rect } = this.where();
    // Whole columns or rows: as far as the sheet holds anything (Excel's used range bounds the answer).
    let maxR = 0;
    let maxC = 0;
    for (const k of sheet.cells.keys()) {
      const [r, c] = k.split(',').map(Number) as [number, number];
      maxR = Math.max(maxR, r);
      maxC = Math.max(maxC, c);
    }
    return { r1: rect.r1, c1: rect.c1, r2: Math.min(rect.r2, Math.max(rect.r1, maxR)), c2: Math.min(rect.c2, Math.max(rect.c1, maxC)) };
  }
  load(props?: string): this {
    const names = propsOf(props);
    this.ctx.queue(() => {
      if (this.resolve() === null) return;
      const { sheet } = this.where();
      const rect = this.bounded();
      const grid = <T>(f: (cell: FakeCell | undefined) => T): T[][] =>
        Array.from({ length: rect.r2 - rect.r1 + 1 }, (_, i) => Array.from({ length: rect.c2 - rect.c1 + 1 }, (_, j) => f(sheet.peek(rect.r1 + i, rect.c1 + j))));
      for (const n of names) {
        if (n === 'values') this.loaded.set(n, grid((c) => c?.value ?? ''));
        else if (n === 'formulas') this.loaded.set(n, grid((c) => c?.formula ?? c?.value ?? ''));
        else if (n === 'valueTypes') this.loaded.set(n, grid((c) => (!c || c.value === '' ? 'Empty' : c.error ? 'Error' : typeof c.value === 'number' ? 'Double' : typeof c.value === 'boolean' ? 'Boolean' : 'String')));
        else if (n === 'numberFormat') this.loaded.set(n, grid((c) => c?.numberFormat ?? 'General'));
        else if (n === 'rowIndex') this.loaded.set(n, rect.r1);
        else if (n === 'columnIndex') this.loaded.set(n, rect.c1);
        else if (n === 'rowCount') this.loaded.set(n, rect.r2 - rect.r1 + 1);
        else if (n === 'columnCount') this.loaded.set(n, rect.c2 - rect.c1 + 1);
        else if (n === 'address') this.loaded.set(n, `${sheet.name}!${toAddress(rect)}`);
        else throw new Error(`The fake does not load ${n}`);
      }
    });
    return this;
  }
  get values(): FakeValue[][] {
    return this.got('values');
  }
  set values(v: FakeValue[][]) {
    this.ctx.queue(() => {
      const { sheet, rect } = this.where();
      if (v.length !== rect.r2 - rect.r1 + 1 || v.some((row) => row.length !== rect.c2 - rect.c1 + 1)) throw new Error(`InvalidArgument: ${v.length}×${v[0]?.length ?? 0} values for ${toAddress(rect)}`);
      this.ctx.model.setValues(sheet, rect, v, 'Local');
    });
  }
  get formulas(): unknown[][] {
    return this.got('formulas');
  }
  get valueTypes(): string[][] {
    return this.got('valueTypes');
  }
  get numberFormat(): string[][] {
    return this.got('numberFormat');
  }
  set numberFormat(v: string[][]) {
    this.ctx.queue(() => {
      const { sheet, rect } = this.where();
      if (v.length !== rect.r2 - rect.r1 + 1) throw new Error('InvalidArgument: numberFormat size');
      for (let r = rect.r1; r <= rect.r2; r++) for (let c = rect.c1; c <= rect.c2; c++) sheet.cell(r, c).numberFormat = v[r - rect.r1]?.[c - rect.c1] ?? 'General';
    });
  }
  get rowIndex(): number {
    return this.got('rowIndex');
  }
  get columnIndex(): number {
    return this.got('columnIndex');
  }
  get rowCount(): number {
    return this.got('rowCount');
  }
  get columnCount(): number {
    return this.got('columnCount');
  }
  get address(): string {
    return this.got('address');
  }
  set columnHidden(v: boolean) {
    this.ctx.queue(() => {
      const { sheet, rect } = this.where();
      for (let c = rect.c1; c <= Math.min(rect.c2, rect.c1 + 200); c++) {
        if (v) sheet.hiddenColumns.add(c);
        else sheet.hiddenColumns.delete(c);
      }
    });
  }
  getCell(row: number, column: number): FakeRange {
    return new FakeRange(this.ctx, () => {
      const { sheet, rect } = this.where();
      return { sheet, rect: { r1: rect.r1 + row, c1: rect.c1 + column, r2: rect.r1 + row, c2: rect.c1 + column } };
    });
  }
  clear(): void {
    this.ctx.queue(() => {
      const { sheet, rect } = this.where();
      for (const k of [...sheet.cells.keys()]) {
        const [r, c] = k.split(',').map(Number) as [number, number];
        if (r >= rect.r1 && r <= rect.r2 && c >= rect.c1 && c <= rect.c2) sheet.cells.delete(k);
      }
      sheet.validations = sheet.validations.filter((v) => v.r2 < rect.r1 || v.r1 > rect.r2 || v.c2 < rect.c1 || v.c1 > rect.c2);
    });
  }
  select(): void {
    this.ctx.queue(() => {
      const { sheet, rect } = this.where();
      if (this.ctx.model.activeSheet !== sheet) throw new Error('InvalidOperation: select a range on the active sheet');
      this.ctx.model.selection = { sheet: sheet.name, address: toAddress(rect) };
    });
  }
}

/** What `Office` offers the task pane (the fake host of the e2e tests and host tests). */
export function fakeOffice(options: { host?: string | null; platform?: string | null; language?: string; supported?: string; theme?: { bodyBackgroundColor: string } | null } = {}) {
  const supported = options.supported ?? '1.17';
  const cmp = (a: string, b: string): number => {
    const [a1, a2] = a.split('.').map(Number) as [number, number];
    const [b1, b2] = b.split('.').map(Number) as [number, number];
    return a1 - b1 || a2 - b2;
  };
  return {
    onReady: () => Promise.resolve({ host: options.host === undefined ? 'Excel' : options.host, platform: options.platform === undefined ? 'OfficeOnline' : options.platform }),
    context: {
      displayLanguage: options.language ?? 'ja-JP',
      officeTheme: options.theme ?? undefined,
      // ExcelApi up to `supported`; DialogApi 1.2 (the sign-in dialog, #13); no NestedAppAuth (the dialog fallback).
      requirements: { isSetSupported: (name: string, version?: string) => (name === 'ExcelApi' && cmp(version ?? '1.1', supported) <= 0) || (name === 'DialogApi' && cmp(version ?? '1.1', '1.2') <= 0) },
    },
    HostType: { Excel: 'Excel' },
  };
}
