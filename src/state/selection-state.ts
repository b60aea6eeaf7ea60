import type { PreparedProject } from '../compile/compile-project.js';
import { newInvocation } from '../artifacts/invocation.js';
import { buildManifest } from '../artifacts/manifest.js';
import type { SelectionState } from '../select/index.js';
import { stateComparer } from './compare-state.js';
import { isRecord, type JsonRecord, type StateFolder, type StateManifest } from './read-state.js';

/**
 * What `--state` gives selection: each node's previous status (result:) and a comparison of this
 * project with the state's manifest (state:), built from the manifest this command would write.
 */
export function selectionState(prepared: PreparedProject, folder: StateFolder, env: Readonly<Record<string, string | undefined>>): SelectionState {
  const { manifest, runResults } = folder;
  return {
    path: folder.path,
    results: runResults === undefined ? undefined : new Map(runResults.results.map((r) => [r.uniqueId, r.status])),
    compare: manifest === undefined ? undefined : stateComparer(currentManifest(prepared, env), manifest),
  };
}

/** This project as the manifest `ls` would write (no model compiled), read back as state. */
export function currentManifest(prepared: PreparedProject, env: Readonly<Record<string, string | undefined>>): StateManifest {
  const json = buildManifest({ prepared, invocation: newInvocation(env), command: 'ls', compiled: new Map() }) as JsonRecord;
  const entries = (value: unknown) => new Map(isRecord(value) ? Object.entries(value).filter((e): e is [string, JsonRecord] => isRecord(e[1])) : []);
  return { nodes: entries(json['nodes']), sources: entries(json['sources']), macros: entries(json['macros']), unitTests: entries(json['unit_tests']) };
}
