import fs from 'node:fs';
import path from 'node:path';
import { SparkdbtError } from '../errors.js';
import { ConfigParserError, parseConfigParser, type ConfigParserFile } from './configparser.js';

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
 * Reads a dwh.cfg as the seed's loader does (Python's `configparser.ConfigParser()`: `;` and `#`
 * inside values kept, `%%` and `%(name)s` interpolated, [DEFAULT] inherited) and maps [CLUSTER]
 * HOST, DB_NAME, DB_USER, DB_PASSWORD, DB_PORT, [IAM_ROLE] ARN and [S3] to settings. A value in one
 * pair of matching quotes ('…' or "…", as the seed writes ARN and the S3 paths) is used without
 * them; empty values count as unset. A section is found by its exact name, else case-insensitively.
 * An unreadable file, a file configparser rejects, a bad `%` or a DB_PORT that is not a number is a
 * config-invalid error with the file and line.
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
  const invalid = (error: ConfigParserError, line: number | undefined) =>
    new SparkdbtError('config-invalid', `dwh_cfg: ${file}${line === undefined ? '' : `:${line}`}: ${error.message}`, {
      location: line === undefined ? { file: absolute } : { file: absolute, line },
      hint: `the file is read as Python's configparser reads it (${error.kind})`,
    });
  let cfg: ConfigParserFile;
  try {
    cfg = parseConfigParser(text);
  } catch (error) {
    if (error instanceof ConfigParserError) throw invalid(error, error.line);
    throw error;
  }
  const sectionName = (name: string): string | undefined => (cfg.sections.includes(name) ? name : cfg.sections.find((s) => s.toUpperCase() === name));
  const setting = (section: string, key: string): string | undefined => {
    const found = sectionName(section);
    if (found === undefined) return undefined;
    let value: string | undefined;
    try {
      value = cfg.get(found, key);
    } catch (error) {
      if (error instanceof ConfigParserError) throw invalid(error, cfg.lineOf(found, key));
      throw error;
    }
    const unquoted = value === undefined ? undefined : withoutQuotes(value);
    return unquoted === '' ? undefined : unquoted;
  };
  const port = setting('CLUSTER', 'DB_PORT');
  if (port !== undefined && !/^\d+$/.test(port)) {
    throw new SparkdbtError('config-invalid', `dwh_cfg: ${file}: [CLUSTER] DB_PORT must be a whole number, got '${port}'`, { location: { file: absolute } });
  }
  const s3 = sectionName('S3');
  const vars =
    s3 === undefined
      ? []
      : cfg.keys(s3).flatMap((key) => {
          const value = setting('S3', key);
          return value === undefined ? [] : [[key, value] as const];
        });
  return {
    file: absolute,
    host: setting('CLUSTER', 'HOST'),
    database: setting('CLUSTER', 'DB_NAME'),
    user: setting('CLUSTER', 'DB_USER'),
    password: setting('CLUSTER', 'DB_PASSWORD'),
    port: port === undefined ? undefined : Number(port),
    iamRole: setting('IAM_ROLE', 'ARN'),
    vars: Object.fromEntries(vars),
  };
}

/** A value without one pair of surrounding matching quotes (configparser keeps them; the seed's SQL splices them in). */
function withoutQuotes(value: string): string {
  const first = value.charAt(0);
  return value.length >= 2 && (first === "'" || first === '"') && value.endsWith(first) ? value.slice(1, -1) : value;
}
