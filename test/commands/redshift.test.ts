import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/cli.js';
import { copyFixture } from '../support/fixtures.js';
import { commandExists, outsideOracle } from '../support/outside-tools.js';
import { expectGolden, listFiles } from '../support/golden.js';

const PASSWORD = 'Passw0rd-from-dwh-cfg';
const GOLDEN = path.join(REPO_ROOT, 'test/fixtures/dwh-cfg/expected');

/** The Sparkify project with the seed's dwh.cfg beside it, and the env that names it. */
function sparkifyWithDwhCfg(): { project: string; env: Record<string, string> } {
  const project = copyFixture('sparkify');
  fs.copyFileSync(path.join(REPO_ROOT, 'test/fixtures/dwh-cfg/dwh.cfg'), path.join(project, 'dwh.cfg'));
  return { project, env: { SPARKDBT_DWH_CFG: 'dwh.cfg' } };
}

/** Every file under `dir` as text, for "the secret appears nowhere" checks. */
const allText = (dir: string) =>
  listFiles(dir)
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');

/** sqlfluff parses the Redshift SQL (Debian's package; .ci/run installs it). */
/** The Sparkify project's data tests (25 generic, 4 singular) and unit tests: compiled, never planned. */
const TESTS = 29;
const UNIT_TESTS = 9;
const SQLFLUFF = outsideOracle('sqlfluff', commandExists('sqlfluff'), 'apt-get install sqlfluff');

