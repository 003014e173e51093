/**
 * A virtual clock with timers (SchedulerRuntime) for tests and simulations: time moves only when `advance` runs the
 * timers that fall due, in order. The 2,000-tab deadline-day simulation (#10) runs minutes of refreshes in seconds.
 */
import type { SchedulerRuntime } from './refresh-scheduler.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class VirtualTime implements SchedulerRuntime {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  private seed: number;

  constructor(start = 0, seed = 1) {
    this.t = start;
    this.seed = seed;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: ++this.seq, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Deterministic pseudo-random numbers (mulberry32). */
  random(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let x = Math.imul(this.seed ^ (this.seed >>> 15), 1 | this.seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }

  /** Timers waiting. */
  get pending(): number {
    return this.timers.length;
  }

  /**
   * Moves time forward by `ms`, running each timer when it falls due (earliest first) and letting the promises it
   * starts settle (`settle`, e.g. awaiting the simulated requests) before the next one.
   */
  async advance(ms: number, settle: () => Promise<void> = () => Promise.resolve()): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
      await settle();
    }
    this.t = end;
  }
}
