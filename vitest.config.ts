import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 300_000,
    // Browser tests share one machine's two cores: run files two at a time.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
