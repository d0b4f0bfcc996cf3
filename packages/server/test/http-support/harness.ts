// Test helpers for the HTTP server: temp databases, in-process and child-process servers, raw requests.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer, type ServerOptions } from '../../src/index.js';

export const RUN_SERVER = fileURLToPath(new URL('../../src/http/run-server.js', import.meta.url));

export function tempDir(prefix = 'endure-http-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestServer {
  server: RunningServer;
  url: string;
  dir: string;
  db: string;
  close(): Promise<void>;
}

/** A real server on port 0 over a fresh SQLite file, in this process. */
export async function startTestServer(opts: Partial<ServerOptions> = {}): Promise<TestServer> {
  const t = tempDir();
  const db = join(t.dir, 'endure.db');
  const server = await startServer({ db, port: 0, ...opts });
  return {
    server,
    url: server.url,
    dir: t.dir,
    db,
    close: async () => {
      await server.close();
      t.remove();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body (undefined when it is not JSON). */
  json: unknown;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  ca?: string | Buffer;
}

/** One HTTP request with no client library in between, on a fresh connection. */
export function raw(baseUrl: string, r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const send = baseUrl.startsWith('https:') ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    if (r.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['content-length'] = String(Buffer.byteLength(r.body));
    const req = send(`${baseUrl}${r.path}`, { method: r.method ?? 'POST', headers, agent: false, ...(r.ca ? { ca: r.ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

/** POST /v1/<operation> with a JSON body. */
export function post(baseUrl: string, operation: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return raw(baseUrl, { path: `/v1/${operation}`, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export interface ChildServer {
  child: ChildProcess;
  url: string;
  port: number;
  /** Everything the child wrote on stderr so far. */
  stderr(): string;
  /** Resolves with the exit code once the child exited. */
  exited: Promise<number | null>;
}

/** Spawns run-server as a real child process and waits for its ready line. */
export async function spawnServer(args: string[]): Promise<ChildServer> {
  const child = spawn(process.execPath, [RUN_SERVER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as { url: string; port: number }));
    void exited.then((code) => reject(new Error(`run-server exited (${code}) before it was ready: ${err}`)));
  });
  return { child, url: ready.url, port: ready.port, stderr: () => err, exited };
}

/** A self-signed certificate for 127.0.0.1/localhost, made with openssl in `dir`. */
export function selfSignedCert(dir: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-keyout', keyFile, '-out', certFile,
    '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return { certFile, keyFile };
}

/** The JSON error of a reply, asserting its shape. */
export function errorOf(r: RawResponse): { code: string; message: string; details?: Record<string, unknown> } {
  const e = (r.json as { error?: { code: string; message: string } } | undefined)?.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') throw new Error(`expected a JSON error body, got HTTP ${r.status}: ${r.text.slice(0, 300)}`);
  return e;
}

/**
 * A tmpfs of `sizeKb` mounted on a fresh temp directory: a disk that really fills up. Undefined
 * where this process may not mount (not root, no CAP_SYS_ADMIN): the caller skips, saying so.
 */
export function smallFileSystem(sizeKb: number): { dir: string; remove(): void } | undefined {
  const t = tempDir('endure-tmpfs-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0755`, 'tmpfs', t.dir], { stdio: 'pipe' });
  } catch {
    t.remove();
    return undefined;
  }
  return {
    dir: t.dir,
    remove: () => {
      execFileSync('umount', [t.dir], { stdio: 'pipe' });
      t.remove();
    },
  };
}

/** Forwards every request to `target`, counting them by path. */
export async function countingProxy(target: string): Promise<{ url: string; counts: Map<string, number>; close(): Promise<void> }> {
  const counts = new Map<string, number>();
  const { hostname, port } = new URL(target);
  const server: Server = createServer((req, res) => {
    counts.set(req.url ?? '', (counts.get(req.url ?? '') ?? 0) + 1);
    const out = httpRequest({ hostname, port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    counts,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
