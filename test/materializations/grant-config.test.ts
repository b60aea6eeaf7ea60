import { describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import { Relation } from '../../src/core/relation.js';
import { diffGrants, mergeGrants, readGrants, standardizeGrants } from '../../src/materializations/grant-config.js';
import { grantStatements, shouldRevoke } from '../../src/materializations/grants.js';

// dbt's rules for grants: config merging (dbt-core BaseConfig, MergeBehavior.DictKeyAppend), the
// difference (dbt-adapters' diff_of_two_dicts), standardize_grants_dict and should_revoke.

describe('merging grants along the config levels', () => {
  it.each([
    ['a privilege replaces the inherited grantees', { select: ['a'] }, { select: ['b'] }, { select: ['b'] }],
    ['+privilege adds to them', { select: ['a'] }, { '+select': ['b'] }, { select: ['a', 'b'] }],
    ['other privileges are kept', { select: ['a'] }, { insert: 'w' }, { select: ['a'], insert: ['w'] }],
    ['+privilege with nothing inherited', undefined, { '+select': 'b' }, { select: ['b'] }],
    ['an empty list clears the privilege', { select: ['a'] }, { select: [] }, { select: [] }],
  ])('%s', (_label, inherited, next, merged) => {
    expect(mergeGrants(inherited, next)).toEqual(merged);
  });
});

describe('checking the grants config', () => {
  it('reads a grantee or a list of grantees per privilege', () => {
    expect(readGrants({ select: 'a', insert: ['b', ' c ', 'b'] })).toEqual({ grants: { select: ['a'], insert: ['b', 'c'] } });
    expect(readGrants(undefined)).toEqual({ grants: {} });
  });
  it.each([
    [['select'], "config 'grants' must map privileges to grantees ({select: ['reporter']}), got [\"select\"]"],
    [{ select: [1] }, 'grants.select: grantees must be role names, got 1'],
    [{ 'select; drop table x': ['a'] }, "grants: 'select; drop table x' is not a privilege (select, insert, update, delete, references, …)"],
  ])('%j is an error', (value, problem) => {
    expect(readGrants(value)).toEqual({ problem });
  });
});

describe('the difference of two grant configs', () => {
  it('is case-insensitive and keeps the first one’s case', () => {
    expect(diffGrants({ select: ['A', 'b'], insert: ['c'] }, { SELECT: ['a'] })).toEqual({ select: ['b'], insert: ['c'] });
    expect(diffGrants({ select: ['a'] }, { select: ['A'] })).toEqual({});
  });
  it('standardizes the show-grants rows', () => {
    expect(
      standardizeGrants([
        { grantee: 'a', privilege_type: 'SELECT' },
        { grantee: 'b', privilege_type: 'SELECT' },
        { grantee: 'a', privilege_type: 'INSERT' },
      ]),
    ).toEqual({ SELECT: ['a', 'b'], INSERT: ['a'] });
  });
  it('revokes what is not wanted, then grants what is missing', () => {
    const dialect = dialectFor('postgres');
    const relation = new Relation('s', 't', (n) => dialect.quoteIdentifier(n));
    expect(grantStatements(dialect, relation, { select: ['b', 'c'] }, { SELECT: ['a', 'b'] })).toEqual(['revoke SELECT on "s"."t" from a', 'grant select on "s"."t" to c']);
    expect(grantStatements(dialect, relation, { select: ['a'] }, { SELECT: ['a'] })).toEqual([]);
  });
});

describe('should_revoke: whether the grants in place are read first', () => {
  it.each([
    ['postgres', false, true, false],
    ['postgres', true, true, false],
    ['postgres', true, false, true],
    ['redshift', true, true, true],
    ['redshift', false, false, false],
  ] as const)('%s, exists %s, rebuilt %s: %s', (type, exists, rebuilt, revoke) => {
    expect(shouldRevoke(dialectFor(type), exists, rebuilt)).toBe(revoke);
  });
});
