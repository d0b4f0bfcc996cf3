// Worker process of test/crash-children.test.ts: a worker on an embedded (sqlite:) engine, plus
// a client that starts the parent workflows (first launch) and, in the final launch, collects
// every outcome. Only one process may open the database, so this is the only one.
//
//   node runner.js --db <file> --log <file> [--start] [--final]
//
// --start  also starts the parent workflows (the first launch only).
// --final  runs every activity 10× faster, waits for every parent and every child workflow to
//          close, prints every outcome, lets the engine's pending effects settle, and exits.
// Otherwise it works until it is killed (and says 'idle' if everything closed before that), and
// watches the histories (long polls) to announce each narrow window a kill may aim at:
//   initiated  a parent recorded StartChildWorkflowExecutionInitiated: its fx:child-start effect
//              (start the child, then record ChildWorkflowExecutionStarted) is under way;
//   created    …and the child's run is now durable (describe finds it), while the parent may not
//              have recorded ChildWorkflowExecutionStarted yet: a kill now leaves the effect to be
//              retried on a child that already exists;
//   untold     a child closed: its fx:notify-parent effect (record ChildWorkflowExecutionClosed in
//              the parent) is under way;
//   closing    a TERMINATE or REQUEST_CANCEL closer closed: its fx:close-child effect is under way.
//
// Progress goes to stdout as `@@kids <json>` lines: {type:'started'} once every start is
// acknowledged, {type:'ready'} once the worker runs, {type:'window', window, workflowId, time},
// {type:'idle'}, {type:'results', results} (with --final), {type:'error', message} if anything
// unexpected happens.
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import { appendLine, createActivities } from './activities.js';
import { isClosed, type HistoryEvent } from '../messages/history.js';
import { PROTOCOL_PREFIX, TASK_QUEUE, allChildren, allParents, type Top } from './shared.js';

/** How long the final launch stays up after the last result, so effects due at once are done. */
const SETTLE_MS = 500;

/** What the final launch saw of one workflow. */
export interface Outcome {
  workflowId: string;
  status: string;
  result?: unknown;
  error?: { name: string; message: string; causeName?: string };
}

function arg(name: string): string {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (!v) throw new Error(`crash-children runner: missing ${name} <value>`);
  return v;
}

function emit(msg: Record<string, unknown>): void {
  process.stdout.write(`${PROTOCOL_PREFIX}${JSON.stringify(msg)}\n`);
}

function describeError(err: unknown): string {
  return (err as Error)?.stack ?? String(err);
}

