import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests share one PostgreSQL database; each suite uses its own schema, so files may run in parallel.
    pool: 'forks',
    globalSetup: ['test/support/build-once.ts'],
  },
});
