/** Fault injection (429/503/latency/dropped connections) and SharePoint-style resource-unit throttling (#3). */

export interface FaultConfig {
  rate429: number;
  rate503: number;
  retryAfterSeconds: number;
  latencyMs: number;
  dropRate: number;
  seed?: number;
}

export const NO_FAULTS: FaultConfig = { rate429: 0, rate503: 0, retryAfterSeconds: 1, latencyMs: 0, dropRate: 0 };

/** mulberry32: a small deterministic PRNG so seeded fault runs repeat exactly. */
function mulberry32(seed: number): () => number {
  // Scramble the seed (murmur3 fmix32): raw small seeds give clustered first outputs in mulberry32.
  let a = seed >>> 0;
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  a = (a ^ (a >>> 16)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bounds of the fault settings (#8): injected latency at most 60 s, Retry-After at most an hour. */
export const MAX_FAULT_LATENCY_MS = 60_000;
export const MAX_RETRY_AFTER_SECONDS = 3600;
export const MAX_RESOURCE_UNITS_PER_MINUTE = 1_000_000_000;

const show = (v: unknown): string => (typeof v === 'string' ? `'${v.slice(0, 40)}'` : (JSON.stringify(v) ?? String(v)).slice(0, 40));
const inRange = (name: string, v: unknown, min: number, max: number, what: string): void => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new RangeError(`Fault setting '${name}' must be ${what}, got ${show(v)}.`);
};

/** Validates and merges a partial fault configuration; the error names the field and its allowed range. */
export function mergeFaults(base: FaultConfig, f: Partial<FaultConfig>): FaultConfig {
  const next: FaultConfig = { ...base, ...f };
  inRange('rate429', next.rate429, 0, 1, 'a number from 0 to 1');
  inRange('rate503', next.rate503, 0, 1, 'a number from 0 to 1');
  inRange('dropRate', next.dropRate, 0, 1, 'a number from 0 to 1');
  inRange('retryAfterSeconds', next.retryAfterSeconds, 0, MAX_RETRY_AFTER_SECONDS, `a number of seconds from 0 to ${MAX_RETRY_AFTER_SECONDS}`);
  inRange('latencyMs', next.latencyMs, 0, MAX_FAULT_LATENCY_MS, `a number of milliseconds from 0 to ${MAX_FAULT_LATENCY_MS}`);
  if (next.seed !== undefined && (typeof next.seed !== 'number' || !Number.isSafeInteger(next.seed))) throw new RangeError(`Fault setting 'seed' must be an integer, got ${show(next.seed)}.`);
  return next;
}

/**
 * A resource-unit budget: per user (SharePoint's per-user limit, the default) or per app (`scope: 'app'`: one
 * tenant-wide budget every caller of the app draws from, as SharePoint meters an application, #10).
 */
export interface ThrottleSetting {
  resourceUnitsPerMinute: number;
  scope?: 'user' | 'app';
}

/** Validates a throttle setting: `false` (off) or `{ resourceUnitsPerMinute, scope? }` with a positive budget. */
export function parseThrottle(t: unknown): ThrottleSetting | false {
  if (t === false) return false;
  if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new RangeError(`Fault setting 'throttle' must be false or { "resourceUnitsPerMinute": n }, got ${show(t)}.`);
  const extra = Object.keys(t).filter((k) => k !== 'resourceUnitsPerMinute' && k !== 'scope');
  if (extra.length > 0) throw new RangeError(`Fault setting 'throttle' has unknown field(s): ${extra.join(', ')}.`);
  const n = (t as { resourceUnitsPerMinute?: unknown }).resourceUnitsPerMinute;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > MAX_RESOURCE_UNITS_PER_MINUTE) {
    throw new RangeError(`Fault setting 'throttle.resourceUnitsPerMinute' must be a number above 0 and at most ${MAX_RESOURCE_UNITS_PER_MINUTE}, got ${show(n)}.`);
  }
  const scope = (t as { scope?: unknown }).scope;
  if (scope !== undefined && scope !== 'user' && scope !== 'app') throw new RangeError(`Fault setting 'throttle.scope' must be 'user' or 'app', got ${show(scope)}.`);
  return scope === 'app' ? { resourceUnitsPerMinute: n, scope } : { resourceUnitsPerMinute: n };
}

export type FaultOutcome = 'drop' | 429 | 503 | undefined;

/** Rolls faults per request. */
export class FaultInjector {
  private cfg: FaultConfig = NO_FAULTS;
  private rand: () => number = Math.random;
  /** Seeded runs: one PRNG per caller (stream), so the faults a caller meets do not depend on other callers' timing. */
  private readonly streams = new Map<string, () => number>();

  constructor(f: Partial<FaultConfig> = {}) {
    this.set(f);
  }

  /** Replaces the configuration (a new seed restarts the PRNG sequence). */
  set(f: Partial<FaultConfig>): void {
    this.cfg = mergeFaults(this.cfg, f);
    this.streams.clear();
    if (f.seed !== undefined) this.rand = mulberry32(f.seed);
    else if (this.cfg.seed === undefined) this.rand = Math.random;
  }

  get config(): FaultConfig {
    return { ...this.cfg };
  }

  /** Added latency in ms (read on every request, so without copying the configuration). */
  get latencyMs(): number {
    return this.cfg.latencyMs;
  }

  /**
   * Decides the fault for one request; `allowDrop` is false for $batch sub-requests (they share one connection).
   * `stream` names the caller (its Authorization header): with a seed, each caller draws from its own sequence, so a
   * seeded run gives a client's n-th request the same fault however concurrent callers interleave.
   */
  roll(allowDrop: boolean, stream?: string): FaultOutcome {
    const { dropRate, rate429, rate503 } = this.cfg;
    if (dropRate === 0 && rate429 === 0 && rate503 === 0) return undefined;
    const r = this.draw(stream);
    if (allowDrop && r < dropRate) return 'drop';
    const base = allowDrop ? dropRate : 0;
    if (r < base + rate429) return 429;
    if (r < base + rate429 + rate503) return 503;
    return undefined;
  }

  private draw(stream: string | undefined): number {
    const seed = this.cfg.seed;
    if (seed === undefined || stream === undefined) return this.rand();
    let next = this.streams.get(stream);
    if (!next) {
      // FNV-1a of the stream name, mixed with the seed.
      let h = 0x811c9dc5;
      for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193);
      next = mulberry32((seed ^ h) >>> 0);
      this.streams.set(stream, next);
    }
    return next();
  }
}

