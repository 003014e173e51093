/**
 * Helpers for composition roots (`npm start`, the importer surface) on top of the secretariat's store (#4): load an
 * ImportResult into a site, and assign rows to divisions.
 */
import type { ImportResult, Row } from '../core/model/schema.js';
import type { AssignResult, FollowUpAdmin, FollowUpStore, ImportProgress, ReportImportOutcome } from '../core/ports.js';

/** One report's outcome: its summary, or why it was not (completely) stored; the other reports still are. */
export type DocumentImportOutcome = ReportImportOutcome;

/**
 * Imports every report of an ImportResult (resumable, never duplicating; see FollowUpStore.importReports): the
 * look-ups and creates of all reports share `$batch` requests, so a document of 14 small reports costs what one
 * report of the same size does. A failing report does not stop the rest; this function never throws.
 */
export async function importDocuments(store: FollowUpAdmin, result: ImportResult, options: { onProgress?: (p: ImportProgress) => void; signal?: { readonly aborted: boolean } } = {}): Promise<DocumentImportOutcome[]> {
  try {
    return await store.importReports(result.reports, {
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    // Not a per-report problem (a bug, say): reported on every report, which the caller shows.
    const e = error instanceof Error ? error : new Error(String(error));
    return result.reports.map((r) => ({ reportKey: r.key, error: e }));
  }
}

/**
 * Assigns the rows of an organisation's fiscal year to divisions chosen by `pick` (null = leave unassigned),
 * one `assignRows` call per division. Rows already assigned to the picked division are skipped.
 */
export async function assignByRule(store: FollowUpStore & FollowUpAdmin, fiscalYear: number, orgCode: string, pick: (row: Row, index: number) => string | null): Promise<AssignResult[]> {
  const { rows } = await store.open({ fiscalYear, orgCode });
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
