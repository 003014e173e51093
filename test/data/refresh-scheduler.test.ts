import { describe, expect, it } from 'vitest';

import { ThrottledError } from '../../src/core/errors.js';
import { DEFAULT_REFRESH_POLICY, parseRateLimit, RefreshScheduler } from '../../src/data/refresh-scheduler.js';
import { VirtualTime } from '../../src/data/virtual-time.js';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};
const noJitter = { ...DEFAULT_REFRESH_POLICY, jitter: 0 };

function harness(result: () => number | Error = () => 0) {
  const time = new VirtualTime();
  const at: number[] = [];
  const scheduler = new RefreshScheduler(
    () => {
      at.push(time.now());
      const r = result();
      return r instanceof Error ? Promise.reject(r) : Promise.resolve(r);
    },
    time,
    noJitter,
  );
  return { time, at, scheduler, run: (ms: number) => time.advance(ms, settle) };
}

describe('RefreshScheduler', () => {
  it('refreshes a visible tab every minute while changes come, and stretches the interval while nothing changes', async () => {
    let changes = 1;
    const h = harness(() => changes);
    h.scheduler.start();
    await h.run(130_000);
    expect(h.at).toEqual([60_000, 120_000]);
    changes = 0;
    await h.run(800_000);
    // 180 s, then ×1.5 per empty refresh: +90, +135, +202.5, then capped at 4 × 60 = 240 s.
    expect(h.at.slice(2, 7)).toEqual([180_000, 270_000, 405_000, 607_500, 847_500]);
  });

  it('does not refresh a hidden tab, and refreshes at once when it is shown again', async () => {
    const h = harness();
    h.scheduler.start();
    h.scheduler.setVisible(false);
    await h.run(3_600_000);
    expect(h.at).toEqual([]);
    expect(h.time.pending).toBe(0);
    h.scheduler.setVisible(true);
    await h.run(1);
    expect(h.at).toEqual([3_600_000]);
  });

  it('refreshes on focus, but not twice within the minimum gap', async () => {
    const h = harness();
    h.scheduler.start();
    await h.run(20_000);
    h.scheduler.focus();
    await h.run(1);
    h.scheduler.focus();
    await h.run(1);
    expect(h.at).toEqual([20_000]);
    // The second focus is not forgotten: it refreshes when the 10 s gap ends, not a whole interval later.
    await h.run(10_000);
    expect(h.at).toEqual([20_000, 30_000]);
    // After which the normal cadence resumes (two empty refreshes: 60 s × 1.5² = 135 s).
    await h.run(140_000);
    expect(h.at).toEqual([20_000, 30_000, 165_000]);
  });

  it('waits out Retry-After and doubles the interval when throttled', async () => {
    let throttle = true;
    const h = harness(() => (throttle ? new ThrottledError('429', 90_000) : 1));
    h.scheduler.start();
    await h.run(60_000);
    throttle = false;
    expect(h.scheduler.intervalMs()).toBe(120_000);
    await h.run(200_000);
    // Not before 60 + 90 s (Retry-After), then on the doubled interval.
    expect(h.at).toEqual([60_000, 180_000]);
  });

  it('scales the interval by the used share over the target share when the service reports pressure', () => {
    const h = harness();
    const info = parseRateLimit((n) => ({ 'RateLimit-Limit': '1250', 'RateLimit-Remaining': '125', 'RateLimit-Reset': '35' })[n] ?? null);
    expect(info).toEqual({ limit: 1250, remaining: 125, resetSeconds: 35 });
    h.scheduler.noteRateLimit(info as NonNullable<typeof info>);
    // 90 % used against a 50 % target: × 1.8.
    expect(h.scheduler.intervalMs()).toBeCloseTo(108_000);
  });
});
