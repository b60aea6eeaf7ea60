import { dialectFor, isEmbeddedTarget } from '../adapters/registry.js';
import { prepareProject } from '../compile/compile-project.js';
import { SparkdbtError } from '../errors.js';
import { loadProject } from '../project/load-project.js';
import { displayPath } from '../adapters/pglite/pglite-events.js';
import { parseVars, profileOptions, projectFolder, type CommandOptions } from './open-project.js';

/** `serve`'s options: the project's, and where to listen. */
export interface ServeCommandOptions extends CommandOptions {
  readonly host: string;
  /** 0 lets the system choose a free port. */
  readonly port: number;
}

/** A warehouse being served: where, how to connect, and how to stop. */
export interface Serving {
  readonly host: string;
  readonly port: number;
  /** The data folder, as the user knows it. */
  readonly folder: string;
  /** A psql command line that connects. */
  readonly psql: string;
  /** Stops serving, closes the warehouse and releases its lock. */
  stop(): Promise<void>;
}

/** Clients served at once (a BI tool opens a few); they share PGlite's one session. */
const MAX_CONNECTIONS = 16;

/**
 * Serves the target's embedded warehouse over the PostgreSQL wire protocol, holding its folder's
 * lock until stopped. A server target is refused: clients connect to that server directly.
 */
export async function serveProject(options: ServeCommandOptions): Promise<Serving> {
  const project = loadProject(projectFolder(options), profileOptions(options));
  const { target } = prepareProject(project, { target: options.target, vars: parseVars(options.vars), env: options.env }, dialectFor);
  if (!isEmbeddedTarget(target)) {
    throw new SparkdbtError(
      'serve-unsupported',
      `target '${target.name}' is a ${target.type} server at ${target.host}:${target.port}: connect to it directly, e.g. psql -h ${target.host} -p ${target.port} -U ${target.user} ${target.database}`,
      {
        hint: 'serve is for the embedded warehouse (a pglite target), which no other program can open',
      },
    );
  }
  const { PgliteAdapter } = await import('../adapters/pglite/pglite-adapter.js');
  const adapter = await PgliteAdapter.connect(target, options.connect);
  try {
    const server = await adapter.serve({ host: options.host, port: options.port, maxConnections: MAX_CONNECTIONS });
    let stopped: Promise<void> | undefined;
    return {
      host: server.host,
      port: server.port,
      folder: displayPath(target.path, options.connect?.cwd),
      psql: `psql -h ${server.host} -p ${server.port} -U postgres postgres`,
      stop: () => (stopped ??= server.stop().finally(() => adapter.close())),
    };
  } catch (error) {
    await adapter.close();
    throw error;
  }
}
