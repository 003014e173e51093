import type { Row } from './schema.js';

/** What a new row must be told; every other field starts empty. */
export type RowInit = Pick<Row, 'key' | 'kind' | 'sortOrder' | 'source'> & Partial<Row>;

/**
 * This year's answers, empty: what a division fills in each cycle (status, reason, narrative, outcome, survey answers)
 * and the review back to 未確認. A new row starts with them; a row carried into the next cycle gets them again.
 */
export function emptyAnswers(): Pick<Row, 'status' | 'statusRaw' | 'reasonNotPlanned' | 'narrative' | 'narrativeRaw' | 'outcome' | 'outcomeRaw' | 'tags' | 'entries' | 'surveyAnswers' | 'reviewState' | 'cells'> {
  return {
    status: null,
    statusRaw: null,
    reasonNotPlanned: null,
    narrative: null,
    narrativeRaw: null,
    outcome: null,
    outcomeRaw: null,
    tags: [],
    entries: [],
    surveyAnswers: [],
    reviewState: 'unreviewed',
    cells: [],
  };
}

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
    ...emptyAnswers(),
    crossRef: null,
    guidelineRefs: [],
    guidelineRefsRaw: null,
    indicatorCode: null,
    indicatorValues: [],
    surveyCode: null,
    division: null,
    ...init,
  };
}
