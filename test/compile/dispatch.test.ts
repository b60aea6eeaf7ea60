import { describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import type { TargetType } from '../../src/core/target.js';
import { dispatchCandidates, searchPackages } from '../../src/compile/dispatch.js';
import { TemplateRenderer } from '../../src/compile/template.js';

// adapter.dispatch as dbt-core resolves it (core/dbt/context/providers.py, BaseDatabaseWrapper:
// _get_adapter_macro_prefixes = get_adapter_type_names(type) + ['default'], _get_search_packages, and
// dispatch's loop: for each package searched, for each prefix, `<prefix>__<name>`). dbt-redshift's
// plugin depends on dbt-postgres, so get_adapter_type_names('redshift') is ['redshift', 'postgres'];
// PGlite is PostgreSQL, so sparkdbt's pglite adapter inherits from postgres the same way.

/** A root project whose macro file defines `<prefix>__m` for each prefix given, each rendering its own name. */
function render(type: TargetType, prefixes: readonly string[], call: string, searchOrder?: Record<string, string[]>): string {
  const sql = prefixes.map((p) => `{% macro ${p}__m() %}${p}__m{% endmacro %}`).join('\n');
  const renderer = new TemplateRenderer(
    { target: { name: 't', type }, vars: {}, env: {}, dispatchChain: dialectFor(type).dispatchChain, projectName: 'shop', dispatchSearchOrder: searchOrder },
    [{ path: 'macros/m.sql', sql }],
  );
  return renderer.render('models/x.sql', call).trim();
}

describe('the adapter chain of each dialect', () => {
  it.each([
    ['pglite', ['pglite', 'postgres', 'default']],
    ['postgres', ['postgres', 'default']],
    ['redshift', ['redshift', 'postgres', 'default']],
  ] as const)('%s: %j', (type, chain) => {
    expect(dialectFor(type).dispatchChain).toEqual(chain);
  });
});

describe('adapter.dispatch: (target, implementations in the project) -> the implementation dbt picks', () => {
  it.each([
    // The wrong result: a postgres__ implementation is PGlite's, not default__.
    ['pglite', ['postgres', 'default'], 'postgres__m'],
    ['pglite', ['pglite', 'postgres', 'default'], 'pglite__m'],
    ['pglite', ['pglite', 'default'], 'pglite__m'],
    ['pglite', ['redshift', 'default'], 'default__m'],
    ['pglite', ['default'], 'default__m'],
    ['postgres', ['postgres', 'default'], 'postgres__m'],
    ['postgres', ['pglite', 'redshift', 'default'], 'default__m'],
    ['postgres', ['pglite', 'postgres'], 'postgres__m'],
    // dbt-redshift falls back to postgres__ before default__.
    ['redshift', ['postgres', 'default'], 'postgres__m'],
    ['redshift', ['redshift', 'postgres', 'default'], 'redshift__m'],
    ['redshift', ['pglite', 'default'], 'default__m'],
    ['redshift', ['postgres'], 'postgres__m'],
  ] as const)('%s with %j -> %s', (type, prefixes, chosen) => {
    expect(render(type, prefixes, "{{ adapter.dispatch('m')() }}")).toBe(chosen);
    // The root project's own namespace searches the same prefixes (dbt: [root, root]).
    expect(render(type, prefixes, "{{ adapter.dispatch('m', 'shop')() }}")).toBe(chosen);
    expect(render(type, prefixes, "{{ adapter.dispatch('m', macro_namespace='shop')() }}")).toBe(chosen);
  });

  it('names every macro it searched for when none is defined, as dbt does', () => {
    expect(() => render('redshift', [], "{{ adapter.dispatch('m')() }}")).toThrow("adapter.dispatch('m') found no macro: searched for 'redshift__m', 'postgres__m', 'default__m'");
    expect(() => render('pglite', [], "{{ adapter.dispatch('m', 'dbt')() }}")).toThrow(
      "adapter.dispatch('m', 'dbt') found no macro: searched for 'shop.pglite__m', 'shop.postgres__m', 'shop.default__m', 'dbt.pglite__m', 'dbt.postgres__m', 'dbt.default__m'",
    );
    expect(() => render('postgres', [], "{{ adapter.dispatch('dbt.m')() }}")).toThrow("adapter.dispatch('dbt.m'): '.' is not part of a macro name");
  });
});

describe("adapter.dispatch(name, 'dbt'): the project before dbt's own macros, package by package", () => {
  const rendered = (type: TargetType, projectMacros: string, call: string, searchOrder?: Record<string, string[]>) =>
    new TemplateRenderer({ target: { name: 't', type }, vars: {}, env: {}, dispatchChain: dialectFor(type).dispatchChain, projectName: 'shop', dispatchSearchOrder: searchOrder }, [
      { path: 'macros/m.sql', sql: projectMacros },
    ])
      .render('models/x.sql', call)
      .trim();

  it.each([
    // dbt-postgres's postgres__any_value (min) is Redshift's too: dbt-redshift has no redshift__any_value.
    ['pglite', '', "{{ dbt.any_value('x') }}", 'min(x)'],
    ['postgres', '', "{{ any_value('x') }}", 'min(x)'],
    ['redshift', '', "{{ any_value('x') }}", 'min(x)'],
    // A project's postgres__any_value overrides dbt's, on PGlite through the chain.
    ['pglite', '{% macro postgres__any_value(e) %}max({{ e }}){% endmacro %}', "{{ dbt.any_value('x') }}", 'max(x)'],
    // The project is searched first with all its prefixes: its default__ wins over dbt's postgres__.
    ['postgres', '{% macro default__any_value(e) %}max({{ e }}){% endmacro %}', "{{ any_value('x') }}", 'max(x)'],
    // ...and over dbt's redshift__length.
    ['redshift', '{% macro default__length(e) %}char_length({{ e }}){% endmacro %}', "{{ dbt.length('x') }}", 'char_length(x)'],
    // A project's redshift__ override is not PostgreSQL's.
    ['postgres', '{% macro redshift__any_value(e) %}max({{ e }}){% endmacro %}', "{{ any_value('x') }}", 'min(x)'],
    // Without a namespace, the flat namespace holds dbt's macros too.
    ['postgres', '', "{{ adapter.dispatch('any_value')('x') }}", 'min(x)'],
    // A project macro of the same bare name replaces dbt's for bare calls, not dbt.<name>.
    ['postgres', '{% macro hash(f) %}sha({{ f }}){% endmacro %}', "{{ hash('x') }} {{ dbt.hash('x') }}", 'sha(x) md5(cast(x as TEXT))'],
  ] as const)('%s, project %j: %s -> %s', (type, macros, call, expected) => {
    expect(rendered(type, macros, call)).toBe(expected);
  });

  it("follows project.yml's dispatch: search_order for a namespace", () => {
    const project = '{% macro postgres__any_value(e) %}max({{ e }}){% endmacro %}';
    expect(rendered('postgres', project, "{{ any_value('x') }}", { dbt: ['dbt'] })).toBe('min(x)');
    expect(rendered('postgres', project, "{{ any_value('x') }}", { dbt: ['shop', 'dbt'] })).toBe('max(x)');
  });
});

describe('the packages dbt searches for a namespace', () => {
  const settings = { chain: ['postgres', 'default'], rootProject: 'shop', packages: new Set(['shop', 'dbt']), searchOrder: { utils: ['shop', 'utils'] } };
  it.each([
    [undefined, [undefined]],
    ['dbt', ['shop', 'dbt']],
    ['shop', ['shop', 'shop']],
    ['utils', ['shop', 'utils']],
    ['not_installed', [undefined]],
  ] as const)('%s -> %j', (namespace, packages) => {
    expect(searchPackages(namespace, settings)).toEqual(packages);
  });

  it('tries each package with every prefix before the next package', () => {
    expect(dispatchCandidates('m', 'dbt', settings).map((c) => `${c.package ?? ''}.${c.macro}`)).toEqual([
      'shop.postgres__m',
      'shop.default__m',
      'dbt.postgres__m',
      'dbt.default__m',
    ]);
  });
});

describe('a search order that names a package the project does not have', () => {
  it('is an error naming it, as dbt (PackageNotFoundForMacroError)', () => {
    expect(() => render('postgres', ['default'], "{{ adapter.dispatch('m', 'dbt')() }}", { dbt: ['dbt_utils', 'dbt'] })).toThrow(
      "adapter.dispatch: the search order names package 'dbt_utils', which this project does not have",
    );
  });
});

describe('the dbt namespace', () => {
  it("stops at dbt's own compiler errors (postgres__datediff's unsupported datepart), naming the model", () => {
    const renderer = new TemplateRenderer({ target: { name: 't', type: 'pglite' }, vars: {}, env: {}, dispatchChain: dialectFor('pglite').dispatchChain }, []);
    expect(() => renderer.render('models/x.sql', "select {{ datediff('a', 'b', 'fortnight') }}")).toThrow(
      expect.objectContaining({ message: "Compilation Error\n  Unsupported datepart for macro datediff in postgres: 'fortnight'", location: { file: 'models/x.sql' } }),
    );
    // Redshift's datediff takes any datepart Redshift knows: no error at compile time.
    const redshift = new TemplateRenderer({ target: { name: 't', type: 'redshift' }, vars: {}, env: {}, dispatchChain: dialectFor('redshift').dispatchChain }, []);
    expect(redshift.render('models/x.sql', "select {{ datediff('a', 'b', 'fortnight') }}").replace(/\s+/g, ' ')).toBe('select datediff( fortnight, a, b )');
  });

  it('names a macro it does not have, at its line, with the closest', () => {
    const renderer = new TemplateRenderer({ target: { name: 't', type: 'postgres' }, vars: {}, env: {} }, []);
    expect(() => renderer.render('models/x.sql', "select 1,\n  {{ dbt.date_add('day', 1, 'd') }}")).toThrow(
      expect.objectContaining({
        message: "dbt has no macro 'date_add'",
        location: { file: 'models/x.sql', line: 2, column: 6 },
        hint: expect.stringContaining("did you mean 'dateadd'?"),
      }),
    );
  });
});
