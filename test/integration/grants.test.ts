import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/adapters/adapter.js';
import { connectAdapter } from '../../src/adapters/registry.js';
import { openProject } from '../../src/commands/open-project.js';
import { runModels } from '../../src/run/run-models.js';
import { PG_ENV, uniqueSchema } from '../support/postgres.js';

// `grants` applied as dbt's apply_grants does, after each build, on PGlite and PostgreSQL: a new or
// rebuilt relation (PostgreSQL's copy_grants is false) gets every configured grant; a relation changed
// in place (an incremental run, a snapshot) has its grants read from information_schema and only the
// difference revoked and granted. Checked with has_table_privilege and the statements the run sent.

const ROLES = ['h_names_reader', 'h_names_writer', 'h_names_bi'] as const;

const PROJECT = `name: grants_shop
target: local
models:
  grants_shop:
    +grants: {select: [h_names_reader]}
    marts: {+schema: marts}
seeds:
  grants_shop:
    +grants: {select: [h_names_bi]}
targets:
  local: { type: pglite, path: .sparkdbt/pglite, schema: analytics }
  pg: { type: postgres, database: "{{ env_var('PGDATABASE', 'test') }}", schema: "{{ env_var('SPARKDBT_SCHEMA') }}" }
`;

const INCREMENTAL = (grants: string) => `{{ config(materialized='incremental', grants=${grants}) }}\nselect 1 as id`;

const FILES: Record<string, string> = {
  'project.yml': PROJECT,
  'models/marts/facts.sql': "{{ config(materialized='table') }}\nselect 1 as x",
  // The project's select plus this model's own: `+select` adds to the inherited grantees (dbt's DictKeyAppend).
  'models/events.sql': INCREMENTAL("{'+select': ['h_names_bi'], 'insert': ['h_names_writer']}"),
  'seeds/countries.csv': 'code,name\nfr,France\n',
  'snapshots/history.sql':
    "{% snapshot history %}\n{{ config(unique_key='code', strategy='check', check_cols='all', grants={'select': ['h_names_writer']}) }}\nselect * from {{ ref('countries') }}\n{% endsnapshot %}\n",
};

interface Run {
  readonly statuses: Record<string, string>;
  /** The grant, revoke and show-grants statements sent, by node name, in order. */
  readonly dcl: Record<string, string[]>;
}

