import { describe, expect, it } from 'vitest';

import { actorOf, divisionForChannel, fromDivisionFields, latestCycle, membershipFromGroups, toDivisionFields, type Division } from '../../../src/core/divisions/division.js';
import { REVIEW_LIST } from '../../../src/core/lists/schema.js';
import { checkEdit, fieldGroupsOf } from '../../../src/core/permissions/rules.js';

const somu: Division = { orgCode: 'soumu', code: 'div-somu', name: '大臣官房総務課', groupName: '大臣官房総務課', channelId: '19:a@thread.tacv2', channelName: '総務課', guidance: '理由を必ず記入', sortOrder: 10 };
const joho: Division = { ...somu, code: 'div-joho', name: '情報流通行政局', groupName: '情報流通行政局', channelId: null, channelName: '情報流通', sortOrder: 50 };
const other: Division = { ...somu, orgCode: 'mof', code: 'div-somu', name: '財務省大臣官房', groupName: 'MOF 総務' };
const ROLES = { secretariat: '大臣官房秘書課', reviewers: '働き方改革推進委員会' };

describe('FollowUpDivisions mapping', () => {
  it('round-trips a division and keys it by ministry and code', () => {
    const fields = toDivisionFields({ ...somu, guidance: '  ' });
    expect(fields).toMatchObject({ Title: '大臣官房総務課', DivisionKey: 'soumu/div-somu', Guidance: null, SortOrder: 10 });
    const back = fromDivisionFields(fields, '7');
    expect(back).toEqual({ ok: true, value: { ...somu, guidance: null } });
  });

  it('names each missing key of a hand-edited item instead of dropping it', () => {
    const r = fromDivisionFields({ Title: '', OrgCode: 'soumu' }, '12');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.map((i) => [i.row, i.field])).toEqual([['12', 'DivisionCode'], ['12', 'Title']]);
  });
});

describe('membershipFromGroups', () => {
  it('finds roles and the divisions of the ministry from SharePoint group titles, case-insensitively', () => {
    const m = membershipFromGroups('小林 恵', 'soumu', ['情報流通行政局', 'MOF 総務', '大臣官房総務課'.toUpperCase()], [joho, somu, other], ROLES);
    expect(m.isSecretariat).toBe(false);
    expect(m.divisions.map((d) => d.code)).toEqual(['div-somu', 'div-joho']);
    expect(actorOf(m)).toEqual({ displayName: '小林 恵', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-somu' }, { orgCode: 'soumu', divisionCode: 'div-joho' }] });
  });

  it('gives the permission rule what it needs: a reviewer may not write division fields', () => {
    const reviewer = actorOf(membershipFromGroups('高橋 健一', 'soumu', ['働き方改革推進委員会'], [somu], ROLES));
    expect(reviewer.reviewerOf).toEqual(['soumu']);
    expect(checkEdit(reviewer, { rowKey: 'k', orgCode: 'soumu', divisionCode: 'div-somu' }, ['Narrative'])?.reason).toBe('field-not-editable');
    // Schema 6 (#12): the review lives in FollowUpReview; on a row a reviewer writes nothing.
    expect(checkEdit(reviewer, { rowKey: 'k', orgCode: 'soumu', divisionCode: 'div-somu' }, ['ReviewComment'])?.reason).toBe('field-not-editable');
    expect(checkEdit(reviewer, { rowKey: 'k', orgCode: 'soumu', divisionCode: 'div-somu' }, ['State', 'Comment'], fieldGroupsOf(REVIEW_LIST))).toBeNull();
  });
});

describe('divisionForChannel and latestCycle', () => {
  it('matches a channel by id, else by name', () => {
    expect(divisionForChannel([somu, joho], { id: '19:a@thread.tacv2', displayName: 'x' })?.code).toBe('div-somu');
    expect(divisionForChannel([somu, joho], { id: '19:z', displayName: '情報流通' })?.code).toBe('div-joho');
    expect(divisionForChannel([somu, joho], null)).toBeUndefined();
  });

  it('picks the latest fiscal year that has rows', () => {
    expect(latestCycle([{ fiscalYear: 2023, rows: 17 }, { fiscalYear: 2025, rows: 0 }, { fiscalYear: 2024, rows: 2 }])).toBe(2024);
    expect(latestCycle([])).toBeNull();
  });
});
