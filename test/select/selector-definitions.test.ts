import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseSelector, parseSelectorsFile } from '../../src/commands/choose-selector.js';
import { readSelectorsFile } from '../../src/project/selectors-file.js';
import type { SelectorConfig } from '../../src/select/selector-definitions.js';
import { normalizeDefinition } from '../../src/select/selector-dict.js';
import { selectSpec } from '../../src/select/select-spec.js';
import { buildTestGraph, nodeLabel } from '../support/graph-builder.js';
import { thrown } from '../support/thrown.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** selectors.yml with this text (dedented as dbt's tests dedent theirs), read and parsed. */
function parse(text: string, context: { env?: Record<string, string>; vars?: Record<string, unknown> } = {}): SelectorConfig {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-selectors-'));
  dirs.push(dir);
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  fs.writeFileSync(path.join(dir, 'selectors.yml'), lines.map((l) => l.slice(indent)).join('\n'));
  return parseSelectorsFile(readSelectorsFile(dir, { env: context.env ?? {}, vars: context.vars ?? {} }))!;
}

/** "file:line: message" of the error parsing this text throws. */
function failure(text: string): string {
  const error = thrown(() => parse(text));
  expect(error.code).toBe('selector-invalid');
  return `${error.location?.file}:${error.location?.line}: ${error.message}`;
}

// tests/unit/config/test_selectors.py (dbt-core 1.11), case for case: each of dbt's errors, at its line of selectors.yml.
const UNIT = 'tests/unit/config/test_selectors.py::SelectorUnitTest';

describe(`dbt's ${UNIT} errors`, () => {
  it.each<[string, string, string]>([
    [
      'test_parse_multiple_excludes',
      `selectors:
          - name: mult_excl
            definition:
              union:
                - method: tag
                  value: nightly
                - exclude:
                   - method: tag
                     value: hourly
                - exclude:
                   - method: tag
                     value: daily`,
      'selectors.yml:10: You cannot provide multiple exclude arguments to the same selector set operator',
    ],
    [
      'test_parse_set_op_plus',
      `selectors:
          - name: union_plus
            definition:
              - union:
                 - method: tag
                   value: nightly
                 - exclude:
                    - method: tag
                      value: hourly
              - method: tag
                value: foo`,
      "selectors.yml:3: selector 'union_plus': a definition cannot be a list",
    ],
    [
      'test_parse_multiple_methods',
      `selectors:
          - name: mult_methods
            definition:
              - tag:hourly
              - tag:nightly
              - fqn:start`,
      "selectors.yml:3: selector 'mult_methods': a definition cannot be a list",
    ],
    [
      'test_parse_set_with_method',
      `selectors:
          - name: mixed_syntaxes
            definition:
              key: value
              method: tag
              value: foo
              union:
                - method: tag
                  value: m1234
                - exclude:
                  - method: tag
                    value: m5678`,
      "selectors.yml:3: Only a single 'union' or 'intersection' key is allowed in a root level selector definition; found key,method,value,union.",
    ],
    [
      'test_exclude_not_list',
      `selectors:
          - name: summa_exclude
            definition:
              union:
                - method: tag
                  value: nightly
                - exclude:
                    method: tag
                    value: daily`,
      'selectors.yml:7: Invalid value for key "exclude". Expected a list.',
    ],
    [
      'test_invalid_key',
      `selectors:
          - name: summa_nothing
            definition:
              method: tag
              key: nightly`,
      `selectors.yml:3: Expected either 1 key or else "method" and "value" keys, but got ['method', 'key']`,
    ],
    [
      'test_invalid_single_def',
      `selectors:
          - name: summa_nothing
            definition:
              fubar: tag`,
      "selectors.yml:4: Invalid selector 'fubar:tag': 'fubar' is not a selector method",
    ],
    [
      'test_method_no_value',
      `selectors:
          - name: summa_nothing
            definition:
              method: tag`,
      "selectors.yml:4: Invalid selector 'method:tag': 'method' is not a selector method",
    ],
    [
      'test_multiple_default_true',
      `selectors:
          - name: summa_nothing
            definition:
              method: tag
              value: nightly
            default: true
          - name: summa_something
            definition:
              method: tag
              value: daily
            default: true`,
      'selectors.yml:11: Found multiple selectors with `default: true`: summa_nothing and summa_something',
    ],
    [
      'test_missing_selector',
      `selectors:
          - name: inherited
            definition:
              method: selector
              value: default`,
      'selectors.yml:5: Existing selector definition for default not found.',
    ],
  ])('%s', (_name, text, expected) => {
    expect(failure(text)).toBe(expected);
  });

  it('test_complex_sector parses', () => {
    const config = parse(`selectors:
      - name: nightly_diet_snowplow
        definition:
          union:
            - intersection:
                - method: source
                  value: snowplow
                  childrens_parents: true
                - method: tag
                  value: nightly
            - method: path
              value: models/export
            - exclude:
                - intersection:
                    - method: package
                      value: snowplow
                    - method: config.materialized
                      value: incremental
                - method: fqn
                  value: export_performance_timing`);
    expect([...config.selectors.keys()]).toEqual(['nightly_diet_snowplow']);
    expect(config.selectors.get('nightly_diet_snowplow')!.spec.kind).toBe('difference');
  });
});

