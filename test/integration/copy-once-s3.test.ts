import { createHash } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresAdapter } from '../../src/adapters/postgres/postgres-adapter.js';
import { RedshiftDialect } from '../../src/adapters/redshift/redshift-dialect.js';
import { Relation } from '../../src/core/relation.js';
import type { ModelNode } from '../../src/graph/types.js';
import { copyMaterialization } from '../../src/materializations/copy.js';
import { insertHistorySql, loadHistoryDdl } from '../../src/materializations/load-history-sql.js';
import { executeServerLoadOnce } from '../../src/run/server-load-once.js';
import type { HistoryLoadStep } from '../../src/run/load-once.js';
// A process each: the AWS SDK takes its credentials from process.env, which the in-process runner leaves alone.
import { spawnCli, stripTimes } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { PG_ENV, useTestSchema } from '../support/postgres.js';
import { S3RVER_CREDENTIALS, startS3Server, type TestS3Server } from '../support/s3-server.js';

// newfilesonly over S3 keys (a real s3rver): the ETag tells a re-upload of the same content from a
// changed object; on Redshift the new keys go into a MANIFEST written under manifest_s3_prefix.

const BUCKET = 'sparkify-days';
const day = (first: number, n: number, user = 'u') =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ id: first + i, user_id: `${user}${first + i}`, ts: 1541000000000 + (first + i) * 1000 }) + '\n').join('');
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

