import type { Adapter } from '../adapters/adapter.js';
import { DEFAULT_S3_SETTINGS } from '../core/s3-settings.js';
import { s3SettingsFor } from '../load/s3-client.js';
import { uploadS3Text } from '../load/s3-upload.js';
import { historyTime } from '../load/new-files.js';
import { renderCopyStatement } from '../materializations/copy-statement.js';
import { HISTORY_ROWS_PER_INSERT, insertHistorySql, manifestJson, manifestUrl, type LoadHistoryRow } from '../materializations/load-history-sql.js';
import type { ExecuteLoadOptions, LoadOutcome } from './execute-load.js';
import { chooseFiles, type HistoryLoadStep } from './load-once.js';

/**
 * A newfilesonly load the warehouse's COPY carries out (Redshift), inside the plan's transaction:
 * lists the S3 prefix and leaves out the keys the history holds (chooseFiles), writes a MANIFEST
 * of the rest to `<manifest_s3_prefix>/<run id>/<model>.manifest`, runs `COPY … MANIFEST` and
 * records every key in the same transaction. With one key its rows are the COPY's; with several
 * the history leaves rows_loaded null (the COPY reports only its total).
 */
export async function executeServerLoadOnce(adapter: Adapter, step: HistoryLoadStep, options: ExecuteLoadOptions): Promise<LoadOutcome> {
  const { copy, history } = step;
  const prefix = history.manifestS3Prefix;
  if (prefix === undefined) throw new Error('internal: a server-side newfilesonly load without manifest_s3_prefix');
  const { chosen, message } = await chooseFiles(adapter, step, options);
  if (chosen.length === 0) return { rows: 0, rejected: 0, ...(message === undefined ? {} : { message }) };
  const manifest = manifestUrl(prefix, options.runId, history.model);
  await uploadS3Text(s3SettingsFor(options.s3 ?? DEFAULT_S3_SETTINGS, copy.region), manifest, manifestJson(chosen.map(({ file }) => file.uri)));
  const result = await adapter.execute(
    renderCopyStatement(adapter.dialect, step.relation, { ...copy, manifest: true }, step.listsColumns === true ? step.columns : undefined, manifest),
  );
  const rows = result.rowCount ?? 0;
  const records: LoadHistoryRow[] = chosen.map(({ file, name }) => ({
    filename: name,
    size: file.size,
    etag: file.etag ?? '',
    lastModified: historyTime(file.lastModified),
    rows: chosen.length === 1 ? rows : null,
  }));
  for (let i = 0; i < records.length; i += HISTORY_ROWS_PER_INSERT) {
    await adapter.execute(insertHistorySql(adapter.dialect, history.table, history.model, options.runId, records.slice(i, i + HISTORY_ROWS_PER_INSERT)));
  }
  return {
    rows,
    rejected: result.rejected?.count ?? 0,
    ...(message === undefined ? {} : { message }),
    ...(result.rejected === undefined ? {} : { rejectionsQuery: result.rejected.query }),
  };
}
