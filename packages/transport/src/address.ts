/** The default: the embedded engine on ./endure.db, unless ENDURE_ADDRESS says otherwise. */
export function defaultAddress(): string {
  return process.env['ENDURE_ADDRESS'] ?? 'sqlite:./endure.db';
}

export type ParsedAddress =
  | { kind: 'sqlite'; path: string }
  /** `baseUrl` has no trailing slash: routes are `${baseUrl}/v1/<operation>`. */
  | { kind: 'http'; baseUrl: string; secure: boolean };

export class AddressError extends Error {
  override name = 'AddressError';
}

const EXAMPLES = `'http://127.0.0.1:8233' for an endure server, or 'sqlite:./endure.db' for the embedded engine`;

function parseHttp(address: string): ParsedAddress {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new AddressError(`address '${address}' is not a valid URL; use e.g. ${EXAMPLES}`);
  }
  if (url.username || url.password) throw new AddressError(`address '${address}' contains credentials; pass the API key as the apiKey option instead`);
  if (url.search || url.hash) throw new AddressError(`address '${address}' has a query or fragment; use just the scheme, host and port, e.g. 'http://127.0.0.1:8233'`);
  const secure = url.protocol === 'https:';
  return { kind: 'http', baseUrl: `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`, secure };
}

/** Reads a connection address; the scheme picks the deployment. */
export function parseAddress(address: string): ParsedAddress {
  if (typeof address !== 'string' || address.trim() === '') {
    throw new AddressError(`address must be a non-empty string such as ${EXAMPLES}`);
  }
  if (address.startsWith('sqlite:')) {
    const path = address.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new AddressError(`address '${address}' names no file: use e.g. 'sqlite:./endure.db'`);
    return { kind: 'sqlite', path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(address)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') return parseHttp(address);
  if (scheme && /^\d+$/.test(address.slice(scheme.length + 1))) {
    throw new AddressError(`address '${address}' has no scheme; did you mean 'http://${address}'?`);
  }
  throw new AddressError(
    scheme
      ? `address scheme '${scheme}:' is not supported; use ${EXAMPLES}`
      : `address '${address}' has no scheme; use ${EXAMPLES}`,
  );
}
