/**
 * Imports (#4, #8): reports and their rows created with client-generated keys, resumable, never duplicated.
 *
 * Requests (0 % faults, list ids cached), for R reports and N rows: the look-ups (ReportKey eq on the Reports and
 * Rows lists, per report) and the creates, every report's packed together 20 per `$batch` — a report's creates (the
 * report item before its rows) ride with the look-ups still waiting as soon as its own are answered, one ledger item
 * per report (./ledger.ts) comes last — then ceil(R/20) batches that set
 * `ImportState = complete` on the report items whose rows now all exist. A replayed create answers 409 on its unique
 * key (RowKey, ReportKey, LedgerKey) and counts as present. A report whose item says `complete` is skipped (nothing
 * created, `complete: true`): its import finished, so a row missing now was deleted on purpose. Only `importing`
 * (or empty: items from schema 1) reports are resumed.
 */
import { GraphAccessError, ValidationError, type AppError, type Issue } from '../core/errors.js';
import { checkReportFields, checkRowFields, toListRowKey, toReportFields, toRowFields, type Fields, type RowRecord } from '../core/lists/row-fields.js';
import type { ImportState } from '../core/lists/schema.js';
import type { Report } from '../core/model/schema.js';
import type { ImportOptions, ImportProgress, ImportSummary, ReportImportOutcome } from '../core/ports.js';
import type { BatchStep, StepResponse } from './batch.js';
import { ledgerCreates, ledgerEntries } from './ledger.js';
import { collectPages, odataString, toPage, withQuery, type Page } from './paging.js';
import type { GraphItem } from './row-items.js';
import { batch, stepError, type StoreContext } from './store-context.js';

/** Where the secretariat's lists are (resolved on first use: divisions cannot see them). */
export interface AdminLists {
  reportsPath: string;
  ledgerPath: string;
}

/** One report of an import: what to write, what the list already holds, and how far this run got. */
interface ImportPlan {
  index: number;
  report: Report;
  records: RowRecord[];
  rowFields: Fields[];
  reportFields: Fields;
  hasReport: boolean;
  /** Id of the report item, when known (found by the look-up or created by this run). */
  reportItemId: string | undefined;
  /** ImportState of the report item (null: no item yet, or an item from schema 1 without the column). */
  state: ImportState | null;
  present: Set<string>;
  progress: ImportProgress;
  /** Creates answered 409: the item was there already (counted as present). */
  raced: number;
  /** Ledger items not yet answered 201/409. */
  ledgerPending: number;
  failures: AppError[];
}

/** The items a report becomes, or every reason it cannot be stored (before anything is written). */
function prepareImport(report: Report): { records: RowRecord[]; rowFields: Fields[]; reportFields: Fields } | ValidationError {
  const issues: Issue[] = [];
  if (report.fiscalYear === null) issues.push({ field: 'fiscalYear', reason: '年度が不明です / the fiscal year is unknown' });
  if (report.organizationCode === null) issues.push({ field: 'organizationCode', reason: '府省等コードが不明です（--org で指定）/ the 府省等 code is unknown (give it with --org)' });
  if (issues.length > 0) return new ValidationError(issues);
  const fiscalYear = report.fiscalYear as number;
  const orgCode = report.organizationCode as string;
  const records: RowRecord[] = report.rows.map((row) => ({ rowKey: toListRowKey(report.key, row.key), reportKey: report.key, fiscalYear, orgCode, row, reviewComment: null }));
  const rowFields = records.map(toRowFields);
  const seen = new Set<string>();
  records.forEach((r, i) => {
    if (seen.has(r.rowKey)) issues.push({ row: r.row.key, field: 'key', reason: 'duplicate row key in the report' });
    seen.add(r.rowKey);
    issues.push(...checkRowFields(rowFields[i] as Fields, r.rowKey));
  });
  const importing: ImportState = 'importing';
  const reportFields = { ...toReportFields(report, records.length), ImportState: importing };
  issues.push(...checkReportFields(reportFields, report.key));
  return issues.length > 0 ? new ValidationError(issues) : { records, rowFields, reportFields };
}

export const dropNulls = (fields: Fields): Fields => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));

const reportLookupPath = (reportsPath: string, reportKey: string): string =>
  withQuery(reportsPath, { $filter: `fields/ReportKey eq ${odataString(reportKey)}`, $expand: 'fields($select=ReportKey,ImportState)', $select: 'id' });

