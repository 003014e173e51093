/**
 * Last year's answer of a row (#10: shown beside the field): the same row in the previous fiscal year's rows, found
 * by its report-local key when the layout is the same, else by what the row is — the 重点項目's name, the indicator or
 * survey (by catalogue code, so a renamed survey still matches), or the item's title — among rows of the same kind.
 * Titles compare after normalisation (width, spaces, brackets), so 「テレワ－ク」 finds 「テレワーク」.
 */
import { normalizeTitle } from '../core/guideline/title.js';
import type { Row } from '../core/model/schema.js';
import type { StoredRow } from '../core/ports.js';

const identity = (row: Row): string => {
  switch (row.kind) {
    case 'focus':
      return `focus:${normalizeTitle(row.focusItem ?? row.title)}`;
    case 'indicator':
      return row.indicatorCode ? `indicator-code:${row.indicatorCode}` : `indicator:${normalizeTitle(row.title)}`;
    case 'survey':
      return row.surveyCode ? `survey-code:${row.surveyCode}` : `survey:${normalizeTitle(row.title)}`;
    default:
      return `${row.kind}:${normalizeTitle(row.title)}:${row.splitKind ?? ''}`;
  }
};

/** An index of last year's rows; `find` answers for one of this year's. */
export interface PreviousYearIndex {
  find(row: StoredRow): StoredRow | null;
  readonly size: number;
}

export function indexPreviousYear(previous: readonly StoredRow[]): PreviousYearIndex {
  const byKey = new Map<string, StoredRow>();
  const byIdentity = new Map<string, StoredRow>();
  const sorted = [...previous].sort((a, b) => a.reportKey.localeCompare(b.reportKey) || a.row.sortOrder - b.row.sortOrder);
  for (const r of sorted) {
    if (!byKey.has(r.row.key)) byKey.set(r.row.key, r);
    const id = identity(r.row);
    // A title printed twice (two split lines) is ambiguous: the first in printed order stands for it.
    if (!byIdentity.has(id)) byIdentity.set(id, r);
  }
  return {
    size: previous.length,
    find(row) {
      const sameKey = byKey.get(row.row.key);
      if (sameKey && sameKey.row.kind === row.row.kind && normalizeTitle(sameKey.row.title) === normalizeTitle(row.row.title)) return sameKey;
      return byIdentity.get(identity(row.row)) ?? null;
    },
  };
}
