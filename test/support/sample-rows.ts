/** StoredRows made from the sample 000 (総務省 令和5年度: the 重点項目 and 全体像 tables), for workbook sync tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { toListRowKey } from '../../src/core/lists/row-fields.js';
import type { Actor } from '../../src/core/permissions/rules.js';
import type { StoredRow } from '../../src/core/ports.js';
import { importBytes } from '../../src/io/import.js';

const SAMPLE = '000_af6c26688b7c18a9.txt';

/** Every non-heading row of 000, assigned to `division` (or each to a division of `divisions` in turn). */
export function sampleRows(division: string | ((i: number) => string) = 'div-somu'): StoredRow[] {
  const result = importBytes(SAMPLE, readFileSync(join(import.meta.dirname, '..', '..', 'samples', SAMPLE)));
  let i = 0;
  return result.reports.flatMap((report) =>
    report.rows
      .filter((row) => row.kind !== 'heading')
      .map((row): StoredRow => {
        const n = i++;
        return {
          rowKey: toListRowKey(report.key, row.key),
          reportKey: report.key,
          fiscalYear: report.fiscalYear ?? 2023,
          orgCode: 'soumu',
          row: { ...row, division: typeof division === 'string' ? division : division(n) },
          reviewComment: null,
          itemId: String(n + 1),
          eTag: `"{e${n}},1"`,
          lastModified: '2026-04-01T00:00:00Z',
        };
      }),
  );
}

export const SUZUKI: Actor = { displayName: '鈴木 一郎', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-somu' }] };
export const SOUMU_2023 = { site: 'localhost:/sites/followup', orgCode: 'soumu', fiscalYear: 2023, divisionCode: 'div-somu' } as const;
