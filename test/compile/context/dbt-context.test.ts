import { describe, expect, it } from 'vitest';
import { TemplateRenderer, type ModelHooks } from '../../../src/compile/template.js';
import type { DbtContextSettings } from '../../../src/compile/context/dbt-context.js';
import { Relation, thisContext } from '../../../src/core/relation.js';
import type { MacroFile } from '../../../src/project/types.js';

const quote = (name: string) => `"${name}"`;

function renderer(macros: Array<[string, string]> = [], context: DbtContextSettings = {}, target: Record<string, unknown> = { name: 'dev', type: 'postgres' }): TemplateRenderer {
  const files = macros.map(([path, sql]) => ({ path, sql }) as unknown as MacroFile);
  return new TemplateRenderer({ target, vars: {}, env: { DBT_ENV_SECRET_TOKEN: 'tok-secret-1234' }, dispatchChain: ['postgres', 'default'], projectName: 'p', context }, files);
}

function hooks(overrides: Partial<ModelHooks> = {}): ModelHooks {
  return {
    ref: (name) => new Relation('analytics', name, quote),
    source: (s, t) => new Relation(s, t, quote),
    config: () => undefined,
    self: thisContext(new Relation('analytics', 'orders', quote), 'warehouse'),
    ...overrides,
  };
}

describe('return() in macros (dbt MacroReturn)', () => {
  const macros: Array<[string, string]> = [
    [
      'macros/cols.sql',
      "{% macro cols() %}ignored text{{ return(['id', 'name']) }}never{% endmacro %}{% macro flag(x) %}{% for i in [1, 2, 3] %}{% if i == x %}{{ return(True) }}{% endif %}{% endfor %}{{ return(False) }}{% endmacro %}",
    ],
    ['macros/other.sql', "{% macro widened() %}{% set c = cols() %}{% do c.append('extra') %}{{ return(c) }}{% endmacro %}{% macro nothing() %}{{ return(none) }}{% endmacro %}"],
    [
      'macros/dispatched.sql',
      "{% macro pick() %}{{ return(adapter.dispatch('pick')()) }}{% endmacro %}{% macro default__pick() %}{{ return({'a': 1}) }}{% endmacro %}{% macro postgres__pick() %}{{ return({'pg': [1, 2]}) }}{% endmacro %}",
    ],
  ];

  it('makes the call evaluate to the returned Python value, from a model and from other macros', () => {
    const r = renderer(macros);
    expect(r.render('models/m.sql', '{{ cols() }}|{{ cols() | length }}|{{ widened() | join(",") }}|{{ nothing() }}|{{ nothing() is none }}')).toBe(
      "['id', 'name']|2|id,name,extra|None|True",
    );
  });

  it('returns from inside a loop, leaving the caller’s variables as they were', () => {
    const r = renderer(macros);
    expect(r.render('models/m.sql', '{% set x = 5 %}{{ flag(2) }} {{ flag(9) }} {{ x }}{% for i in [1] %}{{ flag(1) }}{{ i }}{% endfor %}')).toBe('True False 5True1');
  });

  it('works through adapter.dispatch (the adapter’s implementation) and in dbt’s own macros', () => {
    const r = renderer(macros);
    expect(r.render('models/m.sql', "{{ pick() }}|{{ pick()['pg'][1] }}")).toBe("{'pg': [1, 2]}|2");
    expect(r.render('models/m.sql', '{{ dbt.current_timestamp_backcompat() | trim }}')).toBe('current_timestamp::timestamp');
  });

  it('works in a macro defined in the model and in a call block’s caller', () => {
    const r = renderer();
    expect(r.render('models/m.sql', '{% macro local() %}{{ return(1 + 1) }}{% endmacro %}{{ local() * 10 }}')).toBe('20');
    expect(r.render('models/m.sql', '{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% call wrap() %}{{ return("r") }}{% endcall %}')).toBe('[r]');
  });

  it('outside a macro is an error naming dbt’s rule', () => {
    expect(() => renderer().render('models/m.sql', '{{ return(1) }}')).toThrow('return() was called outside a macro');
  });
});

