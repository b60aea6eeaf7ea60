import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { queryFolder } from '../support/pglite-counts.js';
import { PG_ENV, useTestSchema } from '../support/postgres.js';

/**
 * A dbt project in dbt's own layout, written here: dbt_project.yml (configs with and without `+`,
 * global and per-project vars), two models; its profile is written where each test says.
 */
function writeDbtProject(extra = ''): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h-dbtproject-'));
  const files: Record<string, string> = {
    'dbt_project.yml': [
      "name: 'shop'",
      "version: '1.0.0'",
      'config-version: 2',
      "profile: 'shop'",
      'model-paths: ["models"]',
      'seed-paths: ["seeds"]',
      'test-paths: ["tests"]',
      'analysis-paths: ["analyses"]',
      'macro-paths: ["macros"]',
      'snapshot-paths: ["snapshots"]',
      'target-path: "target"',
      'clean-targets: ["target", "dbt_packages"]',
      'require-dbt-version: [">=1.5.0", "<2.0.0"]',
      'vars:',
      '  max_id: 99',
      '  shop:',
      '    max_id: 2',
      'models:',
      '  shop:',
      '    staging:',
      '      +materialized: view',
      '    marts:',
      '      materialized: table',
      extra,
    ].join('\n'),
    'models/staging/stg_orders.sql':
      "select id, amount::numeric(10,2) as amount\nfrom (values (1, 10.50), (2, 8.58), (3, 20.00)) as t(id, amount)\nwhere id <= {{ var('max_id') }}\n",
    'models/marts/order_totals.sql': "select count(*)::int as orders, sum(amount) as total from {{ ref('stg_orders') }}\n",
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const PGLITE_PROFILE = 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: pglite\n      schema: main\n    other:\n      type: pglite\n      schema: other\n';

/** A folder of its own with a profiles.yml. */
function profilesDir(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h-dbtproject-profiles-'));
  fs.writeFileSync(path.join(dir, 'profiles.yml'), text);
  return dir;
}

/** No profiles.yml in ~/.dbt or DBT_PROFILES_DIR unless a test puts one there. */
const CLEAN_ENV = () => ({ HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'h-dbtproject-home-')), DBT_PROFILES_DIR: undefined });

async function builtTables(dir: string, schema: string) {
  const kinds = await queryFolder<{ table_name: string; table_type: string }>(
    dir,
    `select table_name, table_type from information_schema.tables where table_schema = '${schema}' order by table_name`,
  );
  const totals = await queryFolder<{ orders: number; total: string }>(dir, `select orders, total::text as total from ${schema}.order_totals`);
  return { kinds, totals };
}

/** stderr without the note a first run on PGlite prints (`Creating the embedded warehouse in …`). */
const warningsOf = (result: { stderr: string }) => result.stderr.replace(/^Creating the embedded warehouse in .*\n/m, '');

const EXPECTED_KINDS = [
  { table_name: 'order_totals', table_type: 'BASE TABLE' },
  { table_name: 'stg_orders', table_type: 'VIEW' },
];
// max_id is the project's own var (2), not the global one (99): orders 1 and 2, 10.50 + 8.58.
const EXPECTED_TOTALS = [{ orders: 2, total: '19.08' }];

