import { describe, expect, it } from 'vitest';
import { SparkdbtError, formatError } from '../../src/errors.js';
import { TemplateRenderer } from '../../src/compile/template.js';

const renderer = (env: Record<string, string> = {}, secrets: string[] = []) =>
  new TemplateRenderer({ target: { name: 'dev', type: 'postgres' }, vars: { region: 'eu', n: 3 }, env, onSecret: (s) => secrets.push(s) }, [
    { path: 'macros/m.sql', sql: '{% macro cents(col) %}({{ col }} * 100){% endmacro %}{% macro where_target() %}-- {{ target.name }}{% endmacro %}' },
  ]);

function renderError(source: string, file = 'models/m.sql'): string {
  try {
    renderer().render(file, source, { ref: (n) => `"s"."${n}"`, source: () => 'x', config: () => undefined, self: '"s"."m"' });
  } catch (error) {
    if (error instanceof SparkdbtError) return formatError(error);
    throw error;
  }
  throw new Error('expected an error');
}

describe('TemplateRenderer', () => {
  it('renders ref, config keywords, var, env_var, this, target and macros', () => {
    const configs: Record<string, unknown>[] = [];
    const sql = renderer({ HOME_DIR: '/h' }).render(
      'models/m.sql',
      "{{ config(materialized='table', tags=['a']) }}select {{ cents('price') }}, '{{ var('region') }}', {{ var('missing', 7) }}, '{{ env_var('HOME_DIR') }}', '{{ env_var('NOPE', 'd') }}' from {{ ref('orders') }} -- {{ this }} {{ where_target() }}",
      { ref: (n) => `"s"."${n}"`, source: () => 'x', config: (v) => configs.push(v), self: '"s"."m"' },
    );
    expect(sql).toBe(`select (price * 100), 'eu', 7, '/h', 'd' from "s"."orders" -- "s"."m" -- dev`);
    expect(configs).toEqual([{ materialized: 'table', tags: ['a'] }]);
  });

  it("adapter.dispatch picks the target type's macro, else the default, else says what is missing", () => {
    const macros = [
      {
        path: 'macros/t.sql',
        sql: "{% macro now() %}{{ adapter.dispatch('now')() }}{% endmacro %}{% macro default__now() %}now(){% endmacro %}{% macro redshift__now() %}getdate(){% endmacro %}",
      },
    ];
    const render = (type: string, sql: string) => new TemplateRenderer({ target: { name: 't', type }, vars: {}, env: {} }, macros).render('models/m.sql', sql);
    expect(render('redshift', 'select {{ now() }}')).toBe('select getdate()');
    expect(render('postgres', 'select {{ now() }}')).toBe('select now()');
    expect(() => render('postgres', "select {{ adapter.dispatch('nothing')() }}")).toThrow(
      "adapter.dispatch('nothing') found no macro: searched for 'postgres__nothing', 'default__nothing'",
    );
  });

  it('reports secret-looking env vars so they can be redacted', () => {
    const secrets: string[] = [];
    renderer({ DB_PASSWORD: 'hunter22', PLAIN: 'visible' }, secrets).render('f', "{{ env_var('DB_PASSWORD') }} {{ env_var('PLAIN') }}");
    expect(secrets).toEqual(['hunter22']);
  });

  it('lets nunjucks probe target and this (loops, macro arguments, filters, tests, output) without errors', () => {
    const macros = [{ path: 'macros/t.sql', sql: '{% macro show(t) %}{{ t.name }}{% endmacro %}' }];
    const r = new TemplateRenderer({ target: { name: 'dev', type: 'postgres', iam_role: undefined }, vars: {}, env: {} }, macros);
    const self = { database: 'db', schema: 's', identifier: 'm', name: 'm', toString: () => '"s"."m"' };
    const sql = r.render(
      'models/m.sql',
      "{% for i in [1] %}{{ target.name }}{% endfor %} {{ show(target) }} {{ target | length }} {{ target.type is defined }} [{{ target.iam_role }}] {{ 'set' if target.iam_role else 'unset' }} {{ this }} {{ this.database }}.{{ this['schema'] }} {{ target | dump }}",
      { ref: () => '', source: () => '', config: () => undefined, self },
    );
    expect(sql).toBe('dev dev 3 True [] unset "s"."m" db.s {"name":"dev","type":"postgres"}');
  });

  it.each([
    [
      'an unknown attribute of target, with did-you-mean',
      "select\n  '{{ target.nmae }}'",
      "models/m.sql:2:7: target has no attribute 'nmae'\n  hint: did you mean 'name'? target has: name, type",
    ],
    [
      'an unknown attribute of this, written with brackets',
      "select {{ this['shema'] }}",
      "models/m.sql:1:11: this has no attribute 'shema'\n  hint: did you mean 'schema'? this has: database, schema, identifier, name",
    ],
  ])('reports %s at its line', (_case, source, expected) => {
    const self = { database: 'db', schema: 's', identifier: 'm', name: 'm', toString: () => '"s"."m"' };
    let message = '';
    try {
      renderer().render('models/m.sql', source, { ref: () => '', source: () => '', config: () => undefined, self });
    } catch (error) {
      message = error instanceof SparkdbtError ? formatError(error) : String(error);
    }
    expect(message).toBe(expected);
  });

  it.each([
    [
      'a syntax error, at its line and column',
      "select 1,\n  {{ ref('x' }}\n",
      'models/m.sql:2:14: template error: parseSignature: expected comma after expression\n  hint: check the {{ }} and {% %} tags near this line',
    ],
    ['an unknown block tag', 'a\nb\n{% endif %}', 'models/m.sql:3:4: template error: unknown block tag: endif\n  hint: check the {{ }} and {% %} tags near this line'],
    [
      'a call of something undefined, on its 1-based line',
      'a\nb\n  {{ foo() }}',
      'models/m.sql:3:9: template error: Unable to call `foo`, which is undefined or falsey\n  hint: check the {{ }} and {% %} tags near this line',
    ],
    [
      'a var without default',
      "select\n  {{ var('nope') }}",
      "models/m.sql:2:6: var('nope') is not defined and has no default\n  hint: define it under vars: in project.yml or pass --vars '{nope: ...}'",
    ],
    [
      'an env_var without default',
      "select\n\n {{ env_var('SPARKDBT_TEST_UNSET') }}",
      "models/m.sql:3:5: environment variable SPARKDBT_TEST_UNSET is not set and env_var() gives no default\n  hint: export SPARKDBT_TEST_UNSET=... or give a default: env_var('SPARKDBT_TEST_UNSET', '...')",
    ],
  ])('reports %s', (_case, source, expected) => {
    expect(renderError(source)).toBe(expected);
  });
});
