/** Filling a row's derived text fields from raw cells, with the shared core helpers (#2). */
import { fiscalYearOf, findPeriods } from '../../core/era/index.js';
import type { Row, Tag } from '../../core/model/schema.js';
import { findNonCp932Chars, htmlToText, parseCrossRef, splitEntries } from '../../core/text/index.js';
import type { ReportBuilder } from './report.js';
import { fieldOfRole } from './row.js';

/** Sets narrative (plain), narrativeRaw (verbatim), entries and tags from a narrative cell. */
export function applyNarrative(row: Row, raw: string): void {
  row.narrativeRaw = raw;
  row.narrative = htmlToText(raw);
  row.entries = splitEntries(row.narrative);
  row.tags = uniqueTags(row.entries.map((e) => e.tag));
  row.crossRef = parseCrossRef(row.narrative);
}

/** Sets outcome (plain) and outcomeRaw (verbatim). */
export function applyOutcome(row: Row, raw: string): void {
  row.outcomeRaw = raw;
  row.outcome = htmlToText(raw);
}

function uniqueTags(tags: (Tag | null)[]): Tag[] {
  const out: Tag[] = [];
  for (const t of tags) if (t !== null && !out.includes(t)) out.push(t);
  return out;
}

/** Fiscal year and cycle label (令和5年度 → 2023) from a title line; nulls when the title names no 年度. */
export function readCycle(title: string): { fiscalYear: number | null; cycleLabel: string | null } {
  for (const found of findPeriods(title)) {
    const fy = fiscalYearOf(found.period.raw);
    if (fy !== null) return { fiscalYear: fy, cycleLabel: found.period.raw };
  }
  return { fiscalYear: null, cycleLabel: null };
}

/**
 * Flags characters Shift_JIS (CP932) cannot hold (000's `发`), per cell: a CP932 export would fail on them, so the
 * reviewer must see them (§6.3). The text is kept as printed.
 */
export function flagNonCp932(b: ReportBuilder): void {
  for (const row of b.rows) {
    for (const cell of row.cells) {
      if (cell.role === 'page-title' || cell.role === 'page-header') continue;
      const bad = findNonCp932Chars(cell.text);
      if (bad.length === 0) continue;
      const chars = bad.join('');
      b.issue({
        severity: 'warning',
        code: 'NON_CP932_CHAR',
        line: cell.line,
        col: cell.col,
        field: fieldOfRole(cell.role),
        value: chars,
        rowKey: row.key,
        message: `${b.file} ${cell.line}行目 ${cell.col}列: Shift_JIS（CP932）で表せない文字「${chars}」があります（誤字の可能性）。Shift_JIS では出力できません。`,
        messageEn: `${b.file} line ${cell.line} col ${cell.col}: characters outside Shift_JIS (CP932): "${chars}" (possibly a typo); a Shift_JIS export cannot hold them.`,
      });
    }
  }
}
