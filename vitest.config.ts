import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Uses the PostgreSQL server the PG* variables name, or starts an embedded one for the run.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests share one PostgreSQL server and spawn the CLI; keep files in separate workers.
    fileParallelism: true,
    maxWorkers: 2,
    // Worker processes (not threads: OpenSSL flags are per process). The S3 tests run s3rver in the
    // worker, and s3rver's ListObjectsV2 continuation tokens (listings past 1,000 keys) use DES,
    // which Node 17+ only has with the legacy OpenSSL provider.
    pool: 'forks',
    execArgv: ['--openssl-legacy-provider'],
  },
});
