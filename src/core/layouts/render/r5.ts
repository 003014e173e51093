/** Renderer for the 令和5年度 document (000): 重点項目 table (L-R5-FOCUS) and 全体像 table (L-R5-OVERVIEW) (#2). */
import type { Report, Row } from '../../model/schema.js';
import type { LayoutSpec } from './engine.js';
import { renderWithSpec } from './engine.js';
import type { CellRole } from './types.js';
import type { LayoutRenderer } from './types.js';

const NARRATIVE_CAPTION = '取組時期・内容・成果、取組における改善点・課題、それらを踏まえた次のアクション';

type Planned = { col: number; role: CellRole }[];

/** 数値 / 調査 lines of a new 全体像 row: kind and name, then the value or one line per scope answer. */
function kindLines(row: Row, kindCol: number): Planned[] {
  const head: Planned = [
    { col: kindCol, role: 'kind' },
    { col: kindCol + 1, role: 'title' },
  ];
  if (row.kind === 'indicator') return [[...head, { col: 4, role: 'indicator' }]];
  const scoped = row.surveyAnswers.some((a) => a.scope !== null);
  if (!scoped) return [[...head, { col: 4, role: row.surveyAnswers.some((a) => a.subField !== null) ? 'survey-fields' : 'survey-text' }]];
  return row.surveyAnswers.map((_, i) => [
    ...(i === 0 ? head : []),
    { col: 3, role: 'survey-scope' as const },
    { col: 4, role: 'survey-answer' as const },
  ]);
}

export const FOCUS_SPEC: LayoutSpec = {
  width: 3,
  columns: ['重点項目', `A ${NARRATIVE_CAPTION}`, 'B WLB取組指針の該当箇所'],
  headerRows: [
    ['重点項目', 'A', 'B'],
    ['', NARRATIVE_CAPTION, 'WLB取組指針の該当箇所'],
  ],
  indicatorSeparator: ' ',
  subFieldStyle: 'inline',
  freshLines: () => [
    [
      { col: 0, role: 'title' },
      { col: 1, role: 'narrative' },
      { col: 2, role: 'refs' },
    ],
  ],
  defaultCol: (_row, role) => (role === 'narrative' ? 1 : 2),
};

export const OVERVIEW_SPEC: LayoutSpec = {
  width: 5,
  columns: ['大項目', '中項目', 'A 取組の実施状況', 'B Aで「実施未定」を選択した場合の理由', `C ${NARRATIVE_CAPTION}`],
  headerRows: [
    ['大項目', '中項目', 'A', 'B', 'C'],
    ['', '', '取組の実施状況', 'Aで「実施未定」を選択した場合の理由', NARRATIVE_CAPTION],
  ],
  indicatorSeparator: ' ',
  subFieldStyle: 'inline',
  freshLines: (row, previous) => {
    const major: Planned = row.majorItem !== null && row.majorItem !== previous?.majorItem ? [{ col: 0, role: 'majorItem' }] : [];
    if (row.kind === 'indicator' || row.kind === 'survey') {
      const lines = kindLines(row, 1);
      lines[0]?.unshift(...major);
      return lines;
    }
    return [
      [
        ...major,
        { col: 1, role: row.markerRaw === null ? 'title' : 'marker+title' },
        { col: 2, role: 'status' },
        { col: 3, role: 'reason' },
        { col: 4, role: 'narrative' },
      ],
    ];
  },
  defaultCol: (_row, role) => ({ status: 2, reason: 3 } as Partial<Record<CellRole, number>>)[role] ?? 4,
};

const specFor = (report: Report): LayoutSpec => (report.layout === 'L-R5-FOCUS' ? FOCUS_SPEC : OVERVIEW_SPEC);

export const R5_TSV_RENDERER: LayoutRenderer = {
  layouts: ['L-R5-FOCUS', 'L-R5-OVERVIEW'],
  // The 重点項目 table comes first in the document, then the 全体像 (000 lines 3–9, 11–38).
  render: (reports, format) =>
    renderWithSpec(
      [...reports].sort((a, b) => (a.layout === b.layout ? 0 : a.layout === 'L-R5-FOCUS' ? -1 : 1)),
      format,
      specFor,
    ),
};
