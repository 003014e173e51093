import { describe, expect, it } from 'vitest';

import { formatAudit } from '../../src/cli/commands/audit.js';

describe('followup audit output', () => {
  it('prints one block per changed row, the missing rows, and the cost', () => {
    const text = formatAudit({
      checked: 136,
      findings: [
        { itemId: '12', expectedRowKey: 'soumu/2023/L-R5-FOCUS/3', fields: [{ field: 'DivisionCode', expected: 'div-somu', actual: 'div-joho' }], changedBy: '鈴木 一郎', changedAt: '2025-04-01T09:00:00Z' },
        { itemId: '140', expectedRowKey: null, fields: [{ field: 'RowKey', expected: null, actual: 'x/1' }], changedBy: '佐藤 花子', changedAt: null },
      ],
      missing: [{ rowKey: 'soumu/2023/L-R5-FOCUS/9', reportKey: 'soumu/2023/L-R5-FOCUS' }],
      requests: 7,
    });
    expect(text.split('\n')).toEqual([
      'item 12 (soumu/2023/L-R5-FOCUS/3) — changed by 鈴木 一郎 at 2025-04-01T09:00:00Z',
      '  DivisionCode: expected div-somu, found div-joho',
      'item 140 (not in the ledger: made by hand?) — changed by 佐藤 花子',
      '  RowKey: expected (none), found x/1',
      'missing: soumu/2023/L-R5-FOCUS/9 (report soumu/2023/L-R5-FOCUS) — recorded in the ledger, no longer in the list',
      '136 rows checked: 2 changed, 1 missing; 7 Graph requests (reads only)',
      '',
    ]);
  });
});
