/** Renderer for the 令和2年度 layout L-R2 (003): 大項目 / 中項目・小項目 markers / (A) (B) (C) (D) (#2). */
import type { Row } from '../../model/schema.js';
import type { LayoutSpec } from './engine.js';
import { renderWithSpec } from './engine.js';
import type { CellRole } from './types.js';
import type { LayoutRenderer } from './types.js';

const CAPTIONS = [
  '各取組の実施状況 (A)',
  '(A)で「実施未定」を選択した場合の理由 (B)',
  '取組を行った(行う)時期、取組内容及び取組における工夫 (C)',
  '取組を行ったことによる具体的な成果 (D)',
] as const;

/** New rows use the template's nominal columns: markers from col 1, title at col ≥ 2, then (A) (B) (C) (D). */
function freshLines(row: Row, previous: Row | null): { col: number; role: CellRole }[][] {
  const cells: { col: number; role: CellRole }[] = [];
  if (row.majorItem !== null && row.majorItem !== previous?.majorItem) cells.push({ col: 0, role: 'majorItem' });
  const tokens = (row.markerRaw ?? '').split(/\s+/).filter((t) => t !== '');
  tokens.forEach((_, i) => cells.push({ col: 1 + i, role: 'marker' }));
  const titleCol = Math.max(2, 1 + tokens.length);
  if (row.title !== '' || row.titleRich !== null) cells.push({ col: titleCol, role: 'title' });
  if (row.kind === 'indicator') return [[...cells, { col: Math.max(5, titleCol + 1), role: 'indicator' }]];
  let col = Math.max(3, titleCol + 1);
  if (row.splitKind !== null) {
    cells.push({ col: col, role: 'split' });
    col += 1;
  }
  cells.push({ col, role: 'status' }, { col: col + 1, role: 'reason' }, { col: col + 2, role: 'narrative' }, { col: col + 3, role: 'outcome' });
  return [cells];
}

export const R2_SPEC: LayoutSpec = {
  width: 7,
  columns: ['大項目', '中項目・小項目', '', ...CAPTIONS],
  headerRows: [
    ['大項目', '中項目', '', ...CAPTIONS],
    ['', '小項目', '', '', '', '', ''],
  ],
  indicatorSeparator: '、',
  subFieldStyle: 'inline',
  freshLines,
  // Cells drift in this layout (§6.4), so a new value goes next to the cell it follows in the row, not to a fixed column.
  defaultCol: (_row, role, placed) => {
    const status = placed.get('status') ?? Math.max(3, (placed.get('title') ?? placed.get('marker+title') ?? 2) + 1);
    if (role === 'status') return status;
    if (role === 'reason') return status + 1;
    if (role === 'narrative') return placed.has('reason') ? (placed.get('reason') ?? status + 1) + 1 : status + 2;
    if (role === 'outcome') return (placed.get('narrative') ?? status + 2) + 1;
    return 5;
  },
};

export const R2_TSV_RENDERER: LayoutRenderer = {
  layouts: ['L-R2'],
  render: (reports, format) => renderWithSpec(reports, format, () => R2_SPEC),
};
