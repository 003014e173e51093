/**
 * Japanese era dates (domain.md §4.5): parsing one expression, finding every expression in prose, and printing a
 * Period the way the documents do. Pure: string arithmetic only, no Date objects, so results never depend on a
 * time zone.
 */
import type { Period, PeriodPrecision } from '../model/schema.js';
import { err, ok, type Result } from '../result.js';

export interface PeriodError {
  /** i18n-neutral reason code, e.g. 'month-out-of-range', 'unknown-era', 'not-a-date'. */
  code: string;
  message: string; // Japanese
  messageEn: string;
}

export type PeriodRelation = NonNullable<Period['relation']>;

interface EraDef {
  name: '令和' | '平成' | '昭和';
  letter: 'R' | 'H' | 'S';
  /** Western year = offset + era year. */
  offset: number;
  /** First and last day of the era (inclusive, ISO). */
  start: string;
  end: string | null;
  maxYear: number | null;
}

/** Newest first: formatting picks the first era that has started by a given day. */
const ERAS: readonly EraDef[] = [
  { name: '令和', letter: 'R', offset: 2018, start: '2019-05-01', end: null, maxYear: null },
  { name: '平成', letter: 'H', offset: 1988, start: '1989-01-08', end: '2019-04-30', maxYear: 31 },
  { name: '昭和', letter: 'S', offset: 1925, start: '1926-12-25', end: '1989-01-07', maxYear: 64 },
];

/**
 * A 年度 label as titles print it, for finding title lines: an era by name or letter (令和5年度, R5年度, Ｈ３０年度,
 * R元年度) or a Western year (2023年度), spaces allowed. Its value is read by fiscalYearOf, never from this pattern.
 */
export const FISCAL_YEAR_LABEL = new RegExp(
  `(?:(?:${ERAS.map((e) => `${e.name}|${e.letter}|${String.fromCharCode(e.letter.charCodeAt(0) + 0xfee0)}`).join('|')})\\s*[0-9０-９元]{1,3}|[0-9０-９]{4})\\s*年度`,
);

/** 2023, FY2023, 2023年度, 令和5年度, R5年度, Ｒ５ → 2023; null when the text is not one fiscal year. */
export function parseFiscalYear(text: string): number | null {
  const t = text.trim().normalize('NFKC');
  const western = /^(?:FY)?(\d{4})(?:年度)?$/i.exec(t);
  if (western) return Number(western[1]);
  // An era letter and a year alone (R5, H30) is how a year is typed on a command line.
  return fiscalYearOf(/^[RHS]\s*(?:\d{1,2}|元)$/i.test(t) ? `${t.toUpperCase()}年度` : t);
}

/** Western years accepted without an era: wide enough for any plan horizon, narrow enough to skip "1000人". */
const MIN_WESTERN_YEAR = 1873;
const MAX_WESTERN_YEAR = 2999;

type Unit = 'fy' | 'fyEnd' | 'year' | 'yearEnd' | 'month' | 'monthEnd' | 'day';

interface DateFields {
  era: EraDef | null;
  /** The era had ended by this date (平成32年度, 平成31年5月): written before the change of era, counted on. */
  overrun?: true;
  year: number;
  month: number | null;
  day: number | null;
  unit: Unit;
}

