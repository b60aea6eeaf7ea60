import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backgroundArtifactWriter } from '../../src/commands/background-writer.js';
import { artifactWriter } from '../../src/commands/write-artifact.js';

const files = Array.from({ length: 300 }, (_, i) => [`target/compiled/p/models/group_${i % 7}/model_${i}.sql`, `select ${i} as id -- ${'x'.repeat(i)}\n`] as const);

describe('backgroundArtifactWriter (compile of 200 models or more)', () => {
  it('writes exactly the files artifactWriter writes (as compile uses it: unchanged files skipped), all on disk when finish() returns', () => {
    const background = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-bg-'));
    const direct = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-direct-'));
    const writer = backgroundArtifactWriter(background);
    const write = artifactWriter(direct, { skipUnchanged: true });
    for (const [file, content] of files) {
      writer.write(file, content);
      write(file, content);
    }
    writer.finish();
    const read = (root: string) => Object.fromEntries(files.map(([file]) => [file, fs.readFileSync(path.join(root, file), 'utf8')]));
    expect(read(background)).toEqual(read(direct));
    expect(fs.readdirSync(path.join(background, 'target/compiled/p/models')).sort()).toEqual(fs.readdirSync(path.join(direct, 'target/compiled/p/models')).sort());
  });

  it('leaves a file that already holds its content alone (a recompile reads instead of rewriting), rewrites one that differs', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-bg-same-'));
    fs.mkdirSync(path.join(root, 'target'), { recursive: true });
    const past = new Date('2020-01-01T00:00:00Z');
    for (const name of ['same.sql', 'other.sql']) {
      fs.writeFileSync(path.join(root, 'target', name), 'select 1');
      fs.utimesSync(path.join(root, 'target', name), past, past);
    }
    const writer = backgroundArtifactWriter(root);
    writer.write('target/same.sql', 'select 1');
    writer.write('target/other.sql', 'select 2');
    writer.finish();
    expect(fs.statSync(path.join(root, 'target/same.sql')).mtime).toEqual(past);
    expect(fs.readFileSync(path.join(root, 'target/other.sql'), 'utf8')).toBe('select 2');
    expect(fs.statSync(path.join(root, 'target/other.sql')).mtime).not.toEqual(past);
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
