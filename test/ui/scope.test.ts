import { describe, expect, it } from 'vitest';

import type { Division, SiteMembership } from '../../src/core/divisions/division.js';
import type { StoredRow } from '../../src/core/ports.js';
import { importSamples } from '../../src/entries/embedded.js';
import { parseScopeParams, toScopeSearch } from '../../src/ui/app/scope-url.js';
import { groupRows, layoutOfReportKey } from '../../src/ui/components/RowsTable/group-rows.js';
import { contentLines } from '../../src/ui/components/RowsTable/row-content.js';
import { createTranslator } from '../../src/ui/i18n/i18n.js';
import { chooseDivision } from '../../src/ui/views/scope-defaults.js';

const div = (code: string, name: string, extra: Partial<Division> = {}): Division => ({ orgCode: 'soumu', code, name, groupName: name, channelId: null, channelName: name, guidance: null, sortOrder: 0, ...extra });
const DIVISIONS = [div('div-somu', '大臣官房総務課', { channelId: '19:somu@thread.tacv2' }), div('div-kikaku', '大臣官房企画課'), div('div-joho', '情報流通行政局'), div('div-jichi', '自治行政局')];
const member = (codes: string[], roles: Partial<SiteMembership> = {}): SiteMembership => ({ displayName: 'x', orgCode: 'soumu', isSecretariat: false, isReviewer: false, divisions: DIVISIONS.filter((d) => codes.includes(d.code)), ...roles });

describe('scope in the URL', () => {
  it('round-trips a division scope and an all-divisions scope', () => {
    const one = { site: 'https://localhost:3000/sites/followup', orgCode: 'soumu', fiscalYear: 2023, divisionCode: 'div-somu' };
    expect(parseScopeParams(toScopeSearch(one))).toEqual(one);
    expect(parseScopeParams(toScopeSearch({ ...one, divisionCode: null })).divisionCode).toBeNull();
  });

  it('ignores what is not a scope: no division given, a bad year, a site that is not https', () => {
    expect(parseScopeParams('?fy=20x3&site=javascript:alert(1)')).toEqual({ site: null, orgCode: null, fiscalYear: null, divisionCode: undefined });
  });
});

describe('chooseDivision', () => {
  it("opens a member's only division, without an all-divisions choice", () => {
    expect(chooseDivision(undefined, member(['div-kikaku']), DIVISIONS, null)).toMatchObject({ divisionCode: 'div-kikaku', allowAll: false, fromChannel: null });
  });

  it('takes the Teams channel\'s division (by id) over the user\'s own', () => {
    expect(chooseDivision(undefined, member(['div-kikaku']), DIVISIONS, { id: '19:somu@thread.tacv2', displayName: '総務課チャネル' })).toMatchObject({ divisionCode: 'div-somu', fromChannel: '総務課チャネル' });
  });

  it('offers all divisions to a member of two and to the secretariat, who opens on all', () => {
    expect(chooseDivision(undefined, member(['div-joho', 'div-jichi']), DIVISIONS, null)).toMatchObject({ divisionCode: 'div-joho', allowAll: true });
    expect(chooseDivision(undefined, member([], { isSecretariat: true }), DIVISIONS, null)).toMatchObject({ divisionCode: null, allowAll: true });
  });

  it('keeps a requested division it knows, and refuses "all" to a single-division member', () => {
    expect(chooseDivision('div-jichi', member(['div-somu']), DIVISIONS, null).divisionCode).toBe('div-jichi');
    expect(chooseDivision(null, member(['div-somu']), DIVISIONS, null).divisionCode).toBe('div-somu');
    expect(chooseDivision('div-nope', member(['div-somu']), DIVISIONS, null).divisionCode).toBe('div-somu');
  });
});

/** 総務省 令和5年度 as imported from the samples, stored-row shaped. */
function soumu2023(): StoredRow[] {
  const reports = importSamples().reports.filter((r) => r.organizationCode === 'soumu' && r.fiscalYear === 2023);
  return reports
    .flatMap((r) => r.rows.map((row) => ({ r, row })))
    .reverse() // the lists answer in any order
    .map(({ r, row }, i) => ({ rowKey: `${r.key}/${row.key}`, reportKey: r.key, fiscalYear: 2023, orgCode: 'soumu', row, reviewComment: null, itemId: String(i + 1), eTag: `"e,${i}"`, lastModified: '2026-01-01T00:00:00Z' }));
}

describe('groupRows', () => {
  it('prints the 重点項目 table, then the overview grouped under its 大項目 in printed order', () => {
    const tables = groupRows(soumu2023());
    expect(tables.map((t) => [t.layout, t.rowCount])).toEqual([
      ['L-R5-FOCUS', 2],
      ['L-R5-OVERVIEW', 15],
    ]);
    expect(tables[0]?.groups.map((g) => [g.majorItem, g.rows.map((r) => r.row.title)])).toEqual([[null, ['モチベーションの向上', '生産性の向上']]]);
    const overview = tables[1]!;
    expect(overview.groups.map((g) => [g.majorItem, g.rows.length])).toEqual([
      ['ワークライフバランスの推進のための働き方改革', 10],
      ['女性の活躍推進のための改革', 4],
      ['推進体制等', 1],
    ]);
    expect(overview.groups[0]?.rows.slice(0, 4).map((r) => r.row.title)).toEqual(['業務効率化・デジタル化の推進', '業務の廃止等による業務見直し・効率化', '勤務時間管理のシステム化と勤務時間管理の徹底', '勤務時間管理システムの導入状況']);
  });

  it('reads the layout from report keys of both shapes', () => {
    expect([layoutOfReportKey('soumu/2023/L-R5-FOCUS'), layoutOfReportKey('L-R6-COMPILATION/2024/cas'), layoutOfReportKey('odd')]).toEqual(['L-R5-FOCUS', 'L-R6-COMPILATION', 'odd']);
  });
});

describe('contentLines', () => {
  const t = createTranslator('ja');
  const rows = soumu2023();
  const byTitle = (title: string) => rows.find((r) => r.row.title === title)!.row;

  it('shows 数値 values with their kind and the date as printed', () => {
    expect(contentLines(byTitle('男性職員の育児休業取得率'), t)).toEqual(['目標: 30%（令和3年度）', '現状: 66.3%（令和4年度）', '目標設定時: 49.4%（令和3年度）', '注記: ※目標については、令和6年3月に1週間以上の取得率を85%に改正']);
  });

  it('shows 調査 answers and 取組 narratives as text lines', () => {
    expect(contentLines(byTitle('勤務時間管理システムの導入状況'), t).length).toBeGreaterThan(0);
    expect(contentLines(byTitle('各府省等における取組の推進'), t)[0]).toMatch(/^【継続】令和5年7月～9月を働き方改革の集中取組期間とし/);
  });
});
