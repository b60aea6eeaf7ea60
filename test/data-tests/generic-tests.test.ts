import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/errors.js';
import { buildGenericTests } from '../../src/data-tests/build-generic-tests.js';
import { pythonRepr } from '../../src/core/python-values.js';
import { synthesizeTestNames } from '../../src/data-tests/test-names.js';
import type { GenericTestNode } from '../../src/data-tests/types.js';
import { parsePropertiesFile } from '../../src/properties/parse-properties.js';

function testsOf(project: string, file: string, text: string): GenericTestNode[] {
  const result = parsePropertiesFile(file, text);
  if (!result.ok) throw new Error(result.errors.map(formatError).join('\n'));
  return buildGenericTests(project, result.value);
}

// jaffle_shop_duckdb's two schema.yml files (dbt's older direct form), and the unique ids of the
// 20 tests a real dbt parse of them gives (from a committed manifest check of that project).
const JAFFLE_MODELS = `version: 2
models:
  - name: customers
    columns:
      - name: customer_id
        tests: [unique, not_null]
  - name: orders
    columns:
      - name: order_id
        tests: [unique, not_null]
      - name: customer_id
        tests:
          - not_null
          - relationships:
              to: ref('customers')
              field: customer_id
      - name: status
        tests:
          - accepted_values:
              values: ['placed', 'shipped', 'completed', 'return_pending', 'returned']
      - {name: amount, tests: [not_null]}
      - {name: credit_card_amount, tests: [not_null]}
      - {name: coupon_amount, tests: [not_null]}
      - {name: bank_transfer_amount, tests: [not_null]}
      - {name: gift_card_amount, tests: [not_null]}
`;
const JAFFLE_STAGING = `version: 2
models:
  - name: stg_customers
    columns:
      - {name: customer_id, tests: [unique, not_null]}
  - name: stg_orders
    columns:
      - {name: order_id, tests: [unique, not_null]}
      - name: status
        tests:
          - accepted_values:
              values: ['placed', 'shipped', 'completed', 'return_pending', 'returned']
  - name: stg_payments
    columns:
      - {name: payment_id, tests: [unique, not_null]}
      - name: payment_method
        tests:
          - accepted_values:
              values: ['credit_card', 'coupon', 'bank_transfer', 'gift_card']
`;
const JAFFLE_IDS = [
  'test.jaffle_shop.accepted_values_orders_status__placed__shipped__completed__return_pending__returned.be6b5b5ec3',
  'test.jaffle_shop.accepted_values_stg_orders_status__placed__shipped__completed__return_pending__returned.080fb20aad',
  'test.jaffle_shop.accepted_values_stg_payments_payment_method__credit_card__coupon__bank_transfer__gift_card.3c3820f278',
  'test.jaffle_shop.not_null_customers_customer_id.5c9bf9911d',
  'test.jaffle_shop.not_null_orders_amount.106140f9fd',
  'test.jaffle_shop.not_null_orders_bank_transfer_amount.7743500c49',
  'test.jaffle_shop.not_null_orders_coupon_amount.ab90c90625',
  'test.jaffle_shop.not_null_orders_credit_card_amount.d3ca593b59',
  'test.jaffle_shop.not_null_orders_customer_id.c5f02694af',
  'test.jaffle_shop.not_null_orders_gift_card_amount.413a0d2d7a',
  'test.jaffle_shop.not_null_orders_order_id.cf6c17daed',
  'test.jaffle_shop.not_null_stg_customers_customer_id.e2cfb1f9aa',
  'test.jaffle_shop.not_null_stg_orders_order_id.81cfe2fe64',
  'test.jaffle_shop.not_null_stg_payments_payment_id.c19cc50075',
  'test.jaffle_shop.relationships_orders_customer_id__customer_id__ref_customers_.c6ec7f58f2',
  'test.jaffle_shop.unique_customers_customer_id.c5af1ff4b1',
  'test.jaffle_shop.unique_orders_order_id.fed79b3a6e',
  'test.jaffle_shop.unique_stg_customers_customer_id.c7614daada',
  'test.jaffle_shop.unique_stg_orders_order_id.e3b841c71a',
  'test.jaffle_shop.unique_stg_payments_payment_id.3744510712',
];

