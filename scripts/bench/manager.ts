/**
 * The manager view (#12) in headless Chromium, against `npm start`'s composition (local service + web app, port 0):
 * the Graph requests and the time from `page.goto` to the painted division overview (every division's row with its
 * figures), as the reviewer 高橋 健一, for the demo site's year (17 rows, 5 divisions) and for a generated year of
 * 2,000 rows over the same 5 divisions, 400 of them submitted and accepted (so FollowUpReview and FollowUpSubmissions
 * hold items). Median of 5 warm runs after a cold one. The requests must not grow with the number of divisions or
 * rows (paging aside). Writes bench-results/manager.json; never asserts. Run alone:
 * `node --import tsx scripts/bench/manager.ts`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Page } from 'playwright-core';
import { Agent } from 'undici';

import { secretariatActor } from '../../src/core/permissions/rules.js';
import { createGraphClient } from '../../src/graph/create-graph-client.js';
import { assignByRule } from '../../src/graph/import-documents.js';
import { openReviewService } from '../../src/graph/review.js';
import { launchChromium } from '../../test/support/browser.js';
import { startEmbeddedApp } from '../../test/support/embedded-harness.js';
import { generatedReport } from './tab.js';

const ORG = 'soumu';
const DIVISIONS = ['div-somu', 'div-kikaku', 'div-gyokan', 'div-jichi', 'div-joho'];
const GENERATED = { fy: 2032, rows: 2_000, submitted: 400 } as const;

interface OpenFigure {
  fiscalYear: number;
  rows: number;
  divisions: number;
  requestsUntilOverview: number;
  paths: string[];
  coldMs: number;
  runs: number[];
  medianMs: number;
}

export interface ManagerFigures {
  demo: OpenFigure;
  generated: OpenFigure;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function measure(page: Page, base: string, fy: number, rows: number): Promise<OpenFigure> {
  const requests: string[] = [];
  const onRequest = (r: { url(): string; method(): string }): void => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/v1.0/') || u.pathname.includes('/_api/')) requests.push(`${r.method()} ${u.pathname}${u.search}`);
  };
  const open = async (): Promise<number> => {
    const t0 = Date.now();
    await page.goto(`${base}/tab.html?view=manager&fy=${fy}`);
    await page.locator('[data-testid="division-overview"] [data-division]').first().waitFor({ timeout: 120_000 });
    return Date.now() - t0;
  };
  const coldMs = await open();
  await page.waitForLoadState('networkidle');
  page.on('request', onRequest);
  const first = await open();
  const requestsUntilOverview = requests.length;
  const paths = [...requests];
  page.off('request', onRequest);
  await page.waitForLoadState('networkidle');
  const runs = [first];
  for (let i = 0; i < 4; i++) {
    runs.push(await open());
    await page.waitForLoadState('networkidle');
  }
  const divisions = await page.locator('[data-testid="division-overview"] [data-division]').count();
  return { fiscalYear: fy, rows, divisions, requestsUntilOverview, paths, coldMs, runs, medianMs: median(runs) };
}

export async function runManagerBench(): Promise<ManagerFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-manager-'));
  const embedded = await startEmbeddedApp(dir, { build: true });
  const { browser } = await launchChromium();
  try {
    // A generated year over five divisions; one division submits 400 rows and the secretariat's client accepts them.
    // Imported unassigned, then assigned: assigning is what sets the item permissions the review's locks change.
    const report = generatedReport(GENERATED.fy, GENERATED.rows);
    await embedded.store.importReport({ ...report, rows: report.rows.map((r) => ({ ...r, division: null })) });
    await assignByRule(embedded.store, GENERATED.fy, ORG, (_row, i) => DIVISIONS[i % DIVISIONS.length] ?? null);
    const site = { id: embedded.site.id };
    const dispatcher = new Agent({ connect: { ca: embedded.graph.ca } });
    const suzukiConnection = createGraphClient({ baseUrl: embedded.graph.graphUrl, tokenProvider: { getToken: async () => embedded.graph.tokenFor('suzuki') }, fetchOptions: { dispatcher } as RequestInit });
    const suzuki = await openReviewService({ connection: suzukiConnection, site, actor: { displayName: '鈴木 一郎', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: ORG, divisionCode: 'div-somu' }] } });
    const mine = (await suzuki.overview({ orgCode: ORG, fiscalYear: GENERATED.fy, divisionCode: 'div-somu' })).filter((r) => r.row.row.status !== null).slice(0, GENERATED.submitted);
    const t0 = Date.now();
    const submitted = await suzuki.submit(mine.map((r) => r.row.rowKey));
    const secretariat = await openReviewService({ connection: embedded.connection, site, actor: secretariatActor('大臣官房秘書課') });
    const processed = await secretariat.processSubmissions({ orgCode: ORG, fiscalYear: GENERATED.fy });
    process.stdout.write(`seeded ${GENERATED.rows} rows in ${GENERATED.fy}; ${submitted.submitted.length} submitted and ${processed.accepted.length} accepted in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

    const base = embedded.graph.url;
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'ja-JP', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/_local/signin?returnTo=${encodeURIComponent('/tab.html?view=manager&fy=2023')}`);
    await page.getByRole('button', { name: '高橋 健一' }).click();
    await page.getByTestId('division-overview').waitFor({ timeout: 60_000 });
    const demo = await measure(page, base, 2023, 17);
    const generated = await measure(page, base, GENERATED.fy, GENERATED.rows);
    for (const f of [demo, generated]) {
      process.stdout.write(`manager overview, ${f.fiscalYear} (${f.rows} rows, ${f.divisions} divisions): ${f.requestsUntilOverview} Graph/REST requests until painted; median ${f.medianMs} ms of 5 [${f.runs.join(', ')}] (cold ${f.coldMs} ms)\n`);
      for (const p of f.paths) process.stdout.write(`  ${p.length > 150 ? `${p.slice(0, 150)}…` : p}\n`);
    }
    const figures: ManagerFigures = { demo, generated };
    mkdirSync('bench-results', { recursive: true });
    writeFileSync('bench-results/manager.json', `${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write('written: bench-results/manager.json\n');
    await context.close();
    return figures;
  } finally {
    await browser.close();
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runManagerBench();
