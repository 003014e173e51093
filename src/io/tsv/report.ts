/** Collects the rows, issues and page furniture of one report while a TSV importer walks its lines (#2). */
import type { ImportIssue, Layout, RawCell, Report, Row } from '../../core/model/schema.js';
import type { GridLine } from './grid.js';
import { filledCells, isBlankText } from './grid.js';
import type { IssueInit } from './issue.js';
import { makeIssue } from './issue.js';
import { matchMajorItem } from './major-item.js';
import type { PageItem } from './pages.js';
import { furnitureCells, joinTitle } from './pages.js';
import { fieldOfRole, KeyRegistry } from './row.js';

export class ReportBuilder {
  readonly rows: Row[] = [];
  readonly issues: ImportIssue[] = [];
  readonly keys: KeyRegistry;
  /** First title block of the report (its canonical title); later ones are page repeats. */
  titleLines: GridLine[] | null = null;
  firstLine = 0;
  private pending: RawCell[] = [];

  constructor(
    readonly file: string,
    readonly layout: Layout,
  ) {
    this.keys = new KeyRegistry(file, this.issues);
  }

  /** Records a title or header block; its cells go to the next row so the page can be written back where it was. */
  addFurniture(item: PageItem): void {
    if (item.kind === 'title' && this.titleLines === null) this.titleLines = item.lines;
    if (this.firstLine === 0 && item.kind !== 'data') this.firstLine = item.kind === 'title' ? (item.lines[0]?.line ?? 0) : item.g.line;
    for (const { g, role } of furnitureCells(item)) {
      g.cells.forEach((text, col) => {
        if (!isBlankText(text)) this.pending.push({ text, line: g.line, col, role });
      });
    }
  }

  /** Appends a row in printed order; sortOrder is its position. */
  addRow(row: Row): Row {
    row.sortOrder = this.rows.length;
    if (this.pending.length > 0) {
      row.cells = [...this.pending, ...row.cells];
      this.pending = [];
    }
    this.rows.push(row);
    return row;
  }

  /**
   * Flags a report whose template's last part never appears. A truncation error needs positive evidence (#9): the
   * last row itself was cut (TRUNCATED_ROW / TRUNCATED_CELL) or ends mid-sentence (POSSIBLY_TRUNCATED); otherwise
   * the file may be complete with a part the layout expected, so it is a warning (LAYOUT_PART_MISSING).
   * `expected` names the part as the layout prints it (e.g. 大項目「推進体制等」).
   */
  checkTemplateEnd(found: boolean, expectedJa: string, expectedEn: string): void {
    const last = this.lastRow;
    if (found || !last) return;
    const lastLine = Math.max(last.source.line, ...last.cells.map((c) => c.line));
    const cut = this.issues.some((i) => i.rowKey === last.key && /^(?:TRUNCATED_ROW|TRUNCATED_CELL|POSSIBLY_TRUNCATED)$/.test(i.code));
    if (cut) {
      this.issue({
        severity: 'error',
        code: 'TRUNCATED_DOCUMENT',
        line: lastLine,
        field: 'layout',
        rowKey: last.key,
        message: `${this.file} ${lastLine}行目: 様式の最後の部分（${expectedJa}）がなく、最後の行も途中で切れています。ファイルが途中で切れており、表は不完全です。`,
        messageEn: `${this.file} line ${lastLine}: the layout's last part (${expectedEn}) is missing and the last row is cut off; the file was cut short and the table is incomplete.`,
      });
      return;
    }
    this.issue({
      severity: 'warning',
      code: 'LAYOUT_PART_MISSING',
      line: lastLine,
      field: 'layout',
      rowKey: last.key,
      message: `${this.file} ${lastLine}行目: 様式の最後の部分（${expectedJa}）がありません。ファイルが途中で切れていないか原本で確認してください。`,
      messageEn: `${this.file} line ${lastLine}: the layout's last part (${expectedEn}) is missing; check the original that the file is not cut short.`,
    });
  }

  get lastRow(): Row | undefined {
    return this.rows[this.rows.length - 1];
  }

  /** A line with nothing the layout can use (000 line 38 `ほかの`): kept on the previous row as 'stray', with a warning. */
  attachStray(g: GridLine): void {
    const cells = filledCells(g);
    const text = cells.map((c) => c.text.trim()).join(' ');
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    this.issue({
      severity: 'warning',
      code: 'STRAY_FRAGMENT',
      line: g.line,
      col: cells[0]?.col ?? 0,
      field: 'cells',
      value: text.slice(0, 100),
      message: `${this.file} ${g.line}行目: 表の行として解釈できない断片「${shown}」を無視しました。`,
      messageEn: `${this.file} line ${g.line}: ignored the fragment "${shown}", which is not a table row.`,
    });
    const last = this.lastRow;
    if (last) for (const c of cells) last.cells.push({ text: c.text, line: g.line, col: c.col, role: 'stray' });
  }

