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
  readonly command: 'run' | 'compile' | 'ls' | 'seed' | 'test' | 'build' | 'snapshot' | 'parse';
  readonly prepared: PreparedProject;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly startedAt: Date;
  /** The command's arguments (commandArgs). */
  readonly args: Readonly<Record<string, unknown>>;
  /** compile: the models it compiled, with the SQL it wrote to target/compiled/. */
  readonly compiled?: ReadonlyMap<string, CompiledNode>;
  /** compile: the data tests it compiled, with the SQL it wrote to target/compiled/, by unique id. */
  readonly compiledTests?: ReadonlyMap<string, string>;
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
  // Tests' and snapshots' compiled SQL, as the run compiled it (compile: as it compiled the tests).
  const compiledTests = run
    ? new Map(
        run.results.flatMap((r) => ((r.resourceType === 'test' || r.resourceType === 'snapshot') && r.compiledCode !== undefined ? [[r.uniqueId, r.compiledCode] as const] : [])),
      )
    : (input.compiledTests ?? new Map<string, string>());
  writeJsonAtomic(
    path.join(root, written[0]!),
    buildManifest({ prepared, invocation, command: input.command === 'ls' || input.command === 'compile' ? input.command : 'run', compiled, compiledTests }),
  );
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
    const fd = fs.openSync(temporary, 'w');
    try {
      writeJson(fd, value);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** Text gathered before each write to the file. */
const CHUNK_CHARS = 1 << 20;

/**
 * Writes exactly JSON.stringify(value) to `fd`, a piece at a time: the members of the top two
 * levels are stringified one by one, so a large project's manifest (tens of MB) is never held as
 * one string and one buffer besides its tree.
 */
export function writeJson(fd: number, value: Json): void {
  let pending: string[] = [];
  let pendingChars = 0;
  const out = (text: string) => {
    pending.push(text);
    pendingChars += text.length;
    if (pendingChars >= CHUNK_CHARS) flush();
  };
  const flush = () => {
    if (pending.length > 0) fs.writeSync(fd, pending.join(''));
    pending = [];
    pendingChars = 0;
  };
  const write = (item: unknown, depth: number): void => {
    if (depth === 0 || typeof item !== 'object' || item === null || typeof (item as { toJSON?: unknown }).toJSON === 'function') {
      out(JSON.stringify(item) ?? 'null');
      return;
    }
    if (Array.isArray(item)) {
      out('[');
      item.forEach((element: unknown, i) => {
        if (i > 0) out(',');
        write(element, depth - 1);
      });
      out(']');
      return;
    }
    out('{');
    let first = true;
    for (const [key, member] of Object.entries(item)) {
      // What JSON.stringify leaves out of an object: undefined, functions, symbols.
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
      out(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      write(member, depth - 1);
    }
    out('}');
  };
  write(value, 2);
  flush();
}

/** The models a run compiled, with the SQL it wrote to target/compiled/. */
function compiledForRun(run: RunResult): Map<string, CompiledNode> {
  const compiled = new Map<string, CompiledNode>();
  for (const result of run.results) if (result.compiled !== undefined) compiled.set(result.uniqueId, result.compiled);
  return compiled;
}
