/**
 * Deadline day (#10): 2,000 tabs open at once on one tenant, each refreshing in the background through its own
 * RefreshScheduler over the real Graph store against the local service, whose throttle meters the app tenant-wide
 * (SharePoint's per-app budget: 1,250 RU/min at the smallest tenant size, 6,250 at the largest) and sends the
 * RateLimit headers from 80 % of the minute. Not 2,000 browsers: 2,000 schedulers and Graph clients (each with its
 * own retry middleware, as a tab has; a background refresh is sent once, as the tab sends it), on virtual time (VirtualTime drives the schedulers, the clients' retry sleeps
 * and the service's throttle clock), while the secretariat's saves land at a steady rate so refreshes find changes.
 *
 * Visibility: a tab is visible or hidden (another Teams tab, a minimised window) and switches at random (mean 4 min
 * visible, 6 min hidden: about 40 % visible at any time); a second scenario keeps every tab visible (the worst case).
 * The goal: background refreshes together stay within half the largest budget (3,125 RU/min), leaving the rest for
 * saves. Prints RU per open tab per minute at both budget sizes; writes bench-results/deadline.json; never asserts.
 * Run alone: `node --import tsx scripts/bench/deadline.ts [tabs] [minutes]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { FetchOptions } from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';

import { writeField } from '../../src/core/edit/fields.js';
import { ThrottledError } from '../../src/core/errors.js';
import { secretariatActor } from '../../src/core/permissions/rules.js';
import type { RefreshCursor, StoredRow } from '../../src/core/ports.js';
import { parseRateLimit, RefreshScheduler } from '../../src/data/refresh-scheduler.js';
import { VirtualTime } from '../../src/data/virtual-time.js';
import { DEMO_DIRECTORY } from '../../src/emulator/directory.js';
import { startEmbedded } from '../../src/entries/embedded.js';
import { createGraphClient, staticTokenProvider, type GraphConnection } from '../../src/graph/create-graph-client.js';
import { openGraphFollowUpStore, type GraphFollowUpStore } from '../../src/graph/graph-follow-up-store.js';
import { writeFigures } from './measure.js';

export interface DeadlineRun {
  scenario: 'mixed' | 'all-visible';
  budgetRuPerMinute: number;
  tabs: number;
  minutes: number;
  /** RU the tabs' background refreshes spent per minute (measured minutes, after the first). */
  refreshRuPerMinute: number;
  refreshRuPerTabPerMinute: number;
  /** Share of the largest budget (6,250) the refreshes used; the goal is ≤ 0.5. */
  shareOfLargestBudget: number;
  shareOfThisBudget: number;
  saveRuPerMinute: number;
  refreshes: number;
  throttled429: number;
  savesDone: number;
  savesFailed: number;
  meanVisibleShare: number;
}

const LARGEST_BUDGET = 6_250;
const ORG = 'soumu';
const FY = 2023;
const SAVES_PER_MINUTE = 30;

export async function runDeadlineBench(tabs = 2_000, minutes = 6): Promise<DeadlineRun[]> {
  const runs: DeadlineRun[] = [];
  for (const scenario of ['mixed', 'all-visible'] as const) {
    for (const budget of [1_250, 6_250]) runs.push(await simulate(scenario, budget, tabs, minutes));
  }
  process.stdout.write('\nscenario      budget RU/min   refresh RU/min   RU/tab/min   share of 6,250   429s   saves ok/failed\n');
  for (const r of runs) {
    process.stdout.write(
      `${r.scenario.padEnd(12)} ${String(r.budgetRuPerMinute).padStart(14)} ${r.refreshRuPerMinute.toFixed(0).padStart(16)} ${r.refreshRuPerTabPerMinute.toFixed(3).padStart(12)} ${`${(r.shareOfLargestBudget * 100).toFixed(1)} %`.padStart(16)} ${String(r.throttled429).padStart(6)}   ${r.savesDone}/${r.savesFailed}\n`,
    );
  }
  writeFigures('deadline', runs);
  return runs;
}

