import { SparkdbtError } from '../errors.js';

/** A column's type as the COPY engine converts to it, told apart by `kind`. */
export type ColumnType =
  /** VARCHAR(n), CHARACTER VARYING(n), TEXT: `maxBytes` counts UTF-8 bytes, as Redshift does. */
  | { readonly kind: 'varchar'; readonly maxBytes: number }
  /** CHAR(n): single-byte characters only, at most `length` of them. */
  | { readonly kind: 'char'; readonly length: number }
  | { readonly kind: 'smallint' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'real' }
  | { readonly kind: 'double' }
  | { readonly kind: 'numeric'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'date' };

/** One column of a copy model: its name (folded as PostgreSQL folds it), type and type as written. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  /** The type exactly as written in the model, for messages and DDL. */
  readonly sqlType: string;
  /**
   * The column's DEFAULT expression as written (`_loaded_at timestamp default …`): such a column is
   * not loaded from the files but takes its default, as Redshift's COPY with an explicit column list.
   */
  readonly defaultExpr?: string;
}

/** The columns a COPY loads from the files: those without a DEFAULT, in their order. */
export function loadedColumns(columns: readonly ColumnSpec[]): ColumnSpec[] {
  return columns.filter((column) => column.defaultExpr === undefined);
}

/** Redshift's limits: VARCHAR up to 65535 bytes, CHAR up to 4096, NUMERIC precision up to 38. */
const MAX_VARCHAR = 65535;
const MAX_CHAR = 4096;
const MAX_PRECISION = 38;
/** Redshift stores TEXT and a VARCHAR without a length as VARCHAR(256). */
const DEFAULT_VARCHAR = 256;
/** Redshift's NUMERIC without precision is NUMERIC(18,0). */
const DEFAULT_PRECISION = 18;

interface RawColumn {
  readonly name: string;
  readonly typeText: string;
  readonly line: number;
}

/**
 * Parses the body of a copy model — `name type,` lines with `--` and block comments — into
 * column specs. Unquoted names fold to lower case; an unknown type is a config-invalid error at
 * `file:line`.
 */
export function parseColumnList(sql: string, file: string): ColumnSpec[] {
  const raws = splitColumns(sql, file);
  if (raws.length === 0) {
    throw new SparkdbtError('config-invalid', 'a copy model must list its columns, for example `ts bigint, artist varchar(256)`', {
      location: { file },
    });
  }
  const seen = new Set<string>();
  return raws.map((raw) => {
    if (seen.has(raw.name)) {
      throw new SparkdbtError('config-invalid', `column '${raw.name}' is listed twice`, { location: { file, line: raw.line } });
    }
    seen.add(raw.name);
    const { typeText, defaultExpr } = splitDefault(raw.typeText);
    if (defaultExpr === '') throw new SparkdbtError('config-invalid', `column '${raw.name}': DEFAULT needs an expression`, { location: { file, line: raw.line } });
    const type = parseColumnType(typeText);
    if (typeof type === 'string') {
      throw new SparkdbtError('config-invalid', `column '${raw.name}': ${type}`, {
        location: { file, line: raw.line },
        hint: 'types: varchar(n), char(n), text, smallint, integer, bigint, real, double precision, numeric(p,s), boolean, timestamp, date; a column may end in `default <expression>`',
      });
    }
    return defaultExpr === undefined ? { name: raw.name, type, sqlType: typeText } : { name: raw.name, type, sqlType: typeText, defaultExpr };
  });
}

/** A column's type text and its `default <expression>`, when it has one (`''`: DEFAULT without an expression). */
function splitDefault(text: string): { typeText: string; defaultExpr?: string } {
  const match = /\s+default(?:\s+|$)/i.exec(text);
  if (match === null) return { typeText: text };
  return { typeText: text.slice(0, match.index).trim(), defaultExpr: text.slice(match.index + match[0].length).trim() };
}

