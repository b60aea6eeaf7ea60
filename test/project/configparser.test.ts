import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigParserError, parseConfigParser } from '../../src/project/configparser.js';

const dir = new URL('../fixtures/dwh-cfg/configparser/', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as Array<{ name: string; text: string }>;
/** Python's configparser output for each case, written by `python3 regenerate.py` in that folder. */
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Array<{ name: string }>;

type Read = { sections: Record<string, Record<string, string | { error: string }>> } | { error: string; line: number | null };

/** What sparkdbt's reader gives for a case, in the shape regenerate.py writes Python's answer. */
function read(text: string): Read {
  try {
    const file = parseConfigParser(text);
    const sections: Record<string, Record<string, string | { error: string }>> = {};
    for (const section of ['DEFAULT', ...file.sections]) {
      const values: Record<string, string | { error: string }> = {};
      for (const key of file.keys(section)) {
        try {
          values[key] = file.get(section, key)!;
        } catch (error) {
          if (!(error instanceof ConfigParserError)) throw error;
          values[key] = { error: error.kind };
        }
      }
      sections[section] = values;
    }
    return { sections };
  } catch (error) {
    if (!(error instanceof ConfigParserError)) throw error;
    return { error: error.kind, line: error.line ?? null };
  }
}

describe("dwh.cfg read as Python's configparser.ConfigParser() reads it", () => {
  it('has a golden answer for every case', () => {
    expect(expected.map((c) => c.name)).toEqual(cases.map((c) => c.name));
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c, i) => [c.name, c.text, expected[i]] as const))('%s', (name, text, golden) => {
    expect({ name, ...read(text) }).toEqual(golden);
  });

  it('never puts a value in an error message (values may be passwords)', () => {
    const secret = 'S3cr3t-Pa55';
    for (const text of [`[X]\npw = ${secret}%\n`, `[X]\npw = ${secret}%(nope)s\n`, `[X]\npw = %(pw)s${secret}\n`, `[X]\npw = ${secret}%(x\n`]) {
      expect(() => parseConfigParser(text).get('X', 'pw')).toThrow(ConfigParserError);
      try {
        parseConfigParser(text).get('X', 'pw');
      } catch (error) {
        expect((error as Error).message).not.toContain(secret);
      }
    }
    try {
      parseConfigParser(`[X]\n${secret}\n`);
    } catch (error) {
      expect((error as ConfigParserError).kind).toBe('ParsingError');
      expect((error as Error).message).toBe('line 2: neither a [section] header nor a key = value setting');
    }
  });
});
