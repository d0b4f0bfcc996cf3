// A small runnable server for tests and scripts (the `endure` CLI has the full-featured command):
//   node dist/src/http/run-server.js --db <file> [--host H] [--port P] [--api-key K]...
//        [--insecure-no-auth] [--tls-cert F --tls-key F] [--max-body-bytes N]
//        [--max-connections N] [--headers-timeout-ms N] [--request-timeout-ms N]
//        [--cluster [--shards N] [--node-id ID] [--lease-ms N]]
// When ready it prints one JSON line on stdout: {"url":…,"host":…,"port":…,"pid":…}. Logs are JSON
// lines on stderr. SIGTERM/SIGINT stop it gracefully (exit 0); bad options exit 2, other failures 1.
import { parseArgs } from 'node:util';
import { startServer } from './server.js';
import { ServerConfigError } from './options.js';

function fail(message: string, code: number): never {
  process.stderr.write(`${JSON.stringify({ level: 'error', message })}\n`);
  process.exit(code);
}

function integer(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) fail(`${flag} must be a whole number, got '${text}'`, 2);
  return Number(text);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        db: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'api-key': { type: 'string', multiple: true },
        'insecure-no-auth': { type: 'boolean' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'max-connections': { type: 'string' },
        'headers-timeout-ms': { type: 'string' },
        'request-timeout-ms': { type: 'string' },
        cluster: { type: 'boolean' },
        shards: { type: 'string' },
        'node-id': { type: 'string' },
        'lease-ms': { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message, 2);
  }
  if (!values.db) fail('--db <file or address> is required: the SQLite file or the postgres:// address to serve', 2);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) fail('--tls-cert and --tls-key go together', 2);
  const port = integer(values.port, '--port');
  const maxBodyBytes = integer(values['max-body-bytes'], '--max-body-bytes');
  const maxConnections = integer(values['max-connections'], '--max-connections');
  const headersTimeoutMs = integer(values['headers-timeout-ms'], '--headers-timeout-ms');
  const requestTimeoutMs = integer(values['request-timeout-ms'], '--request-timeout-ms');
  const shardCount = integer(values.shards, '--shards');
  const leaseMs = integer(values['lease-ms'], '--lease-ms');
  const server = await startServer({
    db: values.db,
    ...(values.host ? { host: values.host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(values['api-key'] ? { apiKeys: values['api-key'] } : {}),
    ...(values['insecure-no-auth'] ? { insecureNoAuth: true } : {}),
    ...(values['tls-cert'] && values['tls-key'] ? { tls: { certFile: values['tls-cert'], keyFile: values['tls-key'] } } : {}),
    ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
    ...(maxConnections !== undefined ? { maxConnections } : {}),
    ...(headersTimeoutMs !== undefined ? { headersTimeoutMs } : {}),
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    ...(values.cluster
      ? { cluster: { ...(shardCount !== undefined ? { shardCount } : {}), ...(leaseMs !== undefined ? { leaseMs } : {}), ...(values['node-id'] ? { nodeId: values['node-id'] } : {}) } }
      : {}),
    logger: (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`),
  }).catch((err: unknown) => fail((err as Error).message, err instanceof ServerConfigError ? 2 : 1));
  process.stdout.write(`${JSON.stringify({ url: server.url, host: server.host, port: server.port, pid: process.pid })}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${JSON.stringify({ level: 'info', message: `${signal}: shutting down gracefully` })}\n`);
    // Exit explicitly: an engine call abandoned at shutdown may still hold a timer.
    server.close().then(
      () => process.exit(0),
      (err: unknown) => fail(`shutdown failed: ${(err as Error).message}`, 1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

// Not top-level await, so that this file has a CommonJS build too (scripts/build-cjs.mjs).
void main();
