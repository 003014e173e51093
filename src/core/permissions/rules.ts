/**
 * Who may edit what (#4, domain §8.1/§8.4). Pure rule with clear ja/en messages, checked before anything is sent.
 *
 * - The secretariat (秘書課・人事課, 取りまとめ) edits everything except immutable keys.
 * - A division member edits only rows assigned to one of their divisions, and only the division-owned fields
 *   (status, reason, narrative, outcome, indicator values, survey answers).
 * - A reviewer edits the review fields of their organisation's rows — since schema 6 in FollowUpReview (pass its
 *   field groups), never a FollowUpRows item: there the review columns are the secretariat's (#12, src/core/review).
 *
 * The real enforcement is SharePoint's item permissions, set by the store when rows are assigned (division group:
 * Edit on its rows only; divisions read the whole ministry's rows). SharePoint has no field-level permission, so the field restriction inside a row the user
 * may edit is enforced by this rule and the UI (docs/lists.md).
 */
import { FieldGroup, ROWS_LIST, type ListSchema } from '../lists/schema.js';

export interface DivisionMembership {
  orgCode: string;
  divisionCode: string;
}

/** The signed-in user's roles. A user may hold several (a reviewer who is also a division member). */
export interface Actor {
  /** Shown in messages; never a UPN or e-mail (no PII in messages and logs). */
  displayName: string;
  isSecretariat: boolean;
  /** Organisations whose rows the user reviews. */
  reviewerOf: readonly string[];
  divisions: readonly DivisionMembership[];
}

/** The row being edited: who owns it. */
export interface RowOwnership {
  rowKey: string;
  orgCode: string;
  divisionCode: string | null;
}

export type DenialReason = 'immutable-field' | 'not-assigned-to-you' | 'unassigned-row' | 'field-not-editable';

export interface Denial {
  reason: DenialReason;
  rowKey: string;
  /** Fields the actor may not change in this row. */
  fields: string[];
  messageJa: string;
  messageEn: string;
}

/** Column name → field group, from the list schema. */
export function fieldGroupsOf(list: ListSchema): ReadonlyMap<string, FieldGroup> {
  return new Map(list.columns.map((c) => [c.name, c.group]));
}

const ROW_GROUPS = fieldGroupsOf(ROWS_LIST);

/** The field groups an actor may edit in a given row. */
export function editableGroups(actor: Actor, row: RowOwnership): Set<FieldGroup> {
  const groups = new Set<FieldGroup>();
  if (actor.isSecretariat) {
    groups.add(FieldGroup.Structure);
    groups.add(FieldGroup.Division);
    groups.add(FieldGroup.Review);
  }
  if (actor.reviewerOf.includes(row.orgCode)) groups.add(FieldGroup.Review);
  if (row.divisionCode !== null && actor.divisions.some((d) => d.orgCode === row.orgCode && d.divisionCode === row.divisionCode)) {
    groups.add(FieldGroup.Division);
  }
  return groups;
}

const GROUP_JA: Record<FieldGroup, string> = {
  immutable: '変更できない項目',
  structure: '構成・担当の項目（取りまとめ担当のみ）',
  division: '担当部局・課室の記入項目',
  review: '確認欄（確認者のみ）',
};

/**
 * Checks that `actor` may change `fields` of `row`. Returns null when allowed, else the denial with a message.
 * Unknown fields are treated as structure fields (secretariat only).
 */
export function checkEdit(actor: Actor, row: RowOwnership, fields: readonly string[], groupsByField: ReadonlyMap<string, FieldGroup> = ROW_GROUPS): Denial | null {
  const allowed = editableGroups(actor, row);
  const immutable = fields.filter((f) => groupsByField.get(f) === FieldGroup.Immutable);
  if (immutable.length > 0) {
    return {
      reason: 'immutable-field',
      rowKey: row.rowKey,
      fields: immutable,
      messageJa: `${immutable.join('、')} は作成後に変更できません（行 ${row.rowKey}）。`,
      messageEn: `${immutable.join(', ')} cannot be changed after the row is created (row ${row.rowKey}).`,
    };
  }
  const denied = fields.filter((f) => !allowed.has(groupsByField.get(f) ?? FieldGroup.Structure));
  if (denied.length === 0) return null;
  const wantsDivisionFields = denied.some((f) => groupsByField.get(f) === FieldGroup.Division);
  const isMemberSomewhere = actor.divisions.some((d) => d.orgCode === row.orgCode);
  if (wantsDivisionFields && isMemberSomewhere && !allowed.has(FieldGroup.Division)) {
    if (row.divisionCode === null) {
      return {
        reason: 'unassigned-row',
        rowKey: row.rowKey,
        fields: denied,
        messageJa: `この行（${row.rowKey}）はまだどの部局・課室にも割り当てられていません。取りまとめ担当に割り当てを依頼してください。`,
        messageEn: `This row (${row.rowKey}) is not assigned to any division yet. Ask the secretariat to assign it.`,
      };
    }
    return {
      reason: 'not-assigned-to-you',
      rowKey: row.rowKey,
      fields: denied,
      messageJa: `この行（${row.rowKey}）は「${row.divisionCode}」の担当です。${actor.displayName} さんの部局・課室の行ではないため編集できません。`,
      messageEn: `This row (${row.rowKey}) belongs to division "${row.divisionCode}". ${actor.displayName} is not a member of it and cannot edit it.`,
    };
  }
  const groups = [...new Set(denied.map((f) => groupsByField.get(f) ?? FieldGroup.Structure))];
  return {
    reason: 'field-not-editable',
    rowKey: row.rowKey,
    fields: denied,
    messageJa: `${actor.displayName} さんは ${denied.join('、')}（${groups.map((g) => GROUP_JA[g]).join('・')}）を編集できません（行 ${row.rowKey}）。`,
    messageEn: `${actor.displayName} may not edit ${denied.join(', ')} (${groups.join(', ')} fields) of row ${row.rowKey}.`,
  };
}

/** The secretariat actor (site owner): edits everything. */
export const secretariatActor = (displayName = '取りまとめ担当'): Actor => ({ displayName, isSecretariat: true, reviewerOf: [], divisions: [] });
