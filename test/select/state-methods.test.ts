import { describe, expect, it } from 'vitest';
import { selectNodes, type SelectionState, type StateCheck } from '../../src/select/index.js';
import { buildTestGraph, nodeLabel } from '../support/graph-builder.js';
import { thrown } from '../support/thrown.js';

//   a ── b ── c
//    └── d      e (new)
const graph = buildTestGraph({
  models: [{ name: 'a' }, { name: 'b', refs: ['a'] }, { name: 'c', refs: ['b'] }, { name: 'd', refs: ['a'] }, { name: 'e' }],
});
const id = (name: string) => `model.sparkify.${name}`;

// A previous run: a succeeded, b failed, c was skipped, d succeeded; e did not exist. b's body and d's config changed since.
const state: SelectionState = {
  path: 'prod',
  results: new Map([
    [id('a'), 'success'],
    [id('b'), 'error'],
    [id('c'), 'skipped'],
    [id('d'), 'success'],
  ]),
  compare: (check: StateCheck, uniqueId: string) => {
    const changes: Record<string, readonly string[]> = {
      new: [id('e')],
      modified: [id('b'), id('d'), id('e')],
      'modified.body': [id('b'), id('e')],
      'modified.configs': [id('d'), id('e')],
      'modified.relation': [id('e')],
      'modified.macros': [],
    };
    return changes[check]!.includes(uniqueId);
  },
};

function labels(select: readonly string[], exclude: readonly string[] = []): string[] {
  return selectNodes(graph, { select, exclude, state })
    .selected.map((uid) => nodeLabel(graph, uid))
    .sort();
}

describe('result: and state: selectors', () => {
  it.each<[readonly string[], readonly string[], readonly string[]]>([
    [['result:error'], [], ['b']],
    [['result:error+'], [], ['b', 'c']],
    [['+result:error'], [], ['a', 'b']],
    [['result:skipped'], [], ['c']],
    [['result:error', 'result:skipped'], [], ['b', 'c']],
    [['result:success'], [], ['a', 'd']],
    [['result:success'], ['d'], ['a']],
    [['result:fail'], [], []],
    [['state:new'], [], ['e']],
    [['state:modified'], [], ['b', 'd', 'e']],
    [['state:modified+'], [], ['b', 'c', 'd', 'e']],
    [['state:modified.body'], [], ['b', 'e']],
    [['state:modified.configs'], [], ['d', 'e']],
    [['state:modified.relation'], [], ['e']],
    [['state:modified.macros'], [], []],
    [['state:modified,result:error'], [], ['b']],
    [['tag:x'], ['state:modified'], []],
  ])('%j excluding %j selects %j', (select, exclude, expected) => {
    expect(labels(select, exclude)).toEqual(expected);
  });

  it.each(['result:error', 'state:modified+', 'songplays result:fail'])('%s without --state is an error saying so, as dbt', (selector) => {
    const error = thrown(() => selectNodes(graph, { select: [selector] }));
    expect(error.code).toBe('state-invalid');
    expect(error.message).toMatch(/needs --state/);
    expect(error.hint).toMatch(/--state <dir>/);
  });

  it('an exclude of state: without --state is an error too', () => {
    expect(thrown(() => selectNodes(graph, { exclude: ['state:new'] })).code).toBe('state-invalid');
  });

  it('a state folder without run_results.json names the missing file', () => {
    const error = thrown(() => selectNodes(graph, { select: ['result:error'], state: { ...state, results: undefined } }));
    expect(error.message).toBe("The selector 'result:error' needs run_results.json in the --state folder prod, which has none");
  });

  it('a state folder without manifest.json names the missing file', () => {
    const error = thrown(() => selectNodes(graph, { select: ['state:new'], state: { ...state, compare: undefined } }));
    expect(error.message).toBe("The selector 'state:new' needs manifest.json in the --state folder prod, which has none");
  });
});
