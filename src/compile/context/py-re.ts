import { PYTHON_REPR, pythonRepr, pythonTuple } from '../../core/python-values.js';
import { splitArguments } from '../python-methods.js';

/**
 * Python's re module as dbt's `modules.re` exposes it: match, search, fullmatch, findall,
 * finditer, sub, subn, split, compile, escape and the flags, on JavaScript's RegExp. Python's
 * syntax is translated where it differs (`(?P<name>…)`, `(?P=name)`, `\A`, `\Z`, inline flags
 * `(?i)` at the start); `\g<name>` and `\1` in replacements; what cannot be translated is an error.
 */

const FLAGS = { IGNORECASE: 2, I: 2, MULTILINE: 8, M: 8, DOTALL: 16, S: 16, VERBOSE: 64, X: 64, ASCII: 256, A: 256, UNICODE: 32, U: 32 } as const;

function fail(message: string): never {
  throw new Error(`modules.re: ${message}`);
}

/** Python's pattern and flags as a JavaScript RegExp source and flags. */
function translate(pattern: string, flags: number): { source: string; flags: string } {
  let source = pattern;
  let bits = flags;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    for (const ch of inline[1]!) bits |= ch === 'i' ? 2 : ch === 'm' ? 8 : ch === 's' ? 16 : ch === 'x' ? 64 : 0;
    source = source.slice(inline[0].length);
  }
  if (bits & 64) {
    // VERBOSE: whitespace and # comments outside classes are ignored.
    let out = '';
    let inClass = false;
    for (let i = 0; i < source.length; i++) {
      const ch = source[i]!;
      if (ch === '\\') {
        out += ch + (source[++i] ?? '');
        continue;
      }
      if (inClass) {
        if (ch === ']') inClass = false;
        out += ch;
        continue;
      }
      if (ch === '[') inClass = true;
      if (/\s/.test(ch)) continue;
      if (ch === '#') {
        while (i < source.length && source[i] !== '\n') i++;
        continue;
      }
      out += ch;
    }
    source = out;
  }
  source = source
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$(?![\\s\\S])');
  if (/\(\?[aiLmsux]+[:)]/.test(source)) fail(`inline flags inside the pattern are not supported by sparkdbt: pass flags (re.IGNORECASE) instead: ${pattern}`);
  return { source, flags: `${bits & 2 ? 'i' : ''}${bits & 8 ? 'm' : ''}${bits & 16 ? 's' : ''}u` };
}

/** Python's re.Match. */
export class PyMatch {
  constructor(
    private readonly m: RegExpExecArray,
    readonly string: string,
    readonly re: PyPattern,
  ) {}
  group(...args: unknown[]): unknown {
    const which = splitArguments(args).positional;
    if (which.length <= 1) return this.one(which[0] ?? 0);
    return pythonTuple(which.map((w) => this.one(w)));
  }
  groups(fallback: unknown = null): unknown[] {
    return pythonTuple(this.m.slice(1).map((g) => g ?? fallback));
  }
  groupdict(fallback: unknown = null): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.m.groups ?? {}).map(([k, v]) => [k, v ?? fallback]));
  }
  start(group: unknown = 0): number {
    return group === 0 ? this.m.index : this.string.indexOf(String(this.one(group)), this.m.index);
  }
  end(group: unknown = 0): number {
    return group === 0 ? this.m.index + this.m[0].length : this.start(group) + String(this.one(group)).length;
  }
  span(group: unknown = 0): unknown[] {
    return pythonTuple([this.start(group), this.end(group)]);
  }
  get lastindex(): number | null {
    const last = this.m.slice(1).findLastIndex((g) => g !== undefined);
    return last < 0 ? null : last + 1;
  }
  private one(which: unknown): string | null {
    const value = typeof which === 'number' ? this.m[which] : this.m.groups?.[String(which)];
    if (typeof which === 'number' && which >= this.m.length) fail('no such group');
    if (typeof which !== 'number' && !(String(which) in (this.m.groups ?? {}))) fail('no such group');
    return value ?? null;
  }
  toString(): string {
    return this[PYTHON_REPR]();
  }
  [PYTHON_REPR](): string {
    return `<re.Match object; span=(${this.m.index}, ${this.m.index + this.m[0].length}), match=${pythonRepr(this.m[0])}>`;
  }
}

