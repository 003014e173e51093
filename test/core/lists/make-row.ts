// Builders for rows and reports used by the #4 store tests (unit, integration, bench).
import { createRow } from '../../../src/core/model/create-row.js';
import type { RowRecord } from '../../../src/core/lists/row-fields.js';
import { toListRowKey } from '../../../src/core/lists/row-fields.js';
import type { Report, Row } from '../../../src/core/model/schema.js';

export function makeRow(overrides: Partial<Row> = {}): Row {
  return createRow({
    key: 'L-R7/1-1',
    kind: 'initiative',
    sortOrder: 0,
    majorItem: '働き方改革',
    majorItemRaw: '働き方改革',
    markerRaw: '1-1.',
    markerNorm: '1-1',
    title: 'テレワークの推進',
    status: 'implemented',
    statusRaw: '実施',
    narrative: '【継続】テレワーク実施要領を周知した。',
    narrativeRaw: '<p>【継続】テレワーク実施要領を周知した。</p>',
    tags: ['継続'],
    entries: [{ tag: '継続', text: 'テレワーク実施要領を周知した。' }],
    source: { file: '004_62afef42a3180ecf.txt', line: 5, col: 1 },
    cells: [{ text: '<p>【継続】テレワーク実施要領を周知した。</p>', line: 5, col: 2, role: 'narrative' }],
    ...overrides,
  });
}

export interface ReportShape {
  key?: string;
  fiscalYear?: number;
  orgCode?: string;
  rows?: number;
  /** Division per row index (default: none = unassigned). */
  divisionOf?: (i: number) => string | null;
}

/** A report with `rows` synthetic initiative rows (distinct keys, realistic field sizes). */
export function makeReport(shape: ReportShape = {}): Report {
  const key = shape.key ?? 'soumu/2024/L-R7';
  const n = shape.rows ?? 3;
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    rows.push(
      makeRow({
        key: `L-R7/${Math.floor(i / 10) + 1}-${(i % 10) + 1}`,
        sortOrder: i,
        title: `取組 ${i + 1}`,
        narrative: `【継続】取組 ${i + 1} を実施した。`,
        division: shape.divisionOf ? shape.divisionOf(i) : null,
        source: { file: 'synthetic.txt', line: i + 3 },
        cells: [{ text: `取組 ${i + 1}`, line: i + 3, col: 0, role: 'title' }],
      }),
    );
  }
  return {
    key,
    organization: '総務省',
    organizationCode: shape.orgCode ?? 'soumu',
    organizationSource: 'option',
    fiscalYear: shape.fiscalYear ?? 2024,
    cycleLabel: '令和6年度',
    implementationYear: null,
    layout: 'L-R7',
    title: '国家公務員の女性活躍とワークライフバランス推進のための取組指針に基づく取組計画等のフォローアップ',
    titleRaw: ['国家公務員の女性活躍とワークライフバランス推進のための取組指針に基づく取組計画等のフォローアップ', '(令和6年度)'],
    coverNote: null,
    noRowsReason: null,
    focusItems: [],
    rows,
    issues: [],
    reviewState: 'unreviewed',
    source: { file: 'synthetic.txt', line: 1 },
  };
}

export function makeRecord(row: Row = makeRow(), reportKey = 'soumu/2024/L-R7'): RowRecord {
  return { rowKey: toListRowKey(reportKey, row.key), reportKey, fiscalYear: 2024, orgCode: 'soumu', row, reviewComment: null };
}