describe('log(), print() and exceptions', () => {
  it('log and print render nothing and reach the command’s sinks (info or debug)', () => {
    const lines: string[] = [];
    const r = renderer([], { onLog: (msg, info) => lines.push(`${info ? 'info' : 'debug'}:${msg}`), onPrint: (msg) => lines.push(`print:${msg}`) });
    expect(r.render('models/m.sql', "a{{ log('quiet') }}b{{ log('loud ' ~ 1, info=True) }}c{{ print('p') }}{% do log(['x'], True) %}")).toBe('abc');
    expect(lines).toEqual(['debug:quiet', 'info:loud 1', 'print:p', "info:['x']"]);
  });

  it('exceptions.warn is a warning, not an error; raise_compiler_error names the model as dbt', () => {
    const warnings: string[] = [];
    const r = renderer([], { onWarn: (msg) => warnings.push(msg) });
    expect(r.render('models/m.sql', "ok{{ exceptions.warn('careful') }}")).toBe('ok');
    expect(warnings).toEqual(['careful']);
    const node = { uniqueId: 'model.p.orders', resourceType: 'model', name: 'orders', path: 'models/orders.sql', config: {} };
    expect(() => r.render('models/orders.sql', "{{ exceptions.raise_compiler_error('bad input') }}", hooks({ node }))).toThrow(
      expect.objectContaining({ message: 'Compilation Error in model orders (models/orders.sql)\n  bad input', location: { file: 'models/orders.sql' } }),
    );
    expect(() => r.render('models/orders.sql', "{{ exceptions.raise_not_implemented('nope') }}")).toThrow('Runtime Error\n  nope');
  });
});

describe('modules', () => {
  const fixed = Date.UTC(2024, 1, 29, 23, 30, 15, 250);
  const r = renderer([], { clock: () => fixed, runStartedAt: fixed });

  it('datetime: constructors, strftime, isoformat, attributes and timedelta arithmetic', () => {
    const t = `{% set dt = modules.datetime %}{% set d = dt.datetime(2024, 2, 28, 22, 5, 7) %}{{ d }}|{{ d.isoformat() }}|{{ d.year }}-{{ d.month }}-{{ d.day }} {{ d.hour }}|{{ (d + dt.timedelta(days=2, hours=3)).strftime('%Y-%m-%d %H:%M %a %b %j') }}|{{ d - dt.timedelta(weeks=1) }}|{{ (dt.datetime(2024, 3, 1) - d) }}|{{ dt.date(2024, 1, 31) + dt.timedelta(days=1) }}|{{ dt.datetime.strptime('2023-07-04 09:08', '%Y-%m-%d %H:%M').strftime('%d/%m/%y %I%p') }}|{{ dt.date.fromisoformat('2020-02-02').weekday() }}`;
    expect(r.render('m.sql', t)).toBe(
      '2024-02-28 22:05:07|2024-02-28T22:05:07|2024-2-28 22|2024-03-02 01:05 Sat Mar 062|2024-02-21 22:05:07|1 day, 1:54:53|2024-02-01|04/07/23 09AM|6',
    );
    expect(
      r.render(
        'm.sql',
        '{{ modules.datetime.datetime.utcnow().isoformat() }}|{{ modules.datetime.datetime.now(modules.pytz.utc) }}|{{ modules.datetime.timedelta(days=1, seconds=5).total_seconds() }}',
      ),
    ).toBe('2024-02-29T23:30:15.250000|2024-02-29 23:30:15.250000+00:00|86405.0'.replace('86405.0', '86405'));
  });

  it('run_started_at is the command’s start, an aware UTC datetime', () => {
    expect(r.render('m.sql', "{{ run_started_at }}|{{ run_started_at.strftime('%Y%m%d%H%M%S') }}|{{ run_started_at.tzinfo }}")).toBe(
      '2024-02-29 23:30:15.250000+00:00|20240229233015|UTC',
    );
  });

  it('re: match, search, fullmatch, sub with groups, findall, split, compile with IGNORECASE', () => {
    const t = `{% set re = modules.re %}{{ re.match('a(\\d+)', 'a12b').group(1) }}|{{ re.match('b', 'ab') is none }}|{{ re.search('(?P<word>[a-z]+)_id', 'x customer_id').group('word') }}|{{ re.fullmatch('\\w+', 'ab c') is none }}|{{ re.sub('(\\w+)@(\\w+)', '\\\\2 at \\\\1', 'me@home you@work') }}|{{ re.sub('(?P<n>\\d)', '<\\\\g<n>>', 'a1b2', count=1) }}|{{ re.findall('\\d', 'a1b22') }}|{{ re.findall('(\\w)=(\\d)', 'a=1,b=2') }}|{{ re.split('[,;]\\s*', 'a, b;c') }}|{{ re.compile('^SELECT', re.IGNORECASE).match('select 1') is not none }}|{{ re.escape('a.b*c') }}`;
    expect(r.render('m.sql', t)).toBe("12|True|customer|True|home at me work at you|a<1>b2|['1', '2', '2']|[('a', '1'), ('b', '2')]|['a', 'b', 'c']|True|a\\.b\\*c");
  });

  it('itertools: chain, product, combinations, permutations, groupby', () => {
    const t = `{% set it = modules.itertools %}{{ it.chain([1, 2], [3]) | list }}|{{ it.product('ab', [1, 2]) | list }}|{{ it.combinations([1, 2, 3], 2) | list }}|{{ it.permutations('ab') | list }}|{% for k, g in it.groupby([1, 1, 2]) %}{{ k }}:{{ g | list }} {% endfor %}`;
    expect(r.render('m.sql', t)).toBe("[1, 2, 3]|[('a', 1), ('a', 2), ('b', 1), ('b', 2)]|[(1, 2), (1, 3), (2, 3)]|[('a', 'b'), ('b', 'a')]|1:[1, 1] 2:[2] ");
  });
});