/** Reads `FOLLOWUP_FAULT_*` variables (429, 503, RETRY_AFTER, LATENCY_MS, DROP, SEED) for `npm start`. */
export function faultsFromEnv(env: NodeJS.ProcessEnv): Partial<FaultConfig> {
  const out: Partial<FaultConfig> = {};
  const num = (k: string): number | undefined => {
    const v = env[k];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new RangeError(`${k} must be a number, got '${v}'.`);
    return n;
  };
  const set = <K extends keyof FaultConfig>(key: K, envKey: string): void => {
    const n = num(envKey);
    if (n !== undefined) out[key] = n as FaultConfig[K];
  };
  set('rate429', 'FOLLOWUP_FAULT_429');
  set('rate503', 'FOLLOWUP_FAULT_503');
  set('retryAfterSeconds', 'FOLLOWUP_FAULT_RETRY_AFTER');
  set('latencyMs', 'FOLLOWUP_FAULT_LATENCY_MS');
  set('dropRate', 'FOLLOWUP_FAULT_DROP');
  set('seed', 'FOLLOWUP_FAULT_SEED');
  return out;
}

/** Reads `FOLLOWUP_THROTTLE_RU_PER_MINUTE` (unset or 0 = off) and `FOLLOWUP_THROTTLE_SCOPE` (`user`, default, or `app`). */
export function throttleFromEnv(env: NodeJS.ProcessEnv): ThrottleSetting | false {
  const v = Number(env.FOLLOWUP_THROTTLE_RU_PER_MINUTE ?? '0');
  if (!(Number.isFinite(v) && v > 0)) return false;
  return env.FOLLOWUP_THROTTLE_SCOPE === 'app' ? { resourceUnitsPerMinute: v, scope: 'app' } : { resourceUnitsPerMinute: v };
}

