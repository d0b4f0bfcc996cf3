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
import { createActivities } from './activities.js';
import { isClosed, type HistoryEvent } from '../common/history.js';
import { runEnd, type RunEnd } from '../common/outcome.js';
import { beginLaunch, connectClient, describeError, protocolEmitter, runMain, shutDown, startWorker, startWorkflows } from '../common/runner.js';
import { PROTOCOL_PREFIX, TASK_QUEUE, allChildren, allParents, type Top } from './shared.js';

/** How long the final launch stays up after the last result, so effects due at once are done. */
const SETTLE_MS = 500;

/** What the final launch saw of one workflow. */
export interface Outcome extends RunEnd {
  workflowId: string;
  status: string;
}

const emit = protocolEmitter(PROTOCOL_PREFIX);

async function main(): Promise<void> {
  const args = beginLaunch('crash-children runner');
  const { final } = args;
  const worker = await startWorker(
    args.address,
    {
      taskQueue: TASK_QUEUE,
      workflowsPath: fileURLToPath(new URL('./workflows.js', import.meta.url)),
      activities: createActivities(args.logPath, final ? 10 : 1),
      // Two activity slots while being killed: the ~100 activities queue up, so the work outlasts
      // the kills and children are started one after the other all along. The final run hurries.
      maxConcurrentActivityTaskExecutions: final ? 20 : 2,
    },
    emit,
  );
  const { connection, client } = await connectClient(args.address);
  if (args.start) {
    const starts = allParents().map((p) =>
      p.kind === 'family' ? { workflowType: 'family', workflowId: p.id, args: [p.n] } : { workflowType: 'closer', workflowId: p.id, args: [p.policy, p.n] },
    );
    await startWorkflows(client, args.logPath, TASK_QUEUE, starts, emit);
  }
  emit({ type: 'ready', pid: process.pid });

  /** Waits for the run to close; its outcome as seen through the client. */
  async function outcome(workflowId: string): Promise<Outcome> {
    const h = client.workflow.getHandle(workflowId);
    const end = await runEnd(h);
    return { workflowId, status: (await h.describe()).raw.status, ...end };
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
          window('created', workflowId, d.startTime.getTime());
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
    await worker.running;
    return;
  }
  const results = await everything;
  emit({ type: 'results', results });
  await delay(SETTLE_MS);
  await shutDown(worker, connection, emit);
}

runMain(main, emit);
