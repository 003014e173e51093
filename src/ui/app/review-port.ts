/**
 * The review cycle as the pages use it (#12): src/graph/review.ts's ReviewService behind a port of core types (the UI
 * never imports src/graph). The engine decides and records every transition with who and when; the pages show it.
 */
import type { RowScope, StoredRow, UnreadableRow } from '../../core/ports.js';
import type { FieldChange, ReviewProblem, ReviewRecord, ReviewStateJa } from '../../core/review/review.js';

/** One row with its review, as the engine reads it (3 reads for a whole scope). */
export interface ReviewRow {
  row: StoredRow;
  /** The row's answer columns as stored now (canonical JSON). */
  answers: string;
  review: ReviewRecord;
  /** The state shown: 提出済 also while a submission waits for a reviewer's client to accept it. */
  state: ReviewStateJa;
  awaitingLock: boolean;
  /** Submissions not yet accepted by a reviewer's client (who and when, as SharePoint recorded them). */
  pending: readonly { id: string; created: string; authorName: string }[];
  /** Answer columns changed since the submission (only for 提出済 / 承認済 rows). */
  changedSinceSubmission: FieldChange[];
}

export interface RowRefusal {
  rowKey: string;
  problem: ReviewProblem;
}

export interface ReviewDecision {
  done: string[];
  /** Refused by the engine (nothing written). */
  refused: RowRefusal[];
  /** The service failed on these rows; what had been written for each was undone. */
  failed: RowRefusal[];
}

/** After each row of a bulk decision: rows through so far, of how many. */
export type DecisionProgress = (done: number, total: number, rowKey: string) => void;

export interface ReviewData {
  /**
   * Every row of the scope with its review (the whole ministry when the scope has no division), and the rows that
   * cannot be read (a column hand-edited beyond repair), listed apart with why.
   */
  overview(scope: RowScope): Promise<{ rows: ReviewRow[]; unreadable: UnreadableRow[] }>;
  /**
   * Whether the scope's review states changed since the last `overview` of it (1 request, ids and eTags only): the
   * tab's background refresh asks every tick and reads the overview only on a change. `background`: sent once, a
   * 429/503 rejects at once. Absent: the view reads the overview on focus only.
   */
  reviewsChanged?(scope: RowScope, options?: { signal?: AbortSignal; background?: boolean }): Promise<boolean>;
  /** The cycle's deadline (ISO date) of the ministry's year, null when none is set or the reports are unreadable. */
  deadline(orgCode: string, fiscalYear: number): Promise<string | null>;
  /** A division member submits rows (each refused with its reason when it cannot be). */
  submit(rowKeys: readonly string[]): Promise<{ submitted: string[]; refused: RowRefusal[]; missing: string[] }>;
  /**
   * A reviewer's client accepts the scope's pending submissions (locks each row, records 提出済) or records why not;
   * the engine's design has no server, so this runs when a reviewer opens the manager view.
   */
  processSubmissions(scope: RowScope): Promise<{ accepted: string[]; refused: RowRefusal[] }>;
  /** A reviewer returns rows with a comment, on one field (its FollowUpRows column) or the whole row. */
  returnRows(items: readonly { rowKey: string; comment: string; field?: string }[], onProgress?: DecisionProgress): Promise<ReviewDecision>;
  /** A reviewer approves rows, with an optional comment. */
  approveRows(items: readonly { rowKey: string; comment?: string }[], onProgress?: DecisionProgress): Promise<ReviewDecision>;
}
