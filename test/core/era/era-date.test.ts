import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { daysInMonth, eraOverrunNote, findPeriods, fiscalYearOf, formatPeriod, parsePeriod } from '../../../src/core/era/index.js';
import type { Period, PeriodPrecision } from '../../../src/core/model/schema.js';

function parsed(text: string): Period {
  const r = parsePeriod(text);
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got ${r.error.code}`);
  return r.value;
}

function errorCode(text: string): string {
  const r = parsePeriod(text);
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to fail, got ${JSON.stringify(r.value)}`);
  return r.error.code;
}

describe('parsePeriod', () => {
  // Every form of domain.md §4.4 / §4.5, with the conversions stated there.
  const cases: [string, string, string, PeriodPrecision][] = [
    ['令和4年度', '2022-04-01', '2023-03-31', 'fiscalYear'],
    ['令和3年度', '2021-04-01', '2022-03-31', 'fiscalYear'],
    ['令和元年度', '2019-04-01', '2020-03-31', 'fiscalYear'],
    ['平成26年度', '2014-04-01', '2015-03-31', 'fiscalYear'],
    ['令和７年度', '2025-04-01', '2026-03-31', 'fiscalYear'],
    ['令和6年度', '2024-04-01', '2025-03-31', 'fiscalYear'],
    ['2020年度', '2020-04-01', '2021-03-31', 'fiscalYear'],
    ['令和7年度末', '2026-03-31', '2026-03-31', 'fiscalYearEnd'],
    ['令和2年度末', '2021-03-31', '2021-03-31', 'fiscalYearEnd'],
    ['令和2年', '2020-01-01', '2020-12-31', 'year'],
    ['令和3年', '2021-01-01', '2021-12-31', 'year'],
    ['令和 12年', '2030-01-01', '2030-12-31', 'year'],
    ['令和5年7月', '2023-07-01', '2023-07-31', 'month'],
    ['令和2年7月', '2020-07-01', '2020-07-31', 'month'],
    ['平成27年7月', '2015-07-01', '2015-07-31', 'month'],
    ['令和５年１１月', '2023-11-01', '2023-11-30', 'month'],
    ['令和６\n年３月', '2024-03-01', '2024-03-31', 'month'],
    ['令和５年４\n月', '2023-04-01', '2023-04-30', 'month'],
    ['2022年1月', '2022-01-01', '2022-01-31', 'month'],
    ['2022年3月', '2022-03-01', '2022-03-31', 'month'],
    ['2020年4月', '2020-04-01', '2020-04-30', 'month'],
    ['令和6年4月1日', '2024-04-01', '2024-04-01', 'day'],
    ['令和6年3月31日', '2024-03-31', '2024-03-31', 'day'],
    ['平成27年4月1日', '2015-04-01', '2015-04-01', 'day'],
    ['2020年4月1日', '2020-04-01', '2020-04-01', 'day'],
    ['平成 27年１月 20日', '2015-01-20', '2015-01-20', 'day'],
    ['令和元年 12 月 27 日', '2019-12-27', '2019-12-27', 'day'],
    ['令和５\n年９月４日', '2023-09-04', '2023-09-04', 'day'],
    ['R6.4.1', '2024-04-01', '2024-04-01', 'day'],
    ['H30.4.1', '2018-04-01', '2018-04-01', 'day'],
    ['S63.1.5', '1988-01-05', '1988-01-05', 'day'],
    ['Ｒ６．４．１', '2024-04-01', '2024-04-01', 'day'],
    ['令和5年7月～9月', '2023-07-01', '2023-09-30', 'range'],
    ['令和6年1月～3月', '2024-01-01', '2024-03-31', 'range'],
    ['令和3年度～令和6年度', '2021-04-01', '2025-03-31', 'range'],
    ['令和5年11月～2月', '2023-11-01', '2024-02-29', 'range'],
    ['令和\n６年度', '2024-04-01', '2025-03-31', 'fiscalYear'],
    ['平成31年4月30日', '2019-04-30', '2019-04-30', 'day'],
    ['昭和64年1月7日', '1989-01-07', '1989-01-07', 'day'],
    ['平成元年1月8日', '1989-01-08', '1989-01-08', 'day'],
    ['令和元年5月1日', '2019-05-01', '2019-05-01', 'day'],
    ['令和５年末', '2023-12-31', '2023-12-31', 'day'],
  ];
  for (const [text, start, end, precision] of cases) {
    it(`parses ${JSON.stringify(text)} as ${start}…${end} (${precision})`, () => {
      const p = parsed(text);
      expect({ start: p.start, end: p.end, precision: p.precision }).toEqual({ start, end, precision });
      expect(p.raw).toBe(text.trim());
      expect(p.relation).toBeUndefined();
    });
  }

  const relations: [string, string, string, Period['relation']][] = [
    ['令和7年度まで', '2025-04-01', 'fiscalYear', 'until'],
    ['令和7年度までに', '2025-04-01', 'fiscalYear', 'by'],
    ['令和７年度末までに', '2026-03-31', 'fiscalYearEnd', 'by'],
    ['令和 12年までに', '2030-01-01', 'year', 'by'],
    ['R6.4.1以降', '2024-04-01', 'day', 'since'],
    ['2022年3月以降', '2022-03-01', 'month', 'since'],
    ['令和７年度末時点', '2026-03-31', 'fiscalYearEnd', 'asOf'],
    ['令和4年度より毎年度', '2022-04-01', 'fiscalYear', 'everyFiscalYear'],
  ];
  for (const [text, start, precision, relation] of relations) {
    it(`parses the relation of ${text} as ${String(relation)}`, () => {
      const p = parsed(text);
      expect([p.start, p.precision, p.relation]).toEqual([start, precision, relation]);
    });
  }

  it('trims surrounding whitespace, including an ideographic space', () => {
    expect(parsed('　令和５年９月　').start).toBe('2023-09-01');
  });

  const invalid: [string, string][] = [
    ['令和0年', 'year-zero'],
    ['令和0年度', 'year-zero'],
    ['令和5年13月', 'month-out-of-range'],
    ['令和5年0月', 'month-out-of-range'],
    ['令和5年2月30日', 'day-out-of-range'],
    ['令和5年2月29日', 'day-out-of-range'],
    ['平成62年', 'era-year-out-of-range'],
    ['昭和95年', 'era-year-out-of-range'],
    ['令和元年4月1日', 'before-era-start'],
    ['令和元年4月', 'before-era-start'],
    ['R6.13.1', 'month-out-of-range'],
    ['令和5年9月～令和5年7月', 'range-reversed'],
    ['明治3年', 'unknown-era'],
    ['来年度', 'not-a-date'],
    ['', 'empty'],
    ['令和5年度の実施状況', 'trailing-text'],
  ];
  for (const [text, code] of invalid) {
    it(`rejects ${JSON.stringify(text)} with ${code}`, () => {
      expect(errorCode(text)).toBe(code);
    });
  }

  // Documents written before 2019-05-01 count 平成 on (the 2015–2020 plans' targets 「平成32年度末」): read as the day
  // they count to, with a note for a warning; 令和元年4月 (before 令和 began) stays an error.
  const overrun: [string, string, string, string][] = [
    ['平成32年度末', '2021-03-31', '2021-03-31', '令和2年度末'],
    ['平成31年5月1日', '2019-05-01', '2019-05-01', '令和元年5月1日'],
    ['H32.3.31', '2020-03-31', '2020-03-31', '令和2年3月31日'],
    ['平成30年度～32年度', '2018-04-01', '2021-03-31', '平成30年度～令和2年度'],
    ['昭和64年1月8日', '1989-01-08', '1989-01-08', '平成元年1月8日'],
  ];
  for (const [text, start, end, shown] of overrun) {
    it(`reads ${text} (written before the change of era) as ${shown}, with a note`, () => {
      expect([parsed(text).start, parsed(text).end]).toEqual([start, end]);
      expect(eraOverrunNote(text)?.message).toBe(`「${text}」は改元前の表記です。${shown}（${start === end ? start : `${start} – ${end}`}）として読みました。`);
      expect(eraOverrunNote(text)?.messageEn).toContain(`read as ${shown}`);
    });
  }

  it('has no note for a date inside its era', () => {
    for (const text of ['平成31年4月30日', '令和2年度末', '平成30年7月～令和元年6月', '令和元年度']) expect(eraOverrunNote(text)).toBeNull();
  });

  it('accepts 令和元年度 (FY2019) although 令和 began in May', () => {
    expect(parsed('令和元年度').start).toBe('2019-04-01');
  });

  it('accepts leap days only in leap years', () => {
    expect(parsed('令和6年2月29日').start).toBe('2024-02-29');
  });

  it('gives Japanese and English messages', () => {
    const r = parsePeriod('令和5年13月');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toContain('13月');
      expect(r.error.messageEn).toContain('month 13');
    }
  });
});

