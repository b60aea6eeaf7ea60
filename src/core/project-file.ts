/** The name of the file that declares a project (`project.yml` or `dbt_project.yml`), as messages name it. */
export function projectFileName(config: { readonly configFile: string }): string {
  return config.configFile.split(/[\\/]/).pop() || 'project.yml';
}
