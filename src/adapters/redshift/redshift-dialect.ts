import type { Relation } from '../../core/relation.js';
import type { TableLayout } from '../../core/table-layout.js';
import type { Capabilities, RelationKind } from '../dialect.js';
import { PostgresDialect } from '../postgres/postgres-dialect.js';

/**
 * Amazon Redshift's SQL: PostgreSQL's, with server-side COPY, TRUNCATE that commits, DISTSTYLE,
 * DISTKEY and SORTKEY table attributes, IDENTITY(0,1) keys, late-binding views, MERGE and DELETE
 * without a target alias, and column types changed by copying.
 */
export class RedshiftDialect extends PostgresDialect {
  override readonly capabilities: Capabilities = {
    serverSideCopy: true,
    truncateCommits: true,
    merge: true,
    aliasesChangedTable: false,
    alterColumnTypeInTransaction: false,
    copyGrants: true,
    copyFromClientSource: undefined,
    seedInsertBatchRows: 500,
    supportsSeedSpeculation: false,
    singleConnection: false,
  };

  constructor() {
    super('redshift');
  }

  /**
   * Redshift folds identifiers to lower case, quoted or not (enable_case_sensitive_identifier is
   * off by default): the SQL says the name Redshift stores, and the relation lookup finds it.
   */
  override storedName(name: string): string {
    return name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  }

  override dataLiteral(value: string): string {
    return this.quoteString(value.replaceAll('\\', '\\\\'));
  }

  /** dbt-redshift's convert_text_type: `varchar(<longest value in UTF-8 bytes>)`, `varchar(64)` when every value is NULL. */
  override seedTextType(maxBytes: number): string {
    return `varchar(${maxBytes > 0 ? maxBytes : 64})`;
  }

  /** dbt-redshift's dist(): `diststyle all|even`, nothing for `auto`, else `diststyle key distkey (<dist>)`, the column unquoted. */
  override seedTableAttributes(dist: string | undefined): string {
    if (dist === undefined) return '';
    const style = dist.trim().toLowerCase();
    if (style === 'all' || style === 'even') return ` diststyle ${style}`;
    return style === 'auto' ? '' : ` diststyle key distkey (${style})`;
  }

  /** Redshift's ALTER TABLE has no IF EXISTS; its views are late-binding by default, so no upstream drop takes them. */
  override renameAway(relation: Relation, kind: RelationKind, identifier: string): string {
    return this.rename(relation, kind, identifier);
  }

  /** Redshift has no JIT setting: an incremental run changes none. */
  override incrementalRunSettings(): readonly string[] {
    return [];
  }

  /**
   * dbt-redshift's redshift__get_show_grant_sql: each privilege has_table_privilege reports for each
   * user other than the current one and the superusers.
   */
  override showGrantsSql(relation: Relation): string {
    const privileges = ['select', 'insert', 'update', 'delete', 'references'].map((p) => `    select '${p}' as privilege_type`).join('\n    union all\n');
    return [
      'with privileges as (',
      privileges,
      ')',
      'select',
      '    u.usename as grantee,',
      '    p.privilege_type',
      'from pg_user as u',
      'cross join privileges as p',
      `where has_table_privilege(u.usename, ${this.quoteString(relation.render())}, p.privilege_type)`,
      '    and u.usename != current_user',
      '    and not u.usesuper',
    ].join('\n');
  }

  /** dbt-redshift quotes each grantee (adapter.quote). */
  protected override grantee(name: string): string {
    return this.quoteIdentifier(name);
  }

  /** dbt-redshift's snapshot_get_time: `getdate()::timestamp`. */
  override snapshotTime(): string {
    return 'getdate()::timestamp';
  }

  override identityColumn(name: string): string {
    return `${this.quoteIdentifier(name)} bigint identity(0, 1)`;
  }

  override createView(relation: Relation, sql: string, layout: TableLayout): string {
    return `${super.createView(relation, sql, layout)}${layout.bind ? '' : '\nwith no schema binding'}`;
  }

  /** SYSDATE is the start of the current transaction (GETDATE() is the start of the statement), in UTC by default. */
  override loadTimestamp(): string {
    return 'sysdate';
  }

  /** Redshift's LOCK takes no mode: it blocks other transactions' reads and writes of the table until this one ends. */
  override lockForLoad(relation: Relation): string {
    return `lock ${relation}`;
  }

  protected override tableAttributes(layout: TableLayout): string {
    const lines: string[] = [];
    const { dist, sort } = layout;
    if (dist?.style === 'key') lines.push('diststyle key', `distkey (${this.quoteIdentifier(dist.column)})`);
    else if (dist !== undefined) lines.push(`diststyle ${dist.style}`);
    if (sort !== undefined) lines.push(`${sort.type} sortkey (${sort.columns.map((c) => this.quoteIdentifier(c)).join(', ')})`);
    return lines.map((line) => `\n${line}`).join('');
  }
}
