import { describe, expect, it } from 'vitest';
import { snapshotBlocks } from '../../src/project/snapshot-blocks.js';
import { thrown } from '../support/thrown.js';

describe('snapshotBlocks', () => {
  it('finds every block of a file, keeps its body on the file’s own lines and blanks the rest', () => {
    const text = '-- two snapshots\n{% snapshot a %}\nselect 1\n{% endsnapshot %}\n\n{%- snapshot b -%}select 2{%- endsnapshot -%}\n';
    const blocks = snapshotBlocks('snapshots/x.sql', text);
    expect(blocks.map((b) => [b.name, b.line])).toEqual([
      ['a', 2],
      ['b', 6],
    ]);
    expect(blocks[0]!.sql).toBe('\n\nselect 1\n');
    expect(blocks[1]!.sql).toBe('\n\n\n\n\nselect 2');
    expect(blocks[1]!.sql.split('\n').length).toBe(6);
  });

  it.each([
    ['{% snapshot a %}\nselect 1\n', "snapshots/x.sql:1: snapshot 'a' has no {% endsnapshot %}"],
    ['{% snapshot a %}\nselect 1\n{% snapshot b %}\nselect 2\n{% endsnapshot %}\n', "snapshots/x.sql:1: snapshot 'a' has no {% endsnapshot %}"],
    ['\n{% snapshot %}{% endsnapshot %}', 'snapshots/x.sql:2: a snapshot block needs a name: {% snapshot users_history %}'],
  ])('%j is an error at its line', (text, message) => {
    const error = thrown(() => snapshotBlocks('snapshots/x.sql', text));
    expect(`${error.location?.file}:${error.location?.line}: ${error.message}`).toBe(message);
  });

  it('a file without blocks holds no snapshot', () => {
    expect(snapshotBlocks('snapshots/x.sql', 'select 1\n')).toEqual([]);
  });
});
