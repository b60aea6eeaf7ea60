import { connectAdapter } from '../adapters/registry.js';
import type { ResolvedTarget } from '../adapters/target.js';
import { SparkdbtError } from '../errors.js';
import { loadProject } from '../project/load-project.js';
import { prepareProject } from '../compile/compile-project.js';
import { parseVars, type CommandOptions } from './open-project.js';

/** What `debug` found: the resolved settings (secrets masked) and each check's outcome. */
export interface DebugReport {
  readonly project: string;
  readonly target: Readonly<Record<string, unknown>>;
  readonly checks: readonly { readonly name: string; readonly ok: boolean; readonly detail: string }[];
}

/** Resolves the configuration and checks the connection, reporting rather than throwing. */
export async function debugProject(options: CommandOptions): Promise<DebugReport> {
  const project = loadProject(options.projectDir);
  const prepared = prepareProject(project, { target: options.target, vars: parseVars(options.vars), env: options.env });
  const checks: { name: string; ok: boolean; detail: string }[] = [
    { name: 'project.yml', ok: true, detail: `${project.models.length} models, ${project.macros.length} macro files, ${prepared.graph.nodes.size} nodes` },
  ];
  try {
    const adapter = await connectAdapter(prepared.target);
    try {
      const rows = await adapter.query<{ version: string }>('select version() as version');
      checks.push({ name: 'connection', ok: true, detail: `OK: ${String(rows[0]?.version ?? '').split(' on ')[0]}` });
    } finally {
      await adapter.close();
    }
  } catch (error) {
    const detail = error instanceof SparkdbtError ? `${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}` : String(error);
    checks.push({ name: 'connection', ok: false, detail: prepared.redactor.redact(detail) });
  }
  return { project: project.config.name, target: maskTarget(prepared.target), checks };
}

/** The target with every secret replaced by `****`. */
export function maskTarget(target: ResolvedTarget): Record<string, unknown> {
  const shown: Record<string, unknown> = { ...target };
  if ('password' in target) shown['password'] = target.password === undefined ? '(not set)' : '****';
  return shown;
}
