/** Human-readable summary of an import, for stderr. */
import { ROW_KINDS, type ImportIssue, type ImportResult } from '../core/model/schema.js';

/** Errors and warnings listed in full; the rest are counted. */
const MAX_SHOWN = 50;

const countBy = <T>(items: T[], key: (t: T) => string): Map<string, number> => {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return m;
};

/** One issue on two lines: where (file:line:col field), code and the Japanese message, then the English one. */
const fmtIssue = (i: ImportIssue): string =>
  `  [${i.severity}] ${i.file}:${i.line}${i.col !== undefined ? `:${i.col}` : ''}${i.field ? ` ${i.field}` : ''}${i.rowKey ? ` (${i.rowKey})` : ''} ${i.code}: ${i.message}\n      ${i.messageEn}`;

/** Reports, rows per kind, issues per severity, and the errors and warnings themselves (at most 50). */
export function summarize(result: ImportResult): string {
  const out: string[] = [];
  for (const r of result.reports) {
    const kinds = countBy(r.rows, (x) => x.kind);
    const perKind = ROW_KINDS.filter((k) => kinds.has(k))
      .map((k) => `${k} ${kinds.get(k) ?? 0}`)
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
  const notable = all.filter((i) => i.severity !== 'info');
  out.push(...notable.slice(0, MAX_SHOWN).map(fmtIssue));
  if (notable.length > MAX_SHOWN) out.push(`  … ${notable.length - MAX_SHOWN} more errors/warnings (see --json) / 他 ${notable.length - MAX_SHOWN} 件は --json で確認できます`);
  return `${out.join('\n')}\n`;
}
