import { describe, expect, it } from 'vitest';
import { NotPlainCsv, plainRecords, records } from '../../src/seed/csv-records.js';
import { scanSeed } from '../../src/seed/read-seed.js';
import type { SeedConfig } from '../../src/seed/types.js';

/** A source that yields `text` as UTF-8 in chunks of `size` bytes (so lines and characters split across chunks). */
const source = (text: string, size: number) =>
  async function* () {
    const bytes = Buffer.from(text, 'utf8');
    for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
  };

async function all(batches: AsyncIterable<string[][]>): Promise<string[][]> {
  const out: string[][] = [];
  for await (const batch of batches) out.push(...batch);
  return out;
}

describe('plainRecords: the hand split of a CSV with no quote and no CR', () => {
  const PLAIN: Array<[string, string, SeedConfig]> = [
    ['a header and rows', 'a,b\n1,2\n3,4\n', {}],
    ['no final line end', 'a,b\n1,2\n3,4', {}],
    ['blank lines inside and at the end', 'a,b\n1,2\n\n3,4\n\n', {}],
    ['a BOM', '\ufeffa,b\n1,2\n', {}],
    ['empty fields', 'a,b,c\n,,\n1,,x\n', {}],
    ['multi-byte characters', 'name,city\nZoë,Zürich\n日本,東京\n', {}],
    ['a semicolon delimiter', 'a;b\n1,5;2\n', { delimiter: ';' }],
    ['ragged rows (read as they are)', 'a,b\n1\n1,2,3\n', {}],
    ['an empty file', '', {}],
    ['only a header', 'a,b', {}],
  ];
  for (const [name, text, config] of PLAIN) {
    it(`reads ${name} exactly as csv-parse does, whatever the chunk size`, async () => {
      const expected = await all(records('seed.csv', source(text, 1 << 16), config));
      for (const size of [1, 2, 3, 7, 1 << 16]) expect(await all(plainRecords('seed.csv', source(text, size), config))).toEqual(expected);
    });
  }

  for (const [name, text] of [
    ['a quote', 'a,b\n"1",2\n'],
    ['a CR', 'a,b\r\n1,2\r\n'],
  ] as const) {
    it(`gives up at ${name} (the scan then uses csv-parse)`, async () => {
      await expect(all(plainRecords('seed.csv', source(text, 4), {}))).rejects.toBeInstanceOf(NotPlainCsv);
    });
  }

  it('scanSeed finds the same schema either way, and the ragged row at the same line', async () => {
    const plain = await scanSeed('seed.csv', source('a,b\n1,x\n2,y\n', 3));
    const quoted = await scanSeed('seed.csv', source('a,b\n1,"x"\n2,y\n', 3));
    expect({ ...plain, rawCsv: true }).toEqual({ ...quoted, rawCsv: true });
    expect(plain).toMatchObject({ rawCsv: true, rowCount: 2 });
    const ragged = await scanSeed('seed.csv', source('a,b\n1,x\n2\n', 3));
    expect(ragged).toMatchObject({ code: 'load-rejected', location: { file: 'seed.csv', line: 3 } });
  });
});
