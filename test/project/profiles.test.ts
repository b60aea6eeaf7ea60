import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparkdbtError, SparkdbtErrors, formatError } from '../../src/errors.js';
import { findProfilesFile, parseProfiles, readProfile } from '../../src/project/profiles.js';

const FILE = '/home/me/.dbt/profiles.yml';

function rejected(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof SparkdbtErrors) return error.errors.map(formatError);
    if (error instanceof SparkdbtError) return [formatError(error)];
    throw error;
  }
  throw new Error('expected the profile to be rejected');
}

const output = (yaml: string) => `shop:\n  target: dev\n  outputs:\n    dev:\n${yaml.replace(/^/gm, '      ')}\n`;

describe('profiles.yml', () => {
  it("reads a profile's outputs as targets, its target: as the default", () => {
    const text = [
      'shop:',
      '  target: dev',
      '  outputs:',
      '    dev:',
      '      type: postgres',
      '      host: localhost',
      '      user: alice',
      '      password: s3cret',
      '      port: 5432',
      '      dbname: analytics',
      '      schema: dbt_alice',
      '      threads: 4',
      '    local:',
      '      type: pglite',
      '      path: .warehouse',
      '      schema: main',
      'other:',
      '  outputs:',
      '    x: {type: pglite}',
      '',
    ].join('\n');
    const profile = parseProfiles(text, FILE, 'shop', {});
    expect(profile.defaultTarget).toBe('dev');
    expect(profile.targets).toEqual({
      dev: { type: 'postgres', host: 'localhost', user: 'alice', password: 's3cret', port: 5432, dbname: 'analytics', schema: 'dbt_alice', threads: 4 },
      local: { type: 'pglite', path: '.warehouse', schema: 'main' },
    });
    expect(profile.keyLines.get('targets.dev.password')).toBe(8);
    expect(profile.warnings).toEqual([]);
    // dbt's default target name when a profile sets none
    expect(parseProfiles(text, FILE, 'other', {}).defaultTarget).toBe('default');
  });

  // dbt-postgres' and dbt-redshift's settings, as sparkdbt's targets take them.
  it.each<[string, string, Record<string, unknown>, string[]]>([
    ['pass (dbt-postgres’ alias of password)', 'type: postgres\npass: pw', { type: 'postgres', password: 'pw' }, []],
    ['username (alias of user)', 'type: postgres\nusername: bob', { type: 'postgres', user: 'bob' }, []],
    ['database (alias of dbname)', 'type: postgres\ndatabase: db', { type: 'postgres', database: 'db' }, []],
    ['sslmode require', 'type: postgres\nsslmode: require', { type: 'postgres', ssl: true }, []],
    ['sslmode verify-full', 'type: postgres\nsslmode: verify-full', { type: 'postgres', ssl: true }, []],
    ['sslmode disable', 'type: redshift\nsslmode: disable', { type: 'redshift', ssl: false }, []],
    ['env_var() left for the target to render', 'type: postgres\npassword: "{{ env_var(\'PW\') }}"', { type: 'postgres', password: "{{ env_var('PW') }}" }, []],
    ['connect_timeout', 'type: postgres\nconnect_timeout: 5', { type: 'postgres', connect_timeout: 5 }, []],
    [
      'keepalives_idle (read, reported as not applied)',
      'type: postgres\nkeepalives_idle: 0',
      { type: 'postgres' },
      [`${FILE}:6: shop.outputs.dev.keepalives_idle: not applied: sparkdbt sets no TCP keepalive`],
    ],
    [
      'redshift method: database',
      'type: redshift\nmethod: database\nhost: h\nuser: u\npassword: p\nport: 5439\ndbname: dev',
      { type: 'redshift', host: 'h', user: 'u', password: 'p', port: 5439, dbname: 'dev' },
      [],
    ],
    [
      'redshift region (an IAM setting of dbt-redshift)',
      'type: redshift\nregion: us-east-1',
      { type: 'redshift' },
      [`${FILE}:6: shop.outputs.dev.region: not applied: only IAM authentication (method: iam) uses it, and sparkdbt signs in with user and password`],
    ],
    [
      'redshift iam_role (sparkdbt’s COPY role)',
      'type: redshift\niam_role: arn:aws:iam::123456789012:role/r',
      { type: 'redshift', iam_role: 'arn:aws:iam::123456789012:role/r' },
      [],
    ],
    ['pglite', 'type: pglite\npath: wh\nschema: main\nthreads: 1', { type: 'pglite', path: 'wh', schema: 'main', threads: 1 }, []],
  ])('reads %s', (_case, yaml, expected, warnings) => {
    const profile = parseProfiles(output(yaml), FILE, 'shop', {});
    expect(profile.targets['dev']).toEqual(expected);
    expect(profile.warnings).toEqual(warnings);
  });

  it.each<[string, string, string]>([
    [
      'an unknown profile',
      'shopp',
      `${FILE}: Could not find profile named 'shopp'\n  hint: did you mean 'shop'? profiles in this file: shop; pass --profile or set profile: in dbt_project.yml`,
    ],
    ['an unknown setting', 'shop|type: postgres\nhots: h', `${FILE}:6: shop.outputs.dev.hots: unknown setting of a postgres target\n  hint: did you mean 'host'?`],
    ['an unknown type', 'shop|type: snowflake', `${FILE}:5: shop.outputs.dev.type: must be one of pglite, postgres, redshift`],
    ['both pass and password', 'shop|type: postgres\npass: a\npassword: b', `${FILE}:6: shop.outputs.dev.pass: and 'password' are the same setting; give one`],
    ['search_path', 'shop|type: postgres\nsearch_path: x', `${FILE}:6: shop.outputs.dev.search_path: is not supported by sparkdbt\n  hint: sparkdbt qualifies every relation`],
    [
      'redshift IAM sign-in',
      'shop|type: redshift\nmethod: iam',
      `${FILE}:6: shop.outputs.dev.method: 'iam' is not supported: sparkdbt signs in to Redshift with a database user and password`,
    ],
    ['a bad sslmode', 'shop|type: postgres\nsslmode: maybe', `${FILE}:6: shop.outputs.dev.sslmode: must be one of disable, allow, prefer, require, verify-ca, verify-full`],
    ['a port that is not a number', 'shop|type: postgres\nport: five', `${FILE}:6: shop.outputs.dev.port: must be a whole number`],
  ])('rejects %s', (_case, spec, expected) => {
    const [name, yaml] = spec.includes('|') ? spec.split('|') : [spec, 'type: pglite'];
    const found = rejected(() => parseProfiles(output(yaml!), FILE, name!, {}));
    expect(found).toHaveLength(1);
    expect(found[0]!.slice(0, expected.length)).toBe(expected);
  });

  it('checks only the output in use, as dbt reads no other', () => {
    const text = 'shop:\n  target: dev\n  outputs:\n    dev: {type: pglite}\n    prod: {type: snowflake, account: x}\n    old: {type: postgres, keepalives_idle: 0}\n';
    const profile = parseProfiles(text, FILE, 'shop', {});
    expect(Object.keys(profile.targets)).toEqual(['dev', 'old']);
    expect(profile.warnings).toEqual([]);
    expect(parseProfiles(text, FILE, 'shop', {}, 'old').warnings).toEqual([`${FILE}:6: shop.outputs.old.keepalives_idle: not applied: sparkdbt sets no TCP keepalive`]);
    expect(rejected(() => parseProfiles(text, FILE, 'shop', {}, 'prod'))).toEqual([`${FILE}:5: shop.outputs.prod.type: must be one of pglite, postgres, redshift`]);
  });

  it("renders env_var() in a profile's target:", () => {
    const text = "shop:\n  target: \"{{ env_var('SHOP_TARGET', 'dev') }}\"\n  outputs:\n    dev: {type: pglite}\n    prod: {type: pglite}\n";
    expect(parseProfiles(text, FILE, 'shop', { SHOP_TARGET: 'prod' }).defaultTarget).toBe('prod');
    expect(parseProfiles(text, FILE, 'shop', {}).defaultTarget).toBe('dev');
  });
});

