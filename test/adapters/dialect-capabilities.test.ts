import { describe, expect, it } from 'vitest';
import { dialectFor, isEmbeddedTarget } from '../../src/adapters/registry.js';
import type { ResolvedTarget, TargetType } from '../../src/core/target.js';
import { TARGET_KEYS } from '../../src/core/target-keys.js';

/** Every target type a project may name (target-keys.ts lists each one's keys). */
const TYPES = Object.keys(TARGET_KEYS) as TargetType[];

// What the seed loader, the run's workers and `serve` ask a dialect instead of comparing the target's name.
const EXPECTED: Record<TargetType, { copyFromClientSource: string | undefined; seedInsertBatchRows: number; supportsSeedSpeculation: boolean; singleConnection: boolean }> = {
  pglite: { copyFromClientSource: "'/dev/blob'", seedInsertBatchRows: 10_000, supportsSeedSpeculation: false, singleConnection: true },
  postgres: { copyFromClientSource: 'stdin', seedInsertBatchRows: 10_000, supportsSeedSpeculation: true, singleConnection: false },
  redshift: { copyFromClientSource: undefined, seedInsertBatchRows: 500, supportsSeedSpeculation: false, singleConnection: false },
};

describe("each dialect's seed and connection capabilities", () => {
  it('covers every target type', () => {
    expect(TYPES.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(TYPES)('%s answers every flag', (type) => {
    const dialect = dialectFor(type);
    expect(dialect.type).toBe(type);
    const { copyFromClientSource, seedInsertBatchRows, supportsSeedSpeculation, singleConnection } = dialect.capabilities;
    // Each key is declared (undefined is an answer only for copyFromClientSource: no client COPY).
    expect(Object.keys(dialect.capabilities)).toEqual(expect.arrayContaining(['copyFromClientSource', 'seedInsertBatchRows', 'supportsSeedSpeculation', 'singleConnection']));
    expect({ copyFromClientSource, seedInsertBatchRows, supportsSeedSpeculation, singleConnection }).toEqual(EXPECTED[type]);
    // A COPY from the client is what a seed is speculated on: no speculation without one.
    if (supportsSeedSpeculation) expect(copyFromClientSource).toBeDefined();
  });

  it.each([
    ['pglite', 'text', 'text', ''],
    ['postgres', 'text', 'text', ''],
    ['redshift', 'varchar(17)', 'varchar(64)', ' diststyle key distkey (user_id)'],
  ] as const)('%s types a seed text column and lays out its table', (type, of17, allNull, distKey) => {
    const dialect = dialectFor(type);
    expect(dialect.seedTextType(17)).toBe(of17);
    expect(dialect.seedTextType(0)).toBe(allNull);
    expect(dialect.seedTableAttributes(' User_Id ')).toBe(distKey);
    expect(dialect.seedTableAttributes(undefined)).toBe('');
  });

  it("Redshift's dist: all and even as styles, auto as nothing (dbt-redshift's dist())", () => {
    const redshift = dialectFor('redshift');
    expect(['all', 'EVEN', 'auto'].map((dist) => redshift.seedTableAttributes(dist))).toEqual([' diststyle all', ' diststyle even', '']);
  });

  it('tells the embedded warehouse from a server', () => {
    const s3 = { endpoint: undefined, region: undefined, forcePathStyle: false };
    const pglite: ResolvedTarget = { type: 'pglite', name: 'dev', schema: 'main', s3, vars: {}, path: '/x', lockTimeoutSeconds: 60 };
    const server = { name: 'pg', schema: 'public', s3, vars: {}, host: 'h', port: 5432, user: 'u', password: undefined, database: 'd', ssl: false, connectTimeoutSeconds: 10 };
    expect(isEmbeddedTarget(pglite)).toBe(true);
    expect(isEmbeddedTarget({ ...server, type: 'postgres' })).toBe(false);
    expect(isEmbeddedTarget({ ...server, type: 'redshift', iamRole: undefined, copyRegion: undefined, dwhCfg: undefined })).toBe(false);
    // Embedded is the single-connection warehouse.
    for (const type of TYPES) expect(dialectFor(type).capabilities.singleConnection).toBe(type === 'pglite');
  });
});
