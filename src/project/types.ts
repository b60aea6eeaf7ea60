import type { PropertiesFile } from '../properties/types.js';
import type { TargetType } from '../core/target.js';
import type { DwhCfg } from './dwh-cfg.js';

/** What project.yml declares, validated and normalized (paths absolute, defaults filled in). */
/** One entry of project.yml's `dispatch:`. */
export interface DispatchEntry {
  readonly macroNamespace: string;
  readonly searchOrder: readonly string[];
}

export interface ProjectConfig {
  readonly name: string;
  /** Absolute path of the folder that holds project.yml. */
  readonly root: string;
  readonly configFile: string;
  readonly modelPaths: readonly string[];
  readonly macroPaths: readonly string[];
  readonly seedPaths: readonly string[];
  /** Where singular tests (`*.sql`) and properties files live: project.yml's `test-paths`, `[tests]` by default. */
  readonly testPaths: readonly string[];
  /** Where snapshots (`{% snapshot %}` blocks in `*.sql`) live: project.yml's `snapshot-paths`, `[snapshots]` by default, as dbt. */
  readonly snapshotPaths?: readonly string[];
  /** Where `compile` writes (relative to root). */
  readonly targetPath: string;
  /** The vars the project's own nodes see: `vars:` with the block under the project's name over the global ones. */
  readonly vars: Readonly<Record<string, unknown>>;
  /** `vars:` as written (blocks under package names kept apart): what dbt's VarProvider.vars_for reads per package. */
  readonly varsAsWritten?: Readonly<Record<string, unknown>>;
  readonly defaultTarget: string;
  /** Target definitions as written: strings may still hold `{{ env_var(...) }}`, rendered on use. */
  readonly targets: Readonly<Record<string, RawTarget>>;
  readonly sources: readonly SourceDefinition[];
  /** Folder-level model config, dbt's `models:` block: keys are folder names, `+key` are configs. */
  readonly modelDefaults: Readonly<Record<string, unknown>>;
  /** Folder-level seed config, dbt's `seeds:` block: keys are folder names (or seed names), `+key` are configs. */
  readonly seedDefaults?: Readonly<Record<string, unknown>>;
  /** Folder-level snapshot config, dbt's `snapshots:` block (`+target_schema`, `+strategy`, …). */
  readonly snapshotDefaults?: Readonly<Record<string, unknown>>;
  /** Folder-level analysis config, dbt's `analyses:` block (`+enabled`, `+tags`, `+meta`, `+docs`), by the analysis's path below its analysis path. */
  readonly analysisDefaults?: Readonly<Record<string, unknown>>;
  /** project.yml's `dispatch:`: the packages `adapter.dispatch(name, namespace)` searches for a namespace, in order. */
  readonly dispatch?: readonly DispatchEntry[];
  /** The line of each key under `models:`, `seeds:`, `snapshots:`, `analyses:` and `targets:`, by dotted key path (`targets.pg.port`). */
  readonly keyLines?: ReadonlyMap<string, number>;
  /** Reads the dwh.cfg a target names (relative to root): the file system stays in project/, so resolving a target in compile imports none. */
  readonly readDwhCfg: (file: string) => DwhCfg;
  /** Which file declares the project: sparkdbt's own project.yml (targets inside) or dbt's dbt_project.yml (targets in profiles.yml). */
  readonly kind?: ProjectFileKind;
  /** The file the targets come from, as messages name it: `project.yml`, or the profiles.yml path. */
  readonly targetsFile?: string;
  /** The line of each target key in targetsFile (`targets.<name>.<key>`), when targets come from profiles.yml. */
  readonly targetKeyLines?: ReadonlyMap<string, number>;
  /** The profile the targets come from (dbt projects): its name and file. */
  readonly profile?: { readonly name: string; readonly file: string } | undefined;
  /** The project file's other dbt keys, read and validated (see README, "dbt projects"). */
  readonly dbt?: DbtProjectSettings;
  /** What reading the project file found that does not stop the command (`file:line: message`). */
  readonly warnings?: readonly string[];
}

/** project.yml (sparkdbt's) or dbt_project.yml (dbt's). */
export type ProjectFileKind = 'native' | 'dbt';

/** One entry of dbt_project.yml's `dispatch:`. */
export interface DispatchEntry {
  readonly macroNamespace: string;
  readonly searchOrder: readonly string[];
}

