import { describe, expect, it } from 'vitest';
import fc from 'fast-check';

import {
  canonicalCategory,
  detectIndicatorStyle,
  findIndicator,
  formatIndicatorCell,
  parseIndicatorCell,
} from '../../../src/core/indicator/index.js';
import { ImportIssue, IndicatorValue } from '../../../src/core/model/schema.js';
import { normalizeSpace } from '../../../src/core/text/index.js';
import { seedCell, seedFile } from '../text/support/seed-cells.js';

// Expected dates written from the conversions of domain.md §4.5 (令和N = 2018+N, 平成N = 1988+N, 年度 = Apr–Mar).
type AsOf = [raw: string, precision: string, start: string, end: string];
const R = (n: number): number => 2018 + n;
const H = (n: number): number => 1988 + n;
const fy = (raw: string, y: number): AsOf => [raw, 'fiscalYear', `${y}-04-01`, `${y + 1}-03-31`];
const fyEnd = (raw: string, y: number): AsOf => [raw, 'fiscalYearEnd', `${y + 1}-03-31`, `${y + 1}-03-31`];
const yr = (raw: string, y: number): AsOf => [raw, 'year', `${y}-01-01`, `${y}-12-31`];
const jul = (raw: string, y: number): AsOf => [raw, 'month', `${y}-07-01`, `${y}-07-31`];
const day = (raw: string, iso: string): AsOf => [raw, 'day', iso, iso];
const apr1 = (raw: string, y: number): AsOf => day(raw, `${y}-04-01`);

/** [valueText, valuePercent, qualifier, notApplicable, asOf]. */
type V = [text: string, percent: number | null, qualifier: string | null, na: boolean, asOf: AsOf | null];
const pct = (text: string, asOf: AsOf | null = null, qualifier: string | null = null): V => [text, Number(/([\d.]+)%/.exec(text)?.[1]), qualifier, false, asOf];
const na = (text: string): V => [text, null, null, true, null];

interface Row {
  category: string | null;
  categoryRaw: string | null;
  target: V | null;
  current: V[];
  baseline: V | null;
  note?: string;
}

function expectRow(values: IndicatorValue[], row: Row): void {
  const mine = values.filter((v) => v.category === row.category);
  const pick = (v: IndicatorValue) => [v.valueText, v.valuePercent, v.qualifier, v.notApplicable, v.asOfRaw === null ? null : [v.asOfRaw, v.asOfPrecision, v.asOfStart, v.asOfEnd]];
  const targets = mine.filter((v) => v.valueKind === 'target');
  const currents = mine.filter((v) => v.valueKind === 'current');
  const baselines = mine.filter((v) => v.valueKind === 'baseline');
  const notes = mine.filter((v) => v.valueKind === 'note');
  expect(targets.map(pick)).toEqual(row.target ? [row.target] : []);
  expect(currents.map(pick)).toEqual(row.current);
  expect(currents.map((v) => v.seq)).toEqual(row.current.map((_, i) => i));
  expect(baselines.map(pick)).toEqual(row.baseline ? [row.baseline] : []);
  expect(notes.map((v) => [v.valueText, v.note])).toEqual(row.note ? [[`※${row.note}`, row.note]] : []);
  for (const v of mine) expect(v.categoryRaw).toBe(row.categoryRaw);
}

interface Cell {
  seed: string;
  line: number;
  col: number;
  indicator: string;
  rows: Row[];
  count: number;
}

const one = (target: V | null, current: V[], baseline: V | null, note?: string): Row[] => [
  { category: null, categoryRaw: null, target, current, baseline, ...(note ? { note } : {}) },
];
const cat = (category: string, categoryRaw: string, target: V | null, current: V[], baseline: V | null): Row => ({
  category,
  categoryRaw,
  target,
  current,
  baseline,
});