describe(`dbt's ${UNIT} normalized definitions (manifest.json's selectors, dbt's SelectorDict)`, () => {
  it('test_compare_cli_non_cli: the CLI-style strings normalize to the full YAML form', () => {
    const config = parse(`selectors:
      - name: nightly_diet_snowplow
        description: "This uses more CLI-style syntax"
        definition:
          union:
            - intersection:
                - '@source:snowplow'
                - 'tag:nightly'
            - 'models/export'
            - exclude:
                - intersection:
                    - 'package:snowplow'
                    - 'config.materialized:incremental'
                - export_performance_timing
      - name: nightly_diet_snowplow_full
        description: "This is a fuller YAML specification"
        definition:
          union:
            - intersection:
                - method: source
                  value: snowplow
                  childrens_parents: true
                - method: tag
                  value: nightly
            - method: path
              value: models/export
            - exclude:
                - intersection:
                    - method: package
                      value: snowplow
                    - method: config.materialized
                      value: incremental
                - method: fqn
                  value: export_performance_timing`);
    const manifest = config.manifest as Record<string, { definition: unknown; description: string }>;
    expect(manifest['nightly_diet_snowplow']!.definition).toEqual(manifest['nightly_diet_snowplow_full']!.definition);
    expect(manifest['nightly_diet_snowplow']!.description).toBe('This uses more CLI-style syntax');
  });

  it.each<[string, unknown, unknown]>([
    ['test_single_string_definition', 'tag:nightly', { method: 'tag', value: 'nightly' }],
    ['test_single_key_value_definition', { tag: 'nightly' }, { method: 'tag', value: 'nightly' }],
    ['test_parent_definition', '+exposure:kpi_nightly', { method: 'exposure', value: 'kpi_nightly', parents: true }],
    ['test_plus_definition', 'my_model+2', { method: 'fqn', value: 'my_model', children: true, children_depth: '2' }],
  ])('%s', (_name, definition, expected) => {
    expect(normalizeDefinition(definition, {})).toEqual(expected);
  });

  it('test_selector_definition: method: selector stands for the named selector', () => {
    const config = parse(`selectors:
      - name: default
        definition:
          union:
            - intersection:
              - tag: foo
              - tag: bar
      - name: inherited
        definition:
          method: selector
          value: default`);
    const manifest = config.manifest as Record<string, { definition: unknown }>;
    expect(manifest['inherited']!.definition).toEqual(manifest['default']!.definition);
    expect(config.selectors.get('inherited')!.spec).toEqual(config.selectors.get('default')!.spec);
  });

  it('test_selector_definition_with_exclusion', () => {
    const config = parse(`selectors:
      - name: default
        definition:
          union:
            - intersection:
              - tag: foo
              - tag: bar
      - name: inherited
        definition:
          union:
            - method: selector
              value: default
            - exclude:
              - tag: bar
      - name: comparison
        definition:
          union:
            - union:
              - intersection:
                - tag: foo
                - tag: bar
            - exclude:
              - tag: bar`);
    const manifest = config.manifest as Record<string, { definition: unknown }>;
    expect(manifest['inherited']!.definition).toEqual(manifest['comparison']!.definition);
    expect(config.selectors.get('inherited')!.spec).toEqual(config.selectors.get('comparison')!.spec);
  });
});