/** The keys of dbt_project.yml beyond paths, vars and configs, kept as read. */
export interface DbtProjectSettings {
  readonly version: string | undefined;
  readonly configVersion: number | undefined;
  /** `profile:` — the profiles.yml entry the targets come from (dbt projects). */
  readonly profile: string | undefined;
  readonly requireDbtVersion: readonly string[];
  readonly analysisPaths: readonly string[];
  readonly docsPaths: readonly string[];
  readonly assetPaths: readonly string[];
  readonly cleanTargets: readonly string[];
  readonly logPath: string | undefined;
  readonly packagesInstallPath: string;
  readonly onRunStart: readonly string[];
  readonly onRunEnd: readonly string[];
  readonly dispatch: readonly DispatchEntry[];
  readonly quoting: Readonly<Record<string, boolean>>;
  readonly flags: Readonly<Record<string, unknown>>;
  /** Config blocks read but not applied (`tests:`, `sources:` of a dbt project, …), by key. */
  readonly otherBlocks: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** One target as written in project.yml (values not yet rendered). */
export type RawTarget = Readonly<Record<string, unknown>> & { readonly type: TargetType };

/** A table of a declared source: a relation in the warehouse, or raw files at a location. */
export interface SourceDefinition {
  readonly sourceName: string;
  readonly tableName: string;
  /** Raw-file location (local folder, file:// or s3://) for COPY sources. */
  readonly location: string | undefined;
  readonly schema: string | undefined;
  readonly identifier: string;
  readonly description: string | undefined;
  /** Where the source is declared: `project.yml`, or a properties file (`models/staging/_sources.yml`) and line. */
  readonly file?: string;
  readonly line?: number | undefined;
  /** The installed package (dbt_packages/<name>) the file belongs to; undefined for the root project's own. */
  readonly packageName?: string | undefined;
}

/** A model file as found on disk, before rendering. */
export interface ModelFile {
  readonly name: string;
  /** Path relative to the project root, with forward slashes: `models/marts/songplays.sql`. */
  readonly path: string;
  readonly absolutePath: string;
  /** Folders between the model path and the file: `['marts']`. */
  readonly folders: readonly string[];
  readonly sql: string;
  /** The installed package (dbt_packages/<name>) the file belongs to; undefined for the root project's own. */
  readonly packageName?: string | undefined;
}

/** A seed's CSV file as found under the seed paths (its contents are read when it is loaded). */
export interface SeedFile {
  readonly name: string;
  /** Path relative to the project root, with forward slashes: `seeds/lookups/auth_states.csv`. */
  readonly path: string;
  readonly absolutePath: string;
  /** Folders between the seed path and the file: `['lookups']`. */
  readonly folders: readonly string[];
  /** dbt's checksum of a seed: sha256 of the file's text (stripped) up to 1 MiB, else its path (`name: 'path'`). */
  readonly checksum: { readonly name: 'sha256' | 'path'; readonly checksum: string };
  /** The installed package (dbt_packages/<name>) the seed belongs to; undefined for the root project's own. */
  readonly packageName?: string | undefined;
}

/** One `{% snapshot name %} … {% endsnapshot %}` block of a file under the snapshot paths. */
export interface SnapshotFile {
  readonly name: string;
  /** Path relative to the project root: `snapshots/users_history.sql`. */
  readonly path: string;
  readonly absolutePath: string;
  /** Folders between the snapshot path and the file. */
  readonly folders: readonly string[];
  /** The block's body, with the file's other text blanked out so that line numbers stay the file's. */
  readonly sql: string;
  /** The whole file's text (dbt's raw_code is the block's; its checksum the file's). */
  readonly fileText: string;
  /** Line of the `{% snapshot %}` tag. */
  readonly line: number;
  /** The installed package (dbt_packages/<name>) the file belongs to; undefined for the root project's own. */
  readonly packageName?: string | undefined;
}

/** A macro file as found on disk. */
export interface MacroFile {
  readonly path: string;
  readonly sql: string;
  /** The installed package (dbt_packages/<name>) the file belongs to; undefined for the root project's own. */
  readonly packageName?: string | undefined;
}

/** A singular test file (`tests/assert_x.sql`): a query returning the failing rows. */
export interface TestFile {
  readonly name: string;
  /** Path relative to the project root: `tests/assert_x.sql`. */
  readonly path: string;
  /** Folders between the test path and the file. */
  readonly folders: readonly string[];
  readonly sql: string;
  /** The installed package (dbt_packages/<name>) the file belongs to; undefined for the root project's own. */
  readonly packageName?: string | undefined;
}

/** Everything read from disk for one project: the only input of the pure stages. */
export interface Project {
  readonly config: ProjectConfig;
  readonly models: readonly ModelFile[];
  readonly macros: readonly MacroFile[];
  /** The CSV files under the seed paths (absent in projects built by hand before seeds existed). */
  readonly seeds?: readonly SeedFile[];
  /** Properties files (`*.yml` under the model, seed and test paths), parsed; sources among them are merged into config.sources. */
  readonly properties?: readonly PropertiesFile[];
  /** Singular tests: `*.sql` under the test paths (outside `generic/`). */
  readonly tests?: readonly TestFile[];
  /** Snapshot blocks found under the snapshot paths. */
  readonly snapshots?: readonly SnapshotFile[];
  /** Analyses: `*.sql` under the analysis paths (dbt's `analyses/`), compiled by `compile`, never run. */
  readonly analyses?: readonly ModelFile[];
  /** Warnings from the properties files (`file:line: message`). */
  readonly propertyWarnings?: readonly string[];
  /** selectors.yml's selectors as manifest.json's `selectors` holds them (dbt's SelectorDict); set when the file is read. */
  readonly selectorsManifest?: Readonly<Record<string, unknown>>;
  /** The packages installed in packages-install-path (dbt_packages/), whose models, macros and sources the project holds too. */
  readonly packages?: readonly InstalledPackage[];
}

/** A package installed in packages-install-path: a folder with a dbt_project.yml. */
export interface InstalledPackage {
  /** Its dbt_project.yml's `name:` (the package_name of its nodes, the first part of their fqn). */
  readonly name: string;
  /** Its folder, absolute. */
  readonly root: string;
  /** Its folder relative to the root project, with forward slashes: `dbt_packages/my_pkg`. */
  readonly path: string;
  /** Its own dbt_project.yml, read. */
  readonly config: ProjectConfig;
}
