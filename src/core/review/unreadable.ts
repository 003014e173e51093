/**
 * An unreadable row as every surface names it (#12): which row (RowKey, else the item id), which column, why, and what
 * to do — restore the item's previous version from its version history in SharePoint. The manager view, the tab,
 * `followup review status` and the report's refusal all say the same thing, Japanese first, English second.
 */
import type { UnreadableRow } from '../ports.js';
import type { ReviewProblem } from './review.js';

export const RESTORE_HINT = {
  ja: 'SharePoint でこの項目のバージョン履歴を開き、以前のバージョンを復元してください。',
  en: "Restore the previous version from the item's version history in SharePoint.",
} as const;

/** 「行 soumu/…/1-1（項目 12）」 / "row soumu/…/1-1 (item 12)". */
export function unreadableName(u: UnreadableRow): { ja: string; en: string } {
  return u.rowKey ? { ja: `行 ${u.rowKey}（項目 ${u.itemId}）`, en: `row ${u.rowKey} (item ${u.itemId})` } : { ja: `項目 ${u.itemId}`, en: `item ${u.itemId}` };
}

/** Each column that cannot be read with why: "IndicatorValuesJson: unexpected JSON shape…". */
export function unreadableFields(u: UnreadableRow): string[] {
  return u.issues.map((i) => `${i.field ?? '?'}: ${i.reason}`);
}

/**
 * Why a report is refused while rows cannot be read (printing it without them would be wrong without saying so):
 * Japanese, then English, each row with its columns and why, then what to do.
 */
export function unreadableReportMessage(rows: readonly UnreadableRow[]): string {
  const lines = rows.flatMap((u) => [`  ${unreadableName(u).ja}${u.title ? ` ${u.title}` : ''}`, ...unreadableFields(u).map((f) => `    ${f}`)]);
  return [
    `読み取れない行が ${rows.length} 件あるため、報告書を作成できません（その行を除いて作成すると報告が不正確になります）。`,
    ...lines,
    RESTORE_HINT.ja,
    `The report cannot be built: ${rows.length} row(s) cannot be read, and a report without them would be wrong. ${RESTORE_HINT.en}`,
  ].join('\n');
}

/** The problem of one unreadable row (a decision or a submission refused on it). */
export function unreadableProblem(u: UnreadableRow): ReviewProblem {
  const name = unreadableName(u);
  const fields = unreadableFields(u).join('; ');
  return {
    code: 'unreadable',
    ja: `${name.ja}は読み取れないため処理できません（${fields}）。${RESTORE_HINT.ja}`,
    en: `${name.en[0]!.toUpperCase()}${name.en.slice(1)} cannot be read (${fields}); nothing was done on it. ${RESTORE_HINT.en}`,
    ...(u.issues[0]?.field ? { field: u.issues[0].field } : {}),
  };
}
