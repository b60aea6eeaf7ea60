import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { SparkdbtError } from '../../errors.js';

/** Where to listen. */
export interface ServeOptions {
  readonly host: string;
  /** 0 lets the system choose a free port. */
  readonly port: number;
  /** Clients served at once; they share PGlite's one session (a transaction holds the others back). */
  readonly maxConnections: number;
}

/** A running wire-protocol server over the embedded warehouse. */
export interface RunningServer {
  readonly host: string;
  readonly port: number;
  /** Stops listening and disconnects every client. */
  stop(): Promise<void>;
}

/** Serves `db` over the PostgreSQL wire protocol (pglite-socket) until stopped. */
export async function startServer(db: PGlite, options: ServeOptions): Promise<RunningServer> {
  const server = new PGLiteSocketServer({ db, host: options.host, port: options.port, maxConnections: options.maxConnections });
  try {
    await server.start();
  } catch (error) {
    const code = (error as { code?: string }).code;
    const where = `${options.host}:${options.port}`;
    throw new SparkdbtError('connection-failed', `could not serve on ${where}: ${error instanceof Error ? error.message : String(error)}`, {
      hint: code === 'EADDRINUSE' ? 'another program listens on that port: choose another with --port <n> (0: any free port)' : 'check --host and --port',
    });
  }
  const [host, port] = splitAddress(server.getServerConn(), options);
  let stopped = false;
  return {
    host,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

function splitAddress(address: string, options: ServeOptions): [string, number] {
  const at = address.lastIndexOf(':');
  const port = Number(address.slice(at + 1));
  return [at > 0 ? address.slice(0, at) : options.host, Number.isInteger(port) ? port : options.port];
}
