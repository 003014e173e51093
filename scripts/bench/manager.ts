/**
 * The manager view (#12) in headless Chromium, against `npm start`'s composition (local service + web app, port 0):
 * the Graph requests and the time from `page.goto` to the painted division overview (every division's row with its
 * figures), as the reviewer 高橋 健一, for the demo site's year (17 rows, 5 divisions) and for a generated year of
 * 2,000 rows over the same 5 divisions, 400 of them submitted and accepted (so FollowUpReview and FollowUpSubmissions
 * hold items). Median of 5 warm runs after a cold one. The requests must not grow with the number of divisions or
 * rows (paging aside). Writes bench-results/manager.json; never asserts. Run alone:
 * `node --import tsx scripts/bench/manager.ts`.
 */
import { pathToFileURL } from 'node:url';

import type { Page } from 'playwright-core';
import { Agent } from 'undici';

import { secretariatActor } from '../../src/core/permissions/rules.js';
import { createGraphClient } from '../../src/graph/create-graph-client.js';
import { assignByRule } from '../../src/graph/import-documents.js';
import { openReviewService } from '../../src/graph/review.js';
import { recordGraphRequests, signedInPage, withBrowserApp } from './browser-app.js';
import { measureRuns, writeFigures } from './measure.js';
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

async function measureOverview(page: Page, base: string, fy: number, rows: number): Promise<OpenFigure> {
  const open = async (): Promise<void> => {
    await page.goto(`${base}/tab.html?view=manager&fy=${fy}`);
    await page.locator('[data-testid="division-overview"] [data-division]').first().waitFor({ timeout: 120_000 });
  };
  // The requests of the first warm run: the cold one also loads the page's scripts.
  let requests: string[] = [];
  const { coldMs, runs, medianMs } = await measureRuns(open, {
    around: (i) => {
      if (i > 0) return;
      const recorder = recordGraphRequests(page);
      requests = recorder.paths;
      return recorder.stop;
    },
    settle: () => page.waitForLoadState('networkidle'),
  });
  const divisions = await page.locator('[data-testid="division-overview"] [data-division]').count();
  return { fiscalYear: fy, rows, divisions, requestsUntilOverview: requests.length, paths: [...requests], coldMs, runs, medianMs };
}

export async function runManagerBench(): Promise<ManagerFigures> {
  return withBrowserApp('bench-manager-', async (embedded, browser) => {
    // A generated year over five divisions; one division submits 400 rows and the secretariat's client accepts them.
    // Imported unassigned, then assigned: assigning is what sets the item permissions the review's locks change.
    const report = generatedReport(GENERATED.fy, GENERATED.rows);
    await embedded.store.importReport({ ...report, rows: report.rows.map((r) => ({ ...r, division: null })) });
    await assignByRule(embedded.store, GENERATED.fy, ORG, (_row, i) => DIVISIONS[i % DIVISIONS.length] ?? null);
    const site = { id: embedded.site.id };
    const dispatcher = new Agent({ connect: { ca: embedded.graph.ca } });
    const suzukiConnection = createGraphClient({ baseUrl: embedded.graph.graphUrl, tokenProvider: { getToken: async () => embedded.graph.tokenFor('suzuki') }, fetchOptions: { dispatcher } as RequestInit });
    const suzuki = await openReviewService({ connection: suzukiConnection, site, actor: { displayName: '鈴木 一郎', isSecretariat: false, reviewerOf: [], divisions: [{ orgCode: ORG, divisionCode: 'div-somu' }] } });
    const mine = (await suzuki.overview({ orgCode: ORG, fiscalYear: GENERATED.fy, divisionCode: 'div-somu' })).rows.filter((r) => r.row.row.status !== null).slice(0, GENERATED.submitted);
    const t0 = Date.now();
    const submitted = await suzuki.submit(mine.map((r) => r.row.rowKey));
    const secretariat = await openReviewService({ connection: embedded.connection, site, actor: secretariatActor('大臣官房秘書課') });
    const processed = await secretariat.processSubmissions({ orgCode: ORG, fiscalYear: GENERATED.fy });
    process.stdout.write(`seeded ${GENERATED.rows} rows in ${GENERATED.fy}; ${submitted.submitted.length} submitted and ${processed.accepted.length} accepted in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

    const base = embedded.graph.url;
    const page = await signedInPage(browser, base, '高橋 健一', '/tab.html?view=manager&fy=2023');
    await page.getByTestId('division-overview').waitFor({ timeout: 60_000 });
    const demo = await measureOverview(page, base, 2023, 17);
    const generated = await measureOverview(page, base, GENERATED.fy, GENERATED.rows);
    for (const f of [demo, generated]) {
      process.stdout.write(`manager overview, ${f.fiscalYear} (${f.rows} rows, ${f.divisions} divisions): ${f.requestsUntilOverview} Graph/REST requests until painted; median ${f.medianMs} ms of 5 [${f.runs.join(', ')}] (cold ${f.coldMs} ms)\n`);
      for (const p of f.paths) process.stdout.write(`  ${p.length > 150 ? `${p.slice(0, 150)}…` : p}\n`);
    }
    const figures: ManagerFigures = { demo, generated };
    writeFigures('manager', figures);
    await page.context().close();
    return figures;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runManagerBench();
