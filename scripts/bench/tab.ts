/**
 * The Teams tab in headless Chromium (#10), against `npm start`'s composition (local service + web app, port 0):
 * - open: from `page.goto` to the first editable cell of a 500-row grid (generated rows of one division), median of 5
 *   (the first, cold, run reported too);
 * - typing: 2,000 rows loaded, an editor open, from keydown to the next painted frame (rAF, then a task after the
 *   paint), median and p95 over 50 keystrokes; the same for moving the active cell with the arrow keys;
 * - requests: the Graph requests the tab makes to open the demo site's default scope (鈴木 一郎: his division, the
 *   latest cycle), until the first editable cell and until the page is quiet (last year's rows, guidance).
 * The generated rows live in their own fiscal years (2030: 500 rows, 2031: 2,000 rows); the demo site is not
 * changed otherwise. Writes bench-results/tab.json; never asserts. Run alone: `node --import tsx scripts/bench/tab.ts`
 * (BENCH_TIMELINE=1 prints the requests of the last open with their times, BENCH_PROFILE=1 the page's CPU profile).
 */
import { pathToFileURL } from 'node:url';

import type { Page } from 'playwright-core';

import type { Report, Row } from '../../src/core/model/schema.js';
import type { Embedded } from '../../src/entries/embedded.js';
import { assignByRule } from '../../src/graph/import-documents.js';
import { recordGraphRequests, signedInPage, withBrowserApp } from './browser-app.js';
import { measureRuns, median, p95, writeFigures } from './measure.js';
import { syntheticReport, syntheticRow } from './synthetic.js';

const ORG = 'soumu';
const DIVISION = 'div-somu';
const SIZES = { open: { fy: 2030, rows: 500 }, typing: { fy: 2031, rows: 2_000 } } as const;

export interface TabFigures {
  openFirstEditableMs: { runs: number[]; medianMs: number; coldMs: number; rows: number; goalMs: number };
  typing: { rows: number; keystrokes: number; medianMs: number; p95Ms: number; goalMs: number };
  arrowKeys: { rows: number; keystrokes: number; medianMs: number; p95Ms: number };
  openRequests: { untilEditable: number; untilQuiet: number; paths: string[]; resourceUnits: number };
}

const r1 = (v: number): number => Math.round(v * 10) / 10;

/** A generated 取組 table of `n` rows (L-R7), 大項目 every 25 rows, owned by one division. */
export function generatedReport(fy: number, n: number): Report {
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const major = `大項目 ${Math.floor(i / 25) + 1}`;
    const text = `取組 ${i + 1} として、令和${fy - 2018}年4月からテレワーク実施要領を周知し、管理職向け研修を実施した。`;
    const title = `生成した取組 ${i + 1}`;
    rows.push(syntheticRow(i, { key: `L-R7/gen/${i + 1}`, title, cellText: title, majorItem: major, marker: (i % 25) + 1, implemented: i % 7 !== 0, text, html: true, division: DIVISION, file: 'bench-generated.txt' }));
  }
  return syntheticReport({ key: `${ORG}/${fy}/L-R7/bench-generated`, fiscalYear: fy, cycleLabel: `令和${fy - 2018}年度`, title: '生成したフォローアップ（ベンチマーク）', file: 'bench-generated.txt', rows });
}

async function seed(embedded: Embedded): Promise<void> {
  for (const { fy, rows } of Object.values(SIZES)) {
    await embedded.store.importReport(generatedReport(fy, rows));
    await assignByRule(embedded.store, fy, ORG, () => DIVISION);
  }
}

const EDITABLE_CELL = '[role="gridcell"]:not([aria-readonly])';
const EDITABLE = `[role="grid"] ${EDITABLE_CELL}`;

/** Installs the keydown → next painted frame probe: rAF runs before the paint, a posted task right after it. */
async function probe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __lat: number[]; __pending: Promise<void> | null; __probe?: boolean };
    w.__lat = [];
    w.__pending = null;
    if (w.__probe) return;
    w.__probe = true;
    document.addEventListener(
      'keydown',
      (e) => {
        const start = e.timeStamp;
        w.__pending = new Promise<void>((resolve) =>
          requestAnimationFrame(() => {
            const ch = new MessageChannel();
            ch.port1.onmessage = () => {
              w.__lat.push(performance.now() - start);
              resolve();
            };
            ch.port2.postMessage(0);
          }),
        );
      },
      { capture: true },
    );
  });
}

async function keystrokes(page: Page, keys: readonly string[]): Promise<number[]> {
  await probe(page);
  for (const key of keys) {
    // One key at a time (kana are typed as text; named keys pressed), waiting for its frame before the next.
    if (key.length === 1) await page.keyboard.type(key);
    else await page.keyboard.press(key);
    await page.evaluate(() => (window as unknown as { __pending: Promise<void> | null }).__pending);
  }
  return page.evaluate(() => (window as unknown as { __lat: number[] }).__lat);
}

