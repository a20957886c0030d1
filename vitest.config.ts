import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing running; `integration` starts (or reuses) the real
// stack in its global setup: Temporal dev server, PostgreSQL and the local model server.
export default defineConfig({
  test: {
    pool: 'forks',
    // Two forks even on two cores: unit files run beside the (one-at-a-time) integration files,
    // which spend much of their time waiting on the stack.
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          pool: 'forks',
          include: ['test/unit/**/*.test.ts', 'test/model-server/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          pool: 'forks',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
