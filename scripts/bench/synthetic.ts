/**
 * Generated follow-up tables for the benches (L-R7 取組 rows of 総務省): what changes from one bench to another is
 * given at each use, so each bench keeps the rows it has always measured.
 */
import { createRow } from '../../src/core/model/create-row.js';
import type { Report, Row } from '../../src/core/model/schema.js';

export interface SyntheticRow {
  key: string;
  title: string;
  /** The title cell's text as printed. */
  cellText: string;
  majorItem: string;
  /** The 項番 (`${marker}.` as printed). */
  marker: number;
  /** 実施, or no status yet. */
  implemented: boolean;
  /** What was done (the narrative after its 【継続】 tag). */
  text: string;
  /** The narrative as printed is HTML (`<p>…</p>`). */
  html: boolean;
  division: string | null;
  file: string;
}

/** The `i`th row of a generated table (its sort order and source line follow `i`). */
export function syntheticRow(i: number, r: SyntheticRow): Row {
  const narrative = `【継続】${r.text}`;
  return createRow({
    key: r.key,
    kind: 'initiative',
    sortOrder: i,
    majorItem: r.majorItem,
    majorItemRaw: r.majorItem,
    markerRaw: `${r.marker}.`,
    markerNorm: String(r.marker),
    title: r.title,
    status: r.implemented ? 'implemented' : null,
    statusRaw: r.implemented ? '実施' : null,
    narrative,
    narrativeRaw: r.html ? `<p>${narrative}</p>` : narrative,
    tags: ['継続'],
    entries: [{ tag: '継続', text: r.text }],
    division: r.division,
    source: { file: r.file, line: i + 3 },
    cells: [{ text: r.cellText, line: i + 3, col: 0, role: 'title' }],
  });
}

/** A generated report of 総務省 (soumu) in layout L-R7. */
export function syntheticReport(r: { key: string; fiscalYear: number; cycleLabel: string; title: string; file: string; rows: Row[] }): Report {
  return {
    key: r.key,
    organization: '総務省',
    organizationCode: 'soumu',
    organizationSource: 'option',
    fiscalYear: r.fiscalYear,
    cycleLabel: r.cycleLabel,
    implementationYear: null,
    layout: 'L-R7',
    title: r.title,
    titleRaw: [r.title],
    coverNote: null,
    noRowsReason: null,
    focusItems: [],
    rows: r.rows,
    issues: [],
    reviewState: 'unreviewed',
    source: { file: r.file, line: 1 },
  };
}
