// An HTTP proxy in front of a real server that forwards every request and, for the first call of
// each chosen operation, drops the connection after the server answered: the server committed
// the change, the caller never hears so. What a flaky network or a crashed load balancer does.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ResettingProxy {
  url: string;
  /** Operations whose answer was dropped once, in the order it happened. */
  dropped: string[];
  close(): Promise<void>;
}

/** The operations a request carries: its route, or each call of a `/v1/batch`. */
function operationsOf(path: string, body: string): string[] {
  const op = path.replace(/^\/v1\//, '');
  if (op !== 'batch') return [op];
  return ((JSON.parse(body) as { calls?: { operation: string }[] }).calls ?? []).map((c) => c.operation);
}

export async function startResettingProxy(target: string, dropFirst: readonly string[]): Promise<ResettingProxy> {
  const upstream = new URL(target);
  const pending = new Set(dropFirst);
  const dropped: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const hit = operationsOf(req.url ?? '', body.toString('utf8')).find((op) => pending.has(op));
      if (hit) pending.delete(hit);
      const out = request(
        { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (c: Buffer) => parts.push(c));
          answer.on('end', () => {
            if (hit) {
              dropped.push(hit);
              req.socket.resetAndDestroy(); // committed upstream; the caller sees ECONNRESET
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(parts));
          });
        },
      );
      out.on('error', () => req.socket.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropped,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
