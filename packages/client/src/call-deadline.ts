// Deadlines for engine calls (Temporal's Connection.withDeadline): every call made inside
// withDeadline() through that connection ends by the deadline, and one made after it fails at
// once with DEADLINE_EXCEEDED, so a wait that nothing will end (an update no worker takes, a
// result of a run nobody works on) can be given a limit.
import { ApiError, type EngineApi } from '@endure/protocol';

/**
 * Operations that wait up to their request's `timeoutMs` (long-polls): the wait is cut to the
 * deadline, so the call returns by then with what it has, and the caller's loop sees the deadline.
 */
const TIMED_WAITS: ReadonlySet<string> = new Set(['getResult', 'updateWorkflow', 'pollUpdate', 'queryWorkflow', 'getHistory']);

function deadlineExceeded(operation: string): ApiError {
  return new ApiError('DEADLINE_EXCEEDED', `the deadline set with connection.withDeadline() passed before ${operation} completed`);
}

/** `engine`, with each call bounded by the deadline `deadlineOf()` returns (none: unbounded). */
export function withCallDeadline(engine: EngineApi, deadlineOf: () => number | undefined): EngineApi {
  return new Proxy(engine, {
    get(target, prop) {
      const method: unknown = Reflect.get(target, prop, target);
      if (typeof method !== 'function' || typeof prop !== 'string') return method;
      return (req: unknown, ...rest: unknown[]): Promise<unknown> => {
        const call = (r: unknown) => (method as (...a: unknown[]) => Promise<unknown>).call(target, r, ...rest);
        const deadline = deadlineOf();
        if (deadline === undefined) return call(req);
        const left = deadline - Date.now();
        if (left <= 0) return Promise.reject(deadlineExceeded(prop));
        const timed = req as { timeoutMs?: unknown } | null;
        if (TIMED_WAITS.has(prop) && typeof timed?.timeoutMs === 'number') {
          return call({ ...timed, timeoutMs: Math.min(timed.timeoutMs, left) });
        }
        // Anything else races the deadline (its outcome, if it still comes, is unknown to the caller).
        let timer: NodeJS.Timeout | undefined;
        const expired = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(deadlineExceeded(prop)), left);
        });
        return Promise.race([call(req), expired]).finally(() => clearTimeout(timer));
      };
    },
  });
}
