// withDeadline / withAbortSignal: every engine call a client makes inside `fn` ends when the
// deadline passes (ServiceError DEADLINE_EXCEEDED) or the signal aborts (ServiceError CANCELLED),
// as Temporal's gRPC calls do. The scope follows `fn`'s async work (AsyncLocalStorage); a
// long-poll in flight is aborted at the engine too, so the server stops waiting for it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { operationOf, type EngineApi } from '@endure/protocol';
import { ServiceError } from './errors.js';

interface CallContext {
  deadline?: number;
  signal?: AbortSignal;
}

const scope = new AsyncLocalStorage<CallContext>();

/** Runs `fn` with a deadline and/or abort signal added to the enclosing ones (the earliest deadline wins). */
export function withCallContext<R>(add: CallContext, fn: () => Promise<R>): Promise<R> {
  const outer = scope.getStore() ?? {};
  const deadlines = [outer.deadline, add.deadline].filter((d): d is number => d !== undefined);
  const signals = [outer.signal, add.signal].filter((s): s is AbortSignal => s !== undefined);
  const ctx: CallContext = {
    deadline: deadlines.length ? Math.min(...deadlines) : undefined,
    signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
  };
  return scope.run(ctx, fn);
}

/** `deadline` as Temporal takes it: a Date or epoch milliseconds. */
export function deadlineMs(deadline: number | Date, where: string): number {
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new TypeError(`${where}: deadline must be a Date or a number of milliseconds since the epoch, got ${String(deadline)}`);
  return ms;
}

/**
 * Whether `operation` waits up to its request's `timeoutMs` (the operation table's `wait`: long-polls,
 * queries). Under a deadline its wait is cut to end just before it, so the engine answers with
 * what it has (an update's stage, the task queue no worker polls) and the caller can say what it
 * was waiting for; the deadline then ends the caller's next call. It is cut off only if that
 * answer is late.
 */
const waitsForTimeout = (operation: string): boolean => operationOf(operation)?.spec.wait !== undefined;
/** How much sooner than the deadline a long-poll is asked to answer, and how late the answer may be. */
const LONG_POLL_MARGIN_MS = 50;
const LATE_ANSWER_MS = 2_000;
/** Node fires a longer setTimeout after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A timer for a deadline, or none when it is further than a timer can wait (24.8 days): no call
 * waits that long (a long-poll answers within its own timeout), and the next call checks again.
 */
function armed(fn: () => void, ms: number): NodeJS.Timeout | undefined {
  return ms <= MAX_TIMER_MS ? setTimeout(fn, ms) : undefined;
}

function call(operation: string, fn: (req: unknown, signal?: AbortSignal) => Promise<unknown>, req: unknown, signal: AbortSignal | undefined, ctx: CallContext): Promise<unknown> {
  const stop = new AbortController();
  const inner = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const end = (err: Error) => {
      cleanup();
      stop.abort();
      reject(err);
    };
    const onAbort = () => end(new ServiceError('the call was cancelled: its abort signal (withAbortSignal) fired', 'CANCELLED'));
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      ctx.signal?.removeEventListener('abort', onAbort);
    };
    if (ctx.signal?.aborted) return onAbort();
    if (ctx.deadline !== undefined) {
      const left = ctx.deadline - Date.now();
      const passed = () => end(new ServiceError(`the call's deadline (withDeadline, ${new Date(ctx.deadline!).toISOString()}) passed before ${operation} completed`, 'DEADLINE_EXCEEDED'));
      if (left <= 0) return passed();
      const timed = req as { timeoutMs?: unknown } | null;
      if (typeof timed?.timeoutMs === 'number' && waitsForTimeout(operation)) {
        req = { ...timed, timeoutMs: Math.max(1, Math.min(timed.timeoutMs, left - LONG_POLL_MARGIN_MS)) };
        timer = armed(passed, left + LATE_ANSWER_MS);
      } else {
        timer = armed(passed, left);
      }
    }
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    fn(req, inner).then(
      (v) => {
        cleanup();
        resolve(v);
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}

/**
 * The engine, with each call bounded by the deadline and abort signal of the scope it is made in.
 * One wrapper per operation, made on first use: every client call goes through here.
 */
export function scopedEngine(engine: EngineApi): EngineApi {
  const wrapped = new Map<string | symbol, (req: unknown, signal?: AbortSignal) => Promise<unknown>>();
  return new Proxy(engine, {
    get(target, prop) {
      const known = wrapped.get(prop);
      if (known) return known;
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      const fn = (v as (req: unknown, signal?: AbortSignal) => Promise<unknown>).bind(target);
      const operation = String(prop);
      const scoped = (req: unknown, signal?: AbortSignal) => {
        const ctx = scope.getStore();
        return ctx && (ctx.deadline !== undefined || ctx.signal) ? call(operation, fn, req, signal, ctx) : fn(req, signal);
      };
      wrapped.set(prop, scoped);
      return scoped;
    },
  });
}