// Every row of domain.md §4.4, with the value counts of §9.4.
const CELLS: Cell[] = [
  {
    seed: '000', line: 25, col: 4, indicator: 'male-childcare-leave', count: 4,
    rows: one(pct('30%', fy('令和3年度', R(3))), [pct('66.3%', fy('令和4年度', R(4)))], pct('49.4%', fy('令和3年度', R(3))),
      '目標については、令和6年3月に1週間以上の取得率を85%に改正'),
  },
  {
    seed: '000', line: 26, col: 3, indicator: 'male-paternity-leave', count: 5,
    rows: one(
      ['両休暇合計5日以上取得率100%', 100, null, false, fyEnd('令和7年度末', R(7))],
      [pct('75.0%', fy('令和4年度', R(4))), pct('68.2%', fy('令和3年度', R(3))), pct('72.2%', fy('令和2年度', R(2)))],
      pct('70.2%', fy('令和元年度', 2019)),
    ),
  },
  {
    seed: '000', line: 33, col: 2, indicator: 'women-recruitment', count: 18,
    rows: [
      cat('全体', '全体', pct('35%以上', null, '以上'),
        [pct('43.5%', apr1('令和6年4月1日', R(6))), pct('41.1%', apr1('令和5年4月1日', R(5))), pct('40.6%', apr1('令和4年4月1日', R(4))), pct('41.8%', apr1('令和3年4月1日', R(3)))],
        na('－')),
      cat('総合職', '総合職', na('設定なし'),
        [pct('32.1%', apr1('令和6年4月1日', R(6))), pct('32.9%', apr1('令和5年4月1日', R(5))), pct('37.9%', apr1('令和4年4月1日', R(4))), pct('32.1%', apr1('令和3年4月1日', R(3)))],
        na('－')),
      cat('技術系区分', '技術系区分', na('設定なし'),
        [pct('26.9%', apr1('令和6年4月1日', R(6))), pct('19.0%', apr1('令和5年4月1日', R(5))), pct('37.5%', apr1('令和4年4月1日', R(4))), pct('37.5%', apr1('令和3年4月1日', R(3)))],
        na('－')),
    ],
  },
  {
    seed: '000', line: 34, col: 2, indicator: 'women-promotion', count: 15,
    rows: [
      cat('本省課室長相当職', '本省課室長相当職', pct('10%程度', fyEnd('令和7年度末', R(7)), '程度'),
        [pct('6.0%', jul('令和5年7月', R(5))), pct('5.6%', jul('令和4年7月', R(4))), pct('3.2%', jul('令和3年7月', R(3)))],
        pct('3.7%', jul('令和2年7月', R(2)))),
      cat('係長相当職（本省）', '係長相当職（本省）', pct('35%程度', fyEnd('令和7年度末', R(7)), '程度'),
        [pct('34.3%', jul('令和5年7月', R(5))), pct('33.4%', jul('令和4年7月', R(4))), pct('31.8%', jul('令和3年7月', R(3)))],
        pct('32.0%', jul('令和2年7月', R(2)))),
      cat('地方機関課長・本省課長補佐級相当職', '地方機関課長・本省課長補佐級相当職', pct('17%程度', fyEnd('令和7年度末', R(7)), '程度'),
        [pct('13.1%', jul('令和5年7月', R(5))), pct('11.4%', jul('令和4年7月', R(4))), pct('11.2%', jul('令和3年7月', R(3)))],
        pct('9.5%', jul('令和2年7月', R(2)))),
    ],
  },
  {
    seed: '003', line: 45, col: 4, indicator: 'male-childcare-leave', count: 3,
    rows: one(pct('13%', yr('令和2年', R(2))), [pct('43.6%', fy('令和元年度', 2019))], pct('6.6%', fy('平成26年度', H(26)))),
  },
  {
    seed: '003', line: 46, col: 4, indicator: 'male-paternity-leave', count: 3,
    rows: one(['両休暇合計5日以上取得率100%', 100, null, false, yr('令和2年', R(2))], [pct('91.7%', fy('令和元年度', 2019))], pct('59.2%', fy('平成26年度', H(26)))),
  },
  {
    seed: '003', line: 76, col: 5, indicator: 'women-recruitment', count: 6,
    rows: [
      cat('全体', '全体', ['政府全体の目標(30%以上(毎年度))に留意', null, null, false, null], [pct('36.9%', apr1('令和2年4月1日', R(2)))], pct('32.1%', apr1('平成27年4月1日', H(27)))),
      cat('総合職', '総合職', ['政府全体の目標(30%以上(毎年度))に留意', null, null, false, null], [pct('31.4%', apr1('令和2年4月1日', R(2)))], pct('39.3%', apr1('平成27年4月1日', H(27)))),
    ],
  },
  {
    seed: '003', line: 77, col: 5, indicator: 'women-promotion', count: 9,
    rows: [
      cat('本省課室長相当職', '本省課室長相当職', pct('4.5%程度', fyEnd('令和2年度末', R(2)), '程度'), [pct('6.3%', jul('令和2年7月', R(2)))], pct('2.9%', jul('平成27年7月', H(27)))),
      cat('地方機関課長・本省課長補佐級相当職', '地方機関課長・本省課長補佐相当職', pct('12%程度', fyEnd('令和2年度末', R(2)), '程度'), [pct('15.4%', jul('令和2年7月', R(2)))], pct('10.6%', jul('平成27年7月', H(27)))),
      cat('係長相当職（本省）', '係長相当職(本省)', pct('30%程度', fyEnd('令和2年度末', R(2)), '程度'), [pct('24.0%', jul('令和2年7月', R(2)))], pct('22.3%', jul('平成27年7月', H(27)))),
    ],
  },
  {
    seed: '004', line: 15, col: 2, indicator: 'male-childcare-leave', count: 1,
    rows: one(null, [pct('42.3%', fy('令和5年度', R(5)))], null),
  },
  {
    seed: '004', line: 16, col: 2, indicator: 'male-paternity-leave', count: 3,
    rows: one(['両休暇合わせて5日以上取得率100%', 100, null, false, fyEnd('令和7年度末', R(7))], [pct('42.3%', fy('令和5年度', R(5)))], pct('28.8%', fy('令和2年度', R(2)))),
  },
  {
    seed: '004', line: 17, col: 2, indicator: 'male-1month-leave', count: 1,
    rows: one(null, [pct('78.7%', day('令和6年3月31日', '2024-03-31'))], null),
  },
  {
    seed: '004', line: 22, col: 2, indicator: 'women-recruitment', count: 9,
    rows: [
      cat('全体', '全体', pct('毎年度35%以上', null, '毎年度以上'), [pct('52.1%', apr1('令和7年4月1日', R(7)))], pct('47.9%', apr1('令和3年4月1日', R(3)))),
      cat('総合職', '総合職', na('-'), [pct('37.1%', apr1('令和7年4月1日', R(7)))], na('-')),
      cat('技術系区分', '技術系区分', pct('30%', ['令和7年度まで', 'fiscalYear', '2025-04-01', '2026-03-31']), [pct('16.7%', apr1('令和7年4月1日', R(7)))], na('-')),
    ],
  },
  {
    seed: '004', line: 23, col: 2, indicator: 'women-promotion', count: 9,
    rows: [
      cat('本省課室長相当職', '本省課室長相当職', pct('13%', fyEnd('令和7年度末', R(7))), [pct('11.4%', jul('令和6年7月', R(6)))], pct('8.4%', yr('令和2年', R(2)))),
      cat('地方機関課長・本省課長補佐級相当職', '地方機関課長・本省課長補佐級相当職', pct('30%', fyEnd('令和7年度末', R(7))), [pct('31.3%', jul('令和6年7月', R(6)))], pct('24.6%', yr('令和2年', R(2)))),
      cat('係長相当職（本省）', '係長相当職（本省）', pct('50%', fyEnd('令和7年度末', R(7))), [pct('50.8%', jul('令和6年7月', R(6)))], pct('49.4%', yr('令和2年', R(2)))),
    ],
  },
];

