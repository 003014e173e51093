/**
 * Test builders (style guide 11.5): every schema field gets a sensible default so a test states only what it is about,
 * e.g. `makeRow({ status: 'undecided' })`. Defaults describe an L-R5-OVERVIEW 取組 row of 000, implemented, with a
 * narrative, and no problems.
 */
import type {
  FocusItem,
  GuidelineRef,
  ImportIssue,
  IndicatorValue,
  Report,
  Row,
  SourceRef,
  SurveyAnswer,
} from '../../src/core/model/schema.js';

const SOURCE_FILE = '000_af6c26688b7c18a9.txt';

/** A source position in 000 (line 14 unless given). */
export function makeSource(overrides: Partial<SourceRef> = {}): SourceRef {
  return { file: SOURCE_FILE, line: 14, col: 0, ...overrides };
}

/** A 取組 row; `key` defaults to `L-R5-OVERVIEW/<title>`. */
export function makeRow(overrides: Partial<Row> = {}): Row {
  const title = overrides.title ?? '業務効率化・デジタル化の推進';
  return {
    key: `L-R5-OVERVIEW/${title}`,
    kind: 'initiative',
    sortOrder: 0,
    parentKey: null,
    level: 1,
    majorItem: 'ワークライフバランスの推進のための働き方改革',
    majorItemRaw: 'ワークライフバランスの推進のための働き方改革',
    markerRaw: '1.',
    markerNorm: '1',
    title,
    titleRich: null,
    focusItem: null,
    splitKind: null,
    status: 'implemented',
    statusRaw: '実施',
    reasonNotPlanned: null,
    narrative: '【継続】 テレワークの更なる定着のために研修を実施。',
    narrativeRaw: '【継続】 テレワークの更なる定着のために研修を実施。',
    outcome: null,
    outcomeRaw: null,
    tags: ['継続'],
    entries: [{ tag: '継続', text: 'テレワークの更なる定着のために研修を実施。' }],
    crossRef: null,
    guidelineRefs: [],
    guidelineRefsRaw: null,
    indicatorCode: null,
    indicatorValues: [],
    surveyCode: null,
    surveyAnswers: [],
    division: null,
    reviewState: 'unreviewed',
    source: makeSource(),
    cells: [],
    ...overrides,
  };
}

/** A 重点項目 row of L-R5-FOCUS (000 line 8) with its resolved reference. */
export function makeFocusRow(overrides: Partial<Row> = {}): Row {
  const name = overrides.focusItem ?? overrides.title ?? 'モチベーションの向上';
  return makeRow({
    key: `L-R5-FOCUS/${name}`,
    kind: 'focus',
    level: 0,
    majorItem: null,
    majorItemRaw: null,
    markerRaw: null,
    markerNorm: null,
    title: name,
    focusItem: name,
    status: null,
    statusRaw: null,
    guidelineRefs: [makeGuidelineRef()],
    guidelineRefsRaw: 'Ⅱ「ワークライフバランスの推進のための働き方改革」 3. マネジメント改革',
    source: makeSource({ line: 8 }),
    ...overrides,
  });
}

/** A resolved reference to Ⅱ-3 (000's `3. マネジメント改革`). */
export function makeGuidelineRef(overrides: Partial<GuidelineRef> = {}): GuidelineRef {
  return {
    raw: 'Ⅱ「ワークライフバランスの推進のための働き方改革」 3. マネジメント改革',
    path: 'Ⅱ-3',
    nodeId: 'G2024:Ⅱ-3',
    resolution: 'exact',
    confidence: 1,
    ...overrides,
  };
}

/** A 現状 value of 66.3% as of 令和4年度 (no category). */
export function makeIndicatorValue(overrides: Partial<IndicatorValue> = {}): IndicatorValue {
  return {
    category: null,
    categoryRaw: null,
    valueKind: 'current',
    seq: 0,
    valuePercent: 66.3,
    valueText: '66.3%',
    qualifier: null,
    notApplicable: false,
    asOfRaw: '令和4年度',
    asOfPrecision: 'fiscalYear',
    asOfStart: '2022-04-01',
    asOfEnd: '2023-03-31',
    note: null,
    ...overrides,
  };
}

