import { describe, expect, it } from 'vitest';

import {
  canonicalJson,
  checkRowFields,
  fromReportFields,
  fromRowFields,
  pickOwnedFields,
  toDomainValue,
  toListRowKey,
  toReportFields,
  toRowFields,
  withoutPrintedForms,
} from '../../../src/core/lists/row-fields.js';
import { ROWS_LIST } from '../../../src/core/lists/schema.js';
import { makeRecord, makeReport, makeRow } from './make-row.js';

describe('toRowFields / fromRowFields', () => {
  it('round-trips a row with indicator values, survey answers and raw cells', () => {
    const row = makeRow({
      kind: 'indicator',
      status: 'undecided',
      statusRaw: '実施未定',
      reasonNotPlanned: '予算措置が未定のため',
      division: 'div-somu',
      reviewState: 'returned',
      crossRef: { focusItem: '生産性の向上', partial: true },
      indicatorCode: 'female-hiring',
      indicatorValues: [
        { category: '総合職', categoryRaw: '【総合職】', valueKind: 'current', seq: 0, valuePercent: 38.5, valueText: '38.5%', qualifier: null, notApplicable: false, asOfRaw: '令和6年4月1日', asOfPrecision: 'day', asOfStart: '2024-04-01', asOfEnd: '2024-04-01', note: null },
      ],
      surveyAnswers: [{ scope: '本省', scopeRaw: '本省', subField: null, subFieldRaw: null, choice: '導入済み又は令和7年度までに導入予定', text: '導入済み', source: { file: 'x.txt', line: 9 } }],
    });
    const record = { ...makeRecord(row), reviewComment: '数値の時点を確認してください' };
    const fields = toRowFields(record);
    expect(fields.Status).toBe('実施未定');
    expect(fields.RowKind).toBe('数値');
    expect(fields.ReviewState).toBe('差戻し');
    expect(fields.DivisionCode).toBe('div-somu');
    expect(fields.RowKey).toBe('soumu/2024/L-R7/L-R7/1-1');
    const back = fromRowFields(fields);
    expect(back).toEqual({ ok: true, value: record });
  });

  it('treats fields missing from a Graph response as empty', () => {
    const fields = toRowFields(makeRecord(makeRow({ outcome: null, division: null })));
    const sparse = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null));
    const back = fromRowFields(sparse);
    expect(back.ok && back.value.row.outcome).toBe(null);
    expect(back.ok && back.value.row.division).toBe(null);
  });

  it('accepts numbers sent back as strings', () => {
    const fields = { ...toRowFields(makeRecord()), FiscalYear: '2024', SortOrder: '7' };
    const back = fromRowFields(fields);
    expect(back.ok && back.value.fiscalYear).toBe(2024);
    expect(back.ok && back.value.row.sortOrder).toBe(7);
  });

  it('reports every broken field at once', () => {
    const fields = { ...toRowFields(makeRecord()), Status: '完了', RowKind: null, IndicatorValuesJson: '{oops' };
    const back = fromRowFields(fields);
    expect(back.ok).toBe(false);
    if (!back.ok) expect(back.error.map((i) => i.field).sort()).toEqual(['IndicatorValuesJson', 'RowKind', 'Status']);
  });

  it('writes JSON with sorted keys so equal rows give equal fields', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [{ f: 1, e: 2 }] } })).toBe('{"a":{"c":[{"e":2,"f":1}],"d":2},"b":1}');
    const a = toRowFields(makeRecord(makeRow({ crossRef: { focusItem: 'x', partial: false } })));
    const b = toRowFields(makeRecord(makeRow({ crossRef: { partial: false, focusItem: 'x' } })));
    expect(a).toEqual(b);
  });

  it('gives untitled rows (split lines, virtual parents) a label for the required Title and reads them back untitled', () => {
    const record = makeRecord(makeRow({ title: '', markerRaw: '(独自実施のもの)' }));
    const fields = toRowFields(record);
    expect(fields.Title).toBe('［(独自実施のもの)］');
    expect(fromRowFields(fields)).toEqual({ ok: true, value: record });
    const report = { ...makeReport({ rows: 0 }), title: '' };
    const back = fromReportFields(toReportFields(report, 0));
    expect(toReportFields(report, 0).Title).toBe('［soumu/2024/L-R7］');
    expect(back.ok && back.value.report.title).toBe('');
  });

  it('stores empty strings as null', () => {
    expect(toRowFields(makeRecord(makeRow({ outcome: '' }))).Outcome).toBe(null);
  });
});