/** Records what a look-up found of a report's item: that it exists, its id and its import state. */
function noteReportItem(p: ImportPlan, item: GraphItem | undefined): void {
  if (!item) return;
  p.hasReport = true;
  p.reportItemId = String(item.id);
  const state = item.fields?.ImportState;
  p.state = state === 'complete' || state === 'importing' ? state : null;
}

/** See the module comment. Never throws for per-report problems: one outcome per report, in order. */
export async function importReports(ctx: StoreContext, lists: () => Promise<AdminLists>, reports: readonly Report[], options: ImportOptions = {}): Promise<ReportImportOutcome[]> {
  const outcomes: (ReportImportOutcome | undefined)[] = reports.map(() => undefined);
  const fail = (plan: ImportPlan, error: unknown): void => {
    outcomes[plan.index] = { reportKey: plan.report.key, error: error instanceof Error ? error : new Error(String(error)) };
  };
  // Every report is checked before anything is written; one that cannot be stored is left out (ValidationError).
  // A key given twice is imported in a second pass, after the first (as importing them one by one would).
  let plans: ImportPlan[] = [];
  const repeats: number[] = [];
  const keys = new Set<string>();
  reports.forEach((report, index) => {
    if (keys.has(report.key)) {
      repeats.push(index);
      return;
    }
    keys.add(report.key);
    const prepared = prepareImport(report);
    if (prepared instanceof ValidationError) outcomes[index] = { reportKey: report.key, error: prepared };
    else plans.push({ index, report, ...prepared, hasReport: false, reportItemId: undefined, state: null, present: new Set(), raced: 0, ledgerPending: 0, failures: [], progress: { reportKey: report.key, totalRows: prepared.records.length, alreadyPresent: 0, created: 0 } });
  });

  let paths: AdminLists = { reportsPath: '', ledgerPath: '' };
  if (plans.length > 0) {
    try {
      paths = await lists();
    } catch (error) {
      for (const p of plans) fail(p, error);
      plans = [];
    }
  }
  const { reportsPath, ledgerPath } = paths;

  // Ledger items are prepared first (hashing is asynchronous; the batch callbacks are not).
  const ledgers = new Map<ImportPlan, Record<string, string>[]>();
  for (const p of plans) ledgers.set(p, ledgerCreates(p.report.key, await ledgerEntries(p.records, p.rowFields)));

  const owner = new Map<string, { plan: ImportPlan; kind: 'report' | 'row' | 'ledger' }>();
  /** The creates of a report not completed earlier: its report item (if missing) before its missing rows. */
  const createsOf = (p: ImportPlan, k: number): BatchStep[][] => {
    const groups: BatchStep[][] = [];
    // Completed earlier: nothing is created, not even a row that is missing now (it was deleted on purpose).
    if (p.state === 'complete') return groups;
    if (!p.hasReport) {
      groups.push([{ id: `create-report-${k}`, method: 'POST', url: reportsPath, body: { fields: dropNulls(p.reportFields) } }]);
      owner.set(`create-report-${k}`, { plan: p, kind: 'report' });
    }
    p.records.forEach((r, i) => {
      if (p.present.has(r.rowKey)) return;
      groups.push([{ id: `create-${k}-${i}`, method: 'POST', url: ctx.rowsPath, body: { fields: dropNulls(p.rowFields[i] as Fields) } }]);
      owner.set(`create-${k}-${i}`, { plan: p, kind: 'row' });
    });
    return groups;
  };
  const ledgerOf = (p: ImportPlan, k: number): BatchStep[][] => {
    if (p.state === 'complete') return [];
    const ledger = ledgers.get(p) ?? [];
    p.ledgerPending = ledger.length;
    return ledger.map((fields, n) => {
      owner.set(`ledger-${k}-${n}`, { plan: p, kind: 'ledger' });
      return [{ id: `ledger-${k}-${n}`, method: 'POST' as const, url: ledgerPath, body: { fields } }];
    });
  };

  // What is already there (a resumed import): each report item and the RowKeys of each report (ReportKey is indexed
  // on both lists: served under the list view threshold). The creates of a report join the queue as soon as its two
  // look-ups are answered, so they ride in the room the look-ups leave; the ledger items go last, filling the room
  // the last rows leave.
  const lookupGroups = plans.flatMap((p, k) => [
    [{ id: `report-${k}`, method: 'GET' as const, url: reportLookupPath(reportsPath, p.report.key) }],
    [{ id: `rows-${k}`, method: 'GET' as const, url: withQuery(ctx.rowsPath, { $filter: `fields/ReportKey eq ${odataString(p.report.key)}`, $expand: 'fields($select=RowKey)', $select: 'id', $top: ctx.pageSize }) }],
  ]);
  const ready: ImportPlan[] = [];
  /** Reports whose rows look-up has further pages: read after this run, their creates sent after that. */
  const paged: { p: ImportPlan; k: number; first: Page<{ fields?: { RowKey?: unknown } }> }[] = [];
  const lookups = new Map<string, StepResponse>();
  let lookedUp = 0;
  const notePresent = (p: ImportPlan, items: readonly { fields?: { RowKey?: unknown } }[]): void => {
    for (const i of items) p.present.add(String(i.fields?.RowKey));
    p.progress.alreadyPresent = p.records.filter((r) => p.present.has(r.rowKey)).length;
  };
  const onLookedUp = (k: number): BatchStep[][] => {
    const p = plans[k] as ImportPlan;
    try {
      const rep = lookups.get(`report-${k}`);
      const rws = lookups.get(`rows-${k}`);
      if (rep?.status !== 200) throw stepError(rep, `find report ${p.report.key}`);
      if (rws?.status !== 200) throw stepError(rws, `find rows of ${p.report.key}`);
      noteReportItem(p, toPage<GraphItem>(rep.body).value[0]);
      const first = toPage<{ fields?: { RowKey?: unknown } }>(rws.body);
      if (first.nextLink) {
        paged.push({ p, k, first });
        return [];
      }
      notePresent(p, first.value);
      ready.push(p);
      return createsOf(p, k);
    } catch (error) {
      fail(p, error);
      return [];
    }
  };
  const onBatchSettled = (settled: StepResponse[]): BatchStep[][] => {
    const more: BatchStep[][] = [];
    const touched = new Set<ImportPlan>();
    for (const s of settled) {
      const look = /^(report|rows)-(\d+)$/.exec(s.id);
      if (look) {
        lookups.set(s.id, s);
        const k = Number(look[2]);
        if (lookups.has(`report-${k}`) && lookups.has(`rows-${k}`)) {
          more.push(...onLookedUp(k));
          if (++lookedUp === plans.length) for (const p of ready) more.push(...ledgerOf(p, plans.indexOf(p)));
        }
        continue;
      }
      const o = owner.get(s.id);
      if (!o) continue;
      touched.add(o.plan);
      if (s.status === 201 || s.status === 409) {
        // 409, unique key: it exists already (an earlier attempt landed, or a concurrent import).
        if (o.kind === 'report') {
          o.plan.hasReport = true;
          const id = (s.body as { id?: unknown } | undefined)?.id;
          if (s.status === 201 && (typeof id === 'string' || typeof id === 'number')) o.plan.reportItemId = String(id);
        } else if (o.kind === 'ledger') {
          o.plan.ledgerPending--;
        } else if (s.status === 201) {
          o.plan.progress.created++;
        } else {
          o.plan.raced++;
        }
      } else {
        o.plan.failures.push(s.error ?? stepError(s, `create ${s.id}`));
      }
    }
    for (const p of touched) options.onProgress?.({ ...p.progress, alreadyPresent: p.progress.alreadyPresent + p.raced });
    return more;
  };
  const shouldStop = (): boolean => options.signal?.aborted === true;
  if (plans.length > 0) await batch(ctx, lookupGroups, { shouldStop, onBatchSettled });
  // A look-up the run never sent (stopped first) fails its report: nothing of it was written.
  plans.forEach((p, k) => {
    if (!ready.includes(p) && !paged.some((x) => x.p === p) && outcomes[p.index] === undefined && !(lookups.has(`report-${k}`) && lookups.has(`rows-${k}`))) fail(p, new GraphAccessError(`import of ${p.report.key} stopped before its look-ups`));
  });

  // Reports with more rows than a page holds (> pageSize): the rest of their look-up, then their creates and ledger.
  if (paged.length > 0 && !shouldStop()) {
    const groups: BatchStep[][] = [];
    for (const { p, k, first } of paged) {
      try {
        notePresent(p, (await collectPages(ctx.client, first, `find rows of ${p.report.key}`)).items);
        ready.push(p);
        groups.push(...createsOf(p, k));
      } catch (error) {
        fail(p, error);
      }
    }
    for (const { p, k } of paged) if (ready.includes(p)) groups.push(...ledgerOf(p, k));
    await batch(ctx, groups, { shouldStop, onBatchSettled });
  }

  // The completion mark, once the report item, every row and the ledger exist (not after an abort: stop means stop).
  if (options.signal?.aborted !== true) {
    const complete = ready.filter((p) => p.state !== 'complete' && p.failures.length === 0 && p.hasReport && p.ledgerPending === 0 && p.progress.alreadyPresent + p.raced + p.progress.created === p.progress.totalRows);
    await markComplete(ctx, complete, reportsPath);
  }

  for (const p of ready) {
    const progress = { ...p.progress, alreadyPresent: p.progress.alreadyPresent + p.raced };
    const first = p.failures[0];
    if (first) {
      fail(
        p,
        new GraphAccessError(`import of ${p.report.key} stopped: ${p.failures.length} request(s) failed (first: ${first.message}). Run the import again to resume; rows already created are kept and never duplicated.`, {
          cause: first,
          ...(first.status !== undefined ? { status: first.status } : {}),
          ...(first.requestId !== undefined ? { requestId: first.requestId } : {}),
          graphCode: first instanceof GraphAccessError ? (first.graphCode ?? first.code) : first.code,
        }),
      );
    } else {
      outcomes[p.index] = { reportKey: p.report.key, summary: { ...progress, complete: p.state === 'complete' } };
    }
  }

  if (repeats.length > 0) {
    const again = await importReports(
      ctx,
      lists,
      repeats.map((i) => reports[i] as Report),
      options,
    );
    repeats.forEach((i, k) => (outcomes[i] = again[k]));
  }
  return outcomes.map((o, i) => o ?? { reportKey: reports[i]?.key ?? '', error: new GraphAccessError('not processed') });
}

