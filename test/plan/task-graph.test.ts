import { describe, expect, it } from 'vitest';
import { taskGraph } from '../../src/plan/task-graph.js';
import { buildTestGraph, type ModelSpec } from '../support/graph-builder.js';

const m = (name: string, ...refs: string[]): ModelSpec => ({ name, refs });
const shapes: Record<string, ModelSpec[]> = {
  'fan-out': [m('a'), m('b', 'a'), m('c', 'a'), m('d', 'a')],
  'fan-in': [m('a'), m('b'), m('c'), m('d', 'a', 'b', 'c')],
  diamond: [m('a'), m('b', 'a'), m('c', 'a'), m('d', 'b', 'c')],
  chain: [m('a'), m('b', 'a'), m('c', 'b'), m('d', 'c')],
};

/** `name<-dep,dep` for each task, in plan order. */
function planOf(shape: string, selected?: string[]): string[] {
  const graph = buildTestGraph({ models: shapes[shape]! });
  const ids = new Set([...graph.nodes.keys()].filter((id) => selected === undefined || selected.includes(graph.nodes.get(id)!.name)));
  return taskGraph(graph, ids).map((t) => `${t.uniqueId.split('.').at(-1)}<-${t.dependsOn.map((d) => d.split('.').at(-1)).join(',')}`);
}

describe('taskGraph', () => {
  it.each([
    ['fan-out', undefined, ['a<-', 'b<-a', 'c<-a', 'd<-a']],
    ['fan-in', undefined, ['a<-', 'b<-', 'c<-', 'd<-a,b,c']],
    ['diamond', undefined, ['a<-', 'b<-a', 'c<-a', 'd<-b,c']],
    ['chain', undefined, ['a<-', 'b<-a', 'c<-b', 'd<-c']],
    // As dbt's subset graph: a path through unselected nodes still orders the selected ones.
    ['chain', ['a', 'd'], ['a<-', 'd<-a']],
    ['diamond', ['a', 'd'], ['a<-', 'd<-a']],
    ['diamond', ['b', 'c'], ['b<-', 'c<-']],
  ])('%s selecting %j plans %j', (shape, selected, expected) => {
    expect(planOf(shape, selected)).toEqual(expected);
  });
});
