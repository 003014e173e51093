import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts', 'test/**/*.e2e.test.ts', 'node_modules/**'],
          environment: 'node',
          // Property and fuzz tests run thousands of cases; on two cores shared with a build they took 6-8 s where an
          // idle machine takes 1. A hang still fails, after 30 s.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration files start their own in-process servers on port 0; keep them from starving the 2 cores.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One browser at a time on two cores.
          maxWorkers: 1,
          // Picks the browser (system Chromium, else the npm one) and prints it with the CJK font check (#7).
          globalSetup: ['test/support/e2e-global-setup.ts'],
        },
      },
    ],
  },
});
