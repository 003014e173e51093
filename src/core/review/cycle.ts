/**
 * Cycles (#12), pure: opening 令和N年度 by carrying last year's report forward, the deadline, and what "last year"
 * and "overdue" mean. Last year's rows stay in the lists (read-only once their cycle is closed), so "last year" of a
 * row is the row with the same report-local key in the previous year's report: nothing is copied twice.
 */
import { emptyAnswers } from '../model/create-row.js';
import type { Report, Row } from '../model/schema.js';
import { err, ok, type Result } from '../result.js';

/** 令和N年度 of a Western fiscal year (2019 = 令和元年度). */
export function reiwaLabel(fiscalYear: number): string {
  const n = fiscalYear - 2018;
  return n === 1 ? '令和元年度' : `令和${n}年度`;
}

/** The report key of the same 府省等 and layout in another year: the year segment of `org/year/layout` replaced. */
export function reportKeyFor(reportKey: string, fromYear: number, toYear: number): string {
  const parts = reportKey.split('/');
  const i = parts.indexOf(String(fromYear));
  if (i === -1) return `${reportKey}/${toYear}`;
  parts[i] = String(toYear);
  return parts.join('/');
}

/**
 * A row opened for the new cycle: structure, division and targets kept; this year's answers empty (status, reason,
 * narrative, outcome, current values, survey answers) and the review back to 未確認. The source position is kept so
 * the row can always be traced to the document it came from.
 */
export function carryRow(row: Row): Row {
  return {
    ...row,
    ...emptyAnswers(),
    // Targets (目標) and when they were set (目標設定時) belong to the plan; this year's figures do not.
    indicatorValues: row.indicatorValues.filter((v) => v.valueKind === 'target' || v.valueKind === 'baseline'),
  };
}

export interface CarryProblem {
  ja: string;
  en: string;
}

/**
 * Last year's report carried into `toYear`. Refused when the years do not follow each other or the report has no
 * year: a cycle is opened from the one before it.
 */
export function carryForward(last: Report, toYear: number): Result<Report, CarryProblem> {
  if (last.fiscalYear === null) return err({ ja: `調査票 ${last.key} に年度がないため、翌年度に引き継げません。`, en: `Report ${last.key} has no fiscal year; it cannot be carried forward.` });
  if (toYear !== last.fiscalYear + 1) return err({ ja: `${reiwaLabel(toYear)}は${reiwaLabel(last.fiscalYear)}の翌年度ではありません。`, en: `${toYear} does not follow ${last.fiscalYear}; a cycle is opened from the year before it.` });
  return ok({
    ...last,
    key: reportKeyFor(last.key, last.fiscalYear, toYear),
    fiscalYear: toYear,
    cycleLabel: reiwaLabel(toYear),
    implementationYear: null,
    titleRaw: last.titleRaw.map((t) => t.replace(reiwaLabel(last.fiscalYear as number), reiwaLabel(toYear))),
    issues: [],
    reviewState: 'unreviewed',
    rows: last.rows.filter((r) => r.kind !== 'heading' || r.title !== '').map(carryRow),
  });
}

/**
 * What the division is offered for this year's narrative: last year's entries, each marked 【継続】 (the usual case
 * for an ongoing initiative; the division changes it to 【拡充】 or rewrites it). Null when last year said nothing.
 */
export function continuationSuggestion(lastYear: Pick<Row, 'narrative' | 'entries'>): string | null {
  const texts = lastYear.entries.length > 0 ? lastYear.entries.map((e) => e.text) : lastYear.narrative ? [lastYear.narrative.replace(/^【[^】]*】/, '')] : [];
  const lines = texts.map((t) => t.trim()).filter((t) => t !== '');
  return lines.length === 0 ? null : lines.map((t) => `【継続】${t}`).join('\n');
}

/** Whether a row is overdue: the deadline (an ISO date, end of that day in Japan) passed and it is not submitted. */
export function isOverdue(deadline: string | null, state: string, now: Date): boolean {
  if (deadline === null || !/^\d{4}-\d{2}-\d{2}$/.test(deadline)) return false;
  if (state === '提出済' || state === '承認済') return false;
  return now.getTime() > Date.parse(`${deadline}T23:59:59+09:00`);
}

/** A deadline as the user typed it (2025-06-30, 2025/6/30 or 令和7年6月30日) → ISO date, or why not. */
export function parseDeadline(text: string): Result<string, CarryProblem> {
  const t = text.trim().normalize('NFKC');
  let y: number | undefined;
  let m: number | undefined;
  let d: number | undefined;
  const western = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t);
  const reiwa = /^令和(元|\d{1,2})年(\d{1,2})月(\d{1,2})日$/.exec(t);
  if (western) [y, m, d] = [Number(western[1]), Number(western[2]), Number(western[3])];
  else if (reiwa) [y, m, d] = [(reiwa[1] === '元' ? 1 : Number(reiwa[1])) + 2018, Number(reiwa[2]), Number(reiwa[3])];
  const date = y !== undefined && m !== undefined && d !== undefined ? new Date(Date.UTC(y, m - 1, d)) : null;
  if (!date || date.getUTCMonth() !== (m as number) - 1 || date.getUTCDate() !== d) {
    return err({ ja: `締切「${text}」を日付として読めません（例: 2025-06-30、令和7年6月30日）。`, en: `The deadline "${text}" is not a date (e.g. 2025-06-30, 令和7年6月30日).` });
  }
  return ok(date.toISOString().slice(0, 10));
}
