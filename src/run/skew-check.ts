import type { Adapter } from '../adapters/adapter.js';
import type { SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import { SparkdbtError } from '../errors.js';
import type { ModelConfig } from '../graph/types.js';

/** The share of a table's rows one distribution key value may hold before a run warns (`dist_skew_warn`). */
export const DEFAULT_DIST_SKEW_WARN = 0.2;
/**
 * Tables with fewer rows are not checked: Redshift stores each column in 1 MB blocks per slice, so
 * a table this small takes the same blocks on every slice however its rows are spread.
 */
export const MIN_SKEW_CHECK_ROWS = 1000;

/** What to check after a table is built: its distribution key column and the share that warns. */
export interface SkewCheck {
  readonly column: string;
  readonly threshold: number;
}

/** The largest group of rows sharing one distribution key value, when it holds more than the threshold. */
export interface SkewFinding {
  readonly relation: string;
  readonly column: string;
  /** The value as text; null for NULL (Redshift puts all NULLs on one slice). */
  readonly value: string | null;
  readonly valueRows: number;
  readonly totalRows: number;
  readonly threshold: number;
}

const KEY_STYLES = new Set(['all', 'even', 'auto']);

/**
 * The skew check a model asks for: tables (and copy models) distributed on a column (`dist='col'`),
 * with `dist_skew_warn` (a share between 0 and 1; default 0.2) or none when it is false. An invalid
 * `dist_skew_warn` is a config-invalid error naming the model file.
 */
export function skewCheckFor(config: ModelConfig, file: string): SkewCheck | undefined {
  const raw = config['dist_skew_warn'];
  let threshold = DEFAULT_DIST_SKEW_WARN;
  if (raw === false) return undefined;
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'number' || !(raw > 0 && raw <= 1)) {
      throw new SparkdbtError('config-invalid', `config dist_skew_warn: must be a share of rows between 0 and 1 (e.g. 0.2), or false; got ${JSON.stringify(raw) ?? String(raw)}`, {
        location: { file },
        hint: 'a run warns when one distribution key value holds more than this share of the rows',
      });
    }
    threshold = raw;
  }
  const dist = config['dist'];
  const materialized = config['materialized'];
  if (materialized !== 'table' && materialized !== 'copy') return undefined;
  if (typeof dist !== 'string' || KEY_STYLES.has(dist.toLowerCase())) return undefined;
  return { column: dist.toLowerCase(), threshold };
}

/**
 * The query that finds the largest group of rows sharing one value of `column` (NULLs are one
 * group, as on a Redshift slice) and the table's row count. Plain SQL that PostgreSQL, PGlite and
 * Redshift all run.
 */
export function skewQuery(dialect: SqlDialect, relation: Relation, column: string): string {
  const key = dialect.quoteIdentifier(column);
  return [
    'with key_rows as (',
    `    select ${key} as key_value, count(*) as value_rows`,
    `    from ${relation.render()}`,
    `    group by ${key}`,
    ')',
    'select',
    '    cast(key_value as varchar) as key_text,',
    '    value_rows,',
    '    (select sum(value_rows) from key_rows) as total_rows',
    'from key_rows',
    'order by value_rows desc, key_text',
    'limit 1',
  ].join('\n');
}

/** Runs the skew query after a build: a finding when one value holds more than the threshold, else undefined. */
export async function checkDistSkew(adapter: Adapter, relation: Relation, check: SkewCheck): Promise<SkewFinding | undefined> {
  const rows = await adapter.query<{ key_text: string | null; value_rows: unknown; total_rows: unknown }>(skewQuery(adapter.dialect, relation, check.column));
  const top = rows[0];
  if (top === undefined) return undefined;
  const valueRows = Number(top.value_rows);
  const totalRows = Number(top.total_rows);
  if (totalRows < MIN_SKEW_CHECK_ROWS || valueRows / totalRows <= check.threshold) return undefined;
  return { relation: `${relation.schema}.${relation.identifier}`, column: check.column, value: top.key_text, valueRows, totalRows, threshold: check.threshold };
}

/** The warning a run prints for a finding. */
export function formatSkewWarning(finding: SkewFinding): string {
  const value = finding.value === null ? 'NULL' : `'${finding.value.length > 60 ? `${finding.value.slice(0, 57)}...` : finding.value}'`;
  const share = `${((100 * finding.valueRows) / finding.totalRows).toFixed(1)}%`;
  return `${finding.relation} is skewed on its distribution key: ${finding.column} = ${value} holds ${finding.valueRows} of ${finding.totalRows} rows (${share}, over dist_skew_warn ${finding.threshold}); on Redshift those rows are all on one slice.`;
}

/** The run's warnings for a table just built: the skew finding, or why the check could not run (never a failure). */
export async function distSkewWarnings(adapter: Adapter, relation: Relation, check: SkewCheck): Promise<string[]> {
  try {
    const finding = await checkDistSkew(adapter, relation, check);
    return finding === undefined ? [] : [formatSkewWarning(finding)];
  } catch (error) {
    return [`${relation.schema}.${relation.identifier}: could not check the skew of distribution key ${check.column}: ${error instanceof Error ? error.message : String(error)}`];
  }
}
