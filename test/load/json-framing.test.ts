import { describe, expect, it } from 'vitest';
import { JsonFramer, frameJson, type FramedItem } from '../../src/load/json-framing.js';

/** Frames the text (split into chunks of `chunkSize` bytes) and shows each item as kind@line:text. */
function frame(text: string | Uint8Array, chunkSize = Infinity, maxRecordBytes?: number): string[] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text);
  const framer = new JsonFramer(maxRecordBytes);
  const items: FramedItem[] = [];
  const size = Number.isFinite(chunkSize) ? chunkSize : Math.max(1, bytes.length);
  for (let i = 0; i < bytes.length; i += size) items.push(...framer.push(bytes.subarray(i, i + size)));
  items.push(...framer.end());
  return items.map((item) => `${item.kind}@${item.line}:${Buffer.from(item.bytes).toString('utf8')}`);
}

describe('JsonFramer', () => {
  it('frames newline-delimited objects; a file without a final newline', () => {
    expect(frame('{"a":1}\n{"a":2}\n{"a":3}')).toEqual(['record@1:{"a":1}', 'record@2:{"a":2}', 'record@3:{"a":3}']);
  });

  it('frames several objects on one line and one object over several lines (line = its last line)', () => {
    const text = '{"a":1} {"a":2}\t{"a":3}\n\n{\n  "a": 4,\n  "b": {"c": [1, 2]}\n}\n';
    expect(frame(text)).toEqual(['record@1:{"a":1}', 'record@1:{"a":2}', 'record@1:{"a":3}', 'record@6:{\n  "a": 4,\n  "b": {"c": [1, 2]}\n}']);
  });

  it('is not fooled by braces and escaped quotes inside strings', () => {
    const text = '{"s":"} { [ ]","t":"say \\"}\\" \\\\","u":"\\\\"}\n{"a":"\\\\\\""}';
    expect(frame(text)).toEqual(['record@1:{"s":"} { [ ]","t":"say \\"}\\" \\\\","u":"\\\\"}', 'record@2:{"a":"\\\\\\""}']);
  });

  it('gives the same items whatever the chunk boundaries', () => {
    const text = '{"s":"a\\"b}"}  garbage here\n[1,{"x":"é€😀"}]\n{"multi":\n"line"}\n{"cut":"x';
    const whole = frame(text);
    for (const size of [1, 2, 3, 5, 7, 64]) expect(frame(text, size)).toEqual(whole);
    expect(whole).toEqual(['record@1:{"s":"a\\"b}"}', 'garbage@1:garbage here', 'record@2:[1,{"x":"é€😀"}]', 'record@4:{"multi":\n"line"}', 'truncated@5:{"cut":"x']);
  });

  it('reports text between objects as garbage, one item per line, and does not throw', () => {
    expect(frame('not json\n{"a":1},{"a":2}\n  trailing  ')).toEqual(['garbage@1:not json', 'record@2:{"a":1}', 'garbage@2:,', 'record@2:{"a":2}', 'garbage@3:trailing']);
  });

  it('reports an object cut off by the end of the file as truncated, on its last non-blank line', () => {
    expect(frame('{"a":1}\n{"b":\n  {"c": 2}\n\n')).toEqual(['record@1:{"a":1}', 'truncated@3:{"b":\n  {"c": 2}\n\n']);
  });

  it('ends an object at a raw line break inside a string (truncated) and resumes on the next line', () => {
    expect(frame('{"a":"cut\n{"a":"ok"}')).toEqual(['truncated@1:{"a":"cut', 'record@2:{"a":"ok"}']);
  });

  it('skips a UTF-8 byte order mark and blank input', () => {
    expect(frame(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]))).toEqual(['record@1:{"a":1}']);
    expect(frame('')).toEqual([]);
    expect(frame(' \r\n\t\n')).toEqual([]);
  });

  it('keeps invalid UTF-8 bytes as they are', () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xa4, 0xff]), Buffer.from('"}')]);
    const framer = new JsonFramer();
    const [item] = framer.push(bytes);
    expect(Buffer.from(item!.bytes)).toEqual(bytes);
  });

  it('reports an object over the size limit as oversize, keeping only its beginning', () => {
    const big = `{"a":"${'x'.repeat(5000)}"}`;
    const framer = new JsonFramer(1000);
    const items = [...framer.push(big.slice(0, 2000)), ...framer.push(big.slice(2000)), ...framer.push('\n{"b":1}'), ...framer.end()];
    expect(items.map((i) => i.kind)).toEqual(['oversize', 'record']);
    expect(items[0]).toMatchObject({ kind: 'oversize', line: 1, size: big.length });
    expect(items[0]!.bytes.length).toBe(4096);
  });

  it('streams from an async iterable of strings and buffers', async () => {
    async function* chunks() {
      yield '{"a":';
      yield Buffer.from('1}\n{"b"');
      yield ':2}';
    }
    const items: string[] = [];
    for await (const item of frameJson(chunks())) items.push(`${item.kind}@${item.line}:${Buffer.from(item.bytes).toString()}`);
    expect(items).toEqual(['record@1:{"a":1}', 'record@2:{"b":2}']);
  });

  it('is idle between items; skipLine counts a line framed elsewhere and ends the file start', () => {
    const framer = new JsonFramer();
    expect(framer.idle).toBe(true);
    framer.skipLine();
    expect(framer.push('{"a":')).toEqual([]);
    expect(framer.idle).toBe(false);
    expect(framer.push('1}\n').map((i) => `${i.kind}@${i.line}`)).toEqual(['record@2']);
    expect(framer.idle).toBe(true);
    framer.skipLine();
    // A byte order mark is only skipped at the very start of a file.
    const items = framer.push(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"b":2}')]));
    expect(items.map((i) => `${i.kind}@${i.line}`)).toEqual(['garbage@4', 'record@4']);
  });

  it('frames large input in linear time', () => {
    const line = `${JSON.stringify({ artist: "Des'ree", page: 'NextSong', ts: 1541106106796, userAgent: '"Mozilla\\/5.0 (Windows NT 6.1)"', tags: [1, 2, { x: '{' }] })}\n`;
    const data = Buffer.from(line.repeat(100_000));
    const framer = new JsonFramer();
    let count = 0;
    for (let i = 0; i < data.length; i += 1 << 20) count += framer.push(data.subarray(i, i + (1 << 20))).length;
    expect(count + framer.end().length).toBe(100_000);
  });
});