  /**
   * Reads a printed 大項目 against the template's list: garbled vertical text (003) maps to the known item whose
   * characters it uses, with a proposal; an unknown one is kept as printed. Both are reported.
   */
  readMajorItem(g: GridLine, col: number, text: string, known: readonly string[]): string {
    const match = matchMajorItem(text, known);
    if (match && !match.garbled) return match.canonical;
    const where = { line: g.line, col, field: 'majorItem', value: text } as const;
    if (match) {
      this.issue({
        severity: 'warning',
        code: 'GARBLED_MAJOR_ITEM',
        ...where,
        message: `${this.file} ${g.line}行目: 大項目「${text}」は縦書きの文字が崩れています。文字構成から「${match.canonical}」と推定しました。`,
        messageEn: `${this.file} line ${g.line}: the 大項目 "${text}" is garbled vertical text; its characters match "${match.canonical}".`,
        proposal: { value: match.canonical, confidence: match.confidence },
      });
      return match.canonical;
    }
    this.issue({
      severity: 'warning',
      code: 'UNKNOWN_MAJOR_ITEM',
      ...where,
      message: `${this.file} ${g.line}行目: 大項目「${text}」は様式の大項目にありません。そのまま取り込みました。`,
      messageEn: `${this.file} line ${g.line}: the 大項目 "${text}" is not one of the template's; kept as printed.`,
    });
    return text;
  }

  /** A 数値 or 調査 row whose value cell is empty or absent: the row is incomplete (an error with its rowKey). */
  valueMissing(g: GridLine, row: Row, col: number | undefined): void {
    this.issue({
      severity: 'error',
      code: 'VALUE_MISSING',
      line: g.line,
      ...(col === undefined || col < 0 ? {} : { col }),
      field: row.kind === 'indicator' ? 'indicatorValues' : 'surveyAnswers',
      rowKey: row.key,
      message: `${this.file} ${g.line}行目: 「${row.title}」の値がありません。この行は不完全です。`,
      messageEn: `${this.file} line ${g.line}: "${row.title}" has no value; the row is incomplete.`,
    });
  }

  /** 実施未定 without a reason (§8.4); `column` names the printed reason column, e.g. ` (B)`. */
  reasonMissing(g: GridLine, row: Row, column = ''): void {
    this.issue({
      severity: 'warning',
      code: 'REASON_MISSING',
      line: g.line,
      field: 'reasonNotPlanned',
      rowKey: row.key,
      message: `${this.file} ${g.line}行目: 「実施未定」ですが理由${column ? `${column} ` : ''}が記載されていません。`,
      messageEn: `${this.file} line ${g.line}: status 実施未定 but no reason${column} is given.`,
    });
  }

  /** The file has no title or header row of this layout: nothing is imported. */
  noTable(what = '表題または見出し行', whatEn = 'table title or header row'): void {
    this.issue({
      severity: 'error',
      code: 'NO_TABLE',
      line: 1,
      field: 'reports',
      message: `${this.file}: ${what}が見つかりません。`,
      messageEn: `${this.file}: no ${whatEn} was found.`,
    });
  }

  /** A data line before any title or header row: not imported, reported once per line. */
  rowBeforeHeader(line: number): void {
    this.issue({
      severity: 'warning',
      code: 'ROW_BEFORE_HEADER',
      line,
      field: 'cells',
      message: `${this.file} ${line}行目: 表題・見出し行より前に行があります。取り込みません。`,
      messageEn: `${this.file} line ${line}: a line appears before any title or header row; it is not imported.`,
    });
  }

  issue(init: Omit<IssueInit, 'file'>): void {
    this.issues.push(makeIssue({ ...init, file: this.file }));
  }

  /** Finishes the report. Furniture after the last row stays on the last row (still lossless). */
  build(fields: Pick<Report, 'key' | 'organization' | 'organizationCode' | 'organizationSource' | 'fiscalYear' | 'cycleLabel'> & Partial<Report>): Report {
    const last = this.lastRow;
    if (last && this.pending.length > 0) {
      last.cells.push(...this.pending);
      this.pending = [];
    }
    const titleRaw = (this.titleLines ?? []).map((g) => g.cells[0] ?? '');
    return {
      implementationYear: null,
      layout: this.layout,
      title: this.titleLines ? joinTitle(this.titleLines) : '',
      titleRaw,
      coverNote: null,
      noRowsReason: null,
      focusItems: [],
      rows: this.rows,
      issues: this.issues,
      reviewState: 'unreviewed',
      source: { file: this.file, line: this.firstLine },
      ...fields,
    };
  }