describe('this, ref() and source(): dbt’s Relation attributes', () => {
  it('has database, schema, identifier, name, table, type, render(), include(), quote(), incorporate()', () => {
    const t =
      "{{ this }}|{{ this.database }}.{{ this.schema }}.{{ this.identifier }}|{{ this.name }} {{ this.table }} {{ this.type }} {{ this.is_table }}|{{ this.render() }}|{{ this.include(database=True) }}|{{ this.include(schema=False) }}|{{ this.quote(identifier=False) }}|{{ this.incorporate(path={'identifier': 'orders__tmp'}) }}|{{ this.incorporate(type='view').is_view }}|{{ this ~ '' }}";
    expect(renderer().render('models/orders.sql', t, hooks())).toBe(
      '"analytics"."orders"|warehouse.analytics.orders|orders orders None False|"analytics"."orders"|"warehouse"."analytics"."orders"|"orders"|"analytics".orders|"analytics"."orders__tmp"|True|"analytics"."orders"',
    );
    expect(
      renderer().render('models/orders.sql', "{{ ref('customers').identifier }} {{ ref('customers').include(database=True) }} {{ source('raw', 'events').schema }}", hooks()),
    ).toBe('customers "warehouse"."analytics"."customers" raw');
  });

  it('an attribute dbt’s Relation does not have is an error, never empty', () => {
    expect(() => renderer().render('models/orders.sql', '{{ this.nme }}', hooks())).toThrow("this has no attribute 'nme'");
  });
});

describe('config.get / require / set', () => {
  const node = { uniqueId: 'model.p.orders', resourceType: 'model', name: 'orders', path: 'models/orders.sql', config: { materialized: 'table', tags: ['a'], schema: undefined } };

  it('reads the node’s final config at compile time, with defaults', () => {
    expect(
      renderer().render(
        'models/orders.sql',
        "{{ config.get('materialized') }} {{ config.get('tags') }} {{ config.get('missing', 'dflt') }} {{ config.get('missing') }} {{ config.require('materialized') }}",
        hooks({ node }),
      ),
    ).toBe("table ['a'] dflt None table");
  });

  it('renders "" while parsing, as dbt’s ParseConfigObject; config.set is config() then', () => {
    const own: Record<string, unknown> = {};
    const r = renderer();
    expect(
      r.render(
        'models/orders.sql',
        "[{{ config.get('materialized', 'x') }}][{{ config.require('x') }}]{% do config.set('alias', 'o2') %}",
        hooks({ config: (v) => Object.assign(own, v) }),
      ),
    ).toBe('[][]');
    expect(own).toEqual({ alias: 'o2' });
  });

  it('config.require of a key the model lacks is dbt’s error naming the model and the key', () => {
    expect(() => renderer().render('models/orders.sql', "{{ config.require('unique_key') }}", hooks({ node }))).toThrow(
      "Compilation Error in model orders (models/orders.sql)\n  Model 'model.p.orders' does not define a required config parameter 'unique_key'.",
    );
  });
});

