import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (in-process, parallel) and `e2e` (a real single-host Slurm cluster brought up
 * once by test/e2e/global-setup.ts; files run one at a time because they share the cluster's
 * capacity). `npm test` runs both.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/fakes/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          // The C toolchain the shim's parser tests build with (test/unit/global-setup.ts).
          globalSetup: ['test/unit/global-setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
