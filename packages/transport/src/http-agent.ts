// The keep-alive pool a connection's requests share, with its TLS settings and how it finds
// `localhost`.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/** What an https:// connection presents and trusts (Temporal's TLSConfig, as Node's TLS names it). */
export interface AgentTls {
  /** Certificate authorities to trust instead of the system's (PEM). */
  ca?: string | Buffer | (string | Buffer)[];
  /** Client certificate (PEM), for servers that ask for one (mTLS); with `key`. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** The name sent as SNI and checked against the server's certificate, instead of the address's host. */
  servername?: string;
}

/**
 * The keep-alive pool. A worker holds one socket per concurrent long-poll plus its completions
 * in flight, a client one per awaited result, so up to this many idle sockets are kept (Node's
 * default of 256 closes and reopens connections under load); no cap on sockets in use, since
 * a request queued behind long-polls would wait for them. Nagle off: each request and answer
 * is written whole, and waiting for ACKs would only add latency.
 */
const POOL = { keepAlive: true, keepAliveMsecs: 15_000, maxFreeSockets: 2048, scheduling: 'lifo' as const, noDelay: true };

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family: number) => void;

/**
 * `localhost` without asking the resolver: 127.0.0.1 first, then ::1. The dev server listens on
 * 127.0.0.1, but where the hosts file lists ::1 first Node would try only that and be refused;
 * with both, in this order, and `autoSelectFamily`, a refused attempt moves on to the next.
 */
export function localhostFirstLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  if (hostname.toLowerCase() !== 'localhost') {
    dnsLookup(hostname, options, callback);
    return;
  }
  const all: LookupAddress[] = [
    { address: '127.0.0.1', family: 4 },
    { address: '::1', family: 6 },
  ].filter((a) => !options.family || options.family === a.family);
  if (options.all) callback(null, all, 0);
  else callback(null, all[0]!.address, all[0]!.family);
}

export function createAgent(secure: boolean, tls: AgentTls = {}): HttpAgent {
  const common = { ...POOL, lookup: localhostFirstLookup, autoSelectFamily: true };
  if (!secure) return new HttpAgent(common);
  const { ca, cert, key, servername } = tls;
  return new HttpsAgent({ ...common, ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(servername ? { servername } : {}) });
}
