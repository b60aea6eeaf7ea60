import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TemplateRenderer } from '../../src/compile/template.js';

/** Templates rendered by Python's Jinja2 in dbt's environment (scripts/jinja-golden.py): sparkdbt must print the same bytes. */
interface ParityCase {
  readonly name: string;
  readonly template: string;
  readonly context?: Record<string, unknown>;
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
    expect(renderer.render(`${parityCase.name}.sql`, parityCase.template, undefined, context)).toBe(expected[parityCase.name]);
  });
});
