/**
 * An exact reader of the files Python's `configparser.ConfigParser()` reads, with its defaults:
 * `=` and `:` delimiters, full-line `#` and `;` comments and no inline comments, keys lower-cased,
 * section names as written, indented continuation lines (blank lines kept inside a value), a
 * DEFAULT section, strict duplicates, and BasicInterpolation (`%%`, `%(name)s`) when a value is got.
 */

/** Python's configparser exception a problem corresponds to (the golden tests compare these names). */
export type ConfigParserErrorKind =
  | 'MissingSectionHeaderError'
  | 'ParsingError'
  | 'DuplicateSectionError'
  | 'DuplicateOptionError'
  | 'InterpolationSyntaxError'
  | 'InterpolationMissingOptionError'
  | 'InterpolationDepthError';

/** A configparser failure; its message never repeats a value (values may be passwords). */
export class ConfigParserError extends Error {
  constructor(
    readonly kind: ConfigParserErrorKind,
    message: string,
    /** The 1-based line the problem is on, when it is a reading problem. */
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ConfigParserError';
  }
}

/** A file as read: raw (uninterpolated) values by section, and the DEFAULT section's. */
export interface ConfigParserFile {
  /** Section names in file order (DEFAULT excluded, as `sections()` returns them). */
  readonly sections: readonly string[];
  /** The keys a section has, DEFAULT's included after its own, as `config[section]` iterates them. */
  keys(section: string): readonly string[];
  /** The line a key's value starts on, in the section itself or in DEFAULT. */
  lineOf(section: string, key: string): number | undefined;
  /** `config.get(section, key)`: undefined for a key the section lacks; interpolation errors throw. */
  get(section: string, key: string): string | undefined;
}

const DEFAULT_SECTION = 'DEFAULT';
const MAX_INTERPOLATION_DEPTH = 10;
/** Python's `str.isspace()` characters, which `strip()` and `\s` (in str patterns) use. */
const PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');
const RSTRIP = new RegExp(`[${PY_SPACE}]+$`);
const NON_SPACE = new RegExp(`[^${PY_SPACE}]`);
const SECTION = /^\[([^\n]+)\]/;
const OPTION = new RegExp(`^([^\\n]*?)[${PY_SPACE}]*(=|:)[${PY_SPACE}]*([^\\n]*)$`);
const KEY_REFERENCE = /^%\(([^)]+)\)s/;

const strip = (text: string) => text.replace(STRIP, '');
const optionxform = (key: string) => key.toLowerCase();

interface Entry {
  readonly line: number;
  readonly parts: string[];
}