describe('fromRowFields after an edit (coherent model)', () => {
  it('drops a printed form that no longer gives its edited value, keeps the others', () => {
    const record = makeRecord(makeRow({ outcome: '実施要領を改定した。', outcomeRaw: '実施要領を\n改定した。' }));
    const fields = toRowFields(record);
    // A division edits Narrative in SharePoint: SourceRaw (nobody edits it) still holds the printed narrative.
    const edited = { ...fields, Narrative: '【継続】在宅勤務の手引きを改訂した。', NarrativeEntriesJson: null };
    const back = fromRowFields(edited);
    if (!back.ok) throw new Error(JSON.stringify(back.error));
    expect(back.value.row.narrative).toBe('【継続】在宅勤務の手引きを改訂した。');
    expect(back.value.row.narrativeRaw).toBe(null);
    expect(back.value.row.outcomeRaw).toBe('実施要領を\n改定した。');
  });

  it('reads an unedited row back exactly as imported, printed forms included', () => {
    const record = makeRecord(makeRow({ outcome: '実施要領を改定した。', outcomeRaw: '実施要領を\n改定した。' }));
    expect(fromRowFields(toRowFields(record))).toEqual({ ok: true, value: record });
    expect(record.row.narrativeRaw).toBe('<p>【継続】テレワーク実施要領を周知した。</p>');
  });
});

describe('toListRowKey', () => {
  it('joins report and row keys', () => {
    expect(toListRowKey('soumu/2024/L-R7', 'L-R7/5-1')).toBe('soumu/2024/L-R7/L-R7/5-1');
  });

  it('hashes keys longer than a single line of text, deterministically and distinctly', () => {
    const long = 'あ'.repeat(300);
    const k1 = toListRowKey('r', long);
    const k2 = toListRowKey('r', `${long}い`);
    expect(k1.length).toBeLessThanOrEqual(255);
    expect(k1).toBe(toListRowKey('r', long));
    expect(k1).not.toBe(k2);
    expect(k1).toMatch(/#[0-9a-f]{16}$/);
  });
});

describe('checkRowFields', () => {
  it('flags text over 255 characters and choices outside the list', () => {
    const fields = { ...toRowFields(makeRecord()), Title: 'x'.repeat(256), Status: 'done' };
    const issues = checkRowFields(fields, 'k');
    expect(issues.map((i) => i.field)).toEqual(['Title', 'Status']);
    expect(issues[0]?.reason).toContain('256');
  });

  it('accepts a normal row', () => {
    expect(checkRowFields(toRowFields(makeRecord()), 'k')).toEqual([]);
  });
});

describe('report fields', () => {
  it('round-trips a report header', () => {
    const report = makeReport({ rows: 2 });
    const fields = toReportFields(report, 2);
    expect(fields.RowCount).toBe(2);
    expect(fields.Layout).toBe('L-R7');
    const back = fromReportFields(fields);
    const { rows: _rows, ...header } = report;
    expect(back).toEqual({ ok: true, value: { report: header, rowCount: 2 } });
  });
});

describe('pickOwnedFields', () => {
  it('keeps only list columns, turns numeric strings of number columns into numbers and drops service fields', () => {
    const picked = pickOwnedFields(ROWS_LIST, { '@odata.etag': '"x,1"', Modified: '2024-01-01T00:00:00Z', RowKey: 'k', FiscalYear: '2024', Narrative: '' });
    expect(picked.RowKey).toBe('k');
    expect(picked.FiscalYear).toBe(2024);
    expect(picked.Narrative).toBe(null);
    expect('Modified' in picked).toBe(false);
    expect(Object.keys(picked)).toHaveLength(ROWS_LIST.columns.length);
  });
});

describe('toDomainValue', () => {
  it('decodes choices and JSON for conflict display', () => {
    expect(toDomainValue('Status', '実施未定')).toBe('undecided');
    expect(toDomainValue('ReviewState', '承認済')).toBe('approved');
    expect(toDomainValue('IndicatorValuesJson', '[{"seq":0}]')).toEqual([{ seq: 0 }]);
    expect(toDomainValue('Narrative', 'text')).toBe('text');
    expect(toDomainValue('Narrative', null)).toBe(null);
  });
});

describe('withoutPrintedForms', () => {
  it('leaves out exactly the printed forms reconcileRaw may drop, and nothing else', () => {
    const fields = {
      SourceRaw: canonicalJson({ key: 'k', source: { file: 'f', line: 1 }, cells: [], statusRaw: '実施', narrativeRaw: '<p>a</p>', outcomeRaw: 'b' }),
      RowDetailJson: canonicalJson({ titleRich: '<b>t</b>', guidelineRefsRaw: 'Ⅱ-1', guidelineRefs: [], indicatorCode: 'X' }),
      Narrative: 'a',
    };
    expect(withoutPrintedForms(fields)).toEqual({
      SourceRaw: canonicalJson({ key: 'k', source: { file: 'f', line: 1 }, cells: [] }),
      RowDetailJson: canonicalJson({ guidelineRefs: [], indicatorCode: 'X' }),
      Narrative: 'a',
    });
    // Not JSON (edited by hand in SharePoint): compared as it is.
    expect(withoutPrintedForms({ SourceRaw: 'not json' })).toEqual({ SourceRaw: 'not json' });
  });
});
