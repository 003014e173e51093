import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { writeField, type EditableField } from '../../../src/core/edit/fields.js';
import { parseFieldInput } from '../../../src/core/edit/input.js';
import { secretariatActor, type Actor } from '../../../src/core/permissions/rules.js';
import type { SaveResult, StoredRow } from '../../../src/core/ports.js';
import { planSync, settleSync, sheetTexts, type BaseRow, type SheetRow } from '../../../src/core/sync/sheet-sync.js';
import { makeRow } from '../../support/builders.js';

const FIELDS = ['status', 'reasonNotPlanned', 'narrative'] as const satisfies readonly EditableField[];
type F = (typeof FIELDS)[number];
const REPORT = 'soumu/2023/L-R5-OVERVIEW';

const stored = (i: number, division = 'div-somu'): StoredRow => {
  const row = makeRow({ title: `取組${i}`, sortOrder: i, division, narrative: `内容${i}`, narrativeRaw: null });
  return { rowKey: `${REPORT}/${row.key}`, reportKey: REPORT, fiscalYear: 2023, orgCode: 'soumu', row, reviewComment: null, itemId: String(i + 1), eTag: `"{x${i}},1"`, lastModified: '2026-04-01T00:00:00Z' };
};

const textFor: Record<F, fc.Arbitrary<string>> = {
  status: fc.constantFrom('', '実施', '実施未定'),
  reasonNotPlanned: fc.constantFrom('', '予算未定', '調整中', '体制整備中'),
  narrative: fc.constantFrom('', '【継続】A', '【新規】B', '【拡充】C', 'D'),
};

