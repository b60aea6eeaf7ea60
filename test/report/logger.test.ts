import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { colourLine, wantsColour } from '../../src/report/colour.js';
import { DebugLog } from '../../src/report/debug-log.js';
import type { LogEvent, LogLevel } from '../../src/report/log-event.js';
import { Logger } from '../../src/report/logger.js';

const at = new Date('2026-12-01T13:05:09.123Z');
const events: LogEvent[] = [
  { name: 'NodeStart', code: 'Q024', level: 'debug', msg: 'Began running node model.p.a', timestamped: true },
  { name: 'LogStartLine', code: 'Q011', level: 'info', msg: '1 of 1 START view model s.a .... [RUN]', timestamped: true },
  { name: 'Note', code: 'Z050', level: 'warn', msg: 'Warning: careful', stream: 'stderr' },
  { name: 'LogModelResult', code: 'Q012', level: 'error', msg: '1 of 1 ERROR creating view model s.a .... [ERROR in 0.10s]', timestamped: true },
  { name: 'ListCmdOut', code: 'Z049', level: 'info', msg: 'p.a', output: true },
];

function printed(options: { level?: LogLevel; quiet?: boolean; format?: 'text' | 'debug' | 'json'; colour?: boolean }): { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const logger = new Logger({
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    invocationId: 'inv-1',
    pid: 7,
    clock: () => at,
    ...options,
  });
  for (const event of events) logger.emit(event);
  return { stdout, stderr };
}

describe('logger', () => {
  it.each<[string, { level?: LogLevel; quiet?: boolean }, string[]]>([
    ['default: info and up', {}, ['LogStartLine', 'Note', 'LogModelResult', 'ListCmdOut']],
    ['--log-level debug: everything', { level: 'debug' }, ['NodeStart', 'LogStartLine', 'Note', 'LogModelResult', 'ListCmdOut']],
    ['--log-level warn', { level: 'warn' }, ['Note', 'LogModelResult', 'ListCmdOut']],
    ['--log-level error', { level: 'error' }, ['LogModelResult', 'ListCmdOut']],
    ['--log-level none: only what the command prints', { level: 'none' }, ['ListCmdOut']],
    ['-q: errors and what the command prints', { quiet: true }, ['LogModelResult', 'ListCmdOut']],
    ['-q with --log-level debug is still quiet', { quiet: true, level: 'debug' }, ['LogModelResult', 'ListCmdOut']],
  ])('%s', (_title, options, names) => {
    const lines = printed({ ...options, format: 'json' })
      .stdout.trimEnd()
      .split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { info: { name: string } }).info.name)).toEqual(names);
  });

  it("json: dbt's structured line", () => {
    const [first] = printed({ format: 'json', level: 'debug' }).stdout.split('\n');
    expect(JSON.parse(first!)).toEqual({
      info: {
        name: 'NodeStart',
        code: 'Q024',
        msg: 'Began running node model.p.a',
        level: 'debug',
        invocation_id: 'inv-1',
        pid: 7,
        thread: 'MainThread',
        ts: '2026-12-01T13:05:09.123Z',
        category: '',
        extra: {},
      },
      data: {},
    });
  });

  it('text: run lines timestamped, warnings on stderr, command output bare', () => {
    expect(printed({ format: 'text' })).toEqual({
      stdout: '13:05:09  1 of 1 START view model s.a .... [RUN]\n13:05:09  1 of 1 ERROR creating view model s.a .... [ERROR in 0.10s]\np.a\n',
      stderr: 'Warning: careful\n',
    });
  });

  it('debug format: time, level and thread on each line', () => {
    expect(printed({ format: 'debug', level: 'debug' }).stdout.split('\n')[0]).toBe('13:05:09.123000 [debug] [MainThread]: Began running node model.p.a');
  });

  it('colours the statuses as dbt when asked', () => {
    const text = printed({ format: 'text', colour: true });
    expect(text.stdout).toContain('\x1b[31m[ERROR in 0.10s]\x1b[0m');
    expect(text.stderr).toBe('\x1b[33mWarning:\x1b[0m careful\n');
    expect(printed({ format: 'text' }).stdout).not.toContain('\x1b');
  });
});

describe('colour', () => {
  it.each([
    ['1 of 2 OK created view s.a ..... [OK in 0.10s]', '1 of 2 OK created view s.a ..... \x1b[32m[OK in 0.10s]\x1b[0m'],
    ['2 of 2 SKIP view model s.b ..... [SKIP]', '2 of 2 SKIP view model s.b ..... \x1b[33m[SKIP]\x1b[0m'],
    ['Completed successfully', '\x1b[32mCompleted successfully\x1b[0m'],
    ['Completed with 2 errors:', '\x1b[31mCompleted with 2 errors:\x1b[0m'],
    ['Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1', 'Done. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1'],
  ])('%s', (line, coloured) => expect(colourLine(line)).toBe(coloured));

  it.each<[string, boolean | undefined, Record<string, string>, boolean, boolean]>([
    ['a terminal', true, {}, true, true],
    ['a pipe', undefined, {}, true, false],
    ['--no-color', true, {}, false, false],
    ['NO_COLOR=1', true, { NO_COLOR: '1' }, true, false],
    ['an empty NO_COLOR', true, { NO_COLOR: '' }, true, true],
    ['FORCE_COLOR=0', true, { FORCE_COLOR: '0' }, true, false],
  ])('on %s', (_title, isTTY, env, flag, expected) => {
    expect(wantsColour(isTTY === undefined ? {} : { isTTY }, env, flag)).toBe(expected);
  });
});

describe('debug log', () => {
  it("appends per invocation, masks, and rotates past its cap keeping dbt's five backups", () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-log-'));
    const mask = (text: string) => text.replaceAll('hunter22', '****');
    for (let i = 0; i < 8; i++) {
      const opening = DebugLog.open(folder, mask, { maxBytes: 100 });
      if (!opening.ok) throw new Error(opening.reason);
      const log = opening.log;
      log.header(`inv-${i}`, at);
      log.write({ name: 'Note', code: 'Z050', level: 'info', msg: `password hunter22, line ${i}\nsecond line` }, at);
      log.close();
    }
    const files = fs.readdirSync(folder).sort();
    expect(files).toEqual(['sparkdbt.log', 'sparkdbt.log.1', 'sparkdbt.log.2', 'sparkdbt.log.3', 'sparkdbt.log.4', 'sparkdbt.log.5']);
    const latest = fs.readFileSync(path.join(folder, 'sparkdbt.log'), 'utf8');
    expect(latest).toBe(
      `\n${'='.repeat(30)} 2026-12-01 13:05:09.123000 | inv-7 ${'='.repeat(30)}\n13:05:09.123000 [info ] [MainThread]: Note Z050: password ****, line 7\n${' '.repeat(38)}second line\n`,
    );
    expect(files.map((f) => fs.readFileSync(path.join(folder, f), 'utf8')).join('')).not.toContain('hunter22');
  });

  it('where it cannot be written, opening does not throw: it says which folder and the OS error', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-log-')), 'a-file');
    fs.writeFileSync(file, '');
    const opening = DebugLog.open(path.join(file, 'logs'), (t) => t);
    expect(opening).toEqual({ ok: false, folder: path.join(file, 'logs'), reason: expect.stringMatching(/^ENOTDIR: not a directory/) });
  });
});
