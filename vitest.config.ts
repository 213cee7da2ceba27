import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file has its own database; two cores, so a few files at a time.
    fileParallelism: true,
    maxWorkers: 3,
    reporters: ['default'],
  },
});