describe('generic test unique ids match dbt', () => {
  const jaffle = [...testsOf('jaffle_shop', 'models/schema.yml', JAFFLE_MODELS), ...testsOf('jaffle_shop', 'models/staging/schema.yml', JAFFLE_STAGING)];

  it('gives the 20 unique ids dbt gives jaffle_shop', () => {
    expect(jaffle.map((t) => t.uniqueId).sort()).toEqual(JAFFLE_IDS);
  });

  it('gives the arguments: form the same ids as the direct form', () => {
    const modern = testsOf(
      'jaffle_shop',
      'models/schema.yml',
      JAFFLE_MODELS.replace(
        "              to: ref('customers')\n              field: customer_id",
        "              arguments:\n                to: ref('customers')\n                field: customer_id",
      ).replace("              values: ['placed'", "              arguments:\n                values: ['placed'"),
    );
    expect(modern.map((t) => t.uniqueId)).toEqual(testsOf('jaffle_shop', 'models/schema.yml', JAFFLE_MODELS).map((t) => t.uniqueId));
    expect(modern.find((t) => t.testName === 'accepted_values')!.kwargs).toMatchObject({ values: ['placed', 'shipped', 'completed', 'return_pending', 'returned'] });
  });

  it("makes the relationships test depend on the referenced model, then the tested one (dbt's refs order)", () => {
    const rel = jaffle.find((t) => t.testName === 'relationships')!;
    expect(rel.dependsOn).toEqual([
      { kind: 'ref', name: 'customers' },
      { kind: 'ref', name: 'orders' },
    ]);
    expect(rel.attachedNode).toBe('model.jaffle_shop.orders');
    expect(rel.kwargs).toEqual({ to: "ref('customers')", field: 'customer_id', column_name: 'customer_id', model: "{{ get_where_subquery(ref('orders')) }}" });
  });

  it('names the fqn and path as dbt: folders below the model path, and <short name>.sql', () => {
    const t = jaffle.find((n) => n.name === 'unique_stg_customers_customer_id')!;
    expect(t.fqn).toEqual(['jaffle_shop', 'staging', 'unique_stg_customers_customer_id']);
    expect(t.path).toBe('unique_stg_customers_customer_id.sql');
  });
});

