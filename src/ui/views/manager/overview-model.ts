/**
 * The manager view's model (#12), pure and tested without React: every division of a year at a glance (rows done /
 * total, states, overdue against the cycle's deadline, last submitted), from one overview read of the ministry.
 */
import { isOverdue } from '../../../core/review/cycle.js';
import { summarizeDivisions, type DivisionSummary, type ReviewStateJa } from '../../../core/review/review.js';
import type { ReviewRow } from '../../app/review-port.js';

export interface DivisionLine extends DivisionSummary {
  name: string;
  /** The latest submission of the division's rows (ISO), null when none was made. */
  lastSubmitted: string | null;
  /** Rows a reviewer can decide now (提出済). */
  toDecide: number;
}

/** When a row was last submitted: the accepted submission, or a newer one still waiting for a reviewer's client. */
export function lastSubmittedAt(r: Pick<ReviewRow, 'review'> & { pending?: readonly { created: string }[] }): string | null {
  const times = [r.review.submittedAt, ...(r.pending ?? []).map((p) => p.created)].filter((x): x is string => typeof x === 'string' && x !== '');
  return times.length === 0 ? null : (times.sort().at(-1) as string);
}

/** Rows that need an answer (initiatives, focus items, figures, surveys): headings are not submitted. */
export const answerRows = <T extends Pick<ReviewRow, 'row'>>(rows: Iterable<T>): T[] => [...rows].filter((r) => r.row.row.kind !== 'heading');

/**
 * One line per division with rows, in the ministry's order of divisions (`order`: codes as the Divisions list sorts
 * them; others after, by code; unassigned rows last).
 */
export function divisionLines(rows: readonly ReviewRow[], deadline: string | null, now: Date, nameOf: (code: string | null) => string, order: readonly string[] = []): DivisionLine[] {
  const answered = answerRows(rows);
  const summaries = summarizeDivisions(
    answered.map((r) => ({ divisionCode: r.row.row.division, state: r.state, awaitingLock: r.awaitingLock, changed: r.changedSinceSubmission.length })),
    (state: ReviewStateJa) => isOverdue(deadline, state, now),
  );
  const rank = (code: string | null): number => (code === null ? Number.MAX_SAFE_INTEGER : order.includes(code) ? order.indexOf(code) : order.length);
  const sorted = [...summaries].sort((a, b) => rank(a.divisionCode) - rank(b.divisionCode));
  return sorted.map((s) => {
    const mine = answered.filter((r) => r.row.row.division === s.divisionCode);
    const last = mine.map((r) => lastSubmittedAt(r)).filter((x): x is string => x !== null).sort().at(-1) ?? null;
    return { ...s, name: nameOf(s.divisionCode), lastSubmitted: last, toDecide: s.byState['提出済'] };
  });
}

/** Whether a reviewer may return or approve the row now. */
export const decidable = (r: Pick<ReviewRow, 'state'>): boolean => r.state === '提出済';