/** Python's re.Pattern (what re.compile gives). */
export class PyPattern {
  private readonly source: string;
  private readonly jsFlags: string;
  constructor(
    readonly pattern: string,
    readonly flags: number,
  ) {
    const t = translate(pattern, flags);
    this.source = t.source;
    this.jsFlags = t.flags;
    try {
      new RegExp(this.source, this.jsFlags);
    } catch (error) {
      fail(`the pattern ${pythonRepr(pattern)} is not one sparkdbt can translate (${(error as Error).message})`);
    }
  }
  get groups(): number {
    return new RegExp(`${this.source}|`, this.jsFlags).exec('')!.length - 1;
  }
  private regex(extra: string): RegExp {
    return new RegExp(this.source, this.jsFlags + extra);
  }
  match(text: unknown): PyMatch | null {
    const re = this.regex('y');
    const m = re.exec(String(text));
    return m ? new PyMatch(m, String(text), this) : null;
  }
  fullmatch(text: unknown): PyMatch | null {
    const s = String(text);
    const re = new RegExp(`(?:${this.source})$(?![\\s\\S])`, this.jsFlags.replace('m', '') + 'y');
    const m = re.exec(s);
    return m ? new PyMatch(m, s, this) : null;
  }
  search(text: unknown): PyMatch | null {
    const m = this.regex('').exec(String(text));
    return m ? new PyMatch(m, String(text), this) : null;
  }
  finditer(text: unknown): PyMatch[] {
    const s = String(text);
    return [...s.matchAll(this.regex('g'))].map((m) => new PyMatch(m as RegExpExecArray, s, this));
  }
  findall(text: unknown): unknown[] {
    return this.finditer(text).map((m) => {
      const groups = m.groups('');
      return groups.length === 0 ? m.group(0) : groups.length === 1 ? groups[0] : groups;
    });
  }
  split(text: unknown, maxsplit: unknown = 0): unknown[] {
    const s = String(text);
    const out: unknown[] = [];
    let last = 0;
    let count = 0;
    for (const m of this.finditer(s)) {
      if (Number(maxsplit) > 0 && count >= Number(maxsplit)) break;
      out.push(s.slice(last, m.start()), ...m.groups());
      last = m.end();
      count++;
    }
    out.push(s.slice(last));
    return out;
  }
  subn(repl: unknown, text: unknown, count: unknown = 0): unknown[] {
    const s = String(text);
    let n = 0;
    let out = '';
    let last = 0;
    for (const m of this.finditer(s)) {
      if (Number(count) > 0 && n >= Number(count)) break;
      out += s.slice(last, m.start()) + (typeof repl === 'function' ? String(repl(m) as string) : expand(String(repl), m));
      last = m.end();
      n++;
    }
    return pythonTuple([out + s.slice(last), n]);
  }
  sub(repl: unknown, text: unknown, count: unknown = 0): string {
    return this.subn(repl, text, count)[0] as string;
  }
  toString(): string {
    return this[PYTHON_REPR]();
  }
  [PYTHON_REPR](): string {
    return `re.compile(${pythonRepr(this.pattern)})`;
  }
}

/** A Python replacement template: `\1`, `\g<1>`, `\g<name>`, `\n` and `\\`. */
function expand(template: string, m: PyMatch): string {
  return template.replace(/\\(g<([^>]+)>|\d{1,2}|n|t|\\)/g, (_whole, what: string, name: string | undefined) => {
    if (name !== undefined) return String(m.group(/^\d+$/.test(name) ? Number(name) : name) ?? '');
    if (what === 'n') return '\n';
    if (what === 't') return '\t';
    if (what === '\\') return '\\';
    return String(m.group(Number(what)) ?? '');
  });
}

function flagsOf(value: unknown): number {
  return value === undefined || value === null ? 0 : Number(value);
}

/** A function of the module: a pattern (string or compiled) first, flags last or as `flags=`. */
function moduleFunction(arity: number, call: (p: PyPattern, rest: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return (...args: unknown[]) => {
    const { positional, keywords } = splitArguments(args);
    const [pattern, ...rest] = positional;
    const flags = flagsOf(keywords['flags'] ?? (rest.length > arity ? rest[arity] : undefined));
    const compiled = pattern instanceof PyPattern ? pattern : new PyPattern(String(pattern), flags);
    const named = ['count', 'maxsplit'].filter((k) => k in keywords).map((k) => keywords[k]);
    return call(compiled, [...rest.slice(0, arity), ...named]);
  };
}

/** dbt's `modules.re`. */
export function reModule(): Record<string, unknown> {
  return {
    ...FLAGS,
    compile: (...args: unknown[]) => {
      const { positional, keywords } = splitArguments(args);
      return new PyPattern(String(positional[0]), flagsOf(positional[1] ?? keywords['flags']));
    },
    match: moduleFunction(1, (p, [s]) => p.match(s)),
    fullmatch: moduleFunction(1, (p, [s]) => p.fullmatch(s)),
    search: moduleFunction(1, (p, [s]) => p.search(s)),
    findall: moduleFunction(1, (p, [s]) => p.findall(s)),
    finditer: moduleFunction(1, (p, [s]) => p.finditer(s)),
    split: moduleFunction(2, (p, [s, max]) => p.split(s, max ?? 0)),
    sub: moduleFunction(3, (p, [repl, s, count]) => p.sub(repl, s, count ?? 0)),
    subn: moduleFunction(3, (p, [repl, s, count]) => p.subn(repl, s, count ?? 0)),
    // Python 3.7's re.escape: only the characters special in a pattern.
    escape: (text: unknown) => String(text).replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (ch) => `\\${ch}`),
    Pattern: PyPattern,
    Match: PyMatch,
  };
}