describe('finding profiles.yml as dbt does', () => {
  const make = () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'h-dbtproject-profiles-'));
    const dirs = { project: path.join(base, 'project'), cwd: path.join(base, 'cwd'), home: path.join(base, 'home'), flag: path.join(base, 'flag'), env: path.join(base, 'env') };
    for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(path.join(dirs.home, '.dbt'));
    const put = (dir: string) =>
      fs.writeFileSync(path.join(dir, 'profiles.yml'), `shop:\n  target: ${path.basename(dir)}\n  outputs:\n    ${path.basename(dir)}: {type: pglite}\n`);
    return { dirs, put };
  };

  it('--profiles-dir, then DBT_PROFILES_DIR, then the project folder, the current folder, ~/.dbt', () => {
    const { dirs, put } = make();
    for (const dir of [dirs.flag, dirs.env, dirs.project, dirs.cwd, path.join(dirs.home, '.dbt')]) put(dir);
    const env = { DBT_PROFILES_DIR: dirs.env, HOME: dirs.home };
    const find = (options: Parameters<typeof findProfilesFile>[1]) => findProfilesFile(dirs.project, { cwd: dirs.cwd, ...options }).file;
    expect(find({ profilesDir: dirs.flag, env })).toBe(path.join(dirs.flag, 'profiles.yml'));
    expect(find({ env })).toBe(path.join(dirs.env, 'profiles.yml'));
    expect(find({ env: { HOME: dirs.home } })).toBe(path.join(dirs.project, 'profiles.yml'));
    fs.rmSync(path.join(dirs.project, 'profiles.yml'));
    expect(find({ env: { HOME: dirs.home } })).toBe(path.join(dirs.cwd, 'profiles.yml'));
    fs.rmSync(path.join(dirs.cwd, 'profiles.yml'));
    expect(find({ env: { HOME: dirs.home } })).toBe(path.join(dirs.home, '.dbt', 'profiles.yml'));
    expect(readProfile(dirs.project, 'shop', 'dbt_project.yml', { cwd: dirs.cwd, env: { HOME: dirs.home } }).defaultTarget).toBe('.dbt');
  });

  it('a --profiles-dir without profiles.yml is an error, with no fall back (as dbt)', () => {
    const { dirs, put } = make();
    put(dirs.project);
    expect(rejected(() => readProfile(dirs.project, 'shop', 'dbt_project.yml', { cwd: dirs.cwd, profilesDir: dirs.flag, env: { HOME: dirs.home } }))).toEqual([
      `Could not find profile named 'shop': no profiles.yml in ${dirs.flag} (--profiles-dir)\n  hint: write profiles.yml in the project folder or ~/.dbt/ (or point --profiles-dir or DBT_PROFILES_DIR at its folder), holding shop: {target: dev, outputs: {dev: {type: pglite, schema: main}}} (or type: postgres with host, user, password, dbname, schema)`,
    ]);
  });

  it("renders env_var() in dbt_project.yml's profile:", () => {
    const { dirs, put } = make();
    put(dirs.project);
    const profile = readProfile(dirs.project, "{{ env_var('SHOP_PROFILE', 'nope') }}", 'dbt_project.yml', { cwd: dirs.cwd, env: { HOME: dirs.home, SHOP_PROFILE: 'shop' } });
    expect(profile.profile).toBe('shop');
  });

  it('no profile named anywhere is an error naming dbt_project.yml', () => {
    const { dirs } = make();
    expect(rejected(() => readProfile(dirs.project, undefined, 'dbt_project.yml', { cwd: dirs.cwd, env: { HOME: dirs.home } }))).toEqual([
      'dbt_project.yml: dbt_project.yml names no profile\n  hint: add profile: <a profile of profiles.yml> to dbt_project.yml, or pass --profile',
    ]);
  });
});
