import { PYTHON_REPR } from './python-values.js';

/** Which parts of a relation's name render or are quoted (dbt's Policy). */
export interface RelationPolicy {
  readonly database: boolean;
  readonly schema: boolean;
  readonly identifier: boolean;
}

type Part = keyof RelationPolicy;

/** The attributes templates may read of a DbtRelation (what an error for an unknown one lists). */
export const DBT_RELATION_ATTRIBUTES: readonly string[] = [
  'database',
  'schema',
  'identifier',
  'name',
  'table',
  'type',
  'is_table',
  'is_view',
  'is_cte',
  'is_materialized_view',
  'path',
  'quote_character',
  'include_policy',
  'quote_policy',
  'render',
  'include',
  'quote',
  'incorporate',
  'replace_path',
  'without_identifier',
];
const PARTS: readonly Part[] = ['database', 'schema', 'identifier'];

/**
 * A relation as dbt's templates see it (dbt-adapters' BaseRelation): database, schema,
 * identifier, name, table, type and is_table/is_view/…, render(), include(), quote(),
 * incorporate(), replace_path(); printing it renders the quoted name. sparkdbt renders
 * `"schema"."identifier"` by default (the database left out, where dbt-postgres includes it).
 */
export class DbtRelation {
  constructor(
    readonly database: string | null,
    readonly schema: string | null,
    readonly identifier: string | null,
    readonly type: string | null,
    private readonly quoteName: (name: string) => string,
    readonly include_policy: RelationPolicy = { database: false, schema: true, identifier: true },
    readonly quote_policy: RelationPolicy = { database: true, schema: true, identifier: true },
  ) {
    this.name = identifier;
    this.table = identifier;
    // An own toString, so a copy made with `{ ...relation, type }` still prints the quoted name.
    this.toString = () => this.render();
  }
  /** The quoted name, as `{{ relation }}` prints it. */
  readonly toString: () => string;
  /** dbt's `name` and `table`: the identifier (own fields, so a copy made with `...` keeps them). */
  readonly name: string | null;
  readonly table: string | null;
  get path(): Record<Part, string | null> {
    return { database: this.database, schema: this.schema, identifier: this.identifier };
  }
  get quote_character(): string {
    return this.quoteName('x').slice(0, 1);
  }
  get is_table(): boolean {
    return this.type === 'table';
  }
  get is_view(): boolean {
    return this.type === 'view';
  }
  get is_cte(): boolean {
    return this.type === 'cte';
  }
  get is_materialized_view(): boolean {
    return this.type === 'materialized_view';
  }
  /** The name as SQL reads it: the included parts, quoted per the quote policy, joined by `.`. */
  render(): string {
    return PARTS.filter((part) => this.include_policy[part] && this[part] !== null && this[part] !== '')
      .map((part) => (this.quote_policy[part] ? this.quoteName(this[part]!) : this[part]!))
      .join('.');
  }
  /** dbt's include(database=, schema=, identifier=): which parts render. */
  include(...args: unknown[]): DbtRelation {
    return this.with({ include_policy: { ...this.include_policy, ...policyArgs(args) } });
  }
  /** dbt's quote(database=, schema=, identifier=): which parts are quoted. */
  quote(...args: unknown[]): DbtRelation {
    return this.with({ quote_policy: { ...this.quote_policy, ...policyArgs(args) } });
  }
  /** dbt's incorporate(path={…}, type=…): a copy with those parts changed. */
  incorporate(...args: unknown[]): DbtRelation {
    const kw = keywordsOf(args);
    const path = (kw['path'] ?? {}) as Partial<Record<Part, string | null>>;
    return this.with({ ...path, ...('type' in kw ? { type: (kw['type'] as string | null) ?? null } : {}) });
  }
  /** dbt's replace_path(database=, schema=, identifier=). */
  replace_path(...args: unknown[]): DbtRelation {
    return this.with(keywordsOf(args) as Partial<Record<Part, string | null>>);
  }
  without_identifier(): DbtRelation {
    return this.with({ include_policy: { ...this.include_policy, identifier: false } });
  }
  /** The same relation with a type (`table`, `view`): what the warehouse says it is. */
  withType(type: string | null): DbtRelation {
    return this.with({ type });
  }
  [PYTHON_REPR](): string {
    return `<DbtRelation ${this.render()}>`;
  }
  private with(change: Partial<Record<Part, string | null>> & { type?: string | null; include_policy?: RelationPolicy; quote_policy?: RelationPolicy }): DbtRelation {
    const pick = <K extends keyof typeof change>(key: K, fallback: NonNullable<(typeof change)[K]> | null) => (key in change ? change[key]! : fallback);
    return new DbtRelation(
      pick('database', this.database) as string | null,
      pick('schema', this.schema) as string | null,
      pick('identifier', this.identifier) as string | null,
      pick('type', this.type) as string | null,
      this.quoteName,
      change.include_policy ?? this.include_policy,
      change.quote_policy ?? this.quote_policy,
    );
  }
}

function keywordsOf(args: unknown[]): Record<string, unknown> {
  const last = args[args.length - 1];
  if (typeof last !== 'object' || last === null) return {};
  const { __keywords: _marker, ...rest } = last as Record<string, unknown>;
  return rest;
}

function policyArgs(args: unknown[]): Partial<RelationPolicy> {
  const kw = keywordsOf(args);
  const out: Partial<Record<Part, boolean>> = {};
  for (const part of PARTS) if (kw[part] !== undefined && kw[part] !== null) out[part] = Boolean(kw[part]);
  return out;
}
