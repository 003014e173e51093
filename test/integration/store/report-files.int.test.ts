// Official report files from the lists (#12): each sample follow-up table imported, its report made from the stored
// rows as an .xlsx workbook, read back with exceljs (and converted by LibreOffice) and compared cell by cell with the
// source document as a reader sees it (the source's markup read as text, whitespace normalised only: readerText); the 002 compilation checked line by line per 府省等; an edit over Graph
// shows up in the workbook, and one in the compilation under its 府省等.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ImportResult, Report } from '../../../src/core/model/schema.js';
import { buildReportBook } from '../../../src/core/report/book.js';
import { META_ROWS, reportWorkbook } from '../../../src/data/report-workbook.js';
import { importDocuments } from '../../../src/graph/import-documents.js';
import { readListReports } from '../../../src/graph/list-reports.js';
import { importBytes } from '../../../src/io/import.js';
import { compareCells } from '../../../src/io/round-trip.js';
import { CSV_ALL_SHEETS, convert, findSoffice, parseCsv } from '../../support/libreoffice.js';
import { startStoreHarness, type StoreHarness } from './harness.js';

const SAMPLES = join(import.meta.dirname, '..', '..', '..', 'samples');
const TABLES: { file: string; org?: string }[] = [{ file: '000_af6c26688b7c18a9.txt' }, { file: '003_21f51c2eed719b65.txt', org: '財務省' }, { file: '004_62afef42a3180ecf.txt', org: '総務省' }];
const COMPILATION = '002_2a41778675c87b6f.part.txt';
const SOFFICE = findSoffice();
const TODAY = '2026-12-06';

let h: StoreHarness;
let dir: string;
const imported = new Map<string, ImportResult>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-files-'));
  if (!SOFFICE) process.stdout.write('\nLibreOffice (soffice) is not installed: the report workbook is not opened in LibreOffice (apt-get install libreoffice-calc-nogui).\n');
  h = await startStoreHarness();
  await h.provision();
  const { store } = await h.open();
  for (const t of [...TABLES, { file: COMPILATION }]) {
    const result = importBytes(t.file, readFileSync(join(SAMPLES, t.file)), t.org ? { org: t.org } : {});
    imported.set(t.file, result);
    const outcomes = await importDocuments(store, result);
    expect(outcomes.filter((o) => o.error)).toEqual([]);
  }
}, 120_000);
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

/** This document's reports as the lists hold them. */
async function fromLists(file: string): Promise<Report[]> {
  const source = imported.get(file) as ImportResult;
  const first = source.reports[0]!;
  const { store } = await h.open();
  const keys = new Set(source.reports.map((r) => r.key));
  return (await readListReports(store.context, { fiscalYear: first.fiscalYear!, orgCode: first.organizationCode! })).filter((r) => keys.has(r.report.key)).map((r) => r.report);
}

async function workbookOf(reports: Report[], options: { compilation?: boolean } = {}): Promise<Uint8Array> {
  return reportWorkbook(ExcelJS, buildReportBook(reports, { today: TODAY, label: '機密性2', ...options }), new Date(`${TODAY}T09:00:00+09:00`));
}

/** The text of a cell as Excel shows it; a covered cell of a merge is empty (exceljs repeats the master's value). */
function cellText(cell: ExcelJS.Cell): string {
  if (cell.isMerged && cell.master.address !== cell.address) return '';
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  throw new Error(`${cell.address} holds a ${typeof v === 'object' ? JSON.stringify(v) : typeof v}, not text`);
}

/** The document as the workbook holds it: the table sheets' rows end to end (the 作成日/label row left out), as TSV. */
async function documentOf(bytes: Uint8Array): Promise<string> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const lines: string[] = [];
  for (const ws of wb.worksheets) {
    if (ws.name === '数値グラフ') continue;
    for (let r = 1 + META_ROWS; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= ws.columnCount; c++) cells.push(cellText(row.getCell(c)).replace(/[\t\r\n]+/g, ' '));
      lines.push(cells.join('\t'));
    }
  }
  return lines.join('\n');
}