describe('adapter, flags, target, env_var secrets', () => {
  it('adapter.quote quotes as the target does; flags are dbt’s with the command’s values', () => {
    const r = renderer([], { quote: (n) => `[${n}]`, flags: { FULL_REFRESH: true, WHICH: 'run' } });
    expect(
      r.render('m.sql', "{{ adapter.quote('a b') }} {{ adapter.quote_as_configured('x', 'identifier') }} {{ flags.FULL_REFRESH }} {{ flags.WHICH }} {{ flags.STORE_FAILURES }}"),
    ).toBe('[a b] [x] True run False');
  });

  it('env_var of a DBT_ENV_SECRET_ variable in a model is dbt’s error (only profiles.yml and packages.yml may read it)', () => {
    const r = renderer([], { secretEnvVarsForbidden: true });
    expect(() => r.render('models/m.sql', "select '{{ env_var('DBT_ENV_SECRET_TOKEN') }}'")).toThrow(
      expect.objectContaining({
        message: "Secret env vars are allowed only in profiles.yml or packages.yml. Found 'DBT_ENV_SECRET_TOKEN' referenced elsewhere.",
        location: { file: 'models/m.sql', line: 1, column: 12 },
      }),
    );
  });
});

describe('ref(model, v=…) and model', () => {
  it('a versioned ref passes its version (v= or version=, as Jinja prints it) to the ref hook', () => {
    const seen: Array<[string, string | undefined, string | undefined]> = [];
    const ref = (name: string, pkg?: string, version?: string) => {
      seen.push([name, pkg, version]);
      return new Relation('analytics', version === undefined ? name : `${name}_v${version}`, quote);
    };
    const sql = "{{ ref('customers', v=2) }} {{ ref('customers', version='1') }} {{ ref('shop', 'customers', v=3) }} {{ ref('customers') }}";
    expect(renderer().render('models/orders.sql', sql, hooks({ ref }))).toBe(
      '"analytics"."customers_v2" "analytics"."customers_v1" "analytics"."customers_v3" "analytics"."customers"',
    );
    expect(seen).toEqual([
      ['customers', undefined, '2'],
      ['customers', undefined, '1'],
      ['customers', 'shop', '3'],
      ['customers', undefined, undefined],
    ]);
  });

  it('model is the node’s dict while compiling (absent while parsing, as nothing is known yet)', () => {
    const node = {
      uniqueId: 'model.p.orders',
      resourceType: 'model',
      name: 'orders',
      path: 'models/orders.sql',
      config: {},
      model: { unique_id: 'model.p.orders', fqn: ['p', 'orders'], config: { materialized: 'view' } },
    };
    expect(renderer().render('models/orders.sql', "{{ model.unique_id }} {{ model.fqn }} {{ model['config']['materialized'] }}", hooks({ node }))).toBe(
      "model.p.orders ['p', 'orders'] view",
    );
  });
});

describe('graph', () => {
  it('is empty while parsing (dbt fills it for execution), then the flat graph the command gives', () => {
    expect(renderer().render('models/m.sql', '{{ graph.nodes | length }} {{ graph.sources }} {{ graph.macros }}')).toBe('0 {} {}');
    const flat = { nodes: { 'model.p.a': { unique_id: 'model.p.a', resource_type: 'model', name: 'a' }, 'test.p.t': { resource_type: 'test', name: 't' } }, sources: {} };
    const r = renderer([], { graph: () => flat });
    expect(
      r.render(
        'models/m.sql',
        "{% for n in graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') %}{{ n.name }}{% endfor %} {{ graph.nodes.keys() | list }} {{ graph.exposures }}",
      ),
    ).toBe("a ['model.p.a', 'test.p.t'] {}");
  });
});

describe("dbt's base functions and filters", () => {
  it('project_name, try_or_compiler_error, set_strict, and the as_* filters', () => {
    const r = new TemplateRenderer({ target: {}, vars: {}, env: {}, projectName: 'shop' }, []);
    expect(r.render('m.sql', "{{ project_name }} {{ try_or_compiler_error('bad', fromjson, '[1]') }} {{ set_strict([1, 1]) }} {{ '1' | as_number }} {{ 'x' | as_text }}")).toBe(
      'shop [1] {1} 1 x',
    );
    expect(() => r.render('m.sql', "{{ try_or_compiler_error('could not read it', modules.datetime.date.fromisoformat, 'nope') }}")).toThrow(
      'Compilation Error\n  could not read it',
    );
  });
});

describe('log() lines reach the sinks when the render ends', () => {
  it('after a completed render, and after one that failed with the model’s own error (as dbt had printed them)', () => {
    const lines: string[] = [];
    const r = renderer([], { onLog: (msg) => lines.push(msg) });
    expect(() => r.render('models/m.sql', "{{ log('before') }}{{ exceptions.raise_compiler_error('stop') }}")).toThrow('stop');
    expect(lines).toEqual(['before']);
    r.render('models/m.sql', "{{ log('a') }}{{ log('b') }}");
    expect(lines).toEqual(['before', 'a', 'b']);
  });
});
