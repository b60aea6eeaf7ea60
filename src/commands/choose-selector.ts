import { closestNames, SparkdbtError } from '../errors.js';
import type { SelectorsYaml } from '../project/selectors-file.js';
import { parseSelectorsData, type SelectorConfig } from '../select/selector-definitions.js';
import type { SelectionSpec } from '../select/select-spec.js';

/** The selectors.yml selector a command uses, with what to tell the user about it. */
export interface ChosenSelector {
  readonly name: string;
  readonly spec: SelectionSpec;
  /** Info lines (dbt's DefaultSelector: "Using default selector x"). */
  readonly notes: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * dbt's get_selection_spec: --selector names a selector of selectors.yml (and --select/--exclude are
 * then not used, as in dbt; sparkdbt says so); without --selector, --select or --exclude, the
 * `default: true` selector applies; otherwise undefined (the --select/--exclude grammar decides).
 */
export function chooseSelector(
  config: SelectorConfig | undefined,
  options: { readonly selector?: string | undefined; readonly select?: readonly string[] | undefined; readonly exclude?: readonly string[] | undefined },
): ChosenSelector | undefined {
  const cliSelection = (options.select?.length ?? 0) > 0 || (options.exclude?.length ?? 0) > 0;
  if (options.selector !== undefined) {
    const found = config?.selectors.get(options.selector);
    if (found === undefined) {
      const names = [...(config?.selectors.keys() ?? [])];
      const close = closestNames(options.selector, names, 1);
      throw new SparkdbtError('selector-invalid', `Could not find selector named ${options.selector}, expected one of [${names.map((n) => `'${n}'`).join(', ')}]`, {
        hint:
          close.length > 0
            ? `did you mean '${close[0]}'?`
            : config === undefined
              ? 'define selectors in selectors.yml next to the project file'
              : 'selectors are defined in selectors.yml',
      });
    }
    const ignored = [options.select?.length ? '--select' : undefined, options.exclude?.length ? '--exclude' : undefined].filter((flag) => flag !== undefined);
    const warnings = cliSelection ? [`${ignored.join(' and ')} ${ignored.length > 1 ? 'are' : 'is'} not used: --selector ${found.name} decides the selection (as in dbt)`] : [];
    return { name: found.name, spec: found.spec, notes: [], warnings };
  }
  if (cliSelection || config?.defaultName === undefined) return undefined;
  const found = config.selectors.get(config.defaultName)!;
  return { name: found.name, spec: found.spec, notes: [`Using default selector ${found.name}`], warnings: [] };
}

/** selectors.yml as read, parsed (undefined when the project has none); reading's warnings come first. */
export function parseSelectorsFile(file: SelectorsYaml | undefined): SelectorConfig | undefined {
  if (file === undefined) return undefined;
  const config = parseSelectorsData(file.data, file);
  return { ...config, warnings: [...file.warnings, ...config.warnings] };
}
