import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SourceFile } from '../../src/load/list-files.js';
import { historyName, historyTime, standingOf, type LoadedFile } from '../../src/load/new-files.js';

const file = (uri: string, size: number, extra: Partial<SourceFile> = {}): SourceFile => ({ uri, size, open: () => process.stdin, ...extra });
const was = (size: number, etag: string, lastModified: string | null): LoadedFile => ({ filename: 'f', size, etag, lastModified });
const T1 = new Date('2026-12-01T10:00:00.123Z');
const T2 = new Date('2026-12-01T11:00:00Z');

describe('how a listed file stands against the load history', () => {
  it.each([
    ['never loaded', file('s3://b/k', 10, { etag: 'e1' }), undefined, 'new'],
    ['S3: same size and ETag (a re-upload: new LastModified)', file('s3://b/k', 10, { etag: 'e1', lastModified: T2 }), was(10, 'e1', historyTime(T1)), 'unchanged'],
    ['S3: another ETag', file('s3://b/k', 10, { etag: 'e2' }), was(10, 'e1', null), 'changed'],
    ['another size (S3 or local)', file('file:///d/f.json', 11, { lastModified: T1 }), was(10, 'md5', historyTime(T1)), 'changed'],
    ['local: same size and modification time', file('file:///d/f.json', 10, { lastModified: T1 }), was(10, 'md5', historyTime(T1)), 'unchanged'],
    ['local: same size, new modification time: the hash decides', file('file:///d/f.json', 10, { lastModified: T2 }), was(10, 'md5', historyTime(T1)), 'check'],
    ['local: no time recorded: the hash decides', file('file:///d/f.json', 10, { lastModified: T1 }), was(10, 'md5', null), 'check'],
  ] as const)('%s: %s', (_case, listed, loaded, kind) => {
    expect(standingOf(listed, loaded).kind).toBe(kind);
  });

  it('says why a file changed', () => {
    expect(standingOf(file('s3://b/k', 11, { etag: 'e1' }), was(10, 'e1', null))).toMatchObject({ why: 'its size was 10 bytes, it is 11 now' });
    expect(standingOf(file('s3://b/k', 10, { etag: 'e2' }), was(10, 'e1', null))).toMatchObject({ why: 'its ETag was e1, it is e2 now' });
  });

  it('names local files relative to the project root with /, files outside it absolutely, S3 keys as URIs', () => {
    const root = path.resolve('/proj');
    expect(historyName(file(pathToFileURL(path.join(root, 'data', 'days', 'd1.json')).href, 1), root)).toBe('data/days/d1.json');
    expect(historyName(file(pathToFileURL(path.resolve('/elsewhere/d1.json')).href, 1), root)).toBe('/elsewhere/d1.json');
    expect(historyName(file('s3://bucket/log_data/2018/11/a.json', 1), root)).toBe('s3://bucket/log_data/2018/11/a.json');
  });

  it('keeps times in UTC to the millisecond', () => {
    expect(historyTime(T1)).toBe('2026-12-01 10:00:00.123');
    expect(historyTime(undefined)).toBeNull();
  });
});
