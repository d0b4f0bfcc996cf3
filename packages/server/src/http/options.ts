// startServer's options, and their checks: what a bad value is and which flag fixes it.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { DEV_SERVER_PORT, type EmbeddedOptions } from '@endure/transport';
import type { ClusterSettings } from '../cluster/cluster-node.js';
import { isPostgresAddress } from '@endure/protocol';

export interface ServerLogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  [field: string]: unknown;
}

export interface ServerOptions {
  /** SQLite file of the embedded engine (created when missing), or a `postgres://` address (its schema created when missing). */
  db: string;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Default 7233 (Temporal's, where clients connect by default); 0 picks any free port (see the returned `port`). */
  port?: number;
  /** Keys accepted as `Authorization: Bearer <key>`. Required unless bound to loopback or insecureNoAuth. */
  apiKeys?: string[];
  /** Serve without API keys on a non-loopback address (anyone who can reach it can use it). */
  insecureNoAuth?: boolean;
  /** Serve HTTPS with this PEM certificate and key. */
  tls?: { certFile: string; keyFile: string };
  /** Largest request body accepted, in bytes. Default 8 MB. */
  maxBodyBytes?: number;
  /** Connections open at once at most; more are closed as they arrive. Each awaited result and each worker poll holds one. Default 1000. */
  maxConnections?: number;
  /** How long a client may take to send a request's headers, in ms (slow clients are cut off). Default 10 s. */
  headersTimeoutMs?: number;
  /**
   * How long a client may take to send a whole request, body included, in ms. Default 30 s. Long
   * polls are not affected: they wait after the request is in.
   */
  requestTimeoutMs?: number;
  /** How long close() waits for in-flight requests before answering them UNAVAILABLE. Default 10 s. */
  shutdownGraceMs?: number;
  /** Settings of the embedded engine (payload limit, clock). */
  engine?: EmbeddedOptions;
  /**
   * Serve as one node of a cluster (--cluster): several servers on one postgres:// database, each
   * owning a share of the runs' shards, any of them answering any request.
   */
  cluster?: ClusterSettings;
  /** Receives the server's log entries (start, stop, internal errors). Default: none. */
  logger?: (entry: ServerLogEntry) => void;
}

export class ServerConfigError extends Error {
  override name = 'ServerConfigError';
}

export interface ResolvedOptions {
  db: string;
  host: string;
  port: number;
  apiKeys: string[];
  tls?: { cert: Buffer; key: Buffer };
  maxBodyBytes: number;
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  shutdownGraceMs: number;
  engine: EmbeddedOptions;
  cluster?: ClusterSettings;
  log: (entry: ServerLogEntry) => void;
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

function readPem(path: string, what: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ServerConfigError(`cannot read the TLS ${what} file '${path}' (${flag}): ${(err as Error).message}`);
  }
}

function whole(value: number | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new ServerConfigError(`${name} must be a whole number ≥ ${min}, got ${String(value)}`);
  return value;
}

export function resolveOptions(opts: ServerOptions): ResolvedOptions {
  if (typeof opts.db !== 'string' || opts.db.trim() === '') throw new ServerConfigError('db must name the SQLite file or the postgres:// address to serve (--db <file or address>)');
  const host = opts.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new ServerConfigError('host must be a host name or IP address (--host)');
  const port = whole(opts.port, DEV_SERVER_PORT, 'port (--port)', 0);
  if (port > 65535) throw new ServerConfigError(`port (--port) must be at most 65535, got ${port}`);
  const apiKeys = opts.apiKeys ?? [];
  for (const k of apiKeys) {
    if (typeof k !== 'string' || !/^\S{16,}$/.test(k)) throw new ServerConfigError('API keys (--api-key) must be at least 16 characters without spaces');
  }
  if (apiKeys.length === 0 && !opts.insecureNoAuth && !isLoopback(host)) {
    throw new ServerConfigError(
      `refusing to listen on ${host} without API keys: anyone who can reach it could start, read and terminate workflows. ` +
        'Add --api-key <key> (apiKeys), or --insecure-no-auth (insecureNoAuth) to accept that risk, or listen on 127.0.0.1',
    );
  }
  const headersTimeoutMs = whole(opts.headersTimeoutMs, 10_000, 'headersTimeoutMs (--headers-timeout)', 1);
  const requestTimeoutMs = whole(opts.requestTimeoutMs, 30_000, 'requestTimeoutMs (--request-timeout)', 1);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ServerConfigError(`headersTimeoutMs (--headers-timeout, ${headersTimeoutMs} ms) must not exceed requestTimeoutMs (--request-timeout, ${requestTimeoutMs} ms): the headers are part of the request`);
  }
  const tls = opts.tls && { cert: readPem(opts.tls.certFile, 'certificate', '--tls-cert'), key: readPem(opts.tls.keyFile, 'key', '--tls-key') };
  return {
    db: opts.db,
    host,
    port,
    apiKeys,
    ...(tls ? { tls } : {}),
    maxBodyBytes: whole(opts.maxBodyBytes, 8 * 1024 * 1024, 'maxBodyBytes', 1024),
    maxConnections: whole(opts.maxConnections, 1000, 'maxConnections (--max-connections)', 1),
    headersTimeoutMs,
    requestTimeoutMs,
    shutdownGraceMs: whole(opts.shutdownGraceMs, 10_000, 'shutdownGraceMs', 0),
    engine: opts.engine ?? {},
    ...(opts.cluster ? { cluster: checkCluster(opts.cluster, opts.db) } : {}),
    log: opts.logger ?? (() => {}),
  };
}

function checkCluster(c: ClusterSettings, db: string): ClusterSettings {
  if (!isPostgresAddress(db)) {
    throw new ServerConfigError(`a cluster node (--cluster) needs a postgres:// database that every node reaches (--db), not '${db}': a SQLite file belongs to one process`);
  }
  if (c.shardCount !== undefined) whole(c.shardCount, 0, 'cluster shardCount (--shards)', 1);
  if (c.shardCount !== undefined && c.shardCount > 4096) throw new ServerConfigError(`cluster shardCount (--shards) must be at most 4096, got ${c.shardCount}`);
  if (c.leaseMs !== undefined) whole(c.leaseMs, 0, 'cluster leaseMs (--lease-ms)', 300);
  if (c.nodeId !== undefined && !/^[\w.:@-]{1,100}$/.test(c.nodeId)) throw new ServerConfigError(`cluster nodeId (--node-id) must be 1 to 100 letters, digits or . : @ _ -, got '${c.nodeId}'`);
  if (c.advertiseUrl !== undefined && !/^https?:\/\/[^/]+\/?$/.test(c.advertiseUrl)) throw new ServerConfigError(`cluster advertiseUrl (--advertise-url) must be an http(s)://host:port base URL, got '${c.advertiseUrl}'`);
  return c;
}
