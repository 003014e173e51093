/** Builds ImportIssues for the PDF-text importers with the place (file, line, field) named in both languages. */
import type { ImportIssue, Severity } from '../../core/model/schema.js';

export interface IssueExtra {
  field?: string;
  value?: string;
  rowKey?: string;
  proposal?: { value: string; confidence: number };
}

/** How the compilation prints the column a model field comes from, for the Japanese message. */
const PRINTED_FIELD_JA: Record<string, string> = {
  narrative: 'Ａ欄',
  guidelineRefs: 'Ｂ欄',
  focusItem: '重点項目',
  organization: '府省等名',
};

/** Creates an issue whose messages start with `file 行目` / `file line N` so they stand alone in a list. */
export function makeIssue(
  severity: Severity,
  code: string,
  file: string,
  line: number,
  message: string,
  messageEn: string,
  extra: IssueExtra = {},
): ImportIssue {
  const fieldJa = extra.field ? `（${PRINTED_FIELD_JA[extra.field] ?? extra.field}）` : '';
  const fieldEn = extra.field ? ` (${extra.field})` : '';
  const out: ImportIssue = {
    severity,
    code,
    file,
    line,
    message: `${file} ${String(line)}行目${fieldJa}: ${message}`,
    messageEn: `${file} line ${String(line)}${fieldEn}: ${messageEn}`,
  };
  if (extra.field !== undefined) out.field = extra.field;
  if (extra.value !== undefined) out.value = extra.value;
  if (extra.rowKey !== undefined) out.rowKey = extra.rowKey;
  if (extra.proposal !== undefined) out.proposal = extra.proposal;
  return out;
}