const rates: string[] = [];

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * What a reader of the source document sees in a cell. The seeds' cells hold HTML (p/ul/li/br/b and entities); the
 * workbook holds plain text (a paragraph per line). Only the source side is converted, here and independently of
 * the product's htmlToText (block tags → line break, other tags dropped, entities decoded): the workbook's cell is
 * compared as written, whitespace normalised only, so markup or an entity left in a cell (`<p>`, `&amp;`) or text the
 * product's conversion drops is a miss, never hidden by converting both sides the same way.
 */
function readerText(html: string): string {
  return html
    .replace(/<\/?(?:p|div|br|li|ul|ol|tr|h[1-6])\b[^>]*>/gi, '\n')
    .replace(/<\/?[a-z][^>]*>/gi, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) =>
      name.startsWith('#x') || name.startsWith('#X') ? String.fromCodePoint(Number.parseInt(name.slice(2), 16)) : name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : (ENTITIES[name.toLowerCase()] ?? whole),
    );
}

describe('report workbooks from the lists', () => {
  afterAll(() => {
    process.stdout.write(`\nreport .xlsx from the lists, non-empty source cells reproduced:\n  ${rates.join('\n  ')}\n`);
  });

  for (const t of TABLES) {
    it(`reproduces every non-empty cell of ${t.file} in the workbook`, async () => {
      const bytes = await workbookOf(await fromLists(t.file));
      writeFileSync(join(dir, `${t.file}.xlsx`), bytes);
      const measured = compareCells(t.file, readFileSync(join(SAMPLES, t.file), 'utf8'), await documentOf(bytes), readerText);
      rates.push(`${t.file}: ${measured.reproduced}/${measured.sourceCells} (${((measured.reproduced / measured.sourceCells) * 100).toFixed(1)} %)`);
      expect(measured.misses).toEqual([]);
      expect(measured.sourceCells).toBeGreaterThan(50);
      expect(measured.reproduced).toBe(measured.sourceCells);
    });
  }

  it('prints A4, fit to width, with the header rows repeated, the label in the header and on the sheet', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await workbookOf(await fromLists(TABLES[0]!.file))) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['重点項目', '全体像', '数値グラフ']);
    const ws = wb.getWorksheet('全体像')!;
    expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
    // The header block of the 全体像 table: document lines 5–6 of the table, sheet rows 6–7 under the 作成日 row.
    expect(ws.pageSetup.printTitlesRow).toBe('6:7');
    expect(ws.headerFooter.oddHeader).toContain('機密性2');
    expect(ws.headerFooter.oddFooter).toContain('令和8年12月6日');
    expect(ws.getCell('A1').value).toBe('作成日：令和8年12月6日');
    expect(ws.getCell(1, ws.columnCount).value).toBe('機密性2');
    // 大項目 spans its two header rows; text wraps.
    expect(ws.getCell('A7').isMerged && ws.getCell('A7').master.address).toBe('A6');
    expect(ws.getCell('E8').alignment?.wrapText).toBe(true);
    // Rows are as tall as their wrapped text (LibreOffice does not grow them on open): a long 内容 gets many lines.
    const heights = ws.getRows(1, ws.rowCount)!.map((r) => r.height ?? 0);
    expect(Math.max(...heights)).toBeGreaterThan(150);
    // 数値 as numbers with data bars, beside their printed text.
    const charts = wb.getWorksheet('数値グラフ')!;
    expect(charts.getCell('B3').value).toBe('男性職員の育児休業取得率');
    expect([charts.getCell('D3').value, charts.getCell('H3').value, charts.getCell('I3').value]).toEqual(['66.3%', 66.3, 30]);
  });

  it('opens in LibreOffice with the same cell text', async (ctx) => {
    if (!SOFFICE) ctx.skip();
    const file = TABLES[0]!.file;
    const path = join(dir, `${file}.xlsx`);
    writeFileSync(path, await workbookOf(await fromLists(file)));
    const stem = convert(SOFFICE!, path, CSV_ALL_SHEETS, join(dir, 'csv'), join(dir, 'profile'));
    const sheets = ['重点項目', '全体像'].map((name) => parseCsv(readFileSync(`${stem}-${name}.csv`, 'utf8')).slice(META_ROWS));
    const text = sheets.flat().map((cells) => cells.map((c) => c.replace(/[\t\r\n]+/g, ' ')).join('\t')).join('\n');
    const measured = compareCells(file, readFileSync(join(SAMPLES, file), 'utf8'), text, readerText);
    expect(measured.misses).toEqual([]);
    expect(measured.reproduced).toBe(measured.sourceCells);
  });

  it('carries an edit made over Graph into the workbook', async () => {
    const file = TABLES[2]!.file;
    const before = await documentOf(await workbookOf(await fromLists(file)));
    const report = imported.get(file)!.reports[0]!;
    const row = report.rows.find((r) => r.kind === 'initiative' && r.narrative)!;
    const { store } = await h.open();
    const [listReport] = (await readListReports(store.context, { fiscalYear: report.fiscalYear!, orgCode: report.organizationCode! })).filter((r) => r.report.key === report.key);
    const stored = listReport!.stored.find((s) => s.row.key === row.key)!;
    await h.connect().client.api(`${store.context.rowsPath}/${stored.itemId}/fields`).patch({ Narrative: '【継続】令和8年4月から全課室で業務棚卸しを実施した。', NarrativeEntriesJson: null });
    const after = await documentOf(await workbookOf(await fromLists(file)));
    expect(before).not.toContain('令和8年4月から全課室で業務棚卸しを実施した。');
    expect(after).toContain('令和8年4月から全課室で業務棚卸しを実施した。');
    expect(after).not.toContain(row.narrative!.split('\n')[0]!.slice(4, 30));
  });
});

