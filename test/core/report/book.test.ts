// The report book (#12): header merges as the paper forms draw them, widths, sheet names, the compilation's sources,
// 数値 charts and the change history's CSV — pure functions on small hand-made inputs (no sample tuning).
import { describe, expect, it } from 'vitest';

import { createRow } from '../../../src/core/model/create-row.js';
import type { IndicatorValue, Report, Row } from '../../../src/core/model/schema.js';
import { buildReportBook, columnWidthsOf, compilationSources, dayInJapan, eraFiscalYear, headerMerges, sheetName, type SheetRow } from '../../../src/core/report/book.js';
import { indicatorCharts, indicatorChartSvg } from '../../../src/core/report/charts.js';
import { eraDateTime, historyRows, neutralizeFormula, toCsv } from '../../../src/core/report/history.js';
import { reportHtml } from '../../../src/core/report/html.js';

const header = (...texts: string[]): SheetRow => ({ kind: 'header', cells: texts.map((text) => (text === '' ? null : { text, style: 'header' as const })) });

function report(over: Partial<Report>, rows: Row[]): Report {
  return {
    key: over.key ?? 'x/2024/L-R7',
    organization: '総務省',
    organizationCode: 'soumu',
    organizationSource: 'printed',
    fiscalYear: 2024,
    cycleLabel: null,
    implementationYear: null,
    layout: 'L-R7',
    title: 'テスト',
    titleRaw: [],
    coverNote: null,
    noRowsReason: null,
    focusItems: [],
    rows,
    issues: [],
    reviewState: '未確認',
    source: { file: 't', line: 0, col: 0 },
    ...over,
  } as Report;
}

const row = (key: string, over: Partial<Row>): Row => createRow({ key, kind: 'initiative', title: key, sortOrder: 0, source: { file: 't', line: 0, col: 0 }, ...over });

const value = (kind: IndicatorValue['valueKind'], percent: number | null, text: string, seq = 0, category: string | null = null): IndicatorValue =>
  ({ category, categoryRaw: category, valueKind: kind, seq, valuePercent: percent, valueText: text, qualifier: null, notApplicable: false, asOfRaw: '令和5年度', asOfPrecision: null, asOfStart: null, asOfEnd: null, note: null }) as IndicatorValue;

describe('headerMerges', () => {
  it('spans a caption down over empty header cells and right over columns empty in every header row', () => {
    // 大項目 | 中項目 | (empty) | A          (L-R2's two header rows)
    //        | 小項目 | (empty) | 実施状況
    const rows = [header('大項目', '中項目', '', 'A'), header('', '小項目', '', '実施状況')];
    expect(headerMerges(rows, 0, 1, 4)).toEqual([
      { top: 0, left: 0, bottom: 1, right: 0 },
      { top: 0, left: 1, bottom: 0, right: 2 },
      { top: 1, left: 1, bottom: 1, right: 2 },
    ]);
  });

  it('merges nothing when every cell is filled', () => {
    expect(headerMerges([header('a', 'b'), header('c', 'd')], 0, 1, 2)).toEqual([]);
  });
});

describe('columnWidthsOf', () => {
  it('fits header words, takes the typical body cell, caps long text for wrapping', () => {
    const body = (a: string, b: string): SheetRow => ({ kind: 'body', cells: [{ text: a, style: 'body' }, { text: b, style: 'rich' }] });
    const rows = [header('実施状況', '内容'), body('実施', 'あ'.repeat(200)), body('実施', 'い'.repeat(10)), body('実施未定（一年に一度だけ長い注記がある行）', 'う'.repeat(300))];
    const [status, narrative] = columnWidthsOf(rows, 2);
    // 実施状況: 4 full-width characters → 9 units; the one long note does not widen the column.
    expect(status).toBe(9);
    expect(narrative).toBe(60);
  });
});

describe('sheetName', () => {
  it('replaces characters Excel refuses, shortens, and keeps names unique', () => {
    expect(sheetName('a/b:c*d?[e]', new Set())).toBe('a・b・c・d・・e・');
    expect(sheetName('全体像', new Set(['全体像']))).toBe('全体像(2)');
    expect(sheetName('あ'.repeat(40), new Set()).length).toBe(28);
  });
});

