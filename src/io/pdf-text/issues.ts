/** Builds ImportIssues for the PDF-text importers with the place (file, line, field) named in both languages. */
import type { ImportIssue, Severity } from '../../core/model/schema.js';

export interface IssueExtra {
  field?: string;
  value?: string;
  rowKey?: string;
  proposal?: { value: string; confidence: number };
}

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
  const fieldJa = extra.field ? `（${extra.field}）` : '';
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
