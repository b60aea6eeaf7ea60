import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dialectFor } from '../../src/adapters/registry.js';
import { prepareProject } from '../../src/compile/compile-project.js';
import { taskGraph } from '../../src/plan/task-graph.js';
import { withTestEdges } from '../../src/plan/test-edges.js';
import { loadProject } from '../../src/project/load-project.js';
import { REPO_ROOT } from '../support/cli.js';

// dbt's add_test_edges on test/fixtures/tests-mini (a -> b -> c, c also on a): in build, a node waits
// for every test of its upstream nodes whose parents are all upstream of it.
//
//   a ──> b ──> c          unique_a_id, not_null_a_id, accepted_values_a_kind: on a
//   └──────────^           relationships_b_a_id: on a and b;  assert_c_within_b: on b and c
const graph = prepareProject(loadProject(path.join(REPO_ROOT, 'test/fixtures/tests-mini')), { env: {} }, dialectFor).graph;
const short = (id: string) => graph.nodes.get(id)!.name;

function waitsFor(g: typeof graph, name: string, selected?: readonly string[]): string[] {
  const wanted = new Set([...g.nodes.keys()].filter((id) => g.nodes.get(id)!.resourceType !== 'source' && (selected === undefined || selected.includes(short(id)))));
  const edge = taskGraph(g, wanted).find((t) => short(t.uniqueId) === name)!;
  return edge.dependsOn.map(short).sort();
}

describe('withTestEdges (build)', () => {
  it.each<[string, string[] | undefined, string[]]>([
    ['a', undefined, []],
    ['b', undefined, ['a', 'accepted_values_a_kind__x__y', 'not_null_a_id', 'unique_a_id']],
    // c waits for a's and b's tests, relationships_b_a_id included (both its parents are upstream of c); not for its own tests.
    ['c', undefined, ['a', 'accepted_values_a_kind__x__y', 'b', 'not_null_a_id', 'relationships_b_a_id__id__ref_a_', 'unique_a_id']],
    // assert_c_within_b tests c itself: it waits for c, nothing waits for it.
    ['assert_c_within_b', undefined, ['b', 'c']],
    // Selection keeps the test edges of what is selected: c waits for a's unique test through the unselected b.
    ['c', ['a', 'c', 'unique_a_id'], ['a', 'unique_a_id']],
  ])('%s waits for %j (selected %j)', (name, selected, expected) => {
    expect(waitsFor(withTestEdges(graph), name, selected)).toEqual(expected);
  });

  it("adds nothing outside build: run and test keep the graph's edges", () => {
    expect(waitsFor(graph, 'c')).toEqual(['a', 'b']);
  });
});