function parseSeed(c: Cell) {
  const raw = seedCell(c.seed, c.line, c.col);
  return { raw, ...parseIndicatorCell(raw, { file: seedFile(c.seed), line: c.line, col: c.col }) };
}

describe('parseIndicatorCell on every seed cell (domain.md §4.4)', () => {
  for (const c of CELLS) {
    describe(`${c.seed} line ${c.line} (${c.indicator})`, () => {
      it(`yields ${c.count} values (§9.4) and no issues`, () => {
        const { values, issues } = parseSeed(c);
        expect(values).toHaveLength(c.count);
        expect(issues).toEqual([]);
        for (const v of values) expect(IndicatorValue.safeParse(v).success).toBe(true);
      });
      for (const row of c.rows) {
        it(`reads ${row.category ?? '(no category)'} exactly`, () => {
          expectRow(parseSeed(c).values, row);
        });
      }
      it('keeps the printed category order', () => {
        const order = [...new Set(parseSeed(c).values.map((v) => v.category))];
        expect(order).toEqual(c.rows.map((r) => r.category));
      });
      it('formats back to the same cell text', () => {
        const { raw, values } = parseSeed(c);
        expect(normalizeSpace(formatIndicatorCell(values, detectIndicatorStyle(raw)))).toBe(normalizeSpace(raw));
      });
    });
  }

  it('finds the indicator of every seed cell by its printed name', () => {
    const names: [string, number, number, string][] = [
      ['000', 25, 2, 'male-childcare-leave'],
      ['000', 26, 1, 'male-paternity-leave'],
      ['000', 33, 1, 'women-recruitment'],
      ['000', 34, 1, 'women-promotion'],
      ['003', 46, 2, 'male-paternity-leave'],
      ['004', 16, 1, 'male-paternity-leave'],
      ['004', 17, 1, 'male-1month-leave'],
      ['004', 22, 1, 'women-recruitment'],
    ];
    for (const [seed, line, col, code] of names) expect(findIndicator(seedCell(seed, line, col))?.code).toBe(code);
  });
});

