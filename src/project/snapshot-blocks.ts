import { SparkdbtError } from '../errors.js';

/** One `{% snapshot name %}` block of a file: its name, its body (other text blanked, lines kept) and its line. */
export interface SnapshotBlock {
  readonly name: string;
  readonly sql: string;
  readonly line: number;
}

const OPEN = /\{%-?\s*snapshot\s+([A-Za-z_]\w*)\s*-?%\}/g;
const CLOSE = /\{%-?\s*endsnapshot\s*-?%\}/g;
const ANY_OPEN = /\{%-?\s*snapshot\b/g;

/**
 * The `{% snapshot name %} … {% endsnapshot %}` blocks of a snapshot file, as dbt reads them: the
 * SQL of each is its body; text outside the blocks is blanked (its line breaks kept, so a template
 * error points at the file's own line). A tag that is not closed, or has no name, is an error at its line.
 */
export function snapshotBlocks(file: string, text: string): SnapshotBlock[] {
  const blocks: SnapshotBlock[] = [];
  const lineAt = (offset: number) => text.slice(0, offset).split('\n').length;
  for (const start of text.matchAll(ANY_OPEN)) {
    OPEN.lastIndex = start.index;
    const tag = OPEN.exec(text);
    if (tag === null || tag.index !== start.index) {
      throw new SparkdbtError('template-error', 'a snapshot block needs a name: {% snapshot users_history %}', {
        location: { file, line: lineAt(start.index) },
        hint: '{% snapshot users_history %} select … {% endsnapshot %}',
      });
    }
    const bodyStart = tag.index + tag[0].length;
    CLOSE.lastIndex = bodyStart;
    const close = CLOSE.exec(text);
    const nextOpen = text.slice(bodyStart).search(/\{%-?\s*snapshot\b/);
    if (close === null || (nextOpen >= 0 && bodyStart + nextOpen < close.index)) {
      throw new SparkdbtError('template-error', `snapshot '${tag[1]}' has no {% endsnapshot %}`, {
        location: { file, line: lineAt(tag.index) },
        hint: 'close the block with {% endsnapshot %}',
      });
    }
    const blank = (part: string) => part.replace(/[^\n]/g, '');
    blocks.push({ name: tag[1]!, sql: blank(text.slice(0, bodyStart)) + text.slice(bodyStart, close.index), line: lineAt(tag.index) });
  }
  return blocks;
}
