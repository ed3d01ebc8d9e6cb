import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    // Browser assertions wait for the page; the machine is small and shared, so give them time.
    expect: { poll: { timeout: 10_000, interval: 100 } },
    hookTimeout: 300_000,
    // Browser tests share one machine's two cores: run files two at a time.
    maxWorkers: 2,
    // On CI, a test that fails is run once more (browser timing on a small shared machine); a test
    // that fails twice fails the run. Local runs never retry.
    retry: process.env.CI ? 1 : 0,
    reporters: ['default'],
  },
});
