import { describe, expect, it } from 'vitest';
import type { ResolvedTarget } from '../../src/core/target.js';
import { workersFor } from '../../src/run/threads.js';

const s3 = { endpoint: undefined, region: undefined, forcePathStyle: false };
const pglite = (threads?: number): ResolvedTarget => ({ type: 'pglite', name: 'dev', schema: 'public', s3, vars: {}, threads, path: '/x', lockTimeoutSeconds: 60 });
const postgres = (threads?: number): ResolvedTarget => ({
  type: 'postgres',
  name: 'pg',
  schema: 'public',
  s3,
  vars: {},
  threads,
  host: 'h',
  port: 5432,
  user: 'u',
  password: undefined,
  database: 'd',
  ssl: false,
  connectTimeoutSeconds: 10,
});

describe('workersFor', () => {
  it.each([
    ['postgres, no threads key: 4', postgres(), undefined, 10, 4, false],
    ['postgres, threads: 8', postgres(8), undefined, 10, 8, false],
    ['postgres, --threads 2 over the key', postgres(8), 2, 10, 2, false],
    ['never more workers than models', postgres(8), undefined, 3, 3, false],
    ['pglite, no key: 1', pglite(), undefined, 10, 1, false],
    ['pglite, --threads 4: one connection, said once', pglite(), 4, 10, 1, true],
    ['pglite, threads: 2 in project.yml', pglite(2), undefined, 10, 1, true],
  ])('%s', (_name, target, requested, models, count, warns) => {
    const workers = workersFor(target, requested, models);
    expect(workers.count).toBe(count);
    expect(workers.warning !== undefined).toBe(warns);
  });
});
