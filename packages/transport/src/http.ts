// The http:// and https:// transport: the EngineApi of a remote endure server, one route per method.
import { ENGINE_OPERATIONS, type EngineApi, type EngineOperation, type GetResultRequest } from '@endure/protocol';
import { CallAborted, HttpCaller, type HttpOptions } from './http-caller.js';
import { BATCHABLE, HttpBatcher } from './http-batcher.js';

type AnyCall = (req: unknown, signal?: AbortSignal) => Promise<unknown>;

/** What an aborted long-poll answers, as the engine answers it: no task, no close event. */
const ABORTED_ANSWER: Partial<Record<EngineOperation, (req: unknown) => unknown>> = {
  pollWorkflowTask: () => null,
  pollActivityTask: () => null,
  pollWorkflowTasks: () => ({ tasks: [] }),
  pollActivityTasks: () => ({ tasks: [] }),
  getResult: (req) => ({ runId: (req as GetResultRequest).runId ?? '' }),
};

export interface HttpEngine {
  api: EngineApi;
  close(): void;
}

export function openHttp(baseUrls: readonly string[], opts: HttpOptions): HttpEngine {
  const caller = new HttpCaller(baseUrls, opts);
  const batcher = new HttpBatcher(caller);
  const api: Partial<Record<EngineOperation, AnyCall>> = {};
  for (const operation of ENGINE_OPERATIONS) {
    if (BATCHABLE.has(operation)) {
      api[operation] = (req, signal) => (signal ? caller.call(operation, req, signal) : batcher.call(operation, req));
      continue;
    }
    const onAbort = ABORTED_ANSWER[operation];
    api[operation] = async (req, signal) => {
      try {
        return await caller.call(operation, req, signal);
      } catch (err) {
        if (err instanceof CallAborted && onAbort) return onAbort(req);
        throw err;
      }
    };
  }
  return { api: api as unknown as EngineApi, close: () => caller.close() };
}