/** A tiny store: nothing changes between plan and apply here, so each edit lands as planned. */
function applyToList(list: Map<string, StoredRow>, writes: ReturnType<typeof planSync>['toList']): SaveResult[] {
  return writes.map((w) => {
    const current = list.get(w.base.rowKey) as StoredRow;
    const version = Number(/,(\d+)"/.exec(current.eTag)?.[1] ?? 1) + 1;
    const next: StoredRow = { ...w.mine, itemId: current.itemId, lastModified: current.lastModified, eTag: current.eTag.replace(/,\d+"/, `,${version}"`) };
    list.set(next.rowKey, next);
    return { rowKey: next.rowKey, outcome: 'saved', stored: next };
  });
}

describe('planSync', () => {
  const scenario = fc.record({
    n: fc.integer({ min: 1, max: 6 }),
    sheetEdits: fc.array(fc.tuple(fc.nat(5), fc.constantFrom(...FIELDS), fc.nat(10)), { maxLength: 10 }),
    listEdits: fc.array(fc.tuple(fc.nat(5), fc.constantFrom(...FIELDS), fc.nat(10)), { maxLength: 10 }),
    shuffle: fc.array(fc.nat(), { maxLength: 6 }),
    seed: fc.integer(),
  });

  const build = (s: { n: number; sheetEdits: [number, F, number][]; listEdits: [number, F, number][]; shuffle: number[] }, sample: (f: F, k: number) => string) => {
    const initial = Array.from({ length: s.n }, (_, i) => stored(i));
    const base: BaseRow[] = initial.map((r) => ({ rowKey: r.rowKey, eTag: r.eTag, texts: sheetTexts(r, FIELDS) }));
    const sheet: SheetRow[] = initial.map((r, i) => ({ index: i, rowKey: r.rowKey, texts: sheetTexts(r, FIELDS), label: r.row.title }));
    for (const [i, f, k] of s.sheetEdits) {
      const row = sheet[i % s.n] as SheetRow;
      row.texts = { ...row.texts, [f]: sample(f, k) };
    }
    const list = new Map(initial.map((r) => [r.rowKey, r]));
    for (const [i, f, k] of s.listEdits) {
      const r = initial[i % s.n] as StoredRow;
      const cur = list.get(r.rowKey) as StoredRow;
      const parsed = parseFieldInput(cur, f, sample(f, k));
      if (parsed.ok) list.set(r.rowKey, { ...writeField(cur, f, parsed.value), itemId: cur.itemId, eTag: cur.eTag.replace(/,\d+"/, ',9"'), lastModified: cur.lastModified });
    }
    // Sorting or filtering the sheet reorders rows; keys keep the links.
    const order = sheet.map((r, i) => ({ r, k: s.shuffle[i] ?? i })).sort((a, b) => a.k - b.k).map((x, i) => ({ ...x.r, index: i }));
    return { base, sheet: order, list };
  };

  const samples = fc.sample(fc.tuple(textFor.status, textFor.reasonNotPlanned, textFor.narrative), { numRuns: 11, seed: 7 });
  const sample = (f: F, k: number): string => (samples[k % samples.length] as [string, string, string])[FIELDS.indexOf(f)] as string;

  it('loses no edit, surfaces every clash, and plans nothing more once applied', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { base, sheet, list } = build(s, sample);
        const plan = planSync({ base, sheet, list: [...list.values()], actor: secretariatActor(), fields: FIELDS });
        const baseBy = new Map(base.map((b) => [b.rowKey, b]));
        for (const row of sheet) {
          const key = row.rowKey as string;
          const t = sheetTexts(list.get(key) as StoredRow, FIELDS);
          for (const f of FIELDS) {
            const b = baseBy.get(key)?.texts[f] ?? '';
            const m = row.texts[f] ?? '';
            if (m === b) continue;
            const written = plan.toList.some((w) => w.base.rowKey === key && w.fields.includes(f));
            const clashed = plan.conflicts.filter((c) => c.rowKey === key && c.field === f);
            if (t[f] !== b && t[f] !== m) {
              expect(clashed).toEqual([{ rowKey: key, sheetIndex: row.index, field: f, base: b, mine: m, theirs: t[f] }]);
              expect(written).toBe(false);
            } else if (t[f] === b) {
              expect(written || plan.problems.some((p) => p.rowKey === key && p.field === f)).toBe(true);
            }
          }
        }
        // Apply: list writes, then sheet writes, then the settled base; a second plan has nothing left to do.
        const results = applyToList(list, plan.toList);
        const settled = settleSync(plan, results, base);
        const sheet2 = sheet.map((r) => ({ ...r, texts: { ...r.texts } }));
        for (const w of [...plan.toSheet, ...settled.sheetWrites]) {
          const row = sheet2.find((r) => r.rowKey === w.rowKey) as SheetRow;
          row.texts[w.field] = w.text;
        }
        const again = planSync({ base: settled.base, sheet: sheet2, list: [...list.values()], actor: secretariatActor(), fields: FIELDS });
        expect(again.toList).toEqual([]);
        expect(again.toSheet).toEqual([]);
        expect(new Set(again.conflicts.map((c) => `${c.rowKey}|${c.field}`))).toEqual(new Set(plan.conflicts.map((c) => `${c.rowKey}|${c.field}`)));
      }),
      { numRuns: 300 },
    );
  });

  it('plans the same writes whatever the order of the sheet rows', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const a = build({ ...s, shuffle: [] }, sample);
        const b = build(s, sample);
        const norm = (p: ReturnType<typeof planSync>) => ({
          toList: p.toList.map((w) => [w.base.rowKey, w.fields]).sort(),
          conflicts: p.conflicts.map((c) => [c.rowKey, c.field, c.mine, c.theirs]).sort(),
        });
        expect(norm(planSync({ base: a.base, sheet: a.sheet, list: [...a.list.values()], actor: secretariatActor(), fields: FIELDS }))).toEqual(
          norm(planSync({ base: b.base, sheet: b.sheet, list: [...b.list.values()], actor: secretariatActor(), fields: FIELDS })),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('planSync for a division', () => {
  const suzuki: Actor = { displayName: '鈴木 一郎', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-somu' }] };
  const rows = [stored(0), stored(1), stored(2, 'div-kikaku')];
  const base = rows.map((r) => ({ rowKey: r.rowKey, eTag: r.eTag, texts: sheetTexts(r, FIELDS) }));
  const sheetOf = () => rows.map((r, i): SheetRow => ({ index: i, rowKey: r.rowKey, texts: sheetTexts(r, FIELDS), label: r.row.title }));

  it('restores a row deleted in the sheet and lists a new row as a proposal, writing neither', () => {
    const sheet = sheetOf().filter((r) => r.index !== 1);
    sheet.push({ index: 3, rowKey: null, texts: { narrative: '新しい取組の提案' }, label: '新しい取組' });
    const plan = planSync({ base, sheet, list: rows, actor: suzuki, fields: FIELDS });
    expect(plan.restored.map((r) => r.row.title)).toEqual(['取組1']);
    expect(plan.proposals.map((p) => p.label)).toEqual(['新しい取組']);
    expect(plan.toList).toEqual([]);
  });

  it('sets back an edit of another division\'s row and says why', () => {
    const sheet = sheetOf();
    (sheet[2] as SheetRow).texts.narrative = '書き換え';
    const plan = planSync({ base, sheet, list: rows, actor: suzuki, fields: FIELDS });
    expect(plan.toList).toEqual([]);
    expect(plan.problems.map((p) => [p.code, p.field])).toEqual([['NOT_EDITABLE', 'narrative']]);
    expect(plan.toSheet).toEqual([{ rowKey: rows[2]?.rowKey, sheetIndex: 2, field: 'narrative', text: '内容2' }]);
  });

  it('names a pasted duplicate row, an edited key, a formula and an unknown choice, and writes none of them', () => {
    const sheet = sheetOf();
    sheet.push({ ...(sheet[0] as SheetRow), index: 3 });
    (sheet[1] as SheetRow).rowKey = 'soumu/2023/L-R5-OVERVIEW/edited-by-hand';
    sheet.push({ index: 4, rowKey: rows[1]?.rowKey ?? '', texts: { ...sheetTexts(rows[1] as StoredRow, FIELDS), status: '済' }, bad: { narrative: '=A1&B1' }, label: '取組1' });
    const plan = planSync({ base, sheet, list: rows, actor: suzuki, fields: FIELDS });
    expect(plan.problems.map((p) => [p.code, p.sheetIndex, p.field ?? null])).toEqual([
      ['DUPLICATE_KEY', 0, null],
      ['UNKNOWN_KEY', 1, null],
      ['DUPLICATE_KEY', 3, null],
      ['INVALID_VALUE', 4, 'status'],
      ['BAD_CELL', 4, 'narrative'],
    ]);
    expect(plan.toList).toEqual([]);
  });
});
