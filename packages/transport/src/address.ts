// Connection addresses. The scheme picks the deployment: `sqlite:<file>` is the embedded engine
// on a SQLite file, `postgres://…` (or `postgresql://…`) the embedded engine on a PostgreSQL
// schema, `http(s)://host:port` an endure server. Temporal's form, `host:port` without a scheme, is an
// endure server too (the TLS options decide http or https), so code written for Temporal
// connects unchanged; with no address at all, that is the dev server's `localhost:7233`.
import { isPostgresAddress } from '@endure/protocol';

/** The port `endure server start-dev` listens on, and the port of a `host` given without one: Temporal's. */
export const DEV_SERVER_PORT = 7233;

/** Where a connection goes when given no address and ENDURE_ADDRESS is unset: Temporal's default. */
export const DEV_SERVER_ADDRESS = `localhost:${DEV_SERVER_PORT}`;

/** The address of a connection given none: ENDURE_ADDRESS, else the dev server's `localhost:7233`. */
export function defaultAddress(): string {
  return process.env['ENDURE_ADDRESS'] || DEV_SERVER_ADDRESS;
}

export type ParsedAddress =
  | { kind: 'sqlite'; path: string }
  /** The whole address: user, password, host, database and `?schema=` are the store's to read. */
  | { kind: 'postgres'; url: string }
  | {
      kind: 'http';
      /** The first (or only) server. No trailing slash: routes are `${baseUrl}/v1/<operation>`. */
      baseUrl: string;
      /**
       * Every server of the address, in the order given (`http://a:7233,http://b:7233`: the nodes
       * of a cluster); a connection uses one and moves to the next when it cannot be reached.
       */
      baseUrls: string[];
      secure: boolean;
      /** Written without a scheme (Temporal's `host:port`): whether it is https was the caller's choice. */
      bare: boolean;
    };

export class AddressError extends Error {
  override name = 'AddressError';
}

const EXAMPLES = `'localhost:7233' or 'https://host:7233' for an endure server, or 'sqlite:./endure.db' or 'postgres://host/db' for the embedded engine`;

function parseUrl(address: string): ParsedAddress {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new AddressError(`address '${address}' is not a valid URL; use e.g. ${EXAMPLES}`);
  }
  if (url.username || url.password) throw new AddressError(`address '${address}' contains credentials; pass the API key as the apiKey option instead`);
  if (url.search || url.hash) throw new AddressError(`address '${address}' has a query or fragment; use just the scheme, host and port, e.g. 'http://127.0.0.1:7233'`);
  const secure = url.protocol === 'https:';
  const baseUrl = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  return { kind: 'http', baseUrl, baseUrls: [baseUrl], secure, bare: false };
}

/** `host`, `host:port`, `1.2.3.4:port`, `[::1]:port`: Temporal's address form (no scheme, no path). */
const BARE = /^(?:\[(?<v6>[0-9a-fA-F.:]+)\]|(?<host>[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?))(?::(?<port>\d{1,5}))?$/;

function parseBare(address: string, scheme: 'http' | 'https'): ParsedAddress | undefined {
  const m = BARE.exec(address);
  if (!m?.groups) return undefined;
  const { v6, host, port } = m.groups;
  if (host && /\.(db|sqlite3?)$/i.test(host) && port === undefined) {
    throw new AddressError(`address '${address}' looks like a database file; for the embedded engine write 'sqlite:${address}'`);
  }
  const n = port === undefined ? DEV_SERVER_PORT : Number(port);
  if (!(n >= 1 && n <= 65535)) throw new AddressError(`address '${address}' has port ${port}; a port is a number from 1 to 65535`);
  const hostPart = v6 !== undefined ? `[${v6}]` : host!;
  const baseUrl = `${scheme}://${hostPart}:${n}`;
  return { kind: 'http', baseUrl, baseUrls: [baseUrl], secure: scheme === 'https', bare: true };
}

/**
 * Reads a connection address. `bareScheme` is what an address without a scheme speaks: plain
 * HTTP unless the connection's TLS options say otherwise. Several servers (the nodes of a
 * cluster) are one address with commas: `http://a:7233,http://b:7233` or `a:7233,b:7233`.
 */
export function parseAddress(address: string, bareScheme: 'http' | 'https' = 'http'): ParsedAddress {
  if (typeof address !== 'string' || address.trim() === '') {
    throw new AddressError(`address must be a non-empty string such as ${EXAMPLES}`);
  }
  // A database address is one address even with commas in it (PostgreSQL's multi-host URLs).
  if (address.includes(',') && !address.startsWith('sqlite:') && !isPostgresAddress(address)) return parseServerList(address, bareScheme);
  return parseOne(address, bareScheme);
}

/** `a,b,c`: every part a server address, all of them plain HTTP or all HTTPS (one TLS setting serves them). */
function parseServerList(address: string, bareScheme: 'http' | 'https'): ParsedAddress {
  const parts = address.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) {
    throw new AddressError(`address '${address}' has an empty entry; list servers separated by single commas, e.g. 'http://a:7233,http://b:7233'`);
  }
  const servers = parts.map((p) => {
    const one = parseOne(p, bareScheme);
    if (one.kind !== 'http') throw new AddressError(`address '${address}' lists '${p}', which is not a server; a list of addresses names the servers of one cluster`);
    return one;
  });
  const first = servers[0]!;
  if (servers.some((s) => s.secure !== first.secure)) {
    throw new AddressError(`address '${address}' mixes http:// and https:// servers; the servers of one cluster are reached the same way`);
  }
  const baseUrls = [...new Set(servers.map((s) => s.baseUrl))];
  return { kind: 'http', baseUrl: first.baseUrl, baseUrls, secure: first.secure, bare: servers.every((s) => s.bare) };
}

function parseOne(address: string, bareScheme: 'http' | 'https'): ParsedAddress {
  if (address.startsWith('sqlite:')) {
    const path = address.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new AddressError(`address '${address}' names no file: use e.g. 'sqlite:./endure.db'`);
    return { kind: 'sqlite', path };
  }
  if (isPostgresAddress(address)) return { kind: 'postgres', url: address };
  // Before looking for a scheme: in `localhost:7233`, `localhost:` is not one.
  const bare = parseBare(address, bareScheme);
  if (bare) return bare;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(address)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') return parseUrl(address);
  if (scheme === 'grpc' || scheme === 'dns') {
    throw new AddressError(`address scheme '${scheme}:' is not supported: an endure server speaks HTTP/JSON; write just the host and port, e.g. '${address.replace(/^[a-z]+:(\/\/\/?)?/i, '')}'`);
  }
  // `host:7233/x` is no scheme either: a host and port with something after it.
  const isScheme = scheme !== undefined && !/^\d/.test(address.slice(scheme.length + 1));
  throw new AddressError(
    isScheme ? `address scheme '${scheme}:' is not supported; use ${EXAMPLES}` : `address '${address}' is neither a host and port nor a URL; use ${EXAMPLES}`,
  );
}
