import { DbtRelation } from './dbt-relation.js';

/** A table or view in the warehouse; renders as `"schema"."identifier"` in templates. */
export class Relation {
  constructor(
    readonly schema: string,
    readonly identifier: string,
    private readonly quote: (name: string) => string,
  ) {}

  /** The quoted, schema-qualified name. */
  render(): string {
    return `${this.quote(this.schema)}.${this.quote(this.identifier)}`;
  }

  /** The same relation under another identifier (a temporary or backup name). */
  withIdentifier(identifier: string): Relation {
    return new Relation(this.schema, identifier, this.quote);
  }

  /** This relation as templates see it: dbt's attributes (see DbtRelation), in `database`. */
  asDbtRelation(database: string): DbtRelation {
    return new DbtRelation(database, this.schema, this.identifier, null, this.quote);
  }

  toString(): string {
    return this.render();
  }
}

/** A source of raw files (COPY input); renders as its location. */
export class ExternalLocation {
  constructor(readonly location: string) {}
  toString(): string {
    return this.location;
  }
}

/** `this` as templates see it: dbt's attributes, rendering as the quoted relation. */
export interface ThisContext {
  readonly database: string;
  readonly schema: string;
  readonly identifier: string;
  /** dbt's `this.name`: the identifier. */
  readonly name: string;
  toString(): string;
}

/** The `this` of a model that builds `relation` in `database`. */
export function thisContext(relation: Relation, database: string): ThisContext {
  return relation.asDbtRelation(database) as ThisContext;
}
