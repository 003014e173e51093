/** Row construction helpers shared by the TSV importers (#2): defaults, raw cells, unique keys. */
import { createRow } from '../../core/model/create-row.js';
import type { ImportIssue, RawCell, Row, SourceRef } from '../../core/model/schema.js';
import type { GridLine } from './grid.js';
import { isBlankText } from './grid.js';
import { makeIssue } from './issue.js';

import type { CellRole } from '../../core/layouts/render/types.js';

export { CELL_ROLES, PASS_THROUGH_ROLES, type CellRole } from '../../core/layouts/render/types.js';

/** The model field a raw cell of each role feeds, named in issues about that cell (`cells` for pass-through cells). */
const ROLE_FIELDS: Readonly<Record<CellRole, string>> = {
  'page-title': 'title',
  'page-header': 'cells',
  stray: 'cells',
  extra: 'cells',
  majorItem: 'majorItem',
  kind: 'kind',
  'kind+title': 'title',
  marker: 'markerRaw',
  'marker+title': 'title',
  title: 'title',
  split: 'splitKind',
  'split+status': 'status',
  status: 'status',
  reason: 'reasonNotPlanned',
  narrative: 'narrative',
  outcome: 'outcome',
  refs: 'guidelineRefs',
  indicator: 'indicatorValues',
  'survey-scope': 'surveyAnswers',
  'survey-answer': 'surveyAnswers',
  'survey-fields': 'surveyAnswers',
  'survey-text': 'surveyAnswers',
};

/** The model field behind a raw cell's role; `cells` when the role is unknown or missing. */
export function fieldOfRole(role: string | undefined): string {
  return (role !== undefined && (ROLE_FIELDS as Readonly<Record<string, string>>)[role]) || 'cells';
}


/** A row with every field present (see createRow in core). */
export const newRow = createRow;

/** A RawCell for `g.cells[col]` with its role. */
export function rawCell(g: GridLine, col: number, role: CellRole): RawCell {
  return { text: g.cells[col] ?? '', line: g.line, col, role };
}

/** Source position of a cell of `g`. */
export function sourceOf(file: string, g: GridLine, col?: number): SourceRef {
  // A column the header lacks (negative index) names no cell: the line alone.
  return col === undefined || col < 0 ? { file, line: g.line } : { file, line: g.line, col };
}

/**
 * Adds every non-blank cell of `g` to `row.cells` (lossless rule, §9.1): cells with a role in `roles` get it, the others
 * are kept as 'extra' so nothing the source printed is lost.
 */
export function addLineCells(row: Row, g: GridLine, roles: ReadonlyMap<number, CellRole>): void {
  g.cells.forEach((text, col) => {
    if (isBlankText(text)) return;
    row.cells.push({ text, line: g.line, col, role: roles.get(col) ?? 'extra' });
  });
}

/** Hands out row keys that are unique within a report; a repeated path (duplicated source line) gets a `~n` suffix. */
export class KeyRegistry {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly file: string,
    private readonly issues: ImportIssue[],
  ) {}

  /** Returns `key` or, if already taken, `key~n` plus a DUPLICATE_ROW_KEY warning. */
  claim(key: string, line: number): string {
    const n = this.used.get(key);
    if (n === undefined) {
      this.used.set(key, 1);
      return key;
    }
    this.used.set(key, n + 1);
    const unique = `${key}~${n + 1}`;
    this.issues.push(
      makeIssue({
        severity: 'warning',
        code: 'DUPLICATE_ROW_KEY',
        file: this.file,
        line,
        field: 'key',
        value: key,
        message: `${this.file} ${line}行目: 同じ位置づけの行（${key}）が既にあります。重複行の可能性があるため ${unique} として取り込みました。`,
        messageEn: `${this.file} line ${line}: a row with the same path (${key}) already exists; imported as ${unique} (possible duplicate line).`,
        rowKey: unique,
      }),
    );
    return unique;
  }
}
