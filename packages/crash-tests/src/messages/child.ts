// Child process of test/crash-messages.test.ts: a worker AND the clients that drive the workflows,
// in one process on an embedded (sqlite:) engine — only one process may open the database.
//
//   node child.js --db <file> --log <file> [--start] [--final]
//
// --start  also starts the workflows (the first launch only).
// --final  drives every workflow to its end without pauses, prints every result and exits.
// Otherwise it drives the workflows (pausing before each message) until it is killed.
//
// The drivers are idempotent across restarts: before each message they read the workflow's
// history, the durable record of what the engine received, and send only what is missing there.
// Signals are not deduplicated, so a signal is sent only if history does not hold it yet (a query
// would not do: it shows what the workflow has processed, not what the engine has accepted).
// An update is re-sent with the same update id (deduplicated); one already accepted in history is
// only awaited by id. A cancel is re-sent while the run is open (the engine ignores repeats).
//
// Progress goes to stdout as `@@msgs <json>` lines: {type:'started'} once every start is
// acknowledged, {type:'ready'} once the worker and the drivers run, {type:'results', results}
// (with --final), {type:'error', message} if anything unexpected happens.
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { ServiceError, type WorkflowHandle } from '@endure/client';
import { createActivities } from './activities.js';
import { isClosed, signalArgs, updateEvents } from '../common/history.js';
import { appendLogLine } from '../common/log-lines.js';
import { runEnd, type RunEnd } from '../common/outcome.js';
import { beginLaunch, connectClient, describeError, protocolEmitter, runMain, shutDown, startWorker, startWorkflows } from '../common/runner.js';
import { addItem, addStep, bookingState, checkout, reserve } from './workflows.js';
import {
  CHAINS,
  ITEMS,
  KINDS,
  PER_KIND,
  PROTOCOL_PREFIX,
  SEATS,
  STEPS,
  TASK_QUEUE,
  allWorkflowIds,
  gapMs,
  itemName,
  seatName,
  updateId,
  workflowId,
  type BookingState,
  type Kind,
  type LogLine,
} from './shared.js';

/** What the final child reports for one workflow. */
export interface Outcome extends RunEnd {
  workflowId: string;
  kind: Kind;
  n: number;
  /** stepper: each update's result by id (getUpdateHandle) and once more by executeUpdate with the same id. */
  updates?: { updateId: string; viaHandle: unknown; viaExecute: unknown }[];
  /** booking: the query answered by the closed run. */
  state?: BookingState;
}

const emit = protocolEmitter(PROTOCOL_PREFIX);

