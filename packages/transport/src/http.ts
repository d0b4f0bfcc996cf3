// The http:// and https:// transport: the EngineApi of a remote endure server, one route per
// operation of protocol's table. Operations the table marks `batched` travel in batches; a long-poll
// that the caller aborts answers what the engine answers when aborted (the table's `abortedAnswer`).
import { ENGINE_OPERATIONS, specOf, type EngineApi, type EngineOperation } from '@endure/protocol';
import { CallAborted, HttpCaller, type HttpOptions } from './http-caller.js';
import { HttpBatcher } from './http-batcher.js';

type AnyCall = (req: unknown, signal?: AbortSignal) => Promise<unknown>;

export interface HttpEngine {
  api: EngineApi;
  /** The requests themselves, for calls with headers of their own. */
  caller: HttpCaller;
  close(): void;
}

export function openHttp(baseUrls: readonly string[], opts: HttpOptions): HttpEngine {
  const caller = new HttpCaller(baseUrls, opts);
  const batcher = new HttpBatcher(caller);
  const api: Partial<Record<EngineOperation, AnyCall>> = {};
  for (const operation of ENGINE_OPERATIONS) {
    const spec = specOf(operation);
    if (spec.batched) {
      api[operation] = (req, signal) => (signal ? caller.call(operation, req, signal) : batcher.call(operation, req));
      continue;
    }
    const onAbort = spec.wait?.ends === 'signal' ? spec.wait.abortedAnswer : undefined;
    api[operation] = async (req, signal) => {
      try {
        return await caller.call(operation, req, signal);
      } catch (err) {
        if (err instanceof CallAborted && onAbort) return onAbort(req);
        throw err;
      }
    };
  }
  return { api: api as unknown as EngineApi, caller, close: () => caller.close() };
}
