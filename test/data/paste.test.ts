import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { fieldOfCell } from '../../src/core/edit/cells.js';
import { layoutDefinition, layoutOfKey } from '../../src/core/layouts/columns.js';
import type { Actor } from '../../src/core/permissions/rules.js';
import { formatClipboard, parseClipboard } from '../../src/data/clipboard.js';
import { InMemoryDraftStore } from '../../src/data/drafts.js';
import { InMemoryRows } from '../../src/data/in-memory-store.js';
import { planPaste, type PasteColumn } from '../../src/data/paste.js';
import type { RowView } from '../../src/data/types.js';
import type { EditableField } from '../../src/core/edit/fields.js';
import { createRowCache } from '../../src/data/row-cache.js';
import { makeIndicatorRow, makeRow } from '../support/builders.js';

describe('parseClipboard', () => {
  it('reads Excel\'s format: tabs, CRLF rows, quoted cells with line breaks and doubled quotes', () => {
    expect(parseClipboard('実施\t"【継続】研修\r\n2回"\r\n実施未定\t"予算が""未定"""\r\n')).toEqual([
      ['実施', '【継続】研修\r\n2回'],
      ['実施未定', '予算が"未定"'],
    ]);
  });

  it('keeps empty cells and reads a lone quote literally', () => {
    expect(parseClipboard('a\t\tc\n"x')).toEqual([['a', '', 'c'], ['"x']]);
  });

  it('round-trips any block through formatClipboard', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'あ', '\t', '\n', '"', ' ', '実') });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }), (block) => {
        const width = Math.max(...block.map((r) => r.length));
        const rect = block.map((r) => [...r, ...Array<string>(width - r.length).fill('')]);
        // A block of one empty cell is indistinguishable from nothing; Excel never copies it.
        fc.pre(!(rect.length === 1 && rect[0]?.length === 1 && rect[0][0] === ''));
        expect(parseClipboard(formatClipboard(rect))).toEqual(rect);
      }),
    );
  });
});

describe('planPaste', () => {
  const suzuki: Actor = { displayName: '鈴木 一郎', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-somu' }] };
  const REPORT = 'soumu/2023/L-R5-OVERVIEW';

  async function grid() {
    const rows = new InMemoryRows();
    const rec = (row: ReturnType<typeof makeRow>) => ({ rowKey: `${REPORT}/${row.key}`, reportKey: REPORT, fiscalYear: 2023, orgCode: 'soumu', row, reviewComment: null });
    rows.seed([
      rec(makeRow({ title: 'A', sortOrder: 1, division: 'div-somu' })),
      rec(makeRow({ title: 'B', sortOrder: 2, division: 'div-somu' })),
      rec(makeIndicatorRow({ sortOrder: 3, division: 'div-somu' })),
      rec(makeRow({ title: 'D', sortOrder: 4, division: 'div-kikaku' })),
    ]);
    const cache = createRowCache({ source: rows.as(suzuki), scope: { fiscalYear: 2023, orgCode: 'soumu' }, actor: suzuki, drafts: new InMemoryDraftStore(), draftKey: 'k' });
    await cache.load();
    const columns = layoutDefinition('L-R5-OVERVIEW').columns.map((c) => ({ id: c.id, header: c.header }));
    const target = {
      rows: cache.getSnapshot().rows,
      columns,
      fieldAt: (row: RowView, col: PasteColumn) => fieldOfCell(layoutOfKey(row.stored.reportKey) ?? 'L-R5-OVERVIEW', row.stored.row.kind, col.id),
      denial: (k: string, f: EditableField) => cache.denial(k, f),
    };
    return { cache, rows, target };
  }

  it('applies the cells that fit and refuses the rest, saying which and why', async () => {
    const { cache, target } = await grid();
    // Anchor at row A, column A (実施状況): 3 columns wide (status, reason, narrative) + 1 too many; 4 rows.
    const block = parseClipboard(
      ['実施未定\t予算未定のため\t【継続】内容A\t余り', '済\t\t【新規】内容B', '実施\t\t順調に推移', '実施\t\tD'].join('\r\n'),
    );
    const plan = planPaste(block, 0, 2, target);
    expect(plan.changes.map((c) => [c.field, c.value])).toEqual([
      ['status', 'undecided'],
      ['reasonNotPlanned', '予算未定のため'],
      ['narrative', '【継続】内容A'],
      ['reasonNotPlanned', null],
      ['narrative', '【新規】内容B'],
    ]);
    expect(plan.refused.map((r) => [r.blockRow, r.blockCol, r.ja])).toEqual([
      [0, 3, '貼り付け先の列が表にありません（列が多すぎます）。'],
      [1, 0, '「済」は実施状況の選択肢（実施／実施未定）にありません。'],
      [2, 0, '「A 取組の実施状況」はこの行では入力する欄ではありません。'],
      [2, 2, expect.stringContaining('数値として読めません') as unknown as string],
      [3, 0, expect.stringContaining('div-kikaku') as unknown as string],
      [3, 1, expect.stringContaining('div-kikaku') as unknown as string],
      [3, 2, expect.stringContaining('div-kikaku') as unknown as string],
    ]);
    // The blank 理由 of the 数値 row (2, 1) changes nothing: neither applied nor refused.
    expect(plan.refused.some((r) => r.blockRow === 2 && r.blockCol === 1)).toBe(false);
    const { applied } = cache.edit(plan.changes);
    expect(applied).toHaveLength(4);
    expect(cache.getSnapshot().rows[0]?.current.row.status).toBe('undecided');
    expect(cache.getSnapshot().rows[1]?.current.row.narrative).toBe('【新規】内容B');
  });

  it('skips blank cells beyond the grid, refuses text there', async () => {
    const { target } = await grid();
    // Anchored on the overview's last printed column (C, the content): one column fits, the rest is beyond the grid.
    const last = target.columns.length - 1;
    const plan = planPaste([['【継続】x', '', '   '], ['【継続】y', '', 'z']], 0, last, target);
    expect(plan.changes.map((c) => [c.field, c.value])).toEqual([
      ['narrative', '【継続】x'],
      ['narrative', '【継続】y'],
    ]);
    expect(plan.refused.map((r) => [r.blockRow, r.blockCol, r.value])).toEqual([[1, 2, 'z']]);
  });
});
