import { SparkdbtError } from '../../errors.js';
import { SqlError } from '../sql-error.js';
import { displayPath } from './pglite-events.js';

/** What to do about a damaged embedded warehouse: it holds nothing that a run cannot rebuild. */
export function damageRemedy(folder: string, cwd?: string): string {
  const shown = displayPath(folder, cwd);
  return `remove ${shown} and run again: sparkdbt run rebuilds it from the sources`;
}

/**
 * Whether a database error means the data folder itself is damaged (a relation's file missing, a
 * catalog entry lost, a corrupt page) rather than a mistake in a statement.
 */
export function isDamage(sqlState: string | undefined, message: string): boolean {
  if (sqlState === 'XX001' || sqlState === 'XX002') return true; // data_corrupted, index_corrupted
  return DAMAGE_MESSAGES.some((pattern) => pattern.test(message));
}

const DAMAGE_MESSAGES: readonly RegExp[] = [
  /could not (open|read|stat|access) file "(base|global|pg_\w+)\//,
  /catalog is missing \d+ attribute/,
  /cache lookup failed for/,
  /could not read blocks? /,
  /invalid page in block/,
  /could not access status of transaction/,
  /missing chunk number \d+ for toast value/,
  /unexpected zero page/,
];

/** A SqlError that says the folder is damaged and what to do, or the error as it was. */
export function markDamage(error: unknown, folder: string, cwd?: string): unknown {
  if (!(error instanceof SqlError) || !isDamage(error.sqlState, error.message)) return error;
  return new SqlError(
    {
      message: error.message,
      ...(error.sqlState === undefined ? {} : { code: error.sqlState }),
      ...(error.position === undefined ? {} : { position: error.position }),
      ...(error.detail === undefined ? {} : { detail: error.detail }),
      hint: `the embedded warehouse ${displayPath(folder, cwd)} is damaged; ${damageRemedy(folder, cwd)}`,
    },
    error.statement,
  );
}

/** The error for a data folder PGlite could not open. */
export function openFailure(folder: string, error: unknown, cwd?: string): SparkdbtError {
  const shown = displayPath(folder, cwd);
  const code = (error as { code?: unknown }).code;
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new SparkdbtError('connection-failed', `could not open the embedded warehouse ${shown}: ${reason}`, {
      hint: 'sparkdbt needs to read and write that folder',
    });
  }
  return new SparkdbtError('warehouse-damaged', `the embedded warehouse ${shown} is damaged: PGlite could not open it (${reason})`, {
    hint: damageRemedy(folder, cwd),
  });
}

/** One relation that could not be opened, and why. */
export interface DamagedRelation {
  readonly relation: string;
  readonly message: string;
}

/** What opening every user relation found. */
export interface CatalogCheck {
  readonly ok: boolean;
  readonly detail: string;
}

/** User tables, views and materialized views (everything outside PostgreSQL's own schemas). */
const USER_RELATIONS_SQL = `select n.nspname as schema, c.relname as name
from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
where c.relkind in ('r', 'v', 'm', 'p') and n.nspname not in ('pg_catalog', 'information_schema')
  and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp\\_%'
order by 1, 2`;

/**
 * Opens every user relation (`select * from … limit 0`: the planner builds its relcache entry and
 * opens its files, which is what fails on a damaged folder) and reports what does not open.
 */
export async function checkCatalog(query: <Row extends Record<string, unknown>>(sql: string) => Promise<Row[]>, folder: string, cwd?: string): Promise<CatalogCheck> {
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  let relations: Array<{ schema: string; name: string }>;
  try {
    relations = await query<{ schema: string; name: string }>(USER_RELATIONS_SQL);
  } catch (error) {
    return { ok: false, detail: `the catalog cannot be read (${messageOf(error)}): the embedded warehouse ${displayPath(folder, cwd)} is damaged; ${damageRemedy(folder, cwd)}` };
  }
  const damaged: DamagedRelation[] = [];
  for (const { schema, name } of relations) {
    try {
      await query(`select * from ${quote(schema)}.${quote(name)} limit 0`);
    } catch (error) {
      damaged.push({ relation: `${schema}.${name}`, message: messageOf(error) });
    }
  }
  const schemas = new Set(relations.map((r) => r.schema)).size;
  if (damaged.length === 0) {
    return { ok: true, detail: `${relations.length} relation${relations.length === 1 ? '' : 's'} in ${schemas} schema${schemas === 1 ? '' : 's'} open` };
  }
  const listed = damaged
    .slice(0, 3)
    .map((d) => `${d.relation}: ${d.message}`)
    .join('; ');
  const more = damaged.length > 3 ? `; and ${damaged.length - 3} more` : '';
  return {
    ok: false,
    detail: `${damaged.length} of ${relations.length} relations cannot be opened (${listed}${more}): the embedded warehouse ${displayPath(folder, cwd)} is damaged; ${damageRemedy(folder, cwd)}`,
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
