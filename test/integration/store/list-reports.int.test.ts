// Reports from the lists (#12): each sample follow-up table imported, then rendered again in its own layout from the
// stored rows (never from the file) and compared cell by cell with the source; then an edit over Graph shows up.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ImportResult } from '../../../src/core/model/schema.js';
import { importDocuments } from '../../../src/graph/import-documents.js';
import { readListReports } from '../../../src/graph/list-reports.js';
import { importBytes } from '../../../src/io/import.js';
import { renderReports } from '../../../src/io/render/index.js';
import { compareCells } from '../../../src/io/round-trip.js';
import { startStoreHarness, type StoreHarness } from './harness.js';

const SAMPLES = join(import.meta.dirname, '..', '..', '..', 'samples');
/** The samples that are one ministry's follow-up table (002's part is the cross-ministry compilation). */
const TABLES: { file: string; org?: string }[] = [{ file: '000_af6c26688b7c18a9.txt' }, { file: '003_21f51c2eed719b65.txt', org: '財務省' }, { file: '004_62afef42a3180ecf.txt', org: '総務省' }];

let h: StoreHarness;
const imported = new Map<string, ImportResult>();

beforeAll(async () => {
  h = await startStoreHarness();
  await h.provision();
  const { store } = await h.open();
  for (const t of TABLES) {
    const result = importBytes(t.file, readFileSync(join(SAMPLES, t.file)), t.org ? { org: t.org } : {});
    imported.set(t.file, result);
    const outcomes = await importDocuments(store, result);
    expect(outcomes.filter((o) => o.error)).toEqual([]);
  }
}, 60_000);
afterAll(async () => {
  await h.close();
});

async function renderFromLists(file: string): Promise<string> {
  const source = imported.get(file) as ImportResult;
  const first = source.reports[0];
  if (!first?.fiscalYear || !first.organizationCode) throw new Error(`${file}: no year or 府省等`);
  const { store } = await h.open();
  const fromLists = await readListReports(store.context, { fiscalYear: first.fiscalYear, orgCode: first.organizationCode });
  // Only this document's reports (a 府省等 and year may hold several documents).
  const keys = new Set(source.reports.map((r) => r.key));
  return renderReports(fromLists.filter((r) => keys.has(r.report.key)).map((r) => r.report), first.layout, 'tsv');
}

describe('reports rendered from the lists', () => {
  for (const t of TABLES) {
    it(`reproduces every non-empty cell of ${t.file} from the stored rows`, async () => {
      const text = readFileSync(join(SAMPLES, t.file), 'utf8');
      const measured = compareCells(t.file, text, await renderFromLists(t.file));
      console.info(`${t.file}: ${measured.reproduced}/${measured.sourceCells} non-empty cells reproduced from the lists`);
      expect(measured.misses).toEqual([]);
      expect(measured.sourceCells).toBeGreaterThan(50);
      expect(measured.reproduced).toBe(measured.sourceCells);
    });
  }

  it('carries an edit made over Graph into the rendered report', async () => {
    const file = '004_62afef42a3180ecf.txt';
    const source = imported.get(file) as ImportResult;
    const report = source.reports[0]!;
    const row = report.rows.find((r) => r.kind === 'initiative' && r.narrative)!;
    const { store } = await h.open();
    const [listReport] = (await readListReports(store.context, { fiscalYear: report.fiscalYear!, orgCode: report.organizationCode! })).filter((r) => r.report.key === report.key);
    const stored = listReport!.stored.find((s) => s.row.key === row.key)!;
    await h.connect().client.api(`${store.context.rowsPath}/${stored.itemId}/fields`).patch({ Narrative: '【継続】令和7年4月から全職員にテレワーク研修を実施した。', NarrativeEntriesJson: null });
    const rendered = await renderFromLists(file);
    expect(rendered).toContain('令和7年4月から全職員にテレワーク研修を実施した。');
    expect(rendered).not.toContain(row.narrative!.split('\n')[0]!.slice(4, 30));
  });
});
