import type { Row } from './schema.js';

/** What a new row must be told; every other field starts empty. */
export type RowInit = Pick<Row, 'key' | 'kind' | 'sortOrder' | 'source'> & Partial<Row>;

/** A row with every field present: nulls and empty lists unless given (importers and plan seeding start here). */
export function createRow(init: RowInit): Row {
  return {
    parentKey: null,
    level: 1,
    majorItem: null,
    majorItemRaw: null,
    markerRaw: null,
    markerNorm: null,
    title: '',
    titleRich: null,
    focusItem: null,
    splitKind: null,
    status: null,
    statusRaw: null,
    reasonNotPlanned: null,
    narrative: null,
    narrativeRaw: null,
    outcome: null,
    outcomeRaw: null,
    tags: [],
    entries: [],
    crossRef: null,
    guidelineRefs: [],
    guidelineRefsRaw: null,
    indicatorCode: null,
    indicatorValues: [],
    surveyCode: null,
    surveyAnswers: [],
    division: null,
    reviewState: 'unreviewed',
    cells: [],
    ...init,
  };
}
