/**
 * sparkdbt as a library: load project → build graph → select → compile → execute. The CLI
 * (src/cli.ts) is a thin layer over these.
 */
export { loadProject, PROJECT_FILE } from './project/load-project.js';
export { DBT_PROJECT_FILE } from './project/parse-config.js';
export { PROFILES_FILE, type ProfileOptions } from './project/profiles.js';
export type { Project } from './project/types.js';
export { prepareProject, compileModel, relationOf, type PreparedProject, type ProjectOptions, type CompiledModel } from './compile/compile-project.js';
export { buildGraph } from './graph/build-graph.js';
export type { Graph, GraphNode, ModelNode } from './graph/types.js';
export { selectNodes, type SelectionResult, type SelectOptions } from './select/index.js';
export { renderPlan, type MaterializationPlan, type PlanStep } from './materializations/types.js';
export { runModels, type RunOptions, type WriteArtifact } from './run/run-models.js';
export type { NodeResult, RunEvent, RunResult } from './run/types.js';
export { connectAdapter, dialectFor } from './adapters/registry.js';
export type { Adapter } from './adapters/adapter.js';
export type { ResolvedTarget } from './core/target.js';
export { compileProject, type CompileOutcome } from './commands/compile.js';
export { runProject } from './commands/run.js';
export { listNodes, type ListOutput } from './commands/ls.js';
export { debugProject, type DebugReport } from './commands/debug.js';
export type { CommandOptions } from './commands/open-project.js';
export { SparkdbtError, SparkdbtErrors, formatError, type ErrorCode, type SourceLocation } from './errors.js';
