import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT } from '../support/cli.js';
import { outsideOracle } from '../support/outside-tools.js';

/** dbt's published artifact schemas, beside the repository (never copied into it). */
export const DBT_SCHEMAS = path.resolve(REPO_ROOT, '../shared/dbt-schemas');

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

/**
 * dbt's schemas are read from the shared folder beside the repository: CI always has it; on a
 * clone without it (a fresh machine) the schema checks are left out, and the output says so once.
 */
const SCHEMAS_HERE = outsideOracle("dbt's artifact schemas", fs.existsSync(DBT_SCHEMAS), `they are read from ${DBT_SCHEMAS}, beside the repository`);

/** Compiles one of dbt's schemas (JSON Schema 2020-12, as dbt-core publishes them) once; undefined when they are not here. */
export function compileDbtSchema(file: 'manifest-v12.json' | 'run-results-v6.json'): ValidateFunction | undefined {
  if (!SCHEMAS_HERE) return undefined;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(DBT_SCHEMAS, file), 'utf8')) as object);
}

/** The first few schema errors, readable in a failed assertion (none checked when the schemas are not here). */
export function schemaErrors(validate: ValidateFunction | undefined, value: unknown): string[] {
  if (validate === undefined) return [];
  return validate(value) ? [] : (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Reads a JSON artifact a command wrote. */
export function readArtifact(project: string, name: 'manifest.json' | 'run_results.json'): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(project, 'target', name), 'utf8')) as Record<string, any>;
}
