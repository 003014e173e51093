import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readField, writeField } from '../../../src/core/edit/fields.js';
import { formatFieldValue, normalizeInput, parseFieldInput, parseStatus } from '../../../src/core/edit/input.js';
import { fromRowFields, toRowFields, type RowRecord } from '../../../src/core/lists/row-fields.js';
import { importBytes } from '../../../src/io/import.js';
import { makeIndicatorRow, makeRow, makeSurveyRow } from '../../support/builders.js';

const record = (row = makeRow()): RowRecord => ({ rowKey: `r/${row.key}`, reportKey: 'r', fiscalYear: 2023, orgCode: 'soumu', row, reviewComment: null });

const samples = join(import.meta.dirname, '..', '..', '..', 'samples');
const overview = importBytes('000_af6c26688b7c18a9.txt', readFileSync(join(samples, '000_af6c26688b7c18a9.txt'))).reports.find((r) => r.layout === 'L-R5-OVERVIEW');

describe('normalizeInput', () => {
  it('writes half-width katakana in full width, joining voiced marks (ｶﾞ → ガ)', () => {
    expect(normalizeInput('ﾃﾚﾜｰｸとｶﾞｲﾄﾞﾗｲﾝ')).toBe('テレワークとガイドライン');
  });

  it('writes full-width letters and digits in half width and keeps full-width punctuation', () => {
    expect(normalizeInput('令和５年度（ＩＣＴ研修）')).toBe('令和5年度（ICT研修）');
  });

  it('uses LF line breaks, drops trailing spaces and blank lines at both ends', () => {
    expect(normalizeInput('\r\n【継続】 研修を実施  \r\n次の行\t\r\n\r\n')).toBe('【継続】 研修を実施\n次の行');
  });

  it('is idempotent', () => {
    fc.assert(fc.property(fc.string(), (s) => normalizeInput(normalizeInput(s)) === normalizeInput(s)));
  });
});

describe('parseFieldInput', () => {
  it('reads the 実施状況 choices as printed, in either width, and blank as no status', () => {
    expect(parseStatus('実施')).toEqual({ ok: true, value: 'implemented' });
    expect(parseStatus(' 実施未定 ')).toEqual({ ok: true, value: 'undecided' });
    expect(parseStatus('')).toEqual({ ok: true, value: null });
  });

  it('refuses a 実施状況 that is not a choice, naming the value and the choices', () => {
    const r = parseStatus('済');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('UNKNOWN_STATUS');
      expect(r.error.ja).toBe('「済」は実施状況の選択肢（実施／実施未定）にありません。');
    }
  });

  it('reads figures in the documents\' grammar into indicator values (000 line 25)', () => {
    const r = parseFieldInput(record(makeIndicatorRow()), 'indicatorValues', '目標：30%（令和3年度） 現状：66.3%（令和4年度） 目標設定時：49.4%（令和3年度）');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.map((v) => [v.valueKind, v.valuePercent, v.asOfRaw, v.asOfStart])).toEqual([
      ['target', 30, '令和3年度', '2021-04-01'],
      ['current', 66.3, '令和4年度', '2022-04-01'],
      ['baseline', 49.4, '令和3年度', '2021-04-01'],
    ]);
  });

  it('refuses words where figures are expected', () => {
    const r = parseFieldInput(record(makeIndicatorRow()), 'indicatorValues', '順調に推移');
    expect(r.ok ? null : r.error.code).toBe('NOT_FIGURES');
  });

  it('refuses a percentage over 100 with the importer\'s message', () => {
    const r = parseFieldInput(record(makeIndicatorRow()), 'indicatorValues', '現状：130%（令和5年度）');
    expect(r.ok ? null : r.error.code).toBe('FIGURES_INVALID');
    expect(r.ok ? '' : r.error.ja).toContain('130');
  });

  it('splits labelled survey answers into sub-fields (000 line 22)', () => {
    const r = parseFieldInput(record(makeSurveyRow({ surveyAnswers: [] })), 'surveyAnswers', '【時期・対象者の職位】令和5年10月、課室長級 【調査・分析のツール】Microsoft Forms');
    expect(r.ok && r.value.map((a) => [a.subField, a.text])).toEqual([
      ['時期・対象者の職位', '令和5年10月、課室長級'],
      ['調査・分析のツール', 'Microsoft Forms'],
    ]);
  });

  it('refuses text longer than the column allows', () => {
    const r = parseFieldInput(record(), 'narrative', 'あ'.repeat(11), 10);
    expect(r.ok ? null : r.error.en).toBe('11 characters; this field holds at most 10.');
  });

  it('round-trips every editable value of the sample 全体像 through format and parse', () => {
    expect(overview).toBeDefined();
    for (const row of overview?.rows ?? []) {
      const rec = record(row);
      for (const field of ['status', 'narrative', 'reasonNotPlanned', 'indicatorValues'] as const) {
        if (field === 'indicatorValues' && row.kind !== 'indicator') continue;
        const text = formatFieldValue(rec, field);
        const back = parseFieldInput(rec, field, text);
        expect(back.ok, `${row.key} ${field}: ${text}`).toBe(true);
        if (!back.ok) continue;
        if (field === 'indicatorValues') {
          const strip = (vs: typeof row.indicatorValues): unknown => vs.map((v) => [v.category, v.valueKind, v.valuePercent, v.asOfStart, v.asOfEnd]);
          expect(strip(back.value as typeof row.indicatorValues)).toEqual(strip(row.indicatorValues));
        } else {
          expect(back.value).toEqual(field === 'status' ? row.status : normalizeInput(readField(rec, field) ?? '') || null);
        }
      }
    }
  });
});

describe('writeField', () => {
  it('re-reads tags and entries when the narrative changes', () => {
    const out = writeField(record(), 'narrative', '【継続】研修を実施した。\n【新規】相談窓口を設けた。');
    expect(out.row.tags).toEqual(['継続', '新規']);
    expect(out.row.entries).toEqual([
      { tag: '継続', text: '研修を実施した。' },
      { tag: '新規', text: '相談窓口を設けた。' },
    ]);
  });

  it('keeps the printed 実施状況 as evidence, drops it on read once stale, and stores blank text as null', () => {
    const out = writeField(writeField(record(), 'status', 'undecided'), 'reasonNotPlanned', '  ');
    expect([out.row.status, out.row.statusRaw, out.row.reasonNotPlanned]).toEqual(['undecided', '実施', null]);
    const back = fromRowFields(toRowFields(out));
    expect(back.ok && [back.value.row.status, back.value.row.statusRaw]).toEqual(['undecided', null]);
  });

  it('returns the same record when nothing changes, so a no-op edit is not a change', () => {
    const rec = record(makeRow({ narrative: '同じ文' }));
    expect(writeField(rec, 'narrative', '同じ文')).toBe(rec);
  });

  it('stores an edited narrative that reads back from the list fields unchanged', () => {
    const row = overview?.rows.find((r) => r.narrativeRaw !== null);
    expect(row).toBeDefined();
    const edited = writeField(record(row), 'narrative', '【継続】書き換えた内容');
    const back = fromRowFields(toRowFields(edited));
    expect(back.ok && [back.value.row.narrative, back.value.row.narrativeRaw, back.value.row.tags]).toEqual(['【継続】書き換えた内容', null, ['継続']]);
  });
});
