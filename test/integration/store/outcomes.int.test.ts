// Exact save outcomes (#7): a write whose answer was lost is `saved`; per-row problems never throw; open survives
// dropped connections; reads can be cancelled; history lists who changed what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AbortedError, GraphAccessError, PermissionError } from '../../../src/core/errors.js';
import type { Report } from '../../../src/core/model/schema.js';
import type { Actor } from '../../../src/core/permissions/rules.js';
import type { StoredRow } from '../../../src/core/ports.js';
import type { FetchLike } from '../../../src/graph/create-graph-client.js';
import { makeReport } from '../../core/lists/make-row.js';
import { ACTORS, startStoreHarness, type StoreHarness } from './harness.js';

const ROWS = 12;
const KATO: Actor = { displayName: '加藤 裕子', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: 'soumu', divisionCode: 'div-somu' }] };
let h: StoreHarness;
let rowsPath: string;

/** Rows whose printed forms still give their values (as imported): an edit makes them stale. */
function printedReport(key: string): Report {
  const report = makeReport({ key, rows: ROWS });
  return { ...report, rows: report.rows.map((r) => ({ ...r, narrativeRaw: `<p>${r.narrative ?? ''}</p>`, titleRich: `<b>${r.title}</b>` })) };
}

beforeAll(async () => {
  h = await startStoreHarness();
  await h.provision();
  const { store } = await h.open();
  await store.importReport(printedReport('soumu/2024/outcomes'));
  const all = await store.open({ fiscalYear: 2024, orgCode: 'soumu' });
  await store.assignRows(all.rows.map((r) => r.rowKey), 'div-somu');
  rowsPath = `/sites/${store.site.id}/lists/${store.rowsListId}/items`;
});
afterAll(async () => {
  await h.close();
});

