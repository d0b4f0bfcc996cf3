// The connection every remote command uses, from the global --address/--namespace/--api-key.
import type { Command } from 'commander';
import { Client, Connection } from '@endure/client';
import { DEV_SERVER_ADDRESS, parseAddress } from '@endure/transport';
import { usageError } from './exit-codes.js';

/** What a connection given no address uses: `endure server start-dev`'s `localhost:7233`. */
export const DEFAULT_ADDRESS = DEV_SERVER_ADDRESS;

export interface GlobalOptions {
  address: string;
  namespace: string;
  /** Every --api-key given (the server takes several; a client sends the last). */
  apiKey?: string[];
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export interface CommandContext {
  client: Client;
  connection: Connection;
  namespace: string;
  address: string;
}

/** Connects, runs `fn`, and closes the connection whatever happens. */
export async function withClient<T>(cmd: Command, fn: (ctx: CommandContext) => Promise<T>): Promise<T> {
  const g = globalOptions(cmd);
  const apiKey = g.apiKey?.at(-1);
  // The CLI has no TLS flags: an address without a scheme is plain HTTP even with a key (write
  // https://host:port for TLS), where a program's connection would follow Temporal's rule.
  const parsed = parseAddress(g.address);
  if (apiKey !== undefined && (parsed.kind === 'sqlite' || parsed.kind === 'postgres')) {
    throw usageError(`--api-key (or ENDURE_API_KEY) is for a server; --address ${g.address} opens the database in this process, which needs no key: leave the key out`);
  }
  const plain = apiKey !== undefined && parsed.kind === 'http' && parsed.bare;
  const connection = await Connection.connect({ address: g.address, apiKey, ...(plain ? { tls: false } : {}) });
  try {
    return await fn({ client: new Client({ connection, namespace: g.namespace, identity: `endure-cli@${process.pid}` }), connection, namespace: g.namespace, address: g.address });
  } finally {
    await connection.close();
  }
}
