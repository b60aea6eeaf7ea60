import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TemplateRenderer, type ModelHooks } from '../../src/compile/template.js';
import { Relation, thisContext } from '../../src/core/relation.js';

/** Templates rendered by Python's Jinja2 in dbt's environment (scripts/jinja-golden.py): sparkdbt must print the same bytes. */
interface ParityCase {
  readonly name: string;
  readonly template: string;
  readonly context?: Record<string, unknown>;
  /** `this`: a relation as dbt's (the golden script's Relation). */
  readonly this?: { readonly database: string; readonly schema: string; readonly identifier: string };
  /** The node's final config, which `config.get`/`config.require` read. */
  readonly config?: Record<string, unknown>;
}

/** A case's `this` and `config` as the renderer takes them (a model being compiled). */
function caseHooks(parityCase: ParityCase): ModelHooks | undefined {
  const self = parityCase.this;
  if (self === undefined) return undefined;
  const quote = (name: string) => `"${name}"`;
  return {
    ref: (name) => name,
    source: (s, t) => `${s}.${t}`,
    config: () => undefined,
    self: thisContext(new Relation(self.schema, self.identifier, quote), self.database),
    node: { uniqueId: `model.p.${self.identifier}`, resourceType: 'model', name: self.identifier, path: `models/${self.identifier}.sql`, config: parityCase.config ?? {} },
  };
}

const folder = new URL('../fixtures/jinja-parity/', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('cases.json', folder), 'utf8')) as ParityCase[];
const expected = JSON.parse(readFileSync(new URL('expected.json', folder), 'utf8')) as Record<string, string>;

describe('Jinja2 parity corpus', () => {
  it('has a golden output for every case, and at least 150 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(Object.keys(expected).sort()).toEqual(cases.map((c) => c.name).sort());
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s renders as Jinja2 renders it', (_name, parityCase) => {
    // Each case gets a fresh copy of its context: templates may change it (`cols.append`).
    const context = structuredClone(parityCase.context ?? {});
    const renderer = new TemplateRenderer({ target: {}, vars: {}, env: {} }, []);
    expect(renderer.render(`${parityCase.name}.sql`, parityCase.template, caseHooks(parityCase), context)).toBe(expected[parityCase.name]);
  });
});

describe('Jinja2 constructs sparkdbt cannot render as Jinja2 does', () => {
  // Each is an error naming what is missing, never a different rendering.
  it.each([
    ['{% macro m() %}{{ varargs }}{% endmacro %}{{ m(1, 2) }}', "varargs (a macro's extra arguments in Jinja2) is not supported by sparkdbt"],
    ['{% macro m() %}{{ kwargs }}{% endmacro %}{{ m(a=1) }}', "kwargs (a macro's extra arguments in Jinja2) is not supported by sparkdbt"],
    ['{% for x in [1] %}{{ loop.previtem }}{% endfor %}', 'loop.previtem is not supported by sparkdbt'],
    ['{% for x in [1] %}{{ loop.changed(x) }}{% endfor %}', 'loop.changed is not supported by sparkdbt'],
    ['{% set d = {} %}{% set d.x = 1 %}', "cannot assign attribute 'x' on a value that is not a namespace()"],
    ['{% set a, b = [1, 2, 3] %}', 'cannot unpack 3 values into 2 names'],
    ["{{ '%s %s' % ('a',) }}", 'not enough arguments for format string'],
    ["{{ '%s' % ('a', 'b') }}", 'not all arguments converted during string formatting'],
    ["{{ '%d' % 'x' }}", '%d format: a real number is required, not str'],
    ['{{ [].pop() }}', 'pop from empty list'],
    ["{{ {'a': {}} }}", 'unexpected token: }}'],
  ])('%s', (template, message) => {
    const renderer = new TemplateRenderer({ target: {}, vars: {}, env: {} }, []);
    expect(() => renderer.render('m.sql', template)).toThrow(message);
  });
});

describe("sparkdbt's own objects beside Python's methods", () => {
  it("calls a function an object holds before a dict method of the same name (a config object's get)", () => {
    const renderer = new TemplateRenderer({ target: {}, vars: {}, env: {} }, []);
    const config = { get: (key: string) => `got ${key}` };
    expect(renderer.render('m.sql', "{{ config.get('x') }} {{ {'get': 1}.get('get') }}", undefined, { config })).toBe('got x 1');
  });
});