async function main(): Promise<void> {
  const args = beginLaunch('crash-messages child');
  const { final } = args;
  const pid = process.pid;
  const log = (line: LogLine) => appendLogLine(args.logPath, line);

  const worker = await startWorker(
    args.address,
    { taskQueue: TASK_QUEUE, workflowsPath: fileURLToPath(new URL('./workflows.js', import.meta.url)), activities: createActivities(args.logPath, final ? 10 : 1) },
    emit,
  );
  const { connection, client } = await connectClient(args.address);
  if (args.start) {
    await startWorkflows(client, args.logPath, TASK_QUEUE, allWorkflowIds().map(({ kind, n, id }) => ({ workflowType: kind, workflowId: id, args: [n] })), emit);
  }

  /** The pause before message k of workflow n: none in the final run. */
  const pause = (n: number, k: number) => (final ? Promise.resolve() : delay(gapMs(n, k)));
  const history = async (h: WorkflowHandle) => (await h.fetchHistory()).events;
  const waitClosed = (h: WorkflowHandle) => h.result().then(
    () => undefined,
    () => undefined,
  );

  async function driveCart(h: WorkflowHandle, n: number): Promise<void> {
    for (;;) {
      const events = await history(h);
      if (isClosed(events)) return;
      const items = signalArgs(events, 'addItem');
      if (items.length < ITEMS) {
        const k = items.length;
        await pause(n, k);
        await h.signal(addItem, itemName(n, k));
        log({ kind: 'signal', workflowId: h.workflowId, name: 'addItem', arg: itemName(n, k), index: k, pid, time: Date.now() });
      } else if (signalArgs(events, 'checkout').length === 0) {
        await pause(n, ITEMS);
        await h.signal(checkout);
        log({ kind: 'signal', workflowId: h.workflowId, name: 'checkout', arg: null, index: 0, pid, time: Date.now() });
      } else {
        await waitClosed(h);
      }
    }
  }

  async function driveStepper(h: WorkflowHandle, n: number): Promise<void> {
    for (;;) {
      const events = await history(h);
      if (isClosed(events)) return;
      const k = Array.from({ length: STEPS }, (_, i) => i).find((i) => updateEvents(events, updateId(n, i)).completed.length === 0);
      if (k === undefined) {
        await waitClosed(h);
        continue;
      }
      const id = updateId(n, k);
      let result: unknown;
      const resumed = updateEvents(events, id).accepted.length > 0;
      if (resumed) {
        // Accepted by an earlier process that was killed before it completed: only wait for it.
        log({ kind: 'update-resumed', workflowId: h.workflowId, updateId: id, pid, time: Date.now() });
        result = await h.getUpdateHandle<string>(id).result();
      } else {
        await pause(n, k);
        const uh = await h.startUpdate(addStep, { args: [k], updateId: id });
        log({ kind: 'update-accepted', workflowId: h.workflowId, updateId: id, pid, time: Date.now() });
        result = await uh.result();
      }
      log({ kind: 'update-result', workflowId: h.workflowId, updateId: id, result, resumed, pid, time: Date.now() });
    }
  }

  async function driveBooking(h: WorkflowHandle, n: number): Promise<void> {
    for (;;) {
      const events = await history(h);
      if (isClosed(events)) return;
      const seats = signalArgs(events, 'reserve');
      if (seats.length < SEATS) {
        const k = seats.length;
        await pause(n, k);
        await h.signal(reserve, seatName(n, k));
        log({ kind: 'signal', workflowId: h.workflowId, name: 'reserve', arg: seatName(n, k), index: k, pid, time: Date.now() });
        continue;
      }
      const resend = events.some((e) => e.type === 'WorkflowExecutionCancelRequested');
      if (!resend) {
        // Cancel only once the booking holds its seats and waits (so the cleanup has work to do).
        const state = await h.query(bookingState);
        if (state.phase !== 'held') {
          await delay(final ? 10 : 50);
          continue;
        }
        await pause(n, SEATS);
      }
      try {
        await h.cancel('crash test');
      } catch (err) {
        if (err instanceof ServiceError && err.code === 'FAILED_PRECONDITION') continue; // closed meanwhile
        throw err;
      }
      log({ kind: 'cancel', workflowId: h.workflowId, resend, pid, time: Date.now() });
      await waitClosed(h);
    }
  }

  async function drive(kind: Kind, n: number): Promise<void> {
    const h = client.workflow.getHandle(workflowId(kind, n));
    if (kind === 'cart') await driveCart(h, n);
    else if (kind === 'stepper') await driveStepper(h, n);
    else await driveBooking(h, n);
    log({ kind: 'closed', workflowId: h.workflowId, pid, time: Date.now() });
  }

  const driving = Promise.all(
    KINDS.flatMap((kind) =>
      Array.from({ length: CHAINS }, async (_, c) => {
        for (let n = c; n < PER_KIND; n += CHAINS) await drive(kind, n);
      }),
    ),
  );
  driving.catch((err: unknown) => {
    emit({ type: 'error', message: `driver failed: ${describeError(err)}` });
    process.exit(1);
  });
  emit({ type: 'ready', pid });

  if (!final) {
    await driving;
    emit({ type: 'idle' }); // everything is closed: nothing left to do but wait to be killed
    await worker.running;
    return;
  }
  await driving;

  const results: Outcome[] = [];
  for (const { kind, n, id } of allWorkflowIds()) {
    const h = client.workflow.getHandle(id);
    const o: Outcome = { workflowId: id, kind, n, ...(await runEnd(h)) };
    if (kind === 'stepper') {
      o.updates = [];
      for (let k = 0; k < STEPS; k++) {
        const uid = updateId(n, k);
        const viaHandle = await h.getUpdateHandle(uid).result();
        // The same id once more, on the closed run: deduplicated, it answers with the first result.
        const viaExecute = await h.executeUpdate(addStep, { args: [k], updateId: uid });
        o.updates.push({ updateId: uid, viaHandle, viaExecute });
      }
    }
    if (kind === 'booking') o.state = await h.query(bookingState);
    results.push(o);
  }
  emit({ type: 'results', results });
  await shutDown(worker, connection, emit);
}

runMain(main, emit);
