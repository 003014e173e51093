/**
 * The workbook port of the sheet ⇄ list sync (#11; the `WorkbookTable` port of style guide 11.2, widened to the
 * workbook because a division's rows fill one table per report plus the hidden base sheet). Two implementations
 * move cells and nothing else: office-js in the Excel add-in (src/hosts/excel) and exceljs for the command line
 * (src/io/xlsx). What to write and what the cells mean is decided in core (workbook-format.ts, workbook-sync.ts).
 */
import type { ReadCell } from './workbook-format.js';

/** One follow-up table as read: where it is, its header texts and its data rows, cell by cell. */
export interface TableContent {
  /** Table name (`FollowUp1`…). */
  name: string;
  /** Worksheet name. */
  sheet: string;
  headers: string[];
  /** Data rows below the header, in sheet order; each row holds one cell per header. */
  rows: ReadCell[][];
  /** 1-based sheet row of the header (the first data row is the next one), for messages such as 1_全体像!E12. */
  headerRow: number;
  /** 0-based sheet column of the table's first column (0 = A). */
  firstColumn: number;
}

/** Everything a sync reads in one go. */
export interface WorkbookContent {
  /** The base sheet's column A, top to bottom; null when the workbook has no base sheet. */
  base: string[] | null;
  /** Every follow-up table (name starting with TABLE_PREFIX), in workbook order. */
  tables: TableContent[];
}

/** A column of a table to create: header, width in characters, hidden (the key columns), a closed list of choices. */
export interface ColumnSpec {
  header: string;
  width: number;
  hidden: boolean;
  /** A data-validation list (実施状況), or null. */
  choices: readonly string[] | null;
}

/** One data row to write: cell texts in column order, and which cells the person fills in (the rest look read-only). */
export interface RowSpec {
  values: string[];
  editable: boolean[];
}

/** A worksheet holding one follow-up table: a few lines of text above it, then the table. */
export interface TableSpec {
  sheet: string;
  table: string;
  /** Lines above the table from A1 down (title, scope, note); the header row follows one blank row below them. */
  lines: string[];
  columns: ColumnSpec[];
  rows: RowSpec[];
}

/** A cell to write: the table, the 0-based data row and column, and its text. */
export interface CellWrite {
  table: string;
  row: number;
  column: number;
  text: string;
}

/** A change of the workbook that did not come from the port's own writes. */
export interface WorkbookChange {
  /** The follow-up table changed, or null for another range. */
  table: string | null;
  /** A1 address as the host reports it. */
  address: string;
  /** `remote` for a co-author's edit (Excel on the web), `local` for the person's own. */
  source: 'local' | 'remote';
}

/**
 * The cells of a follow-up workbook. Every method is one round trip to the host (one `Excel.run`), so a sync reads
 * once, writes once and re-reads right before writing, whatever the number of rows.
 */
export interface FollowUpWorkbook {
  /** The base sheet and every follow-up table. @throws HostError when the host refuses */
  read(): Promise<WorkbookContent>;
  /** Creates the sheet with its table (replacing a sheet of that name), formatted as the spec says. */
  putTable(spec: TableSpec): Promise<void>;
  /** Appends rows at the end of a table, formatted like putTable's (the columns of the table's spec). */
  appendRows(table: string, columns: readonly ColumnSpec[], rows: readonly RowSpec[]): Promise<void>;
  /** Writes cell texts; a text is always stored as text (never a formula or a date). */
  writeCells(cells: readonly CellWrite[]): Promise<void>;
  /** Deletes data rows of a table (0-based, as read). */
  deleteRows(table: string, rows: readonly number[]): Promise<void>;
  /** Deletes worksheets (follow-up sheets of a scope loaded before); names that do not exist are ignored. */
  removeSheets(names: readonly string[]): Promise<void>;
  /** Replaces the base sheet's content (created very hidden when missing). */
  writeBase(chunks: readonly string[]): Promise<void>;
}

/** What the add-in's host adds to the cells: change events, settings, selection. */
export interface LiveWorkbook extends FollowUpWorkbook {
  /**
   * Calls `listener` for changes made by the person or a co-author. Changes caused by this port's own writes are
   * not reported (echo suppression), so a sync never triggers itself.
   */
  onChange(listener: (change: WorkbookChange) => void): () => void;
  /** Selects a cell of a table (and activates its sheet): the task pane's "go to the cell". */
  select(table: string, row: number, column: number): Promise<void>;
  /** A setting kept in the workbook for this add-in (JSON value), or null. */
  getSetting(key: string): Promise<unknown>;
  setSetting(key: string, value: unknown): Promise<void>;
}
