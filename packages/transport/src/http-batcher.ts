// Sends the calls made in the same event-loop turn as one `POST /v1/batch` (a lone call goes
// as itself). Under load a worker completes many tasks in one turn; one HTTP exchange for all
// of them saves a request, a response and their system calls per call, which on loopback cost
// more than the engine's work. Only short calls are batched (the operation table's `batched`):
// a slow one would hold up the rest.
import { ApiError } from '@endure/protocol';
import { apiErrorOf, type HttpCaller } from './http-caller.js';

/** The server's bound on calls per batch (MAX_BATCH_CALLS); a bigger turn is sent in parts. */
const MAX_CALLS = 256;

interface Pending {
  operation: string;
  request: unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class HttpBatcher {
  private queued: Pending[] = [];
  private scheduled = false;
  /** Set when the server has no /v1/batch (an older server): every call then goes alone. */
  private unsupported = false;

  constructor(private readonly caller: HttpCaller) {}

  call(operation: string, request: unknown): Promise<unknown> {
    if (this.unsupported) return this.caller.call(operation, request);
    return new Promise((resolve, reject) => {
      this.queued.push({ operation, request, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.queued;
    this.queued = [];
    for (let i = 0; i < all.length; i += MAX_CALLS) this.send(all.slice(i, i + MAX_CALLS));
  }

  private send(calls: Pending[]): void {
    if (calls.length === 1 || this.unsupported) {
      for (const c of calls) this.caller.call(c.operation, c.request).then(c.resolve, c.reject);
      return;
    }
    const body = { calls: calls.map((c) => ({ operation: c.operation, request: c.request ?? {} })) };
    this.caller.call('batch', body).then(
      (answer) => {
        const results = (answer as { results?: unknown[] } | null)?.results;
        if (!Array.isArray(results) || results.length !== calls.length) {
          const err = new ApiError('INTERNAL', `the Endure server answered a batch of ${calls.length} calls with ${Array.isArray(results) ? results.length : 'no'} results`);
          for (const c of calls) c.reject(err);
          return;
        }
        calls.forEach((c, i) => {
          const r = results[i] as { result?: unknown } | undefined;
          if (r && 'result' in r) c.resolve(r.result);
          else c.reject(apiErrorOf(r) ?? new ApiError('INTERNAL', `the Endure server's answer to ${c.operation} in a batch is malformed`));
        });
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.code === 'NOT_FOUND' && /no such endpoint/.test(err.message)) {
          this.unsupported = true; // an older server: resend each call alone, from now on too
          this.send(calls);
          return;
        }
        for (const c of calls) c.reject(err);
      },
    );
  }
}
