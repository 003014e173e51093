import { describe, expect, it } from 'vitest';

import { ThrottledError } from '../../src/core/errors.js';
import type { Actor } from '../../src/core/permissions/rules.js';
import type { RowScope } from '../../src/core/ports.js';
import { InMemoryDraftStore } from '../../src/data/drafts.js';
import { InMemoryRows } from '../../src/data/in-memory-store.js';
import { createRowCache, draftKeyOf, type RowCache } from '../../src/data/row-cache.js';
import { makeIndicatorRow, makeRow } from '../support/builders.js';

const REPORT = 'soumu/2023/L-R5-OVERVIEW';
const SCOPE: RowScope = { fiscalYear: 2023, orgCode: 'soumu', divisionCode: 'div-somu' };
const suzuki: Actor = { displayName: '鈴木 一郎', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-somu' }] };

function setup(): { rows: InMemoryRows; drafts: InMemoryDraftStore; cache: (actor?: Actor) => RowCache } {
  const rows = new InMemoryRows();
  const record = (title: string, sortOrder: number, division: string, extra = {}) => {
    const row = makeRow({ title, sortOrder, division, ...extra });
    return { rowKey: `${REPORT}/${row.key}`, reportKey: REPORT, fiscalYear: 2023, orgCode: 'soumu', row, reviewComment: null };
  };
  rows.seed([
    record('業務効率化・デジタル化の推進', 1, 'div-somu'),
    record('勤務時間管理の徹底', 2, 'div-somu'),
    record('マネジメント改革', 3, 'div-kikaku'),
    { ...record('男性職員の育児休業取得率', 4, 'div-somu'), row: makeIndicatorRow({ sortOrder: 4, division: 'div-somu' }) },
  ]);
  const drafts = new InMemoryDraftStore();
  return { rows, drafts, cache: (actor = suzuki) => createRowCache({ source: rows.as(actor), scope: SCOPE, actor, drafts, draftKey: draftKeyOf('user-1', SCOPE) }) };
}

const keyOf = (cache: RowCache, title: string): string => {
  const row = cache.getSnapshot().rows.find((r) => r.stored.row.title === title);
  if (!row) throw new Error(`no row ${title}`);
  return row.rowKey;
};

describe('RowCache', () => {
  it('loads the scope in printed order and keeps the snapshot identical until something changes', async () => {
    const { cache } = setup();
    const c = cache();
    await c.load();
    const snap = c.getSnapshot();
    expect(snap.status).toBe('ready');
    expect(snap.rows.map((r) => r.stored.row.title)).toEqual(['業務効率化・デジタル化の推進', '勤務時間管理の徹底', '男性職員の育児休業取得率']);
    expect(c.getSnapshot()).toBe(snap);
    c.edit([{ rowKey: snap.rows[0]?.rowKey ?? '', field: 'narrative', value: '【継続】 研修を2回実施。' }]);
    expect(c.getSnapshot()).not.toBe(snap);
  });

  it('shows an edit as edited, validates as the person types, and saves it', async () => {
    const { rows, cache } = setup();
    const c = cache();
    await c.load();
    const key = keyOf(c, '勤務時間管理の徹底');
    c.edit([{ rowKey: key, field: 'status', value: 'undecided' }]);
    let view = c.getSnapshot().rows.find((r) => r.rowKey === key);
    expect(view?.fields.status?.state).toBe('edited');
    expect(view?.issues.map((i) => [i.ruleId, i.field])).toContainEqual(['reason-required-when-undecided', 'reasonNotPlanned']);
    c.edit([{ rowKey: key, field: 'reasonNotPlanned', value: '令和6年度に予算措置のうえ実施予定のため。' }]);
    view = c.getSnapshot().rows.find((r) => r.rowKey === key);
    expect(view?.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const summary = await c.save();
    expect(summary).toEqual({ rows: 1, saved: 1, conflicts: 0, failed: 0, denied: 0 });
    expect([rows.get(key)?.row.status, rows.get(key)?.row.reasonNotPlanned]).toEqual(['undecided', '令和6年度に予算措置のうえ実施予定のため。']);
    view = c.getSnapshot().rows.find((r) => r.rowKey === key);
    expect([view?.fields.status?.state, view?.dirty, view?.stored.eTag]).toEqual(['saved', false, rows.get(key)?.eTag]);
  });

  it('merges a remote change to another field silently on refresh', async () => {
    const { rows, cache } = setup();
    const c = cache();
    await c.load();
    const key = keyOf(c, '業務効率化・デジタル化の推進');
    c.edit([{ rowKey: key, field: 'narrative', value: '【継続】 研修を3回実施した。' }]);
    rows.patchFields(key, { Status: '実施未定', ReasonNotPlanned: '別の担当者が記入' });
    expect(await c.refresh()).toBe(1);
    const view = c.getSnapshot().rows.find((r) => r.rowKey === key);
    expect([view?.current.row.status, view?.current.row.narrative, view?.fields.narrative?.state]).toEqual(['undecided', '【継続】 研修を3回実施した。', 'edited']);
    await c.save();
    expect([rows.get(key)?.row.status, rows.get(key)?.row.narrative]).toEqual(['undecided', '【継続】 研修を3回実施した。']);
  });

  it('turns a remote change to the same field into a conflict, and stores the value chosen', async () => {
    const { rows, cache } = setup();
    const c = cache();
    await c.load();
    const key = keyOf(c, '業務効率化・デジタル化の推進');
    c.edit([{ rowKey: key, field: 'narrative', value: '【継続】 自分の文' }]);
    rows.patchFields(key, { Narrative: '【継続】 他の人の文' });
    await c.refresh();
    let view = c.getSnapshot().rows.find((r) => r.rowKey === key);
    expect(view?.fields.narrative).toMatchObject({ state: 'conflict', conflict: { mine: '【継続】 自分の文', theirs: '【継続】 他の人の文', base: '【継続】 テレワークの更なる定着のために研修を実施。' } });
    expect(c.getSnapshot().conflictCount).toBe(1);
    // A conflicted field is not saved until someone decides.
    expect(await c.save()).toMatchObject({ rows: 0 });
    c.resolveConflict(key, 'narrative', { take: 'value', value: '【継続】 二人の文をまとめた' });
    await c.save();
    expect(rows.get(key)?.row.narrative).toBe('【継続】 二人の文をまとめた');
    view = c.getSnapshot().rows.find((r) => r.rowKey === key);
    expect(view?.fields.narrative?.state).toBe('saved');
  });

  it('reports a clash found at save time as a conflict and keeps what is stored until decided', async () => {
    const { rows, cache } = setup();
    const c = cache();
    await c.load();
    const key = keyOf(c, '業務効率化・デジタル化の推進');
    c.edit([{ rowKey: key, field: 'narrative', value: 'mine' }, { rowKey: key, field: 'status', value: 'undecided' }]);
    rows.patchFields(key, { Narrative: 'theirs' });
    const summary = await c.save();
    expect(summary.conflicts).toBe(1);
    expect([rows.get(key)?.row.narrative, rows.get(key)?.row.status]).toEqual(['theirs', 'undecided']);
    const view = c.getSnapshot().rows.find((r) => r.rowKey === key);
    expect([view?.fields.narrative?.state, view?.fields.status?.state]).toEqual(['conflict', 'saved']);
    c.resolveConflict(key, 'narrative', { take: 'theirs' });
    expect(c.getSnapshot().rows.find((r) => r.rowKey === key)?.dirty).toBe(false);
  });

  it('keeps an edit whose save was throttled, says so, and saves it on retry', async () => {
    const { rows, cache } = setup();
    const c = cache();
    await c.load();
    const key = keyOf(c, '勤務時間管理の徹底');
    c.edit([{ rowKey: key, field: 'narrative', value: '【新規】 新しい取組' }]);
    rows.failNextSaves.push(new ThrottledError('429', 2000));
    expect(await c.save()).toMatchObject({ failed: 1 });
    const failed = c.getSnapshot().rows.find((r) => r.rowKey === key)?.fields.narrative;
    expect(failed?.state).toBe('failed');
    expect(failed?.error?.retryable).toBe(true);
    expect(failed?.error?.ja).toContain('編集内容は保持しています');
    expect(failed?.value).toBe('【新規】 新しい取組');
    expect(await c.save()).toMatchObject({ saved: 1 });
    expect(rows.get(key)?.row.narrative).toBe('【新規】 新しい取組');
  });

  it('keeps unsaved edits across a reload, rebased on what changed meanwhile', async () => {
    const { rows, cache } = setup();
    const first = cache();
    await first.load();
    const a = keyOf(first, '業務効率化・デジタル化の推進');
    const b = keyOf(first, '勤務時間管理の徹底');
    first.edit([{ rowKey: a, field: 'narrative', value: 'draft A' }, { rowKey: b, field: 'narrative', value: 'draft B' }]);
    await first.flushDrafts();
    // Meanwhile: someone changes A's status (another field) and B's narrative (the same field).
    rows.patchFields(a, { Status: '実施未定' });
    rows.patchFields(b, { Narrative: 'remote B' });
    const second = cache();
    await second.load();
    const rowA = second.getSnapshot().rows.find((r) => r.rowKey === a);
    const rowB = second.getSnapshot().rows.find((r) => r.rowKey === b);
    expect([rowA?.fields.narrative?.state, rowA?.current.row.narrative, rowA?.current.row.status]).toEqual(['edited', 'draft A', 'undecided']);
    expect(rowB?.fields.narrative).toMatchObject({ state: 'conflict', conflict: { mine: 'draft B', theirs: 'remote B' } });
  });

  it('refuses edits of another division\'s row and of fields the layout does not have, naming why', async () => {
    const { cache } = setup();
    const org = createRowCache({ ...(cache() as unknown as { options: object }).options, scope: { fiscalYear: 2023, orgCode: 'soumu' } } as never);
    await org.load();
    const other = keyOf(org, 'マネジメント改革');
    const indicator = keyOf(org, '男性職員の育児休業取得率');
    const { applied, refused } = org.edit([
      { rowKey: other, field: 'narrative', value: 'x' },
      { rowKey: indicator, field: 'narrative', value: 'y' },
      { rowKey: indicator, field: 'reviewState', value: 'approved' },
    ]);
    expect(applied).toEqual([]);
    expect(refused.map((r) => r.denial.reason)).toEqual(['not-assigned-to-you', 'not-in-layout', 'field-not-editable']);
    expect(refused[0]?.denial.ja).toContain('div-kikaku');
  });

  it('undoes and redoes a paste-sized step as one', async () => {
    const { cache } = setup();
    const c = cache();
    await c.load();
    const a = keyOf(c, '業務効率化・デジタル化の推進');
    const b = keyOf(c, '勤務時間管理の徹底');
    c.edit([{ rowKey: a, field: 'narrative', value: 'A2' }, { rowKey: b, field: 'narrative', value: 'B2' }]);
    expect(c.undo()).toBe(true);
    expect(c.getSnapshot().dirtyCount).toBe(0);
    expect(c.redo()).toBe(true);
    expect([c.valueOf(a, 'narrative'), c.valueOf(b, 'narrative')]).toEqual(['A2', 'B2']);
    expect(c.getSnapshot().canRedo).toBe(false);
  });

  it('keeps an edit typed while its save was in flight', async () => {
    const { rows, cache } = setup();
    const c = cache();
    await c.load();
    const key = keyOf(c, '業務効率化・デジタル化の推進');
    c.edit([{ rowKey: key, field: 'narrative', value: 'first' }]);
    const saving = c.save();
    c.edit([{ rowKey: key, field: 'narrative', value: 'second' }]);
    await saving;
    expect(rows.get(key)?.row.narrative).toBe('first');
    expect(c.getSnapshot().rows.find((r) => r.rowKey === key)?.fields.narrative).toMatchObject({ state: 'edited', value: 'second' });
    await c.save();
    expect(rows.get(key)?.row.narrative).toBe('second');
  });

  it('keeps the draft of a row that left the scope as an orphan until discarded', async () => {
    const { rows, drafts, cache } = setup();
    const c = cache();
    await c.load();
    const key = keyOf(c, '勤務時間管理の徹底');
    c.edit([{ rowKey: key, field: 'narrative', value: 'unsaved' }]);
    rows.patchFields(key, { DivisionCode: 'div-kikaku' });
    await c.refresh();
    expect(c.getSnapshot().rows.some((r) => r.rowKey === key)).toBe(false);
    expect(c.getSnapshot().orphanDrafts.map((o) => [o.title, o.mine.narrative])).toEqual([['勤務時間管理の徹底', 'unsaved']]);
    c.discardOrphan(key);
    await c.flushDrafts();
    expect(await drafts.keys()).toEqual([]);
  });

  it('warns that a reload would lose edits when drafts cannot be stored', async () => {
    const { drafts, cache } = setup();
    const c = cache();
    await c.load();
    drafts.failWrites = new Error('QuotaExceededError');
    c.edit([{ rowKey: keyOf(c, '勤務時間管理の徹底'), field: 'narrative', value: 'x' }]);
    await c.flushDrafts();
    expect(c.getSnapshot().draftWarning?.ja).toContain('QuotaExceededError');
  });
});
