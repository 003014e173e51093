import { describe, expect, it } from 'vitest';

import type { Report, Row } from '../../../src/core/model/schema.js';
import { findRule, RULES, validateReport, validateRow } from '../../../src/core/validate/index.js';
import {
  makeFocusRow,
  makeGuidelineRef,
  makeIndicatorRow,
  makeIndicatorValue,
  makeReport,
  makeRow,
  makeSurveyAnswer,
  makeSurveyRow,
} from '../../support/builders.js';

/** Issues of one rule for a row placed in a report (the report's rows default to just this row). */
function rowIssues(ruleId: string, row: Row, report: Report = makeReport({ rows: [row] })) {
  return validateRow(row, report).filter((i) => i.ruleId === ruleId);
}

function reportIssues(ruleId: string, report: Report) {
  return validateReport(report).filter((i) => i.ruleId === ruleId);
}

describe('RULES', () => {
  it('has unique ids, bilingual messages and a valid severity and scope', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.message.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(r.message.en).toMatch(/[a-z]/);
      expect(['error', 'warning', 'info']).toContain(r.severity);
      expect(['row', 'report']).toContain(r.scope);
    }
  });

  it('passes the default builders without any issue', () => {
    const report = makeReport({
      rows: [makeRow(), makeIndicatorRow(), makeSurveyRow()],
    });
    expect(validateReport(report)).toEqual([]);
    expect(validateReport(makeReport({ layout: 'L-R5-FOCUS', rows: [makeFocusRow()] }))).toEqual([]);
  });
});