describe.each(['local', 'pg'] as const)('grants on %s', (target) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-grants-'));
  const schema = target === 'pg' ? uniqueSchema('h_names_grants') : 'analytics';
  const env = { ...process.env, ...PG_ENV, SPARKDBT_SCHEMA: schema };
  let adapter: Adapter;
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

  const write = (files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
  };

  const run = async (): Promise<Run> => {
    const opened = openProject({ projectDir: dir, target, env });
    const dcl: Record<string, string[]> = {};
    const result = await runModels(opened.prepared, adapter, opened.selected, {
      onEvent: (event) => {
        if (event.kind !== 'statement' || event.statement.kind !== 'statement-sent' || event.node === undefined) return;
        const sql = event.statement.sql;
        if (/^(grant|revoke) /m.test(sql) || sql.includes('role_table_grants')) (dcl[event.node.name] ??= []).push(sql.includes('role_table_grants') ? 'show grants' : sql);
      },
      writeArtifact: () => undefined,
    });
    return { statuses: Object.fromEntries(result.results.map((r) => [r.name, r.status])), dcl };
  };

  /** Each role's privileges on `relation` (of select, insert), as has_table_privilege answers. */
  const privileges = async (relation: string): Promise<Record<string, string[]>> => {
    const out: Record<string, string[]> = {};
    for (const role of ROLES) {
      const rows = await adapter.query<{ s: boolean; i: boolean }>(
        `select has_table_privilege('${role}', '${relation}', 'select') as s, has_table_privilege('${role}', '${relation}', 'insert') as i`,
      );
      out[role] = [...(rows[0]!.s ? ['select'] : []), ...(rows[0]!.i ? ['insert'] : [])];
    }
    return out;
  };

  beforeAll(async () => {
    write(FILES);
    adapter = await connectAdapter(openProject({ projectDir: dir, target, env }).prepared.target);
    for (const role of ROLES) await adapter.execute(`do $$ begin create role ${role}; exception when duplicate_object then null; end $$`);
  });

  afterAll(async () => {
    if (target === 'pg') {
      for (const s of [schema, `${schema}_marts`]) await adapter.execute(`drop schema if exists ${q(s)} cascade`);
    }
    await adapter.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('grants every configured privilege after the first build, and builds a custom schema in <target_schema>_<custom>', async () => {
    const first = await run();
    expect(first.statuses).toEqual({ countries: 'success', events: 'success', facts: 'success', history: 'success' });
    // New relations: nothing to revoke, so no grants are read; one statement grants each privilege.
    expect(first.dcl).toEqual({
      countries: [`grant select on ${q(schema)}."countries" to h_names_bi;`],
      events: [`grant select on ${q(schema)}."events" to h_names_reader, h_names_bi;\ngrant insert on ${q(schema)}."events" to h_names_writer;`],
      facts: [`grant select on ${q(`${schema}_marts`)}."facts" to h_names_reader;`],
      history: [`grant select on ${q(schema)}."history" to h_names_writer;`],
    });
    expect(await privileges(`${q(`${schema}_marts`)}."facts"`)).toEqual({ h_names_reader: ['select'], h_names_writer: [], h_names_bi: [] });
    expect(await privileges(`${q(schema)}."events"`)).toEqual({ h_names_reader: ['select'], h_names_writer: ['insert'], h_names_bi: ['select'] });
    expect(await privileges(`${q(schema)}."countries"`)).toEqual({ h_names_reader: [], h_names_writer: [], h_names_bi: ['select'] });
    expect(await privileges(`${q(schema)}."history"`)).toEqual({ h_names_reader: [], h_names_writer: ['select'], h_names_bi: [] });
    const grants = await adapter.query<{ grantee: string; privilege_type: string }>(
      `select grantee, privilege_type from information_schema.role_table_grants where table_schema = '${schema}' and table_name = 'events' and grantee like 'h_names_%' order by 1, 2`,
    );
    expect(grants).toEqual([
      { grantee: 'h_names_bi', privilege_type: 'SELECT' },
      { grantee: 'h_names_reader', privilege_type: 'SELECT' },
      { grantee: 'h_names_writer', privilege_type: 'INSERT' },
    ]);
  });

  it('on a second run with other grants: only the difference on relations changed in place, all of them on rebuilt ones', async () => {
    write({
      // events loses the project's select for h_names_reader: `select` without `+` replaces it.
      'models/events.sql': INCREMENTAL("{'select': ['h_names_bi'], 'insert': ['h_names_writer']}"),
      'models/marts/facts.sql': "{{ config(materialized='table', grants={'select': ['h_names_bi']}) }}\nselect 1 as x",
    });
    const second = await run();
    expect(second.statuses).toEqual({ countries: 'success', events: 'success', facts: 'success', history: 'success' });
    expect(second.dcl).toEqual({
      // A rebuilt table starts with no grants on PostgreSQL: each configured one is granted again.
      countries: [`grant select on ${q(schema)}."countries" to h_names_bi;`],
      // The incremental run keeps its table: the grants in place are read, one revoke is all that differs.
      events: ['show grants', `revoke SELECT on ${q(schema)}."events" from h_names_reader;`],
      facts: [`grant select on ${q(`${schema}_marts`)}."facts" to h_names_bi;`],
      // The snapshot's grants are all in place: read, nothing sent.
      history: ['show grants'],
    });
    expect(await privileges(`${q(schema)}."events"`)).toEqual({ h_names_reader: [], h_names_writer: ['insert'], h_names_bi: ['select'] });
    expect(await privileges(`${q(`${schema}_marts`)}."facts"`)).toEqual({ h_names_reader: [], h_names_writer: [], h_names_bi: ['select'] });
    expect(await privileges(`${q(schema)}."history"`)).toEqual({ h_names_reader: [], h_names_writer: ['select'], h_names_bi: [] });
  });

  it('a grant that fails (an unknown role) fails the model and rolls its build back', async () => {
    write({ 'models/marts/facts.sql': "{{ config(materialized='table', grants={'select': ['h_names_nobody']}) }}\nselect 2 as x" });
    const third = await run();
    expect(third.statuses['facts']).toBe('error');
    // The previous build stands: its row and its grant.
    expect(await adapter.query(`select x from ${q(`${schema}_marts`)}."facts"`)).toEqual([{ x: 1 }]);
    expect(await privileges(`${q(`${schema}_marts`)}."facts"`)).toEqual({ h_names_reader: [], h_names_writer: [], h_names_bi: ['select'] });
  });
});