describe('generic test names (synthesize_generic_test_names)', () => {
  it.each([
    ['unique', 'users', { column_name: 'user_id' }, 'unique_users_user_id'],
    ['accepted_values', 'users', { column_name: 'level', values: ['free', 'paid'] }, 'accepted_values_users_level__free__paid'],
    ['relationships', 'songplays', { column_name: 'user_id', to: "ref('users')", field: 'user_id' }, 'relationships_songplays_user_id__user_id__ref_users_'],
    ['accepted_values', 'songs', { column_name: 'year', values: [1990, 2000], quote: false }, 'accepted_values_songs_year__False__1990__2000'],
    ['dbt_utils_expression_is_true', 'orders', { expression: 'amount >= 0' }, 'dbt_utils_expression_is_true_orders_amount_0'],
    ['source_not_null', 'raw_events', { column_name: 'ts' }, 'source_not_null_raw_events_ts'],
    ['my_test', 'users', { mapping: { b: 'x y', a: 'z' }, model: 'ignored' }, 'my_test_users_x_y__z'],
  ])('%s on %s %j → %s', (type, target, args, name) => {
    expect(synthesizeTestNames(type, target, args)).toEqual({ shortName: name, fullName: name });
  });

  it('hashes a name of 64 or more characters: the first 30 characters of <type>_<target>, _, md5 of the full name', () => {
    const sixtyThree = synthesizeTestNames('not_null', 'users', { column_name: 'c'.repeat(63 - 'not_null_users_'.length) });
    expect(sixtyThree.fullName).toHaveLength(63);
    expect(sixtyThree.shortName).toBe(sixtyThree.fullName);
    const sixtyFour = synthesizeTestNames('not_null', 'users', { column_name: 'c'.repeat(64 - 'not_null_users_'.length) });
    expect(sixtyFour.fullName).toHaveLength(64);
    expect(sixtyFour.shortName).toMatch(/^not_null_users_[0-9a-f]{32}$/);
    const jaffle = synthesizeTestNames('accepted_values', 'orders', { column_name: 'status', values: ['placed', 'shipped', 'completed', 'return_pending', 'returned'] });
    expect(jaffle).toEqual({
      shortName: 'accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758',
      fullName: 'accepted_values_orders_status__placed__shipped__completed__return_pending__returned',
    });
    const payments = synthesizeTestNames('accepted_values', 'stg_payments', { column_name: 'payment_method', values: ['credit_card', 'coupon', 'bank_transfer', 'gift_card'] });
    expect(payments.shortName).toMatch(/^accepted_values_stg_payments_[0-9a-f]{32}$/);
    // Only 30 characters of a longer <type>_<target> are kept.
    const longTarget = synthesizeTestNames('accepted_values', 'staging_events_enriched', { column_name: 'page', values: ['NextSong', 'Home', 'Login'] });
    expect(longTarget.shortName).toMatch(/^accepted_values_staging_events_[0-9a-f]{32}$/);
  });

  it('uses the hashed short name as the alias and path, the full name in the unique id and fqn', () => {
    const [t] = testsOf(
      'sparkify',
      'models/marts/_marts.yml',
      "models:\n  - name: orders\n    columns:\n      - name: status\n        data_tests:\n          - accepted_values:\n              arguments:\n                values: ['placed', 'shipped', 'completed', 'return_pending', 'returned']\n",
    );
    expect(t!.name).toBe('accepted_values_orders_status__placed__shipped__completed__return_pending__returned');
    expect(t!.config.alias).toBe('accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758');
    expect(t!.path).toBe('accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758.sql');
    expect(t!.fqn).toEqual(['sparkify', 'marts', t!.name]);
  });

  it('takes a user-given name for the name, alias and path', () => {
    const [t] = testsOf(
      'sparkify',
      'models/_m.yml',
      'models:\n  - name: users\n    columns:\n      - name: user_id\n        data_tests:\n          - unique:\n              name: one_row_per_user\n',
    );
    expect([t!.name, t!.config.alias, t!.path, t!.uniqueId.split('.').slice(0, 3).join('.')]).toEqual([
      'one_row_per_user',
      'one_row_per_user',
      'one_row_per_user.sql',
      'test.sparkify.one_row_per_user',
    ]);
  });

  it('names and wires source, seed, namespaced and model-level tests', () => {
    const tests = testsOf(
      'sparkify',
      'models/_sources.yml',
      `sources:
  - name: raw
    tables:
      - name: events
        columns:
          - name: ts
            data_tests: [not_null]
seeds:
  - name: us_holidays
    columns:
      - name: holiday_date
        data_tests: [unique]
models:
  - name: songplays
    data_tests:
      - dbt_utils.expression_is_true:
          arguments:
            expression: "session_id >= 0"
      - row_count_matches:
          arguments:
            other: "{{ source('raw', 'events') }}"
`,
    );
    expect(tests.map((t) => [t.name, t.target, t.attachedNode, t.dependsOn, t.columnName])).toEqual([
      ['dbt_utils_expression_is_true_songplays_session_id_0', { kind: 'model', name: 'songplays' }, 'model.sparkify.songplays', [{ kind: 'ref', name: 'songplays' }], undefined],
      [
        'row_count_matches_songplays__source_raw_events_',
        { kind: 'model', name: 'songplays' },
        'model.sparkify.songplays',
        [
          { kind: 'source', sourceName: 'raw', tableName: 'events' },
          { kind: 'ref', name: 'songplays' },
        ],
        undefined,
      ],
      ['unique_us_holidays_holiday_date', { kind: 'seed', name: 'us_holidays' }, 'seed.sparkify.us_holidays', [{ kind: 'ref', name: 'us_holidays' }], 'holiday_date'],
      ['source_not_null_raw_events_ts', { kind: 'source', sourceName: 'raw', tableName: 'events' }, undefined, [{ kind: 'source', sourceName: 'raw', tableName: 'events' }], 'ts'],
    ]);
    expect(tests[0]!.namespace).toBe('dbt_utils');
    expect(tests[3]!.kwargs['model']).toBe("{{ get_where_subquery(source('raw', 'events')) }}");
  });

  it("orders tests as dbt: a model's columns' tests before its own, a source table's own before its columns'", () => {
    const tests = testsOf(
      'sparkify',
      'models/_m.yml',
      `models:
  - name: users
    data_tests: [my_model_test]
    columns:
      - {name: user_id, data_tests: [unique]}
sources:
  - name: raw
    tags: [raw]
    tables:
      - name: events
        tags: events
        data_tests: [my_table_test]
        columns:
          - name: ts
            tags: [time]
            config: {tags: [late]}
            data_tests:
              - not_null:
                  config: {tags: [nightly, late]}
`,
    );
    expect(tests.map((t) => [t.name, t.tags])).toEqual([
      ['unique_users_user_id', []],
      ['my_model_test_users_', []],
      ['source_my_table_test_raw_events_', ['events', 'raw']],
      ['source_not_null_raw_events_ts', ['events', 'late', 'nightly', 'raw', 'time']],
    ]);
  });

  it('quotes the column of a quote: true column, as dbt', () => {
    const [t] = testsOf('sparkify', 'models/_m.yml', 'models:\n  - name: users\n    columns:\n      - name: User Id\n        quote: true\n        data_tests: [not_null]\n');
    expect([t!.columnName, t!.name]).toEqual(['"User Id"', 'not_null_users__User_Id_']);
    const quoted = testsOf(
      'sparkify',
      'models/_m.yml',
      'models:\n  - name: users\n    quote_columns: true\n    columns:\n      - {name: Level, data_tests: [not_null]}\n      - {name: id, quote: false, data_tests: [not_null]}\n',
    );
    expect(quoted.map((n) => n.columnName)).toEqual(['"Level"', 'id']);
  });
});

