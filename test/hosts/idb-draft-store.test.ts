import 'fake-indexeddb/auto';

import { describe, expect, it } from 'vitest';

import type { DraftRow } from '../../src/data/types.js';
import { createIdbDraftStore } from '../../src/hosts/browser/idb-draft-store.js';

const draft = (rowKey: string, reason: string): DraftRow => ({ rowKey, baseETag: '"{1},3"', title: '女性の採用の拡大', base: { reasonNotPlanned: null }, mine: { reasonNotPlanned: reason, status: 'undecided' } });

describe('IndexedDB drafts (per user and scope)', () => {
  it('keeps drafts per key across store instances (a reload), and clears one key or all of them', async () => {
    const a = createIdbDraftStore();
    await a.save('followup-drafts|u1|soumu|2023|div-somu', [draft('r1', '予算の都合で延期')]);
    await a.save('followup-drafts|u2|soumu|2023|*', [draft('r2', 'x'), draft('r3', 'y')]);
    const reloaded = createIdbDraftStore();
    expect(await reloaded.load('followup-drafts|u1|soumu|2023|div-somu')).toEqual([draft('r1', '予算の都合で延期')]);
    expect((await reloaded.keys()).sort()).toEqual(['followup-drafts|u1|soumu|2023|div-somu', 'followup-drafts|u2|soumu|2023|*']);
    expect(await reloaded.countRows('followup-drafts|u2|')).toBe(2);
    await reloaded.clear('followup-drafts|u1|soumu|2023|div-somu');
    expect(await reloaded.load('followup-drafts|u1|soumu|2023|div-somu')).toEqual([]);
    await reloaded.clearAll();
    expect(await reloaded.keys()).toEqual([]);
  });

  it('drops a stored record it cannot read instead of breaking the page', async () => {
    const store = createIdbDraftStore();
    await store.save('k', [draft('r1', 'ok'), { rowKey: 5 } as unknown as DraftRow]);
    expect((await store.load('k')).map((d) => d.rowKey)).toEqual(['r1']);
  });
});
