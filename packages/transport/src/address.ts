/** The default: the embedded engine on ./endure.db, unless ENDURE_ADDRESS says otherwise. */
export function defaultAddress(): string {
  return process.env['ENDURE_ADDRESS'] ?? 'sqlite:./endure.db';
}

export type ParsedAddress = { kind: 'sqlite'; path: string };

export class AddressError extends Error {
  override name = 'AddressError';
}

/** Reads a connection address; the scheme picks the deployment. */
export function parseAddress(address: string): ParsedAddress {
  if (typeof address !== 'string' || address.trim() === '') {
    throw new AddressError(`address must be a non-empty string such as 'sqlite:./endure.db'`);
  }
  if (address.startsWith('sqlite:')) {
    const path = address.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new AddressError(`address '${address}' names no file: use e.g. 'sqlite:./endure.db'`);
    return { kind: 'sqlite', path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(address)?.[1];
  throw new AddressError(
    scheme
      ? `address scheme '${scheme}:' is not supported by this version of Endure; use 'sqlite:<file>' for the embedded engine`
      : `address '${address}' has no scheme; use 'sqlite:<file>' for the embedded engine (e.g. 'sqlite:./endure.db')`,
  );
}
