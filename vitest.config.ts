import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        // Each file has its own database; two cores, so a few files at a time.
        test: {
          name: 'suite',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/chaos/**'],
          fileParallelism: true,
          maxWorkers: 3,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        // The chaos acceptance runs two instances and its own PostgreSQL and Redis: alone, after the rest, so
        // neither its load skews the suite's timings nor the suite's load skews its faults.
        test: {
          name: 'chaos',
          include: ['tests/chaos/**/*.test.ts'],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
