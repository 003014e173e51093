/**
 * Workbook sync figures (#11): a division's 1,000 rows loaded into a workbook, then synced with 100 rows changed in the
 * sheet — requests against the minimum, SharePoint resource units, wall time — against the local Graph service in
 * this process (port 0, file database in a temp dir). The workbook is the command line's (exceljs behind the same
 * port the add-in's office-js adapter implements, running the same steps of src/core/sync/workbook-sync.ts), so the
 * Graph figures are the add-in's too; the Excel round trips of the adapter are bounded in test/hosts/excel-workbook.
 * The sync runs as a division member (鈴木, div-somu), never as the site owner. Prints a table, writes
 * bench-results/workbook-sync.json; never asserts on time. Run alone: `node --import tsx scripts/bench/workbook-sync.ts`.
 *
 * Minimums: reading a scope of ≤ 5,000 rows is one request (one page); saving N changed rows is ceil(N / 20)
 * `$batch` requests (one PATCH with If-Match per row, 20 per batch). A sync needs one read and the saves; the re-read
 * before writing is of the workbook (co-authoring), not of the list.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';

import type { Report, Row } from '../../src/core/model/schema.js';
import type { Actor } from '../../src/core/permissions/rules.js';
import { columnOfField } from '../../src/core/sync/workbook-format.js';
import { loadWorkbook, syncWorkbook, type SyncContext, type WorkbookScope } from '../../src/core/sync/workbook-sync.js';
import { startEmbedded } from '../../src/entries/embedded.js';
import { createGraphClient, staticTokenProvider, type GraphConnection } from '../../src/graph/create-graph-client.js';
import { minimumBatches, openGraphFollowUpStore } from '../../src/graph/graph-follow-up-store.js';
import { assignByRule } from '../../src/graph/import-documents.js';
import { ExcelJsFollowUpWorkbook } from '../../src/io/xlsx/followup-workbook.js';
import { measure, writeFigures } from './measure.js';
import { syntheticReport as reportOf, syntheticRow } from './synthetic.js';

export interface WorkbookSyncFigure {
  name: string;
  requests: number;
  minimumRequests: number;
  resourceUnits: number;
  ms: number;
  /** What the sync reported (fields sent, cells written, conflicts), to show the figure measured the right thing. */
  outcome: string;
}

const FY = 2024;
const ORG = 'soumu';
const DIVISION = 'div-somu';
const ROWS = 1000;
const CHANGED = 100;
const SUZUKI: Actor = { displayName: '鈴木 一郎', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: ORG, divisionCode: DIVISION }] };

function syntheticReport(): Report {
  const rows: Row[] = [];
  for (let i = 0; i < ROWS; i++) {
    const text = `取組 ${i + 1} として、テレワーク実施要領を周知した。`;
    // Unassigned at import: the secretariat's assignment gives the division's group its item permissions.
    rows.push(syntheticRow(i, { key: `L-R7/bench/${i + 1}`, title: `取組 ${i + 1}`, cellText: `取組 ${i + 1}`, majorItem: '働き方改革', marker: i + 1, implemented: true, text, html: false, division: null, file: 'bench-workbook.txt' }));
  }
  return reportOf({ key: `${ORG}/${FY}/L-R7`, fiscalYear: FY, cycleLabel: '令和6年度', title: 'ベンチマーク用フォローアップ', file: 'bench-workbook.txt', rows });
}

/** Types `text(i)` into the 実施状況の内容 cell of the first `n` data rows (as the person would, then saves the file). */
async function editSheet(workbook: ExcelJsFollowUpWorkbook, n: number, text: (i: number) => string): Promise<void> {
  const content = await workbook.read();
  const table = content.tables[0];
  if (!table) throw new Error('the loaded workbook has no table');
  const column = columnOfField('L-R7', 'initiative', 'narrative');
  await workbook.writeCells(table.rows.slice(0, n).map((_, row) => ({ table: table.name, row, column, text: text(row) })));
}

