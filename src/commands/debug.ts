import path from 'node:path';
import { connectAdapter, dialectFor } from '../adapters/registry.js';
import { targetSettings, type ResolvedTarget } from '../core/target.js';
import { SparkdbtError } from '../errors.js';
import { loadProject } from '../project/load-project.js';
import { compileModel, prepareProject, type PreparedProject } from '../compile/compile-project.js';
import { resolveProjectTarget } from '../compile/project-target.js';
import type { Project } from '../project/types.js';
import type { ModelNode } from '../graph/types.js';
import { parseVars, profileOptions, projectFolder, type CommandOptions } from './open-project.js';

/** What `debug` found: the resolved settings (secrets masked) and each check's outcome. */
export interface DebugReport {
  readonly project: string;
  /** The project file read (absolute): dbt_project.yml or project.yml. */
  readonly projectFile: string;
  /** A dbt project's profile: its name and profiles.yml (absolute). */
  readonly profile: { readonly name: string; readonly file: string } | undefined;
  readonly target: Readonly<Record<string, unknown>>;
  readonly checks: readonly Check[];
}

/** One check `debug` made, and what it found in plain words. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Resolves the configuration and checks the connection, reporting rather than throwing. */
export async function debugProject(options: CommandOptions): Promise<DebugReport> {
  const project = loadProject(projectFolder(options), profileOptions(options));
  // As dbt debug: the project file, the profile and the connection; no model is parsed (a model that does not compile is compile's problem).
  const { target, redactor } = resolveProjectTarget(project, { target: options.target, vars: parseVars(options.vars), env: options.env });
  const dialect = dialectFor(target.type);
  const checks: Check[] = [
    ...(project.config.profile === undefined
      ? []
      : [{ name: 'profiles.yml', ok: true, detail: `${project.config.profile.file} (profile '${project.config.profile.name}', target '${target.name}')` }]),
    {
      name: path.basename(project.config.configFile),
      ok: true,
      detail: `${plural(project.models.length, 'model')}, ${plural(project.macros.length, 'macro file')}`,
    },
  ];
  if (dialect.capabilities.serverSideCopy) checks.push(...serverCopyChecks(project, options, target));
  try {
    const adapter = await connectAdapter(target, options.connect);
    try {
      const rows = await adapter.query<{ version: string }>('select version() as version');
      checks.push({ name: 'connection', ok: true, detail: String(rows[0]?.version ?? '').split(' on ')[0] ?? '' });
      if (adapter.checkCatalog) {
        const catalog = await adapter.checkCatalog();
        checks.push({ name: 'catalog', ok: catalog.ok, detail: redactor.redact(catalog.detail) });
      }
    } finally {
      await adapter.close();
    }
  } catch (error) {
    const detail = error instanceof SparkdbtError ? `${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}` : String(error);
    checks.push({ name: 'connection', ok: false, detail: redactor.redact(detail) });
  }
  return { project: project.config.name, projectFile: project.config.configFile, profile: project.config.profile, target: maskTarget(target), checks };
}

/** An IAM role ARN: arn:aws:iam::<12-digit account>:role/<path and name>. */
const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * Where the warehouse runs COPY itself (Redshift): is there an IAM role it can assume, the data's region,
 * and do the copy models compile (their sources on S3)? Each problem in plain words.
 */
function serverCopyChecks(project: Project, options: CommandOptions, target: ResolvedTarget): Check[] {
  const iamRole = 'iamRole' in target ? target.iamRole : undefined;
  const region = 'copyRegion' in target ? target.copyRegion : undefined;
  const checks: Check[] = [
    iamRole === undefined
      ? {
          name: 'iam_role',
          ok: false,
          detail:
            'not set: COPY needs an IAM role that the cluster can assume to read S3; set iam_role in the target (REDSHIFT_IAM_ROLE in this project) or ARN in the [IAM_ROLE] section of dwh.cfg',
        }
      : IAM_ROLE_ARN.test(iamRole)
        ? { name: 'iam_role', ok: true, detail: iamRole }
        : { name: 'iam_role', ok: false, detail: `'${iamRole}' is not an IAM role ARN; expected arn:aws:iam::<12-digit account id>:role/<role name>` },
    region === undefined
      ? {
          name: 'copy_region',
          ok: true,
          detail:
            "not set: COPY omits REGION and Redshift assumes the data is in the cluster's own region; set copy_region to the region of the bucket (s3://udacity-dend is in us-west-2)",
        }
      : { name: 'copy_region', ok: true, detail: `${region} (COPY's REGION: where the S3 data lives)` },
  ];
  // The copy models' sources need the project parsed: a project that does not parse is reported, not a failed check (dbt debug parses nothing).
  let prepared: PreparedProject;
  try {
    prepared = prepareProject(project, { target: options.target, vars: parseVars(options.vars), env: options.env }, dialectFor);
  } catch (error) {
    const detail = error instanceof SparkdbtError ? error.message : String(error);
    checks.push({ name: 'copy sources', ok: true, detail: `not checked: the project does not parse (${detail.split('\n')[0]}); sparkdbt parse shows why` });
    return checks;
  }
  const copyModels = [...prepared.graph.nodes.values()].filter((n): n is ModelNode => n.resourceType === 'model' && n.config.materialized === 'copy');
  const problems: string[] = [];
  for (const node of copyModels) {
    try {
      compileModel(prepared, node, undefined);
    } catch (error) {
      problems.push(error instanceof SparkdbtError ? `${node.name}: ${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}` : `${node.name}: ${String(error)}`);
    }
  }
  checks.push(
    problems.length === 0
      ? { name: 'copy sources', ok: true, detail: copyModels.map((n) => n.name).join(', ') || 'no copy models' }
      : { name: 'copy sources', ok: false, detail: prepared.redactor.redact(problems.join('; ')) },
  );
  return checks;
}

/** The target's settings under their project.yml names, every secret replaced by `****`. */
export function maskTarget(target: ResolvedTarget): Record<string, unknown> {
  const shown = targetSettings(target);
  if ('password' in target) shown['password'] = target.password === undefined ? '(not set)' : '****';
  const vars = Object.entries(target.vars);
  if (vars.length > 0) shown['vars'] = vars.map(([k, v]) => `${k}=${v}`).join(', ');
  return shown;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
