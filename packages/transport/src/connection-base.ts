import type { EngineApi } from '@endure/protocol';
import { resolveConnectOptions, type ConnectOptions } from './connect-options.js';
import { openTransport, type Transport } from './index.js';
import { fromCaller } from './caller-stack.js';

/**
 * A connection to an Endure engine; which deployment depends only on the address. The client's
 * Connection and the worker's NativeConnection extend it under Temporal's two names, each with
 * its own `connect` that first refuses the Temporal options it does not honour.
 *
 * Connecting is lazy, unlike Temporal's: opening a server connection sends nothing, and the first
 * call finds out whether a server is there. An address that never answered fails that call at
 * once ("cannot reach Endure server at …"), while a server that answered before and went away
 * is waited for (workers and result() ride out a restart).
 */
export class EngineConnection {
  /** Use the subclass's static connect(); the constructor takes an already open transport. */
  constructor(private readonly transport: Transport) {}

  /**
   * Opens the transport that `options` describe; `where` names the call in errors, and an error
   * that says all a user needs (a locked database) gets a stack starting at the caller of `api`.
   */
  protected static async openTransportFor(where: string, options: ConnectOptions = {}, api: (...args: never[]) => unknown = this.openTransportFor): Promise<Transport> {
    try {
      const { address, embedded, remote } = resolveConnectOptions(where, options);
      return await openTransport(address, embedded, remote);
    } catch (err) {
      throw await fromCaller(err, api);
    }
  }

  /**
   * A transport that opens on its first call (Temporal's Connection.lazy): options are checked
   * now, the address is opened then. A failure to open fails that call, and the next call tries
   * again.
   */
  protected static lazyTransportFor(where: string, options: ConnectOptions = {}, api: (...args: never[]) => unknown = this.lazyTransportFor): Transport {
    const { address, embedded, remote } = resolveConnectOptions(where, options);
    let opening: Promise<Transport> | undefined;
    let closed = false;
    const open = () => {
      // Reopening after close() would take the database (or a pool) that nothing closes again.
      if (closed) return Promise.reject(new Error(`the connection to ${address} is closed`));
      return (opening ??= openTransport(address, embedded, remote).catch(async (err: unknown) => {
        opening = undefined;
        throw await fromCaller(err, api);
      }));
    };
    const calls = new Map<string, (req: unknown, signal?: AbortSignal) => Promise<unknown>>();
    const lazyApi = new Proxy({} as EngineApi, {
      get(_target, prop) {
        // Not a thenable, and no symbols: only the API's operations are functions here.
        if (typeof prop !== 'string' || prop === 'then') return undefined;
        let call = calls.get(prop);
        if (!call) {
          call = async (req, signal) => {
            const t = await open();
            const op = (t.api as unknown as Record<string, ((r: unknown, s?: AbortSignal) => Promise<unknown>) | undefined>)[prop];
            if (typeof op !== 'function') throw new TypeError(`the engine API has no operation '${prop}'`);
            return op.call(t.api, req, signal);
          };
          calls.set(prop, call);
        }
        return call;
      },
    });
    return {
      address,
      api: lazyApi,
      close: async () => {
        closed = true;
        const t = await opening?.catch(() => undefined);
        await t?.close();
      },
    };
  }

  /** The address connected to, with its scheme (`localhost:7233` reads back as `http://localhost:7233`). */
  get address(): string {
    return this.transport.address;
  }

  /** The engine API this connection talks to (used by Client and Worker). */
  get engine(): EngineApi {
    return this.transport.api;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}