describe('test config defaults and store_failures (TestConfig)', () => {
  const configOf = (config: string) =>
    testsOf(
      'sparkify',
      'models/_m.yml',
      `models:\n  - name: users\n    columns:\n      - name: user_id\n        data_tests:\n          - unique:\n              config: ${config}\n`,
    )[0]!.config;

  it.each([
    [
      '{}',
      {
        severity: 'ERROR',
        warn_if: '!= 0',
        error_if: '!= 0',
        fail_calc: 'count(*)',
        where: undefined,
        limit: undefined,
        store_failures: undefined,
        store_failures_as: undefined,
        tags: [],
        enabled: true,
        meta: {},
        schema: 'dbt_test__audit',
        alias: 'unique_users_user_id',
      },
    ],
    ['{severity: wArN}', { severity: 'WARN' }],
    ["{warn_if: '>10', error_if: '>100'}", { warn_if: '>10', error_if: '>100' }],
    ['{store_failures: true}', { store_failures: true, store_failures_as: 'table' }],
    ['{store_failures: false}', { store_failures: false, store_failures_as: 'ephemeral' }],
    ['{store_failures_as: view}', { store_failures: true, store_failures_as: 'view' }],
    ['{store_failures: true, store_failures_as: ephemeral}', { store_failures: false, store_failures_as: 'ephemeral' }],
    ['{tags: nightly, enabled: false, limit: 0, alias: uu, schema: audit}', { tags: ['nightly'], enabled: false, limit: 0, alias: 'uu', schema: 'audit' }],
    ['{where: "level = \'paid\'", meta: {owner: data}}', { where: "level = 'paid'", meta: { owner: 'data' } }],
  ])('config %s', (config, expected) => {
    expect(configOf(config)).toMatchObject(expected);
  });
});

describe('Python repr, as dbt hashes it', () => {
  it.each([
    [{ a: ['x', 1, true, null], b: "it's" }, `{'a': ['x', 1, True, None], 'b': "it's"}`],
    ['both \' and "', `'both \\' and "'`],
    ['tab\tnew\nline\\', `'tab\\tnew\\nline\\\\'`],
    [1.5, '1.5'],
    [1e-7, '1e-07'],
    [1e20, '1e+20'],
  ])('%j', (value, repr) => {
    expect(pythonRepr(value)).toBe(repr);
  });
});

describe('the Sparkify tests', () => {
  const tests = testsOf('sparkify', 'models/marts/_marts.yml', fs.readFileSync('models/marts/_marts.yml', 'utf8'));

  it('has the names dbt gives them', () => {
    expect(tests.map((t) => t.name)).toEqual([
      'unique_songplays_songplay_id',
      'not_null_songplays_songplay_id',
      'not_null_songplays_start_time',
      'relationships_songplays_start_time__start_time__ref_time_',
      'not_null_songplays_user_id',
      'relationships_songplays_user_id__user_id__ref_users_',
      'accepted_values_songplays_level__free__paid',
      'relationships_songplays_song_id__song_id__ref_songs_',
      'relationships_songplays_artist_id__artist_id__ref_artists_',
      'unique_users_user_id',
      'not_null_users_user_id',
      'accepted_values_users_level__free__paid',
      'accepted_values_users_gender__F__M',
      'not_null_users_history_user_id',
      'relationships_users_history_user_id__user_id__ref_users_',
      'not_null_users_history_change_number',
      'not_null_users_history_level',
      'accepted_values_users_history_level__free__paid',
      'not_null_users_history_valid_from',
      'unique_songs_song_id',
      'not_null_songs_song_id',
      'unique_artists_artist_id',
      'not_null_artists_artist_id',
      'unique_time_start_time',
      'not_null_time_start_time',
    ]);
    expect(new Set(tests.map((t) => t.uniqueId)).size).toBe(tests.length);
    expect(tests.every((t) => /^test\.sparkify\.[a-z_A-Z]+\.[0-9a-f]{10}$/.test(t.uniqueId))).toBe(true);
  });

  it('makes each relationships test depend on its parent dimension and songplays', () => {
    expect(tests.filter((t) => t.testName === 'relationships').map((t) => t.dependsOn.map((d) => (d.kind === 'ref' ? d.name : '')))).toEqual([
      ['time', 'songplays'],
      ['users', 'songplays'],
      ['songs', 'songplays'],
      ['artists', 'songplays'],
      ['users', 'users_history'],
    ]);
  });
});