/** Share of the minute's budget from which answers carry RateLimit headers (SharePoint: 80 %). */
export const RATE_LIMIT_HEADER_SHARE = 0.8;

/** SharePoint's RateLimit-Limit / -Remaining / -Reset: the budget, the units left, seconds until it is whole again. */
export interface RateLimitHeaders {
  'RateLimit-Limit': string;
  'RateLimit-Remaining': string;
  'RateLimit-Reset': string;
}

/**
 * Resource-unit budget as a token bucket refilled continuously at budget/60 s, per user or per app (ThrottleSetting),
 * so a client that floods gets 429 with the seconds until enough units are back, the way SharePoint Online
 * throttles; from 80 % of the budget used, answers carry SharePoint's RateLimit headers so well-behaved clients slow
 * down before they are refused. The clock is injectable (tests, the deadline-day simulation's virtual time).
 */
export class Throttle {
  private buckets = new Map<string, { units: number; at: number }>();
  private perMinute = 0;
  private scope: 'user' | 'app' = 'user';

  constructor(t: ThrottleSetting | false, private readonly now: () => number = Date.now) {
    this.set(t);
  }

  /** The budget in force, as `set` takes it. */
  get config(): ThrottleSetting | false {
    return this.perMinute === 0 ? false : { resourceUnitsPerMinute: this.perMinute, ...(this.scope === 'app' ? { scope: 'app' as const } : {}) };
  }

  set(t: ThrottleSetting | false): void {
    const v = parseThrottle(t);
    this.perMinute = v === false ? 0 : v.resourceUnitsPerMinute;
    this.scope = v === false ? 'user' : (v.scope ?? 'user');
    this.buckets.clear();
  }

  /** Charges `cost` units to `user`; returns the Retry-After seconds when the budget is exhausted (nothing charged). */
  charge(user: string, cost: number): number | undefined {
    return this.chargeWithHeaders(user, cost).retryAfter;
  }

  /**
   * Charges like `charge`, and says what SharePoint would: the RateLimit headers when, after this request, at least
   * 80 % of the minute's budget is used (also on the 429 that refuses it).
   */
  chargeWithHeaders(user: string, cost: number): { retryAfter?: number; rateLimit?: RateLimitHeaders } {
    if (this.perMinute === 0) return {};
    const t = this.now();
    const rate = this.perMinute / 60_000;
    const key = this.scope === 'app' ? '*app*' : user;
    const b = this.buckets.get(key) ?? { units: this.perMinute, at: t };
    b.units = Math.min(this.perMinute, b.units + (t - b.at) * rate);
    b.at = t;
    this.buckets.set(key, b);
    const refused = b.units < cost;
    if (!refused) b.units -= cost;
    const used = 1 - b.units / this.perMinute;
    const rateLimit: RateLimitHeaders | undefined =
      used >= RATE_LIMIT_HEADER_SHARE
        ? {
            'RateLimit-Limit': String(this.perMinute),
            'RateLimit-Remaining': String(Math.max(0, Math.floor(b.units))),
            'RateLimit-Reset': String(Math.max(1, Math.ceil((this.perMinute - b.units) / rate / 1000))),
          }
        : undefined;
    const retryAfter = refused ? Math.max(1, Math.ceil((cost - b.units) / rate / 1000)) : undefined;
    return { ...(retryAfter !== undefined ? { retryAfter } : {}), ...(rateLimit ? { rateLimit } : {}) };
  }
}
