import { defineConfig } from 'vitest/config';

// One convention for where tests live: <package>/test/unit (no Docker), <package>/test/integration
// (a service's data access against the lab's own Postgres, Redis and Kafka images started by
// testcontainers), <package>/test/live (against the running lab, brought up once by the global
// setup), and the repository's own test/unit, test/integration (the containers' helpers),
// test/live, test/browser, test/regions (region B beside the lab), test/full and test/regions/full (what `npm run test:full` adds).
// `npm test` runs the projects one after another (chaos/cli/test.ts): never two Docker-heavy ones at once.

/** Against the running lab: one file at a time (several kill containers), services in-process log errors only. */
const againstTheLab = {
  globalSetup: ['test/live/global-setup.ts'],
  fileParallelism: false,
  sequence: { concurrent: false },
  env: { LOG_LEVEL: 'error' },
  testTimeout: 180_000,
  hookTimeout: 600_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['**/test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['services/**/test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          // kafkajs 2.2 arms a negative timer, and Node 24 warns about it on every client.
          setupFiles: ['chaos/quiet-kafkajs.ts'],
          // One file at a time: each starts its own containers, and the machine has 2 cores.
          fileParallelism: false,
          // Ryuk (testcontainers' reaper) is an image we cannot pull: each file's afterAll stops its
          // containers, and the global teardown removes any left with this run's label.
          env: { TESTCONTAINERS_RYUK_DISABLED: 'true', LOG_LEVEL: 'error' },
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      { test: { name: 'live', include: ['**/test/live/**/*.test.ts', 'test/browser/**/*.test.ts'], ...againstTheLab } },
      { test: { name: 'full', include: ['test/full/**/*.test.ts'], ...againstTheLab } },
      // Region B beside the lab (the multi-region profile, brought up by its own global setup after the live suites).
      { test: { name: 'regions', include: ['test/regions/*.test.ts'], ...againstTheLab, globalSetup: ['test/live/global-setup.ts', 'test/regions/global-setup.ts'] } },
      { test: { name: 'regions-full', include: ['test/regions/full/*.test.ts'], ...againstTheLab, globalSetup: ['test/live/global-setup.ts', 'test/regions/global-setup.ts'] } },
    ],
  },
});
