/**
 * The review cycle over Graph and SharePoint REST (#12). The decisions are core's (src/core/review/review.ts); this
 * module reads the lists, writes the items and changes the row's permissions, as the acting user:
 *
 * - a division member submits rows: one FollowUpSubmissions item per row ("Add without edit" on that list);
 * - a reviewer's (or the secretariat's) client accepts pending submissions: locks the row (removes the division's
 *   "Edit without delete" from the item), re-reads it, and records 提出済 in FollowUpReview — or records why not;
 * - a reviewer returns rows (records 差戻し with the comment, unlocks) or approves them (承認済, the row stays locked).
 *
 * Nothing here is trusted by SharePoint: a client that skips a check gets 403 where the lists' permissions forbid
 * the write, and what they allow (a submission of someone else's row, an edit between submission and lock) is
 * refused or flagged by the next reviewer's client (docs/lists.md, "Review cycle").
 */
import { AppError, ConflictError, NotFoundError, PermissionError } from '../core/errors.js';
import { LIST_NAMES } from '../core/lists/schema.js';
import type { ReadOptions, RowScope, StoredRow, UnreadableRow } from '../core/ports.js';
import {
  acceptSubmission,
  answersOf,
  approveRow,
  diffAnswers,
  displayedState,
  divisionMayEdit,
  lockedIn,
  fromReviewFields,
  initialReview,
  pendingSubmissions,
  returnRow,
  submissionProblems,
  toReviewFields,
  type FieldChange,
  type ReviewProblem,
  type ReviewRecord,
  type ReviewStateJa,
  type Submission,
} from '../core/review/review.js';
import { unreadableProblem } from '../core/review/unreadable.js';
import { DEFAULT_PERMISSION_GROUPS, type PermissionGroups } from './assign-rows.js';
import type { BatchStep, StepResponse } from './batch.js';
import type { GraphConnection } from './create-graph-client.js';
import { openContext } from './graph-follow-up-store.js';
import { getAll, odataString, toPage, withQuery } from './paging.js';
import { etagOf, toStoredRow, unreadableRow, type GraphItem } from './row-items.js';
import { isTransient, toAppError } from './to-app-error.js';
import { RowInheritsError, setRowLock } from './row-lock.js';
import { SharePointRest } from './sharepoint-rest.js';
import type { SiteRef } from './site.js';
import { batch, readBatchOptions, resolveListId, stepError, type StoreContext } from './store-context.js';
import type { Actor } from '../core/permissions/rules.js';

export interface ReviewServiceOptions {
  connection: GraphConnection;
  site: string | SiteRef | { id: string };
  actor: Actor;
  groups?: PermissionGroups;
  /** The acting user's e-mail (to tell the user's own submissions); optional. */
  now?: () => Date;
  /**
   * The context of a store already open on the same site as the same user (its site and Rows list): the service
   * uses it instead of looking the Rows list up again (one request fewer to open the tab).
   */
  context?: StoreContext;
}

interface ItemWithAuthor extends GraphItem {
  createdDateTime?: string;
  createdBy?: { user?: { email?: string; displayName?: string } };
}

/** One row with its review, as every surface shows it. */
export interface RowReview {
  row: StoredRow;
  /** The row's answer columns as stored now (canonical JSON). */
  answers: string;
  review: ReviewRecord;
  /** FollowUpReview item id and eTag; absent while the row has no review item (未確認). */
  reviewItem?: { id: string; eTag: string };
  state: ReviewStateJa;
  /** Submitted by the division, not yet accepted by a reviewer's client (the row is not locked yet). */
  awaitingLock: boolean;
  pending: Submission[];
  /** Answer fields that differ from what was submitted (an edit after submission when the state is 提出済/承認済). */
  changedSinceSubmission: FieldChange[];
}

/** A scope's rows with their reviews, and the rows that cannot be read (listed apart, never dropped silently). */
export interface ReviewOverview {
  rows: RowReview[];
  unreadable: UnreadableRow[];
}

export interface RowRefusal {
  rowKey: string;
  problem: ReviewProblem;
}

export interface ProcessResult {
  accepted: string[];
  refused: RowRefusal[];
}

