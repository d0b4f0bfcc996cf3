// Certificates made with openssl, and a TLS-terminating proxy that requires a client certificate
// (mTLS, as Temporal Cloud does) in front of a real plain-HTTP endure server. It records what
// each request brought, so a test can see the client certificate and headers arrive.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

export interface CertFiles {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

/** A self-signed certificate (its own CA) for `cn`, valid for the DNS names and IPs in `san`. */
export function makeCert(dir: string, name: string, cn: string, san?: string): CertFiles {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  const args = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-keyout', keyFile, '-out', certFile, '-subj', `/CN=${cn}`];
  if (san) args.push('-addext', `subjectAltName=${san}`);
  execFileSync('openssl', args, { stdio: 'ignore' });
  return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
}

export interface SeenRequest {
  path: string;
  /** The client certificate's common name. */
  clientCN: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

export interface MtlsProxy {
  /** `localhost:<port>`: the proxy's certificate is for localhost. */
  readonly address: string;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

/** Serves https on 127.0.0.1 with `server` as its certificate, trusting client certificates issued by `clientCa`. */
export async function startMtlsProxy(target: string, server: CertFiles, clientCa: Buffer): Promise<MtlsProxy> {
  const upstream = new URL(target);
  const seen: SeenRequest[] = [];
  const proxy: Server = createServer({ cert: server.cert, key: server.key, ca: clientCa, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    seen.push({ path: req.url ?? '', clientCN: typeof peer.subject?.CN === 'string' ? peer.subject.CN : undefined, headers: { ...req.headers } });
    const forward = request({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', (err) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${err.message}`);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as { port: number }).port;
  return {
    address: `localhost:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        proxy.closeAllConnections();
      }),
  };
}
