/** Filling a row's derived text fields from raw cells, with the shared core helpers (#2). */
import { fiscalYearOf, findPeriods } from '../../core/era/index.js';
import type { ImportIssue, Row, Tag } from '../../core/model/schema.js';
import type { ImportOptions, SourceDoc } from '../types.js';
import { makeIssue } from './issue.js';
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
 * The report's fiscal year: the one its title prints, else the one given (`--year`, options.year). Neither: a
 * warning naming the document and line, what is missing and how to give it; a given year that differs from the
 * printed one: a warning, and the printed one is kept (as resolveOrganization does with --org).
 */
export function resolveCycle(doc: SourceDoc, title: string, options: ImportOptions, line: number, issues: ImportIssue[]): { fiscalYear: number | null; cycleLabel: string | null } {
  const printed = readCycle(title);
  const given = options.year ?? null;
  if (printed.fiscalYear !== null) {
    if (given !== null && given !== printed.fiscalYear) {
      issues.push(
        makeIssue({
          severity: 'warning',
          code: 'YEAR_OPTION_CONFLICT',
          file: doc.file,
          line,
          field: 'fiscalYear',
          value: String(given),
          message: `${doc.file}: 指定された年度（${given}年度）は表題に印字された「${printed.cycleLabel ?? ''}」（${printed.fiscalYear}年度）と異なります。印字された年度で取り込みました。`,
          messageEn: `${doc.file}: the given fiscal year ${given} differs from the printed "${printed.cycleLabel ?? ''}" (FY${printed.fiscalYear}); imported as printed.`,
        }),
      );
    }
    return printed;
  }
  if (given !== null) return { fiscalYear: given, cycleLabel: null };
  issues.push(
    makeIssue({
      severity: 'warning',
      code: 'YEAR_NOT_PRINTED',
      file: doc.file,
      line,
      field: 'fiscalYear',
      message: `${doc.file} ${line}行目: 表題に年度（例: 令和5年度）が見つからないため、年度が不明です${title === '' ? '（表題の行がありません）' : `（表題「${title.slice(0, 40)}」）`}。年度を指定してください（followup import --year 2023 または --year 令和5年度）。年度が不明のままではリストに保存できません。`,
      messageEn: `${doc.file} line ${line}: no fiscal year (e.g. 令和5年度) in ${title === '' ? 'the table, which has no title line' : `the title "${title.slice(0, 40)}"`}; the fiscal year is unknown. Give it with followup import --year 2023 (or --year 令和5年度); a report without one cannot be stored.`,
    }),
  );
  return printed;
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