describe('reason-required-when-undecided (§9.2: required iff 実施未定)', () => {
  it('is an error when 実施未定 has no reason', () => {
    const issues = rowIssues('reason-required-when-undecided', makeRow({ status: 'undecided', statusRaw: '実施未定' }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', field: 'reasonNotPlanned', row: 'L-R5-OVERVIEW/業務効率化・デジタル化の推進' });
  });

  it('passes when 実施未定 has a reason', () => {
    expect(rowIssues('reason-required-when-undecided', makeRow({ status: 'undecided', reasonNotPlanned: '予算措置待ち' }))).toEqual([]);
  });
});

describe('reason-without-undecided', () => {
  it('warns when 実施 carries a reason', () => {
    const issues = rowIssues('reason-without-undecided', makeRow({ status: 'implemented', reasonNotPlanned: '検討中' }));
    expect(issues.map((i) => [i.severity, i.field, i.value])).toEqual([['warning', 'reasonNotPlanned', '検討中']]);
    expect(issues[0]?.message).toContain('実施状況: 実施');
  });

  it('passes when 実施 has no reason', () => {
    expect(rowIssues('reason-without-undecided', makeRow({ status: 'implemented', reasonNotPlanned: '  ' }))).toEqual([]);
  });
});

describe('status-required (leaf 取組 rows of L-R2 / L-R5-OVERVIEW)', () => {
  it('warns for a leaf initiative row without status', () => {
    expect(rowIssues('status-required', makeRow({ status: null })).map((i) => [i.severity, i.field])).toEqual([['warning', 'status']]);
    const r2 = makeRow({ status: null });
    expect(rowIssues('status-required', r2, makeReport({ layout: 'L-R2', rows: [r2] }))).toHaveLength(1);
  });

  it('passes for a cross-reference row, a parent row, a heading, and layouts without a status column', () => {
    const crossRef = makeRow({ status: null, crossRef: { focusItem: 'モチベーションの向上', partial: false } });
    expect(rowIssues('status-required', crossRef)).toEqual([]);
    const parent = makeRow({ status: null });
    const child = makeRow({ key: 'L-R5-OVERVIEW/1/小項目1', title: '業務の廃止等による業務見直し・効率化', parentKey: parent.key });
    expect(rowIssues('status-required', parent, makeReport({ rows: [parent, child] }))).toEqual([]);
    expect(rowIssues('status-required', makeRow({ status: null, kind: 'heading' }))).toEqual([]);
    const r7 = makeRow({ status: null });
    expect(rowIssues('status-required', r7, makeReport({ layout: 'L-R7', rows: [r7] }))).toEqual([]);
  });
});

describe('narrative-required', () => {
  it('warns when 実施 has no narrative, and for a 重点項目 without narrative', () => {
    expect(rowIssues('narrative-required', makeRow({ narrative: null })).map((i) => i.field)).toEqual(['narrative']);
    const focus = makeFocusRow({ narrative: '' });
    expect(rowIssues('narrative-required', focus, makeReport({ layout: 'L-R5-FOCUS', rows: [focus] }))).toHaveLength(1);
  });

  it('passes when every child carries the narrative, for 実施未定, and for a pure cross-reference', () => {
    const parent = makeRow({ narrative: null });
    const child = makeRow({ key: 'L-R5-OVERVIEW/1/a', parentKey: parent.key, narrative: '【新規】 研修を実施。' });
    expect(rowIssues('narrative-required', parent, makeReport({ rows: [parent, child] }))).toEqual([]);
    expect(rowIssues('narrative-required', makeRow({ narrative: null, status: 'undecided', reasonNotPlanned: '検討中' }))).toEqual([]);
    const crossRef = makeRow({ narrative: null, crossRef: { focusItem: 'モチベーションの向上', partial: false } });
    expect(rowIssues('narrative-required', crossRef)).toEqual([]);
  });

  it('still warns for a partial cross-reference (※一部重点項目「…」参照) without narrative', () => {
    const partial = makeRow({ narrative: null, crossRef: { focusItem: '生産性の向上', partial: true } });
    expect(rowIssues('narrative-required', partial)).toHaveLength(1);
  });
});

describe('percent-out-of-range', () => {
  it('is an error above 100 and below 0', () => {
    const row = makeIndicatorRow({
      indicatorValues: [
        makeIndicatorValue({ valuePercent: 120.5, valueText: '120.5%' }),
        makeIndicatorValue({ seq: 1, valuePercent: -1, valueText: '-1%', asOfRaw: '令和3年度', asOfEnd: '2022-03-31' }),
      ],
    });
    expect(rowIssues('percent-out-of-range', row).map((i) => [i.severity, i.value])).toEqual([
      ['error', '120.5%'],
      ['error', '-1%'],
    ]);
  });

  it('passes 0, 100 and non-percentage values', () => {
    const row = makeIndicatorRow({
      indicatorValues: [
        makeIndicatorValue({ valueKind: 'target', valuePercent: 100, valueText: '両休暇合計5日以上取得率100%' }),
        makeIndicatorValue({ valuePercent: 0, valueText: '0%' }),
        makeIndicatorValue({ valueKind: 'baseline', valuePercent: null, valueText: '－', notApplicable: true, asOfRaw: null }),
      ],
    });
    expect(rowIssues('percent-out-of-range', row)).toEqual([]);
  });
});

describe('current-missing (現状 per category)', () => {
  it('warns for a category with a target but no 現状', () => {
    const row = makeIndicatorRow({
      title: '女性の採用目標',
      indicatorValues: [
        makeIndicatorValue({ category: '全体', categoryRaw: '【全体】', valueKind: 'target', valueText: '35%' }),
        makeIndicatorValue({ category: '全体', categoryRaw: '【全体】' }),
        makeIndicatorValue({ category: '技術系区分', categoryRaw: '【技術系区分】', valueKind: 'target', valueText: '設定なし', valuePercent: null }),
      ],
    });
    const issues = rowIssues('current-missing', row);
    expect(issues.map((i) => i.messageEn)).toEqual([
      '000_af6c26688b7c18a9.txt line 14, row "L-R5-OVERVIEW/数値/女性の採用目標", field indicatorValues: category "技術系区分" has no current value (現状).',
    ]);
  });

  it('passes when every category has a 現状', () => {
    const row = makeIndicatorRow({
      indicatorValues: [
        makeIndicatorValue({ category: '全体', valueKind: 'target' }),
        makeIndicatorValue({ category: '全体' }),
      ],
    });
    expect(rowIssues('current-missing', row)).toEqual([]);
  });
});

describe('current-not-newest-first', () => {
  const v = (seq: number, asOfRaw: string, asOfEnd: string) => makeIndicatorValue({ seq, asOfRaw, asOfStart: asOfEnd, asOfEnd });

  it('warns when an older 現状 comes before a newer one', () => {
    const row = makeIndicatorRow({ indicatorValues: [v(0, '令和5年4月1日', '2023-04-01'), v(1, '令和6年4月1日', '2024-04-01')] });
    const issues = rowIssues('current-not-newest-first', row);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain('令和6年4月1日 が 令和5年4月1日 より後にあります');
  });

  it('passes newest first (000: 令和6年4月1日, 令和5年4月1日, 令和4年4月1日)', () => {
    const row = makeIndicatorRow({
      indicatorValues: [v(0, '令和6年4月1日', '2024-04-01'), v(1, '令和5年4月1日', '2023-04-01'), v(2, '令和4年4月1日', '2022-04-01')],
    });
    expect(rowIssues('current-not-newest-first', row)).toEqual([]);
  });
});

describe('as-of-missing', () => {
  it('warns for a 現状 without a date', () => {
    const row = makeIndicatorRow({ indicatorValues: [makeIndicatorValue({ asOfRaw: null, asOfStart: null, asOfEnd: null })] });
    expect(rowIssues('as-of-missing', row).map((i) => i.value)).toEqual(['66.3%']);
  });

  it('passes a not-applicable 目標設定時 (－) without a date', () => {
    const row = makeIndicatorRow({
      indicatorValues: [makeIndicatorValue(), makeIndicatorValue({ valueKind: 'baseline', valueText: '－', valuePercent: null, notApplicable: true, asOfRaw: null })],
    });
    expect(rowIssues('as-of-missing', row)).toEqual([]);
  });
});

describe('duplicate-current-across-indicators (004 prints 42.3%(令和5年度) twice)', () => {
  const leave = makeIndicatorRow({
    key: 'L-R7/数値/男性職員の育児休業取得率',
    title: '男性職員の育児休業取得率',
    indicatorCode: 'male-childcare-leave',
    indicatorValues: [makeIndicatorValue({ valuePercent: 42.3, valueText: '42.3%', asOfRaw: '令和5年度' })],
  });
  const otoko = makeIndicatorRow({
    key: 'L-R7/数値/男の産休',
    title: '男性職員の「男の産休」(配偶者出産休暇・育児参加のための休暇)取得率',
    indicatorCode: 'otoko-no-sankyu',
    indicatorValues: [makeIndicatorValue({ valuePercent: 42.3, valueText: '42.3%', asOfRaw: '令和5年度' })],
  });

  it('warns on the second indicator with the same value and date', () => {
    const issues = reportIssues('duplicate-current-across-indicators', makeReport({ layout: 'L-R7', rows: [leave, otoko] }));
    expect(issues.map((i) => [i.severity, i.row, i.value])).toEqual([['warning', 'L-R7/数値/男の産休', '42.3%']]);
    expect(issues[0]?.message).toContain('別の数値「男性職員の育児休業取得率」');
  });

  it('passes when the dates differ', () => {
    const other = { ...otoko, indicatorValues: [makeIndicatorValue({ valuePercent: 42.3, valueText: '42.3%', asOfRaw: '令和4年度' })] };
    expect(reportIssues('duplicate-current-across-indicators', makeReport({ layout: 'L-R7', rows: [leave, other] }))).toEqual([]);
  });
});

describe('focus-without-guideline-ref', () => {
  it('warns for a 重点項目 without any reference', () => {
    const focus = makeFocusRow({ guidelineRefs: [], guidelineRefsRaw: null });
    expect(rowIssues('focus-without-guideline-ref', focus).map((i) => [i.severity, i.field])).toEqual([['warning', 'guidelineRefs']]);
  });

  it('passes with a reference', () => {
    expect(rowIssues('focus-without-guideline-ref', makeFocusRow())).toEqual([]);
  });
});

describe('guideline-ref-unresolved', () => {
  it('warns for an unresolved reference', () => {
    const row = makeFocusRow({ guidelineRefs: [makeGuidelineRef({ raw: '該当なし', path: null, nodeId: null, resolution: 'unresolved', confidence: 0 })] });
    expect(rowIssues('guideline-ref-unresolved', row).map((i) => i.value)).toEqual(['該当なし']);
  });

  it('passes plan-specific references', () => {
    const row = makeFocusRow({ guidelineRefs: [makeGuidelineRef({ raw: '（別添）具体的な取組事項', path: null, nodeId: null, resolution: 'plan-specific', confidence: 0.8 })] });
    expect(rowIssues('guideline-ref-unresolved', row)).toEqual([]);
  });
});

describe('crossref-unknown-focus-item', () => {
  it('is an error when ※重点項目「X」参照 names no 重点項目 of the report', () => {
    const row = makeRow({ crossRef: { focusItem: '働きがいの向上', partial: false } });
    const issues = rowIssues('crossref-unknown-focus-item', row);
    expect(issues.map((i) => [i.severity, i.field, i.value])).toEqual([['error', 'crossRef', '働きがいの向上']]);
  });

  it('passes for an existing 重点項目, in the report or in a related report', () => {
    expect(rowIssues('crossref-unknown-focus-item', makeRow({ crossRef: { focusItem: '生産性の向上', partial: true } }))).toEqual([]);
    const row = makeRow({ crossRef: { focusItem: 'モチベーションの向上', partial: false } });
    const overview = makeReport({ focusItems: [], rows: [row] });
    const focus = makeReport({ layout: 'L-R5-FOCUS', rows: [makeFocusRow()] });
    expect(validateRow(row, overview).filter((i) => i.ruleId === 'crossref-unknown-focus-item')).toHaveLength(1);
    expect(validateRow(row, overview, { relatedReports: [focus] }).filter((i) => i.ruleId === 'crossref-unknown-focus-item')).toEqual([]);
  });
});

describe('entry-without-tag', () => {
  it('is info for an untagged entry where the layout expects tags', () => {
    const row = makeRow({ entries: [{ tag: '継続', text: '研修を実施。' }, { tag: null, text: '今後も継続していく。' }] });
    expect(rowIssues('entry-without-tag', row).map((i) => [i.severity, i.value])).toEqual([['info', '今後も継続していく。']]);
  });

  it('passes tagged entries, and untagged ones in L-R7', () => {
    expect(rowIssues('entry-without-tag', makeRow())).toEqual([]);
    const r7 = makeRow({ entries: [{ tag: null, text: 'モバイルPCの1人1台支給' }] });
    expect(rowIssues('entry-without-tag', r7, makeReport({ layout: 'L-R7', rows: [r7] }))).toEqual([]);
  });
});

describe('unknown-tag', () => {
  it('warns for a 【…】 tag outside the vocabulary', () => {
    const row = makeRow({ entries: [{ tag: null, text: '【拡大】 対象を拡大。' }] });
    expect(rowIssues('unknown-tag', row).map((i) => i.value)).toEqual(['【拡大】']);
  });

  it('passes vocabulary tags', () => {
    expect(rowIssues('unknown-tag', makeRow({ entries: [{ tag: '新規・継続', text: '資料の見直し。' }] }))).toEqual([]);
  });
});

describe('html-in-plain-text', () => {
  it('warns for leftover tags in plain fields, naming the field', () => {
    const row = makeRow({ narrative: '<p>【継続】 研修を実施。</p>', reasonNotPlanned: null, outcome: '成果&nbsp;あり' });
    expect(rowIssues('html-in-plain-text', row).map((i) => [i.field, i.value])).toEqual([
      ['narrative', '<p>'],
      ['outcome', '&nbsp;'],
    ]);
  });

  it('passes a literal < in text (004: 目標数<実績)', () => {
    const row = makeRow({ narrative: '前月の目標数と実績との乖離(目標数<実績)が大きい課室' });
    expect(rowIssues('html-in-plain-text', row)).toEqual([]);
  });
});

describe('split-kind-without-parent', () => {
  it('accepts a titled row that carries its own first split (003 line 68)', () => {
    const row = makeRow({ title: '育児休業取得職員等を対象としたセミナーの実施', splitKind: '独自実施のもの' });
    expect(rowIssues('split-kind-without-parent', row)).toEqual([]);
  });

  it('is an error for an untitled split line without a parent', () => {
    const row = makeRow({ title: '', splitKind: '独自実施のもの' });
    expect(rowIssues('split-kind-without-parent', row).map((i) => [i.severity, i.field])).toEqual([['error', 'splitKind']]);
  });

  it('passes with a parent', () => {
    const parent = makeRow();
    const row = makeRow({ key: 'L-R2/4/b/ア/独自', splitKind: '内閣人事局・人事院が実施するものへの派遣', parentKey: parent.key });
    expect(rowIssues('split-kind-without-parent', row, makeReport({ rows: [parent, row] }))).toEqual([]);
  });
});

describe('parent-not-found and duplicate-row-key', () => {
  it('reports a parent key that is not in the report, and duplicate keys', () => {
    const orphan = makeRow({ key: 'L-R5-OVERVIEW/x', parentKey: 'L-R5-OVERVIEW/missing' });
    const dup = makeRow();
    const report = makeReport({ rows: [makeRow(), dup, orphan] });
    expect(reportIssues('parent-not-found', report).map((i) => [i.row, i.value])).toEqual([['L-R5-OVERVIEW/x', 'L-R5-OVERVIEW/missing']]);
    expect(reportIssues('duplicate-row-key', report).map((i) => i.row)).toEqual(['L-R5-OVERVIEW/業務効率化・デジタル化の推進']);
  });

  it('passes a well-formed report', () => {
    const parent = makeRow();
    const report = makeReport({ rows: [parent, makeRow({ key: 'L-R5-OVERVIEW/1/a', parentKey: parent.key })] });
    expect(reportIssues('parent-not-found', report)).toEqual([]);
    expect(reportIssues('duplicate-row-key', report)).toEqual([]);
  });
});

describe('survey rules (勤務時間管理 × 本省 ⇒ choice, × 地方 ⇒ text)', () => {
  it('warns for a 本省 answer outside the choices and an empty 地方 answer', () => {
    const row = makeSurveyRow({
      surveyAnswers: [
        makeSurveyAnswer({ choice: null, text: '検討中' }),
        makeSurveyAnswer({ scope: '地方支分部局等（時期、範囲等）', scopeRaw: '地方支分部局等（時期、範囲等）', choice: null, text: '' }),
      ],
    });
    expect(rowIssues('survey-choice-required', row).map((i) => i.value)).toEqual(['検討中']);
    expect(rowIssues('survey-text-required', row)).toHaveLength(1);
  });

  it('passes 000 lines 19–20', () => {
    const row = makeSurveyRow({
      surveyAnswers: [
        makeSurveyAnswer(),
        makeSurveyAnswer({
          scope: '地方支分部局等（時期、範囲等）',
          scopeRaw: '地方支分部局等（時期、範囲等）',
          choice: null,
          text: '本省の導入に合わせて全地方支分部局においても導入予定',
        }),
      ],
    });
    expect(rowIssues('survey-choice-required', row)).toEqual([]);
    expect(rowIssues('survey-text-required', row)).toEqual([]);
  });
});

describe('findRule', () => {
  it('finds rules by id', () => {
    expect(findRule('split-kind-without-parent')?.severity).toBe('error');
    expect(findRule('nope')).toBeUndefined();
  });
});

describe('entry-without-tag on cross-reference entries', () => {
  it('does not ask for a tag on ※一部重点項目「…」参照 (000 line 16)', () => {
    const row = makeRow({
      crossRef: { focusItem: '生産性の向上', partial: true },
      entries: [
        { tag: null, text: '※一部重点項目「生産性の向上」参照' },
        { tag: '継続', text: '・テレワークの更なる定着のために…' },
      ],
    });
    expect(rowIssues('entry-without-tag', row)).toEqual([]);
  });
});

describe('continued-without-history (needs last cycle)', () => {
  const lastYear = makeReport({ fiscalYear: 2022, cycleLabel: '令和4年度', rows: [makeRow({ title: '業務効率化・デジタル化の推進' })] });

  it('is info when a 【継続】 row has no counterpart last cycle', () => {
    const row = makeRow({ key: 'L-R5-OVERVIEW/新しい項目', title: '新しい項目' });
    const issues = validateReport(makeReport({ rows: [row] }), { previousReport: lastYear }).filter((i) => i.ruleId === 'continued-without-history');
    expect(issues.map((i) => [i.severity, i.row])).toEqual([['info', 'L-R5-OVERVIEW/新しい項目']]);
  });

  it('passes when the row existed last cycle, and without a previous report', () => {
    const report = makeReport({ rows: [makeRow()] });
    expect(validateReport(report, { previousReport: lastYear }).filter((i) => i.ruleId === 'continued-without-history')).toEqual([]);
    expect(validateReport(makeReport({ rows: [makeRow({ title: '新しい項目' })] })).filter((i) => i.ruleId === 'continued-without-history')).toEqual([]);
  });
});

describe('current-not-newer-than-last-cycle', () => {
  const withAsOf = (asOfRaw: string, asOfEnd: string) =>
    makeIndicatorRow({ indicatorValues: [makeIndicatorValue({ asOfRaw, asOfStart: asOfEnd, asOfEnd })] });
  const lastYear = makeReport({ rows: [withAsOf('令和4年度', '2023-03-31')] });

  it('warns when this cycle repeats last cycle\'s 現状 date', () => {
    const issues = validateReport(makeReport({ rows: [withAsOf('令和4年度', '2023-03-31')] }), { previousReport: lastYear }).filter(
      (i) => i.ruleId === 'current-not-newer-than-last-cycle',
    );
    expect(issues.map((i) => [i.severity, i.value])).toEqual([['warning', '令和4年度']]);
  });

  it('passes a newer 現状', () => {
    const issues = validateReport(makeReport({ rows: [withAsOf('令和5年度', '2024-03-31')] }), { previousReport: lastYear }).filter(
      (i) => i.ruleId === 'current-not-newer-than-last-cycle',
    );
    expect(issues).toEqual([]);
  });
});
