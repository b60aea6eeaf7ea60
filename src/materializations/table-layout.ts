import { SparkdbtError } from '../errors.js';
import type { DeclaredColumn, Distribution, SortKey, TableLayout } from '../core/table-layout.js';
import type { ModelConfig } from '../graph/types.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * Reads and validates `dist`, `sort`, `sort_type`, `identity`, `columns` and `bind` from a model's
 * config, on every target (a mistake shows on PostgreSQL before it reaches Redshift). All problems
 * are reported in one config-invalid error naming the model file and each key.
 */
export function parseTableLayout(config: ModelConfig, file: string): TableLayout {
  const problems: Array<{ message: string; hint: string | undefined }> = [];
  const problem = (key: string, message: string, hint?: string) => problems.push({ message: `config ${key}: ${message}`, hint });
  const columnName = (key: string, value: unknown): string | undefined => {
    if (typeof value === 'string' && IDENTIFIER.test(value)) return value.toLowerCase();
    problem(key, `'${String(value)}' is not a column name`);
    return undefined;
  };

  let dist: Distribution | undefined;
  const rawDist = config['dist'];
  if (rawDist !== undefined && rawDist !== null) {
    const style = typeof rawDist === 'string' ? rawDist.toLowerCase() : '';
    if (style === 'all' || style === 'even' || style === 'auto') dist = { style };
    else {
      const column = columnName('dist', rawDist);
      if (column !== undefined) dist = { style: 'key', column };
    }
  }

  let sort: SortKey | undefined;
  const rawSort = config['sort'];
  const sortType = config['sort_type'] ?? 'compound';
  if (sortType !== 'compound' && sortType !== 'interleaved') problem('sort_type', `must be 'compound' or 'interleaved', got '${String(sortType)}'`);
  if (rawSort !== undefined && rawSort !== null) {
    const list = Array.isArray(rawSort) ? rawSort : [rawSort];
    if (list.length === 0) problem('sort', 'must name at least one column');
    const columns = list.map((c) => columnName('sort', c)).filter((c): c is string => c !== undefined);
    if (columns.length === list.length && columns.length > 0) sort = { type: sortType === 'interleaved' ? 'interleaved' : 'compound', columns };
  } else if (config['sort_type'] !== undefined) {
    problem('sort_type', 'needs a sort key', "add sort='column' (or a list of columns)");
  }

  const identity = config['identity'] === undefined || config['identity'] === null ? undefined : columnName('identity', config['identity']);

  let columns: DeclaredColumn[] | undefined;
  const rawColumns = config['columns'];
  if (rawColumns !== undefined && rawColumns !== null) {
    if (typeof rawColumns !== 'object' || Array.isArray(rawColumns)) {
      problem('columns', 'must be a mapping of column names to types', "for example columns={'start_time': 'timestamp not null', 'level': 'varchar(16)'}");
    } else {
      columns = [];
      for (const [name, type] of Object.entries(rawColumns as Record<string, unknown>)) {
        const column = columnName(`columns.${name}`, name);
        if (typeof type !== 'string' || type.trim() === '') problem(`columns.${name}`, 'must be a type, such as varchar(256)');
        else if (column !== undefined) columns.push({ name: column, type: type.trim() });
      }
    }
  }
  if (identity !== undefined && columns === undefined) {
    problem('identity', 'needs the other columns declared', "add columns={'name': 'type', …} for every column the model's SELECT returns, in its order");
  }
  if (identity !== undefined && columns?.some((c) => c.name === identity)) {
    problem('identity', `'${identity}' is generated; leave it out of columns and out of the SELECT`);
  }
  if (columns !== undefined) {
    const known = new Set([...columns.map((c) => c.name), ...(identity ? [identity] : [])]);
    if (dist?.style === 'key' && !known.has(dist.column)) problem('dist', `'${dist.column}' is not one of the declared columns`);
    for (const c of sort?.columns ?? []) if (!known.has(c)) problem('sort', `'${c}' is not one of the declared columns`);
  }

  const bind = config['bind'] ?? true;
  if (typeof bind !== 'boolean') problem('bind', 'must be true or false');

  if (problems.length > 0) {
    const hints = problems.map((p) => p.hint).filter((h): h is string => h !== undefined);
    throw new SparkdbtError('config-invalid', problems.map((p) => p.message).join('\n  '), { location: { file }, ...(hints.length > 0 ? { hint: hints.join('; ') } : {}) });
  }
  return { dist, sort, identity, columns, bind: bind !== false };
}
