import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests share one PostgreSQL server and spawn the CLI; keep files in separate workers.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