describe('findPeriods', () => {
  it('finds the dates of 002 prose with wraps, abbreviations and ranges', () => {
    const text = '重点項目はR6.4.1以降に設定しているため、記載なし。令和５\n年９月４日に研修（令和3年度～令和6年度はシステム利用なし）';
    const found = findPeriods(text);
    expect(found.map((f) => [f.period.raw, f.period.start, f.period.end, f.period.precision])).toEqual([
      ['R6.4.1以降', '2024-04-01', '2024-04-01', 'day'],
      ['令和５\n年９月４日', '2023-09-04', '2023-09-04', 'day'],
      ['令和3年度～令和6年度', '2021-04-01', '2025-03-31', 'range'],
    ]);
    for (const f of found) expect(text.slice(f.index, f.index + f.length)).toBe(f.period.raw);
  });

  it('stops at an ideographic space after a date', () => {
    const found = findPeriods('令和５年９月　新任管理職研修');
    expect(found).toHaveLength(1);
    expect(found[0]?.period.raw).toBe('令和５年９月');
    expect(found[0]?.period.precision).toBe('month');
  });

  it('finds each date of an indicator cell', () => {
    const found = findPeriods('目標：30%（令和3年度） 現状：66.3%（令和4年度） 目標設定時：49.4%（令和3年度） ※目標については、令和6年3月に1週間以上の取得率を85%に改正');
    expect(found.map((f) => f.period.start)).toEqual(['2021-04-01', '2022-04-01', '2021-04-01', '2024-03-01']);
  });

  it('skips impossible dates and numbers that are not years', () => {
    expect(findPeriods('令和0年13月に1,000人、2月30日')).toEqual([]);
    expect(findPeriods('HR6.4.1 と 第3 2020年')).toEqual([
      { period: { raw: '2020年', start: '2020-01-01', end: '2020-12-31', precision: 'year' }, index: 13, length: 5 },
    ]);
  });

  it('resolves 同年, 同, 翌年 and a bare 年度末 against the previous date (001/002 prose)', () => {
    const spans = (t: string) => findPeriods(t).map((f) => [f.period.raw, f.period.start, f.period.end, f.period.precision]);
    expect(spans('【継続】令和５年９月から同年１２月にかけて、')).toEqual([
      ['令和５年９月', '2023-09-01', '2023-09-30', 'month'],
      ['同年１２月', '2023-12-01', '2023-12-31', 'month'],
    ]);
    expect(spans('令和6年4月に開設。また、同11月にはTeams上')[1]).toEqual(['同11月', '2024-11-01', '2024-11-30', 'month']);
    expect(spans('令和5年11月に周知し、翌年２月に職員へ利用')[1]).toEqual(['翌年２月', '2024-02-01', '2024-02-29', 'month']);
    expect(spans('令和6年1月に評価を受け、年度末には上司から')[1]).toEqual(['年度末', '2024-03-31', '2024-03-31', 'fiscalYearEnd']);
    expect(spans('令和6年度に評価を受け、同年度末までに')[1]).toEqual(['同年度末までに', '2025-03-31', '2025-03-31', 'fiscalYearEnd']);
    expect(spans('令和6年7月に開始し、同年度中に')[1]).toEqual(['同年度', '2024-04-01', '2025-03-31', 'fiscalYear']);
    expect(spans('令和6年7月に開始し、年度計画に')).toHaveLength(1);
  });

  it('leaves relative dates without an anchor, and 来年度末 / 前年同時期, unresolved', () => {
    expect(findPeriods('年度末には上司から同11月に')).toEqual([]);
    expect(findPeriods('令和6年度に開始し来年度末まで。前年同時期より縮減').map((f) => f.period.raw)).toEqual(['令和6年度']);
  });

  it('reads a date before a ～ that starts no valid range as the date alone', () => {
    expect(findPeriods('令和5年度～3年間の計画').map((f) => [f.period.raw, f.period.precision])).toEqual([['令和5年度', 'fiscalYear']]);
    expect(findPeriods('令和5年9月～令和5年7月').map((f) => f.period.raw)).toEqual(['令和5年9月', '令和5年7月']);
  });

  it('keeps relations with the date', () => {
    const [f] = findPeriods('導入済み又は令和7年度までに導入予定');
    expect(f?.period.raw).toBe('令和7年度までに');
    expect(f?.period.relation).toBe('by');
  });
});

