// startServer: the embedded engine on a SQLite file (or a PostgreSQL schema) behind the HTTP/JSON
// API — or, with `cluster`, one node of a cluster over PostgreSQL, routing each request to the node
// owning what it touches.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { openEmbeddedTransport, type Engine, type EngineHealth } from '@endure/embedded';
import type { EngineApi, PeerApi } from '@endure/protocol';
import { joinCluster } from '../cluster/cluster-node.js';
import { ApiKeyCheck } from './auth.js';
import { ApiHandler } from './handler.js';
import { applyConnectionLimits, timeoutOptions } from './connection-limits.js';
import { resolveOptions, ServerConfigError, type ResolvedOptions, type ServerOptions } from './options.js';

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

/** What serves the API: the engine, and for a cluster node the routing in front of it. */
interface Backend {
  /** What requests are served by (validated at the edge, so no second validation here). */
  api: EngineApi;
  engine: Engine;
  /** A cluster node's own engine, for the other nodes' forwarded requests. */
  local?: EngineApi & PeerApi;
  /** A cluster node's API for polls that ask for this node's tasks only. */
  nodeScoped?: EngineApi;
  health(): EngineHealth;
  recordServerUrl?(url: string): Promise<void>;
  close(): Promise<void>;
}

function handlerFor(b: Backend, opts: ResolvedOptions): ApiHandler {
  const auth = new ApiKeyCheck(opts.apiKeys, (key) => b.engine.authenticateApiKey(key), b.local && ((c) => b.engine.isPeerCredential(c)));
  return new ApiHandler(b.api, opts, auth, b.health, b.local, b.nodeScoped);
}

/** Answered while a cluster node joins (it listens first: it announces the URL it listens on). */
function starting(res: ServerResponse): void {
  const body = JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'the server is starting (joining its cluster); retry shortly' } });
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), 'retry-after': '1' });
  res.end(body);
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const opts = resolveOptions(options);
  await probePort(opts.port, opts.host);
  // A single engine opens its database before listening (a database another process holds is
  // reported as such); a cluster node joins once it listens, announcing where it can be reached.
  let backend: Backend | undefined;
  if (!opts.cluster) {
    const transport = await openEmbeddedTransport(opts.db, opts.engine);
    backend = { api: transport.engine, engine: transport.engine, health: transport.health, recordServerUrl: (url) => transport.recordServerUrl(url), close: () => transport.close() };
  }
  let handler = backend && handlerFor(backend, opts);
  const listener = (req: IncomingMessage, res: ServerResponse) => (handler ? handler.listener(req, res) : starting(res));
  const limits = timeoutOptions(opts);
  const server: Server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key, ...limits }, listener) : createHttpServer(limits, listener);
  applyConnectionLimits(server, opts);
  let port: number;
  try {
    port = await listen(server, opts.port, opts.host);
  } catch (err) {
    await backend?.close();
    throw err;
  }
  const urlHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `${opts.tls ? 'https' : 'http'}://${urlHost}:${port}`;
  if (!backend) {
    try {
      const node = await joinCluster(opts.db, url, opts.cluster!, opts.engine, (message) => opts.log({ level: 'info', message }));
      backend = { api: node.api, engine: node.engine, local: node.engine, nodeScoped: node.nodeScopedApi, health: node.health, close: () => node.close() };
    } catch (err) {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      throw err;
    }
    handler = handlerFor(backend, opts);
  }
  const ready = { backend, handler: handler! };
  // Another process opening the database is told to connect here instead.
  await ready.backend.recordServerUrl?.(url).catch(() => undefined); // a courtesy, never a reason not to serve
  const db = shownDb(opts.db);
  opts.log({ level: 'info', message: `endure server listening on ${url} (db ${db})`, url, db });
  let closing: Promise<void> | undefined;
  const close = async () => {
    const stopped = new Promise<void>((r) => server.close(() => r()));
    server.closeIdleConnections();
    await ready.handler.shutdown();
    server.closeAllConnections();
    await ready.backend.close();
    await stopped;
    opts.log({ level: 'info', message: 'endure server stopped' });
  };
  return { url, host: opts.host, port, close: () => (closing ??= close()) };
}

/** The database as logs show it: a PostgreSQL address without its password. */
export function shownDb(db: string): string {
  return db.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}