describe('detectIndicatorStyle', () => {
  it('reads separator, paragraphs and paren width per seed', () => {
    const style = (seed: string, line: number, col: number) => {
      const s = detectIndicatorStyle(seedCell(seed, line, col));
      return [s.separator, s.paragraphs, s.parenWidth];
    };
    expect(style('000', 25, 4)).toEqual([' ', false, 'full']);
    expect(style('000', 33, 2)).toEqual([' ', true, 'full']);
    expect(style('003', 45, 4)).toEqual(['、', false, 'full']);
    expect(style('003', 77, 5)).toEqual(['、', true, 'half']);
    expect(style('004', 16, 2)).toEqual([' ', false, 'half']);
    expect(style('004', 23, 2)).toEqual([' ', true, 'full']);
  });
});

describe('formatIndicatorCell', () => {
  const cell = CELLS[1] as Cell; // 000 line 26
  it('formats from the fields: a changed valueText changes the output', () => {
    const { raw, values } = parseSeed(cell);
    const edited = values.map((v) => (v.valueKind === 'current' && v.seq === 0 ? { ...v, valueText: '80.5%', valuePercent: 80.5 } : v));
    expect(formatIndicatorCell(edited, detectIndicatorStyle(raw))).toBe(
      '目標：両休暇合計5日以上取得率100%（令和7年度末） 現状：80.5%（令和4年度） 68.2%（令和3年度） 72.2%（令和2年度） 目標設定時：70.2%（令和元年度）',
    );
  });

  it('a changed valuePercent alone rewrites the number, keeping the printed decimals', () => {
    const { raw, values } = parseSeed(cell);
    const edited = values.map((v) => (v.valueKind === 'current' && v.seq === 0 ? { ...v, valuePercent: 81 } : v));
    expect(formatIndicatorCell(edited, detectIndicatorStyle(raw))).toContain('現状：81.0%（令和4年度）');
    const target = values.map((v) => (v.valueKind === 'target' ? { ...v, valuePercent: 90 } : v));
    expect(formatIndicatorCell(target, detectIndicatorStyle(raw))).toContain('目標：両休暇合計5日以上取得率90%（令和7年度末）');
  });

  it('changed dates are printed from the normalised fields', () => {
    const { raw, values } = parseSeed(cell);
    const edited = values.map((v) =>
      v.valueKind === 'baseline' ? { ...v, asOfStart: '2024-04-01', asOfEnd: '2025-03-31', asOfPrecision: 'fiscalYear' as const } : v,
    );
    expect(formatIndicatorCell(edited, detectIndicatorStyle(raw))).toContain('目標設定時：70.2%（令和6年度）');
  });

  it('prints the 003 style (、, half-width parens, <p> per category, printed category label)', () => {
    const c = CELLS[7] as Cell; // 003 line 77
    const { values } = parseSeed(c);
    const out = formatIndicatorCell(values.slice(3, 6), { separator: '、', paragraphs: true, parenWidth: 'half' });
    expect(out).toBe('<p>【地方機関課長・本省課長補佐相当職】 目標：12%程度(令和2年度末)、現状：15.4%(令和2年7月)、目標設定時：10.6%(平成27年7月)</p>');
  });

  it('builds the text of a new value from valuePercent and qualifier', () => {
    const base: IndicatorValue = {
      category: '全体', categoryRaw: null, valueKind: 'target', seq: 0, valuePercent: 40, valueText: '', qualifier: '毎年度以上',
      notApplicable: false, asOfRaw: null, asOfPrecision: null, asOfStart: null, asOfEnd: null, note: null,
    };
    const current: IndicatorValue = { ...base, valueKind: 'current', valuePercent: 41.5, qualifier: null, asOfPrecision: 'day', asOfStart: '2025-04-01', asOfEnd: '2025-04-01' };
    expect(formatIndicatorCell([base, current], { separator: ' ', paragraphs: true })).toBe('<p>【全体】 目標：毎年度40%以上 現状：41.5%（令和7年4月1日）</p>');
  });
});

