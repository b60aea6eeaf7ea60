/** The table, in each copy model's schema, where `newfilesonly` loads record every file they loaded. */
export const LOAD_HISTORY_TABLE = 'sparkdbt_load_history';
