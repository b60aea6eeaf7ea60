import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'ini';
import { SparkdbtError } from '../errors.js';

/** The settings of the seed project's dwh.cfg (Sparkify on Redshift), by what they mean. */
export interface DwhCfg {
  readonly file: string;
  readonly host: string | undefined;
  readonly database: string | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly port: number | undefined;
  readonly iamRole: string | undefined;
  /** The [S3] section as vars: LOG_DATA → log_data, LOG_JSONPATH → log_jsonpath, SONG_DATA → song_data. */
  readonly vars: Readonly<Record<string, string>>;
}

/**
 * Reads a dwh.cfg in the seed's INI format ([CLUSTER] HOST, DB_NAME, DB_USER, DB_PASSWORD,
 * DB_PORT; [IAM_ROLE] ARN; [S3] …). Values may be quoted ('…' or "…", as the seed writes S3 paths);
 * empty values count as unset. A missing or unreadable file, or a DB_PORT that is not a number, is
 * a config-invalid error.
 */
export function readDwhCfg(file: string, projectRoot: string): DwhCfg {
  const absolute = path.resolve(projectRoot, file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new SparkdbtError('config-invalid', `dwh_cfg: cannot read '${file}' (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      location: { file: 'project.yml' },
      hint: 'dwh_cfg is the path of a dwh.cfg file in the seed format, relative to project.yml',
    });
  }
  // Section and key names are case-insensitive, as in Python's configparser; `ini` unquotes values.
  const sections = new Map(Object.entries(parse(text)).map(([name, entries]) => [name.toUpperCase(), entries as unknown]));
  const section = (name: string): Map<string, string> => {
    const entries = sections.get(name);
    if (typeof entries !== 'object' || entries === null) return new Map();
    return new Map(Object.entries(entries).flatMap(([key, v]) => (typeof v === 'string' && v.trim() !== '' ? [[key.toUpperCase(), v.trim()] as const] : [])));
  };
  const cluster = section('CLUSTER');
  const port = cluster.get('DB_PORT');
  if (port !== undefined && !/^\d+$/.test(port)) {
    throw new SparkdbtError('config-invalid', `dwh_cfg: ${file}: [CLUSTER] DB_PORT must be a whole number, got '${port}'`, { location: { file: absolute } });
  }
  return {
    file: absolute,
    host: cluster.get('HOST'),
    database: cluster.get('DB_NAME'),
    user: cluster.get('DB_USER'),
    password: cluster.get('DB_PASSWORD'),
    port: port === undefined ? undefined : Number(port),
    iamRole: section('IAM_ROLE').get('ARN'),
    vars: Object.fromEntries([...section('S3')].map(([key, v]) => [key.toLowerCase(), v])),
  };
}