describe('parseIndicatorCell on bad input', () => {
  const where = { file: '004_62afef42a3180ecf.txt', line: 23, col: 2, field: 'indicatorValues' };
  const check = (issue: ImportIssue | undefined, code: string, value: string) => {
    expect(issue && ImportIssue.safeParse(issue).success).toBe(true);
    expect(issue).toMatchObject({ severity: 'error', code, file: where.file, line: 23, col: 2, field: 'indicatorValues', value });
    expect(issue?.message).toContain('004_62afef42a3180ecf.txt:23');
    expect(issue?.messageEn).toContain('004_62afef42a3180ecf.txt:23');
  };

  it('keeps 120% as text with an out-of-range error', () => {
    const { values, issues } = parseIndicatorCell('目標：120%（令和7年度末） 現状：11.4%（令和6年7月）', where);
    expect(values.map((v) => [v.valueKind, v.valueText, v.valuePercent])).toEqual([
      ['target', '120%', null],
      ['current', '11.4%', 11.4],
    ]);
    expect(values[0]?.asOfStart).toBe('2026-03-31');
    expect(issues).toHaveLength(1);
    check(issues[0], 'PERCENT_OUT_OF_RANGE', '120%');
    expect(issues[0]?.message).toContain('範囲外');
    expect(issues[0]?.messageEn).toContain('outside 0–100%');
  });

  it('keeps 令和0年13月 as the raw date with an invalid-date error', () => {
    const { values, issues } = parseIndicatorCell('現状：50%（令和0年13月）', where);
    expect(values).toHaveLength(1);
    expect(values[0]).toMatchObject({ valuePercent: 50, asOfRaw: '令和0年13月', asOfPrecision: null, asOfStart: null, asOfEnd: null });
    check(issues[0], 'INVALID_DATE', '令和0年13月');
  });

  it('keeps 2月30日 too', () => {
    expect(parseIndicatorCell('目標設定時：8.4%（令和2年2月30日）', where).issues.map((i) => i.code)).toEqual(['INVALID_DATE']);
  });

  it('reads 平成32年度末 (a target written before the change of era) as 令和2年度末, with a warning to check', () => {
    const { values, issues } = parseIndicatorCell('目標：7%（平成32年度末）', where);
    expect(values[0]).toMatchObject({ valuePercent: 7, asOfRaw: '平成32年度末', asOfStart: '2021-03-31', asOfEnd: '2021-03-31' });
    expect(issues.map((i) => [i.severity, i.code])).toEqual([['warning', 'ERA_OVERRUN']]);
    expect(issues[0]?.message).toContain('令和2年度末（2021-03-31）として読みました');
  });

  it('keeps garbage as a note value with an unparsed-part error', () => {
    const { values, issues } = parseIndicatorCell('garbage', where);
    expect(values.map((v) => [v.valueKind, v.valueText, v.valuePercent])).toEqual([['note', 'garbage', null]]);
    check(issues[0], 'UNPARSED_INDICATOR_PART', 'garbage');
  });

  it('keeps an unreadable current value and the readable ones around it', () => {
    const { values, issues } = parseIndicatorCell('現状：abc（令和6年7月） 12.5%（令和5年7月）', where);
    expect(values.map((v) => [v.valueText, v.valuePercent, v.seq, v.asOfStart])).toEqual([
      ['abc', null, 0, '2024-07-01'],
      ['12.5%', 12.5, 1, '2023-07-01'],
    ]);
    check(issues[0], 'UNPARSED_INDICATOR_PART', 'abc');
  });

  it('warns about an unknown category and current values not newest first', () => {
    const { values, issues } = parseIndicatorCell('<p>【一般職】 現状：10%（令和3年7月） 12%（令和5年7月）</p>', where);
    expect(values[0]?.category).toBe('一般職');
    expect(issues.map((i) => [i.severity, i.code])).toEqual([
      ['warning', 'UNKNOWN_CATEGORY'],
      ['warning', 'CURRENT_NOT_NEWEST_FIRST'],
    ]);
  });

  it('returns nothing for an empty cell', () => {
    expect(parseIndicatorCell('', where)).toEqual({ values: [], issues: [] });
  });

  it('never throws and never loses non-space text on random input', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 5 }),
      fc.constantFrom('目標：', '現状：', '目標設定時：', '※', '【全体】', '<p>', '</p>', '（', '）', '(', ')', '令和5年度', '30%', '以上', '程度', '－', '、', ' '),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 15 }), (parts) => {
        const raw = parts.join('');
        const { values, issues } = parseIndicatorCell(raw, where);
        for (const v of values) expect(IndicatorValue.safeParse(v).success).toBe(true);
        for (const i of issues) expect(ImportIssue.safeParse(i).success).toBe(true);
        // Every digit of the input survives somewhere in the values (text is kept, never dropped).
        const kept = values.map((v) => `${v.categoryRaw ?? ''}${v.valueText}${v.asOfRaw ?? ''}${v.note ?? ''}`).join('');
        // Tags (and digits inside their attributes) are markup, not values.
        const digits = raw.replace(/<\/?[a-zA-Z][^<>]*>/g, '').replace(/\D/g, '');
        expect(kept.replace(/\D/g, '').length).toBeGreaterThanOrEqual(digits.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe('catalogue', () => {
  it('canonicalises categories ignoring paren width and 級', () => {
    expect(canonicalCategory('【係長相当職(本省)】')).toBe('係長相当職（本省）');
    expect(canonicalCategory('係長相当職（本省）')).toBe('係長相当職（本省）');
    expect(canonicalCategory('【地方機関課長・本省課長補佐相当職】')).toBe('地方機関課長・本省課長補佐級相当職');
    expect(canonicalCategory('【全体】')).toBe('全体');
    expect(canonicalCategory('【時期・対象者】')).toBeNull();
  });

  it('finds indicators by any printed variant', () => {
    expect(findIndicator('男性職員の「男の産休」(配偶者出産休暇・育児参加のための休暇)取得率')?.code).toBe('male-paternity-leave');
    expect(findIndicator('数値 女性の登用目標')?.code).toBe('women-promotion');
    expect(findIndicator('女性の採用目標')?.categories).toEqual(['全体', '総合職', '技術系区分']);
    expect(findIndicator('テレワーク実施状況')).toBeUndefined();
    expect(findIndicator('')).toBeUndefined();
  });
});
