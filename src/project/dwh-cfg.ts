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
  readonly port: string | undefined;
  readonly iamRole: string | undefined;
  /** The [S3] section as vars: LOG_DATA → log_data, LOG_JSONPATH → log_jsonpath, SONG_DATA → song_data. */
  readonly vars: Readonly<Record<string, string>>;
}

/**
 * Reads a dwh.cfg in the seed's INI format ([CLUSTER] HOST, DB_NAME, DB_USER, DB_PASSWORD,
 * DB_PORT; [IAM_ROLE] ARN; [S3] …). Values may be quoted ('…' or "…", as the seed writes S3 paths);
 * empty values count as unset. A missing or unreadable file is a config-invalid error.
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
  const sections = parse(text) as Record<string, unknown>;
  const section = (name: string): Record<string, unknown> => {
    const found = Object.entries(sections).find(([key]) => key.toUpperCase() === name);
    return found && typeof found[1] === 'object' && found[1] !== null ? (found[1] as Record<string, unknown>) : {};
  };
  const value = (sectionName: string, key: string): string | undefined => {
    const entry = Object.entries(section(sectionName)).find(([k]) => k.toUpperCase() === key);
    if (entry === undefined || typeof entry[1] !== 'string') return undefined;
    const text = entry[1].trim().replace(/^(['"])(.*)\1$/, '$2');
    return text === '' ? undefined : text;
  };
  const vars: Record<string, string> = {};
  for (const key of Object.keys(section('S3'))) {
    const v = value('S3', key.toUpperCase());
    if (v !== undefined) vars[key.toLowerCase()] = v;
  }
  return {
    file: absolute,
    host: value('CLUSTER', 'HOST'),
    database: value('CLUSTER', 'DB_NAME'),
    user: value('CLUSTER', 'DB_USER'),
    password: value('CLUSTER', 'DB_PASSWORD'),
    port: value('CLUSTER', 'DB_PORT'),
    iamRole: value('IAM_ROLE', 'ARN'),
    vars,
  };
}
