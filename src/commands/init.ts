import fs from 'node:fs';
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { SparkdbtError } from '../errors.js';
import { readProjectFile } from '../project/load-project.js';

/** The target `init` writes into the profile: sparkdbt's embedded PGlite (runs at once), or a server. */
export interface InitTarget {
  readonly type: 'pglite' | 'postgres' | 'redshift';
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  readonly user?: string | undefined;
  readonly dbname?: string | undefined;
  readonly schema?: string | undefined;
  readonly threads?: number | undefined;
}

/** What `init` is asked to do: dbt init's arguments (the project name, --profiles-dir, --profile, --skip-profile-setup) and the target. */
export interface InitOptions {
  readonly projectName: string | undefined;
  /** The folder init runs in (a new project is created under it). */
  readonly cwd: string;
  /** Where profiles.yml goes: --profiles-dir, else DBT_PROFILES_DIR, else ~/.dbt (resolved by the caller). */
  readonly profilesDir: string;
  /** --profile: use this existing profile instead of writing one. */
  readonly profile?: string | undefined;
  readonly skipProfileSetup: boolean;
  readonly target: InitTarget;
}

/** One thing init did, as dbt's event says it. */
export type InitEvent =
  | { readonly kind: 'profiles-dir-created'; readonly dir: string }
  | { readonly kind: 'project-exists'; readonly name: string }
  | { readonly kind: 'project-created'; readonly name: string; readonly dir: string }
  | { readonly kind: 'profile-written'; readonly name: string; readonly file: string }
  | { readonly kind: 'profile-kept'; readonly name: string; readonly file: string };

/** dbt's ProjectName (Identifier): a letter or underscore, then letters, digits and underscores. */
const PROJECT_NAME = /^[A-Za-z_]\w*$/;

/** True for a name dbt accepts as a project name. */
export function isValidProjectName(name: string): boolean {
  return PROJECT_NAME.test(name) && name !== 'dbt';
}

/**
 * dbt's `init`: in a folder without a dbt project, creates `<project_name>/` from dbt's starter
 * project (dbt_project.yml, models/example with two models and schema.yml, the empty folders,
 * .gitignore, README.md) and writes a profile of that name to profiles.yml (unless
 * --skip-profile-setup or --profile); inside an existing project, only writes its profile. An
 * existing profile of the name is kept (dbt asks before overwriting; init here never overwrites).
 */
export function initProject(options: InitOptions): InitEvent[] {
  const events: InitEvent[] = [];
  if (!fs.existsSync(options.profilesDir)) {
    fs.mkdirSync(options.profilesDir, { recursive: true });
    events.push({ kind: 'profiles-dir-created', dir: options.profilesDir });
  }
  const profilesFile = path.join(options.profilesDir, 'profiles.yml');
  if (fs.existsSync(path.join(options.cwd, 'dbt_project.yml'))) {
    if (options.profile !== undefined) throw new SparkdbtError('usage', 'Can not init existing project with specified profile, edit dbt_project.yml instead');
    const config = readProjectFile(options.cwd);
    if (!options.skipProfileSetup) events.push(writeProfile(profilesFile, config.dbt?.profile ?? config.name, options.target));
    return events;
  }
  const name = options.projectName;
  if (name === undefined || !isValidProjectName(name)) {
    throw new SparkdbtError('usage', `${name === undefined ? 'no project name' : `${name} is not a valid project name`}`, {
      hint: 'sparkdbt init <project_name>: letters, digits and underscores, not starting with a digit',
    });
  }
  const dir = path.join(options.cwd, name);
  if (fs.existsSync(dir)) return [...events, { kind: 'project-exists', name }];
  if (options.profile !== undefined && !profileExists(profilesFile, options.profile))
    throw new SparkdbtError('config-invalid', `Could not find profile named '${options.profile}'`);
  const profileName = options.profile ?? name;
  for (const [file, text] of Object.entries(starterProject(name, profileName))) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  events.push({ kind: 'project-created', name, dir });
  if (options.profile === undefined && !options.skipProfileSetup) events.push(writeProfile(profilesFile, profileName, options.target));
  return events;
}

/** The profile `name` with one output, `dev`, of the target; an existing profile of that name is kept. */
function writeProfile(file: string, name: string, target: InitTarget): InitEvent {
  const profile = { target: 'dev', outputs: { dev: outputOf(target) } };
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, stringify({ [name]: profile }));
    return { kind: 'profile-written', name, file };
  }
  // Added to the file's other profiles, its comments kept.
  const document = parseDocument(fs.readFileSync(file, 'utf8'));
  if (document.has(name)) return { kind: 'profile-kept', name, file };
  document.set(name, profile);
  fs.writeFileSync(file, document.toString());
  return { kind: 'profile-written', name, file };
}