describe('compilationSources', () => {
  it('takes a 府省等’s compilation section first, else its 重点項目 table, else its rows marked 重点項目', () => {
    const compiled = report({ key: 'c', layout: 'L-R6-COMPILATION', organizationCode: 'a', organization: 'A庁' }, [row('r1', { focusItem: '重点1' })]);
    const focusA = report({ key: 'f', layout: 'L-R5-FOCUS', organizationCode: 'a', organization: 'A庁' }, [row('x', {})]);
    const focusB = report({ key: 'g', layout: 'L-R5-FOCUS', organizationCode: 'b', organization: 'B省' }, [row('生産性の向上', {})]);
    const marked = report({ key: 'h', layout: 'L-R7', organizationCode: 'c', organization: 'C省' }, [row('m', { kind: 'focus', focusItem: '重点C' }), row('n', {})]);
    const none = report({ key: 'i', layout: 'L-R7', organizationCode: 'd', organization: 'D省' }, [row('n', {})]);
    const out = compilationSources([compiled, focusA, focusB, marked, none]);
    expect(out.map((r) => [r.organizationCode, r.rows.map((x) => x.focusItem)])).toEqual([
      ['a', ['重点1']],
      ['b', ['生産性の向上']],
      ['c', ['重点C']],
    ]);
  });

  it('builds one compilation table, 府省等 merged down over its rows, a reason across a 府省等 without rows', () => {
    const a = report({ key: 'a', layout: 'L-R6-COMPILATION', organization: 'A庁', organizationCode: 'a' }, [row('1', { focusItem: 'F1', narrative: 'N1', sortOrder: 0 }), row('2', { focusItem: 'F2', narrative: 'N2', sortOrder: 1 })]);
    const b = report({ key: 'b', layout: 'L-R6-COMPILATION', organization: 'B省', organizationCode: 'b', noRowsReason: '重点項目なし' }, []);
    const book = buildReportBook([b, a], { today: '2026-12-06', compilation: true });
    const [sheet] = book.sheets;
    expect(book.title).toBe('令和6年度 取組計画等のフォローアップ（重点項目・府省等横断）');
    expect(sheet!.rows.slice(3).map((r) => r.cells.map((c) => c?.text ?? ''))).toEqual([
      ['A庁', 'F1', 'N1', ''],
      ['', 'F2', 'N2', ''],
      ['B省', '重点項目なし'],
    ]);
    expect(sheet!.merges).toEqual(expect.arrayContaining([{ top: 3, left: 0, bottom: 4, right: 0 }, { top: 5, left: 1, bottom: 5, right: 3 }]));
  });
});

describe('dates', () => {
  it('prints 和暦 in Japan time', () => {
    expect(dayInJapan(new Date('2026-12-05T15:30:00Z'))).toBe('2026-12-06');
    expect(eraFiscalYear(2019)).toBe('令和元年度');
    expect(eraDateTime('2019-04-30T14:59:00Z')).toBe('平成31年4月30日 23:59');
    expect(eraDateTime('2026-12-06T05:04:00Z')).toBe('令和8年12月6日 14:04');
  });
});

describe('indicator charts', () => {
  const indicator = row('i', {
    kind: 'indicator',
    title: '男性職員の育児休業取得率',
    indicatorValues: [value('target', 30, '30%'), value('current', 66.3, '66.3%', 0), value('current', 50, '50.0%', 1), value('baseline', 49.4, '49.4%'), value('target', null, '設定なし', 0, '総合職'), value('current', 32.1, '32.1%', 0, '総合職')],
  });

  it('draws the newest 現状 against the 目標 per category, and describes it in words', () => {
    const [chart] = indicatorCharts([report({}, [indicator, row('t', {})])]);
    expect(chart!.series.map((s) => [s.category, s.current.map((c) => c.percent), s.target?.percent ?? null])).toEqual([
      [null, [66.3, 50], 30],
      ['総合職', [32.1], null],
    ]);
    const svg = indicatorChartSvg(chart!, 'c1');
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<desc id="c1-d">現状 66.3%（令和5年度）、目標 30%（令和5年度）、目標設定時 49.4%。総合職：現状 32.1%（令和5年度）、目標 設定なし（令和5年度）</desc>');
    // 66.3 % of the 330-unit track from x=210.
    expect(svg).toContain('width="218.79"');
  });

  it('escapes the texts it draws', () => {
    const hostile = { ...indicator, title: '<script>x</script>' };
    const [chart] = indicatorCharts([report({}, [hostile])]);
    expect(indicatorChartSvg(chart!, 'c')).not.toContain('<script>');
    expect(reportHtml(buildReportBook([report({}, [hostile])], { today: '2026-12-06' }))).not.toContain('<script>');
  });
});

describe('change history CSV', () => {
  it('neutralises text a spreadsheet would evaluate, and only that', () => {
    for (const t of ['=1+1', '+1', '-1', '@A1', '\t=1', '\r=1', ' =1', '\u3000＝1', '＝1', '＋1', '－1', '＠A1']) expect(neutralizeFormula(t)).toBe(`'${t}`);
    for (const t of ['1+1', 'a=b', '【継続】', '', '−1 (U+2212)']) expect(neutralizeFormula(t)).toBe(t);
  });

  it('writes UTF-8 with BOM, CRLF and quoted fields, newest change first', () => {
    const base = { orgCode: 'soumu', reportKey: 'r', rowTitle: 'タイトル', divisionCode: 'jinji', comment: null, version: '2.0' };
    const rows = historyRows([
      { ...base, at: '2026-12-01T00:00:00Z', by: '佐藤', rowKey: 'a', kind: 'edit', field: 'Outcome', before: 'old "x"', after: '=HYPERLINK("http://e.invalid")' },
      { ...base, at: '2026-12-02T00:00:00Z', by: '鈴木', rowKey: 'a', kind: 'review', field: null, before: null, after: '差戻し', comment: '理由を' },
    ]);
    expect(rows.map((r) => r[7])).toEqual(['審査', '編集']);
    const csv = toCsv(['日時', '変更後'], rows.map((r) => [r[0]!, r[10]!]));
    expect(csv).toBe('\uFEFF"日時","変更後"\r\n"2026-12-02T00:00:00Z","差戻し"\r\n"2026-12-01T00:00:00Z","\'=HYPERLINK(""http://e.invalid"")"\r\n');
    expect(historyRows([{ ...base, at: 'x', by: '', rowKey: 'a', kind: 'edit', field: 'Outcome', before: ['a'], after: { b: 1 } }])[0]!.slice(8, 11)).toEqual(['成果・課題・今後の取組（Outcome）', '["a"]', '{"b":1}']);
  });
});
