// startServer: the embedded engine on a SQLite file, behind the HTTP/JSON API.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { openEmbeddedTransport } from '@endure/embedded';
import { ApiKeyCheck } from './auth.js';
import { ApiHandler } from './handler.js';
import { applyConnectionLimits, timeoutOptions } from './connection-limits.js';
import { resolveOptions, ServerConfigError, type ServerOptions } from './options.js';

export interface RunningServer {
  /** Base URL clients connect to, e.g. `http://127.0.0.1:7233`. */
  url: string;
  host: string;
  /** The port listened on (the chosen one when started with port 0). */
  port: number;
  /** Graceful stop: ends long-polls, waits for requests in flight, then closes the engine. */
  close(): Promise<void>;
}

function listenError(err: NodeJS.ErrnoException, port: number, host: string): Error {
  if (err.code === 'EADDRINUSE') return new ServerConfigError(`port ${port} on ${host} is already in use (another endure server?): stop it, or pick another port with --port (0 for any free one)`);
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') return new ServerConfigError(`cannot listen on host '${host}' (--host): ${err.message}`);
  if (err.code === 'EACCES') return new ServerConfigError(`not allowed to listen on port ${port} (--port): ${err.message}`);
  return err;
}

/**
 * Binds the port for a moment before the database is opened, so a port in use is reported as
 * such (and not as the database being held, when the other server serves the same file).
 */
function probePort(port: number, host: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, port, host)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(listenError(err, port, host));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const opts = resolveOptions(options);
  await probePort(opts.port, opts.host);
  const transport = await openEmbeddedTransport(opts.db, opts.engine);
  const engine = transport.engine;
  // The handler validates each request at the edge, so it calls the engine itself (no second validation).
  const handler = new ApiHandler(engine, opts, new ApiKeyCheck(opts.apiKeys, (key) => engine.authenticateApiKey(key)), transport.health);
  const limits = timeoutOptions(opts);
  const server: Server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key, ...limits }, handler.listener) : createHttpServer(limits, handler.listener);
  applyConnectionLimits(server, opts);
  let port: number;
  try {
    port = await listen(server, opts.port, opts.host);
  } catch (err) {
    await transport.close();
    throw err;
  }
  const urlHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `${opts.tls ? 'https' : 'http'}://${urlHost}:${port}`;
  // Another process opening the database is told to connect here instead.
  await transport.recordServerUrl(url).catch(() => undefined); // a courtesy, never a reason not to serve
  const db = shownDb(opts.db);
  opts.log({ level: 'info', message: `endure server listening on ${url} (db ${db})`, url, db });
  let closing: Promise<void> | undefined;
  const close = async () => {
    const stopped = new Promise<void>((r) => server.close(() => r()));
    server.closeIdleConnections();
    await handler.shutdown();
    server.closeAllConnections();
    await transport.close();
    await stopped;
    opts.log({ level: 'info', message: 'endure server stopped' });
  };
  return { url, host: opts.host, port, close: () => (closing ??= close()) };
}

/** The database as logs show it: a PostgreSQL address without its password. */
export function shownDb(db: string): string {
  return db.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}
