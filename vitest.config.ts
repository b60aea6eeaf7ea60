import { defineConfig } from 'vitest/config';

/**
 * The tests that need a database (PostgreSQL, an embedded PGlite warehouse), other processes or
 * the CLI end to end: the `integration` project. Everything else is `unit`: in memory or on temp
 * files, no database, no processes, no PG* variables (`npm run test:unit`). A test that opens a
 * database belongs here; listed in `unit` it fails for want of the PostgreSQL global setup.
 */
const INTEGRATION = [
  'test/integration/**/*.test.ts',
  'test/cli/**/*.test.ts',
  'test/commands/**/*.test.ts',
  'test/data-tests/run-test-sql.test.ts',
  'test/data-tests/sparkify-sample.test.ts',
  'test/adapters/pglite-damage.test.ts',
  'test/adapters/redshift-adapter.test.ts',
  'test/artifacts/secrets.test.ts',
  'test/artifacts/sparkify-artifacts.test.ts',
  'test/load/s3-source.test.ts',
  'test/materializations/copy-statistics.test.ts',
  'test/materializations/snapshot-sql.test.ts',
  'test/run/atomic-rebuild.test.ts',
  'test/run/skew-check.test.ts',
  'test/run/threads-postgres.test.ts',
  'test/seed/seed-pglite.test.ts',
  'test/seed/seed-postgres.test.ts',
  'test/seed/seed-cli.test.ts',
  'test/seed/seed-s3.test.ts',
  'test/state/defer.test.ts',
  'test/state/state-cli.test.ts',
  'test/support/global-setup.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: INTEGRATION,
          pool: 'threads',
          // The files share their worker's modules (pure stages; nothing global is left changed): 12 s of CPU -> 7 s.
          isolate: false,
          // A unit test that reaches for PostgreSQL fails at once instead of finding a server by chance.
          env: { PGHOST: '/nonexistent/unit-tests-use-no-database', PGPORT: '1' },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          // Uses the PostgreSQL server the PG* variables name, or starts an embedded one for the run.
          globalSetup: ['test/support/global-setup.ts'],
          // Worker processes (not threads: OpenSSL flags are per process). The S3 tests run s3rver in the
          // worker, and s3rver's ListObjectsV2 continuation tokens (listings past 1,000 keys) use DES,
          // which Node 17+ only has with the legacy OpenSSL provider. Most tests run the CLI in the
          // worker (test/support/cli.ts's runCli); those that need a process spawn dist/cli.js.
          pool: 'forks',
          // One worker process runs file after file (no new process, module graph or PGlite load per file);
          // tests restore what they change in process.env, and the CLI in-process touches only its io.
          isolate: false,
          // --liftoff-only: PGlite's WebAssembly stays on V8's baseline compiler (see NODE_FLAGS in
          // test/support/cli.ts, which the CLI processes the tests start get too): optimising it cost
          // more CPU than the tests' short runs got back.
          execArgv: ['--openssl-legacy-provider', '--liftoff-only'],
          // The built CLI (dist/, which runCli imports) is loaded by Node as the binary loads it, not transformed by vitest.
          server: { deps: { external: [/\/dist\//] } },
        },
      },
    ],
    // Files run in separate workers, three at once on this 2-core machine: a third keeps the CPUs busy
    // while a file waits (on s3rver, another process's lock, PostgreSQL's pg_sleep). Measured (before
    // the suite was made CPU-bound) on the six slowest files: 2 workers 85 s, 3 workers 74 s, 4 workers 82 s.
    fileParallelism: true,
    maxWorkers: 3,
  },
});
