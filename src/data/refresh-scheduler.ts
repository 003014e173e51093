/**
 * When an open view asks for others' changes (#10 "refresh on focus and on an adaptive interval"). Every open tab's
 * background refresh spends the tenant-wide SharePoint budget of resource units (1 RU per delta request with a token;
 * 1,250–6,250 RU per minute per app depending on the tenant's size), so the cadence adapts:
 * - visible: every `visibleMs` (60 s), stretched while nothing changes (up to `maxIdleFactor` ×);
 * - hidden (another Teams tab, a minimised window): no timer at all; one refresh when it becomes visible again;
 * - throttled (429/503): waits out Retry-After and doubles the pressure factor;
 * - the service's RateLimit headers (sent when the app has used ≥ 80 % of its minute): the interval is scaled by the
 *   used share over the target share, so all tabs together settle near the target; the factor decays slowly after.
 * Platform access (timers, clock, random) is injected, so tests and the 2,000-tab simulation run on virtual time.
 */
import { ThrottledError } from '../core/errors.js';

export interface SchedulerRuntime {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

export const REAL_SCHEDULER_RUNTIME: SchedulerRuntime = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
};

export interface RefreshPolicy {
  /** Interval while visible and changes keep coming. */
  visibleMs: number;
  /** Growth of the interval after a refresh that found nothing, and its cap (× visibleMs). */
  idleGrowth: number;
  maxIdleFactor: number;
  /** A focus or visibility change refreshes at once unless the last refresh is more recent than this. */
  minGapMs: number;
  /** Share of the app's per-minute budget that background refreshes aim at when the service reports pressure. */
  targetShare: number;
  /** Cap of the pressure factor (× interval). */
  maxPressure: number;
  /** Pressure decay per refresh without a RateLimit warning. */
  pressureDecay: number;
  /** ± this share of the interval at random, so tabs do not refresh in lock-step. */
  jitter: number;
}

export const DEFAULT_REFRESH_POLICY: RefreshPolicy = {
  visibleMs: 60_000,
  idleGrowth: 1.5,
  maxIdleFactor: 4,
  minGapMs: 10_000,
  targetShare: 0.5,
  maxPressure: 32,
  pressureDecay: 0.95,
  jitter: 0.1,
};

/** SharePoint's RateLimit headers (RateLimit-Limit, -Remaining, -Reset), when a response carried them. */
export interface RateLimitInfo {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/** Reads RateLimit-* response headers; null when absent or malformed. */
export function parseRateLimit(get: (name: string) => string | null | undefined): RateLimitInfo | null {
  const limit = Number(get('RateLimit-Limit') ?? get('ratelimit-limit'));
  const remaining = Number(get('RateLimit-Remaining') ?? get('ratelimit-remaining'));
  const reset = Number(get('RateLimit-Reset') ?? get('ratelimit-reset') ?? 60);
  if (!Number.isFinite(limit) || limit <= 0 || !Number.isFinite(remaining)) return null;
  return { limit, remaining: Math.max(0, remaining), resetSeconds: Number.isFinite(reset) ? reset : 60 };
}

export class RefreshScheduler {
  private timer: unknown = null;
  private running = false;
  private visible = true;
  private started = false;
  private idleFactor = 1;
  private pressure = 1;
  private warned = false;
  private lastRun = Number.NEGATIVE_INFINITY;
  private notBefore = 0;
  /** A focus or visibility change came within the minimum gap: the next refresh is due when the gap ends. */
  private soon = false;
  /** Refreshes run so far (the simulation counts them). */
  runs = 0;

  constructor(
    private readonly run: () => Promise<number>,
    private readonly runtime: SchedulerRuntime = REAL_SCHEDULER_RUNTIME,
    private readonly policy: RefreshPolicy = DEFAULT_REFRESH_POLICY,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.lastRun = this.runtime.now();
    this.schedule();
  }

  stop(): void {
    this.started = false;
    this.clear();
  }

  /** Page visibility (document.visibilityState, or the host's equivalent). */
  setVisible(visible: boolean): void {
    if (visible === this.visible) return;
    this.visible = visible;
    if (!visible) this.clear();
    else this.nudge();
  }

  /** The window or tab got the focus: refresh soon if the last one is not recent. */
  focus(): void {
    this.nudge();
  }

  /** The person is working here: keep the cadence short. */
  activity(): void {
    this.idleFactor = 1;
  }

  /** A response carried RateLimit headers: the app is near its per-minute budget. */
  noteRateLimit(info: RateLimitInfo): void {
    const used = 1 - info.remaining / info.limit;
    if (used <= this.policy.targetShare) return;
    this.pressure = Math.min(this.policy.maxPressure, this.pressure * (used / this.policy.targetShare));
    this.warned = true;
  }

  /** The current interval before jitter (for tests and the status line). */
  intervalMs(): number {
    return this.policy.visibleMs * this.idleFactor * this.pressure;
  }

  private nudge(): void {
    if (!this.started || !this.visible) return;
    const since = this.runtime.now() - this.lastRun;
    if (since >= this.policy.minGapMs && this.runtime.now() >= this.notBefore) {
      this.clear();
      void this.tick();
    } else {
      // Too soon after the last one (or throttled): refresh as soon as the gap allows, not a whole interval later.
      this.soon = true;
      this.schedule();
    }
  }

  private clear(): void {
    if (this.timer !== null) this.runtime.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    this.clear();
    if (!this.started || !this.visible || this.running) return;
    const spread = 1 + this.policy.jitter * (2 * this.runtime.random() - 1);
    const due = Math.max(this.soon ? this.lastRun + this.policy.minGapMs : this.lastRun + this.intervalMs() * spread, this.notBefore);
    this.timer = this.runtime.setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, Math.max(0, due - this.runtime.now()));
  }

  private async tick(): Promise<void> {
    if (this.running || !this.started || !this.visible) return;
    this.running = true;
    this.soon = false;
    this.lastRun = this.runtime.now();
    this.runs++;
    this.warned = false;
    try {
      const changed = await this.run();
      this.idleFactor = changed > 0 ? 1 : Math.min(this.policy.maxIdleFactor, this.idleFactor * this.policy.idleGrowth);
      if (!this.warned) this.pressure = Math.max(1, this.pressure * this.policy.pressureDecay);
    } catch (error) {
      if (error instanceof ThrottledError) {
        this.pressure = Math.min(this.policy.maxPressure, this.pressure * 2);
        this.notBefore = this.runtime.now() + (error.retryAfterMs ?? 0);
      } else {
        // Offline or failing: try again later, not in a tight loop; the view shows the error of its own refresh.
        this.idleFactor = Math.min(this.policy.maxIdleFactor, this.idleFactor * 2);
      }
    } finally {
      this.running = false;
      this.schedule();
    }
  }
}
