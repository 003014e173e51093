import { describe, expect, it } from 'vitest';

import { japanDate, planReminders, reiwaDate, type ReminderRow } from '../../../src/core/review/reminders.js';

const row = (n: number, divisionCode: string | null, state: ReminderRow['state']): ReminderRow => ({ rowKey: `r${n}`, title: `取組 <b>${n}</b>`, divisionCode, state });
const divisions = [{ code: 'div-a', name: '総務課', channelId: '19:a@thread.tacv2' }];

describe('planReminders', () => {
  it('before the deadline: each division with rows 未確認 or 差戻し, listing at most 10 titles as plain text', () => {
    const rows = [row(1, 'div-a', '提出済'), row(2, 'div-a', '未確認'), row(3, 'div-a', '差戻し'), row(4, 'div-b', '承認済'), row(5, null, '未確認'), ...Array.from({ length: 11 }, (_, i) => row(10 + i, 'div-c', '未確認'))];
    const plan = planReminders({ orgCode: 'soumu', fiscalYear: 2025, kind: 'before-deadline', deadline: '2025-06-30', rows, divisions, now: new Date('2025-06-20T00:00:00Z') });
    expect(plan.map((r) => [r.divisionCode, r.rows.length, r.channelId])).toEqual([['div-a', 2, '19:a@thread.tacv2'], ['div-c', 11, null]]);
    expect(plan[0]!.subject).toBe('【提出期限：令和7年6月30日】令和7年度フォローアップ：未提出の行が2件あります');
    expect(plan[0]!.text).toContain('・取組 <b>2</b>\n・取組 <b>3</b>');
    expect(plan[1]!.divisionName).toBe('div-c');
    expect(plan[1]!.text.split('\n').slice(-2)).toEqual(['・取組 <b>19</b>', 'ほか1件']);
  });

  it('on return: only rows 差戻し; the key names the day in Japan', () => {
    const rows = [row(1, 'div-a', '差戻し'), row(2, 'div-a', '未確認')];
    const [r] = planReminders({ orgCode: 'soumu', fiscalYear: 2025, kind: 'returned', deadline: null, rows, divisions, now: new Date('2025-06-20T15:00:00Z') });
    expect(r?.rows).toEqual(['取組 <b>1</b>']);
    expect(r?.key).toBe('soumu/2025/div-a/returned/2025-06-21');
    expect(planReminders({ orgCode: 'soumu', fiscalYear: 2025, kind: 'returned', deadline: null, rows: [row(2, 'div-a', '未確認')], divisions, now: new Date() })).toEqual([]);
  });

  it('dates: the day in Japan and 令和 labels (元年)', () => {
    expect(japanDate(new Date('2025-06-20T14:59:59Z'))).toBe('2025-06-20');
    expect(japanDate(new Date('2025-06-20T15:00:00Z'))).toBe('2025-06-21');
    expect(reiwaDate('2019-05-01')).toBe('令和元年5月1日');
    expect(reiwaDate('2025-06-30')).toBe('令和7年6月30日');
  });
});