export interface DecisionResult {
  done: string[];
  /** Rows the engine refused (wrong state, no comment…): nothing written. */
  refused: RowRefusal[];
  /** Rows the service failed on (code `failed`, retryable or not): what had been written for the row was undone. */
  failed: RowRefusal[];
}

/** Called after each row of a bulk decision: how many of how many are through, and which row. */
export type DecisionProgress = (done: number, total: number, rowKey: string) => void;

const REVIEW_SELECT = 'id,eTag,createdDateTime,createdBy,lastModifiedDateTime';

export async function openReviewService(options: ReviewServiceOptions): Promise<ReviewService> {
  const ctx = options.context ?? (await openContext({ connection: options.connection, site: options.site, actor: options.actor, refreshMode: 'modified' }));
  const [review, submissions] = await Promise.all([resolveListId(ctx.client, ctx.site, LIST_NAMES.Review), resolveListId(ctx.client, ctx.site, LIST_NAMES.Submissions)]);
  return new ReviewService(ctx, `/sites/${ctx.site.id}/lists/${review}/items`, `/sites/${ctx.site.id}/lists/${submissions}/items`, options.groups ?? DEFAULT_PERMISSION_GROUPS, options.now ?? (() => new Date()));
}

const yearOrgFilter = (scope: RowScope): string => `fields/OrgCode eq ${odataString(scope.orgCode)} and fields/FiscalYear eq ${scope.fiscalYear}`;
const scopeKey = (scope: RowScope): string => `${scope.orgCode}|${scope.fiscalYear}|${scope.divisionCode ?? '*'}`;
const stampOf = (items: readonly GraphItem[]): string => items.map((i) => `${String(i.id)}:${String(i.eTag ?? '')}`).sort().join(',');

const problemOf = (code: ReviewProblem['code'], ja: string, en: string): ReviewProblem => ({ code, ja, en });

/** A decision this client may not carry out for one row (not a fault of the row: nothing is recorded). */
class ReviewRefusal extends Error {
  constructor(readonly problem: ReviewProblem) {
    super(problem.en);
  }
}

const needsSecretariat = (rowKey: string): ReviewProblem =>
  problemOf(
    'needs-secretariat',
    `行 ${rowKey} は項目の権限が未設定（リストから継承）のため、確認者は施錠できません。取りまとめ担当が受け付けるか、行を割り当て直してください。提出は保留のままです。`,
    `Row ${rowKey} still inherits its permissions, so a reviewer cannot lock it. The secretariat accepts it (or assigns the row again); the submission stays pending.`,
  );

export class ReviewService {
  private readonly sp: SharePointRest;
  private readonly memberCache = new Map<string, Promise<Set<string>>>();
  /** Per scope: the review items' ids and eTags as the last overview read them (what `reviewsChanged` compares). */
  private readonly stamps = new Map<string, string>();

  constructor(
    private readonly ctx: StoreContext,
    readonly reviewPath: string,
    readonly submissionsPath: string,
    private readonly groups: PermissionGroups,
    private readonly now: () => Date,
  ) {
    this.sp = new SharePointRest(ctx.connection, { webUrl: ctx.site.webUrl });
  }

  get rowsPath(): string {
    return this.ctx.rowsPath;
  }

  /**
   * Every row of a scope with its review: 3 reads (+1 per further 5,000 items of each list). A row that cannot be read
   * (a column hand-edited beyond repair) is listed in `unreadable` with why; every other row is there as usual.
   */
  async overview(scope: RowScope): Promise<ReviewOverview> {
    const yearOrg = yearOrgFilter(scope);
    const rowFilter = scope.divisionCode !== undefined ? `fields/DivisionCode eq ${odataString(scope.divisionCode)} and ${yearOrg}` : yearOrg;
    const [rows, reviews, submissions] = await Promise.all([
      getAll<GraphItem>(this.ctx.client, withQuery(this.ctx.rowsPath, { $filter: rowFilter, $expand: 'fields', $select: 'id,eTag,lastModifiedDateTime', $top: 5000 }), 'GET rows'),
      getAll<ItemWithAuthor>(this.ctx.client, withQuery(this.reviewPath, { $filter: yearOrg, $expand: 'fields', $select: REVIEW_SELECT, $top: 5000 }), 'GET FollowUpReview items'),
      getAll<ItemWithAuthor>(this.ctx.client, withQuery(this.submissionsPath, { $filter: yearOrg, $expand: 'fields', $select: REVIEW_SELECT, $top: 5000 }), 'GET FollowUpSubmissions items'),
    ]);
    this.stamps.set(scopeKey(scope), stampOf(reviews.items));
    return this.combine(rows.items, reviews.items, submissions.items);
  }

