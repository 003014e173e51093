/** --org against the printed 府省等 and the catalogue, in every TSV importer (#2). */
import { describe, expect, it } from 'vitest';

import type { ImportResult } from '../../src/core/model/schema.js';
import { importSeed, SEED_000, SEED_003, SEED_004 } from './tsv/seeds.js';

const orgIssues = (r: ImportResult): unknown[] =>
  r.reports
    .flatMap((rep) => rep.issues)
    .filter((i) => i.field === 'organization')
    .map((i) => ({ severity: i.severity, code: i.code, line: i.line, value: i.value, proposal: i.proposal }));

describe('--org', () => {
  it('000: a different --org than the printed 総務省 is reported on both tables; the printed name is kept', () => {
    const r = importSeed(SEED_000, { org: '外務省' });
    expect(r.reports.map((rep) => [rep.organization, rep.organizationCode, rep.organizationSource])).toEqual([
      ['総務省', 'soumu', 'printed'],
      ['総務省', 'soumu', 'printed'],
    ]);
    const conflict = { severity: 'warning', code: 'ORG_OPTION_CONFLICT', value: '外務省', proposal: { value: '総務省', confidence: 1 } };
    expect(orgIssues(r)).toEqual([
      { ...conflict, line: 3 },
      { ...conflict, line: 11 },
    ]);
    expect(r.reports[0]?.issues.find((i) => i.code === 'ORG_OPTION_CONFLICT')?.message).toBe(
      '000_af6c26688b7c18a9.txt: 指定された府省等「外務省」は文書に印字された「総務省」と異なります。印字された「総務省」で取り込みました。',
    );
  });

  it('000: --org naming the printed 府省等 raises nothing', () => {
    expect(orgIssues(importSeed(SEED_000, { org: '総務省' }))).toEqual([]);
  });

  it('003 and 004: an --org outside the catalogue gives UNKNOWN_ORGANIZATION and no code', () => {
    for (const seed of [SEED_003, SEED_004]) {
      const r = importSeed(seed, { org: '架空省' });
      expect(r.reports.map((rep) => [rep.organization, rep.organizationCode, rep.organizationSource])).toEqual([['架空省', null, 'option']]);
      expect(orgIssues(r).map((i) => ({ ...(i as object), line: 0 }))).toEqual([
        { severity: 'warning', code: 'UNKNOWN_ORGANIZATION', line: 0, value: '架空省', proposal: undefined },
      ]);
    }
  });

  it('003: a known --org gives its code without an issue', () => {
    const r = importSeed(SEED_003, { org: '財務省' });
    expect(r.reports.map((rep) => rep.organizationCode)).toEqual(['mof']);
    expect(orgIssues(r)).toEqual([]);
  });
});
