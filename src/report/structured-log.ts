import type { LogEvent } from './log-event.js';

/** Who writes an event: dbt's invocation_id and pid. */
export interface EventOrigin {
  readonly invocationId: string;
  readonly pid: number;
}

/**
 * One event in dbt's structured-log shape (`--log-format json`): `info` with name, code, msg,
 * level, invocation_id, pid, thread, ts, category and extra; `data` with the event's fields and
 * node_info for a node event. One line, no colour.
 */
export function structuredLine(event: LogEvent, ts: Date, origin: EventOrigin): string {
  const info = {
    name: event.name,
    code: event.code,
    msg: event.msg,
    level: event.level,
    invocation_id: origin.invocationId,
    pid: origin.pid,
    thread: event.thread ?? 'MainThread',
    ts: ts.toISOString(),
    category: '',
    extra: {},
  };
  const data = { ...(event.data ?? {}), ...(event.nodeInfo ? { node_info: event.nodeInfo } : {}) };
  return JSON.stringify({ info, data });
}

/** dbt's debug-format line prefix: `13:55:00.123456 [info ] [MainThread]: `. */
export function debugPrefix(event: LogEvent, ts: Date): string {
  return `${ts.toISOString().slice(11, 23)}000 [${event.level.padEnd(5)}] [${event.thread ?? 'MainThread'}]: `;
}