/** 002's furniture: the page title, the column captions and page numbers print on every page, not in a cell. */
const FURNITURE = /^(?:Ａ\s*Ｂ|重点項目|取組時期・内容・成果、取組における改善点・課題、|それらを踏まえた次のアクション|ＷＬＢ取組指針若しくは|各府省取組計画の該当箇所|国家公務員の女性活躍とワークライフバランス推進のための取組指針に|基づく取組計画等のフォローアップ（令和[０-９\d]+年度）（重点項目）|[-－]?\s*[0-9０-９]+\s*[-－]?)$/;
const squash = (s: string): string => s.replace(/\s+/g, '').replace(/\uFFFD+$/, '');

/** The hand-made truth of 002 (domain.md §6.1): each 府省等's printed lines and its rows' printed cells. */
const TRUTH_002 = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'compilation', 'real-002.json'), 'utf8')) as {
  marker: string;
  lines: [number, number];
  rows: { a: string[]; b: string[]; f: string[] }[];
  noRowsReason: string | null;
}[];

/** The compilation workbook made from the lists (every 府省等 of 002's year): its table rows, 府省等 carried down a merge. */
async function compilationTable(): Promise<{ org: string; cells: string[] }[]> {
  const source = imported.get(COMPILATION)!;
  const year = source.reports[0]!.fiscalYear!;
  const { store } = await h.open();
  // Every 府省等 of the year: 002's sections; the ministries' own tables of other years are not read.
  const reports = (await readListReports(store.context, { fiscalYear: year })).map((r) => r.report);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await workbookOf(reports, { compilation: true })) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  expect(ws.name).toBe('重点項目（府省等）');
  const table: { org: string; cells: string[] }[] = [];
  let org: string | null = null;
  // Below the title, the blank line and the column header row.
  for (let r = 1 + META_ROWS + 3; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const first = row.getCell(1);
    if (first.value && !(first.isMerged && first.master.address !== first.address)) org = String(first.value);
    if (org !== null) table.push({ org, cells: [2, 3, 4].map((c) => cellText(row.getCell(c))) });
  }
  return table;
}

