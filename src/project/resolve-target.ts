import path from 'node:path';
import type { ResolvedTarget } from '../core/target.js';
import { SparkdbtError, closestNames } from '../errors.js';
import type { S3Settings } from '../core/s3-settings.js';
import type { ProjectConfig } from './types.js';

/** Renders a config string (expands `{{ env_var('X') }}`); supplied by the compile stage. */
export type RenderString = (text: string, file: string) => string;

/** Masks the secrets registered so far (values of secret env vars) in a message. */
export type MaskSecrets = (text: string) => string;

/**
 * Picks the target (the --target option, else project.yml's or the profile's `target:`), renders its values and fills
 * in defaults; server settings fall back to the standard PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE.
 * A value that fails validation is echoed through `mask`, so one rendered from a secret shows as ****.
 */
export function resolveTarget(
  config: ProjectConfig,
  requested: string | undefined,
  render: RenderString,
  env: Readonly<Record<string, string | undefined>>,
  mask: MaskSecrets = (text) => text,
): ResolvedTarget {
  const name = requested ?? config.defaultTarget;
  const raw = config.targets[name];
  const file = config.targetsFile ?? 'project.yml';
  if (!raw) {
    const names = Object.keys(config.targets);
    const suggestions = closestNames(name, names);
    const listed = `${config.profile ? 'outputs' : 'targets'}: ${names.join(', ')}`;
    throw new SparkdbtError(
      'target-not-found',
      config.profile ? `The profile '${config.profile.name}' does not have a target named '${name}'` : `no target named '${name}' in project.yml`,
      {
        location: { file },
        hint: `${suggestions.length > 0 ? `did you mean '${suggestions[0]}'? ` : ''}${listed}${config.profile ? ` (pass --target, or set the profile's target:)` : ''}`,
      },
    );
  }
  // A setting as its file spells its path: `targets.pg.port`, or `shop.outputs.pg.port` in profiles.yml.
  const label = (key: string): string => (config.profile ? `${config.profile.name}.outputs.${name}.${key}` : `targets.${name}.${key}`);
  const value = (key: string): string | undefined => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    const text = renderAt(key, String(v));
    return text === '' ? undefined : text;
  };
  // A render error is located in the value's own text; point at the key's line in project.yml instead.
  const renderAt = (key: string, text: string): string => {
    try {
      return render(text, file);
    } catch (error) {
      const line = config.keyLines?.get(`targets.${name}.${key}`);
      if (!(error instanceof SparkdbtError) || line === undefined) throw error;
      throw new SparkdbtError(error.code, `${label(key)}: ${error.message}`, {
        location: { file, line },
        ...(error.hint === undefined ? {} : { hint: error.hint }),
        cause: error,
      });
    }
  };
  const number = (key: string, fallback: number): number => {
    const text = value(key);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) {
      const line = config.keyLines?.get(`targets.${name}.${key}`);
      const shown = key === 'password' ? '****' : mask(text);
      throw new SparkdbtError('config-invalid', `${label(key)}: must be a whole number, got '${shown}'`, {
        location: line === undefined ? { file } : { file, line },
      });
    }
    return n;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const text = value(key);
    return text === undefined ? fallback : isTrue(text);
  };
  const schema = value('schema') ?? 'public';
  const s3: S3Settings = {
    endpoint: value('s3_endpoint') ?? nonEmpty(env['AWS_ENDPOINT_URL_S3']) ?? nonEmpty(env['AWS_ENDPOINT_URL']),
    region: value('s3_region') ?? nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']),
    forcePathStyle: bool('s3_force_path_style', isTrue(env['AWS_S3_FORCE_PATH_STYLE'] ?? '')),
  };
  switch (raw.type) {
    case 'pglite':
      return {
        type: 'pglite',
        name,
        schema,
        s3,
        vars: {},
        threads: number('threads', 1),
        path: path.resolve(config.root, value('path') ?? '.sparkdbt/pglite'),
        lockTimeoutSeconds: number('lock_timeout', 60),
      };
    case 'postgres':
      return {
        type: 'postgres',
        name,
        schema,
        s3,
        vars: {},
        threads: number('threads', 4),
        host: value('host') ?? env['PGHOST'] ?? '127.0.0.1',
        port: number('port', Number(env['PGPORT'] ?? 5432)),
        user: value('user') ?? env['PGUSER'] ?? 'postgres',
        password: value('password') ?? env['PGPASSWORD'],
        database: value('database') ?? value('dbname') ?? env['PGDATABASE'] ?? 'postgres',
        ssl: bool('ssl', false),
        connectTimeoutSeconds: number('connect_timeout', 10),
      };
    case 'redshift': {
      const cfgFile = value('dwh_cfg');
      const cfg = cfgFile === undefined ? undefined : config.readDwhCfg(cfgFile);
      const s3Prefix = (key: string, without: string): string | undefined => {
        const prefix = value(key);
        if (prefix === undefined || /^s3:\/\/[^/]+/.test(prefix)) return prefix;
        const line = config.keyLines?.get(`targets.${name}.${key}`);
        throw new SparkdbtError('config-invalid', `${label(key)}: must be an s3://bucket/prefix URL, got '${mask(prefix)}'`, {
          location: line === undefined ? { file } : { file, line },
          hint: `write ${key}: s3://<bucket>/<prefix> (a prefix the IAM role may read and the caller may write), or leave it out ${without}`,
        });
      };
      const seedS3Prefix = s3Prefix('seed_s3_prefix', 'for INSERTs');
      const manifestS3Prefix = s3Prefix('manifest_s3_prefix', 'when no copy model says newfilesonly=true');
      return {
        type: 'redshift',
        name,
        schema,
        s3,
        vars: cfg?.vars ?? {},
        threads: number('threads', 4),
        host: value('host') ?? cfg?.host ?? '',
        port: number('port', cfg?.port ?? 5439),
        user: value('user') ?? cfg?.user ?? '',
        password: value('password') ?? cfg?.password,
        database: value('database') ?? value('dbname') ?? cfg?.database ?? 'dev',
        ssl: bool('ssl', true),
        connectTimeoutSeconds: number('connect_timeout', 10),
        iamRole: value('iam_role') ?? cfg?.iamRole,
        copyRegion: value('copy_region'),
        seedS3Prefix,
        manifestS3Prefix,
        dwhCfg: cfg?.file,
      };
    }
  }
}

const nonEmpty = (text: string | undefined): string | undefined => (text === undefined || text === '' ? undefined : text);

/** A setting's yes: true, yes, on, 1 (and `require`, as libpq spells ssl). */
const isTrue = (text: string): boolean => /^(true|yes|on|1|require)$/i.test(text);
