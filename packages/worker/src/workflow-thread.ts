// Entry point of a workflow thread: it owns a sandbox realm and the sticky cache of runs, and
// turns workflow tasks into task outcomes. Workflow code runs here, never on the main thread:
// a deadlock watchdog firing inside the realm is only safe away from the main thread's async
// hooks (nodejs/node#38503), and the main thread stays free for storage and activities.
import { parentPort } from 'node:worker_threads';
import { HistoryGapError, WorkflowReplayer, type TaskOutcome } from '@endure/core';
import { SandboxRealm } from './sandbox.js';
import { WorkflowCache } from './workflow-cache.js';
import type { FromThread, ToThread, ThreadTask } from './thread-messages.js';
import type { Payload, QueryResult } from '@endure/protocol';

const port = parentPort!;
/** Replies of this tick, posted together (each postMessage has a fixed cost). */
let outbox: FromThread[] = [];
const send = (m: FromThread) => {
  if (outbox.push(m) === 1) {
    queueMicrotask(() => {
      const items = outbox;
      outbox = [];
      port.postMessage(JSON.stringify(items.length === 1 ? items[0] : ({ type: 'batch', items } satisfies FromThread)));
    });
  }
};
let realm: SandboxRealm | undefined;
let cache = new WorkflowCache(0);
let suggestAt = { events: 10_000, bytes: 10 * 1024 * 1024 };
/** Runs mid-task (their local activities are running): held whatever the cache size. */
const midTask = new Map<string, WorkflowReplayer>();
/** [0]: id of the activation running now (0 = none); [1]: when it started. Read by the watchdog. */
let watch: Float64Array<ArrayBufferLike> = new Float64Array(2);

function activate(task: ThreadTask, now: number): TaskOutcome | { needHistory: true } {
  const first = task.events[0]?.eventId ?? task.lastEventId + 1;
  const updates = (task.updates ?? []).map((u) => ({ type: 'doUpdate' as const, updateId: u.updateId, name: u.name, args: u.args, validate: true }));
  const cached = cache.take(task.runId);
  if (cached && cached.lastEventId === first - 1) {
    try {
      return keep(task.runId, cached, cached.advance(task.events, now, updates));
    } catch (err) {
      if (!(err instanceof HistoryGapError)) throw err;
    }
  }
  if (first !== 1) return { needHistory: true };
  const replayer = new WorkflowReplayer(realm!.instantiate(), task, suggestAt);
  return keep(task.runId, replayer, replayer.advance(task.events, now, updates));
}

/** Answers a query from the cached run, or from a replay of the full history it was given. */
function query(task: ThreadTask, queryType: string, args: Payload[]): QueryResult | { needHistory: true } {
  const cached = cache.take(task.runId);
  if (cached) {
    cache.put(task.runId, cached);
    return cached.query(queryType, args);
  }
  if (task.events.length === 0) return { needHistory: true };
  const replayer = new WorkflowReplayer(realm!.instantiate(), task, suggestAt);
  const failed = replayer.catchUp(task.events);
  if (failed) return { ok: false, failure: failed };
  // Not cached: a replayer that only caught up has not run its pending inputs, and the
  // next workflow task starts from a full history anyway.
  return replayer.query(queryType, args);
}

const CLOSING = new Set(['CompleteWorkflow', 'FailWorkflow', 'CancelWorkflow']);

/**
 * Keeps a run for its next task, unless its task failed (replay next time), it just closed, or
 * it only rejected updates (the engine records no such activation, so this state is not history's).
 */
function keep(runId: string, r: WorkflowReplayer, outcome: TaskOutcome): TaskOutcome {
  const rejectOnly = outcome.ok && outcome.commands.length > 0 && outcome.commands.every((c) => c.type === 'RejectUpdate');
  midTask.delete(runId);
  if (outcome.ok && outcome.commands.some((c) => c.type === 'ScheduleLocalActivity')) midTask.set(runId, r);
  else if (outcome.ok && !rejectOnly && !outcome.commands.some((c) => CLOSING.has(c.type))) cache.put(runId, r);
  return outcome;
}

port.on('message', (m: ToThread | string) => handle(typeof m === 'string' ? (JSON.parse(m) as ToThread) : m));

function handle(m: ToThread): void {
  switch (m.type) {
    case 'batch':
      for (const item of m.items) handle(item);
      return;
    case 'init':
      cache = new WorkflowCache(m.maxCachedWorkflows);
      suggestAt = m.suggestContinueAsNewAt;
      watch = new Float64Array(m.watch);
      SandboxRealm.create(
        { code: m.bundleCode },
        { runtimeCode: m.runtimeCode, logger: { log: (level, message, attrs) => send({ type: 'log', level, message, attrs }) } },
      ).then(
        (r) => {
          realm = r;
          send({ type: 'ready' });
        },
        (err: unknown) => send({ type: 'initError', message: err instanceof Error ? err.message : String(err) }),
      );
      return;
    case 'activate': {
      let outcome: TaskOutcome | { needHistory: true };
      watch[1] = Date.now();
      watch[0] = m.id;
      try {
        outcome = activate(m.task, m.now);
      } catch (err) {
        cache.evict(m.task.runId);
        const e = err instanceof Error ? err : new Error(String(err));
        outcome = { ok: false, nondeterminism: false, failure: { message: e.message, stackTrace: e.stack, info: { type: 'application', errorType: e.name, nonRetryable: false } } };
      }
      watch[0] = 0;
      send({ type: 'result', id: m.id, outcome, cached: cache.size });
      return;
    }
    case 'query': {
      watch[1] = Date.now();
      watch[0] = m.id;
      let outcome: QueryResult | { needHistory: true };
      try {
        outcome = query(m.task, m.queryType, m.args);
      } catch (err) {
        outcome = { ok: false, failure: { message: err instanceof Error ? err.message : String(err) } };
      }
      watch[0] = 0;
      send({ type: 'queryResult', id: m.id, outcome });
      return;
    }
    case 'resolveLocal': {
      const r = midTask.get(m.runId);
      const outcome: TaskOutcome = r
        ? keep(m.runId, r, r.resolveLocalActivity(m.seq, m.attempt, { result: m.result, failure: m.failure }))
        : { ok: false, nondeterminism: false, failure: { message: 'the workflow left the cache while its local activities ran; the task will be retried' } };
      send({ type: 'result', id: m.id, outcome, cached: cache.size });
      return;
    }
    case 'evict':
      cache.evict(m.runId);
      send({ type: 'cached', cached: cache.size });
      return;
  }
}
