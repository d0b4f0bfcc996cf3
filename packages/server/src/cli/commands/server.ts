// `endure server start-dev`: the engine on a SQLite file behind the HTTP API, in the foreground.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { DEV_SERVER_ADDRESS, DEV_SERVER_PORT } from '@endure/transport';
import { startServer, ServerConfigError, type RunningServer, type ServerLogEntry } from '../../index.js';
import { shownDb } from '../../http/server.js';
import { durationMs, port, positiveInt } from '../input.js';
import { outputOption, print, printJson, type OutputFormat } from '../output.js';
import { globalOptions } from '../context.js';
import { usageError } from '../exit-codes.js';
import { isPostgresAddress } from '@endure/protocol';

interface StartDevFlags {
  db: string;
  port: number;
  host: string;
  insecureNoAuth?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  maxConnections?: number;
  headersTimeout?: number;
  requestTimeout?: number;
  cluster?: boolean;
  shards?: number;
  nodeId?: string;
  advertiseUrl?: string;
  leaseMs?: number;
  output: OutputFormat;
}

function logToStderr(entry: ServerLogEntry): void {
  // The start line is printed by the command itself; the rest (warnings, errors, stop) go to stderr.
  if (entry.level === 'info' && /listening on/.test(entry.message)) return;
  process.stderr.write(`[${entry.level}] ${entry.message}\n`);
}

/** Resolves once a first SIGTERM/SIGINT arrives; a second one exits at once. */
function firstStopSignal(): Promise<string> {
  return new Promise((resolveSignal) => {
    let seen = false;
    const on = (signal: string) => {
      if (seen) {
        process.stderr.write(`${signal} again: exiting without waiting\n`);
        process.exit(1);
      }
      seen = true;
      resolveSignal(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}

async function startDev(f: StartDevFlags, cmd: Command): Promise<void> {
  if (Boolean(f.tlsCert) !== Boolean(f.tlsKey)) throw usageError('--tls-cert and --tls-key go together: give both PEM files or neither');
  const clusterFlags = (['shards', 'nodeId', 'advertiseUrl', 'leaseMs'] as const).filter((k) => f[k] !== undefined);
  if (!f.cluster && clusterFlags.length) throw usageError(`--${clusterFlags[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is a cluster setting: add --cluster (and a postgres:// --db)`);
  const postgres = isPostgresAddress(f.db);
  const db = postgres ? f.db : resolve(f.db);
  if (!postgres) mkdirSync(dirname(db), { recursive: true, mode: 0o700 }); // a new directory is private, like the database in it
  const apiKeys = globalOptions(cmd).apiKey;
  const stop = firstStopSignal();
  let server;
  try {
    server = await startServer({
      db,
      host: f.host,
      port: f.port,
      ...(apiKeys?.length ? { apiKeys } : {}),
      ...(f.insecureNoAuth ? { insecureNoAuth: true } : {}),
      ...(f.tlsCert && f.tlsKey ? { tls: { certFile: f.tlsCert, keyFile: f.tlsKey } } : {}),
      // Unset flags leave the server's defaults (options.ts), defined in one place.
      ...(f.maxConnections !== undefined ? { maxConnections: f.maxConnections } : {}),
      ...(f.headersTimeout !== undefined ? { headersTimeoutMs: f.headersTimeout } : {}),
      ...(f.requestTimeout !== undefined ? { requestTimeoutMs: f.requestTimeout } : {}),
      ...(f.cluster
        ? {
            cluster: {
              ...(f.shards !== undefined ? { shardCount: f.shards } : {}),
              ...(f.nodeId !== undefined ? { nodeId: f.nodeId } : {}),
              ...(f.advertiseUrl !== undefined ? { advertiseUrl: f.advertiseUrl } : {}),
              ...(f.leaseMs !== undefined ? { leaseMs: f.leaseMs } : {}),
            },
          }
        : {}),
      logger: logToStderr,
    });
  } catch (err) {
    // Bad host/port/keys/TLS files are the command line's fault: exit 2 with the server's reason.
    throw err instanceof ServerConfigError ? usageError(err.message) : err;
  }
  const address = clientAddress(server);
  if (f.output === 'json') printJson({ url: server.url, address, host: server.host, port: server.port, db: shownDb(db), pid: process.pid });
  else {
    print(`Endure server listening on ${server.url} (db ${shownDb(db)})`);
    print(
      address === DEV_SERVER_ADDRESS
        ? `Clients connect to ${address}, the default: Connection.connect() and NativeConnection.connect() without an address, and endure commands without --address. Ctrl+C stops it.`
        : `Clients connect with the address '${address}' (Connection.connect({ address: '${address}' }), ENDURE_ADDRESS=${address}, or --address ${address}). Ctrl+C stops it.`,
    );
  }
  const signal = await stop;
  process.stderr.write(`${signal}: shutting down gracefully\n`);
  await server.close();
}

/**
 * The address to give clients: Temporal's `host:port` for plain HTTP (`localhost:7233`, the
 * default, when that is where it listens), the https:// URL for TLS (the CLI has no TLS flags).
 */
function clientAddress(server: RunningServer): string {
  if (server.url.startsWith('https:')) return server.url;
  const host = server.host === '127.0.0.1' || server.host === 'localhost' || server.host === '0.0.0.0' || server.host === '::' ? 'localhost' : server.host;
  return `${host.includes(':') ? `[${host}]` : host}:${server.port}`;
}

export function registerServerCommands(program: Command): void {
  const server = program.command('server').description('run an Endure server');
  server
    .command('start-dev')
    .description('run a server on a SQLite file or a PostgreSQL schema until SIGINT/SIGTERM (keys from the global --api-key)')
    .option('--db <file or address>', 'SQLite file (created when missing), or postgres://[user@]host[:port]/database[?schema=name] (the schema is created when missing)', '.endure/endure.db')
    .option('--port <port>', "port to listen on (Temporal's, where clients connect by default); 0 picks a free one", port, DEV_SERVER_PORT)
    .option('--host <host>', 'interface to listen on; anything but loopback needs --api-key or --insecure-no-auth', '127.0.0.1')
    .option('--insecure-no-auth', 'serve a non-loopback address without API keys (anyone who reaches it can use it)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--max-connections <n>', 'connections open at once at most, default 1000 (each waiting result and worker poll holds one); more are refused', positiveInt('--max-connections'))
    .option('--headers-timeout <duration>', "how long a client may take to send a request's headers, default 10s", durationMs('--headers-timeout'))
    .option('--request-timeout <duration>', 'how long a client may take to send a whole request, body included, default 30s (long-polls wait after it, unaffected)', durationMs('--request-timeout'))
    .option('--cluster', 'serve as one node of a cluster: several servers on one postgres:// --db share the work, any of them answers any request')
    .option('--shards <n>', 'cluster: how many shards runs are split into (every node must agree), default 64', positiveInt('--shards'))
    .option('--node-id <id>', "cluster: this node's name, default host:port:random")
    .option('--advertise-url <url>', 'cluster: the URL other nodes reach this one at, default the URL it listens on')
    .option('--lease-ms <duration>', "cluster: how soon a dead node's work is taken over, default 10s", durationMs('--lease-ms'))
    .addOption(outputOption())
    .action((f: StartDevFlags, cmd: Command) => startDev(f, cmd));
}
