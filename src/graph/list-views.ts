/**
 * Provisions the SharePoint views and column formatting of schema 7 (#12 item 5, src/core/lists/views.ts) through
 * SharePoint REST: Graph v1.0 has no views API. Idempotent: a view is found by its title and a formatter compared
 * with what the field holds; what is in place is left alone, and what a site owner changed by hand (same title,
 * other query or fields; another formatter) is kept and reported, never overwritten.
 *
 * Requests: 1 GET of the views per list + 1 GET of each view's fields, 1 GET per formatted field; to create a
 * view 2 + (its fields) POSTs, to format a field 1 MERGE.
 */
import { COLUMN_FORMATTERS, formatterText, LIST_VIEWS, type ViewSchema } from '../core/lists/views.js';
import type { ListView, SharePointRest } from './sharepoint-rest.js';

export interface ViewsOutcome {
  /** Steps done, one line each (`create view FollowUpReview/差戻し`). */
  applied: string[];
  warnings: string[];
}

/** How a view found on the site compares with the one the schema describes. */
export function viewDifference(found: ListView, want: ViewSchema): string | null {
  const diffs: string[] = [];
  if (found.query !== want.query) diffs.push('its query');
  if (found.fields.join(',') !== want.fields.join(',')) diffs.push(`its fields (${found.fields.join(', ')})`);
  return diffs.length === 0 ? null : diffs.join(' and ');
}

export async function ensureViews(sp: SharePointRest, listTitles: ReadonlySet<string>): Promise<ViewsOutcome> {
  const out: ViewsOutcome = { applied: [], warnings: [] };
  for (const list of [...new Set(LIST_VIEWS.map((v) => v.list))].filter((l) => listTitles.has(l))) {
    const existing = await sp.views(list);
    for (const want of LIST_VIEWS.filter((v) => v.list === list)) {
      const found = existing.find((v) => v.title === want.title);
      if (!found) {
        await sp.createView(list, want);
        out.applied.push(`create view ${list}/${want.title}`);
        continue;
      }
      const diff = viewDifference(found, want);
      if (diff) out.warnings.push(`the view ${list}/${want.title} differs from the provisioned one in ${diff}; left as it is (delete it and run provision again to restore it)`);
    }
  }
  for (const f of COLUMN_FORMATTERS.filter((x) => listTitles.has(x.list))) {
    const have = await sp.customFormatter(f.list, f.field);
    const want = formatterText(f);
    if (have === want) continue;
    if (have !== null) {
      out.warnings.push(`the column ${f.list}.${f.field} has its own formatting; left as it is (clear it in SharePoint and run provision again to restore ours)`);
      continue;
    }
    await sp.setCustomFormatter(f.list, f.field, want);
    out.applied.push(`format column ${f.list}.${f.field}`);
  }
  return out;
}
