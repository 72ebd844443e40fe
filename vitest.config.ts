import { defineConfig } from 'vitest/config';

// One convention for where tests live: <package>/test/unit (no Docker), <package>/test/live
// (against the running lab, brought up once by the global setup; one file at a time: several kill
// containers), and the repository's own test/unit, test/live and test/browser.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'live',
          include: ['**/test/live/**/*.test.ts', 'test/browser/**/*.test.ts'],
          globalSetup: ['test/live/global-setup.ts'],
          fileParallelism: false,
          sequence: { concurrent: false },
          // Services started in-process by a live test log errors only.
          env: { LOG_LEVEL: 'error' },
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
