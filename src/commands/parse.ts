import fs from 'node:fs';
import path from 'node:path';
import { commandArgs } from '../artifacts/run-results.js';
import { writeCommandArtifacts } from '../artifacts/write-artifacts.js';
import { openProject, parseVars, type CommandOptions } from './open-project.js';

/** What `parse` did: where it wrote the manifest and dbt's perf_info.json (absolute), and the warnings to print. */
export interface ParseResult {
  readonly manifest: string;
  readonly perfInfo: string;
  readonly warnings: readonly string[];
}

/**
 * dbt's `parse`: reads and parses the whole project (every model, macro, seed, test, snapshot and
 * analysis rendered without a database, the graph built) and writes target/manifest.json and
 * target/perf_info.json (dbt's ManifestLoaderInfo: file counts and the phases' seconds). No connection.
 */
export function parseProject(options: CommandOptions): ParseResult {
  const invokedAt = new Date();
  const start = performance.now();
  const opened = openProject({ ...options, select: undefined, exclude: undefined });
  const parsed = performance.now();
  const { prepared } = opened;
  const [manifest] = writeCommandArtifacts({
    command: 'parse',
    prepared,
    env: options.env,
    startedAt: invokedAt,
    args: commandArgs('parse', options, parseVars(options.vars)),
  });
  const root = prepared.project.config.root;
  const project = prepared.project;
  const files = project.models.length + project.macros.length + (project.seeds?.length ?? 0) + (project.tests?.length ?? 0) + (project.analyses?.length ?? 0);
  const seconds = (ms: number) => ms / 1000;
  const perfInfo = path.join(root, project.config.targetPath, 'perf_info.json');
  const info = {
    path_count: files,
    parsed_path_count: files,
    static_analysis_path_count: 0,
    static_analysis_parsed_path_count: 0,
    // sparkdbt parses the whole project every time, with its own renderer (no partial parsing, no static analysis).
    is_partial_parse_enabled: false,
    is_static_analysis_enabled: false,
    read_files_elapsed: null,
    load_macros_elapsed: null,
    parse_project_elapsed: seconds(parsed - start),
    patch_sources_elapsed: null,
    process_manifest_elapsed: seconds(performance.now() - parsed),
    load_all_elapsed: seconds(performance.now() - start),
    projects: [{ project_name: project.config.name, elapsed: seconds(parsed - start), parsers: [], parsed_path_count: files }],
  };
  // As dbt's write_perf_info: indented by 4.
  fs.writeFileSync(perfInfo, JSON.stringify(info, null, 4));
  return { manifest: path.join(root, manifest!), perfInfo, warnings: opened.warnings };
}
