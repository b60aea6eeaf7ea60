import { SparkdbtError } from '../../errors.js';
import type { Project } from '../../project/types.js';
import type { DocBlock } from '../../project/doc-blocks.js';

/** dbt's DocTargetNotFoundError: a description's doc('name') that no docs block defines. */
export function docNotFound(owner: string, name: string, file: string | undefined, known: readonly string[]): SparkdbtError {
  return new SparkdbtError('template-error', `Documentation for '${owner}' depends on doc '${name}' which was not found`, {
    ...(file === undefined ? {} : { location: { file } }),
    hint: known.length === 0 ? 'define it in a .md file under models/: {% docs name %}…{% enddocs %}' : `the docs blocks are: ${known.join(', ')}`,
  });
}

const DOC_CALL = /\{\{-?\s*doc\(\s*(['"])([^'"]+)\1\s*\)\s*-?\}\}/g;

/** A description with each `{{ doc('name') }}` replaced by that block's contents (dbt's rendering of descriptions). */
function renderDescription(text: string, owner: string, file: string | undefined, docs: ReadonlyMap<string, DocBlock>): string {
  if (!text.includes('doc(')) return text;
  return text.replace(DOC_CALL, (_whole, _quote, name: string) => {
    const block = docs.get(name);
    if (block === undefined) throw docNotFound(owner, name, file, [...docs.keys()]);
    return block.contents;
  });
}

const OWNERS: Readonly<Record<string, string>> = { models: 'model', seeds: 'seed', snapshots: 'snapshot', analyses: 'analysis' };

/** `value` with every `description` rendered; `owner` is the unique id the nearest entry gives. */
function walk(value: unknown, owner: string, file: string | undefined, project: string, docs: ReadonlyMap<string, DocBlock>, key?: string): unknown {
  if (Array.isArray(value)) {
    const kind = key === undefined ? undefined : OWNERS[key];
    return value.map((item: unknown) => {
      const name = typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined;
      return walk(item, kind !== undefined && typeof name === 'string' ? `${kind}.${project}.${name}` : owner, file, project, docs);
    });
  }
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = k === 'description' && typeof v === 'string' ? renderDescription(v, owner, file, docs) : walk(v, owner, file, project, docs, k);
  }
  return out;
}

/** The project with `{{ doc('name') }}` rendered in every description of its properties files and sources. */
export function withDocDescriptions(project: Project, docs: ReadonlyMap<string, DocBlock>): Project {
  const name = project.config.name;
  const mentions = (value: unknown) => JSON.stringify(value ?? null).includes('doc(');
  if (!mentions(project.properties) && !mentions(project.config.sources)) return project;
  const properties = project.properties?.map((file) => walk(file, `properties.${name}`, file.file, name, docs) as typeof file);
  const sources = project.config.sources.map((source) =>
    source.description === undefined
      ? source
      : { ...source, description: renderDescription(source.description, `source.${name}.${source.sourceName}.${source.tableName}`, source.file, docs) },
  );
  return { ...project, config: { ...project.config, sources }, ...(properties === undefined ? {} : { properties }) };
}