export async function runTabBench(): Promise<TabFigures> {
  return withBrowserApp('bench-tab-', async (embedded, browser) => {
    await seed(embedded);
    const base = embedded.graph.url;
    // Requests to open the demo site's default scope (sign-in first: its page is not the tab).
    const page = await signedInPage(browser, base, '鈴木 一郎');
    await page.locator(EDITABLE).first().waitFor({ timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    embedded.graph.resetStats();
    const graphRequests = recordGraphRequests(page);
    await page.goto(`${base}/`);
    await page.locator(EDITABLE).first().waitFor({ timeout: 60_000 });
    const untilEditable = graphRequests.paths.length;
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(1_500);
    graphRequests.stop();
    const openRequests = { untilEditable, untilQuiet: graphRequests.paths.length, paths: [...graphRequests.paths], resourceUnits: embedded.graph.stats().resourceUnits };
    process.stdout.write(`open the tab (demo site, default scope): ${untilEditable} Graph requests until the first editable cell, ${openRequests.untilQuiet} until quiet (${openRequests.resourceUnits} RU)\n`);
    for (const p of openRequests.paths) process.stdout.write(`  ${p.length > 150 ? `${p.slice(0, 150)}…` : p}\n`);

    // page.goto → first editable cell, 500 rows; the first run is cold (nothing cached), then 5 measured runs.
    const url500 = `${base}/?org=${ORG}&fy=${SIZES.open.fy}&division=${DIVISION}`;
    const open = async (): Promise<void> => {
      await page.goto(url500);
      await page.locator(EDITABLE).first().waitFor({ timeout: 60_000 });
    };
    let timeline: string[] = [];
    const { coldMs, runs, medianMs } = await measureRuns(open, {
      around: () => {
        const t0 = Date.now();
        timeline = [];
        const onRequest = (r: { url(): string }): void => void timeline.push(`+${Date.now() - t0} ms → ${new URL(r.url()).pathname.slice(0, 70)}`);
        const onDone = (r: { url(): string }): void => void timeline.push(`+${Date.now() - t0} ms ← ${new URL(r.url()).pathname.slice(0, 70)}`);
        page.on('request', onRequest);
        page.on('requestfinished', onDone);
        return () => {
          page.off('request', onRequest);
          page.off('requestfinished', onDone);
        };
      },
    });
    if (process.env.BENCH_TIMELINE) process.stdout.write(`${timeline.join('\n')}\n`);
    if (process.env.BENCH_PROFILE) {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      await open();
      const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; hitCount?: number }[]; samples: number[]; timeDeltas: number[] } };
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples.forEach((id, i) => {
        const f = byId.get(id)?.callFrame;
        const k = f ? `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}` : '?';
        self.set(k, (self.get(k) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
      });
      for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stdout.write(`  ${v.toFixed(1).padStart(7)} ms  ${k}\n`);
    }
    const openFigure = { runs, medianMs, coldMs, rows: SIZES.open.rows, goalMs: 1_500 };
    process.stdout.write(`first editable cell, ${SIZES.open.rows} rows: median ${openFigure.medianMs} ms of 5 [${runs.join(', ')}] (cold ${coldMs} ms; goal < 1,500 ms)\n`);

    // 2,000 rows: type into an open editor, then move the active cell.
    await page.goto(`${base}/?org=${ORG}&fy=${SIZES.typing.fy}&division=${DIVISION}`);
    const grid = page.getByRole('grid').first();
    await grid.locator(EDITABLE_CELL).first().waitFor({ timeout: 60_000 });
    const rowCount = await grid.getAttribute('aria-rowcount');
    const cell = grid.locator('[data-column="narrative"]:not([aria-readonly])').first();
    await cell.click();
    await page.keyboard.press('Enter');
    await page.getByRole('textbox').first().waitFor();
    await page.keyboard.press('Control+End');
    // Real keydowns (Playwright types kana as inserted text, without key events): 50 ASCII keystrokes into the editor.
    const typed = await keystrokes(page, [...'telework was checked and the training rate counted!!'].slice(0, 50));
    const typing = { rows: SIZES.typing.rows, keystrokes: typed.length, medianMs: r1(median(typed)), p95Ms: r1(p95(typed)), goalMs: 50 };
    process.stdout.write(`typing with ${SIZES.typing.rows} rows (grid aria-rowcount ${rowCount}): keydown → next frame median ${typing.medianMs} ms, p95 ${typing.p95Ms} ms over ${typed.length} keystrokes (goal < 50 ms)\n`);
    await page.keyboard.press('Escape');
    const moved = await keystrokes(page, Array.from({ length: 50 }, (_, i) => (i % 10 < 8 ? 'ArrowDown' : 'ArrowRight')));
    const arrowKeys = { rows: SIZES.typing.rows, keystrokes: moved.length, medianMs: r1(median(moved)), p95Ms: r1(p95(moved)) };
    process.stdout.write(`arrow keys with ${SIZES.typing.rows} rows: keydown → next frame median ${arrowKeys.medianMs} ms, p95 ${arrowKeys.p95Ms} ms over ${moved.length} keystrokes\n`);

    const figures: TabFigures = { openFirstEditableMs: openFigure, typing, arrowKeys, openRequests };
    writeFigures('tab', figures);
    await page.context().close();
    return figures;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runTabBench();
