import { defineConfig } from 'vitest/config';

// Two projects: `unit` (no Docker) and `live` (against the running lab, brought up once by
// the global setup). Live files run one at a time: several of them kill containers.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'services/**/test/unit/**/*.test.ts', 'infra/**/test/**/*.test.ts', 'chaos/test/**/*.test.ts', 'services/lab/test/**/*.test.ts', 'services/web-kit/test/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'live',
          include: ['test/live/**/*.test.ts', 'services/**/test/live/**/*.test.ts', 'test/browser/**/*.test.ts'],
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
