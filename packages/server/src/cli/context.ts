// The connection every remote command uses, from the global --address/--namespace/--api-key.
import type { Command } from 'commander';
import { Client, Connection } from '@endure/client';

export const DEFAULT_ADDRESS = 'http://127.0.0.1:8233';

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
  const connection = await Connection.connect({ address: g.address, apiKey: g.apiKey?.at(-1) });
  try {
    return await fn({ client: new Client({ connection, namespace: g.namespace, identity: `endure-cli@${process.pid}` }), connection, namespace: g.namespace, address: g.address });
  } finally {
    await connection.close();
  }
}