  /**
   * Whether the scope's review items changed since this service's last `overview` of it (a reviewer accepted, returned
   * or approved a row): 1 request — the items' ids and eTags only, in one `$batch` (+1 per further 5,000 items) —
   * so a view's background refresh can look every tick and read the overview (3 reads) only when something changed.
   * `background`: sent once, a 429/503 rejects at once (ThrottledError) for the scheduler to back off.
   */
  async reviewsChanged(scope: RowScope, options: ReadOptions = {}): Promise<boolean> {
    const known = this.stamps.get(scopeKey(scope));
    const items: GraphItem[] = [];
    let url: string | undefined = withQuery(this.reviewPath, { $filter: yearOrgFilter(scope), $select: 'id,eTag', $top: 5000 });
    while (url !== undefined) {
      const answer: StepResponse | undefined = (await batch(this.ctx, [[{ id: 'stamp', method: 'GET', url }]], readBatchOptions(this.ctx, options))).get('stamp');
      if (answer?.status !== 200) throw stepError(answer, 'GET FollowUpReview eTags');
      const page: { value: GraphItem[]; nextLink?: string } = toPage<GraphItem>(answer.body);
      items.push(...page.value);
      // A $batch step takes a path relative to the version root.
      url = page.nextLink?.replace(/^https?:\/\/[^/]+\/v1\.0/, '');
    }
    return stampOf(items) !== known;
  }

  /** The rows with these keys and their reviews (one `$batch` of look-ups per 6 rows). */
  async rowsByKey(rowKeys: readonly string[]): Promise<{ found: RowReview[]; missing: string[]; unreadable: UnreadableRow[] }> {
    const keys = [...new Set(rowKeys)];
    const steps: BatchStep[][] = keys.map((k, i) => [
      { id: `row-${i}`, method: 'GET', url: withQuery(this.ctx.rowsPath, { $filter: `fields/RowKey eq ${odataString(k)}`, $expand: 'fields', $select: 'id,eTag,lastModifiedDateTime' }) },
      { id: `rev-${i}`, method: 'GET', url: withQuery(this.reviewPath, { $filter: `fields/RowKey eq ${odataString(k)}`, $expand: 'fields', $select: REVIEW_SELECT }) },
      { id: `sub-${i}`, method: 'GET', url: withQuery(this.submissionsPath, { $filter: `fields/RowKey eq ${odataString(k)}`, $expand: 'fields', $select: REVIEW_SELECT, $top: 5000 }) },
    ]);
    const answers = await batch(this.ctx, steps);
    const rows: GraphItem[] = [];
    const reviews: ItemWithAuthor[] = [];
    const subs: ItemWithAuthor[] = [];
    const missing: string[] = [];
    keys.forEach((k, i) => {
      const pick = <T>(id: string): T[] => {
        const r = answers.get(id);
        if (r?.status !== 200) throw stepError(r, `GET ${id} of ${k}`);
        return toPage<T>(r.body).value;
      };
      const row = pick<GraphItem>(`row-${i}`);
      if (row.length === 0) missing.push(k);
      rows.push(...row);
      reviews.push(...pick<ItemWithAuthor>(`rev-${i}`));
      subs.push(...pick<ItemWithAuthor>(`sub-${i}`));
    });
    const { rows: found, unreadable } = this.combine(rows, reviews, subs);
    return { found, missing, unreadable };
  }

