/** The table, in each model's schema, where the local COPY engine keeps every rejected record. */
export const LOAD_ERRORS_TABLE = 'sparkdbt_load_errors';
