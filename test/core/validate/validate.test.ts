import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { ValidationError } from '../../../src/core/errors.js';
import { ImportIssue, LAYOUTS, ROW_KINDS } from '../../../src/core/model/schema.js';
import {
  hasErrors,
  renderTemplate,
  toImportIssues,
  toValidationError,
  validateReport,
  validateRow,
} from '../../../src/core/validate/index.js';
import { makeIndicatorValue, makeReport, makeRow, makeSource } from '../../support/builders.js';

describe('validateRow messages', () => {
  it('names file, line, row, field and reason in Japanese and English', () => {
    const row = makeRow({ key: 'L-R5-OVERVIEW/Ⅱ/2', status: 'undecided', source: makeSource({ line: 18, col: 2 }) });
    const [issue] = validateRow(row, makeReport({ rows: [row] }));
    expect(issue).toEqual({
      ruleId: 'reason-required-when-undecided',
      severity: 'error',
      row: 'L-R5-OVERVIEW/Ⅱ/2',
      field: 'reasonNotPlanned',
      reason: 'reason-required-when-undecided',
      message:
        '000_af6c26688b7c18a9.txt 18行目 行「L-R5-OVERVIEW/Ⅱ/2」 項目「実施未定の場合の理由」: 実施状況が「実施未定」ですが、実施未定の場合の理由が記入されていません。',
      messageEn:
        '000_af6c26688b7c18a9.txt line 18, row "L-R5-OVERVIEW/Ⅱ/2", field reasonNotPlanned: status is 実施未定 (undecided) but no reason is given.',
      source: { file: '000_af6c26688b7c18a9.txt', line: 18, col: 2 },
    });
  });
});

describe('validateReport', () => {
  it('collects every issue of every row, in row order', () => {
    const a = makeRow({ key: 'a', status: 'undecided' });
    const b = makeRow({ key: 'b', status: null, narrative: null });
    const issues = validateReport(makeReport({ rows: [a, b] }));
    expect(issues.map((i) => [i.row, i.ruleId])).toEqual([
      ['a', 'reason-required-when-undecided'],
      ['b', 'status-required'],
    ]);
  });
});

describe('toImportIssues', () => {
  it('converts to schema-valid ImportIssues placed at the row source', () => {
    const row = makeRow({ key: 'k', reasonNotPlanned: '検討中', source: makeSource({ line: 21, col: 3 }) });
    const report = makeReport({ rows: [row] });
    const out = toImportIssues(validateReport(report), report);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ severity: 'warning', code: 'reason-without-undecided', file: '000_af6c26688b7c18a9.txt', line: 21, col: 3, field: 'reasonNotPlanned', value: '検討中', rowKey: 'k' });
    for (const i of out) expect(ImportIssue.safeParse(i).success).toBe(true);
  });
});

describe('renderTemplate', () => {
  it('fills known placeholders and leaves unknown ones', () => {
    expect(renderTemplate('{a} と {b}', { a: 1 })).toBe('1 と {b}');
  });
});

describe('hasErrors / toValidationError', () => {
  it('blocks on errors only, carrying the error issues', () => {
    const warnOnly = validateReport(makeReport({ rows: [makeRow({ reasonNotPlanned: '検討中' })] }));
    expect(hasErrors(warnOnly)).toBe(false);
    expect(toValidationError(warnOnly)).toBeNull();
    const withError = validateReport(makeReport({ rows: [makeRow({ status: 'undecided' })] }));
    expect(hasErrors(withError)).toBe(true);
    const e = toValidationError(withError);
    expect(e).toBeInstanceOf(ValidationError);
    expect(e?.issues.map((i) => i.reason)).toEqual(['reason-required-when-undecided']);
  });
});

describe('validateReport on arbitrary rows', () => {
  it('never throws and names the row and field of every issue', () => {
    const text = fc.option(fc.string({ maxLength: 30 }), { nil: null });
    const rowArb = fc.record({
      kind: fc.constantFrom(...ROW_KINDS),
      status: fc.constantFrom('implemented' as const, 'undecided' as const, null),
      reasonNotPlanned: text,
      narrative: text,
      title: fc.string({ maxLength: 20 }),
      percent: fc.option(fc.double({ min: -1000, max: 1000, noNaN: false }), { nil: null }),
      splitKind: fc.constantFrom('独自実施のもの' as const, null),
    });
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 6 }), fc.constantFrom(...LAYOUTS), (specs, layout) => {
        const rows = specs.map((s, i) =>
          makeRow({
            key: `r${i}`,
            kind: s.kind,
            status: s.status,
            reasonNotPlanned: s.reasonNotPlanned,
            narrative: s.narrative,
            title: s.title,
            splitKind: s.splitKind,
            indicatorValues: [makeIndicatorValue({ valuePercent: s.percent })],
          }),
        );
        const issues = validateReport(makeReport({ layout, rows }));
        for (const i of issues) {
          expect(i.row).toBeDefined();
          expect(i.message).toContain(`行「${i.row ?? ''}」`);
          expect(i.messageEn).toContain(`field ${i.field}`);
        }
      }),
      { numRuns: 200 },
    );
  });
});
