// An HTTP proxy on 127.0.0.1 in front of a real server that answers chosen requests with the
// failures a real deployment produces (a load balancer's 502/503, a server's own 500 and 503),
// and passes the rest through. For tests of what workers and clients do through such answers.
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A failure the proxy answers with, as the client sees it. */
export type Fault =
  /** A load balancer or a crashed upstream: HTTP 500 with a body that is not an Endure error. */
  | 'plain-500'
  /** A load balancer with no healthy backend. */
  | 'plain-502'
  | 'plain-503'
  /** An Endure server's own 500 (a bug on its side): `{ error: { code: 'INTERNAL' } }`. */
  | 'endure-500'
  /** An Endure server that cannot serve now (shutting down, engine stopped): `{ error: { code: 'UNAVAILABLE' } }`. */
  | 'endure-503';

const ANSWERS: Record<Fault, { status: number; type: string; body: string }> = {
  'plain-500': { status: 500, type: 'text/plain', body: 'Internal Server Error' },
  'plain-502': { status: 502, type: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
  'plain-503': { status: 503, type: 'text/html', body: '<html><body><h1>503 Service Unavailable</h1>No server is available.</body></html>' },
  'endure-500': { status: 500, type: 'application/json', body: JSON.stringify({ error: { code: 'INTERNAL', message: 'internal server error: injected by the test proxy' } }) },
  'endure-503': { status: 503, type: 'application/json', body: JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'the server is shutting down; retry once it (or its replacement) is up' } }) },
};

export interface FaultyProxy {
  /** Base URL to connect to instead of the server's. */
  readonly url: string;
  /** Answered faults so far, by `<fault> <path>`. */
  readonly answered: Map<string, number>;
  /** How many faults were answered in all. */
  faults(): number;
  close(): Promise<void>;
}

/**
 * Starts a proxy to `target` (an http:// base URL). `decide` is asked for every request (by its
 * path, e.g. `/v1/pollActivityTasks`): a fault to answer with, or undefined to pass it through.
 */
export async function startFaultyProxy(target: string, decide: (path: string) => Fault | undefined): Promise<FaultyProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  const answered = new Map<string, number>();
  let total = 0;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const fault = decide(path);
    if (fault) {
      total++;
      answered.set(`${fault} ${path}`, (answered.get(`${fault} ${path}`) ?? 0) + 1);
      const a = ANSWERS[fault];
      req.resume(); // read the body, so the connection stays usable
      req.on('end', () => res.writeHead(a.status, { 'content-type': a.type, 'content-length': String(Buffer.byteLength(a.body)) }).end(a.body));
      return;
    }
    const out = request({ hostname: upstream.hostname, port: upstream.port, path, method: req.method, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    // A caller that gives up (an aborted long-poll) gives up upstream too, as it would directly.
    res.on('close', () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  };
  const server: Server = createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    answered,
    faults: () => total,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
