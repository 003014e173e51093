/**
 * Lossless rule (#2 item 2): beside every normalised indicator value, guideline reference and survey answer sits its
 * source position, and that position is a raw cell of the row whose text contains the value's raw text.
 */
import { describe, expect, it } from 'vitest';

import type { Row, SourceRef } from '../../src/core/model/schema.js';
import { importSeed, SEED_000, SEED_002, SEED_003, SEED_004 } from './tsv/seeds.js';

/** Compares text without markup, whitespace or PDF line breaks (the raw fields join wrapped lines). */
const squeeze = (t: string): string => t.replace(/<[^>]*>/g, '').replace(/&nbsp;/g, '').replace(/[\s\u3000]+/g, '');

function cellAt(row: Row, source: SourceRef | undefined): string | null {
  if (!source) return null;
  const cell = row.cells.find((c) => c.line === source.line && c.col === source.col);
  return cell ? squeeze(cell.text) : null;
}

describe('lossless: raw text and position beside every normalised value', () => {
  for (const seed of [SEED_000, SEED_002, SEED_003, SEED_004]) {
    it(`${seed}: indicator values, guideline references and survey answers point at the raw cell holding them`, () => {
      const result = importSeed(seed);
      let checked = 0;
      for (const report of result.reports) {
        for (const row of report.rows) {
          for (const v of row.indicatorValues) {
            const cell = cellAt(row, v.source);
            expect(cell, `${row.key} ${v.valueKind} ${v.valueText}`).not.toBeNull();
            expect(cell).toContain(squeeze(v.valueText));
            if (v.asOfRaw !== null) expect(cell).toContain(squeeze(v.asOfRaw));
            checked++;
          }
          for (const ref of row.guidelineRefs) {
            const cell = cellAt(row, ref.source);
            expect(cell, `${row.key} ${ref.raw}`).not.toBeNull();
            expect(cell).toContain(squeeze(ref.raw));
            checked++;
          }
          for (const a of row.surveyAnswers) {
            const cell = cellAt(row, a.source);
            expect(cell, `${row.key} ${a.text}`).not.toBeNull();
            expect(cell).toContain(squeeze(a.text));
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    });
  }

  it('000 line 25: 現状 66.3%（令和4年度） keeps its raw text and cell 25:4', () => {
    const row = importSeed(SEED_000).reports[1]?.rows.find((r) => r.title === '男性職員の育児休業取得率');
    expect(row?.indicatorValues.find((v) => v.valueKind === 'current')).toMatchObject({
      valueText: '66.3%',
      asOfRaw: '令和4年度',
      source: { file: SEED_000, line: 25, col: 4 },
    });
  });

  it('002 内閣官房 first row: its Ｂ reference keeps the printed lines 27–29 of the cell', () => {
    const ref = importSeed(SEED_002).reports[0]?.rows[0]?.guidelineRefs[0];
    expect(ref).toMatchObject({
      raw: 'Ⅳ．推進体制等（１）部局長のリーダーシップの発揮と推進体制',
      resolution: 'plan-specific',
      source: { file: SEED_002, line: 27, col: 2, endLine: 29 },
    });
  });
});
