/**
 * Event logs for the daily-run bench: the shared month of eventsim logs (30 day files, 8,056
 * events) replicated month after month, each copy shifted by 30 days and its session ids by
 * SESSION_SHIFT, so every copy's plays are new plays (new natural keys) on new days, with the
 * shared data's own mix of pages, users, level changes and awkward values.
 */
import fs from 'node:fs';
import path from 'node:path';

const DAY_MS = 86_400_000;
/** Session ids of copy k are the shared ones plus k × SESSION_SHIFT (the shared data's largest is 1,114). */
export const SESSION_SHIFT = 10_000;

/** One shared day file: its day of the month and its events, parsed. */
export interface SharedDay {
  readonly day: number;
  readonly events: readonly Record<string, unknown>[];
}

/** Reads the shared month (log_data/2018/11/2018-11-DD-events.json). */
export function readSharedMonth(logData: string): SharedDay[] {
  const folder = path.join(logData, '2018', '11');
  return fs
    .readdirSync(folder)
    .filter((name) => /^2018-11-\d\d-events\.json$/.test(name))
    .sort()
    .map((name) => ({
      day: Number(name.slice(8, 10)),
      events: fs
        .readFileSync(path.join(folder, name), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    }));
}

/**
 * Writes copy `copy` of one shared day under `logData`, as eventsim names its files
 * (YYYY/MM/YYYY-MM-DD-events.json, lines joined by newlines, no trailing newline); returns its path
 * and how many events it holds.
 */
export function writeShiftedDay(logData: string, shared: SharedDay, copy: number): { file: string; events: number } {
  const shift = copy * 30 * DAY_MS;
  const date = new Date(Date.UTC(2018, 10, shared.day) + shift).toISOString().slice(0, 10);
  const folder = path.join(logData, date.slice(0, 4), date.slice(5, 7));
  fs.mkdirSync(folder, { recursive: true });
  const lines = shared.events.map((event) =>
    JSON.stringify({
      ...event,
      ts: (event['ts'] as number) + shift,
      sessionId: (event['sessionId'] as number) + copy * SESSION_SHIFT,
    }),
  );
  const file = path.join(folder, `${date}-events.json`);
  fs.writeFileSync(file, lines.join('\n'));
  return { file, events: lines.length };
}

/** Writes copies 0 … n − 1 of the whole shared month under `logData`; returns the number of events written. */
export function writeShiftedMonths(logData: string, month: readonly SharedDay[], copies: number): number {
  let events = 0;
  for (let copy = 0; copy < copies; copy++) for (const day of month) events += writeShiftedDay(logData, day, copy).events;
  return events;
}