  /**
   * Flags a data line that lacks cells its layout requires (a file cut short, a dropped column). The row stays in the
   * report but carries an error, so it is never taken as complete.
   */
  checkComplete(g: GridLine, width: number, isLastLine: boolean, rowKey: string): void {
    if (g.cells.length < width) {
      this.issue({
        severity: 'error',
        code: isLastLine ? 'TRUNCATED_ROW' : 'MISSING_CELLS',
        line: g.line,
        col: g.cells.length,
        field: 'cells',
        rowKey,
        message: isLastLine
          ? `${this.file} ${g.line}行目: ファイルが行の途中で終わっています（${width}列中${g.cells.length}列）。この行は不完全です。`
          : `${this.file} ${g.line}行目: 列が不足しています（${width}列中${g.cells.length}列）。この行は不完全です。`,
        messageEn: isLastLine
          ? `${this.file} line ${g.line}: the file ends in the middle of a row (${g.cells.length} of ${width} cells); the row is incomplete.`
          : `${this.file} line ${g.line}: the row has ${g.cells.length} of ${width} cells; it is incomplete.`,
      });
    }
    if (!isLastLine) return;
    const lastCell = g.cells[g.cells.length - 1] ?? '';
    const col = g.cells.length - 1;
    // The field the cut cell feeds, from the role the importer gave it.
    const field = fieldOfRole(this.rows.find((r) => r.key === rowKey)?.cells.find((c) => c.line === g.line && c.col === col)?.role);
    if (!isCutHtml(lastCell) && !isBlankText(lastCell)) {
      // The file ends inside this cell (no tab after it). The seeds end with a tab (000, 003) or a full stop (004).
      const open = unclosedBracket(lastCell);
      if (open !== null) {
        this.issue({
          severity: 'error',
          code: 'TRUNCATED_CELL',
          line: g.line,
          col,
          field,
          rowKey,
          value: lastCell.slice(-40),
          message: `${this.file} ${g.line}行目 ${col}列: ファイルがセルの途中で終わっています（「${open}」が閉じていません）。この行は不完全です。`,
          messageEn: `${this.file} line ${g.line} col ${col}: the file ends inside the cell (「${open}」 is never closed); the row is incomplete.`,
        });
      } else if (!CELL_END.test(lastCell.trimEnd())) {
        this.issue({
          severity: 'warning',
          code: 'POSSIBLY_TRUNCATED',
          line: g.line,
          col,
          field,
          rowKey,
          value: lastCell.slice(-40),
          message: `${this.file} ${g.line}行目 ${col}列: ファイルが文の途中で終わっている可能性があります（末尾「${lastCell.trimEnd().slice(-10)}」）。原本で確認してください。`,
          messageEn: `${this.file} line ${g.line} col ${col}: the file may end in the middle of a sentence (ends with "${lastCell.trimEnd().slice(-10)}"); check the original.`,
        });
      }
    }
    if (isCutHtml(lastCell)) {
      this.issue({
        severity: 'error',
        code: 'TRUNCATED_CELL',
        line: g.line,
        col: g.cells.length - 1,
        field,
        rowKey,
        message: `${this.file} ${g.line}行目 ${g.cells.length - 1}列: セルの HTML が途中で切れています（ファイルの途中終了）。この行は不完全です。`,
        messageEn: `${this.file} line ${g.line} col ${g.cells.length - 1}: the cell's HTML is cut off (the file ends early); the row is incomplete.`,
      });
    }
  }
}

/** Characters a complete cell ends with when the file stops right after it (sentence end, closing bracket, tag, %). */
const CELL_END = /[。．.）)」』】>%％！？!?]$/u;

const BRACKETS: readonly (readonly [string, string])[] = [
  ['【', '】'],
  ['「', '」'],
  ['（', '）'],
  ['『', '』'],
];

/** The first opening bracket (【「（『) left unclosed at the end of a cell, or null. */
export function unclosedBracket(cell: string): string | null {
  for (const [open, close] of BRACKETS) {
    if (cell.lastIndexOf(open) > cell.lastIndexOf(close)) return open;
  }
  return null;
}

/**
 * A cell whose HTML stops mid-way: an open `<p>` without its `</p>`, or a tag cut inside `<…`. Unclosed `<ul>` is normal
 * in the seeds (000, 004) and is not counted.
 */
export function isCutHtml(cell: string): boolean {
  const opens = (cell.match(/<p[\s>]/g) ?? []).length;
  const closes = (cell.match(/<\/p>/g) ?? []).length;
  return opens > closes || /<\/?[a-z]*[^>]*$/i.test(cell.replace(/<(?![a-z/])/gi, ''));
}