export async function runWorkbookSyncBench(): Promise<WorkbookSyncFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-workbook-'));
  // npm start's composition: the demo site with its groups and permissions, seeded with the samples.
  const embedded = await startEmbedded({ dbPath: join(dir, 'bench.db'), port: 0, certDir: join(dir, 'certs') });
  const graph = embedded.graph;
  const dispatcher = new Agent({ connect: { ca: graph.ca } });
  const connect = (user?: string): GraphConnection =>
    createGraphClient({ baseUrl: graph.graphUrl, tokenProvider: staticTokenProvider(graph.tokenFor(user)), fetchOptions: { dispatcher } as unknown as FetchOptions });
  const figures: WorkbookSyncFigure[] = [];
  try {
    const siteUrl = `${graph.url}/sites/followup`;
    // The secretariat imports the 1,000 rows and assigns them to the division (item permissions for its group).
    const imported = await embedded.store.importReport(syntheticReport());
    if (!imported.complete || imported.totalRows !== ROWS) throw new Error(`import: ${JSON.stringify(imported)}`);
    const assigned = await assignByRule(embedded.store, FY, ORG, (row) => (row.key.startsWith('L-R7/bench/') ? DIVISION : null));
    if (assigned.reduce((n, a) => n + a.assigned.length, 0) !== ROWS) throw new Error(`assigned: ${JSON.stringify(assigned).slice(0, 300)}`);

    const connection = connect('suzuki');
    const store = await openGraphFollowUpStore({ connection, site: siteUrl, actor: SUZUKI });
    const colleague = await openGraphFollowUpStore({ connection: connect('kato'), site: siteUrl, actor: { ...SUZUKI, displayName: '加藤 裕子' } });
    const workbook = ExcelJsFollowUpWorkbook.create();
    const ctx: SyncContext = { workbook, rows: store, actor: SUZUKI, userId: null };
    const scope: WorkbookScope = { site: siteUrl, orgCode: ORG, fiscalYear: FY, divisionCode: DIVISION };

    const measureOp = async (name: string, minimumRequests: number, op: () => Promise<string>): Promise<void> => {
      let outcome = '';
      const { requests, resourceUnits, ms } = await measure({ graph, connection }, async () => {
        outcome = await op();
      });
      figures.push({ name, requests, minimumRequests, resourceUnits, ms, outcome });
    };
    const sync = async (): Promise<string> => {
      const out = await syncWorkbook(ctx);
      if (!out.ok) throw new Error(`sync refused: ${out.en}`);
      const r = out.report;
      return `sent ${r.sent.fields} fields of ${r.sent.rows} rows, ${r.cellsWritten} cells written, ${r.conflicts.length} conflicts, ${r.issues.length} problems`;
    };

    await measureOp(`load ${ROWS} rows into the workbook`, 1, async () => {
      const out = await loadWorkbook(ctx, scope, { divisionName: '大臣官房総務課' });
      if (out.list.length !== ROWS) throw new Error(`loaded ${out.list.length} rows, expected ${ROWS} (${out.unreadable} unreadable)`);
      return `${out.list.length} rows in ${out.tables} table(s)`;
    });
    await measureOp(`sync, nothing changed (${ROWS} rows)`, 1, sync);
    await editSheet(workbook, CHANGED, (i) => `【継続】取組 ${i + 1}: シートで更新`);
    await measureOp(`sync ${CHANGED} rows changed in the sheet (${ROWS} rows)`, 1 + minimumBatches(CHANGED), sync);
    // Both ways at once: 100 more rows changed in the sheet, another 100 by a colleague in the list.
    await editSheet(workbook, CHANGED, (i) => `【継続】取組 ${i + 1}: シートで再更新`);
    const theirs = (await colleague.open({ fiscalYear: FY, orgCode: ORG, divisionCode: DIVISION })).rows.sort((a, b) => a.row.sortOrder - b.row.sortOrder).slice(CHANGED, 2 * CHANGED);
    const saved = await colleague.saveChanges(theirs.map((r) => ({ base: r, mine: { ...r, row: { ...r.row, outcome: `リストで同僚が記入 ${r.row.sortOrder}` } } })));
    if (saved.some((s) => s.outcome !== 'saved')) throw new Error('the colleague’s changes were not saved');
    await measureOp(`sync ${CHANGED} sheet + ${CHANGED} list changes (${ROWS} rows)`, 1 + minimumBatches(CHANGED), sync);
    await measureOp(`re-sync, nothing changed (${ROWS} rows)`, 1, sync);
  } finally {
    await embedded.close();
    await dispatcher.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const pad = (s: string | number, n: number): string => String(s).padStart(n);
  process.stdout.write(`\nworkbook sync (#11) — as a division member against the local service\n`);
  process.stdout.write('requests = HTTP requests sent; minimum = 1 read (≤ 5,000 rows) + ceil(changed rows / 20) $batch saves\n');
  process.stdout.write(`${'operation'.padEnd(48)}${pad('requests', 9)}${pad('minimum', 9)}${pad('RU', 7)}${pad('ms', 8)}  outcome\n`);
  for (const f of figures) process.stdout.write(`${f.name.padEnd(48)}${pad(f.requests, 9)}${pad(f.minimumRequests, 9)}${pad(f.resourceUnits, 7)}${pad(f.ms, 8)}  ${f.outcome}\n`);
  writeFigures('workbook-sync', figures);
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runWorkbookSyncBench();
