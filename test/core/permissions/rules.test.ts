import { describe, expect, it } from 'vitest';

import { REVIEW_LIST } from '../../../src/core/lists/schema.js';
import { checkEdit, fieldGroupsOf, editableGroups, secretariatActor, type Actor } from '../../../src/core/permissions/rules.js';

const suzuki: Actor = { displayName: '鈴木 一郎', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-somu' }] };
const takahashi: Actor = { displayName: '高橋 健一', isSecretariat: false, reviewerOf: ['soumu'], divisions: [] };
const ownRow = { rowKey: 'r1', orgCode: 'soumu', divisionCode: 'div-somu' };
const otherRow = { rowKey: 'r2', orgCode: 'soumu', divisionCode: 'div-kikaku' };

describe('checkEdit', () => {
  it('lets a division member edit the division-owned fields of their own rows', () => {
    expect(checkEdit(suzuki, ownRow, ['Status', 'ReasonNotPlanned', 'Narrative', 'Outcome', 'IndicatorValuesJson', 'SurveyAnswersJson'])).toBe(null);
  });

  it("refuses another division's row, naming the owning division", () => {
    const denial = checkEdit(suzuki, otherRow, ['Narrative']);
    expect(denial?.reason).toBe('not-assigned-to-you');
    expect(denial?.messageJa).toContain('「div-kikaku」の担当です');
    expect(denial?.messageEn).toContain('belongs to division "div-kikaku"');
  });

  it('refuses an unassigned row and says who can assign it', () => {
    const denial = checkEdit(suzuki, { ...ownRow, divisionCode: null }, ['Status']);
    expect(denial?.reason).toBe('unassigned-row');
    expect(denial?.messageJa).toContain('取りまとめ担当に割り当てを依頼');
  });

  it('refuses structure and review fields to a division member, listing them', () => {
    const denial = checkEdit(suzuki, ownRow, ['Narrative', 'Title', 'ReviewState']);
    expect(denial).toMatchObject({ reason: 'field-not-editable', fields: ['Title', 'ReviewState'] });
    expect(denial?.messageEn).toContain('Title, ReviewState');
  });

  it('lets reviewers edit only review fields of their organisation, in FollowUpReview (schema 6), never a row', () => {
    const review = fieldGroupsOf(REVIEW_LIST);
    expect(checkEdit(takahashi, otherRow, ['State', 'Comment', 'CommentField'], review)).toBe(null);
    expect(checkEdit(takahashi, otherRow, ['ReviewState', 'ReviewComment'])?.reason).toBe('field-not-editable');
    expect(checkEdit(takahashi, otherRow, ['Narrative'])?.reason).toBe('field-not-editable');
    expect(checkEdit(takahashi, { ...otherRow, orgCode: 'mof' }, ['State'], review)?.reason).toBe('field-not-editable');
  });

  it('lets the secretariat edit everything but the immutable keys', () => {
    const sato = secretariatActor('佐藤 花子');
    expect(checkEdit(sato, otherRow, ['Title', 'DivisionCode', 'Narrative', 'ReviewState'])).toBe(null);
    expect(checkEdit(sato, otherRow, ['RowKey'])).toMatchObject({ reason: 'immutable-field', fields: ['RowKey'] });
  });

  it('combines roles: a reviewer who is also a division member', () => {
    const both: Actor = { ...suzuki, reviewerOf: ['soumu'] };
    expect([...editableGroups(both, ownRow)].sort()).toEqual(['division', 'review']);
    expect([...editableGroups(both, otherRow)]).toEqual(['review']);
  });
});