describe('the cross-ministry 重点項目 compilation from the lists', () => {
  it('holds every printed table line of 002 under the 府省等 that printed it', async () => {
    const source = imported.get(COMPILATION)!;
    const blobs = new Map<string, string>();
    for (const { org, cells } of await compilationTable()) blobs.set(org, (blobs.get(org) ?? '') + squash(cells.join('')));
    let lines = 0;
    let found = 0;
    let anywhere = 0;
    const elsewhere = new Map<string, number>();
    const misses: string[] = [];
    // Which 府省等 printed each line: the truth's line ranges, not a cut at the marker lines — a marker may follow its
    // rows (個人情報保護委員会 line 609, カジノ管理委員会 line 863; domain.md §6.2 item 1).
    readFileSync(join(SAMPLES, COMPILATION), 'utf8').split(/\r?\n/).forEach((raw, i) => {
      const text = raw.trim();
      const section = TRUTH_002.find((t) => t.lines[0] <= i + 1 && i + 1 <= t.lines[1])?.marker ?? null;
      if (section === null || text === '' || FURNITURE.test(text) || /^【\s*府省等名\s*[：:]/.test(text)) return;
      lines += 1;
      if ((blobs.get(section) ?? '').includes(squash(text))) {
        found += 1;
        anywhere += 1;
        return;
      }
      const other = [...blobs.entries()].find(([, blob]) => blob.includes(squash(text)))?.[0];
      if (other !== undefined) {
        anywhere += 1;
        elsewhere.set(`${section} → ${other}`, (elsewhere.get(`${section} → ${other}`) ?? 0) + 1);
      } else if (misses.length < 20) misses.push(`${section}: ${text}`);
    });
    const pct = (n: number): string => `${((n / lines) * 100).toFixed(1)} %`;
    process.stdout.write(
      `\n${COMPILATION} → compilation workbook (${blobs.size} 府省等): ${anywhere}/${lines} printed table lines found (${pct(anywhere)}); ` +
        `${found}/${lines} (${pct(found)}) in the rows of the 府省等 whose section printed them; elsewhere: ${JSON.stringify(Object.fromEntries(elsewhere))}\n`,
    );
    expect(blobs.size).toBe(new Set(source.reports.map((r) => r.organization)).size);
    expect(blobs.size).toBe(TRUTH_002.length);
    expect(misses).toEqual([]);
    expect(Object.fromEntries(elsewhere)).toEqual({});
    expect(lines).toBe(715);
    expect(found).toBe(lines);
  });

  it('reproduces every printed cell of 002, row by row under its 府省等: 重点項目, Ａ and Ｂ (whitespace normalised)', async () => {
    const table = await compilationTable();
    let cells = 0;
    const differ: string[] = [];
    for (const t of TRUTH_002) {
      const mine = table.filter((x) => x.org === t.marker);
      if (t.rows.length === 0) {
        // こども家庭庁: the note under 重点項目 stands in the row of a 府省等 without rows.
        cells += 1;
        if (!(mine.length === 1 && squash(mine[0]!.cells[0]!) === squash(t.noRowsReason ?? ''))) differ.push(`${t.marker}: no-rows note`);
        continue;
      }
      expect(mine.length, t.marker).toBe(t.rows.length);
      for (const row of t.rows) {
        const got = mine.find((x) => squash(x.cells[1]!) === squash(row.a.join('')));
        [row.f, row.a, row.b].forEach((want, k) => {
          cells += 1;
          if (!got || squash(got.cells[k]!) !== squash(want.join(''))) differ.push(`${t.marker} ${['重点項目', 'Ａ', 'Ｂ'][k]!}: ${want.join('').slice(0, 24)}`);
        });
      }
    }
    process.stdout.write(`\n${COMPILATION} → compilation workbook, cell by cell against the truth: ${cells - differ.length}/${cells} cells\n`);
    expect(differ).toEqual([]);
    expect(cells).toBe(133);
  });

  it('carries an edit made over Graph into the compilation, in its 府省等 (a row whose marker is printed after it)', async () => {
    const report = imported.get(COMPILATION)!.reports.find((r) => r.organization === '個人情報保護委員会')!;
    const row = report.rows[0]!;
    const { store } = await h.open();
    const [listReport] = (await readListReports(store.context, { fiscalYear: report.fiscalYear!, orgCode: report.organizationCode! })).filter((r) => r.report.key === report.key);
    const stored = listReport!.stored.find((s) => s.row.key === row.key)!;
    const edit = '【継続】令和７年度から、局内の照会対応を共有フォルダの様式に一本化した。';
    await h.connect().client.api(`${store.context.rowsPath}/${stored.itemId}/fields`).patch({ Narrative: edit, NarrativeEntriesJson: null });
    const table = await compilationTable();
    expect(table.filter((x) => x.cells[1] === edit).map((x) => [x.org, x.cells[0]])).toEqual([['個人情報保護委員会', row.focusItem]]);
    expect(table.some((x) => squash(x.cells[1]!).startsWith(squash(row.narrative!.slice(0, 30))))).toBe(false);
  });
});