/** `sqlfluff parse --dialect redshift` on a file or folder: exit code and output. */
function sqlfluffParse(target: string): { code: number | null; output: string } {
  const result = spawnSync('sqlfluff', ['parse', '--dialect', 'redshift', target], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw new Error(`sqlfluff could not run: ${result.error.message}`);
  return { code: result.status, output: result.stdout + result.stderr };
}

describe("sparkdbt compile --target redshift, from the seed's dwh.cfg", () => {
  it("writes the golden SQL of all eight models, byte for byte, with no cluster and no password: each model's query and its plan", async () => {
    const { project, env } = sparkifyWithDwhCfg();
    const result = await runCli(['compile', '--target', 'redshift'], { cwd: project, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The load-rejections test reads this command's rejections (run_id = its invocation id, new each time): fixed for the golden.
    const threshold = path.join(project, 'target/compiled/sparkify/tests/assert_load_rejections_under_threshold.sql');
    fs.writeFileSync(threshold, fs.readFileSync(threshold, 'utf8').replace(/run_id = '[0-9a-f-]{36}'/, `run_id = '${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}'`));
    expectGolden(path.join(project, 'target'), GOLDEN);
    // compiled/ also holds the data tests (generic under models/marts/_marts.yml/, singular under tests/) and the
    // unit tests (under models/marts/_unit_tests.yml/); neither has a plan.
    expect(listFiles(path.join(project, 'target', 'compiled'))).toHaveLength(8 + TESTS + UNIT_TESTS);
    expect(listFiles(path.join(project, 'target', 'plan'))).toHaveLength(8);
    // The COPY names the loaded columns: _loaded_at (DEFAULT sysdate, the load's time) is not read from the files.
    const columns = [
      'artist',
      'auth',
      'first_name',
      'gender',
      'item_in_session',
      'last_name',
      'length',
      'level',
      'location',
      'method',
      'page',
      'registration',
      'session_id',
      'song',
      'status',
      'ts',
      'user_agent',
      'user_id',
    ];
    const copy = [
      `copy "public"."staging_events" (${columns.map((c) => `"${c}"`).join(', ')})`,
      "from 's3://udacity-dend/log_data'",
      "iam_role 'arn:aws:iam::123456789012:role/dwhRole'",
      "region 'us-west-2'",
      "format as json 's3://udacity-dend/log_json_path.json'",
      "timeformat 'epochmillisecs'",
    ].join('\n');
    // target/compiled holds the COPY itself, into the model's table; the plan loads a temporary table first.
    expect(fs.readFileSync(path.join(project, 'target/compiled/sparkify/models/staging/staging_events.sql'), 'utf8').startsWith(copy)).toBe(true);
    const plan = fs.readFileSync(path.join(project, 'target/plan/sparkify/models/staging/staging_events.sql'), 'utf8');
    expect(plan).toContain(copy.replace('"staging_events"', '"staging_events__sparkdbt_tmp"'));
    expect(
      plan.startsWith('-- plan of a first build (the relation does not exist yet); run writes what it executed to target/run/sparkify/models/staging/staging_events.sql\n'),
    ).toBe(true);
    // A table model's compiled SQL is its SELECT alone, as dbt writes it.
    const users = fs.readFileSync(path.join(project, 'target/compiled/sparkify/models/marts/users.sql'), 'utf8');
    expect(users).toMatch(/^\s*with new_events as \(/);
    expect(users).not.toMatch(/create table|begin;|diststyle/i);
    expect(allText(project + '/target') + result.stdout).not.toContain(PASSWORD);
  });

  it.skipIf(!SQLFLUFF).each(['compiled', 'plan'])(
    'every %s statement parses as Redshift SQL (sqlfluff), goldens too, and a wrong one does not',
    async (view) => {
      const { project, env } = sparkifyWithDwhCfg();
      expect((await runCli(['compile', '-t', 'redshift'], { cwd: project, env })).code).toBe(0);
      for (const dir of [path.join(project, 'target', view, 'sparkify'), path.join(GOLDEN, view)]) {
        const parsed = sqlfluffParse(dir);
        expect(parsed.output).not.toMatch(/unparsable/i);
        expect(parsed.code, parsed.output).toBe(0);
        // The models, and in compiled/ the data tests and unit tests too.
        expect(parsed.output.match(/\|file:$/gm)).toHaveLength(view === 'compiled' ? 8 + TESTS + UNIT_TESTS : 8);
      }

      const wrong = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-sqlfluff-')), 'wrong.sql');
      fs.writeFileSync(wrong, 'create table t (a int)\ndiststyle key\ndistkey;\n');
      const failed = sqlfluffParse(wrong);
      expect(failed.code).not.toBe(0);
      expect(failed.output).toMatch(/unparsable/i);
      // sqlfluff parses the compiled files (models, tests, unit tests) twice: ~30 s alone, minutes on a loaded machine.
    },
    600_000,
  );

  it('debug shows the dwh.cfg values where they belong and checks the IAM role, never the password', async () => {
    const { project, env } = sparkifyWithDwhCfg();
    const result = await runCli(['debug', '-t', 'redshift'], { cwd: project, env });
    expect(result.code).toBe(1);
    const real = fs.realpathSync(project);
    expect(result.stdout.replaceAll(real, '<project>').replaceAll(project, '<project>')).toBe(
      [
        'sparkdbt version: 0.1.0',
        'dbt version: 1.11.0',
        'Using project.yml file at <project>/project.yml',
        'adapter type: redshift',
        'Configuration:',
        '  project.yml file [OK found and valid] (8 models, 5 macro files)',
        '  target: redshift [OK found]',
        'Connection:',
        '  type: redshift',
        '  schema: public',
        '  host: 127.0.0.1',
        '  port: 1',
        '  user: dwhuser',
        '  password: ****',
        '  database: dwh',
        '  ssl: true',
        '  connect_timeout: 10',
        '  iam_role: arn:aws:iam::123456789012:role/dwhRole',
        '  copy_region: us-west-2',
        '  dwh_cfg: <project>/dwh.cfg',
        '  vars: log_data=s3://udacity-dend/log_data, log_jsonpath=s3://udacity-dend/log_json_path.json, song_data=s3://udacity-dend/song_data',
        '  Connection test: [ERROR]',
        '',
        'sparkdbt checks:',
        '  iam_role: [OK arn:aws:iam::123456789012:role/dwhRole]',
        "  copy_region: [OK us-west-2 (COPY's REGION: where the S3 data lives)]",
        '  copy sources: [OK staging_events, staging_songs]',
        '',
        '1 check failed:',
        "Connection test: could not connect to redshift target 'redshift' at 127.0.0.1:1 (database dwh, user dwhuser): connect ECONNREFUSED 127.0.0.1:1 (hint: check that the server is running and reachable, and the host, port, user and password of the target)",
        '',
        '',
      ].join('\n'),
    );
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('debug says in plain words what is missing when nothing is configured', async () => {
    const result = await runCli(['debug', '-t', 'redshift'], { cwd: copyFixture('sparkify') });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '  iam_role: [ERROR not set: COPY needs an IAM role that the cluster can assume to read S3; set iam_role in the target (REDSHIFT_IAM_ROLE in this project) or ARN in the [IAM_ROLE] section of dwh.cfg]\n',
    );
    expect(result.stdout).toContain("  copy sources: [ERROR staging_events: the warehouse's COPY reads from S3, but this copy model reads 'sample/log_data'");
    expect(result.stdout).toContain('  Connection test: [ERROR]\n');
    expect(result.stdout).toContain("Connection test: target 'redshift' has no host (hint: set the target's host in project.yml");
    const malformed = await runCli(['debug', '-t', 'redshift'], { cwd: copyFixture('sparkify'), env: { REDSHIFT_IAM_ROLE: 'dwhRole' } });
    expect(malformed.stdout).toContain("  iam_role: [ERROR 'dwhRole' is not an IAM role ARN; expected arn:aws:iam::<12-digit account id>:role/<role name>]\n");
  });

  it('a run against an unreachable cluster fails within its connect timeout: exit 2, one clear message, no secret', async () => {
    // A server that accepts connections and never answers: the client waits until its timeout.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const { project, env } = sparkifyWithDwhCfg();
    const cfg = path.join(project, 'dwh.cfg');
    fs.writeFileSync(cfg, fs.readFileSync(cfg, 'utf8').replace('DB_PORT=1', `DB_PORT=${port}`));
    const started = performance.now();
    const result = await runCli(['run', '-t', 'redshift'], { cwd: project, env: { ...env, REDSHIFT_CONNECT_TIMEOUT: '2' } });
    silent.close();
    const seconds = (performance.now() - started) / 1000;
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `Error: could not connect to redshift target 'redshift' at 127.0.0.1:${port} (database dwh, user dwhuser): timeout expired\n  hint: check that the server is running and reachable, and the host, port, user and password of the target\n`,
    );
    // Bounded by connect_timeout (2 s) plus start-up, not by the operating system's TCP timeout.
    expect(seconds).toBeGreaterThan(2);
    expect(seconds).toBeLessThan(10);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(fs.existsSync(path.join(project, 'target'))).toBe(false);
  });
});

const CASE_GOLDEN = path.join(REPO_ROOT, 'test/fixtures/redshift-case-region/expected');

/** Compiles the Sparkify project for Redshift from the seed's dwh.cfg with `env`; the plan file of `model`. */
async function redshiftPlan(env: Record<string, string>, model: string): Promise<string> {
  const { project, env: cfg } = sparkifyWithDwhCfg();
  const result = await runCli(['compile', '-t', 'redshift'], { cwd: project, env: { ...cfg, ...env } });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return fs.readFileSync(path.join(project, 'target/plan/sparkify/models', model), 'utf8');
}

describe('Redshift names and COPY region', () => {
  it.each(['staging/staging_songs.sql', 'marts/songs.sql'])(
    'a mixed-case schema (SPARKDBT_SCHEMA=Analytics) compiles to the lower-case names Redshift stores: golden %s',
    async (model) => {
      const plan = await redshiftPlan({ SPARKDBT_SCHEMA: 'Analytics', AWS_REGION: 'ap-south-1' }, model);
      const golden = path.join(CASE_GOLDEN, model);
      if (process.env['UPDATE_GOLDEN'] === '1') {
        fs.mkdirSync(path.dirname(golden), { recursive: true });
        fs.writeFileSync(golden, plan);
      }
      expect(plan).toBe(fs.readFileSync(golden, 'utf8'));
      expect(plan).not.toMatch(/Analytics/);
      if (SQLFLUFF) {
        const parsed = sqlfluffParse(golden);
        expect(parsed.output).not.toMatch(/unparsable/i);
        expect(parsed.code, parsed.output).toBe(0);
      }
    },
  );

  it("COPY's REGION is copy_region (SPARKDBT_COPY_REGION, default us-west-2), never AWS_REGION; none set: no REGION, and debug says so", async () => {
    const regionOf = (plan: string) => plan.split('\n').filter((line) => line.startsWith('region '));
    expect(regionOf(await redshiftPlan({ AWS_REGION: 'ap-south-1' }, 'staging/staging_events.sql'))).toEqual(["region 'us-west-2'"]);
    expect(regionOf(await redshiftPlan({ SPARKDBT_COPY_REGION: 'eu-central-1', AWS_REGION: 'ap-south-1' }, 'staging/staging_events.sql'))).toEqual(["region 'eu-central-1'"]);
    expect(regionOf(await redshiftPlan({ SPARKDBT_COPY_REGION: '', AWS_REGION: 'ap-south-1' }, 'staging/staging_songs.sql'))).toEqual([]);
    const { project, env } = sparkifyWithDwhCfg();
    const debug = await runCli(['debug', '-t', 'redshift'], { cwd: project, env: { ...env, SPARKDBT_COPY_REGION: '', AWS_REGION: 'ap-south-1' } });
    expect(debug.stdout).toContain(
      "\n  copy_region: [OK not set: COPY omits REGION and Redshift assumes the data is in the cluster's own region; set copy_region to the region of the bucket (s3://udacity-dend is in us-west-2)]\n",
    );
    // AWS_REGION is the local COPY engine's s3_region, never COPY's REGION.
    expect(debug.stdout).toContain('\n  s3_region: ap-south-1\n');
    // The setting is not shown (only the check, whose value is in brackets).
    expect(debug.stdout).not.toMatch(/^ {2}copy_region: (?!\[)/m);
  });
});
