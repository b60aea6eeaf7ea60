/** dbt-adapters' behavior flags and their defaults (DEFAULT_BASE_BEHAVIOR_FLAGS in dbt/adapters/base/impl.py): dbt_project.yml's `flags:` may set them. */
export const BEHAVIOR_FLAG_DEFAULTS: Readonly<Record<string, boolean>> = {
  require_batched_execution_for_custom_microbatch_strategy: false,
  enable_truthy_nulls_equals_macro: false,
};
