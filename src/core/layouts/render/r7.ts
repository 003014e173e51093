/** Renderer for the 令和7年度 layout L-R7 (004): 項目 / 具体的な取組時期・内容 / 具体的な成果・課題・今後の取組 (#2). */
import type { Row } from '../../model/schema.js';
import type { LayoutSpec } from './engine.js';
import { renderWithSpec } from './engine.js';
import type { CellRole } from './types.js';
import type { LayoutRenderer } from './types.js';

type Planned = { col: number; role: CellRole }[];

function freshLines(row: Row): Planned[] {
  if (row.kind === 'indicator') {
    return [
      [
        { col: 0, role: 'kind' },
        { col: 1, role: 'title' },
        { col: 2, role: 'indicator' },
      ],
    ];
  }
  if (row.kind === 'survey') {
    const head: Planned = [
      { col: 0, role: 'kind' },
      { col: 1, role: 'title' },
    ];
    if (row.surveyAnswers.some((a) => a.scope !== null)) {
      return row.surveyAnswers.map((_, i) => [
        ...(i === 0 ? head : []),
        { col: 2, role: 'survey-scope' as const },
        { col: 3, role: 'survey-answer' as const },
      ]);
    }
    const answer: CellRole = row.surveyAnswers.some((a) => a.subField !== null) ? 'survey-fields' : 'survey-text';
    return [[...head, { col: 2, role: answer }, { col: 3, role: 'outcome' }]];
  }
  // `1-1. 業務見直し…` is printed in one cell; `5-1` / `女性の採用の拡大` in two (§1.5).
  const label: Planned =
    row.markerRaw === null
      ? [{ col: 0, role: 'title' }]
      : row.markerRaw.endsWith('.')
        ? [{ col: 0, role: 'marker+title' }]
        : [
            { col: 0, role: 'marker' },
            { col: 1, role: 'title' },
          ];
  return [[...label, { col: 2, role: 'narrative' }, { col: 3, role: 'outcome' }]];
}

export const R7_SPEC: LayoutSpec = {
  width: 4,
  columns: ['項目', '', '具体的な取組時期・内容', '具体的な成果・課題・今後の取組'],
  headerRows: [['項目', '', '具体的な取組時期・内容', '具体的な成果・課題・今後の取組']],
  indicatorSeparator: ' ',
  subFieldStyle: 'paragraphs',
  freshLines,
  defaultCol: (_row, role) => (role === 'outcome' ? 3 : 2),
};

export const R7_TSV_RENDERER: LayoutRenderer = {
  layouts: ['L-R7'],
  render: (reports, format) => renderWithSpec(reports, format, () => R7_SPEC),
};
