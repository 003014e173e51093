/** Builds ImportIssue values with bilingual messages (#2). */
import type { ImportIssue, Severity } from '../../core/model/schema.js';

export interface IssueInit {
  severity: Severity;
  code: string;
  file: string;
  line: number;
  col?: number;
  field?: string;
  value?: string;
  /** Japanese message. */
  message: string;
  messageEn: string;
  proposal?: { value: string; confidence: number };
  rowKey?: string;
}

/** Creates an issue, leaving out the optional keys that are not set (keeps JSON output tidy). */
export function makeIssue(init: IssueInit): ImportIssue {
  const issue: ImportIssue = {
    severity: init.severity,
    code: init.code,
    file: init.file,
    line: init.line,
    message: init.message,
    messageEn: init.messageEn,
  };
  if (init.col !== undefined) issue.col = init.col;
  if (init.field !== undefined) issue.field = init.field;
  if (init.value !== undefined) issue.value = init.value;
  if (init.proposal !== undefined) {
    issue.proposal = { value: init.proposal.value, confidence: Math.min(1, Math.max(0, init.proposal.confidence)) };
  }
  if (init.rowKey !== undefined) issue.rowKey = init.rowKey;
  return issue;
}

/** `file:line[:col]` prefix used inside messages. */
export function where(file: string, line: number, col?: number): string {
  return col === undefined ? `${file}:${line}` : `${file}:${line}:${col}`;
}
