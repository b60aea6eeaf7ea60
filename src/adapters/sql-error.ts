import { SparkdbtError } from '../errors.js';

/** The fields PostgreSQL's error response carries (pg's DatabaseError and PGlite's alike). */
interface DatabaseErrorFields {
  message: string;
  code?: string;
  position?: string | number;
  hint?: string;
  detail?: string;
}

/** A statement the warehouse rejected: its message, hint, detail and where in the SQL it failed. */
export class SqlError extends SparkdbtError {
  /** 1-based character offset of the error in the statement, when the warehouse reports one. */
  readonly position: number | undefined;
  readonly sqlState: string | undefined;
  readonly detail: string | undefined;
  readonly statement: string;

  constructor(fields: DatabaseErrorFields, statement: string) {
    super('sql-error', fields.message, fields.hint ? { hint: fields.hint } : {});
    const position = fields.position === undefined ? undefined : Number(fields.position);
    this.position = Number.isFinite(position) ? position : undefined;
    this.sqlState = fields.code;
    this.detail = fields.detail;
    this.statement = statement;
  }
}

/** Turns an error thrown by a driver into a SqlError if it came from the database; else returns it. */
export function toSqlError(error: unknown, statement: string): unknown {
  if (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((error as unknown as { code: string }).code)
  ) {
    return new SqlError(error as DatabaseErrorFields, statement);
  }
  return error;
}
