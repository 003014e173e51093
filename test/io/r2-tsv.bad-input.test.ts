import { describe, expect, it } from 'vitest';

import { ImportResult } from '../../src/core/model/schema.js';
import { importText, SEED_003, SEED_004, seedText } from './tsv/seeds.js';

const lines003 = seedText(SEED_003).split('\n');

describe('L-R2 import of a truncated file', () => {
  it('flags a row cut in the middle (after its status cell) with TRUNCATED_ROW and its rowKey, and keeps earlier rows', () => {
    const cut = [...lines003.slice(0, 86), (lines003[86] ?? '').split('\t').slice(0, 5).join('\t')].join('\n');
    const result = importText(SEED_003, cut);
    expect(ImportResult.safeParse(result).success).toBe(true);
    const report = result.reports[0];
    const last = report?.rows[report.rows.length - 1];
    expect(last).toMatchObject({ key: 'L-R2/女性の活躍推進のための改革/4/ア', status: 'undecided', reasonNotPlanned: null });
    const issue = report?.issues.find((i) => i.code === 'TRUNCATED_ROW');
    expect(issue).toMatchObject({ severity: 'error', line: 87, rowKey: last?.key, col: 5 });
    expect(issue?.message).toContain('87行目');
    expect(issue?.messageEn).toContain('line 87');
    expect(report?.rows).toHaveLength(39);
  });

  it('flags a file cut inside an HTML cell with TRUNCATED_CELL on that row', () => {
    const line7 = lines003[6] ?? '';
    const cutAt = line7.indexOf('</p>');
    const result = importText(SEED_003, [...lines003.slice(0, 6), line7.slice(0, cutAt - 5)].join('\n'));
    const report = result.reports[0];
    expect(report?.rows).toHaveLength(1);
    const codes = report?.issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.line, i.rowKey]);
    expect(codes).toEqual([
      ['TRUNCATED_ROW', 7, 'L-R2/働き方改革/1'],
      ['TRUNCATED_CELL', 7, 'L-R2/働き方改革/1'],
      // The template's last 大項目 (その他) never came: the report as a whole is incomplete too.
      ['TRUNCATED_DOCUMENT', 7, 'L-R2/働き方改革/1'],
    ]);
  });
});

describe('L-R2 import of variant encodings', () => {
  it('reads CRLF line endings exactly like LF', () => {
    const lf = importText(SEED_003, seedText(SEED_003)).reports[0];
    const crlf = importText(SEED_003, seedText(SEED_003).replace(/\n/g, '\r\n')).reports[0];
    expect(crlf?.rows.map((r) => [r.key, r.title, r.status, r.narrativeRaw])).toEqual(lf?.rows.map((r) => [r.key, r.title, r.status, r.narrativeRaw]));
  });

  it('ignores extra trailing tabs on every line (004)', () => {
    const padded = seedText(SEED_004)
      .split('\n')
      .map((l) => `${l}\t\t\t`)
      .join('\n');
    const plain = importText(SEED_004, seedText(SEED_004)).reports[0];
    const report = importText(SEED_004, padded).reports[0];
    expect(report?.rows.map((r) => [r.key, r.title, r.narrativeRaw, r.outcomeRaw])).toEqual(plain?.rows.map((r) => [r.key, r.title, r.narrativeRaw, r.outcomeRaw]));
    expect(report?.issues.filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('keeps a non-empty cell beyond the table width as an extra cell with its position', () => {
    const lines = seedText(SEED_004).split('\n');
    lines[6] = `${lines[6] ?? ''}\t\t余分なセル`;
    const row = importText(SEED_004, lines.join('\n')).reports[0]?.rows[0];
    expect(row?.cells.find((c) => c.text === '余分なセル')).toEqual({ text: '余分なセル', line: 7, col: 5, role: 'extra' });
  });
});
