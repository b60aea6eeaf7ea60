import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJsonAtomic } from '../../src/artifacts/write-artifacts.js';

describe('writeJsonAtomic (written a member at a time)', () => {
  it.each([
    [
      'a manifest-like tree',
      {
        metadata: { dbt_version: '1.10.0', env: {} },
        nodes: { 'model.p.a': { name: 'a', tags: [], config: { docs: { show: true } }, n: 1.5 }, 'model.p.b': { name: 'b☃ "quoted"\n', depends_on: { nodes: ['model.p.a'] } } },
        empty: [],
        list: [[1, [2, { deep: [3] }]], null, 'x'],
      },
    ],
    ['members JSON.stringify leaves out or turns to null', { kept: 1, gone: undefined, nested: { gone: undefined, list: [undefined, 2] }, last: true }],
    ['a scalar', 'just text'],
    ['an array at the top', [{ a: [] }, {}, [], 0]],
    ['text longer than one written chunk', { nodes: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`model.p.m${i}`, { sql: `select ${'x'.repeat(500)} -- ${i}` }])) }],
  ])('writes exactly what JSON.stringify gives: %s', (_label, value) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-json-')), 'target', 'manifest.json');
    writeJsonAtomic(file, value as never);
    expect(fs.readFileSync(file, 'utf8')).toBe(JSON.stringify(value));
    expect(fs.readdirSync(path.dirname(file))).toEqual(['manifest.json']);
  });
});