  private combine(rows: readonly GraphItem[], reviews: readonly ItemWithAuthor[], submissions: readonly ItemWithAuthor[]): ReviewOverview {
    const reviewByKey = new Map(reviews.map((r) => [String(r.fields?.RowKey), r]));
    const subs = submissions.map(toSubmission);
    const out: RowReview[] = [];
    const unreadable: UnreadableRow[] = [];
    for (const item of rows) {
      const parsed = toStoredRow(item);
      if (!parsed.ok) {
        unreadable.push(unreadableRow(item, parsed.issues));
        continue;
      }
      const row = parsed.row;
      const reviewItem = reviewByKey.get(row.rowKey);
      const review = reviewItem ? fromReviewFields(reviewItem.fields ?? {}) : initialReview({ rowKey: row.rowKey, reportKey: row.reportKey, fiscalYear: row.fiscalYear, orgCode: row.orgCode, divisionCode: row.row.division });
      const own = subs.filter((s) => s.rowKey === row.rowKey);
      const shown = displayedState(review, own);
      const answers = answersOf(item.fields ?? {});
      out.push({
        row,
        answers,
        review,
        ...(reviewItem ? { reviewItem: { id: String(reviewItem.id), eTag: String(reviewItem.eTag ?? reviewItem.fields?.['@odata.etag'] ?? '') } } : {}),
        state: shown.state,
        awaitingLock: shown.awaitingLock,
        pending: pendingSubmissions(review, own),
        changedSinceSubmission: review.submittedAnswers !== null && (review.state === '提出済' || review.state === '承認済') ? diffAnswers(review.submittedAnswers, answers) : [],
      });
    }
    out.sort((a, b) => a.row.reportKey.localeCompare(b.row.reportKey) || a.row.row.sortOrder - b.row.row.sortOrder);
    return { rows: out, unreadable: unreadable.sort((a, b) => (a.rowKey ?? a.itemId).localeCompare(b.rowKey ?? b.itemId)) };
  }

  /**
   * A division member submits rows. Each row must belong to one of the actor's divisions, be 未確認 or 差戻し with no
   * submission pending, and validate (実施未定 needs its reason). Sends one create per accepted row, 20 per `$batch`.
   */
  async submit(rowKeys: readonly string[]): Promise<{ submitted: string[]; refused: RowRefusal[]; missing: string[] }> {
    const { found, missing, unreadable } = await this.rowsByKey(rowKeys);
    const refused: RowRefusal[] = unreadable.map((u) => ({ rowKey: u.rowKey ?? u.itemId, problem: unreadableProblem(u) }));
    const creates: { key: string; step: BatchStep }[] = [];
    const actor = this.ctx.actor;
    for (const r of found) {
      const key = r.row.rowKey;
      const division = r.row.row.division;
      if (division === null || !actor.divisions.some((d) => d.orgCode === r.row.orgCode && d.divisionCode === division)) {
        refused.push({ rowKey: key, problem: problemOf('not-a-member', `行 ${key} は ${actor.displayName} さんの部局・課室の行ではないため提出できません。`, `Row ${key} is not a row of ${actor.displayName}'s division; it cannot be submitted.`) });
        continue;
      }
      if (!divisionMayEdit(r.state)) {
        refused.push({ rowKey: key, problem: problemOf('wrong-state', `行 ${key} は「${r.state}」${r.awaitingLock ? '（確認者の受付待ち）' : ''}のため提出できません。`, `Row ${key} is ${r.state}${r.awaitingLock ? ' (awaiting a reviewer)' : ''}; it cannot be submitted.`) });
        continue;
      }
      const problems = submissionProblems(r.row.row, r.row.reportKey);
      if (problems.length > 0) {
        refused.push({ rowKey: key, problem: problems[0] as ReviewProblem });
        continue;
      }
      creates.push({
        key,
        step: {
          id: `submit-${creates.length}`,
          method: 'POST',
          url: this.submissionsPath,
          headers: { 'Content-Type': 'application/json' },
          body: { fields: { Title: key, RowKey: key, ReportKey: r.row.reportKey, FiscalYear: r.row.fiscalYear, OrgCode: r.row.orgCode, DivisionCode: division, AnswersJson: r.answers } },
        },
      });
    }
    const answers = creates.length > 0 ? await batch(this.ctx, creates.map((c) => [c.step])) : new Map();
    for (const c of creates) {
      const r = answers.get(c.step.id);
      if (r?.status !== 201 && r?.status !== 200) throw stepError(r, `submit ${c.key}`);
    }
    return { submitted: creates.map((c) => c.key), refused, missing };
  }

