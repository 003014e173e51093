/** Human-readable summary of an import, for stderr. */
import { ROW_KINDS, type ImportIssue, type ImportResult } from '../core/model/schema.js';

const countBy = <T>(items: T[], key: (t: T) => string): Map<string, number> => {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return m;
};

const fmtIssue = (i: ImportIssue): string =>
  `  [${i.severity}] ${i.file}:${i.line}${i.col !== undefined ? `:${i.col}` : ''}${i.field ? ` ${i.field}` : ''} ${i.code}: ${i.message}`;

/** Reports, rows per kind, issues per severity, and the errors and warnings themselves (at most 50). */
export function summarize(result: ImportResult): string {
  const out: string[] = [];
  for (const r of result.reports) {
    const kinds = countBy(r.rows, (x) => x.kind);
    const perKind = ROW_KINDS.filter((k) => kinds.has(k))
      .map((k) => `${k} ${kinds.get(k)}`)
      .join(', ');
    out.push(
      `${r.source.file}: ${r.layout} ${r.organization ?? '(府省等不明)'} ${r.cycleLabel ?? ''} (FY${r.fiscalYear ?? '?'}) — ${r.rows.length} rows${perKind ? ` (${perKind})` : ''}${r.issues.length ? `, ${r.issues.length} issues` : ''}`,
    );
  }
  for (const p of result.plans) {
    out.push(`${p.source.file}: PLAN ${p.organization ?? ''} — ${p.sections.length} sections, ${p.items.length} items${p.issues.length ? `, ${p.issues.length} issues` : ''}`);
  }
  const all = [...result.issues, ...result.reports.flatMap((r) => r.issues), ...result.plans.flatMap((p) => p.issues)];
  const bySeverity = countBy(all, (i) => i.severity);
  out.push(`reports: ${result.reports.length}, plans: ${result.plans.length}, issues: ${all.length} (error ${bySeverity.get('error') ?? 0}, warning ${bySeverity.get('warning') ?? 0}, info ${bySeverity.get('info') ?? 0})`);
  const shown = all.filter((i) => i.severity !== 'info').slice(0, 50);
  out.push(...shown.map(fmtIssue));
  return `${out.join('\n')}\n`;
}