/** Parses one type as written (`varchar(256)`, `double precision`); a string is the error. */
export function parseColumnType(typeText: string): ColumnType | string {
  const text = typeText
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/\s*\(\s*/g, '(')
    .replace(/\s*,\s*/g, ',')
    .replace(/\s*\)/g, ')');
  const match = /^([a-z][a-z0-9 ]*?)(?:\((\d+|max)(?:,(\d+))?\))?$/.exec(text);
  if (!match) return `unknown type '${typeText.trim()}'`;
  const base = match[1] ?? '';
  const first = match[2];
  const second = match[3];
  const noArgs = first === undefined;
  const length = first === 'max' ? MAX_VARCHAR : first === undefined ? undefined : Number(first);
  switch (base) {
    case 'varchar':
    case 'character varying':
    case 'nvarchar':
    case 'text':
      if (second !== undefined || (base === 'text' && !noArgs)) return `unknown type '${typeText.trim()}'`;
      if (length !== undefined && (length < 1 || length > MAX_VARCHAR)) return `VARCHAR length must be 1 to ${MAX_VARCHAR} bytes`;
      return { kind: 'varchar', maxBytes: length ?? DEFAULT_VARCHAR };
    case 'char':
    case 'character':
    case 'nchar':
    case 'bpchar':
      if (second !== undefined || first === 'max') return `unknown type '${typeText.trim()}'`;
      if (length !== undefined && (length < 1 || length > MAX_CHAR)) return `CHAR length must be 1 to ${MAX_CHAR}`;
      return { kind: 'char', length: length ?? 1 };
    case 'numeric':
    case 'decimal': {
      if (first === 'max') return `unknown type '${typeText.trim()}'`;
      const precision = length ?? DEFAULT_PRECISION;
      const scale = second === undefined ? 0 : Number(second);
      if (precision < 1 || precision > MAX_PRECISION) return `NUMERIC precision must be 1 to ${MAX_PRECISION}`;
      if (scale > precision) return 'NUMERIC scale must not exceed its precision';
      return { kind: 'numeric', precision, scale };
    }
  }
  if (!noArgs) return `unknown type '${typeText.trim()}'`;
  const simple = SIMPLE_TYPES[base];
  return simple ?? `unknown type '${typeText.trim()}'`;
}

const SIMPLE_TYPES: Readonly<Record<string, ColumnType>> = {
  smallint: { kind: 'smallint' },
  int2: { kind: 'smallint' },
  integer: { kind: 'integer' },
  int: { kind: 'integer' },
  int4: { kind: 'integer' },
  bigint: { kind: 'bigint' },
  int8: { kind: 'bigint' },
  real: { kind: 'real' },
  float4: { kind: 'real' },
  'double precision': { kind: 'double' },
  float8: { kind: 'double' },
  float: { kind: 'double' },
  boolean: { kind: 'boolean' },
  bool: { kind: 'boolean' },
  timestamp: { kind: 'timestamp' },
  'timestamp without time zone': { kind: 'timestamp' },
  date: { kind: 'date' },
};

/** Splits the body on top-level commas, dropping comments, and reads each item's name. */
function splitColumns(sql: string, file: string): RawColumn[] {
  const items: Array<{ text: string; line: number }> = [];
  let current = '';
  let currentLine = 0;
  let line = 1;
  let depth = 0;
  let i = 0;
  const flush = () => {
    if (current.trim() !== '') items.push({ text: current.trim(), line: currentLine });
    current = '';
    currentLine = 0;
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      for (let j = i; j < stop; j++) if (sql[j] === '\n') line++;
      current += ' ';
      i = stop;
      continue;
    }
    if (ch === '\n') line++;
    if (currentLine === 0 && !/\s/.test(ch)) currentLine = line;
    if (ch === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === '"' && sql[j + 1] !== '"')) j += sql[j] === '"' ? 2 : 1;
      current += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === "'") {
      // A string literal (a DEFAULT's): commas and parentheses in it are text; '' is a quote.
      let j = i + 1;
      while (j < sql.length && !(sql[j] === "'" && sql[j + 1] !== "'")) j += sql[j] === "'" ? 2 : 1;
      for (let k = i; k <= j && k < sql.length; k++) if (sql[k] === '\n') line++;
      current += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      flush();
      i++;
      continue;
    }
    if (ch === ';' && depth === 0 && sql.slice(i + 1).trim() === '') break;
    current += ch;
    i++;
  }
  flush();
  return items.map((item) => readName(item.text, item.line, file));
}

function readName(text: string, line: number, file: string): RawColumn {
  if (text.startsWith('"')) {
    let j = 1;
    let name = '';
    while (j < text.length) {
      if (text[j] === '"' && text[j + 1] === '"') {
        name += '"';
        j += 2;
        continue;
      }
      if (text[j] === '"') break;
      name += text[j];
      j++;
    }
    if (j >= text.length) throw new SparkdbtError('config-invalid', `unterminated quoted column name ${text}`, { location: { file, line } });
    return { name, typeText: text.slice(j + 1).trim(), line };
  }
  const match = /^([A-Za-z_][A-Za-z0-9_$]*)\s*([\s\S]*)$/.exec(text);
  if (!match) throw new SparkdbtError('config-invalid', `expected a column name, found '${text.split('\n')[0]}'`, { location: { file, line } });
  const typeText = (match[2] ?? '').trim();
  if (typeText === '') {
    throw new SparkdbtError('config-invalid', `column '${match[1]}' has no type`, { location: { file, line } });
  }
  return { name: (match[1] ?? '').toLowerCase(), typeText, line };
}
