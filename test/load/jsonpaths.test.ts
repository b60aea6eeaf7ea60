import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractPath, parseJsonPathExpression, parseJsonPaths, readJsonPaths } from '../../src/load/jsonpaths.js';
import { sparkifyData } from '../support/shared-data.js';
import { expectSparkdbtError, expectSparkdbtRejection, tempFiles } from './helpers.js';

describe('parseJsonPathExpression', () => {
  it.each([
    ["$['artist']", [{ kind: 'key', key: 'artist' }], 'bracket'],
    ['$["userId"]', [{ kind: 'key', key: 'userId' }], 'bracket'],
    [
      "$['a.b']['c d'][0]",
      [
        { kind: 'key', key: 'a.b' },
        { kind: 'key', key: 'c d' },
        { kind: 'index', index: 0 },
      ],
      'bracket',
    ],
    ['$.artist', [{ kind: 'key', key: 'artist' }], 'dot'],
    [
      '$.store.book.title',
      [
        { kind: 'key', key: 'store' },
        { kind: 'key', key: 'book' },
        { kind: 'key', key: 'title' },
      ],
      'dot',
    ],
    [
      '$.location[2]',
      [
        { kind: 'key', key: 'location' },
        { kind: 'index', index: 2 },
      ],
      'dot',
    ],
    ['$[0]', [{ kind: 'index', index: 0 }], undefined],
    [
      '$[1][12]',
      [
        { kind: 'index', index: 1 },
        { kind: 'index', index: 12 },
      ],
      undefined,
    ],
  ])('%s', (expression, steps, notation) => {
    expect(parseJsonPathExpression(expression)).toEqual({ steps, notation });
  });

  it.each([
    ['artist', "must start with '$'"],
    ['$', "must name a member, as in $['column'] or $.column"],
    ["$.a['b']", 'bracket and dot notation cannot be mixed'],
    ['$[*]', "expected ['name'] or [index] at position 1 (wildcards and filters are not supported)"],
    ['$[-1]', "expected ['name'] or [index] at position 1 (wildcards and filters are not supported)"],
    ["$['open", "unterminated '...'] at position 1"],
    ['$..a', "expected a member name after '.' at position 1"],
    ['$a', "unexpected 'a' at position 1"],
  ])('rejects %s', (expression, reason) => {
    expect(parseJsonPathExpression(expression)).toBe(reason);
  });
});

describe('parseJsonPaths', () => {
  it('reads the Sparkify JSONPaths file', async () => {
    const file = sparkifyData().jsonPaths;
    const paths = await readJsonPaths(file);
    expect(paths.file).toBe(file);
    expect(paths.paths).toHaveLength(18);
    expect(paths.paths[0]).toEqual([{ kind: 'key', key: 'artist' }]);
    expect(paths.paths[17]).toEqual([{ kind: 'key', key: 'userId' }]);
    expect((await readJsonPaths(pathToFileURL(file).href)).paths).toEqual(paths.paths);
  });

  it.each([
    ['{"paths": ["$.a"]}', `JSONPaths file 'p.json': the object's only key must be "jsonpaths", found "paths"`],
    ['{"jsonpaths": ["$.a"], "extra": 1}', `JSONPaths file 'p.json': the object's only key must be "jsonpaths", found "jsonpaths", "extra"`],
    ['{"jsonpaths": ["$.a"]', "JSONPaths file 'p.json': not valid JSON"],
    ['{"jsonpaths": ["$.a"]} {"jsonpaths": []}', "JSONPaths file 'p.json': not valid JSON"],
    ['["$.a"]', "JSONPaths file 'p.json': must hold a single JSON object"],
    ['{"jsonpaths": []}', `JSONPaths file 'p.json': "jsonpaths" must be a non-empty array of JSONPath expressions`],
    ['{"jsonpaths": ["$.a", ""]}', "JSONPaths file 'p.json': element 1 must be a non-empty string"],
    ['{"jsonpaths": ["$.a", 3]}', "JSONPaths file 'p.json': element 1 must be a non-empty string"],
    [`{"jsonpaths": ["$.a", "$['b']"]}`, "JSONPaths file 'p.json': element 1 '$['b']': bracket and dot notation cannot be mixed"],
  ])('fails the load for %s', (text, message) => {
    const error = expectSparkdbtError(() => parseJsonPaths(text, 'p.json'), 'load-failed');
    expect(error.message.startsWith(message)).toBe(true);
    expect(error.location).toEqual({ file: 'p.json' });
  });

  it('says that Redshift would silently fall back to auto for a wrong top-level key', () => {
    const error = expectSparkdbtError(() => parseJsonPaths('{"jsonpath": ["$.a"]}', 'p.json'), 'load-failed');
    expect(error.hint).toBe("Redshift would silently ignore this file and load with json 'auto' instead");
  });

  it('fails the load, naming the file, when the file is missing', async () => {
    const missing = path.join(tempFiles({}), 'missing.json');
    const error = await expectSparkdbtRejection(readJsonPaths(missing), 'load-failed');
    expect(error.message).toMatch(new RegExp(`^JSONPaths file '${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' could not be read: ENOENT`));
    expect(fs.existsSync(missing)).toBe(false);
  });
});

describe('extractPath', () => {
  const record = { a: { b: [10, { c: 'deep' }] }, n: null, s: 'text' };
  const steps = (expression: string) => {
    const parsed = parseJsonPathExpression(expression);
    if (typeof parsed === 'string') throw new Error(parsed);
    return parsed.steps;
  };

  it.each([
    ['$.a.b[0]', { ok: true, value: 10 }],
    ["$['a']['b'][1]['c']", { ok: true, value: 'deep' }],
    ['$.a.b', { ok: true, value: [10, { c: 'deep' }] }],
    ['$.missing', { ok: true, value: undefined }],
    ['$.missing.deeper', { ok: true, value: undefined }],
    ['$.n.deeper', { ok: true, value: undefined }],
    ['$.s.deeper', { ok: false, code: 1216, reason: 'Invalid JSONPath format: Member is not an object.' }],
    ['$.a.b.c', { ok: false, code: 1216, reason: 'Invalid JSONPath format: Member is not an object.' }],
    ['$.a.b[2]', { ok: false, code: 1216, reason: 'Invalid JSONPath format: Not an array or index out of range.' }],
    ['$.s[0]', { ok: false, code: 1216, reason: 'Invalid JSONPath format: Not an array or index out of range.' }],
  ])('%s', (expression, expected) => {
    expect(extractPath(record, steps(expression))).toEqual(expected);
  });

  it('does not read inherited properties', () => {
    expect(extractPath({}, steps('$.constructor'))).toEqual({ ok: true, value: undefined });
    expect(extractPath(JSON.parse('{"__proto__": 5}'), steps("$['__proto__']"))).toEqual({ ok: true, value: 5 });
  });
});
