/**
 * dbt's `api.Column` as its cross-database macros use it (dbt-adapters' base/column.py): the type
 * names of dbt's labels (`string` is `TEXT`; PostgreSQL and Redshift keep the base class's labels).
 */
export const COLUMN_API = {
  translate_type: (dtype: unknown): string => {
    const name = String(dtype);
    return TYPE_LABELS[name.toUpperCase()] ?? name;
  },
  numeric_type: (dtype: unknown, precision: unknown, scale: unknown): string =>
    precision === null || precision === undefined || scale === null || scale === undefined ? String(dtype) : `${String(dtype)}(${String(precision)},${String(scale)})`,
  string_type: (size: unknown): string => `character varying(${String(size)})`,
};

const TYPE_LABELS: Readonly<Record<string, string>> = { STRING: 'TEXT' };
