import { resolveTarget } from '../project/resolve-target.js';
import type { ResolvedTarget } from '../core/target.js';
import type { Project } from '../project/types.js';
import { Redactor } from '../redact.js';
import type { ProjectOptions } from './compile-project.js';
import { TemplateRenderer } from './template.js';

/**
 * The project's target resolved for `options` (env_var() rendered, secrets registered in the
 * returned redactor), without parsing a model: what prepareProject starts with, and all `debug` needs.
 */
export function resolveProjectTarget(project: Project, options: ProjectOptions): { readonly target: ResolvedTarget; readonly redactor: Redactor } {
  const redactor = new Redactor();
  // The values of secret-looking environment variables are secrets wherever they turn up (--vars, SQL,
  // artifacts), whether or not a template read them through env_var().
  redactor.addSecretEnv(options.env);
  const vars = { ...project.config.vars, ...(options.vars ?? {}) };
  const onSecret = (value: string) => redactor.add(value);
  const configRenderer = new TemplateRenderer({ target: {}, vars, env: options.env, onSecret }, []);
  const target = resolveTarget(
    project.config,
    options.target,
    (text, file) => configRenderer.render(file, text),
    options.env,
    (text) => redactor.redact(text),
  );
  if ('password' in target) redactor.add(target.password);
  return { target, redactor };
}