let server: TestS3Server;
let env: Record<string, string>;
beforeAll(async () => {
  server = await startS3Server();
  await server.createBucket(BUCKET);
  await server.createBucket('sparkify-manifests');
  env = { ...S3RVER_CREDENTIALS, AWS_ENDPOINT_URL_S3: server.endpoint, AWS_S3_FORCE_PATH_STYLE: 'true', AWS_REGION: 'us-east-1' };
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('newfilesonly from s3:// on PostgreSQL', () => {
  const pg = useTestSchema('h_copyonce_s3');

  it('loads each key once; a re-upload of the same content is a no-op, a changed object an error naming its key', async () => {
    const dir = copyFixture('copy-once-local');
    const run = async () => {
      const result = await spawnCli(['run', '--target', 'pg', '--select', 'events', '--vars', `{data: 's3://${BUCKET}/a/days/'}`], { cwd: dir, env: { ...env, ...pg.env } });
      return { ...result, stdout: stripTimes(result.stdout) };
    };
    const ids = async () => (await pg.client().query(`select id from "${pg.schema}".events order by id`)).rows.map((r: { id: number }) => r.id);
    const history = async () =>
      (await pg.client().query(`select filename, size::int as size, etag, rows_loaded::int as rows from "${pg.schema}".sparkdbt_load_history order by filename`)).rows;

    await server.put(BUCKET, [
      ['a/days/day-01.json', day(1, 2)],
      ['a/days/day-02.json', day(3, 3)],
    ]);
    const first = await run();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/OK loaded table \S+\.events \(5 rows\)/);
    expect(await history()).toEqual([
      { filename: `s3://${BUCKET}/a/days/day-01.json`, size: day(1, 2).length, etag: md5(day(1, 2)), rows: 2 },
      { filename: `s3://${BUCKET}/a/days/day-02.json`, size: day(3, 3).length, etag: md5(day(3, 3)), rows: 3 },
    ]);

    await server.put(BUCKET, [
      ['a/days/day-03.json', day(6, 1)],
      ['a/days/day-01.json', day(1, 2)], // delivered again: a new LastModified, the same ETag
    ]);
    const second = await run();
    expect(second.stdout).toMatch(/OK loaded 1 new file into \S+\.events \(1 rows\)/);
    expect(await ids()).toEqual([1, 2, 3, 4, 5, 6]);

    const idle = await run();
    expect(idle.stdout).toMatch(/OK loaded 0 new files into \S+\.events \(0 rows\)/);

    await server.put(BUCKET, [['a/days/day-02.json', day(3, 3, 'v')]]);
    const changed = await run();
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain(`'s3://${BUCKET}/a/days/day-02.json' (its ETag was ${md5(day(3, 3))}, it is ${md5(day(3, 3, 'v'))} now)`);
    expect(await ids()).toEqual([1, 2, 3, 4, 5, 6]);
  }, 180_000);
});

describe("Redshift's exactly-once COPY: the MANIFEST of the new keys (s3rver)", () => {
  const pg = useTestSchema('h_copyonce_manifest');

  it('names only the keys the history does not hold, as mandatory entries, at <manifest_s3_prefix>/<run id>/<model>.manifest', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, S3RVER_CREDENTIALS);
    await server.put(BUCKET, [
      ['m/day-01.json', day(1, 2)],
      ['m/day-02.json', day(3, 3)],
      ['m/day-03.json', day(6, 1)],
    ]);
    // The plan as Redshift gets it; carried out here on PostgreSQL, which holds the history but
    // cannot run Redshift's COPY: everything up to the COPY is real (listing, history, upload).
    const dialect = new RedshiftDialect();
    const relation = new Relation(pg.schema, 'events', (n) => dialect.quoteIdentifier(n));
    const node = { resourceType: 'model', name: 'events', uniqueId: 'model.p.events', originalFilePath: 'models/events.sql' } as unknown as ModelNode;
    const config = {
      materialized: 'copy',
      tags: [],
      enabled: true,
      schema: undefined,
      alias: undefined,
      from: `s3://${BUCKET}/m/`,
      newfilesonly: true,
      iam_role: 'arn:aws:iam::1:role/r',
    };
    const plan = copyMaterialization.plan(
      { node, relation, sql: 'id integer, user_id varchar(32), ts timestamp', config },
      dialect,
      { kind: 'table', columns: [] },
      {
        fullRefresh: false,
        manifestS3Prefix: 's3://sparkify-manifests/copy/',
      },
    );
    const step = plan.steps.find((s) => s.kind === 'load') as HistoryLoadStep;
    expect(step.history).toMatchObject({ mode: 'append', manifestS3Prefix: 's3://sparkify-manifests/copy/' });

    const adapter = await PostgresAdapter.connect({
      type: 'postgres',
      name: 'pg',
      schema: pg.schema,
      s3: { endpoint: undefined, region: undefined, forcePathStyle: false },
      vars: {},
      threads: 1,
      host: PG_ENV.PGHOST,
      port: Number(PG_ENV.PGPORT),
      user: PG_ENV.PGUSER,
      password: undefined,
      database: PG_ENV.PGDATABASE,
      ssl: false,
      connectTimeoutSeconds: 5,
    });
    try {
      await adapter.ensureSchema(pg.schema);
      await adapter.execute(loadHistoryDdl(adapter.dialect, step.history.table));
      await adapter.execute(
        insertHistorySql(adapter.dialect, step.history.table, 'events', 'run-0', [
          { filename: `s3://${BUCKET}/m/day-01.json`, size: day(1, 2).length, etag: md5(day(1, 2)), lastModified: null, rows: 2 },
        ]),
      );
      await adapter.execute('begin');
      const loading = executeServerLoadOnce(adapter, step, {
        projectRoot: '/nonexistent',
        s3: { endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true },
        runId: 'run-1',
        onProgress: () => undefined,
        onRejected: () => undefined,
      });
      // PostgreSQL refuses Redshift's COPY … IAM_ROLE … MANIFEST: the load stops there, the transaction rolls back.
      await expect(loading).rejects.toThrow(/syntax error/);
      await adapter.execute('rollback');
      const object = await server.client.send(new GetObjectCommand({ Bucket: 'sparkify-manifests', Key: 'copy/run-1/events.manifest' }));
      expect(JSON.parse(await object.Body!.transformToString())).toEqual({
        entries: [
          { url: `s3://${BUCKET}/m/day-02.json`, mandatory: true },
          { url: `s3://${BUCKET}/m/day-03.json`, mandatory: true },
        ],
      });
      expect((await adapter.query<{ n: number }>(`select count(*)::int as n from ${step.history.table}`))[0]!.n).toBe(1);
    } finally {
      await adapter.close();
      process.env = saved;
    }
  }, 60_000);
});