describe('formatPeriod', () => {
  const cases: [Pick<Period, 'start' | 'end' | 'precision'>, string][] = [
    [{ start: '2023-04-01', end: '2024-03-31', precision: 'fiscalYear' }, '令和5年度'],
    [{ start: '2026-03-31', end: '2026-03-31', precision: 'fiscalYearEnd' }, '令和7年度末'],
    [{ start: '2024-04-01', end: '2024-04-01', precision: 'day' }, '令和6年4月1日'],
    [{ start: '2023-07-01', end: '2023-07-31', precision: 'month' }, '令和5年7月'],
    [{ start: '2019-04-01', end: '2020-03-31', precision: 'fiscalYear' }, '令和元年度'],
    [{ start: '2018-04-01', end: '2019-03-31', precision: 'fiscalYear' }, '平成30年度'],
    [{ start: '2019-04-30', end: '2019-04-30', precision: 'day' }, '平成31年4月30日'],
    [{ start: '2019-05-01', end: '2019-05-01', precision: 'day' }, '令和元年5月1日'],
    [{ start: '1989-01-07', end: '1989-01-07', precision: 'day' }, '昭和64年1月7日'],
    [{ start: '1989-01-08', end: '1989-01-08', precision: 'day' }, '平成元年1月8日'],
    [{ start: '2020-01-01', end: '2020-12-31', precision: 'year' }, '令和2年'],
    [{ start: '2023-07-01', end: '2023-09-30', precision: 'range' }, '令和5年7月～9月'],
    [{ start: '2021-04-01', end: '2025-03-31', precision: 'range' }, '令和3年度～令和6年度'],
  ];
  for (const [p, text] of cases) {
    it(`prints ${p.start}…${p.end} (${p.precision}) as ${text}`, () => {
      expect(formatPeriod(p)).toBe(text);
    });
  }

  const ranges: [string, string][] = [
    ['令和6年4月～令和7年3月', '令和6年4月～令和7年3月'],
    ['令和6年1月～令和6年12月', '令和6年1月～12月'],
    ['令和6年4月1日～令和6年4月30日', '令和6年4月1日～4月30日'],
    ['令和5年7月～9月', '令和5年7月～9月'],
    ['令和3年度～令和6年度', '令和3年度～令和6年度'],
    ['令和6年度～令和7年3月', '令和6年度～令和7年3月'],
    ['令和5年～令和6年', '令和5年～令和6年'],
  ];
  for (const [raw, text] of ranges) {
    it(`prints the range ${raw} at the precision of each end: ${text}`, () => {
      const r = parsePeriod(raw);
      if (!r.ok) throw new Error(r.error.message);
      expect(formatPeriod(r.value)).toBe(text);
      const back = parsePeriod(text);
      expect(back.ok && [back.value.start, back.value.end]).toEqual([r.value.start, r.value.end]);
    });
  }

  it('derives the ends of a range without raw text (or with a stale one) from its dates', () => {
    expect(formatPeriod({ start: '2024-04-01', end: '2025-03-31', precision: 'range' })).toBe('令和6年4月～令和7年3月');
    expect(formatPeriod({ start: '2024-01-01', end: '2024-12-31', precision: 'range' })).toBe('令和6年1月～12月');
    expect(formatPeriod({ start: '2024-04-01', end: '2024-04-30', precision: 'range' })).toBe('令和6年4月1日～4月30日');
    expect(formatPeriod({ start: '2023-01-01', end: '2024-12-31', precision: 'range' })).toBe('令和5年～令和6年');
    // An edited end: the raw 令和6年度～令和7年度 no longer gives 2024-04-01…2025-06-30.
    expect(formatPeriod({ raw: '令和6年度～令和7年度', start: '2024-04-01', end: '2025-06-30', precision: 'range' })).toBe('令和6年4月～令和7年6月');
  });

  it('prints full-width digits on request', () => {
    expect(formatPeriod({ start: '2025-04-01', end: '2026-03-31', precision: 'fiscalYear' }, { fullWidth: true })).toBe('令和７年度');
    expect(formatPeriod({ start: '2023-11-01', end: '2023-11-30', precision: 'month' }, { fullWidth: true })).toBe('令和５年１１月');
  });
});

