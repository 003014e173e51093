/**
 * Helpers for composition roots (`npm start`, the importer surface) on top of FollowUpStore (#4): load an
 * ImportResult into a site, and assign rows to divisions.
 */
import type { AppError } from '../core/errors.js';
import type { ImportResult, Row } from '../core/model/schema.js';
import type { AssignResult, FollowUpStore, ImportProgress, ImportSummary } from '../core/ports.js';

export interface DocumentImportOutcome {
  reportKey: string;
  summary?: ImportSummary;
  /** Why the report was not (completely) stored; the other reports still are. */
  error?: AppError | Error;
}

/**
 * Imports every report of an ImportResult (resumable, never duplicating; see FollowUpStore.importReport).
 * Reports are imported one after another so throttling stays per-request; a failing report does not stop the rest.
 */
export async function importDocuments(store: FollowUpStore, result: ImportResult, options: { onProgress?: (p: ImportProgress) => void } = {}): Promise<DocumentImportOutcome[]> {
  const outcomes: DocumentImportOutcome[] = [];
  for (const report of result.reports) {
    try {
      const summary = await store.importReport(report, options.onProgress ? { onProgress: options.onProgress } : {});
      outcomes.push({ reportKey: report.key, summary });
    } catch (error) {
      // Reported per report to the caller, who shows it; the remaining reports are still worth importing.
      outcomes.push({ reportKey: report.key, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  return outcomes;
}

/**
 * Assigns the rows of an organisation's fiscal year to divisions chosen by `pick` (null = leave unassigned),
 * one `assignRows` call per division. Rows already assigned to the picked division are skipped.
 */
export async function assignByRule(store: FollowUpStore, fiscalYear: number, orgCode: string, pick: (row: Row, index: number) => string | null): Promise<AssignResult[]> {
  const { rows } = await store.openOrganization(fiscalYear, orgCode);
  const ordered = [...rows].sort((a, b) => a.reportKey.localeCompare(b.reportKey) || a.row.sortOrder - b.row.sortOrder);
  const byDivision = new Map<string, string[]>();
  ordered.forEach((r, i) => {
    const division = pick(r.row, i);
    if (division === null || division === r.row.division) return;
    const keys = byDivision.get(division) ?? [];
    keys.push(r.rowKey);
    byDivision.set(division, keys);
  });
  const results: AssignResult[] = [];
  for (const [division, keys] of byDivision) results.push(await store.assignRows(keys, division));
  return results;
}

/** A demo rule: content rows (not headings) go round-robin to the given divisions, in printed order. */
export function roundRobin(divisionCodes: readonly string[]): (row: Row, index: number) => string | null {
  let n = 0;
  return (row) => (row.kind === 'heading' || divisionCodes.length === 0 ? null : (divisionCodes[n++ % divisionCodes.length] as string));
}
