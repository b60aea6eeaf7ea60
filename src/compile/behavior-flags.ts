import { BEHAVIOR_FLAG_DEFAULTS } from '../core/behavior-flags.js';
import { strictAttributes } from './strict-attributes.js';

/** One flag as dbt_common's BehaviorFlagRendered shows it to Jinja: its `setting` and `no_warn` (the setting, read without a warning). */
export interface RenderedBehaviorFlag {
  readonly name: string;
  readonly setting: boolean;
  readonly no_warn: boolean;
}

/**
 * dbt's `adapter.behavior`: each registered flag, the project's `flags:` over its default. A flag
 * not registered is `onUnknown`'s error, as dbt_common's Behavior raises for one.
 */
export function adapterBehavior(flags: Readonly<Record<string, unknown>>, onUnknown: (name: string) => never): Readonly<Record<string, RenderedBehaviorFlag>> {
  const rendered: Record<string, RenderedBehaviorFlag> = {};
  for (const [name, fallback] of Object.entries(BEHAVIOR_FLAG_DEFAULTS)) {
    const setting = name in flags ? Boolean(flags[name]) : fallback;
    rendered[name] = { name, setting, no_warn: setting };
  }
  return strictAttributes(rendered, onUnknown);
}
