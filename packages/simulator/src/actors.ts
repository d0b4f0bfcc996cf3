// The simulated workers and client. Each is an ordinary async loop that talks to the engine only
// through the simulated network and waits only on the virtual clock, so the simulation loop
// decides every interleaving. They behave as the real packages do: a change carries a request id
// and is resent with it after an ambiguous failure; an activity may fail, hang or finish late.
import { ApiError, type ActivityTask, type GetResultResponse, type HistoryEvent, type PollActivityTasksResponse, type PollWorkflowTasksResponse } from '@endure/protocol';
import type { ClockScope } from './virtual-clock.js';
import { decide, payload, type SimWorkflowInput } from './workflow-script.js';

export const NAMESPACE = 'default';
export const TASK_QUEUE = 'sim';

/** What the actors were told, for the invariants: only acknowledged facts count as promises. */
export interface Ledger {
  started: Map<string, SimWorkflowInput>;
  /** Signals acknowledged, and every signal sent (acknowledged or not), by workflow id. */
  signalsAcked: Map<string, string[]>;
  signalsSent: Map<string, string[]>;
  /** Activity completions the engine acknowledged: `${workflowId}#${seq}`. */
  completionsAcked: Set<string>;
  /** How many times each activity (`${workflowId}#${seq}`) was executed. */
  executions: Map<string, number>;
  results: Map<string, HistoryEvent>;
  /** Errors an actor saw that the engine must never give (e.g. a signal refused by a run that cannot have closed). */
  surprises: string[];
}

export function newLedger(): Ledger {
  return { started: new Map(), signalsAcked: new Map(), signalsSent: new Map(), completionsAcked: new Set(), executions: new Map(), results: new Map(), surprises: [] };
}

const retryable = (err: unknown): boolean => err instanceof ApiError && err.code === 'UNAVAILABLE';

export interface ActorContext {
  /** Sends a request over the simulated network to an engine (in a cluster, any node). */
  call<T>(op: string, req: unknown): Promise<T>;
  clock: ClockScope;
  random: () => number;
  ledger: Ledger;
  /** Set when the simulation is over: loops end. */
  stopped: () => boolean;
  nextId: (prefix: string) => string;
}

const sleep = (ctx: ActorContext, ms: number) => new Promise<void>((r) => ctx.clock.schedule(ms, r));

/** Sends a change until it is answered, resending the same request (same id) after lost answers. */
async function resend<T>(ctx: ActorContext, op: string, req: unknown): Promise<T | ApiError> {
  for (;;) {
    try {
      return await ctx.call<T>(op, req);
    } catch (err) {
      if (!retryable(err)) return err instanceof ApiError ? err : new ApiError('INTERNAL', String(err));
      if (ctx.stopped()) return err as ApiError;
      await sleep(ctx, 50 + Math.floor(ctx.random() * 200));
    }
  }
}

export async function workflowWorker(ctx: ActorContext, identity: string): Promise<void> {
  while (!ctx.stopped()) {
    let tasks: PollWorkflowTasksResponse['tasks'];
    try {
      tasks = (await ctx.call<PollWorkflowTasksResponse>('pollWorkflowTasks', { namespace: NAMESPACE, taskQueue: TASK_QUEUE, identity, timeoutMs: 5_000, maxTasks: 2 })).tasks;
    } catch {
      await sleep(ctx, 100);
      continue;
    }
    await Promise.all(
      tasks.map(async (task) => {
        let events: HistoryEvent[];
        try {
          // As the worker package does: the history before the task's new events, then those.
          const first = task.events[0]?.eventId ?? task.lastEventId + 1;
          const h = await ctx.call<{ events: HistoryEvent[] }>('getHistory', { namespace: NAMESPACE, workflowId: task.workflowId, runId: task.runId });
          events = [...h.events.filter((e) => e.eventId < first), ...task.events];
        } catch {
          return; // the task times out and is offered again
        }
        // A read from a node that lost the run's shard and does not know it yet can be behind the
        // task: deciding on it would decide on less than the task holds. Leave the task to time out.
        if (events.length !== task.lastEventId || events.some((e, i) => e.eventId !== i + 1)) return;
        const commands = decide(events);
        await resend(ctx, 'completeWorkflowTask', { taskToken: task.taskToken, commands, sawUpTo: task.lastEventId, time: ctx.clock.now(), identity, requestId: ctx.nextId('wft') });
      }),
    );
  }
}

