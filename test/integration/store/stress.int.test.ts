// The concurrency stress suite at a small size (#7 item 5); `npm run stress` and `npm run bench` run it bigger.
import { describe, expect, it } from 'vitest';

import { runStressScenario, SCENARIOS, stressFailures, type StressOptions } from '../../../scripts/stress/stress.js';

const everything = SCENARIOS.find((s) => s.name === 'everything at once')?.faults;
const SMALL: Omit<StressOptions, 'name' | 'faults'> = { editors: 4, saves: 15, divisions: 2, rowsPerDivision: 4, reviewers: 2, secretariat: true, refreshRate: 0.3, crossDivisionRate: 0.15, seed: 11 };

describe('stress: editors, reviewers and the secretariat saving overlapping fields under faults', () => {
  it('loses nothing, applies nothing twice, surfaces every clash and lets no division write another one', async () => {
    if (!everything) throw new Error('scenario missing');
    const row = await runStressScenario({ ...SMALL, name: 'everything at once (small)', faults: { ...everything, rate429: 0.1, dropRate: 0.05, lostAnswerRate: 0.05 } });
    // Faults are seeded per caller (the emulator's FaultInjector streams), so an editor meets the same faults however
    // the others interleave. A read whose retries all met faults is a retryable failed read (the tab's "busy, retry"),
    // counted apart; any other throw is still an exception and fails the run.
    expect(stressFailures(row), row.examples.join('\n')).toEqual([]);
    // The run was real: edits landed, clashes happened and were reported, other divisions were tried.
    expect(row.saves).toBe(7 * 15);
    // Reviewers' saves (review columns of rows) are refused by the rule since schema 6 (#12): 2 × 15 of 105.
    expect(row.editsAcknowledged).toBeGreaterThan(70);
    expect(row.conflictsSurfaced).toBeGreaterThan(0);
    expect(row.crossDivisionAttempts).toBeGreaterThan(0);
    expect(row.requests).toBeGreaterThan(row.saves);
  });

  it('catches a deliberately unsafe writer (last write wins, no If-Match, errors ignored, blind re-sends)', async () => {
    const row = await runStressScenario({ ...SMALL, name: 'unsafe writer', unsafe: true, crossDivisionRate: 0, faults: { rate429: 0, rate503: 0, latencyMs: 0, dropRate: 0.3, lostAnswerRate: 0.15 } });
    expect(row.lost).toBeGreaterThan(0);
    expect(row.appliedTwice).toBeGreaterThan(0);
    expect(row.clashesNotSurfaced).toBeGreaterThan(0);
    expect(stressFailures(row).length).toBeGreaterThanOrEqual(3);
  });
});
