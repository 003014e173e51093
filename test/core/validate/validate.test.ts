import { describe, expect, it } from 'vitest';

import { ImportIssue } from '../../../src/core/model/schema.js';
import { renderTemplate, toImportIssues, validateReport, validateRow } from '../../../src/core/validate/index.js';
import { makeReport, makeRow, makeSource } from '../../support/builders.js';

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