/** Reads configparser text (as `read_string`); a reading problem throws a ConfigParserError. */
export function parseConfigParser(text: string): ConfigParserFile {
  const defaults = new Map<string, Entry>();
  const sections = new Map<string, Map<string, Entry>>();
  const added = new Set<string>();
  let current: Map<string, Entry> | undefined;
  let sectionName: string | undefined;
  let option: string | undefined;
  let indentLevel = 0;
  const badLines: number[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  for (const [i, line] of lines.entries()) {
    const lineno = i + 1;
    const stripped = strip(line);
    const comment = stripped.startsWith('#') || stripped.startsWith(';');
    const value = comment ? '' : stripped;
    if (value === '') {
      // empty_lines_in_values: a blank line (not a comment) belongs to the value being read.
      if (!comment && current !== undefined && option) current.get(option)?.parts.push('');
      continue;
    }
    const indent = NON_SPACE.exec(line)?.index ?? 0;
    if (current !== undefined && option && indent > indentLevel) {
      current.get(option)!.parts.push(value);
      continue;
    }
    indentLevel = indent;
    const header = SECTION.exec(value);
    if (header) {
      const name = header[1]!;
      if (sections.has(name)) {
        throw new ConfigParserError('DuplicateSectionError', `section [${name}] appears twice`, lineno);
      } else if (name === DEFAULT_SECTION) {
        current = defaults;
      } else {
        current = new Map();
        sections.set(name, current);
      }
      sectionName = name;
      option = undefined;
      continue;
    }
    if (current === undefined) throw new ConfigParserError('MissingSectionHeaderError', 'a setting before any [section] header', lineno);
    const match = OPTION.exec(value);
    if (!match) {
      badLines.push(lineno);
      continue;
    }
    if (match[1] === '') badLines.push(lineno);
    option = optionxform(match[1]!.replace(RSTRIP, ''));
    const id = JSON.stringify([sectionName, option]);
    if (added.has(id)) throw new ConfigParserError('DuplicateOptionError', `key '${option}' appears twice in section [${sectionName}]`, lineno);
    added.add(id);
    current.set(option, { line: lineno, parts: [strip(match[3]!)] });
  }
  if (badLines.length > 0) {
    const where = badLines.map(String).join(', ');
    throw new ConfigParserError('ParsingError', `line${badLines.length === 1 ? '' : 's'} ${where}: neither a [section] header nor a key = value setting`, badLines[0]);
  }
  const joined = (entries: Map<string, Entry>) => new Map([...entries].map(([key, entry]) => [key, entry.parts.join('\n').replace(RSTRIP, '')]));
  const defaultValues = joined(defaults);
  const sectionValues = new Map([...sections].map(([name, entries]) => [name, joined(entries)]));
  const scope = (section: string): Map<string, string> | undefined => {
    if (section === DEFAULT_SECTION) return defaultValues;
    const own = sectionValues.get(section);
    return own === undefined ? undefined : new Map([...defaultValues, ...own]);
  };
  return {
    sections: [...sections.keys()],
    keys: (section) => {
      const own = section === DEFAULT_SECTION ? [] : [...(sectionValues.get(section)?.keys() ?? [])];
      return sectionValues.has(section) || section === DEFAULT_SECTION ? [...own, ...[...defaultValues.keys()].filter((k) => !own.includes(k))] : [];
    },
    lineOf: (section, key) => (sections.get(section)?.get(optionxform(key)) ?? defaults.get(optionxform(key)))?.line,
    get: (section, key) => {
      const values = scope(section);
      const raw = values?.get(optionxform(key));
      return values === undefined || raw === undefined ? undefined : interpolate(raw, values, section, optionxform(key));
    },
  };
}

/** BasicInterpolation's `before_get`: `%%` is `%`, `%(name)s` the value of name (lower-cased) in the same scope. */
function interpolate(raw: string, values: ReadonlyMap<string, string>, section: string, option: string): string {
  const out: string[] = [];
  const expand = (rest: string, depth: number): void => {
    if (depth > MAX_INTERPOLATION_DEPTH) {
      throw new ConfigParserError('InterpolationDepthError', `[${section}] ${option}: %(…)s references nest more than ${MAX_INTERPOLATION_DEPTH} deep (a reference cycle?)`);
    }
    while (rest !== '') {
      const p = rest.indexOf('%');
      if (p < 0) {
        out.push(rest);
        return;
      }
      out.push(rest.slice(0, p));
      rest = rest.slice(p);
      const next = rest.charAt(1);
      if (next === '%') {
        out.push('%');
        rest = rest.slice(2);
      } else if (next === '(') {
        const match = KEY_REFERENCE.exec(rest);
        if (!match) throw new ConfigParserError('InterpolationSyntaxError', `[${section}] ${option}: bad interpolation variable reference (write %(name)s, or %% for a literal %)`);
        const name = optionxform(match[1]!);
        rest = rest.slice(match[0].length);
        const value = values.get(name);
        if (value === undefined) {
          throw new ConfigParserError('InterpolationMissingOptionError', `[${section}] ${option}: %(${name})s names no key of [${section}] or [DEFAULT]`);
        }
        if (value.includes('%')) expand(value, depth + 1);
        else out.push(value);
      } else {
        throw new ConfigParserError('InterpolationSyntaxError', `[${section}] ${option}: '%' must be followed by '%' or '(' (write %% for a literal %)`);
      }
    }
  };
  expand(raw, 1);
  return out.join('');
}