/** The output as profiles.yml holds it: PGlite in the project's .sparkdbt/pglite; a server with its connection, the password from the environment. */
function outputOf(target: InitTarget): Record<string, unknown> {
  if (target.type === 'pglite') return { type: 'pglite', schema: target.schema ?? 'main' };
  return {
    type: target.type,
    host: target.host ?? 'localhost',
    port: target.port ?? (target.type === 'redshift' ? 5439 : 5432),
    user: target.user ?? 'postgres',
    // Never a literal password in the file: dbt's env_var(), masked wherever it appears.
    password: "{{ env_var('DBT_ENV_SECRET_PASSWORD') }}",
    dbname: target.dbname ?? (target.type === 'redshift' ? 'dev' : 'postgres'),
    schema: target.schema ?? 'public',
    threads: target.threads ?? 4,
  };
}

function profileExists(file: string, name: string): boolean {
  return fs.existsSync(file) && parseDocument(fs.readFileSync(file, 'utf8')).has(name);
}

/** dbt 1.11's starter project (core/dbt/include/starter_project), its dbt_project.yml formatted as dbt does. */
function starterProject(name: string, profile: string): Record<string, string> {
  return {
    'dbt_project.yml': `
# Name your project! Project names should contain only lowercase characters
# and underscores. A good package name should reflect your organization's
# name or the intended use of these models
name: '${name}'
version: '1.0.0'

# This setting configures which "profile" dbt uses for this project.
profile: '${profile}'

# These configurations specify where dbt should look for different types of files.
# The \`model-paths\` config, for example, states that models in this project can be
# found in the "models/" directory. You probably won't need to change these!
model-paths: ["models"]
analysis-paths: ["analyses"]
test-paths: ["tests"]
seed-paths: ["seeds"]
macro-paths: ["macros"]
snapshot-paths: ["snapshots"]

clean-targets:         # directories to be removed by \`dbt clean\`
  - "target"
  - "dbt_packages"


# Configuring models
# Full documentation: https://docs.getdbt.com/docs/configuring-models

# In this example config, we tell dbt to build all models in the example/
# directory as views. These settings can be overridden in the individual model
# files using the \`{{ config(...) }}\` macro.
models:
  ${name}:
    # Config indicated by + and applies to all files under models/example/
    example:
      +materialized: view
`,
    // dbt's, and sparkdbt's embedded warehouse.
    '.gitignore': '\ntarget/\ndbt_packages/\nlogs/\n.sparkdbt/\n',
    'README.md': `Welcome to your new dbt project!

### Using the starter project

Try running the following commands:
- sparkdbt run
- sparkdbt test


### Resources:
- Learn more about dbt [in the docs](https://docs.getdbt.com/docs/introduction)
- Check out [Discourse](https://discourse.getdbt.com/) for commonly asked questions and answers
- Join the [chat](https://community.getdbt.com/) on Slack for live discussions and support
- Find [dbt events](https://events.getdbt.com) near you
- Check out [the blog](https://blog.getdbt.com/) for the latest news on dbt's development and best practices
`,
    'analyses/.gitkeep': '',
    'macros/.gitkeep': '',
    'seeds/.gitkeep': '',
    'snapshots/.gitkeep': '',
    'tests/.gitkeep': '',
    'models/example/my_first_dbt_model.sql': `
/*
    Welcome to your first dbt model!
    Did you know that you can also configure models directly within SQL files?
    This will override configurations stated in dbt_project.yml

    Try changing "table" to "view" below
*/

{{ config(materialized='table') }}

with source_data as (

    select 1 as id
    union all
    select null as id

)

select *
from source_data

/*
    Uncomment the line below to remove records with null \`id\` values
*/

-- where id is not null
`,
    'models/example/my_second_dbt_model.sql': `
-- Use the \`ref\` function to select from other models

select *
from {{ ref('my_first_dbt_model') }}
where id = 1
`,
    'models/example/schema.yml': `
version: 2

models:
  - name: my_first_dbt_model
    description: "A starter dbt model"
    columns:
      - name: id
        description: "The primary key for this table"
        data_tests:
          - unique
          - not_null

  - name: my_second_dbt_model
    description: "A starter dbt model"
    columns:
      - name: id
        description: "The primary key for this table"
        data_tests:
          - unique
          - not_null
`,
  };
}