interface Span {
  start: string;
  end: string;
  precision: PeriodPrecision;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const iso = (y: number, m: number, d: number): string => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Number of days in month m (1–12) of year y. */
export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function periodError(code: string, message: string, messageEn: string): PeriodError {
  return { code, message, messageEn };
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisation with an index map, so that findPeriods can report positions in the original text.

interface Normalized {
  s: string;
  /** map[i] = index in the original text of s[i]; map[s.length] = original length. */
  map: number[];
}

const DATE_CHARS = /[0-9元年度月日末令和平成昭RHS.～時点以降まで現在]/;

function normalizeChar(ch: string): string {
  const c = ch.charCodeAt(0);
  if (c >= 0xff10 && c <= 0xff19) return String.fromCharCode(c - 0xfee0); // full-width digits
  if ((c >= 0xff21 && c <= 0xff3a) || (c >= 0xff41 && c <= 0xff5a)) return String.fromCharCode(c - 0xfee0);
  if (ch === '．') return '.';
  if (ch === '〜' || ch === '~') return '～';
  return ch;
}

const isSpace = (ch: string): boolean => /\s/.test(ch) || ch === '\u3000';

/**
 * Drops whitespace that sits between two date characters (PDF hard wraps `令和５\n年`, 001's `平成 27年１月 20日`).
 * Two digits separated by a space stay apart (`第3 2020年`), but a line break between digits is a wrap and is joined.
 */
function normalizeForDates(text: string): Normalized {
  let s = '';
  const map: number[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (isSpace(ch)) {
      let j = i;
      let hasBreak = false;
      while (j < text.length && isSpace(text[j] ?? '')) {
        if (text[j] === '\n' || text[j] === '\r') hasBreak = true;
        j++;
      }
      const prev = s[s.length - 1];
      const next = j < text.length ? normalizeChar(text[j] ?? '') : undefined;
      const bothDigits = prev !== undefined && next !== undefined && /[0-9]/.test(prev) && /[0-9]/.test(next);
      const join = prev !== undefined && next !== undefined && DATE_CHARS.test(prev) && DATE_CHARS.test(next) && (!bothDigits || hasBreak);
      if (!join) {
        s += ' ';
        map.push(i);
      }
      i = j;
      continue;
    }
    s += normalizeChar(ch);
    map.push(i);
    i++;
  }
  map.push(text.length);
  return { s, map };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading one date at a position of the normalised string.

type ReadOutcome = { ok: true; fields: DateFields; end: number } | { ok: false; error: PeriodError; end: number };

const RE_ABBREV = /([RHS])(\d{1,2})\.(\d{1,2})(?:\.(\d{1,2}))?(?![0-9.%])/y;
const RE_ERA_YEAR = /(令和|平成|昭和|[RHS])(元|\d{1,3})年/y;
const RE_WESTERN_YEAR = /(\d{4})年/y;
const RE_BARE_YEAR = /(元|\d{1,3})年/y;
const RE_AFTER_YEAR = /度末|度|末|(\d{1,2})月(?:(末)|(\d{1,2})日)?/y;
const RE_MONTH_ONLY = /(\d{1,2})月(?:(末)|(\d{1,2})日)?/y;
const RE_DAY_ONLY = /(\d{1,2})日/y;

function matchAt(re: RegExp, s: string, i: number): RegExpExecArray | null {
  re.lastIndex = i;
  return re.exec(s);
}

const eraByName = (name: string): EraDef | undefined => ERAS.find((e) => e.name === name || e.letter === name);

/**
 * How many years past its last an ended era is still counted on: documents written before 2019-05-01 name targets in
 * 平成32年度 and later (the 2015–2020 plans' 平成32年度末, 平成37年), which mean 2020, 2025… (eraOverrun tells).
 */
const MAX_OVERRUN_YEARS = 30;

function eraYearToWestern(era: EraDef, yearText: string): { year: number; overrun?: true } | { error: PeriodError } {
  const n = yearText === '元' ? 1 : Number(yearText);
  if (n === 0) {
    return { error: periodError('year-zero', `${era.name}0年は存在しません（元年が1年目です）`, `${era.name} year 0 does not exist (the first year is 元年)`) };
  }
  if (era.maxYear !== null && n > era.maxYear + MAX_OVERRUN_YEARS) {
    return {
      error: periodError(
        'era-year-out-of-range',
        `${era.name}${n}年は存在しません（${era.name}は${era.maxYear}年までです）`,
        `${era.name} ${n} does not exist (${era.name} ended in year ${era.maxYear})`,
      ),
    };
  }
  return era.maxYear !== null && n > era.maxYear ? { year: era.offset + n, overrun: true } : { year: era.offset + n };
}

/** Reads the part after 年 (度 / 度末 / 末 / M月 / M月末 / M月D日); with nothing there the unit is a calendar year. */
function readAfterYear(s: string, i: number): { unit: Unit; month: number | null; day: number | null; end: number } {
  const m = matchAt(RE_AFTER_YEAR, s, i);
  if (!m) return { unit: 'year', month: null, day: null, end: i };
  const end = i + m[0].length;
  if (m[0] === '度末') return { unit: 'fyEnd', month: null, day: null, end };
  if (m[0] === '度') return { unit: 'fy', month: null, day: null, end };
  if (m[0] === '末') return { unit: 'yearEnd', month: null, day: null, end };
  const month = Number(m[1]);
  if (m[2] !== undefined) return { unit: 'monthEnd', month, day: null, end };
  if (m[3] !== undefined) return { unit: 'day', month, day: Number(m[3]), end };
  return { unit: 'month', month, day: null, end };
}

/**
 * Reads one date expression at position i. With `inherit` (the right side of a range) the era, year and month may be
 * omitted and are taken from the left side (`令和5年7月～9月`).
 */
function readDate(s: string, i: number, inherit?: DateFields): ReadOutcome | null {
  const abbrev = matchAt(RE_ABBREV, s, i);
  if (abbrev) {
    const era = eraByName(abbrev[1] ?? '');
    if (era) {
      const y = eraYearToWestern(era, abbrev[2] ?? '');
      const end = i + abbrev[0].length;
      if ('error' in y) return { ok: false, error: y.error, end };
      const month = Number(abbrev[3]);
      const day = abbrev[4] === undefined ? null : Number(abbrev[4]);
      return validate({ era, year: y.year, month, day, unit: day === null ? 'month' : 'day', ...(y.overrun ? { overrun: true as const } : {}) }, end);
    }
  }

  let era: EraDef | null = null;
  let year: number | null = null;
  let overrun = false;
  let j = i;
  const eraYear = matchAt(RE_ERA_YEAR, s, i);
  const western = eraYear ? null : matchAt(RE_WESTERN_YEAR, s, i);
  if (eraYear) {
    era = eraByName(eraYear[1] ?? '') ?? null;
    if (!era) return null;
    const y = eraYearToWestern(era, eraYear[2] ?? '');
    j = i + eraYear[0].length;
    if ('error' in y) return { ok: false, error: y.error, end: readAfterYear(s, j).end };
    year = y.year;
    overrun = y.overrun === true;
  } else if (western) {
    year = Number(western[1]);
    j = i + western[0].length;
    if (year < MIN_WESTERN_YEAR || year > MAX_WESTERN_YEAR) {
      return {
        ok: false,
        error: periodError('year-out-of-range', `${year}年は対象外の年です`, `year ${year} is out of the supported range`),
        end: j,
      };
    }
  } else if (inherit) {
    const bare = matchAt(RE_BARE_YEAR, s, i);
    if (bare && inherit.era) {
      era = inherit.era;
      const y = eraYearToWestern(era, bare[1] ?? '');
      j = i + bare[0].length;
      if ('error' in y) return { ok: false, error: y.error, end: j };
      year = y.year;
      overrun = y.overrun === true;
    } else {
      const monthOnly = matchAt(RE_MONTH_ONLY, s, i);
      if (monthOnly) {
        const month = Number(monthOnly[1]);
        // `令和5年11月～2月` reads as February of the following year.
        const rollsOver = inherit.month !== null && month < inherit.month;
        const y = inherit.year + (rollsOver ? 1 : 0);
        const end = i + monthOnly[0].length;
        if (monthOnly[2] !== undefined) return validate({ era: null, year: y, month, day: null, unit: 'monthEnd' }, end);
        if (monthOnly[3] !== undefined) return validate({ era: null, year: y, month, day: Number(monthOnly[3]), unit: 'day' }, end);
        return validate({ era: null, year: y, month, day: null, unit: 'month' }, end);
      }
      const dayOnly = matchAt(RE_DAY_ONLY, s, i);
      if (dayOnly && inherit.month !== null) {
        return validate({ era: null, year: inherit.year, month: inherit.month, day: Number(dayOnly[1]), unit: 'day' }, i + dayOnly[0].length);
      }
      return null;
    }
  } else {
    return null;
  }
  const after = readAfterYear(s, j);
  return validate({ era, year, month: after.month, day: after.day, unit: after.unit, ...(overrun ? { overrun: true as const } : {}) }, after.end);
}

function validate(f: DateFields, end: number): ReadOutcome {
  if (f.month !== null && (f.month < 1 || f.month > 12)) {
    return { ok: false, error: periodError('month-out-of-range', `${f.month}月は存在しません`, `month ${f.month} does not exist`), end };
  }
  if (f.month !== null && f.day !== null) {
    const max = daysInMonth(f.year, f.month);
    if (f.day < 1 || f.day > max) {
      return {
        ok: false,
        error: periodError(
          'day-out-of-range',
          `${f.year}年${f.month}月${f.day}日は存在しません（${f.month}月は${max}日までです）`,
          `${f.year}-${pad(f.month, 2)}-${pad(f.day, 2)} does not exist (month ${f.month} has ${max} days)`,
        ),
        end,
      };
    }
  }
  if (f.era && f.unit !== 'fy' && f.unit !== 'fyEnd' && f.unit !== 'year') {
    // A month or a day must fall (at least partly) inside the era: 令和元年4月 and 平成31年5月1日 never existed.
    const span = spanOf(f);
    if (span.end < f.era.start) {
      return {
        ok: false,
        error: periodError(
          'before-era-start',
          `${f.era.name}は${f.era.start}に始まったため、この日付は存在しません`,
          `${f.era.name} began on ${f.era.start}; this date is before it`,
        ),
        end,
      };
    }
    // 平成31年5月1日 never existed either, but a document written before the change may name it: counted on (overrun).
    if (f.era.end !== null && span.start > f.era.end) return { ok: true, fields: { ...f, overrun: true }, end };
  }
  return { ok: true, fields: f, end };
}

function spanOf(f: DateFields): Span {
  const y = f.year;
  switch (f.unit) {
    case 'fy':
      return { start: iso(y, 4, 1), end: iso(y + 1, 3, 31), precision: 'fiscalYear' };
    case 'fyEnd':
      return { start: iso(y + 1, 3, 31), end: iso(y + 1, 3, 31), precision: 'fiscalYearEnd' };
    case 'year':
      return { start: iso(y, 1, 1), end: iso(y, 12, 31), precision: 'year' };
    case 'yearEnd':
      return { start: iso(y, 12, 31), end: iso(y, 12, 31), precision: 'day' };
    case 'month': {
      const m = f.month ?? 1;
      return { start: iso(y, m, 1), end: iso(y, m, daysInMonth(y, m)), precision: 'month' };
    }
    case 'monthEnd': {
      const m = f.month ?? 1;
      const last = iso(y, m, daysInMonth(y, m));
      return { start: last, end: last, precision: 'day' };
    }
    case 'day': {
      const d = iso(y, f.month ?? 1, f.day ?? 1);
      return { start: d, end: d, precision: 'day' };
    }
  }
}

const RELATIONS: readonly [string, PeriodRelation][] = [
  ['までに', 'by'],
  ['まで', 'until'],
  ['以降', 'since'],
  ['時点', 'asOf'],
  ['現在', 'asOf'],
  ['より毎年度', 'everyFiscalYear'],
  ['から毎年度', 'everyFiscalYear'],
];

interface Found {
  span: Span;
  /** An ended era counted on, on either side (平成32年度). */
  overrun?: true;
  /** Precision each end of a range was printed with (`令和6年4月～令和7年3月` → month, month). */
  ends?: [EndPrecision, EndPrecision];
  relation: PeriodRelation | undefined;
  /** [start, end) in the normalised string. */
  from: number;
  to: number;
}

/**
 * Reads a full period (date, optional range, optional relation) at i of the normalised string. `lenient` (prose) reads
 * a bad right side of `～` as no range at all (`令和5年度～3年間`), where parsePeriod reports it.
 */
function readPeriodAt(s: string, i: number, lenient = false): { ok: true; found: Found } | { ok: false; error: PeriodError } | null {
  const left = readDate(s, i);
  if (!left) return null;
  if (!left.ok) return { ok: false, error: left.error };
  let span = spanOf(left.fields);
  let ends: [EndPrecision, EndPrecision] | undefined;
  let j = left.end;
  let rightOverrun = false;
  if (s[j] === '～') {
    const right = readDate(s, j + 1, left.fields);
    let error: PeriodError | null = right && !right.ok ? right.error : null;
    if (right && right.ok) {
      const rightSpan = spanOf(right.fields);
      if (rightSpan.end < span.start) {
        error = periodError('range-reversed', '期間の終わりが始まりより前です', 'the end of the range is before its start');
      } else {
        ends = [span.precision as EndPrecision, rightSpan.precision as EndPrecision];
        span = { start: span.start, end: rightSpan.end, precision: 'range' };
        rightOverrun = right.fields.overrun === true;
        j = right.end;
      }
    }
    if (error && !lenient) return { ok: false, error };
  }
  const after = readRelation(s, j);
  const overrun = left.fields.overrun === true || rightOverrun;
  return { ok: true, found: { span, relation: after.relation, from: i, to: after.end, ...(ends ? { ends } : {}), ...(overrun ? { overrun: true as const } : {}) } };
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

/**
 * Parses one date expression (the whole string, trimmed) into a Period.
 * @example parsePeriod('令和4年度') → { start: '2022-04-01', end: '2023-03-31', precision: 'fiscalYear' }
 * @example parsePeriod('R6.4.1以降') → { start: '2024-04-01', end: '2024-04-01', precision: 'day', relation: 'since' }
 */
export function parsePeriod(text: string): Result<Period, PeriodError> {
  const raw = text.trim();
  const { s } = normalizeForDates(raw);
  if (s.length === 0) return err(periodError('empty', '日付が空です', 'the date is empty'));
  const r = readPeriodAt(s, 0);
  if (r === null) {
    if (/^[明大][治正]/.test(s)) {
      return err(periodError('unknown-era', `対応していない元号です: 「${raw}」`, `unsupported era: "${raw}"`));
    }
    return err(periodError('not-a-date', `日付として読めません: 「${raw}」`, `not a date: "${raw}"`));
  }
  if (!r.ok) return err(r.error);
  if (r.found.to !== s.length) {
    return err(
      periodError('trailing-text', `日付の後に読めない文字があります: 「${raw}」`, `unexpected text after the date: "${raw}"`),
    );
  }
  const period: Period = { raw, start: r.found.span.start, end: r.found.span.end, precision: r.found.span.precision };
  if (r.found.relation) period.relation = r.found.relation;
  return ok(period);
}

/**
 * The note for a date counted on past the end of its era (平成32年度末, 平成31年5月1日: written before 2019-05-01):
 * parsePeriod reads it as the day it counts to; this says so, for a warning that asks a person to check. null otherwise.
 * @example eraOverrunNote('平成32年度末')?.message → '「平成32年度末」は改元前の表記です。令和2年度末（2021年3月31日）として読みました。'
 */
export function eraOverrunNote(text: string): PeriodError | null {
  const raw = text.trim();
  const r = readPeriodAt(normalizeForDates(raw).s, 0);
  if (r === null || !r.ok || r.found.overrun !== true) return null;
  const { start, end, precision } = r.found.span;
  const shown = formatPeriod({ start, end, precision });
  const western = start === end ? start : `${start} – ${end}`;
  return periodError('era-overrun', `「${raw}」は改元前の表記です。${shown}（${western}）として読みました。`, `"${raw}" counts on an era that had ended; read as ${shown} (${western}).`);
}

const RE_RELATIVE_MONTH = /(同年|翌年|同)(\d{1,2})月(?:(末)|(\d{1,2})日)?/y;
const RE_SAME_FY = /(同)?年度(末)?/y;

/**
 * Resolves a date that only makes sense after another one (§4.5 Relative): 同年12月, 同11月, 翌年2月 take the calendar
 * year of the previous date; 同年度 is its fiscal year and a bare 年度末 (or 同年度末) the end of the previous date's fiscal year. 今年度末, 来年度末
 * and 前年同時期 depend on the document's own year and are not resolved.
 */
function readRelativeAt(s: string, i: number, previousStart: string): { span: Span; end: number } | null {
  const prevYear = Number(previousStart.slice(0, 4));
  const rel = matchAt(RE_RELATIVE_MONTH, s, i);
  if (rel) {
    const year = prevYear + (rel[1] === '翌年' ? 1 : 0);
    const month = Number(rel[2]);
    const unit: Unit = rel[3] !== undefined ? 'monthEnd' : rel[4] !== undefined ? 'day' : 'month';
    const r = validate({ era: null, year, month, day: rel[4] === undefined ? null : Number(rel[4]), unit }, i + rel[0].length);
    return r.ok ? { span: spanOf(r.fields), end: r.end } : null;
  }
  const sameFy = matchAt(RE_SAME_FY, s, i);
  // 年度 alone is a common noun (年度計画); only 同年度, 同年度末 and 年度末 point at a fiscal year.
  if (sameFy && (sameFy[1] !== undefined || sameFy[2] !== undefined)) {
    const prevMonth = Number(previousStart.slice(5, 7));
    const fy = prevMonth >= 4 ? prevYear : prevYear - 1;
    const unit: Unit = sameFy[2] !== undefined ? 'fyEnd' : 'fy';
    return { span: spanOf({ era: null, year: fy, month: null, day: null, unit }), end: i + sameFy[0].length };
  }
  return null;
}

function readRelation(s: string, j: number): { relation: PeriodRelation | undefined; end: number } {
  for (const [word, rel] of RELATIONS) {
    if (s.startsWith(word, j)) return { relation: rel, end: j + word.length };
  }
  return { relation: undefined, end: j };
}

/**
 * Finds every valid date expression inside running text (prose, indicator cells), in order; impossible dates are
 * skipped. Relative dates (同年12月, 同11月, 翌年2月, a bare 年度末) are resolved against the previous date found.
 * @example findPeriods('令和５年９月から同年１２月にかけて').map((f) => f.period.start) → ['2023-09-01', '2023-12-01']
 */
export function findPeriods(text: string): { period: Period; index: number; length: number }[] {
  const { s, map } = normalizeForDates(text);
  const out: { period: Period; index: number; length: number }[] = [];
  const emit = (span: Span, relation: PeriodRelation | undefined, from: number, to: number): void => {
    const index = map[from] ?? 0;
    const endOrig = (map[to - 1] ?? index) + 1;
    const period: Period = { raw: text.slice(index, endOrig), start: span.start, end: span.end, precision: span.precision };
    if (relation) period.relation = relation;
    out.push({ period, index, length: endOrig - index });
  };
  let i = 0;
  while (i < s.length) {
    const prev = i > 0 ? s[i - 1] : undefined;
    const ch = s[i] ?? '';
    // A date starts at an era name, an era letter not inside a Latin word, or a digit not inside a number.
    const canStart =
      ch === '令' || ch === '平' || ch === '昭' ||
      (/[RHS]/.test(ch) && (prev === undefined || !/[A-Za-z0-9]/.test(prev))) ||
      (/[0-9]/.test(ch) && (prev === undefined || !/[0-9.]/.test(prev)));
    const r = canStart ? readPeriodAt(s, i, true) : null;
    if (r && r.ok) {
      emit(r.found.span, r.found.relation, r.found.from, r.found.to);
      i = r.found.to;
      continue;
    }
    const last = out[out.length - 1];
    if (last && (ch === '同' || ch === '翌' || (ch === '年' && !(prev !== undefined && /[0-9元今本当来前昨翌]/.test(prev))))) {
      const rel = readRelativeAt(s, i, last.period.start);
      if (rel) {
        const after = readRelation(s, rel.end);
        emit(rel.span, after.relation, i, after.end);
        i = after.end;
        continue;
      }
    }
    i++;
  }
  return out;
}

function eraAt(day: string): EraDef | undefined {
  return ERAS.find((e) => e.start <= day);
}

/** Era year label of calendar year y, by the era in effect on its last day: 2019 → 令和元年, 1989 → 平成元年. */
function yearLabel(y: number): string {
  const era = eraAt(iso(y, 12, 31));
  if (!era) return `${y}年`;
  const n = y - era.offset;
  return `${era.name}${n === 1 ? '元' : String(n)}年`;
}

function dayLabel(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const era = eraAt(day);
  if (!era) return `${y}年${m}月${d}日`;
  const n = y - era.offset;
  return `${era.name}${n === 1 ? '元' : String(n)}年${m}月${d}日`;
}

function monthLabel(y: number, m: number): string {
  const era = eraAt(iso(y, m, daysInMonth(y, m)));
  if (!era) return `${y}年${m}月`;
  const n = y - era.offset;
  return `${era.name}${n === 1 ? '元' : String(n)}年${m}月`;
}

function ymd(day: string): [number, number, number] {
  const [y, m, d] = day.split('-').map(Number);
  return [y ?? 0, m ?? 0, d ?? 0];
}

function toFullWidthDigits(s: string): string {
  return s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
}

type EndPrecision = Exclude<PeriodPrecision, 'range'>;

/** The precision of each end of a range whose raw text still gives start and end; null otherwise (an edited range). */
function printedEnds(raw: string, start: string, end: string): [EndPrecision, EndPrecision] | null {
  const r = readPeriodAt(normalizeForDates(raw.trim()).s, 0);
  if (!r?.ok || !r.found.ends || r.found.span.start !== start || r.found.span.end !== end) return null;
  return r.found.ends;
}

/**
 * The precision each end is printed with when the raw text does not say: whole fiscal years / years / months when the
 * range covers them and spans more than one, else days (令和6年4月～令和7年3月 is one fiscal year, printed as months).
 */
function derivedEnds(start: string, end: string): [EndPrecision, EndPrecision] {
  const [y1, m1, d1] = ymd(start);
  const [y2, m2, d2] = ymd(end);
  if (m1 === 4 && d1 === 1 && m2 === 3 && d2 === 31 && y2 > y1 + 1) return ['fiscalYear', 'fiscalYear'];
  if (m1 === 1 && d1 === 1 && m2 === 12 && d2 === 31 && y2 > y1) return ['year', 'year'];
  if (d1 === 1 && d2 === daysInMonth(y2, m2) && (y1 !== y2 || m1 !== m2)) return ['month', 'month'];
  return ['day', 'day'];
}

/** One end of a range at its precision: the fiscal year, year, month or day that contains `day`. */
function endLabel(day: string, precision: EndPrecision): string {
  const [y, m] = ymd(day);
  const fy = m >= 4 ? y : y - 1;
  switch (precision) {
    case 'fiscalYear':
      return `${yearLabel(fy)}度`;
    case 'fiscalYearEnd':
      return `${yearLabel(fy)}度末`;
    case 'year':
      return yearLabel(y);
    case 'month':
      return monthLabel(y, m);
    case 'day':
      return dayLabel(day);
  }
}

function formatRange(start: string, end: string, raw: string | undefined): string {
  const [p1, p2] = (raw === undefined ? null : printedEnds(raw, start, end)) ?? derivedEnds(start, end);
  const [y1] = ymd(start);
  const [y2, m2, d2] = ymd(end);
  // The documents drop the year on the right when it is the same: 令和5年7月～9月, 令和6年4月1日～4月30日.
  if (p1 === 'month' && p2 === 'month' && y1 === y2) return `${endLabel(start, 'month')}～${m2}月`;
  if (p1 === 'day' && p2 === 'day' && y1 === y2) return `${dayLabel(start)}～${m2}月${d2}日`;
  return `${endLabel(start, p1)}～${endLabel(end, p2)}`;
}

/**
 * Formats a Period the way the documents print it (令和5年度, 令和7年度末, 令和6年4月1日, 令和5年7月, 令和元年度). A range
 * prints each end at the precision its raw text gave it while the raw still reads as start and end (令和6年4月～令和7年3月),
 * else at the coarsest precision that covers more than one unit (令和3年度～令和6年度, 令和5年7月～9月, 令和6年4月1日～4月30日).
 */
export function formatPeriod(period: Pick<Period, 'start' | 'end' | 'precision'> & { raw?: string }, options?: { fullWidth?: boolean }): string {
  const [y, m] = ymd(period.start);
  let text: string;
  switch (period.precision) {
    case 'fiscalYear':
      text = `${yearLabel(y)}度`;
      break;
    case 'fiscalYearEnd':
      text = `${yearLabel(y - 1)}度末`;
      break;
    case 'year':
      text = yearLabel(y);
      break;
    case 'month':
      text = monthLabel(y, m);
      break;
    case 'day':
      text = dayLabel(period.start);
      break;
    case 'range':
      text = formatRange(period.start, period.end, period.raw);
      break;
  }
  return options?.fullWidth ? toFullWidthDigits(text) : text;
}

/**
 * Western fiscal year of a label such as 令和5年度 / 令和６年度 / 2023年度 (also 令和7年度末 → 2025); null when the text is
 * not a 年度 label.
 */
export function fiscalYearOf(label: string): number | null {
  const r = parsePeriod(label);
  if (!r.ok) return null;
  if (r.value.precision === 'fiscalYear') return Number(r.value.start.slice(0, 4));
  if (r.value.precision === 'fiscalYearEnd') return Number(r.value.start.slice(0, 4)) - 1;
  return null;
}