async function main(): Promise<void> {
  const dbPath = arg('--db');
  const logPath = arg('--log');
  const start = process.argv.includes('--start');
  const final = process.argv.includes('--final');
  const address = `sqlite:${dbPath}`;
  const pid = process.pid;
  appendLine(logPath, { kind: 'launch', pid, time: Date.now(), start, final });

  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('./workflows.js', import.meta.url)),
    activities: createActivities(logPath, final ? 10 : 1),
    // Two activity slots while being killed: the ~100 activities queue up, so the work outlasts
    // the kills and children are started one after the other all along. The final run hurries.
    maxConcurrentActivityTaskExecutions: final ? 20 : 2,
  });
  const running = worker.run();
  running.catch((err: unknown) => {
    emit({ type: 'error', message: `worker failed: ${describeError(err)}` });
    process.exit(1);
  });

  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  if (start) {
    await Promise.all(
      allParents().map(async (p) => {
        const handle =
          p.kind === 'family'
            ? await client.workflow.start('family', { taskQueue: TASK_QUEUE, workflowId: p.id, args: [p.n] })
            : await client.workflow.start('closer', { taskQueue: TASK_QUEUE, workflowId: p.id, args: [p.policy, p.n] });
        appendLine(logPath, { kind: 'wf-start', workflowId: p.id, runId: handle.runId ?? '', pid, time: Date.now() });
      }),
    );
    emit({ type: 'started' });
  }
  emit({ type: 'ready', pid });

  /** Waits for the run to close; its outcome as seen through the client. */
  async function outcome(workflowId: string): Promise<Outcome> {
    const h = client.workflow.getHandle(workflowId);
    const o: Outcome = { workflowId, status: '' };
    try {
      o.result = await h.result();
    } catch (err) {
      const e = err as Error;
      o.error = { name: e.name, message: e.message, causeName: (e.cause as Error | undefined)?.name };
    }
    o.status = (await h.describe()).status;
    return o;
  }
  // Parents first: every child exists once its parent has closed (a family parent closes after
  // its children, a closer parent once its child has started).
  const everything = (async () => {
    const parents = await Promise.all(allParents().map((p) => outcome(p.id)));
    const children = await Promise.all(allChildren().map((c) => outcome(c.childId)));
    return [...parents, ...children];
  })();

  if (!final) {
    const guard = (p: Promise<void>) =>
      p.catch((err: unknown) => {
        emit({ type: 'error', message: `watcher failed: ${describeError(err)}` });
        process.exit(1);
      });
    /** Follows one run's history as it grows, until the run closes; `fresh`: events after the first read. */
    const watch = async (workflowId: string, onEvents: (events: HistoryEvent[], fresh: boolean) => void): Promise<void> => {
      let from = 1;
      for (;;) {
        const { events } = await connection.engine.getHistory({ namespace: client.namespace, workflowId, fromEventId: from, waitNewEvent: true, timeoutMs: 10_000 });
        if (events.length === 0) continue;
        onEvents(events, from > 1);
        from = events[events.length - 1]!.eventId + 1;
        if (isClosed(events)) return;
      }
    };
    const window = (name: 'initiated' | 'created' | 'untold' | 'closing', workflowId: string, eventTime: number) => emit({ type: 'window', window: name, workflowId, eventTime, time: Date.now() });
    /** Asks for the child's run as fast as the store answers until it exists (reads see committed state only). */
    const watchCreated = async (workflowId: string): Promise<void> => {
      for (let tries = 0; tries < 10_000; tries++) {
        try {
          const d = await client.workflow.getHandle(workflowId).describe();
          window('created', workflowId, d.startTime);
          return;
        } catch (err) {
          if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const watchChild = (workflowId: string) => guard(watch(workflowId, (events, fresh) => fresh && isClosed(events) && window('untold', workflowId, events[events.length - 1]!.eventTime)));
    const watchParent = (p: Top) =>
      guard(
        watch(p.id, (events, fresh) => {
          const has = (type: HistoryEvent['type'], seq: number) => events.some((e) => e.type === type && 'seq' in e.attributes && e.attributes.seq === seq);
          for (const e of events) {
            if (e.type === 'StartChildWorkflowExecutionInitiated' && !has('ChildWorkflowExecutionStarted', e.attributes.seq)) {
              window('initiated', e.attributes.workflowId, e.eventTime);
              void guard(watchCreated(e.attributes.workflowId));
            }
            // Family children still open: their close is a window too.
            if (e.type === 'ChildWorkflowExecutionStarted' && p.kind === 'family' && !has('ChildWorkflowExecutionClosed', e.attributes.seq)) void watchChild(e.attributes.workflowId);
          }
          if (fresh && p.kind === 'closer' && p.policy !== 'ABANDON' && isClosed(events)) window('closing', p.id, events[events.length - 1]!.eventTime);
        }),
      );
    for (const p of allParents()) void watchParent(p);
    await everything;
    emit({ type: 'idle' }); // everything is closed: nothing left to do but wait to be killed
    await running;
    return;
  }
  const results = await everything;
  emit({ type: 'results', results });
  await delay(SETTLE_MS);
  worker.shutdown();
  await running;
  await connection.close();
  await nativeConnection.close();
  emit({ type: 'closed' });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    emit({ type: 'error', message: describeError(err) });
    process.exit(1);
  },
);
