import fs from 'node:fs';
import path from 'node:path';
import { SparkdbtError } from '../errors.js';

/** A JSON object as read from an artifact. */
export type JsonRecord = { readonly [key: string]: unknown };

/** The parts of a dbt manifest (v12) state comparison reads: nodes, sources and macros by unique id. */
export interface StateManifest {
  readonly nodes: ReadonlyMap<string, JsonRecord>;
  readonly sources: ReadonlyMap<string, JsonRecord>;
  readonly macros: ReadonlyMap<string, JsonRecord>;
  /** `unit_tests` (dbt 1.8+); empty for an older manifest. */
  readonly unitTests: ReadonlyMap<string, JsonRecord>;
}

/** One node's entry in a run_results.json. */
export interface StateResult {
  readonly uniqueId: string;
  readonly status: string;
}

/** The parts of a dbt run_results (v6) that result: selection and retry read. */
export interface StateRunResults {
  readonly results: readonly StateResult[];
  /** The command's arguments as recorded (`which`, `select`, `exclude`, `target`, `vars`, `project_dir`). */
  readonly args: JsonRecord;
}

/** A folder of a previous run's artifacts (`--state <dir>`): either file may be missing. */
export interface StateFolder {
  /** The folder as given. */
  readonly path: string;
  readonly manifest: StateManifest | undefined;
  readonly runResults: StateRunResults | undefined;
}

/**
 * Reads `--state <dir>` (relative to the project root, as dbt's PreviousState): its manifest.json and run_results.json, each when
 * present. A folder that does not exist, or a file that is not a dbt artifact, is `state-invalid`.
 */
export function readStateFolder(dir: string, projectRoot: string): StateFolder {
  const folder = path.resolve(projectRoot, dir);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new SparkdbtError('state-invalid', `--state ${dir}: no such folder`, {
      hint: "point --state at a folder holding a previous run's manifest.json (its target/, or a copy of it)",
    });
  }
  const manifestJson = readArtifact(path.join(folder, 'manifest.json'), path.join(dir, 'manifest.json'), 'manifest');
  const resultsJson = readArtifact(path.join(folder, 'run_results.json'), path.join(dir, 'run_results.json'), 'run-results');
  return {
    path: dir,
    manifest: manifestJson === undefined ? undefined : toStateManifest(manifestJson),
    runResults: resultsJson === undefined ? undefined : toRunResults(resultsJson, path.join(dir, 'run_results.json')),
  };
}

/** Reads a run_results.json (retry's input); undefined when the file does not exist. */
export function readRunResults(file: string, display: string): StateRunResults | undefined {
  const json = readArtifact(file, display, 'run-results');
  return json === undefined ? undefined : toRunResults(json, display);
}

// dbt refuses an artifact of another kind (IncompatibleSchemaError); a JSON error names the file.
function readArtifact(file: string, display: string, kind: 'manifest' | 'run-results'): JsonRecord | undefined {
  if (!fs.existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SparkdbtError('state-invalid', `${display} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, {
      hint: 'write it again with sparkdbt run, compile or ls',
    });
  }
  const version = isRecord(value) && isRecord(value['metadata']) ? value['metadata']['dbt_schema_version'] : undefined;
  if (!isRecord(value) || typeof version !== 'string' || !version.includes(`/${kind}/`)) {
    throw new SparkdbtError(
      'state-invalid',
      `${display} is not a dbt ${kind === 'manifest' ? 'manifest' : 'run_results'} artifact (metadata.dbt_schema_version is ${JSON.stringify(version ?? null)})`,
      {
        hint: kind === 'manifest' ? 'every sparkdbt run, compile and ls writes target/manifest.json' : 'sparkdbt run writes target/run_results.json',
      },
    );
  }
  return value;
}

function toStateManifest(json: JsonRecord): StateManifest {
  return { nodes: entries(json['nodes']), sources: entries(json['sources']), macros: entries(json['macros']), unitTests: entries(json['unit_tests']) };
}

function toRunResults(json: JsonRecord, display: string): StateRunResults {
  const results = Array.isArray(json['results']) ? json['results'] : [];
  return {
    results: results.map((result, i) => {
      if (!isRecord(result) || typeof result['unique_id'] !== 'string' || typeof result['status'] !== 'string') {
        throw new SparkdbtError('state-invalid', `${display}: results[${i}] has no unique_id or status`, { hint: 'write it again with sparkdbt run' });
      }
      return { uniqueId: result['unique_id'], status: result['status'] };
    }),
    args: isRecord(json['args']) ? json['args'] : {},
  };
}

function entries(value: unknown): Map<string, JsonRecord> {
  const map = new Map<string, JsonRecord>();
  if (isRecord(value)) for (const [id, entry] of Object.entries(value)) if (isRecord(entry)) map.set(id, entry);
  return map;
}

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
