import { parse as parseYaml } from 'yaml';
import { prepareProject, type PreparedProject } from '../compile/compile-project.js';
import { SparkdbtError } from '../errors.js';
import { isRecord } from '../project/parse-config.js';
import { loadProject } from '../project/load-project.js';
import { selectNodes } from '../select/index.js';

/** Options every command takes, as the CLI passes them. */
export interface CommandOptions {
  readonly projectDir: string;
  readonly target?: string | undefined;
  /** The --vars argument: a YAML mapping. */
  readonly vars?: string | undefined;
  readonly select?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A prepared project and the unique ids the selection picked, in dependency order. */
export interface OpenedProject {
  readonly prepared: PreparedProject;
  readonly selected: readonly string[];
  readonly warnings: readonly string[];
}

/** load project → build graph → select: what every command starts with. */
export function openProject(options: CommandOptions): OpenedProject {
  const project = loadProject(options.projectDir);
  const prepared = prepareProject(project, { target: options.target, vars: parseVars(options.vars), env: options.env });
  const { selected, warnings } = selectNodes(prepared.graph, {
    ...(options.select ? { select: options.select } : {}),
    ...(options.exclude ? { exclude: options.exclude } : {}),
  });
  return { prepared, selected, warnings };
}

/** Parses --vars as dbt does: a YAML (or JSON) mapping. */
export function parseVars(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new SparkdbtError('config-invalid', `--vars is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, {
      hint: `pass a mapping, for example --vars '{song_data: data/song_data}'`,
    });
  }
  if (!isRecord(value)) {
    throw new SparkdbtError('config-invalid', '--vars must be a YAML mapping of names to values', { hint: `for example --vars '{log_data: data/log_data}'` });
  }
  return value;
}

/** Only the models among selected ids (what run and compile act on). */
export function selectedModels(opened: OpenedProject) {
  return opened.selected
    .map((id) => opened.prepared.graph.nodes.get(id)!)
    .filter((node) => node.resourceType === 'model');
}