describe('a dbt project (dbt_project.yml, profiles.yml) on PGlite', () => {
  it('runs with its profile found through DBT_PROFILES_DIR', async () => {
    const dir = writeDbtProject();
    const result = await runCli(['run'], { cwd: dir, env: { ...CLEAN_ENV(), DBT_PROFILES_DIR: profilesDir(PGLITE_PROFILE) } });
    expect(warningsOf(result)).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Running 2 models on target 'dev'");
    expect(await builtTables(dir, 'main')).toEqual({ kinds: EXPECTED_KINDS, totals: EXPECTED_TOTALS });
  });

  it('runs with --profiles-dir (over DBT_PROFILES_DIR) and --target', async () => {
    const dir = writeDbtProject();
    const wrong = profilesDir('shop:\n  outputs:\n    dev: {type: postgres, host: nowhere.invalid}\n');
    const flagged = path.relative(dir, profilesDir(PGLITE_PROFILE));
    const result = await runCli(['run', '--profiles-dir', flagged, '--target', 'other'], { cwd: dir, env: { ...CLEAN_ENV(), DBT_PROFILES_DIR: wrong } });
    expect(warningsOf(result)).toBe('');
    expect(result.code).toBe(0);
    expect(await builtTables(dir, 'other')).toEqual({ kinds: EXPECTED_KINDS, totals: EXPECTED_TOTALS });
    // dbt's args record the profile folder (absolute, so that retry finds it from anywhere) and the target.
    const args = (JSON.parse(fs.readFileSync(path.join(dir, 'target/run_results.json'), 'utf8')) as { args: Record<string, unknown> }).args;
    expect(args).toMatchObject({ target: 'other', profiles_dir: path.resolve(dir, flagged) });
  });

  it('runs with profiles.yml in the project folder, and --profile picks another profile', async () => {
    const dir = writeDbtProject();
    fs.writeFileSync(path.join(dir, 'profiles.yml'), `${PGLITE_PROFILE}second:\n  target: x\n  outputs:\n    x: {type: pglite, schema: second}\n`);
    const env = CLEAN_ENV();
    const result = await runCli(['run'], { cwd: dir, env });
    expect(warningsOf(result)).toBe('');
    expect(result.code).toBe(0);
    expect(await builtTables(dir, 'main')).toEqual({ kinds: EXPECTED_KINDS, totals: EXPECTED_TOTALS });
    const other = await runCli(['run', '--profile', 'second'], { cwd: dir, env });
    expect(warningsOf(other)).toBe('');
    expect(other.stdout).toContain("Running 2 models on target 'x'");
    expect(await builtTables(dir, 'second')).toEqual({ kinds: EXPECTED_KINDS, totals: EXPECTED_TOTALS });
  });

  it('finds ~/.dbt/profiles.yml last, and renders env_var() in it', async () => {
    const dir = writeDbtProject();
    const env = CLEAN_ENV();
    fs.mkdirSync(path.join(env.HOME, '.dbt'));
    fs.writeFileSync(
      path.join(env.HOME, '.dbt', 'profiles.yml'),
      "shop:\n  target: \"{{ env_var('SHOP_TARGET', 'dev') }}\"\n  outputs:\n    ci:\n      type: pglite\n      schema: \"{{ env_var('SHOP_SCHEMA') }}\"\n",
    );
    const result = await runCli(['run'], { cwd: dir, env: { ...env, SHOP_TARGET: 'ci', SHOP_SCHEMA: 'from_env' } });
    expect(warningsOf(result)).toBe('');
    expect(result.code).toBe(0);
    expect(await builtTables(dir, 'from_env')).toEqual({ kinds: EXPECTED_KINDS, totals: EXPECTED_TOTALS });
  });

  it('runs its on-run-start hook, and reports what it reads but does not apply as warnings', async () => {
    const dir = writeDbtProject('on-run-start: "create table audit (x int)"\nflags:\n  send_anonymous_usage_stats: false\n');
    const result = await runCli(['run'], { cwd: dir, env: { ...CLEAN_ENV(), DBT_PROFILES_DIR: profilesDir(PGLITE_PROFILE) } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/1 of 1 OK hook: \w+\.on-run-start\.0 \.+ \[OK in/);
    expect(warningsOf(result)).toBe('Warning: dbt_project.yml:25: flags: not applied: send_anonymous_usage_stats (sparkdbt takes its flags on the command line)\n');
  });
  it('a model config it does not know, in dbt_project.yml, is a warning at its line there', async () => {
    const dir = writeDbtProject();
    const file = path.join(dir, 'dbt_project.yml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('      materialized: table', '      materialized: table\n      +materialzed: view'));
    const result = await runCli(['ls'], { cwd: dir, env: { ...CLEAN_ENV(), DBT_PROFILES_DIR: profilesDir(PGLITE_PROFILE) } });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('shop.marts.order_totals\nshop.staging.stg_orders\n');
    expect(result.stderr).toBe(
      "Warning: dbt_project.yml:24: models.shop.marts.+materialzed: config 'materialzed' is not a config sparkdbt knows, and does nothing; did you mean 'materialized'?\n",
    );
  });
});

describe('retry of a dbt project', () => {
  it("replays the run's --profiles-dir and --profile", async () => {
    const dir = writeDbtProject();
    fs.writeFileSync(path.join(dir, 'models/marts/needs_input.sql'), 'select x from alt.input_rows\n');
    const profiles = profilesDir('alt:\n  target: a\n  outputs:\n    a: {type: pglite, schema: alt}\n');
    const env = CLEAN_ENV();
    const first = await runCli(['run', '--profiles-dir', profiles, '--profile', 'alt'], { cwd: dir, env });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('PASS=2 WARN=0 ERROR=1 SKIP=0 TOTAL=3');
    await queryFolder(dir, 'create table alt.input_rows as select 7 as x');
    // No flags: the profile 'shop' of dbt_project.yml is nowhere; the retry takes the run's.
    const retry = await runCli(['retry'], { cwd: dir, env });
    expect(retry.stderr).toBe('');
    expect(retry.code).toBe(0);
    expect(retry.stdout).toContain('PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1');
    expect(await queryFolder(dir, 'select x from alt.needs_input')).toEqual([{ x: 7 }]);
  });
});

describe('a dbt project that cannot start (exit 2)', () => {
  const run = async (dir: string, args: string[], env: Record<string, string | undefined> = {}) => runCli(args, { cwd: dir, env: { ...CLEAN_ENV(), ...env } });

  it('a folder with both project.yml and dbt_project.yml', async () => {
    const dir = writeDbtProject();
    fs.writeFileSync(path.join(dir, 'project.yml'), 'name: shop\n');
    const result = await run(dir, ['ls']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `Error: project.yml: ${dir} holds both project.yml and dbt_project.yml: sparkdbt cannot tell which declares the project\n  hint: keep one: dbt_project.yml (dbt's, targets in profiles.yml) or project.yml (sparkdbt's, targets inside)\n`,
    );
  });

  it('no profiles.yml anywhere', async () => {
    const dir = writeDbtProject();
    const env = CLEAN_ENV();
    const result = await run(dir, ['run'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `Error: Could not find profile named 'shop': no profiles.yml in ${dir}, ${path.join(env.HOME, '.dbt')} (the default search)\n  hint: write profiles.yml`,
    );
  });

  it('a profile the file does not hold', async () => {
    const dir = writeDbtProject();
    const profiles = profilesDir(PGLITE_PROFILE);
    const result = await run(dir, ['run', '--profile', 'shopp'], { DBT_PROFILES_DIR: profiles });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `Error: ${path.join(profiles, 'profiles.yml')}: Could not find profile named 'shopp'\n  hint: did you mean 'shop'? profiles in this file: shop; pass --profile or set profile: in dbt_project.yml\n`,
    );
  });

  it('a target the profile does not have', async () => {
    const dir = writeDbtProject();
    const profiles = profilesDir(PGLITE_PROFILE);
    const result = await run(dir, ['run', '--target', 'dve'], { DBT_PROFILES_DIR: profiles });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `Error: ${path.join(profiles, 'profiles.yml')}: The profile 'shop' does not have a target named 'dve'\n  hint: did you mean 'dev'? outputs: dev, other (pass --target, or set the profile's target:)\n`,
    );
  });

  it('a require-dbt-version sparkdbt does not meet', async () => {
    const dir = writeDbtProject();
    fs.writeFileSync(path.join(dir, 'dbt_project.yml'), fs.readFileSync(path.join(dir, 'dbt_project.yml'), 'utf8').replace('"<2.0.0"', '"<1.9.0"'));
    const result = await run(dir, ['run'], { DBT_PROFILES_DIR: profilesDir(PGLITE_PROFILE) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "Error: dbt_project.yml:13: This version of dbt is not supported with the 'shop' package.\n  Installed version of dbt: =1.11.0\n  Required version of dbt for 'shop': ['>=1.5.0', '<1.9.0']\n  hint: sparkdbt implements dbt 1.11.0: widen require-dbt-version, or use a version of the project written for it\n",
    );
  });

  it('--profile on a project.yml project', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h-dbtproject-native-'));
    fs.writeFileSync(path.join(dir, 'project.yml'), 'name: shop\n');
    const result = await run(dir, ['ls', '--profile', 'shop']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "Error: project.yml: --profile applies to a dbt project (dbt_project.yml, profiles.yml); this project's project.yml holds its targets\n  hint: leave --profile out and pick a target of project.yml with --target\n",
    );
  });
});

describe('a dbt project on PostgreSQL', () => {
  const { schema, client } = useTestSchema('h_dbtproject');
  const SECRET = 'h-dbtproject-literal-secret-9f3';
  // dbt-postgres' spellings: pass, username, dbname; env_var() for the host.
  const profile = () =>
    [
      'shop:',
      '  target: pg',
      '  outputs:',
      '    pg:',
      '      type: postgres',
      '      host: "{{ env_var(\'SHOP_PG_HOST\') }}"',
      `      port: ${PG_ENV.PGPORT}`,
      `      username: ${PG_ENV.PGUSER}`,
      `      pass: ${SECRET}`,
      `      dbname: ${PG_ENV.PGDATABASE}`,
      `      schema: ${schema}`,
      '      threads: 2',
      '      sslmode: disable',
      '',
    ].join('\n');

  it('runs and builds the tables; the password is never printed nor written to target/', async () => {
    const dir = writeDbtProject();
    const env = { ...CLEAN_ENV(), DBT_PROFILES_DIR: profilesDir(profile()), SHOP_PG_HOST: PG_ENV.PGHOST, PGPASSWORD: undefined };
    const result = await runCli(['run'], { cwd: dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const kinds = await client().query(`select table_name, table_type from information_schema.tables where table_schema = $1 order by table_name`, [schema]);
    expect(kinds.rows).toEqual(EXPECTED_KINDS);
    const totals = await client().query(`select orders, total::text as total from "${schema}".order_totals`);
    expect(totals.rows).toEqual(EXPECTED_TOTALS);

    const debug = await runCli(['debug'], { cwd: dir, env });
    expect(debug.code).toBe(0);
    expect(debug.stdout).toContain('  password: ****\n');
    expect(debug.stdout).toContain(`Using profiles.yml file at ${path.join(env.DBT_PROFILES_DIR, 'profiles.yml')}\n`);
    expect(debug.stdout).toContain('  profile: shop [OK found]\n\n  target: pg [OK found]\n');
    expect(debug.stdout).toContain(`  user: ${PG_ENV.PGUSER}\n`);
    expect(debug.stdout).toContain(`  database: ${PG_ENV.PGDATABASE}\n`);

    const written = fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.name.endsWith('.yml'))
      .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'));
    expect(written.length).toBeGreaterThan(3); // manifest.json, run_results.json, compiled SQL, logs/sparkdbt.log
    for (const text of [result.stdout, debug.stdout, debug.stderr, ...written]) expect(text).not.toContain(SECRET);
  });
});
