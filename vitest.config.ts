import { defineConfig } from 'vitest/config';

/**
 * Test projects (run all with `npm test`, see scripts/test.ts):
 *  - unit:        tests/unit — platform-free code in Node with the real crypto.subtle; vault on fake-indexeddb.
 *  - integration: tests/integration — the client and tools we did not write against the real sandbox over HTTP.
 *  - security:    tests/security — the threat-model suite (SECURITY.md), hostile inputs and faults.
 *  - e2e:         tests/e2e — real Chromium with the built extension and PWA; one browser profile per file.
 *  - e2e-realtime: tests/e2e/*.realtime.test.ts — e2e files that wait minutes of real time, run beside e2e.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'security',
          include: ['tests/security/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          exclude: ['tests/e2e/**/*.realtime.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/harness/global-setup.ts'],
          // Two cores: one Chromium at a time keeps timings sane and processes few.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Files that wait for real time to pass (KSeF tokens are never handed off with less than
        // 5 minutes left, so a refresh is minutes away): their Chromium is idle while it waits, so
        // they run beside the e2e project instead of after it. Same build (global-setup.ts).
        test: {
          name: 'e2e-realtime',
          include: ['tests/e2e/**/*.realtime.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/harness/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 420_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
