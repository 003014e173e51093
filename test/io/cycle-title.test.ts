/**
 * The fiscal year of a report from its title, on altered copies of every TSV seed (held out: the seeds print
 * 令和N年度 only): the title written with an abbreviated era (R5年度, Ｒ５年度, H30年度) reads as the full one; a
 * document without its title lines warns (which document, what is missing, how to give it) and `year` supplies it.
 */
import { describe, expect, it } from 'vitest';

import { parseFiscalYear } from '../../src/core/era/index.js';
import type { ImportResult } from '../../src/core/model/schema.js';
import { importText, SEED_000, SEED_003, SEED_004, seedText } from './tsv/seeds.js';

/**
 * The seeds' title lines: `令和5年度 総務省における…`, `## 令和2年度 …フォローアップ`, and 004's `…フォローアップ` over
 * `(令和7年度)`, or both on one line where a page repeats it.
 */
const TITLE_LINE = /^(?:##\s*)?令和\d+年度\s|(?:^|フォローアップ\s*)\(令和\d+年度\)$/;
const SEEDS = [
  { file: SEED_000, options: {} },
  { file: SEED_003, options: { org: '財務省' } },
  { file: SEED_004, options: { org: '総務省' } },
];

const alter = (text: string, edit: (line: string) => string | null): string =>
  text
    .split('\n')
    .flatMap((line) => {
      if (!TITLE_LINE.test(line)) return [line];
      const changed = edit(line);
      return changed === null ? [] : [changed];
    })
    .join('\n');

const summary = (r: ImportResult): unknown[] => r.reports.map((rep) => [rep.layout, rep.organization, rep.organizationSource, rep.fiscalYear, rep.rows.length]);
const codes = (r: ImportResult): string[] => [...new Set(r.reports.flatMap((rep) => rep.issues.map((i) => i.code)))].sort();

describe('fiscal year from the title', () => {
  for (const { file, options } of SEEDS) {
    const original = importText(file, seedText(file), options);
    const year = original.reports[0]!.fiscalYear!;

    it(`${file}: an abbreviated era in the title (R/Ｒ, and H for a 平成 year) reads as the full one`, () => {
      expect(seedText(file).split('\n').filter((l) => TITLE_LINE.test(l)).length).toBeGreaterThan(0);
      const r = importText(file, alter(seedText(file), (l) => l.replace(/令和(\d+)年度/, 'R$1年度')), options);
      expect(summary(r)).toEqual(summary(original));
      expect(codes(r)).toEqual(codes(original));
      const wide = importText(file, alter(seedText(file), (l) => l.replace(/令和(\d+)年度/, (_, n: string) => `Ｒ${n.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))}年度`)), options);
      expect(summary(wide)).toEqual(summary(original));
      // 令和N = 平成(N+30): the same year written in the older era.
      const heisei = importText(file, alter(seedText(file), (l) => l.replace(/令和(\d+)年度/, (_, n: string) => `H${Number(n) + 30}年度`)), options);
      expect(heisei.reports.map((rep) => rep.fiscalYear)).toEqual(original.reports.map((rep) => rep.fiscalYear));
      expect(heisei.reports.map((rep) => rep.organization)).toEqual(original.reports.map((rep) => rep.organization));
    });

    it(`${file}: without its title lines, warns which document lacks the year and how to give it; year supplies it`, () => {
      const text = alter(seedText(file), () => null);
      const r = importText(file, text, options);
      expect(r.reports.length).toBeGreaterThan(0);
      for (const rep of r.reports) {
        expect(rep.fiscalYear).toBeNull();
        const warning = rep.issues.find((i) => i.code === 'YEAR_NOT_PRINTED');
        expect(warning?.severity).toBe('warning');
        expect(warning?.message).toContain(file);
        expect(warning?.message).toContain('--year');
        expect(warning?.messageEn).toMatch(/no fiscal year .*--year 2023/);
      }
      const given = importText(file, text, { ...options, year });
      expect(given.reports.map((rep) => rep.fiscalYear)).toEqual(original.reports.map(() => year));
      expect(given.reports.flatMap((rep) => rep.issues).filter((i) => i.code === 'YEAR_NOT_PRINTED')).toEqual([]);
      // A given year that differs from the printed one: the printed one wins, with a warning.
      const conflict = importText(file, seedText(file), { ...options, year: year + 1 });
      expect(conflict.reports.map((rep) => rep.fiscalYear)).toEqual(original.reports.map((rep) => rep.fiscalYear));
      expect(conflict.reports[0]!.issues.some((i) => i.code === 'YEAR_OPTION_CONFLICT')).toBe(true);
    });
  }

  it('parses --year as typed', () => {
    expect(['2023', 'FY2023', '2023年度', '令和5年度', '令和５年度', 'R5', 'r5', 'Ｒ５', 'R5年度', 'H35年度'].map(parseFiscalYear)).toEqual(Array(10).fill(2023));
    expect(['H30', 'R元', '平成30年度'].map(parseFiscalYear)).toEqual([2018, 2019, 2018]);
    expect(['5', 'R', '令和', 'abc', '2023年'].map(parseFiscalYear)).toEqual([null, null, null, null, null]);
  });
});
