import { SparkdbtError, closestNames } from '../errors.js';

/** How JSON fields map to columns: by name (`'auto'`, `'auto ignorecase'`) or by a JSONPaths file. */
export type JsonMapping = { readonly kind: 'auto'; readonly ignoreCase: boolean } | { readonly kind: 'jsonpaths'; readonly path: string };

/** Redshift's TIMEFORMAT keywords; `undefined` is the default `YYYY-MM-DD HH:MI:SS`. */
export type TimeFormat = 'epochmillisecs' | 'epochsecs' | 'auto' | undefined;

/** A copy model's COPY parameters, validated, with Redshift's defaults filled in. */
export interface CopyOptions {
  /** A local folder, file or path prefix, a `file://` URL, or `s3://bucket/prefix`. */
  readonly from: string;
  readonly json: JsonMapping;
  readonly timeformat: TimeFormat;
  readonly truncatecolumns: boolean;
  readonly blanksasnull: boolean;
  readonly emptyasnull: boolean;
  /** The replacement character for invalid UTF-8, or `undefined` when invalid UTF-8 is rejected. */
  readonly acceptinvchars: string | undefined;
  /** Redshift's MAXERROR: the load fails once this many records (at least 1) are rejected. */
  readonly maxerror: number;
  readonly gzip: boolean;
  /** `from` names a manifest file listing the data files. */
  readonly manifest: boolean;
  readonly region: string | undefined;
  readonly iam_role: string | undefined;
  readonly compupdate: boolean | 'preset' | undefined;
  readonly statupdate: boolean | undefined;
  /**
   * sparkdbt's own option: load only the files this model has not loaded before (kept in the
   * load-history table), appending to the existing table; not a Redshift COPY parameter.
   */
  readonly newfilesonly: boolean;
  /** With newfilesonly: a file whose content changed since it was loaded reloads the table from every file, instead of failing. */
  readonly reloadchanged: boolean;
}

/** The option names this engine understands (Redshift's, lower case). */
export const COPY_OPTION_KEYS = [
  'from',
  'json',
  'timeformat',
  'truncatecolumns',
  'blanksasnull',
  'emptyasnull',
  'acceptinvchars',
  'maxerror',
  'gzip',
  'manifest',
  'region',
  'iam_role',
  'compupdate',
  'statupdate',
  'newfilesonly',
  'reloadchanged',
] as const;

/** Redshift COPY parameters that a JSON copy model may not use here, and why. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  dateformat: 'only the default DATEFORMAT (YYYY-MM-DD) is supported',
  csv: 'copy models load JSON',
  delimiter: 'copy models load JSON',
  fixedwidth: 'copy models load JSON',
  avro: 'copy models load JSON',
  parquet: 'copy models load JSON',
  orc: 'copy models load JSON',
  format: 'copy models load JSON',
  bzip2: 'only gzip compression is supported',
  lzop: 'only gzip compression is supported',
  zstd: 'only gzip compression is supported',
  ignoreheader: 'not supported with JSON',
  ignoreblanklines: 'not supported with JSON',
  fillrecord: 'not supported with JSON',
  null_as: 'not supported with JSON',
  removequotes: 'not supported with JSON',
  escape: 'not supported with JSON',
  trimblanks: 'not supported by the local COPY engine',
  roundec: 'not supported by the local COPY engine',
  acceptanydate: 'not supported by the local COPY engine',
  explicit_ids: 'not supported by the local COPY engine',
  compression: 'not a Redshift COPY option; for gzip-compressed files write gzip=true',
  encoding: 'only UTF-8 input is supported',
  ignoreallerrors: 'use maxerror',
  noload: 'not supported by the local COPY engine',
  credentials: 'use iam_role',
  access_key_id: 'use iam_role',
  secret_access_key: 'use iam_role',
};

/** The config keys a copy model takes besides its COPY options: the model's own and its table layout. */
export const COPY_MODEL_KEYS: readonly string[] = ['materialized', 'tags', 'enabled', 'schema', 'alias', 'meta', 'docs', 'description', 'group', 'dist', 'sort', 'sort_type'];

/** Why `key` is not a COPY option this engine takes (a misspelling, an unsupported or unknown option), or undefined when it is one. */
export function copyOptionProblem(key: string): string | undefined {
  if ((COPY_OPTION_KEYS as readonly string[]).includes(key)) return undefined;
  const lower = key.toLowerCase();
  if ((COPY_OPTION_KEYS as readonly string[]).includes(lower)) return `write the option in lower case: '${lower}'`;
  const unsupported = UNSUPPORTED[lower];
  if (unsupported !== undefined) return unsupported;
  const close = closestNames(key, COPY_OPTION_KEYS, 1).filter((name) => !name.includes(key) || key.length >= 4);
  return close.length > 0 ? `unknown COPY option; did you mean '${close[0]}'?` : 'unknown COPY option';
}

/** Redshift's MAXERROR limit. */
const MAX_MAXERROR = 100000;

/**
 * Validates a copy model's config (Redshift option names, lower case) into CopyOptions. Every
 * problem names its key; all of them are reported in one config-invalid error for `modelPath`.
 * A key that is neither a COPY option nor one of COPY_MODEL_KEYS is an error, never ignored.
 */