const bySort = (rows: StoredRow[]): StoredRow[] => [...rows].sort((a, b) => a.row.sortOrder - b.row.sortOrder);
const somu = async (user: string): Promise<{ store: Awaited<ReturnType<StoreHarness['open']>>['store']; rows: StoredRow[] }> => {
  const { store } = await h.open(user, user === 'kato' ? KATO : ACTORS[user]);
  return { store, rows: bySort((await store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' })).rows) };
};

async function versionsOf(itemId: string): Promise<number> {
  return ((await h.connect().client.api(`${rowsPath}/${itemId}/versions`).get()) as { value: unknown[] }).value.length;
}

/** A fetch whose first `$batch` carrying a PATCH reaches the service (and is applied) but whose answer is lost. */
function loseFirstPatchAnswer(): { wrap: (real: FetchLike) => FetchLike; lost: () => number } {
  let lost = 0;
  return {
    lost: () => lost,
    wrap: (real) => async (url, init) => {
      const res = await real(url, init);
      if (lost === 0 && url.endsWith('/$batch') && String(init.body).includes('"PATCH"')) {
        lost++;
        await res.arrayBuffer();
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
      }
      return res;
    },
  };
}

describe('a write whose answer was lost after the service applied it', () => {
  it("is reported saved, not merged, when the row still carries its printed source form (a division's Narrative)", async () => {
    const { rows } = await somu('suzuki');
    const fault = loseFirstPatchAnswer();
    const { store } = await h.open('suzuki', ACTORS.suzuki, {}, { wrapFetch: fault.wrap });
    const picked = rows.slice(0, 4);
    const before = await Promise.all(picked.map((r) => versionsOf(r.itemId)));
    const results = await store.saveChanges(picked.map((r) => ({ base: r, mine: { ...r, row: { ...r.row, narrative: `lost answer ${r.row.sortOrder}` } } })));
    expect(fault.lost()).toBe(1);
    expect(results.map((r) => r.outcome)).toEqual(['saved', 'saved', 'saved', 'saved']);
    // Applied once: the replay got 412 and wrote nothing.
    expect(await Promise.all(picked.map((r) => versionsOf(r.itemId)))).toEqual(before.map((v) => v + 1));
    expect(results.map((r) => r.stored?.row.narrative)).toEqual(picked.map((r) => `lost answer ${r.row.sortOrder}`));
    // The stored row no longer carries the stale printed form and is a valid base for the next edit.
    expect(results.every((r) => r.stored?.row.narrativeRaw === null)).toBe(true);
    const next = await store.saveChanges(results.map((r) => ({ base: r.stored as StoredRow, mine: { ...(r.stored as StoredRow), row: { ...(r.stored as StoredRow).row, outcome: 'next' } } })));
    expect(next.map((r) => r.outcome)).toEqual(['saved', 'saved', 'saved', 'saved']);
  });

  it('is reported saved, not conflict, when a JSON column carrying a printed form was written with the title (secretariat)', async () => {
    const { rows } = await somu('sato');
    const fault = loseFirstPatchAnswer();
    const { store } = await h.open('sato', ACTORS.sato, {}, { wrapFetch: fault.wrap });
    const picked = rows.slice(4, 7);
    // Title and RowDetailJson (indicatorCode) together: RowDetailJson as sent still holds the old titleRich, which
    // reading drops once the title changed.
    const results = await store.saveChanges(picked.map((r) => ({ base: r, mine: { ...r, row: { ...r.row, title: `改題 ${r.row.sortOrder}`, indicatorCode: 'IND-1' } } })));
    expect(fault.lost()).toBe(1);
    expect(results.map((r) => [r.outcome, r.conflicts])).toEqual(picked.map(() => ['saved', undefined]));
    expect(results.map((r) => [r.stored?.row.title, r.stored?.row.indicatorCode, r.stored?.row.titleRich])).toEqual(picked.map((r) => [`改題 ${r.row.sortOrder}`, 'IND-1', null]));
  });

  it("is saved too when someone else changed another field after it landed; the stored row carries both", async () => {
    const { rows } = await somu('suzuki');
    const row = rows[7] as StoredRow;
    let lost = false;
    const { store } = await h.open('suzuki', ACTORS.suzuki, {}, {
      wrapFetch: (real) => async (url, init) => {
        const res = await real(url, init);
        if (!lost && url.endsWith('/$batch') && String(init.body).includes('"PATCH"')) {
          lost = true;
          await res.arrayBuffer();
          // Before our client re-sends, kato writes another field of the same row.
          const kato = await h.open('kato', KATO);
          const fresh = (await kato.store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' })).rows.find((r) => r.itemId === row.itemId) as StoredRow;
          const [k] = await kato.store.saveChanges([{ base: fresh, mine: { ...fresh, row: { ...fresh.row, outcome: 'kato' } } }]);
          expect(k?.outcome).toBe('saved');
          throw new TypeError('fetch failed');
        }
        return res;
      },
    });
    const [result] = await store.saveChanges([{ base: row, mine: { ...row, row: { ...row.row, reasonNotPlanned: 'suzuki' } } }]);
    expect(result?.outcome).toBe('saved');
    expect([result?.stored?.row.reasonNotPlanned, result?.stored?.row.outcome]).toEqual(['suzuki', 'kato']);
  });
});

describe('saveChanges never throws for per-row problems', () => {
  it('fails only the rows whose re-read after 412 fails, and reports the rows it wrote', async () => {
    const a = await somu('suzuki');
    const b = await somu('kato');
    const stale = a.rows.slice(8, 10);
    const fresh = b.rows.slice(10, 12);
    // A changes two rows, so B's base of them is stale (412).
    expect((await a.store.saveChanges(stale.map((r) => ({ base: r, mine: { ...r, row: { ...r.row, outcome: 'A' } } })))).map((r) => r.outcome)).toEqual(['saved', 'saved']);
    // B's re-reads never get an answer (every attempt dropped).
    let dropped = 0;
    const { store } = await h.open('kato', KATO, {}, {
      wrapFetch: (real) => async (url, init) => {
        const body = String(init.body ?? '');
        if (url.endsWith('/$batch') && body.includes('"GET"') && !body.includes('"PATCH"') && body.includes('/items/')) {
          dropped++;
          throw new TypeError('fetch failed');
        }
        return real(url, init);
      },
    });
    const bBase = [...b.rows.slice(8, 10), ...fresh];
    const results = await store.saveChanges(bBase.map((r) => ({ base: r, mine: { ...r, row: { ...r.row, reasonNotPlanned: 'B' } } })));
    expect(dropped).toBe(6);
    expect(results.map((r) => r.outcome)).toEqual(['failed', 'failed', 'saved', 'saved']);
    expect(results[0]?.error).toBeInstanceOf(GraphAccessError);
    expect(results[0]?.error).toMatchObject({ status: undefined, graphCode: 'networkError' });
    expect(results.slice(2).map((r) => r.stored?.row.reasonNotPlanned)).toEqual(['B', 'B']);
  });

  it('reports a row the service refuses (403) as denied with the status, the others as saved', async () => {
    const { store: secretariat } = await h.open();
    await secretariat.importReport(makeReport({ key: 'soumu/2024/unassigned', rows: 1 }));
    const unassigned = (await secretariat.open({ fiscalYear: 2024, orgCode: 'soumu' })).rows.find((r) => r.reportKey === 'soumu/2024/unassigned') as StoredRow;
    // A client that believes suzuki is the secretariat: the rule lets everything through, SharePoint refuses the
    // unassigned row (suzuki holds no edit right on it) and accepts their own division's row.
    const { store } = await h.open('suzuki', { ...ACTORS.suzuki!, isSecretariat: true });
    const assigned = (await store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' })).rows[0] as StoredRow;
    const results = await store.saveChanges([unassigned, assigned].map((r) => ({ base: r, mine: { ...r, row: { ...r.row, outcome: 'written by suzuki' } } })));
    expect(results.map((r) => r.outcome)).toEqual(['denied', 'saved']);
    expect(results[0]?.error).toBeInstanceOf(PermissionError);
    expect(results[0]?.error).toMatchObject({ status: 403 });
    expect(results[0]?.error?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('reads', () => {
  it('open survives a dropped connection on every request of site and list resolution and of the read', async () => {
    const seen = new Set<string>();
    let drops = 0;
    const { store } = await h.open('suzuki', ACTORS.suzuki, {}, {
      wrapFetch: (real) => async (url, init) => {
        const key = `${String(init.method)} ${url} ${String(init.body ?? '')}`;
        if (!seen.has(key)) {
          seen.add(key);
          drops++;
          throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
        }
        return real(url, init);
      },
    });
    const set = await store.open({ fiscalYear: 2024, orgCode: 'soumu', divisionCode: 'div-somu' });
    expect(set.rows).toHaveLength(ROWS);
    // GET site, GET Rows list, the $batch of delta token + first page: each dropped once, then answered.
    expect(drops).toBe(3);
  });

  it('cancels a read with an AbortSignal (AbortedError, nothing more sent)', async () => {
    const { store, connection } = await h.open('suzuki', ACTORS.suzuki);
    const controller = new AbortController();
    controller.abort();
    connection.resetCounters();
    await expect(store.open({ fiscalYear: 2024, orgCode: 'soumu' }, { signal: controller.signal })).rejects.toBeInstanceOf(AbortedError);
    expect(connection.counters.attempts).toBe(0);
    const later = new AbortController();
    const pending = store.open({ fiscalYear: 2024, orgCode: 'soumu' }, { signal: later.signal });
    later.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });

  it("lists a row's versions newest first: who, when, what changed, and the row at each version", async () => {
    const { store, rows } = await somu('suzuki');
    // Row 2: imported, assigned, its Narrative saved (answer lost) and its Outcome saved by suzuki (tests above).
    const row = rows[1] as StoredRow;
    const history = await store.history(row);
    expect(history.map((v) => v.changedFields)).toEqual([['Outcome'], ['Narrative'], ['DivisionCode'], expect.arrayContaining(['RowKey', 'ReportKey', 'SourceRaw'])]);
    const [latest] = history;
    expect(latest?.versionId).toBe(row.eTag.split(',')[1]?.replace('"', '') + '.0');
    expect(latest?.record?.row.outcome).toBe(row.row.outcome);
    expect(latest?.modifiedBy?.displayName).toBe('鈴木 一郎');
    expect(latest?.changedFields).toEqual(['Outcome']);
    // The oldest version is the import: every field set, by the secretariat, with the imported narrative.
    const first = history[history.length - 1];
    expect(first?.modifiedBy?.displayName).toBe('佐藤 花子');
    expect(first?.record?.row.narrative).toBe('【継続】取組 2 を実施した。');
    expect(history[1]?.record?.row.narrative).toBe('lost answer 1');
    expect(first?.changedFields).toContain('RowKey');
    expect(history.map((v) => v.modifiedAt)).toEqual([...history.map((v) => v.modifiedAt)].sort().reverse());
  });
});
