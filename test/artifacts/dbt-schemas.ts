import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT } from '../support/cli.js';

/** dbt's published artifact schemas, beside the repository (never copied into it). */
export const DBT_SCHEMAS = path.resolve(REPO_ROOT, '../shared/dbt-schemas');

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

/** Compiles one of dbt's schemas (JSON Schema 2020-12, as dbt-core publishes them) once. */
export function compileDbtSchema(file: 'manifest-v12.json' | 'run-results-v6.json'): ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(path.join(DBT_SCHEMAS, file), 'utf8')) as object);
}

/** The first few schema errors, readable in a failed assertion. */
export function schemaErrors(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Reads a JSON artifact a command wrote. */
export function readArtifact(project: string, name: 'manifest.json' | 'run_results.json'): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(project, 'target', name), 'utf8')) as Record<string, any>;
}