export function normalizeCopyOptions(config: Record<string, unknown>, modelPath: string): CopyOptions {
  const found: Array<{ key: string; message: string }> = [];
  const problem = (key: string, message: string) => found.push({ key, message });

  for (const key of Object.keys(config)) {
    if (COPY_MODEL_KEYS.includes(key)) continue;
    const reason = copyOptionProblem(key);
    if (reason !== undefined) problem(key, reason);
  }

  const from = config['from'];
  if (typeof from !== 'string' || from.trim() === '') problem('from', "must name the data: a folder, a file, a 'file://' URL or an 's3://' prefix");

  const json = readJson(config['json'], problem);
  const timeformat = readTimeformat(config['timeformat'], problem);
  const flag = (key: string, fallback = false): boolean => {
    const value = readBoolean(config[key]);
    if (value === 'invalid') {
      problem(key, 'must be true or false');
      return fallback;
    }
    return value ?? fallback;
  };
  const acceptinvchars = readAcceptInvChars(config['acceptinvchars'], problem);
  const maxerror = readMaxError(config['maxerror'], problem);
  const optionalString = (key: string): string | undefined => {
    const value = config[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' && value.trim() !== '') return value;
    problem(key, 'must be a non-empty string');
    return undefined;
  };
  const compupdateRaw = config['compupdate'];
  let compupdate: boolean | 'preset' | undefined;
  if (typeof compupdateRaw === 'string' && compupdateRaw.toLowerCase() === 'preset') compupdate = 'preset';
  else {
    const value = readBoolean(compupdateRaw);
    if (value === 'invalid') problem('compupdate', 'must be on, off or preset');
    else compupdate = value;
  }
  const statupdateValue = readBoolean(config['statupdate']);
  if (statupdateValue === 'invalid') problem('statupdate', 'must be on or off');

  const options: CopyOptions = {
    from: typeof from === 'string' ? from.trim() : '',
    json,
    timeformat,
    truncatecolumns: flag('truncatecolumns'),
    blanksasnull: flag('blanksasnull'),
    emptyasnull: flag('emptyasnull'),
    acceptinvchars,
    maxerror,
    gzip: flag('gzip'),
    manifest: flag('manifest'),
    region: optionalString('region'),
    iam_role: optionalString('iam_role'),
    compupdate,
    statupdate: statupdateValue === 'invalid' ? undefined : statupdateValue,
    newfilesonly: flag('newfilesonly'),
    reloadchanged: flag('reloadchanged'),
  };
  if (options.reloadchanged && !options.newfilesonly) problem('reloadchanged', 'needs newfilesonly=true (without it every run loads every file anyway)');
  if (options.newfilesonly && options.manifest) problem('newfilesonly', 'lists the source itself: name a folder or prefix in from, not a manifest');
  // Unknown keys first, then the options in their documented order.
  const rank = (key: string) => (COPY_OPTION_KEYS as readonly string[]).indexOf(key);
  const problems = found.sort((a, b) => rank(a.key) - rank(b.key)).map((p) => `${p.key}: ${p.message}`);
  if (problems.length > 0) {
    const message = problems.length === 1 ? `invalid COPY option ${problems[0]}` : `invalid COPY options:\n  ${problems.join('\n  ')}`;
    throw new SparkdbtError('config-invalid', message, {
      location: { file: modelPath },
      hint: `COPY options: ${COPY_OPTION_KEYS.join(', ')}`,
    });
  }
  return options;
}

type Problem = (key: string, message: string) => void;

function readJson(value: unknown, problem: Problem): JsonMapping {
  if (value === undefined || value === null) return { kind: 'auto', ignoreCase: false };
  if (typeof value !== 'string' || value.trim() === '') {
    problem('json', "must be 'auto', 'auto ignorecase' or the path of a JSONPaths file");
    return { kind: 'auto', ignoreCase: false };
  }
  const text = value.trim();
  if (text === 'auto') return { kind: 'auto', ignoreCase: false };
  if (text.replace(/\s+/g, ' ') === 'auto ignorecase') return { kind: 'auto', ignoreCase: true };
  if (/^auto(\s|$)/i.test(text)) {
    problem('json', `'${text}' is not an option; write 'auto' or 'auto ignorecase' (the keywords are case-sensitive)`);
    return { kind: 'auto', ignoreCase: false };
  }
  return { kind: 'jsonpaths', path: text };
}

function readTimeformat(value: unknown, problem: Problem): TimeFormat {
  if (value === undefined || value === null) return undefined;
  if (value === 'epochmillisecs' || value === 'epochsecs' || value === 'auto') return value;
  if (typeof value === 'string' && value.trim().toUpperCase() === 'YYYY-MM-DD HH:MI:SS') return undefined;
  problem('timeformat', "must be 'epochmillisecs', 'epochsecs' or 'auto' (case-sensitive); other format strings are not supported");
  return undefined;
}

function readAcceptInvChars(value: unknown, problem: Problem): string | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return '?';
  if (typeof value === 'string' && value.length === 1 && value.charCodeAt(0) > 0 && value.charCodeAt(0) < 128) return value;
  problem('acceptinvchars', 'must be true or a single ASCII replacement character other than NUL');
  return undefined;
}

function readMaxError(value: unknown, problem: Problem): number {
  if (value === undefined || value === null) return 0;
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= 0 && number <= MAX_MAXERROR) return number;
  problem('maxerror', `must be a whole number from 0 to ${MAX_MAXERROR}`);
  return 0;
}

/** Booleans as YAML or SQL config may write them: true/false, on/off, 'true'/'false'. */
function readBoolean(value: unknown): boolean | undefined | 'invalid' {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true' || text === 'on') return true;
    if (text === 'false' || text === 'off') return false;
  }
  return 'invalid';
}