  private requireReviewer(orgCode: string): void {
    const a = this.ctx.actor;
    if (!a.isSecretariat && !a.reviewerOf.includes(orgCode)) throw new PermissionError(`${a.displayName} is not a reviewer of ${orgCode}; only reviewers and the secretariat accept, return or approve rows.`);
  }

  private members(divisionCode: string): Promise<Set<string>> {
    const group = this.groups.divisionGroup(divisionCode);
    let p = this.memberCache.get(group);
    if (!p) {
      p = this.sp.groupMemberEmails(group).then((e) => new Set(e));
      this.memberCache.set(group, p);
    }
    return p;
  }

  /** Locks or unlocks the row for its division (./row-lock.ts); a row this actor cannot lock is a `needs-secretariat` refusal. */
  private async setLock(row: StoredRow, locked: boolean): Promise<void> {
    if (row.row.division === null) return;
    try {
      await setRowLock(this.sp, this.groups, row.itemId, row.row.division, locked);
    } catch (error) {
      throw error instanceof RowInheritsError ? new ReviewRefusal(needsSecretariat(row.rowKey)) : error;
    }
  }

  private async readRow(itemId: string): Promise<GraphItem> {
    const r = await batch(this.ctx, [[{ id: 'row', method: 'GET', url: withQuery(`${this.ctx.rowsPath}/${itemId}`, { $expand: 'fields', $select: 'id,eTag,lastModifiedDateTime' }) }]]);
    const a = r.get('row');
    if (a?.status !== 200) throw stepError(a, `GET row item ${itemId}`);
    return a.body as GraphItem;
  }

  /** Creates or updates (If-Match) the review item of a row. @throws ConflictError when it changed meanwhile */
  private async saveReview(r: RowReview, next: ReviewRecord): Promise<void> {
    const fields = toReviewFields(next);
    const step: BatchStep = r.reviewItem
      ? { id: 'save', method: 'PATCH', url: `${this.reviewPath}/${r.reviewItem.id}/fields`, headers: { 'Content-Type': 'application/json', 'If-Match': r.reviewItem.eTag }, body: fields }
      : { id: 'save', method: 'POST', url: this.reviewPath, headers: { 'Content-Type': 'application/json' }, body: { fields } };
    const answer = (await batch(this.ctx, [[step]])).get('save');
    if (answer?.status === 412 || answer?.status === 409) throw new ConflictError(`The review of row ${r.row.rowKey} was changed meanwhile; read it again.`, []);
    if (answer?.status !== 200 && answer?.status !== 201) throw stepError(answer, `save the review of ${r.row.rowKey}`);
    const id = String((answer.body as { id?: unknown }).id ?? r.reviewItem?.id ?? '');
    const eTag = etagOf(answer.headers, answer.body);
    r.reviewItem = { id, eTag: eTag ?? '' };
    r.review = next;
  }

  /**
   * A reviewer's client accepts the pending submissions of a scope: checks each (author in the row's division, row
   * unchanged since, answers valid), locks the row, re-reads it, records 提出済. A refused submission is recorded in
   * the row's history with its reason and the row stays as it was.
   */
  async processSubmissions(scope: RowScope): Promise<ProcessResult> {
    this.requireReviewer(scope.orgCode);
    return this.process((await this.overview(scope)).rows);
  }

