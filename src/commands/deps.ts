import path from 'node:path';
import { TemplateRenderer } from '../compile/template.js';
import { readProjectFile } from '../project/load-project.js';
import { installPackages, type DepsOptions, type DepsResult } from '../project/packages/install-packages.js';
import { parseVars, projectFolder } from './open-project.js';

/** What `sparkdbt deps` takes. */
export interface DepsCommandOptions {
  readonly projectDir: string;
  readonly cwd?: string | undefined;
  readonly vars?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly upgrade?: boolean | undefined;
  readonly lock?: boolean | undefined;
  readonly log: DepsOptions['log'];
  /** Called with the value of each secret env var packages.yml reads, so output can be masked. */
  readonly onSecret?: ((value: string) => void) | undefined;
}

/** dbt's env_secrets prefix: these values are scrubbed from package-lock.yml. */
const SECRET_PREFIX = 'DBT_ENV_SECRET_';

/** `sparkdbt deps`: installs packages.yml's (or dependencies.yml's) packages into packages-install-path, as `dbt deps`. */
export async function depsProject(options: DepsCommandOptions): Promise<DepsResult> {
  const root = path.resolve(projectFolder(options));
  const config = readProjectFile(root);
  const renderer = new TemplateRenderer(
    { target: {}, vars: { ...config.vars, ...(parseVars(options.vars) ?? {}) }, env: options.env, ...(options.onSecret ? { onSecret: options.onSecret } : {}) },
    [],
  );
  const secrets = Object.entries(options.env)
    .filter(([name, value]) => name.startsWith(SECRET_PREFIX) && value !== undefined && value !== '')
    .map(([, value]) => value!);
  return installPackages({
    root,
    installPath: config.dbt?.packagesInstallPath ?? 'dbt_packages',
    render: (text, file) => renderer.render(file, text),
    scrub: (text) => secrets.reduce((scrubbed, secret) => scrubbed.split(secret).join('*****'), text),
    log: options.log,
    upgrade: options.upgrade,
    lockOnly: options.lock,
    hubUrl: options.env['DBT_PACKAGE_HUB_URL'],
  });
}
