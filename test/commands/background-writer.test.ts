import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backgroundArtifactWriter } from '../../src/commands/background-writer.js';
import { artifactWriter } from '../../src/commands/write-artifact.js';

const files = Array.from({ length: 300 }, (_, i) => [`target/compiled/p/models/group_${i % 7}/model_${i}.sql`, `select ${i} as id -- ${'x'.repeat(i)}\n`] as const);

describe('backgroundArtifactWriter (compile of 200 models or more)', () => {
  it('writes exactly the files artifactWriter writes, all on disk when finish() returns', () => {
    const background = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-bg-'));
    const direct = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-direct-'));
    const writer = backgroundArtifactWriter(background);
    const write = artifactWriter(direct);
    for (const [file, content] of files) {
      writer.write(file, content);
      write(file, content);
    }
    writer.finish();
    const read = (root: string) => Object.fromEntries(files.map(([file]) => [file, fs.readFileSync(path.join(root, file), 'utf8')]));
    expect(read(background)).toEqual(read(direct));
    expect(fs.readdirSync(path.join(background, 'target/compiled/p/models')).sort()).toEqual(fs.readdirSync(path.join(direct, 'target/compiled/p/models')).sort());
  });

  it('throws the first failed write from finish(), with its error code', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-bg-fail-'));
    fs.mkdirSync(path.join(root, 'target/compiled/a.sql'), { recursive: true });
    const writer = backgroundArtifactWriter(root);
    writer.write('target/compiled/a.sql', 'select 1');
    writer.write('target/compiled/b.sql', 'select 2');
    expect(() => writer.finish()).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });
});