  /**
   * Per submission: lock, read the row again, decide, record (If-Match), then set the lock as the record says. A 412 on
   * the record means another reviewer's client processed the row meanwhile: this client reads its review again, sets
   * the lock to match, and goes on with the next row (neither accepted nor refused here).
   */
  private async process(rows: readonly RowReview[]): Promise<ProcessResult> {
    const result: ProcessResult = { accepted: [], refused: [] };
    const by = this.ctx.actor.displayName;
    for (const r of rows) {
      for (const s of r.pending) {
        const division = r.row.row.division;
        const members = division === null ? new Set<string>() : await this.members(division);
        const context = { row: r.row.row, reportKey: r.row.reportKey, currentAnswers: r.answers, divisionCode: division, authorIsMember: members.has(s.authorEmail.toLowerCase()) };
        let decision = acceptSubmission(r.review, s, context, by, this.now().toISOString());
        // Whether this pass changed the lock (a refusal decided without locking leaves the permissions alone).
        let locked = false;
        if (decision.ok) {
          // Lock first, then look again: an edit that slipped in before the lock refuses the submission.
          try {
            await this.setLock(r.row, true);
          } catch (error) {
            if (!(error instanceof ReviewRefusal)) throw error;
            // Nothing was written: the submission stays pending for a client that may lock the row.
            result.refused.push({ rowKey: r.row.rowKey, problem: error.problem });
            break;
          }
          locked = true;
          const fresh = await this.readRow(r.row.itemId);
          const parsed = toStoredRow(fresh);
          if (!parsed.ok) {
            // Made unreadable since the overview: nothing is recorded, the lock goes back as the review says.
            await this.setLock(r.row, lockedIn(r.review.state));
            result.refused.push({ rowKey: r.row.rowKey, problem: unreadableProblem(unreadableRow(fresh, parsed.issues)) });
            break;
          }
          decision = acceptSubmission(r.review, s, { ...context, row: parsed.row.row, currentAnswers: answersOf(fresh.fields ?? {}) }, by, this.now().toISOString());
        }
        if (!decision.ok && decision.error.problem.code === 'already-processed') {
          result.refused.push({ rowKey: r.row.rowKey, problem: decision.error.problem });
          continue;
        }
        const record = decision.ok ? decision.value : decision.error.record;
        try {
          await this.saveReview(r, record);
        } catch (error) {
          if (error instanceof ConflictError) {
            // Someone else's client processed it: take what they recorded and make the lock say the same.
            await this.settleLock(r, locked);
            break;
          }
          // Not recorded: the lock goes back as it was (the submission stays pending).
          if (locked) await this.setLock(r.row, lockedIn(r.review.state));
          throw error;
        }
        if (decision.ok) result.accepted.push(r.row.rowKey);
        else {
          if (locked) await this.setLock(r.row, lockedIn(record.state));
          result.refused.push({ rowKey: r.row.rowKey, problem: decision.error.problem });
        }
      }
    }
    return result;
  }

  /**
   * After losing a race to another reviewer: reads the row's review again (into `r`) and, when this client changed the
   * lock, sets it to match what the winner recorded.
   */
  private async settleLock(r: RowReview, touchedLock: boolean): Promise<void> {
    const { found } = await this.rowsByKey([r.row.rowKey]);
    const now = found[0];
    if (now) Object.assign(r, now);
    if (touchedLock) await this.setLock(r.row, lockedIn(r.review.state));
  }

  /**
   * Returns rows with a comment (on a field or the whole row): 差戻し, and the division may edit again. Per row: record
   * (If-Match), then unlock — so a return that loses to another reviewer's approval never unlocks the row; if the
   * unlock fails the record is put back (the row stays 提出済 and locked) and the row is listed in `failed`.
   */
  async returnRows(items: readonly { rowKey: string; comment: string; field?: string }[], onProgress?: DecisionProgress): Promise<DecisionResult> {
    return this.decide(
      items.map((i) => i.rowKey),
      async (r) => {
        const item = items.find((i) => i.rowKey === r.row.rowKey) as { comment: string; field?: string };
        const next = returnRow(r.review, item.comment, item.field ?? null, this.ctx.actor.displayName, this.now().toISOString());
        if (!next.ok) return next.error;
        const before = r.review;
        await this.saveReview(r, next.value);
        try {
          await this.setLock(r.row, false);
        } catch (error) {
          // Undo the record: the row stays as it was, 提出済 and locked.
          await this.saveReview(r, before);
          throw error;
        }
        return null;
      },
      onProgress,
    );
  }

