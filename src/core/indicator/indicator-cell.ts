/**
 * The value-string grammar of 数値 cells (domain.md §4.2) → IndicatorValue[] and back. Problems never throw and never
 * drop text: they become ImportIssues and the offending text is kept as a value with valuePercent null.
 */
import { eraOverrunNote, formatPeriod, parsePeriod } from '../era/index.js';
import type { ImportIssue, IndicatorValue, Period, Qualifier, SourceRef, ValueKind } from '../model/schema.js';
import { decodeEntities, tokenizeHtml } from '../text/index.js';
import { canonicalCategory } from './catalogue.js';

export interface IndicatorCellStyle {
  /** Between parts (目標 / 現状 / 目標設定時 / ※): ' ' in 000 and 004, '、' in 003. */
  separator: ' ' | '、';
  /** One `<p>…</p>` per category block (000/003/004 categorised cells). */
  paragraphs: boolean;
  /** Parentheses around dates: （） in 000, 003 uncategorised cells and 004 page 2; () in 003 categorised and 004 page 1. */
  parenWidth?: 'full' | 'half';
  /** Between category blocks (`</p> <p>`): ' ' in every seed. */
  blockSeparator?: string;
  /** After the 【category】 label: ' ' in every seed. */
  categorySpace?: string;
  /** Between the observations of one 現状: ' ' in every seed. */
  observationSeparator?: string;
}

export interface CellLocation {
  file: string;
  line: number;
  col?: number;
  field?: string;
}

const LABELS: Record<Exclude<ValueKind, 'note'>, string> = { target: '目標', current: '現状', baseline: '目標設定時' };
const LABEL_KIND: Record<string, ValueKind> = { 目標: 'target', 現状: 'current', 目標設定時: 'baseline' };
const KIND_JA: Record<ValueKind, string> = { target: '目標', current: '現状', baseline: '目標設定時', note: '注記' };

/** Text meaning "no value": full-width hyphen-minus (000), ASCII hyphen (004), 設定なし (000). */
const NOT_APPLICABLE = new Set(['－', '-', '―', '−', '‐', '設定なし']);
const RE_PERCENT = /^(毎年度)?(\d+(?:\.\d+)?)[%％](以上|程度)?$/;
/** A measure named before the percentage: 両休暇合計5日以上取得率100% (000, 003), 両休暇合わせて5日以上取得率100% (004). */
const RE_NAMED_PERCENT = /^(.+?(?:率|割合))(\d+(?:\.\d+)?)[%％](以上|程度)?$/;
/** Free-text targets that the grammar allows: 政府全体の目標(30%以上(毎年度))に留意 (003). */
const RE_FREE_TARGET = /に留意$/;
const RE_LABEL = /(目標設定時|目標|現状)[：:]|※/g;
const OPEN = new Set(['(', '（']);
const CLOSE = new Set([')', '）']);

interface Classified {
  valuePercent: number | null;
  qualifier: Qualifier | null;
  notApplicable: boolean;
  problem: 'percent-out-of-range' | 'unparsed' | null;
}

function classifyValue(text: string, kind: ValueKind): Classified {
  const none: Classified = { valuePercent: null, qualifier: null, notApplicable: false, problem: null };
  if (NOT_APPLICABLE.has(text)) return { ...none, notApplicable: true };
  let percent: number | null = null;
  let qualifier: Qualifier | null = null;
  const plain = RE_PERCENT.exec(text);
  const named = plain || kind !== 'target' ? null : RE_NAMED_PERCENT.exec(text);
  if (plain) {
    percent = Number(plain[2]);
    if (plain[1] !== undefined) qualifier = plain[3] === '以上' ? '毎年度以上' : null;
    else qualifier = (plain[3] as Qualifier | undefined) ?? null;
    // 毎年度35% without 以上 is not a form the grammar knows.
    if (plain[1] !== undefined && plain[3] !== '以上') return { ...none, problem: 'unparsed' };
  } else if (named) {
    percent = Number(named[2]);
    qualifier = (named[3] as Qualifier | undefined) ?? null;
  } else if (kind === 'target' && RE_FREE_TARGET.test(text)) {
    return none;
  } else {
    return { ...none, problem: 'unparsed' };
  }
  if (percent > 100) return { ...none, problem: 'percent-out-of-range' };
  return { valuePercent: percent, qualifier, notApplicable: false, problem: null };
}

