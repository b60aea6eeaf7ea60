import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createLocalLister, type SourceFile } from '../../src/load/list-files.js';
import { createSourceLister, parseManifest } from '../../src/load/manifest.js';
import { expectSparkdbtError, expectSparkdbtRejection, tempFiles } from './helpers.js';

async function list(lister: { list(): AsyncIterable<SourceFile> }): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  for await (const file of lister.list()) files.push(file);
  return files;
}

async function read(file: SourceFile): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of file.open()) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

const relative = (root: string, files: SourceFile[]) => files.map((f) => path.relative(root, new URL(f.uri).pathname));

describe('createLocalLister', () => {
  const root = tempFiles({
    'data/log/2018/11/2018-11-02-events.json': '{"a":2}',
    'data/log/2018/11/2018-11-01-events.json': '{"a":1}',
    'data/log/2018/11/2018-11-10-events.json': '{"a":10}',
    'data/log/2018/12/2018-12-01-events.json': '{"a":12}',
    'data/log/a.json': '{}',
    'data/log/a/b.json': '{}',
    'data/log/empty.json': '',
    'data/log_json_path.json': '{"jsonpaths": []}',
  });

  it('lists a folder recursively, every file, sorted by path like S3 keys', async () => {
    const files = await list(createLocalLister({ from: path.join(root, 'data/log'), gzip: false, root: '/' }));
    expect(relative(root, files)).toEqual([
      'data/log/2018/11/2018-11-01-events.json',
      'data/log/2018/11/2018-11-02-events.json',
      'data/log/2018/11/2018-11-10-events.json',
      'data/log/2018/12/2018-12-01-events.json',
      'data/log/a.json',
      'data/log/a/b.json',
      'data/log/empty.json',
    ]);
    expect(files[0]).toMatchObject({ uri: pathToFileURL(path.join(root, 'data/log/2018/11/2018-11-01-events.json')).href, size: 7 });
    expect(files.at(-1)!.size).toBe(0);
    expect(await read(files[0]!)).toBe('{"a":1}');
  });

  it('treats a path that is not a folder as a key prefix', async () => {
    const files = await list(createLocalLister({ from: 'data/log/2018/11/2018-11-0', gzip: false, root }));
    expect(relative(root, files)).toEqual(['data/log/2018/11/2018-11-01-events.json', 'data/log/2018/11/2018-11-02-events.json']);
    const log = await list(createLocalLister({ from: 'data/log_', gzip: false, root }));
    expect(relative(root, log)).toEqual(['data/log_json_path.json']);
  });

  it('lists a single file, a file:// URL and a folder URL', async () => {
    const file = path.join(root, 'data/log/a.json');
    expect(relative(root, await list(createLocalLister({ from: file, gzip: false, root: '/' })))).toEqual(['data/log/a.json']);
    expect(relative(root, await list(createLocalLister({ from: pathToFileURL(file).href, gzip: false, root: '/' })))).toEqual(['data/log/a.json']);
    expect(await list(createLocalLister({ from: `${pathToFileURL(path.join(root, 'data/log/2018')).href}/`, gzip: false, root: '/' }))).toHaveLength(4);
  });

  it("fails with Redshift's message when the prefix matches nothing", async () => {
    const prefix = path.join(root, 'data/song_data');
    const error = await expectSparkdbtRejection(list(createLocalLister({ from: 'data/song_data', gzip: false, root })), 'load-failed');
    expect(error.message).toBe(`The specified local prefix '${prefix}' does not exist`);
    await expectSparkdbtRejection(list(createLocalLister({ from: '/no/such/folder/', gzip: false, root })), 'load-failed');
  });

  it('decompresses with gzip', async () => {
    const dir = tempFiles({ 'events.json.gz': gzipSync('{"a":1}\n{"a":2}') });
    const [file] = await list(createLocalLister({ from: dir, gzip: true, root: '/' }));
    expect(await read(file!)).toBe('{"a":1}\n{"a":2}');
  });
});