  /** Approves rows that still hold what was submitted: 承認済 (the row stays read-only for the division). */
  async approveRows(items: readonly { rowKey: string; comment?: string }[], onProgress?: DecisionProgress): Promise<DecisionResult> {
    return this.decide(
      items.map((i) => i.rowKey),
      async (r) => {
        const comment = items.find((i) => i.rowKey === r.row.rowKey)?.comment;
        const fresh = await this.readRow(r.row.itemId);
        const next = approveRow(r.review, answersOf(fresh.fields ?? {}), this.ctx.actor.displayName, this.now().toISOString(), comment);
        if (!next.ok) return next.error;
        await this.saveReview(r, next.value);
        return null;
      },
      onProgress,
    );
  }

  /**
   * Decides rows one at a time and keeps going past a row that fails: each row ends done, refused (by the engine) or
   * failed (by the service, its own writes undone). Throws only when nothing could start (a row is unknown, the
   * actor is not a reviewer, or the look-up failed).
   */
  private async decide(rowKeys: readonly string[], act: (r: RowReview) => Promise<ReviewProblem | null>, onProgress?: DecisionProgress): Promise<DecisionResult> {
    const { found, missing, unreadable } = await this.rowsByKey(rowKeys);
    if (missing.length > 0) throw new NotFoundError(`No row with the key ${missing.join(', ')}.`);
    for (const r of found) this.requireReviewer(r.row.orgCode);
    const out: DecisionResult = { done: [], refused: unreadable.map((u) => ({ rowKey: u.rowKey ?? u.itemId, problem: unreadableProblem(u) })), failed: [] };
    let n = 0;
    for (const r of found) {
      const key = r.row.rowKey;
      try {
        // A submission still pending is accepted first, so a row submitted a moment ago can be decided at once.
        const accepted = r.pending.length > 0 ? await this.process([r]) : null;
        const notAccepted = accepted?.refused.find((x) => x.problem.code === 'needs-secretariat');
        const p = notAccepted ? notAccepted.problem : await act(r);
        if (p) out.refused.push({ rowKey: key, problem: p });
        else out.done.push(key);
      } catch (error) {
        out.failed.push({ rowKey: key, problem: failureOf(key, error) });
      }
      onProgress?.(++n, found.length, key);
    }
    return out;
  }
}

/** Why the service failed on a row (the row is named beside it), in Japanese and English: what happened, that nothing was kept, what to do. */
function failureOf(rowKey: string, error: unknown): ReviewProblem {
  const app = error instanceof AppError ? error : toAppError(error, `decide ${rowKey}`);
  const detail = app.message;
  if (app instanceof ConflictError) return problemOf('failed', `処理中にほかの人が確認状況を変更しました。一覧を読み直してから、もう一度操作してください（この行には何も書き込んでいません）。`, `Someone changed the row's review meanwhile. Read the list again and retry (nothing was written for this row).`);
  if (app instanceof PermissionError) return problemOf('failed', `権限がないため処理できませんでした（この行には何も書き込んでいません）。${detail}`, `Not permitted (nothing was written for this row). ${detail}`);
  if (isTransient(app)) return problemOf('failed', `サービスが混み合っているか接続できないため処理できませんでした。この行には何も書き込んでいません。しばらくしてから再試行してください。`, `The service is busy or unreachable; nothing was written for this row. Retry in a moment.`);
  return problemOf('failed', `処理できませんでした（この行には何も書き込んでいません）。${detail}`, `The action failed (nothing was written for this row). ${detail}`);
}

function toSubmission(item: ItemWithAuthor): Submission {
  const f = item.fields ?? {};
  return {
    id: String(item.id),
    rowKey: String(f.RowKey ?? ''),
    divisionCode: typeof f.DivisionCode === 'string' && f.DivisionCode !== '' ? f.DivisionCode : null,
    answers: typeof f.AnswersJson === 'string' ? f.AnswersJson : '',
    authorEmail: item.createdBy?.user?.email ?? '',
    authorName: item.createdBy?.user?.displayName ?? '',
    created: item.createdDateTime ?? String(f.Created ?? ''),
  };
}
