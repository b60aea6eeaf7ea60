import type { SqlDialect } from '../adapters/dialect.js';
import type { Relation } from '../core/relation.js';
import type { ColumnSpec } from '../load/columns.js';
import type { CopyOptions } from '../load/copy-options.js';

/**
 * Renders Redshift's COPY statement for `copy` options (the statement Redshift runs itself).
 * `columns`: an explicit column list (a copy model with DEFAULT columns leaves them out); `from`:
 * another source than the model's (a manifest sparkdbt wrote).
 */
export function renderCopyStatement(dialect: SqlDialect, relation: Relation, copy: CopyOptions, columns?: readonly ColumnSpec[], from: string = copy.from): string {
  const q = (value: string) => dialect.quoteString(value);
  const json = copy.json.kind === 'jsonpaths' ? copy.json.path : copy.json.ignoreCase ? 'auto ignorecase' : 'auto';
  const list = columns === undefined ? '' : ` (${columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ')})`;
  const lines = [`copy ${relation}${list}`, `from ${q(from)}`];
  if (copy.iam_role !== undefined) lines.push(`iam_role ${q(copy.iam_role)}`);
  if (copy.region !== undefined) lines.push(`region ${q(copy.region)}`);
  if (copy.manifest) lines.push('manifest');
  lines.push(`format as json ${q(json)}`);
  if (copy.gzip) lines.push('gzip');
  if (copy.timeformat !== undefined) lines.push(`timeformat ${q(copy.timeformat)}`);
  const flags = [
    copy.truncatecolumns ? 'truncatecolumns' : '',
    copy.blanksasnull ? 'blanksasnull' : '',
    copy.emptyasnull ? 'emptyasnull' : '',
    copy.acceptinvchars !== undefined ? `acceptinvchars as ${q(copy.acceptinvchars)}` : '',
  ].filter((flag) => flag !== '');
  if (flags.length > 0) lines.push(flags.join(' '));
  lines.push(`maxerror ${copy.maxerror}`);
  if (copy.compupdate !== undefined) lines.push(`compupdate ${copy.compupdate === 'preset' ? 'preset' : copy.compupdate ? 'on' : 'off'}`);
  if (copy.statupdate !== undefined) lines.push(`statupdate ${copy.statupdate ? 'on' : 'off'}`);
  return lines.join('\n');
}
