/**
 * Rows of a scope arranged as the official table prints them (#10): one table per report (重点項目, then 全体像 …),
 * rows in printed order grouped under their 大項目; 重点項目 tables have no 大項目. Pure, tested without React.
 */
import type { Layout } from '../../../core/model/schema.js';
import type { StoredRow } from '../../../core/ports.js';

export interface RowGroup {
  /** 大項目, or null for rows printed outside any (focus tables, rows before the first 大項目). */
  majorItem: string | null;
  rows: StoredRow[];
}

export interface ReportTable {
  reportKey: string;
  layout: string;
  groups: RowGroup[];
  rowCount: number;
}

/** Tables in the order the documents print them: a 重点項目 table before its overview. */
const LAYOUT_ORDER: readonly Layout[] = ['L-R5-FOCUS', 'L-R5-OVERVIEW', 'L-R2', 'L-R7', 'L-R6-COMPILATION'];

/** Layout id of a report key (`soumu/2023/L-R5-FOCUS`, `L-R6-COMPILATION/2024/cas`). */
export function layoutOfReportKey(reportKey: string): string {
  return reportKey.split('/').find((p) => /^L-R\d/.test(p)) ?? reportKey;
}

export function groupRows(rows: readonly StoredRow[]): ReportTable[] {
  const byReport = new Map<string, StoredRow[]>();
  for (const r of rows) {
    const list = byReport.get(r.reportKey) ?? [];
    list.push(r);
    byReport.set(r.reportKey, list);
  }
  const order = (layout: string): number => {
    const i = LAYOUT_ORDER.indexOf(layout as Layout);
    return i === -1 ? LAYOUT_ORDER.length : i;
  };
  return [...byReport]
    .map(([reportKey, list]): ReportTable => {
      const sorted = [...list].sort((a, b) => a.row.sortOrder - b.row.sortOrder);
      const groups: RowGroup[] = [];
      for (const r of sorted) {
        const major = r.row.kind === 'focus' ? null : r.row.majorItem;
        const last = groups.at(-1);
        if (last && last.majorItem === major) last.rows.push(r);
        else groups.push({ majorItem: major, rows: [r] });
      }
      return { reportKey, layout: layoutOfReportKey(reportKey), groups, rowCount: sorted.length };
    })
    .sort((a, b) => order(a.layout) - order(b.layout) || a.reportKey.localeCompare(b.reportKey));
}
