import { describe, expect, it } from 'vitest';

import type { UnreadableRow } from '../../../src/core/ports.js';
import { unreadableProblem, unreadableReportMessage } from '../../../src/core/review/unreadable.js';

const row: UnreadableRow = { itemId: '12', rowKey: 'soumu/2024/L-R7/L-R7/1-1', title: '仕事と生活の両立支援', divisionCode: 'div-somu', issues: [{ field: 'NarrativeEntriesJson', reason: 'not JSON' }] };

describe('an unreadable row, as every surface names it', () => {
  it('refuses a decision on it: row, item, column and why, then the restore hint, ja and en', () => {
    expect(unreadableProblem(row)).toEqual({
      code: 'unreadable',
      field: 'NarrativeEntriesJson',
      ja: '行 soumu/2024/L-R7/L-R7/1-1（項目 12）は読み取れないため処理できません（NarrativeEntriesJson: not JSON）。SharePoint でこの項目のバージョン履歴を開き、以前のバージョンを復元してください。',
      en: "Row soumu/2024/L-R7/L-R7/1-1 (item 12) cannot be read (NarrativeEntriesJson: not JSON); nothing was done on it. Restore the previous version from the item's version history in SharePoint.",
    });
  });

  it('names an item whose RowKey is unreadable too by its id', () => {
    expect(unreadableProblem({ ...row, rowKey: null, issues: [{ reason: 'no RowKey' }] }).en).toMatch(/^Item 12 cannot be read \(\?: no RowKey\)/);
  });

  it('refuses a report listing each row and column, Japanese then English', () => {
    expect(unreadableReportMessage([row, { ...row, itemId: '13', rowKey: 'k2', title: null, issues: [{ field: 'SurveyAnswersJson', reason: 'bad' }, { field: 'IndicatorValuesJson', reason: 'bad too' }] }]).split('\n')).toEqual([
      '読み取れない行が 2 件あるため、報告書を作成できません（その行を除いて作成すると報告が不正確になります）。',
      '  行 soumu/2024/L-R7/L-R7/1-1（項目 12） 仕事と生活の両立支援',
      '    NarrativeEntriesJson: not JSON',
      '  行 k2（項目 13）',
      '    SurveyAnswersJson: bad',
      '    IndicatorValuesJson: bad too',
      'SharePoint でこの項目のバージョン履歴を開き、以前のバージョンを復元してください。',
      "The report cannot be built: 2 row(s) cannot be read, and a report without them would be wrong. Restore the previous version from the item's version history in SharePoint.",
    ]);
  });
});
