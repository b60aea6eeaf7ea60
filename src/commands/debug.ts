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
    { name: 'project.yml', ok: true, detail: `${plural(project.models.length, 'model')}, ${plural(project.macros.length, 'macro file')}, ${plural(prepared.graph.nodes.size, 'node')}` },
  ];
  try {
    const adapter = await connectAdapter(prepared.target);
    try {
      const rows = await adapter.query<{ version: string }>('select version() as version');
      checks.push({ name: 'connection', ok: true, detail: String(rows[0]?.version ?? '').split(' on ')[0] ?? '' });
    } finally {
      await adapter.close();
    }
  } catch (error) {
    const detail = error instanceof SparkdbtError ? `${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}` : String(error);
    checks.push({ name: 'connection', ok: false, detail: prepared.redactor.redact(detail) });
  }
  return { project: project.config.name, target: maskTarget(prepared.target), checks };
}

/**
 * The target's settings under their project.yml names, every secret replaced by `****`; unset
 * optional settings are left out (an unset password shows as `(not set)`).
 */
export function maskTarget(target: ResolvedTarget): Record<string, unknown> {
  const { s3, ...fields } = target;
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined || key === 'password') shown[CONFIG_NAMES[key] ?? key] = value;
  }
  if ('password' in target) shown['password'] = target.password === undefined ? '(not set)' : '****';
  if (s3.endpoint !== undefined) shown['s3_endpoint'] = s3.endpoint;
  if (s3.region !== undefined) shown['s3_region'] = s3.region;
  if (s3.forcePathStyle) shown['s3_force_path_style'] = true;
  return shown;
}

/** Resolved field names that differ from their project.yml keys. */
const CONFIG_NAMES: Readonly<Record<string, string>> = { connectTimeoutSeconds: 'connect_timeout', iamRole: 'iam_role' };

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
