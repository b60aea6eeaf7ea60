import fs from 'node:fs';
import path from 'node:path';
import type { PreparedProject } from '../compile/compile-project.js';
import type { RunResult } from '../run/types.js';
import type { Json } from './json-values.js';
import { newInvocation } from './invocation.js';
import { buildManifest } from './manifest.js';
import type { CompiledNode } from './manifest-nodes.js';
import { buildRunResults } from './run-results.js';

/** What a command hands over once it is done, for target/manifest.json (and run_results.json after run). */
export interface CommandArtifacts {
  readonly command: 'run' | 'compile' | 'ls';
  readonly prepared: PreparedProject;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly startedAt: Date;
  /** The command's arguments (commandArgs). */
  readonly args: Readonly<Record<string, unknown>>;
  /** compile: the models it compiled, with the SQL it wrote to target/compiled/. */
  readonly compiled?: ReadonlyMap<string, CompiledNode>;
  /** run: the run's results. */
  readonly run?: RunResult;
}

/**
 * Writes target/manifest.json after every command and target/run_results.json after run, each
 * atomically; returns the paths written, relative to the project root.
 */
export function writeCommandArtifacts(input: CommandArtifacts): string[] {
  const { prepared, run } = input;
  const invocation = newInvocation(input.env, { ...(run ? { id: run.invocationId } : {}), startedAt: input.startedAt });
  const compiled = run ? compiledForRun(run) : (input.compiled ?? new Map<string, CompiledNode>());
  const targetPath = prepared.project.config.targetPath;
  const written = [path.posix.join(targetPath, 'manifest.json')];
  const root = prepared.project.config.root;
  writeJsonAtomic(path.join(root, written[0]!), buildManifest({ prepared, invocation, command: input.command, compiled }));
  if (run) {
    written.push(path.posix.join(targetPath, 'run_results.json'));
    writeJsonAtomic(path.join(root, written[1]!), buildRunResults({ prepared, invocation, results: run.results, compiled, elapsedMs: run.elapsedMs, args: input.args }));
  }
  return written;
}

/** Writes `value` as JSON to a temporary file beside `file`, then renames it over `file`: never half a file. */
export function writeJsonAtomic(file: string, value: Json): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(temporary, JSON.stringify(value));
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** The models a run compiled, with the SQL it wrote to target/compiled/. */
function compiledForRun(run: RunResult): Map<string, CompiledNode> {
  const compiled = new Map<string, CompiledNode>();
  for (const result of run.results) if (result.compiled !== undefined) compiled.set(result.uniqueId, result.compiled);
  return compiled;
}