describe('fiscalYearOf', () => {
  it('reads 年度 labels', () => {
    expect(fiscalYearOf('令和5年度')).toBe(2023);
    expect(fiscalYearOf('令和６年度')).toBe(2024);
    expect(fiscalYearOf('2023年度')).toBe(2023);
    expect(fiscalYearOf('令和元年度')).toBe(2019);
    expect(fiscalYearOf('令和7年度末')).toBe(2025);
  });
  it('returns null for anything else', () => {
    expect(fiscalYearOf('令和5年')).toBeNull();
    expect(fiscalYearOf('令和5年4月1日')).toBeNull();
    expect(fiscalYearOf('フォローアップ')).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties

const MIN_DAY = Date.UTC(1926, 11, 25);
const MAX_DAY = Date.UTC(2100, 11, 31);
const dayArb = fc.integer({ min: MIN_DAY / 86_400_000, max: MAX_DAY / 86_400_000 }).map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));

function periodOf(precision: PeriodPrecision, a: string, b: string): Pick<Period, 'start' | 'end' | 'precision'> {
  const [y, m] = a.split('-').map(Number) as [number, number];
  const pad = (n: number) => String(n).padStart(2, '0');
  switch (precision) {
    case 'fiscalYear': {
      const fy = m >= 4 ? y : y - 1;
      return { start: `${fy}-04-01`, end: `${fy + 1}-03-31`, precision };
    }
    case 'fiscalYearEnd': {
      const fy = m >= 4 ? y : y - 1;
      return { start: `${fy + 1}-03-31`, end: `${fy + 1}-03-31`, precision };
    }
    case 'year':
      return { start: `${y}-01-01`, end: `${y}-12-31`, precision };
    case 'month':
      return { start: `${y}-${pad(m)}-01`, end: `${y}-${pad(m)}-${pad(daysInMonth(y, m))}`, precision };
    case 'day':
      return { start: a, end: a, precision };
    case 'range':
      return { start: a < b ? a : b, end: a < b ? b : a, precision };
  }
}

describe('formatPeriod / parsePeriod round trip', () => {
  const precisions: PeriodPrecision[] = ['fiscalYear', 'fiscalYearEnd', 'year', 'month', 'day', 'range'];
  for (const precision of precisions) {
    it(`parse(format(p)) equals p for every ${precision} from 1926-12-25 to 2100`, () => {
      fc.assert(
        fc.property(dayArb, dayArb, fc.boolean(), (a, b, fullWidth) => {
          const p = periodOf(precision, a, b);
          // The first fiscal year / year that can be printed with an era is the one containing 昭和's first day.
          if (p.start < '1926-04-01') return;
          const text = formatPeriod(p, { fullWidth });
          const r = parsePeriod(text);
          expect(r.ok, text).toBe(true);
          if (r.ok) expect({ start: r.value.start, end: r.value.end, precision: r.value.precision, raw: r.value.raw }).toEqual({ ...p, raw: text });
        }),
        { numRuns: 400 },
      );
    });
  }

  it('round-trips structured ranges (whole years, fiscal years, months)', () => {
    fc.assert(
      fc.property(dayArb, dayArb, fc.constantFrom('year', 'fiscalYear', 'month') as fc.Arbitrary<PeriodPrecision>, (a, b, unit) => {
        const lo = periodOf(unit, a < b ? a : b, a);
        const hi = periodOf(unit, a < b ? b : a, a);
        if (lo.start < '1927-01-01') return;
        const p = { start: lo.start, end: hi.end, precision: 'range' as const };
        const r = parsePeriod(formatPeriod(p));
        expect(r.ok && { start: r.value.start, end: r.value.end, precision: r.value.precision }).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });
});

describe('formatPeriod / parsePeriod round trip of ranges with ends of any precision', () => {
  const endPrecisions = ['fiscalYear', 'fiscalYearEnd', 'year', 'month', 'day'] as const;
  it('keeps each end at its printed precision and reads back the same dates', () => {
    fc.assert(
      fc.property(dayArb, dayArb, fc.constantFrom(...endPrecisions), fc.constantFrom(...endPrecisions), fc.boolean(), (a, b, u1, u2, fullWidth) => {
        const left = periodOf(u1, a < b ? a : b, a);
        const right = periodOf(u2, a < b ? b : a, a);
        if (left.start < '1927-01-01' || right.end < left.start) return;
        const leftText = formatPeriod(left);
        const rightText = formatPeriod(right);
        const parsed = parsePeriod(`${leftText}～${rightText}`);
        expect(parsed.ok, `${leftText}～${rightText}`).toBe(true);
        if (!parsed.ok) return;
        const text = formatPeriod(parsed.value, { fullWidth });
        const [l, r] = text.split('～') as [string, string];
        expect(l).toBe(formatPeriod(left, { fullWidth }));
        // The right end is printed whole, or without the year it shares with the left (令和5年7月～9月).
        expect(formatPeriod(right, { fullWidth }).endsWith(r)).toBe(true);
        const back = parsePeriod(text);
        expect(back.ok && { start: back.value.start, end: back.value.end, again: formatPeriod(back.value, { fullWidth }) }).toEqual({
          start: parsed.value.start,
          end: parsed.value.end,
          again: text,
        });
      }),
      { numRuns: 600 },
    );
  });
});

describe('robustness', () => {
  it('parsePeriod never throws on random unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const r = parsePeriod(s);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('parsePeriod and findPeriods never throw on arbitrary UTF-16 (lone surrogates included)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        expect(typeof parsePeriod(s).ok).toBe('boolean');
        expect(Array.isArray(findPeriods(s))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('parsePeriod never throws on date-like strings', () => {
    const piece = fc.constantFrom('令和', '平成', '昭和', '元', '年', '度', '末', '月', '日', '～', 'R', '.', ' ', '\n', '0', '1', '12', '３', '31', '32', '65', '2024', 'まで', 'に', '以降', '時点');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const r = parsePeriod(parts.join(''));
        if (r.ok) {
          expect(r.value.start <= r.value.end).toBe(true);
          expect(r.value.start).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('findPeriods never throws on random prose and reports consistent positions', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 6 }),
      fc.constantFrom('令和', '５', '年', '度', '末', '月', '日', '～', 'R6.4.1', '　', '\n', '以降', '平成27年', '2020年'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (parts) => {
        const text = parts.join('');
        for (const f of findPeriods(text)) {
          expect(text.slice(f.index, f.index + f.length)).toBe(f.period.raw);
          expect(f.period.start <= f.period.end).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
