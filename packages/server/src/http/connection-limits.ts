// What a client may cost the server before it sends a whole request: slow clients (slowloris:
// sockets opened and fed a byte at a time, or never) are cut off, and connections are capped.
//
// Long-polls are not affected: the timeouts cover *receiving* a request (Node's headersTimeout
// and requestTimeout stop counting once the request is in), while a long-poll waits on the
// response side for up to a minute; and an idle keep-alive connection between two requests is
// governed by keepAliveTimeout, not by these.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { ResolvedOptions } from './options.js';

/** Idle keep-alive connections outlive the clients' pools' idle timeouts, so a client never sends a request on a socket the server is closing at that moment. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** At most this often a refused connection is logged (with the count since the last entry). */
const DROP_LOG_INTERVAL_MS = 10_000;

/** The options node:http and node:https take at creation for these limits. */
export function timeoutOptions(opts: ResolvedOptions): { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number; handshakeTimeout: number } {
  return {
    headersTimeout: opts.headersTimeoutMs,
    requestTimeout: opts.requestTimeoutMs,
    // Node checks the timeouts every 30 s by default, so a 10 s limit could take 40 s; checking
    // more often makes them hold to a quarter of the shorter one (and at most a second late).
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(opts.headersTimeoutMs / 4))),
    // HTTPS: a client that never finishes the TLS handshake is not yet an HTTP connection, so the
    // header timeout does not see it; this does.
    handshakeTimeout: opts.headersTimeoutMs,
  };
}

/** Caps connections, keeps keep-alive sockets past the clients' pools, and answers malformed or too-slow requests with a JSON error. */
export function applyConnectionLimits(server: Server, opts: ResolvedOptions): void {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Connections past the cap are closed as they arrive (before any byte is read, which is what
  // makes the cap cheap to enforce); clients see the connection reset and retry.
  server.maxConnections = opts.maxConnections;
  let dropped = 0;
  let lastLog = -Infinity;
  server.on('drop', () => {
    dropped++;
    const now = performance.now();
    if (now - lastLog < DROP_LOG_INTERVAL_MS) return;
    lastLog = now;
    opts.log({
      level: 'warn',
      message: `refused ${dropped} connection(s): ${opts.maxConnections} are open, the most this server takes (server option maxConnections, --max-connections); each waiting result and each worker poll holds one`,
      dropped,
    });
    dropped = 0;
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => answerClientError(err, socket, opts));
}

/** Answers a malformed HTTP request (bad request line, oversized headers) or one not received in time with a JSON error too. */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket, opts: ResolvedOptions): void {
  if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
  let status = '400 Bad Request';
  let error = { code: 'INVALID_ARGUMENT', message: `malformed HTTP request: ${err.code ?? err.message}` };
  if (err.code === 'HPE_HEADER_OVERFLOW') status = '431 Request Header Fields Too Large';
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = '408 Request Timeout';
    error = {
      code: 'DEADLINE_EXCEEDED',
      message:
        `the request was not received in time: its headers must arrive within ${opts.headersTimeoutMs} ms and all of it within ${opts.requestTimeoutMs} ms ` +
        '(server options headersTimeoutMs and requestTimeoutMs, --headers-timeout and --request-timeout)',
    };
  }
  const body = JSON.stringify({ error });
  socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
