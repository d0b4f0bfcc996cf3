// Entry point of the store thread: owns the SQLite connection. Mutations settle in batches (one
// message per commit), reads are answered as they come; both in arrival order, and the replies
// to one incoming message travel back together.
import { parentPort } from 'node:worker_threads';
import { SqliteCore } from './sqlite-core.js';
import { toWire } from './errors.js';
import type { FromStore, ToStore } from './store-thread-protocol.js';
import { unpackRequests } from './plan-wire.js';

const port = parentPort!;
/** Replies of this tick, posted together: each message costs the other thread a wake-up. */
let outbox: FromStore[] = [];
const send = (m: FromStore) => {
  if (outbox.push(m) > 1) return;
  queueMicrotask(() => {
    const items = outbox;
    outbox = [];
    port.postMessage(items.length === 1 ? items[0] : ({ type: 'batch', items } satisfies FromStore));
  });
};
let core: SqliteCore | undefined;
let settled: { id: number; error?: ReturnType<typeof toWire>; value?: unknown }[] = [];
let reporting = false;

/** Collects the outcomes of one commit (they all resolve in the same tick) into one message. */
function report(id: number, error?: unknown, value?: unknown): void {
  settled.push(error === undefined ? (value === undefined ? { id } : { id, value }) : { id, error: toWire(error) });
  if (reporting) return;
  reporting = true;
  queueMicrotask(() => {
    reporting = false;
    const results = settled;
    settled = [];
    send({ type: 'settled', results, stats: core!.stats() });
  });
}

port.on('message', (m: ToStore | string[]) => handle(Array.isArray(m) ? unpackRequests(m) : m));

function handle(m: ToStore): void {
  switch (m.type) {
    case 'batch':
      for (const item of m.items) handle(item);
      return;
    case 'open':
      try {
        core = SqliteCore.open(m.path, m.opts);
        send({ type: 'opened' });
      } catch (e) {
        send({ type: 'openFailed', error: toWire(e) });
      }
      return;
    case 'mutate':
      core!.mutate(m.plan).then(
        (value) => report(m.id, undefined, value),
        (e: unknown) => report(m.id, core!.explain(e ?? new Error('mutation failed'))),
      );
      return;
    case 'read':
      try {
        send({ type: 'read', id: m.id, value: core!.read(m.read) });
      } catch (e) {
        send({ type: 'read', id: m.id, error: toWire(core!.explain(e)) });
      }
      return;
    case 'close':
      core?.close(); // commits what is queued; the outcomes are reported in a microtask
      // so 'closed' goes out after them: setImmediate runs once the microtasks are done.
      setImmediate(() => {
        core = undefined;
        send({ type: 'closed', id: m.id });
      });
      return;
  }
}