/** Index of the paren opening the group that closes at `close`, or -1. Both widths nest together. */
function matchingOpen(text: string, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    const ch = text[i] ?? '';
    if (CLOSE.has(ch)) depth++;
    else if (OPEN.has(ch)) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function matchingClose(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (OPEN.has(ch)) depth++;
    else if (CLOSE.has(ch)) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** `30%（令和3年度）` → value `30%`, asOf `令和3年度`; a value whose trailing paren is part of free text stays whole. */
function splitTrailingAsOf(text: string, kind: ValueKind): { value: string; asOf: string | null } {
  const last = text.length - 1;
  if (last < 0 || !CLOSE.has(text[last] ?? '')) return { value: text, asOf: null };
  const open = matchingOpen(text, last);
  if (open <= 0) return { value: text, asOf: null };
  const value = text.slice(0, open).trim();
  const asOf = text.slice(open + 1, last).trim();
  // Only a value that is itself a value form takes a date in parens (a free-text target may end in a paren).
  const cls = classifyValue(value, kind);
  if (cls.problem === 'unparsed' && parsePeriod(asOf).ok === false) return { value: text, asOf: null };
  return { value, asOf };
}

/** `75.0%（令和4年度） 68.2%（令和3年度）` → observations; text that fits nowhere is returned as `rest`. */
function splitObservations(text: string): { items: { value: string; asOf: string | null }[]; rest: string } {
  const items: { value: string; asOf: string | null }[] = [];
  let i = 0;
  const n = text.length;
  const isWs = (ch: string): boolean => /\s/.test(ch) || ch === '\u3000';
  while (i < n) {
    while (i < n && isWs(text[i] ?? '')) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !isWs(text[i] ?? '') && !OPEN.has(text[i] ?? '')) i++;
    const value = text.slice(start, i);
    if (i < n && OPEN.has(text[i] ?? '')) {
      const close = matchingClose(text, i);
      if (close < 0 || value.length === 0) return { items, rest: text.slice(start).trim() };
      items.push({ value, asOf: text.slice(i + 1, close).trim() });
      i = close + 1;
    } else {
      items.push({ value, asOf: null });
    }
  }
  return { items, rest: '' };
}

interface Block {
  categoryRaw: string | null;
  body: string;
}

/** Category blocks of a cell: `<p>` paragraphs when present, else the whole cell; each may start with 【label】. */
function splitBlocks(raw: string): Block[] {
  const texts: string[] = [];
  if (/<p[\s>]/i.test(raw)) {
    let current = '';
    for (const t of tokenizeHtml(raw)) {
      if (t.kind === 'text') current += t.value;
      else if (t.value === 'p') {
        texts.push(current);
        current = '';
      }
    }
    texts.push(current);
  } else {
    texts.push(raw);
  }
  const blocks: Block[] = [];
  for (const text of texts) {
    const body = decodeEntities(text).trim();
    if (body.length === 0) continue;
    const m = /^【([^】]*)】/.exec(body);
    // 【…】 before the first label is a category; a tag-like bracket later in the text is value text.
    if (m && m[1] !== undefined) blocks.push({ categoryRaw: m[1], body: body.slice(m[0].length).trim() });
    else blocks.push({ categoryRaw: null, body });
  }
  return blocks;
}

/**
 * Parses an indicator cell (HTML fragment allowed, `<p>` per category) into values.
 * Every problem (percentage over 100, impossible date, unknown part) becomes an issue naming file, line and field;
 * the offending value is kept as text with valuePercent null rather than dropped.
 * @example parseIndicatorCell('現状：42.3%(令和5年度)', { file: '004.txt', line: 15 }).values[0]
 *   → { valueKind: 'current', seq: 0, valuePercent: 42.3, valueText: '42.3%', asOfRaw: '令和5年度', asOfStart: '2023-04-01', … }
 */
export function parseIndicatorCell(raw: string, where: CellLocation): { values: IndicatorValue[]; issues: ImportIssue[] } {
  const values: IndicatorValue[] = [];
  const issues: ImportIssue[] = [];
  const field = where.field ?? 'indicatorValues';
  const at = `${where.file}:${where.line}${where.col !== undefined ? `:${where.col}` : ''}`;
  const valueSource: SourceRef = where.col !== undefined ? { file: where.file, line: where.line, col: where.col } : { file: where.file, line: where.line };

  const issue = (severity: ImportIssue['severity'], code: string, value: string, ja: string, en: string): void => {
    const i: ImportIssue = {
      severity,
      code,
      file: where.file,
      line: where.line,
      field,
      value,
      message: `${at} ${field}: ${ja}: 「${value}」`,
      messageEn: `${at} ${field}: ${en}: "${value}"`,
    };
    if (where.col !== undefined) i.col = where.col;
    issues.push(i);
  };

  for (const block of splitBlocks(raw)) {
    let category: string | null = null;
    if (block.categoryRaw !== null) {
      category = canonicalCategory(block.categoryRaw);
      if (category === null) {
        category = block.categoryRaw;
        issue('warning', 'UNKNOWN_CATEGORY', `【${block.categoryRaw}】`, '数値の区分が一覧にありません', 'unknown indicator category');
      }
    }
    const seqs = new Map<ValueKind, number>();
    const push = (kind: ValueKind, valueText: string, asOf: string | null, note: string | null): void => {
      const seq = seqs.get(kind) ?? 0;
      seqs.set(kind, seq + 1);
      const cls: Classified =
        kind === 'note' ? { valuePercent: null, qualifier: null, notApplicable: false, problem: null } : classifyValue(valueText, kind);
      const part = category ? `【${block.categoryRaw ?? category}】${KIND_JA[kind]}` : KIND_JA[kind];
      if (cls.problem === 'percent-out-of-range') {
        issue('error', 'PERCENT_OUT_OF_RANGE', valueText, `${part}の割合が0〜100%の範囲外です`, `${kind} percentage is outside 0–100%`);
      } else if (cls.problem === 'unparsed') {
        issue('error', 'UNPARSED_INDICATOR_PART', valueText, `${part}の値を読み取れません（文字列として保持）`, `cannot read the ${kind} value (kept as text)`);
      }
      let period: Period | null = null;
      if (asOf !== null) {
        const r = parsePeriod(asOf);
        if (r.ok) period = r.value;
        else issue('error', 'INVALID_DATE', asOf, `${part}の時点が不正です（${r.error.message}）`, `invalid ${kind} date (${r.error.messageEn})`);
        const note = r.ok ? eraOverrunNote(asOf) : null;
        if (note) issue('warning', 'ERA_OVERRUN', asOf, `${part}の時点：${note.message}`, `${kind} date: ${note.messageEn}`);
      }
      values.push({
        category,
        categoryRaw: block.categoryRaw,
        valueKind: kind,
        seq,
        valuePercent: cls.valuePercent,
        valueText,
        qualifier: cls.qualifier,
        notApplicable: cls.notApplicable,
        asOfRaw: asOf,
        asOfPrecision: period?.precision ?? null,
        asOfStart: period?.start ?? null,
        asOfEnd: period?.end ?? null,
        note,
        source: valueSource,
      });
    };

    const labels = [...block.body.matchAll(RE_LABEL)];
    const lead = block.body.slice(0, labels[0]?.index ?? block.body.length).trim();
    if (lead.length > 0) {
      issue('error', 'UNPARSED_INDICATOR_PART', lead, '数値の欄に読み取れない部分があります（文字列として保持）', 'unreadable part in an indicator cell (kept as text)');
      push('note', lead, null, lead);
    }
    labels.forEach((m, k) => {
      const next = labels[k + 1]?.index ?? block.body.length;
      // Strip the part separator (' ' or '、') that precedes the next label.
      const segment = block.body.slice(m.index + m[0].length, next).replace(/[\s\u3000、,]+$/, '').trim();
      if (m[0] === '※') {
        push('note', `※${segment}`, null, segment);
        return;
      }
      const kind = LABEL_KIND[m[1] ?? ''] ?? 'note';
      if (kind === 'current') {
        const { items, rest } = splitObservations(segment);
        for (const o of items) push('current', o.value, o.asOf, null);
        if (rest) push('current', rest, null, null);
        if (items.length === 0 && !rest) push('current', '', null, null);
        const current = values.filter((v) => v.valueKind === 'current' && v.category === category);
        for (let j = 0; j + 1 < current.length; j++) {
          const a = current[j]?.asOfStart;
          const b = current[j + 1]?.asOfStart;
          if (a && b && a < b) {
            issue('warning', 'CURRENT_NOT_NEWEST_FIRST', `${current[j]?.asOfRaw ?? ''} / ${current[j + 1]?.asOfRaw ?? ''}`, '現状が新しい順に並んでいません', 'current values are not newest first');
            break;
          }
        }
        return;
      }
      const { value, asOf } = splitTrailingAsOf(segment, kind);
      push(kind, value, asOf, null);
    });
  }
  return { values, issues };
}

/**
 * The style a cell is printed in, so that formatIndicatorCell reproduces it (separator, `<p>` blocks, paren width, and
 * the spacing between blocks and after 【category】).
 */
export function detectIndicatorStyle(raw: string): Required<IndicatorCellStyle> {
  const paragraphs = /<p[\s>]/i.test(raw);
  const separator: ' ' | '、' = /、\s*(?:目標設定時|目標|現状)[：:]|、\s*※/.test(raw) ? '、' : ' ';
  const firstParen = /[（(]\s*(?:令和|平成|昭和|[RHS]\d|\d{4}年)/.exec(raw);
  const parenWidth = firstParen?.[0].startsWith('(') ? 'half' : 'full';
  const between = /<\/p>([\s\u3000]*)<p[\s>]/i.exec(raw);
  const afterCategory = /】([ \u3000]*)(?:目標設定時|目標|現状|※)/.exec(raw);
  const obs = /%[）)]([ \u3000]+)\d/.exec(raw);
  return {
    separator,
    paragraphs,
    parenWidth,
    blockSeparator: between?.[1] ?? ' ',
    categorySpace: afterCategory?.[1] ?? ' ',
    observationSeparator: obs?.[1] ?? ' ',
  };
}

const RELATION_WORDS: Record<NonNullable<Period['relation']>, string> = {
  until: 'まで',
  by: 'までに',
  since: '以降',
  asOf: '時点',
  everyFiscalYear: 'より毎年度',
};

function decimalsOf(n: string): number {
  const dot = n.indexOf('.');
  return dot < 0 ? 0 : n.length - dot - 1;
}

/** The number as printed, keeping at least the decimals the old text had (75.0 stays 75.0 style). */
function printPercent(value: number, oldNumber: string | null): string {
  const needed = decimalsOf(String(value));
  const decimals = Math.max(needed, oldNumber ? decimalsOf(oldNumber) : 0);
  return value.toFixed(decimals);
}

/** The value text to print: the verbatim text, unless valuePercent was changed since it was parsed. */
function valueOut(v: IndicatorValue): string {
  const text = v.valueText;
  if (v.valuePercent === null) return text;
  if (text.length === 0) {
    const n = printPercent(v.valuePercent, null);
    if (v.qualifier === '毎年度以上') return `毎年度${n}%以上`;
    return `${n}%${v.qualifier ?? ''}`;
  }
  const m = /(\d+(?:\.\d+)?)([%％])(?!.*\d+(?:\.\d+)?[%％])/.exec(text);
  if (!m || m[1] === undefined) return text;
  if (Number(m[1]) === v.valuePercent) return text;
  return text.slice(0, m.index) + printPercent(v.valuePercent, m[1]) + text.slice(m.index + m[1].length);
}

/** The date to print: the raw text while it still says what the normalised fields say, else the fields formatted. */
function asOfOut(v: IndicatorValue): string | null {
  if (v.asOfStart === null || v.asOfEnd === null || v.asOfPrecision === null) return v.asOfRaw;
  const span = { start: v.asOfStart, end: v.asOfEnd, precision: v.asOfPrecision };
  const parsed = v.asOfRaw === null ? null : parsePeriod(v.asOfRaw);
  if (parsed?.ok && parsed.value.start === span.start && parsed.value.end === span.end && parsed.value.precision === span.precision) {
    return v.asOfRaw;
  }
  const relation = parsed?.ok ? parsed.value.relation : undefined;
  return formatPeriod(span) + (relation ? RELATION_WORDS[relation] : '');
}

/** Formats values back to the cell text the documents print (inverse of parseIndicatorCell for unchanged values). */
export function formatIndicatorCell(values: IndicatorValue[], style: IndicatorCellStyle): string {
  const open = style.parenWidth === 'half' ? '(' : '（';
  const close = style.parenWidth === 'half' ? ')' : '）';
  const obsSep = style.observationSeparator ?? ' ';
  const groups: { categoryRaw: string | null; category: string | null; values: IndicatorValue[] }[] = [];
  for (const v of values) {
    const last = groups[groups.length - 1];
    if (last && last.category === v.category && last.categoryRaw === v.categoryRaw) last.values.push(v);
    else groups.push({ categoryRaw: v.categoryRaw, category: v.category, values: [v] });
  }
  const blocks = groups.map((g) => {
    const parts: string[] = [];
    let previous: ValueKind | null = null;
    for (const v of g.values) {
      const asOf = asOfOut(v);
      const item = valueOut(v) + (asOf !== null ? `${open}${asOf}${close}` : '');
      if (v.valueKind === 'note') {
        parts.push(item);
      } else if (v.valueKind === 'current' && previous === 'current') {
        parts[parts.length - 1] += obsSep + item;
      } else {
        parts.push(`${LABELS[v.valueKind]}：${item}`);
      }
      previous = v.valueKind;
    }
    const label = g.categoryRaw ?? g.category;
    const body = (label !== null ? `【${label}】${style.categorySpace ?? ' '}` : '') + parts.join(style.separator);
    return style.paragraphs ? `<p>${body}</p>` : body;
  });
  return blocks.join(style.paragraphs ? (style.blockSeparator ?? ' ') : ' ');
}
