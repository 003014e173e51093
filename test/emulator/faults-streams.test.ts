// Seeded fault injection per caller (#12 item 7): a caller's n-th request meets the same fault whatever the others do,
// so the stress run's faults do not depend on how concurrent editors interleave.
import { describe, expect, it } from 'vitest';

import { FaultInjector } from '../../src/emulator/http/faults.js';
import { errorMessageKey } from '../../src/ui/app/error-message.js';
import { GraphAccessError, ThrottledError } from '../../src/core/errors.js';

const faults = { rate429: 0.3, rate503: 0.1, dropRate: 0.1, seed: 11 };

describe('FaultInjector streams', () => {
  it('gives each caller the same sequence however callers interleave', () => {
    const a = new FaultInjector(faults);
    const alone = Array.from({ length: 40 }, () => a.roll(true, 'Bearer A'));
    const b = new FaultInjector(faults);
    const mixed: ReturnType<FaultInjector['roll']>[] = [];
    for (let i = 0; i < 40; i++) {
      for (let k = 0; k < i % 3; k++) b.roll(false, 'Bearer B');
      mixed.push(b.roll(true, 'Bearer A'));
    }
    expect(mixed).toEqual(alone);
    // Real faults at the configured rates, and another caller's sequence differs.
    expect(alone.filter((f) => f === 429).length).toBeGreaterThan(4);
    expect(alone.filter((f) => f === undefined).length).toBeGreaterThan(10);
    const other = new FaultInjector(faults);
    expect(Array.from({ length: 40 }, () => other.roll(true, 'Bearer B'))).not.toEqual(alone);
  });

  it('restarts every stream on a new seed; without one it stays random', () => {
    const f = new FaultInjector(faults);
    const first = Array.from({ length: 20 }, () => f.roll(true, 'x'));
    f.set({ seed: 11 });
    expect(Array.from({ length: 20 }, () => f.roll(true, 'x'))).toEqual(first);
  });
});

describe('a read whose retries ran out is a retryable message, not a crash', () => {
  it('maps throttling and a lost connection to their messages', () => {
    expect(errorMessageKey(new ThrottledError('read rows: 429', 1000))).toBe('error.throttled');
    expect(errorMessageKey(new GraphAccessError('POST $batch: socket hang up', { graphCode: 'networkError' }))).toBe('error.network');
    expect(errorMessageKey(new GraphAccessError('GET x: 400 invalidRequest', { status: 400, graphCode: 'invalidRequest' }))).toBeNull();
  });
});