async function simulate(scenario: DeadlineRun['scenario'], budget: number, tabCount: number, minutes: number): Promise<DeadlineRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-deadline-'));
  const vt = new VirtualTime(Date.UTC(2026, 5, 30, 0, 0, 0), 7);
  const embedded = await startEmbedded({ dbPath: join(dir, 'db.sqlite'), port: 0, certDir: join(dir, 'certs'), throttleClock: () => vt.now() });
  const { graph } = embedded;
  const dispatcher = new Agent({ connect: { ca: graph.ca }, connections: 8 });
  let inFlight = 0;
  /** A Graph client as one tab (or the secretariat) has: its own retry middleware, sleeping on virtual time. */
  const connect = (user: string, onRateLimit?: (r: ReturnType<typeof parseRateLimit>) => void): GraphConnection =>
    createGraphClient({
      baseUrl: graph.graphUrl,
      tokenProvider: staticTokenProvider(graph.tokenFor(user)),
      fetchOptions: { dispatcher } as unknown as FetchOptions,
      retry: { runtime: { sleep: (ms) => new Promise<void>((resolve) => vt.setTimeout(resolve, ms)), random: () => vt.random() } },
      fetch: async (input, init) => {
        inFlight++;
        try {
          const res = await fetch(input, init);
          const info = onRateLimit ? parseRateLimit((n) => res.headers.get(n)) : null;
          if (info) onRateLimit?.(info);
          return res;
        } finally {
          inFlight--;
        }
      },
    });
  /** Lets every request a timer started finish (a retry sleeping on virtual time is not in flight). */
  const settle = async (): Promise<void> => {
    let idleTurns = 0;
    while (idleTurns < 2) {
      await new Promise((r) => setImmediate(r));
      idleTurns = inFlight === 0 ? idleTurns + 1 : 0;
    }
  };

  try {
    // Who has the tabs open: the division members (each their division) and the reviewers (the whole ministry).
    const divisionUsers = DEMO_DIRECTORY.users.filter((u) => u.groups.some((g) => g.startsWith('div-')));
    const reviewers = DEMO_DIRECTORY.users.filter((u) => u.groups.includes('reviewers'));
    const openers = [...divisionUsers.map((u) => ({ user: u.id, division: u.groups.find((g) => g.startsWith('div-')) ?? null })), ...reviewers.map((u) => ({ user: u.id, division: null }))];
    const site = embedded.site;
    // One opening per scope (the tabs' opening is not what this measures); every tab keeps its own cursor after.
    const cursors = new Map<string, RefreshCursor>();
    for (const o of openers) {
      const key = `${o.user}`;
      const store = await openGraphFollowUpStore({ connection: connect(o.user), site, actor: secretariatActor() });
      const set = await store.open({ orgCode: ORG, fiscalYear: FY, ...(o.division ? { divisionCode: o.division } : {}) });
      cursors.set(key, set.cursor);
    }

    let refreshes = 0;
    let throttled = 0;
    const tabs: { scheduler: RefreshScheduler; visible: boolean; visibleMs: number; since: number }[] = [];
    for (let i = 0; i < tabCount; i++) {
      const o = openers[i % openers.length]!;
      let cursor = cursors.get(o.user)!;
      let scheduler: RefreshScheduler | null = null;
      const connection = connect(o.user, (info) => info && scheduler?.noteRateLimit(info));
      const store: GraphFollowUpStore = await openGraphFollowUpStore({ connection, site, actor: secretariatActor() }).catch(async () => openGraphFollowUpStore({ connection, site, actor: secretariatActor() }));
      scheduler = new RefreshScheduler(async () => {
        refreshes++;
        try {
          // As the tab's refresh (use-row-cache.ts): a background read, sent once; the scheduler backs off on a 429.
          const result = await store.refresh(cursor, { background: true });
          cursor = result.cursor;
          return result.changed.length + result.removedItemIds.length;
        } catch (error) {
          if (error instanceof ThrottledError) throttled++;
          throw error;
        }
      }, vt);
      const visible = scenario === 'all-visible' || vt.random() < 0.4;
      const tab = { scheduler, visible, visibleMs: 0, since: vt.now() };
      scheduler.setVisible(visible);
      tabs.push(tab);
    }
    // Tabs open over the first minute (people arrive), not in one instant.
    for (const tab of tabs) vt.setTimeout(() => tab.scheduler.start(), vt.random() * 60_000);
    if (scenario === 'mixed') {
      const toggle = (tab: (typeof tabs)[number]): void => {
        const mean = tab.visible ? 4 * 60_000 : 6 * 60_000;
        vt.setTimeout(() => {
          if (tab.visible) tab.visibleMs += vt.now() - tab.since;
          tab.since = vt.now();
          tab.visible = !tab.visible;
          tab.scheduler.setVisible(tab.visible);
          toggle(tab);
        }, -Math.log(1 - vt.random()) * mean);
      };
      tabs.forEach(toggle);
    }

    // The secretariat's saves through the day (the changes the tabs' refreshes bring in); they spend the budget too.
    const admin = await openGraphFollowUpStore({ connection: connect('sato'), site, actor: secretariatActor() });
    const rows = (await admin.open({ orgCode: ORG, fiscalYear: FY })).rows.filter((r) => r.row.kind === 'initiative') as StoredRow[];
    const latest = new Map(rows.map((r) => [r.rowKey, r]));
    let savesDone = 0;
    let savesFailed = 0;
    let n = 0;
    const saveLoop = (): void => {
      vt.setTimeout(() => {
        const base = rows[n++ % rows.length]!;
        const current = latest.get(base.rowKey)!;
        void admin
          .saveChanges([{ base: current, mine: writeField(current, 'outcome', `${current.row.outcome ?? ''}。`.slice(-200)) }])
          .then((results) => {
            const r = results[0];
            if (r && 'stored' in r && r.stored) {
              latest.set(r.stored.rowKey, r.stored);
              savesDone++;
            } else savesFailed++;
          })
          .catch(() => savesFailed++);
        saveLoop();
      }, 60_000 / SAVES_PER_MINUTE);
    };
    saveLoop();

    graph.setThrottle({ resourceUnitsPerMinute: budget, scope: 'app' });
    // The first minute: tabs arrive; measured from its end.
    await vt.advance(60_000, settle);
    const before = graph.stats();
    const started = vt.now();
    const refreshesBefore = refreshes;
    const throttledBefore = throttled;
    for (const tab of tabs) {
      tab.visibleMs = 0;
      tab.since = vt.now();
    }
    await vt.advance(minutes * 60_000, settle);
    const after = graph.stats();
    const elapsedMin = (vt.now() - started) / 60_000;
    for (const tab of tabs) if (tab.visible) tab.visibleMs += vt.now() - tab.since;
    for (const tab of tabs) tab.scheduler.stop();
    const saveRu = (after.byUser[upnOf('sato')]?.resourceUnits ?? 0) - (before.byUser[upnOf('sato')]?.resourceUnits ?? 0);
    const refreshRu = after.resourceUnits - before.resourceUnits - saveRu;
    const perMinute = refreshRu / elapsedMin;
    const run: DeadlineRun = {
      scenario,
      budgetRuPerMinute: budget,
      tabs: tabCount,
      minutes,
      refreshRuPerMinute: round(perMinute),
      refreshRuPerTabPerMinute: round(perMinute / tabCount, 4),
      shareOfLargestBudget: round(perMinute / LARGEST_BUDGET, 4),
      shareOfThisBudget: round(perMinute / budget, 4),
      saveRuPerMinute: round(saveRu / elapsedMin),
      refreshes: refreshes - refreshesBefore,
      throttled429: after.throttled - before.throttled,
      savesDone,
      savesFailed,
      meanVisibleShare: round(tabs.reduce((s, t) => s + t.visibleMs, 0) / (tabs.length * (vt.now() - started)), 3),
    };
    void throttledBefore;
    process.stdout.write(`${scenario}, ${budget} RU/min: ${run.refreshRuPerMinute} RU/min for refreshes (${run.refreshRuPerTabPerMinute} per tab), ${run.refreshes} refreshes, ${run.throttled429} answers 429, visible ${(run.meanVisibleShare * 100).toFixed(0)} %\n`);
    return run;
  } finally {
    await dispatcher.close();
    await embedded.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const upnOf = (id: string): string => DEMO_DIRECTORY.users.find((u) => u.id === id)?.upn ?? id;
const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [tabs, minutes] = process.argv.slice(2).map(Number);
  await runDeadlineBench(tabs && tabs > 0 ? tabs : undefined, minutes && minutes > 0 ? minutes : undefined);
}