describe('createLocalLister: paths it cannot read fail the load, naming them', () => {
  const hint = 'COPY reads every file under its source and fails on one it cannot read; fix the path or its permissions, or move it out of the source';

  it('a broken symbolic link inside the source folder', async () => {
    const root = tempFiles({ 'log/a.json': '{"a":1}', 'log/sub/b.json': '{"b":2}' });
    const link = path.join(root, 'log/sub/gone.json');
    fs.symlinkSync(path.join(root, 'nowhere.json'), link);
    const error = await expectSparkdbtRejection(list(createLocalLister({ from: 'log', gzip: false, root })), 'load-failed');
    expect(error.message).toBe(`cannot read '${link}' under the COPY source: it is a broken symbolic link (its target does not exist)`);
    expect(error.hint).toBe(hint);
  });

  it('a broken symbolic link that a key prefix matches', async () => {
    const root = tempFiles({ 'log/2018-11-01.json': '{}' });
    const link = path.join(root, 'log/2018-11-02.json');
    fs.symlinkSync(path.join(root, 'missing'), link);
    const error = await expectSparkdbtRejection(list(createLocalLister({ from: 'log/2018-', gzip: false, root })), 'load-failed');
    expect(error.message).toBe(`cannot read '${link}' under the COPY source: it is a broken symbolic link (its target does not exist)`);
  });

  it('a symbolic link loop', async () => {
    const root = tempFiles({ 'log/a.json': '{}' });
    const link = path.join(root, 'log/loop');
    fs.symlinkSync(link, link);
    const error = await expectSparkdbtRejection(list(createLocalLister({ from: 'log', gzip: false, root })), 'load-failed');
    expect(error.message).toBe(`cannot read '${link}' under the COPY source: it is a symbolic link loop`);
  });

  it('a working symbolic link is followed, and a missing prefix is still the "does not exist" failure', async () => {
    const root = tempFiles({ 'real/b.json': '{"b":2}', 'log/a.json': '{"a":1}' });
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'log/linked'));
    expect(relative(root, await list(createLocalLister({ from: 'log', gzip: false, root })))).toEqual(['log/a.json', 'log/linked/b.json']);
    const error = await expectSparkdbtRejection(list(createLocalLister({ from: 'log/nothing-', gzip: false, root })), 'load-failed');
    expect(error.message).toBe(`The specified local prefix '${path.join(root, 'log/nothing-')}' does not exist`);
  });
});

describe('manifests and createSourceLister', () => {
  it('lists the files a manifest names, skipping missing optional ones', async () => {
    const root = tempFiles({
      'data/one.json': '{"a":1}',
      'data/two.json': '{"a":2}',
      'load.manifest': JSON.stringify({
        entries: [{ url: 'data/two.json', mandatory: true }, { url: 'data/gone.json', mandatory: false }, { url: pathToFileURL('/dev/null/none').href }, { url: 'data/one.json' }],
      }),
    });
    const files = await list(createSourceLister({ from: 'load.manifest', gzip: false, manifest: true }, root));
    expect(relative(root, files)).toEqual(['data/two.json', 'data/one.json']);
  });

  it('fails when a mandatory file is missing or the manifest is not one', async () => {
    const root = tempFiles({ 'm.json': JSON.stringify({ entries: [{ url: 'x.json', mandatory: true }] }) });
    const error = await expectSparkdbtRejection(list(createSourceLister({ from: 'm.json', gzip: false, manifest: true }, root)), 'load-failed');
    expect(error.message).toBe(`manifest '${path.join(root, 'm.json')}': mandatory file 'x.json' was not found`);
    expect(expectSparkdbtError(() => parseManifest('{"files": []}', 'm.json'), 'load-failed').message).toBe('manifest \'m.json\': must be an object with an "entries" array');
  });

  it('lists s3:// sources lazily: creating the lister contacts no server (S3 itself: s3-source.test.ts)', () => {
    expect(() => createSourceLister({ from: 's3://udacity-dend/log_data', gzip: false, manifest: false }, '/')).not.toThrow();
  });
});
