/**
 * What the benchmarks measure with, in one place: an operation's Graph requests, resource units and wall time
 * (`measure`); a page's repeated open, cold then warm (`measureRuns`); the statistics; the figures written to
 * bench-results/. The browser benches' app and page are in browser-app.ts. Benchmarks never assert on time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { GraphConnection } from '../../src/graph/create-graph-client.js';

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
export const p95 = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;

/** The local service's side of a measurement: the resource units it charged. */
export interface ChargingService {
  resetStats(): void;
  stats(): { resourceUnits: number };
}

export interface Measured {
  /** HTTP requests sent: every attempt (retries included) and every SharePoint REST call. */
  requests: number;
  /** Requests before the retry middleware (plus SharePoint REST calls). */
  logical: number;
  /** Whole requests the retry middleware sent again after a 429/503/504. */
  wholeRequestRetries: number;
  resourceUnits: number;
  ms: number;
}

/** Runs `op` once with the connection's counters and the service's charges reset, and reports what it cost. */
export async function measure(on: { graph: ChargingService; connection: GraphConnection }, op: () => Promise<unknown>): Promise<Measured> {
  on.graph.resetStats();
  on.connection.resetCounters();
  const t0 = performance.now();
  await op();
  const ms = Math.round(performance.now() - t0);
  const { attempts, logical, sharePointRest } = on.connection.counters;
  return { requests: attempts + sharePointRest, logical: logical + sharePointRest, wholeRequestRetries: attempts - logical, resourceUnits: on.graph.stats().resourceUnits, ms };
}

export interface Runs {
  coldMs: number;
  runs: number[];
  medianMs: number;
}

/**
 * Times `run` (ms) once cold, then `times` more. `around(i)` is called before warm run i and may return what to undo
 * right after it (listeners); `settle` runs after every run, untimed (waiting for the page to go quiet).
 */
export async function measureRuns(run: () => Promise<void>, options: { times?: number; around?: (i: number) => (() => void) | void; settle?: () => Promise<void> } = {}): Promise<Runs> {
  const { times = 5, around, settle } = options;
  const timed = async (): Promise<number> => {
    const t0 = Date.now();
    await run();
    return Date.now() - t0;
  };
  const coldMs = await timed();
  await settle?.();
  const runs: number[] = [];
  for (let i = 0; i < times; i++) {
    const undo = around?.(i);
    runs.push(await timed());
    undo?.();
    await settle?.();
  }
  return { coldMs, runs, medianMs: median(runs) };
}

const RESULTS = join(import.meta.dirname, '..', '..', 'bench-results');

/** Writes bench-results/`name`.json (in the repository, wherever the bench runs from) and says so. */
export function writeFigures(name: string, figures: unknown): void {
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`written: bench-results/${name}.json\n`);
}