/** A 数値 row (男性職員の育児休業取得率) holding the given values. */
export function makeIndicatorRow(overrides: Partial<Row> = {}): Row {
  const title = overrides.title ?? '男性職員の育児休業取得率';
  return makeRow({
    key: `L-R5-OVERVIEW/数値/${title}`,
    kind: 'indicator',
    title,
    markerRaw: null,
    markerNorm: null,
    status: null,
    statusRaw: null,
    narrative: null,
    narrativeRaw: null,
    tags: [],
    entries: [],
    indicatorCode: 'male-childcare-leave',
    indicatorValues: [makeIndicatorValue()],
    ...overrides,
  });
}

/** An answer of the 勤務時間管理システムの導入状況 survey for 本省 (000 line 19). */
export function makeSurveyAnswer(overrides: Partial<SurveyAnswer> = {}): SurveyAnswer {
  return {
    scope: '本省',
    scopeRaw: '本省',
    subField: null,
    subFieldRaw: null,
    choice: '導入済み又は令和7年度までに導入予定',
    text: '導入済み又は令和7年度までに導入予定',
    source: makeSource({ line: 19, col: 3 }),
    ...overrides,
  };
}

/** A 調査 row (勤務時間管理システムの導入状況). */
export function makeSurveyRow(overrides: Partial<Row> = {}): Row {
  const title = overrides.title ?? '勤務時間管理システムの導入状況';
  return makeRow({
    key: `L-R5-OVERVIEW/調査/${title}`,
    kind: 'survey',
    title,
    markerRaw: null,
    markerNorm: null,
    status: null,
    statusRaw: null,
    narrative: null,
    narrativeRaw: null,
    tags: [],
    entries: [],
    surveyCode: 'work-hours-system',
    surveyAnswers: [makeSurveyAnswer()],
    source: makeSource({ line: 19 }),
    ...overrides,
  });
}

/** A 重点項目 of a report. */
export function makeFocusItem(overrides: Partial<FocusItem> = {}): FocusItem {
  return { name: 'モチベーションの向上', number: null, printedOrder: 0, ...overrides };
}

/** An import issue naming 000 line 14. */
export function makeImportIssue(overrides: Partial<ImportIssue> = {}): ImportIssue {
  return {
    severity: 'warning',
    code: 'TEST',
    file: SOURCE_FILE,
    line: 14,
    message: 'テスト',
    messageEn: 'test',
    ...overrides,
  };
}

/** 000's L-R5-OVERVIEW report for 総務省 (令和5年度), with its two 重点項目 and the given rows (default: one 取組 row). */
export function makeReport(overrides: Partial<Report> = {}): Report {
  const layout = overrides.layout ?? 'L-R5-OVERVIEW';
  return {
    key: `soumu/2023/${layout}`,
    organization: '総務省',
    organizationCode: 'soumu',
    organizationSource: 'printed',
    fiscalYear: 2023,
    cycleLabel: '令和5年度',
    implementationYear: 2023,
    layout,
    title: '令和5年度 総務省における女性職員活躍とワークライフバランス推進のための取組計画等のフォローアップ（重点項目含む全体像）',
    titleRaw: ['令和5年度 総務省における女性職員活躍とワークライフバランス推進のための', '取組計画等のフォローアップ（重点項目含む全体像）'],
    coverNote: null,
    noRowsReason: null,
    focusItems: [makeFocusItem(), makeFocusItem({ name: '生産性の向上', printedOrder: 1 })],
    rows: [makeRow()],
    issues: [],
    reviewState: 'unreviewed',
    source: makeSource({ line: 11 }),
    ...overrides,
  };
}