/** Runs one attempt: usually succeeds; sometimes fails, hangs (never reports) or reports late. */
async function runActivity(ctx: ActorContext, identity: string, task: ActivityTask): Promise<void> {
  const key = `${task.workflowId}#${task.seq}`;
  ctx.ledger.executions.set(key, (ctx.ledger.executions.get(key) ?? 0) + 1);
  const roll = ctx.random();
  if (roll < 0.05) return; // the worker died mid-attempt: the start-to-close timeout retries it
  if (roll < 0.15) await sleep(ctx, 2_500); // past start-to-close: a late completion
  else await sleep(ctx, Math.floor(ctx.random() * 50));
  if (roll >= 0.15 && roll < 0.3) {
    await resend(ctx, 'failActivityTask', { taskToken: task.taskToken, failure: { message: 'flaky', info: { type: 'application' } }, identity, requestId: ctx.nextId('fail') });
    return;
  }
  const answer = await resend(ctx, 'completeActivityTask', { taskToken: task.taskToken, result: payload(`${task.workflowId}:${task.seq}`), identity, requestId: ctx.nextId('done') });
  if (!(answer instanceof ApiError)) ctx.ledger.completionsAcked.add(key);
}

export async function activityWorker(ctx: ActorContext, identity: string): Promise<void> {
  const running = new Set<Promise<void>>();
  while (!ctx.stopped()) {
    let tasks: ActivityTask[];
    try {
      tasks = (await ctx.call<PollActivityTasksResponse>('pollActivityTasks', { namespace: NAMESPACE, taskQueue: TASK_QUEUE, identity, timeoutMs: 5_000, maxTasks: 3 })).tasks;
    } catch {
      await sleep(ctx, 100);
      continue;
    }
    for (const t of tasks) {
      const p = runActivity(ctx, identity, t).finally(() => running.delete(p));
      running.add(p);
    }
  }
  await Promise.all(running);
}

/** Starts one workflow, signals it, and waits for its result, all through the network. */
export async function client(ctx: ActorContext, workflowId: string, input: SimWorkflowInput): Promise<void> {
  await sleep(ctx, Math.floor(ctx.random() * 500));
  const started = await resend<{ runId: string }>(ctx, 'startWorkflow', {
    namespace: NAMESPACE, workflowId, workflowType: 'sim', taskQueue: TASK_QUEUE, input: [payload(input)], requestId: `start-${workflowId}`,
  });
  if (started instanceof ApiError) return void ctx.ledger.surprises.push(`start of ${workflowId} refused: ${started.message}`);
  ctx.ledger.started.set(workflowId, input);
  for (let j = 0; j < input.signals; j++) {
    await sleep(ctx, Math.floor(ctx.random() * 300));
    const value = `${workflowId}/signal-${j}`;
    ctx.ledger.signalsSent.set(workflowId, [...(ctx.ledger.signalsSent.get(workflowId) ?? []), value]);
    const answer = await resend(ctx, 'signalWorkflow', { namespace: NAMESPACE, workflowId, signalName: 'go', input: [payload(value)], requestId: `signal-${workflowId}-${j}` });
    if (answer instanceof ApiError) return void ctx.ledger.surprises.push(`signal ${value} refused: ${answer.message}`);
    ctx.ledger.signalsAcked.set(workflowId, [...(ctx.ledger.signalsAcked.get(workflowId) ?? []), value]);
  }
  while (!ctx.stopped()) {
    try {
      const r = await ctx.call<GetResultResponse>('getResult', { namespace: NAMESPACE, workflowId, timeoutMs: 5_000 });
      if (r.closeEvent) return void ctx.ledger.results.set(workflowId, r.closeEvent);
    } catch {
      await sleep(ctx, 100);
    }
  }
}
