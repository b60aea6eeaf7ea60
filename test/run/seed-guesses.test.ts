import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src/commands/open-project.js';
import { startSeedGuesses } from '../../src/run/seed-executor.js';
import { SparkdbtError } from '../../src/errors.js';

/** A project with two seeds over 4 MiB (one with decimals only after its first MiB), one small, and a target of each kind. */
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'h-seedfast-guesses-'));
  fs.mkdirSync(path.join(dir, 'seeds'));
  const rows = (count: number, last: string) => `id,amount,label\n${Array.from({ length: count }, (_, i) => `${i + 1},${i % 100},row ${i}`).join('\n')}\n${last}\n`;
  fs.writeFileSync(path.join(dir, 'seeds/a_large.csv'), rows(300_000, '300001,0.5,last'));
  fs.writeFileSync(path.join(dir, 'seeds/b_large.csv'), rows(300_000, '300001,1,x'));
  fs.writeFileSync(path.join(dir, 'seeds/c_small.csv'), rows(10, '11,1,x'));
  fs.writeFileSync(
    path.join(dir, 'project.yml'),
    'name: guesses\ntarget: pg\ntargets:\n  pg:\n    type: postgres\n    host: 127.0.0.1\n    user: postgres\n    database: test\n    schema: h_seedfast_guesses\n  local:\n    type: pglite\n    path: .warehouse\n',
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('startSeedGuesses: the type guesses begun before the connection opens', () => {
  it('guesses the first large seeds on PostgreSQL from their first MiB, up to the count, and none for a small seed', async () => {
    const { prepared, selected } = openProject({ projectDir: dir, env: {} });
    const ids = ['seed.guesses.c_small', 'seed.guesses.a_large', 'seed.guesses.b_large'];
    expect(selected).toEqual(expect.arrayContaining(ids));
    expect([...startSeedGuesses(prepared, ids, 1).keys()]).toEqual(['seed.guesses.a_large']);
    const guesses = startSeedGuesses(prepared, ids, 4);
    expect([...guesses.keys()]).toEqual(['seed.guesses.a_large', 'seed.guesses.b_large']);
    const guess = await guesses.get('seed.guesses.a_large');
    if (guess === undefined || guess instanceof SparkdbtError) throw new Error(`no guess: ${String(guess)}`);
    // Only the start is read: the decimals of the last row are not in the guess (the whole scan finds them).
    expect(guess.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', { kind: 'number', maxDecimalPlaces: 0 }],
      ['amount', { kind: 'number', maxDecimalPlaces: 0 }],
      ['label', expect.objectContaining({ kind: 'text' })],
    ]);
    expect(guess.rowCount).toBeLessThan(300_000);
  });

  it('guesses nothing on a target whose seeds are not COPYed while scanned, and nothing for a file gone (its executor reports it)', async () => {
    expect(startSeedGuesses(openProject({ projectDir: dir, target: 'local', env: {} }).prepared, ['seed.guesses.a_large'], 4).size).toBe(0);
    const { prepared } = openProject({ projectDir: dir, env: {} });
    const file = path.join(dir, 'seeds/b_large.csv');
    const kept = fs.readFileSync(file);
    fs.rmSync(file);
    try {
      expect([...startSeedGuesses(prepared, ['seed.guesses.b_large', 'seed.guesses.a_large'], 4).keys()]).toEqual(['seed.guesses.a_large']);
    } finally {
      fs.writeFileSync(file, kept);
    }
  });
});