describe('selectors.yml problems dbt reports less precisely', () => {
  it.each<[string, string, string]>([
    ['a selector without a name', `selectors:\n  - definition: tag:a`, "selectors.yml:2: selector 1 has no name: 'name' is a required property"],
    ['a selector without a definition', `selectors:\n  - name: a`, "selectors.yml:2: selector 'a' has no definition: 'definition' is a required property"],
    ['two selectors of one name', `selectors:\n  - name: a\n    definition: tag:a\n  - name: a\n    definition: tag:b`, "selectors.yml:4: two selectors are named 'a'"],
    [
      'a default that is not a boolean',
      `selectors:\n  - name: a\n    definition: tag:a\n    default: yes please`,
      'selectors.yml:4: selector \'a\': default must be true or false, not "yes please"',
    ],
    [
      'a string with a space (dbt reads it whole and matches nothing)',
      `selectors:\n  - name: a\n    definition: tag:a tag:b`,
      "selectors.yml:3: the definition 'tag:a tag:b' holds spaces or commas: in selectors.yml a string is one selector (dbt reads it whole, so it would match nothing)",
    ],
    [
      'an unknown indirect_selection',
      `selectors:\n  - name: a\n    definition:\n      method: tag\n      value: a\n      indirect_selection: lazy`,
      "selectors.yml:6: 'lazy' is not a valid IndirectSelection",
    ],
    [
      '@ and children together',
      `selectors:\n  - name: a\n    definition:\n      method: tag\n      value: a\n      children: true\n      childrens_parents: true`,
      'selectors.yml:4: Invalid node spec tag:a - "@" prefix and "+" suffix are incompatible',
    ],
    [
      'a bad depth',
      `selectors:\n  - name: a\n    definition:\n      method: tag\n      value: a\n      parents: true\n      parents_depth: two`,
      'selectors.yml:7: Invalid node spec - could not handle parents depth two',
    ],
    [
      'an unknown env var',
      `selectors:\n  - name: a\n    definition: "tag:{{ env_var('SPARKDBT_NOT_SET_X') }}"`,
      "selectors.yml:3: Env var required but not provided: 'SPARKDBT_NOT_SET_X'",
    ],
    [
      'Jinja other than env_var and var',
      `selectors:\n  - name: a\n    definition: "tag:{{ target.name }}"`,
      'selectors.yml:3: holds Jinja sparkdbt does not render in selectors.yml: "tag:{{ target.name }}"',
    ],
    [
      'YAML that does not parse',
      `selectors:\n  - name: a\n    definition: [tag:a`,
      'selectors.yml:3: Could not read selector file: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
  ])('%s', (_name, text, expected) => {
    expect(failure(text)).toBe(expected);
  });

  it("renders env_var() and var() (from --vars) as dbt's project renderer does", () => {
    const config = parse(`selectors:\n  - name: a\n    definition: "tag:{{ env_var('SEL_TAG') }}"\n  - name: b\n    definition:\n      tag: "{{ var('tag', 'fallback') }}"`, {
      env: { SEL_TAG: 'nightly' },
      vars: {},
    });
    expect(config.manifest).toEqual({
      a: { name: 'a', definition: { method: 'tag', value: 'nightly' } },
      b: { name: 'b', definition: { method: 'tag', value: 'fallback' } },
    });
  });

  it('warns of keys beside a nested union, which dbt ignores', () => {
    const config = parse(`selectors:\n  - name: a\n    definition:\n      union:\n        - intersection: [tag:a, tag:b]\n          tag: c`);
    expect(config.warnings).toEqual(["selectors.yml:6: key 'tag' beside intersection: is ignored (as in dbt)"]);
  });

  it('warns of keys dbt ignores, at their line', () => {
    const config = parse(`selectors:\n  - name: a\n    descripton: typo\n    definition:\n      method: tag\n      value: a\n      parent: true`);
    expect(config.warnings).toEqual([
      "selectors.yml:3: unknown key 'descripton' of a selector is ignored (did you mean 'description'?)",
      "selectors.yml:7: unknown key 'parent' of a selector definition is ignored (did you mean 'parents'?)",
    ]);
  });
});

describe('--selector and the default selector (dbt get_selection_spec)', () => {
  const config = parse(`selectors:\n  - name: nightly\n    definition: tag:nightly\n    default: true\n  - name: hourly\n    definition: tag:hourly`);

  it.each<[string, Parameters<typeof chooseSelector>[1], string | undefined, readonly string[]]>([
    ['--selector names one', { selector: 'hourly' }, 'hourly', []],
    ['no selection: the default', {}, 'nightly', []],
    ['--select: no selector', { select: ['a'] }, undefined, []],
    ['--exclude: no selector', { exclude: ['a'] }, undefined, []],
    [
      '--selector with --select and --exclude',
      { selector: 'hourly', select: ['a'], exclude: ['b'] },
      'hourly',
      ['--select and --exclude are not used: --selector hourly decides the selection (as in dbt)'],
    ],
  ])('%s', (_name, options, name, warnings) => {
    const chosen = chooseSelector(config, options);
    expect(chosen?.name).toBe(name);
    expect(chosen?.warnings ?? []).toEqual(warnings);
  });

  it("says dbt's 'Using default selector'", () => {
    expect(chooseSelector(config, {})?.notes).toEqual(['Using default selector nightly']);
  });

  it('an unknown --selector is an error naming the ones there are', () => {
    const error = thrown(() => chooseSelector(config, { selector: 'nightlyy' }));
    expect(error.message).toBe("Could not find selector named nightlyy, expected one of ['nightly', 'hourly']");
    expect(error.hint).toBe("did you mean 'nightly'?");
  });

  it('--selector without a selectors.yml is an error', () => {
    expect(thrown(() => chooseSelector(undefined, { selector: 'x' })).message).toBe('Could not find selector named x, expected one of []');
  });
});

describe('selectSpec: a selector evaluated on a graph', () => {
  //   a ── b ── c      (b tagged nightly, c tagged hourly)
  const graph = buildTestGraph({ models: [{ name: 'a' }, { name: 'b', refs: ['a'], tags: ['nightly'] }, { name: 'c', refs: ['b'], tags: ['hourly'] }] });
  const labels = (text: string, name: string): string[] => {
    const config = parse(text);
    return selectSpec(graph, config.selectors.get(name)!.spec, {}).selected.map((id) => nodeLabel(graph, id));
  };

  it.each<[string, string, readonly string[]]>([
    [
      'full form with parents and an exclude',
      `selectors:\n  - name: s\n    definition:\n      method: tag\n      value: nightly\n      parents: true\n      children: true\n      exclude:\n        - tag:hourly`,
      ['a', 'b'],
    ],
    ['parents_depth', `selectors:\n  - name: s\n    definition:\n      method: fqn\n      value: c\n      parents: true\n      parents_depth: 1`, ['b', 'c']],
    ['union with an exclude', `selectors:\n  - name: s\n    definition:\n      union:\n        - "+c"\n        - exclude:\n          - a`, ['b', 'c']],
    [
      'a selector of a selector, intersected',
      `selectors:\n  - name: up\n    definition: +c\n  - name: s\n    definition:\n      intersection:\n        - method: selector\n          value: up\n        - tag:nightly`,
      ['b'],
    ],
    ['an intersection of nothing in common', `selectors:\n  - name: s\n    definition:\n      intersection:\n        - a\n        - c`, []],
  ])('%s', (_name, text, expected) => {
    expect(labels(text, 's')).toEqual(expected);
  });
});
