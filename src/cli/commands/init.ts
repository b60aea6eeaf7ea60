import path from 'node:path';
import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { withOutputOptions } from '../options.js';
import { parseThreads } from '../options.js';

interface InitFlags {
  profilesDir?: string;
  profile?: string;
  skipProfileSetup?: boolean;
  type: 'pglite' | 'postgres' | 'redshift';
  host?: string;
  port?: string;
  user?: string;
  dbname?: string;
  schema?: string;
  threads?: number;
}

const DOCS_URL = 'https://docs.getdbt.com/docs/configure-your-profile';
const SLACK_URL = 'https://community.getdbt.com/';

/** `sparkdbt init [project_name]`: dbt's starter project and a profile for it (PGlite by default, so it runs at once). */
export function addInitCommand(program: Command, ctx: CliContext): void {
  withOutputOptions(
    program
      .command('init')
      .argument('[project_name]', 'name of the new project (letters, digits, underscore)')
      .description("create a dbt project from dbt's starter project, and its profile"),
  )
    .option('--profiles-dir <dir>', 'where profiles.yml is written (default: DBT_PROFILES_DIR, else ~/.dbt)')
    .option('--profile <name>', 'use this existing profile of profiles.yml instead of writing one')
    .option('--skip-profile-setup', 'write no profile')
    .addOption(new Option('--type <type>', "the profile's target type").choices(['pglite', 'postgres', 'redshift']).default('pglite'))
    .option('--host <host>', 'postgres/redshift: the server (default localhost)')
    .option('--port <port>', 'postgres/redshift: the port (default 5432, Redshift 5439)')
    .option('--user <user>', 'postgres/redshift: the user (default postgres); the password is read from DBT_ENV_SECRET_PASSWORD')
    .option('--dbname <name>', 'postgres/redshift: the database')
    .option('--schema <schema>', 'the schema models are built in (default: main on PGlite, public on a server)')
    .option('--threads <n>', 'postgres/redshift: threads (default 4)', parseThreads)
    .action(async (projectName: string | undefined, flags: InitFlags) => {
      try {
        const { initProject, isValidProjectName } = await import('../../commands/init.js');
        let name = projectName;
        // Prompted only on a terminal, as dbt's click.prompt; elsewhere a missing name is an error.
        if ((name === undefined || !isValidProjectName(name)) && process.stdin.isTTY && ctx.io.isTTY) name = await promptName(name);
        const home = ctx.io.env['HOME'] ?? ctx.io.env['USERPROFILE'] ?? '.';
        const profilesDir = path.resolve(ctx.io.cwd, flags.profilesDir ?? ctx.io.env['DBT_PROFILES_DIR'] ?? path.join(home, '.dbt'));
        const events = initProject({
          projectName: name,
          cwd: ctx.io.cwd,
          profilesDir,
          profile: flags.profile,
          skipProfileSetup: flags.skipProfileSetup === true,
          target: {
            type: flags.type,
            host: flags.host,
            port: flags.port === undefined ? undefined : Number(flags.port),
            user: flags.user,
            dbname: flags.dbname,
            schema: flags.schema,
            threads: flags.threads,
          },
        });
        for (const event of events) {
          switch (event.kind) {
            case 'profiles-dir-created':
              ctx.out(`Creating dbt configuration folder at ${event.dir}`, { name: 'ConfigFolderDirectory', code: 'A018' });
              break;
            case 'project-exists':
              ctx.out(`A project called ${event.name} already exists here.`, { name: 'ProjectNameAlreadyExists', code: 'A025' });
              break;
            case 'project-created':
              ctx.out(
                `\nYour new dbt project "${event.name}" was created!\n\nFor more information on how to configure the profiles.yml file,\nplease consult the dbt documentation here:\n\n  ${DOCS_URL}\n\nOne more thing:\n\nNeed help? Don't hesitate to reach out to us via GitHub issues or on Slack:\n\n  ${SLACK_URL}\n\nHappy modeling!\n`,
                { name: 'ProjectCreated', code: 'A026' },
              );
              break;
            case 'profile-written':
              ctx.out(`Profile ${event.name} written to ${event.file} using sparkdbt's ${flags.type} target. Run 'sparkdbt debug' to validate the connection.`, {
                name: 'ProfileWrittenWithTargetTemplateYAML',
                code: 'A021',
              });
              break;
            case 'profile-kept':
              ctx.err(`Warning: the profile ${event.name} already exists in ${event.file}: left as it is (edit it, or delete it and run init again)`);
              break;
          }
        }
      } catch (error) {
        ctx.exitCode = ctx.couldNotStart(error);
      }
    });
}

/** dbt's prompt for a project name, until a valid one is given. */
async function promptName(given: string | undefined): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    if (given !== undefined) process.stdout.write(`${given} is not a valid project name.\n`);
    for (;;) {
      const answer = (await rl.question('Enter a name for your project (letters, digits, underscore): ')).trim();
      const { isValidProjectName } = await import('../../commands/init.js');
      if (isValidProjectName(answer)) return answer;
      process.stdout.write(`${answer} is not a valid project name.\n`);
    }
  } finally {
    rl.close();
  }
}