/** importReports for one report. @throws its error (ValidationError before anything is written) */
export async function importReport(ctx: StoreContext, lists: () => Promise<AdminLists>, report: Report, options: ImportOptions = {}): Promise<ImportSummary> {
  const [outcome] = await importReports(ctx, lists, [report], options);
  if (outcome?.summary && !outcome.error) return outcome.summary;
  throw outcome?.error ?? new GraphAccessError(`import of ${report.key}: no outcome`);
}

/**
 * Sets `ImportState = complete` on the report items of `plans` (every row of each exists): one PATCH per report,
 * 20 per `$batch`. Safe to replay (it sets a constant). A report item created by a concurrent import (409) has no
 * known id: it is looked up first (an extra batch, only in that race). A failed mark is a failure of the report
 * (re-run to resume: the next run finds every row, creates nothing and marks it).
 */
async function markComplete(ctx: StoreContext, plans: ImportPlan[], reportsPath: string): Promise<void> {
  const unknown = plans.filter((p) => p.reportItemId === undefined);
  if (unknown.length > 0) {
    const found = await batch(
      ctx,
      unknown.map((p, k) => [{ id: `find-report-${k}`, method: 'GET' as const, url: reportLookupPath(reportsPath, p.report.key) }]),
    );
    unknown.forEach((p, k) => {
      const r = found.get(`find-report-${k}`);
      if (r?.status === 200) noteReportItem(p, toPage<GraphItem>(r.body).value[0]);
      else p.failures.push(stepError(r, `find report ${p.report.key}`));
    });
  }
  const marks = plans.filter((p) => p.failures.length === 0 && p.reportItemId !== undefined && p.state !== 'complete');
  const state: ImportState = 'complete';
  const answers = await batch(
    ctx,
    marks.map((p, k) => [{ id: `mark-${k}`, method: 'PATCH' as const, url: `${reportsPath}/${p.reportItemId as string}/fields`, body: { ImportState: state } }]),
  );
  marks.forEach((p, k) => {
    const r = answers.get(`mark-${k}`);
    if (r?.status === 200) p.state = 'complete';
    else p.failures.push(stepError(r, `mark ${p.report.key} complete`));
  });
  for (const p of plans) if (p.failures.length === 0 && p.state !== 'complete') p.failures.push(new GraphAccessError(`mark ${p.report.key} complete: its report item was not found`));
}
