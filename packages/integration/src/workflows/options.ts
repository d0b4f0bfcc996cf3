// Workflows for the worker- and workflow-options tests, and the probe the option invokers use to
// pass one option to a workflow API call inside the sandbox.
import {
  CancellationScope,
  ChildWorkflowFailure,
  isCancellation,
  condition,
  defineQuery,
  defineSignal,
  executeChild,
  HandlerUnfinishedPolicy,
  makeContinueAsNewFunc,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
  type ActivityOptions,
  type ChildWorkflowOptions,
  type ContinueAsNewOptions,
  type LocalActivityOptions,
} from '@endure/workflow';
import type { TestActivities } from '../activities.js';

/** Activities the options tests register (see test/worker-options.test.ts). */
interface OptionActivities {
  busy(ms: number): Promise<number>;
  beatTwice(): Promise<string>;
  echo(x: unknown): Promise<unknown>;
  retryPolicy(): Promise<unknown>;
}

const locals = proxyLocalActivities<OptionActivities>({ startToCloseTimeout: '10s' });
const testActs = proxyActivities<TestActivities>({ startToCloseTimeout: '2 minutes', retry: { initialInterval: '50ms' } });

/** Pauses in an activity (the shutdown tests cancel it), then echoes. */
export async function pauseThenEcho(ms: number): Promise<unknown> {
  const paused = await testActs.pause(ms);
  return { paused, echoed: await testActs.echoActivity(paused) };
}

export async function echoWorkflow(x: unknown): Promise<unknown> {
  return x;
}

/** One local activity that takes `ms`. */
export async function oneLocal(ms: number): Promise<number> {
  return locals.busy(ms);
}

/** One activity that heartbeats twice, 300 ms apart; with a heartbeat timeout when given. */
export async function heartbeatsTwice(heartbeatTimeout?: string): Promise<string> {
  const acts = proxyActivities<OptionActivities>({ startToCloseTimeout: '10s', ...(heartbeatTimeout ? { heartbeatTimeout } : {}) });
  return acts.beatTwice();
}

/** One activity, with allowEagerDispatch as given. */
export async function eagerOrNot(allowEagerDispatch: boolean): Promise<unknown> {
  const acts = proxyActivities<OptionActivities>({ startToCloseTimeout: '10s', allowEagerDispatch });
  return acts.echo(allowEagerDispatch);
}

/** What a run knows about itself, in JSON-safe form. */
export async function reportInfo(...args: unknown[]): Promise<unknown> {
  const i = workflowInfo();
  return {
    args,
    workflowType: i.workflowType,
    taskQueue: i.taskQueue,
    runTimeoutMs: i.runTimeoutMs,
    taskTimeoutMs: i.taskTimeoutMs,
    executionTimeoutMs: i.executionTimeoutMs,
    startTimeIsDate: i.startTime instanceof Date,
    runStartTimeIsDate: i.runStartTime instanceof Date,
    startedAtRunStart: i.startTime.getTime() === i.runStartTime.getTime(),
    firstExecutionRunIdIsRunId: i.firstExecutionRunId === i.runId,
    continuedFrom: i.continuedFromExecutionRunId !== undefined,
    isReplayingHistoryEvents: i.unsafe.isReplayingHistoryEvents,
  };
}

/** Starts a child with the given options (on another task queue) and returns what the child saw. */
export async function childWithOptions(options: ChildWorkflowOptions): Promise<unknown> {
  return executeChild(reportInfo, { ...options, args: ['from parent'] });
}

/** A child that sleeps past its workflowExecutionTimeout: the parent sees it time out. */
export async function childTimesOut(): Promise<unknown> {
  try {
    await executeChild(sleeper, { workflowExecutionTimeout: '300ms', args: [60_000] });
    return 'no timeout';
  } catch (err) {
    const e = err as ChildWorkflowFailure;
    return { name: e.name, retryState: e.retryState, cause: e.cause?.name };
  }
}

export async function sleeper(ms: number): Promise<void> {
  await sleep(ms);
}

/** Cancels the scope of a child started with `cancellationType` (and parentClosePolicy ABANDON) once it runs; reports what the parent saw. */
export async function cancelsChild(childId: string, cancellationType: ChildWorkflowOptions['cancellationType']): Promise<string> {
  const scope = new CancellationScope();
  const child = await scope.run(() => startChild(sleeper, { workflowId: childId, cancellationType, parentClosePolicy: 'ABANDON', args: [60_000] }));
  scope.cancel();
  try {
    await child.result();
    return 'child completed';
  } catch (err) {
    return err instanceof ChildWorkflowFailure && isCancellation(err.cause) ? 'cancelled' : `other: ${String(err)}`;
  }
}

/** An activity's view of the retry policy it was scheduled with. */
export async function retryPolicySeen(): Promise<unknown> {
  const acts = proxyActivities<OptionActivities>({
    startToCloseTimeout: '10s',
    retry: { initialInterval: '10ms', backoffCoefficient: 3, maximumInterval: '50ms', maximumAttempts: 4, nonRetryableErrorTypes: ['Fatal'] },
  });
  return acts.retryPolicy();
}

/** Continues as new once, with the given options, into `reportInfo`. */
export async function continueWithOptions(options: ContinueAsNewOptions): Promise<never> {
  return makeContinueAsNewFunc<typeof reportInfo>({ workflowType: 'reportInfo', ...options })('continued');
}

export const hang = defineSignal('hang');
export const go = defineSignal('go');
export const described = defineQuery<string>('described');

/** A signal handler that never finishes, left running when the workflow returns; its policy as given. */
export async function leavesHandlerRunning(abandon: boolean): Promise<string> {
  let done = false;
  setHandler(hang, async () => void (await condition(() => false)), abandon ? { unfinishedPolicy: HandlerUnfinishedPolicy.ABANDON } : {});
  setHandler(go, () => void (done = true), { description: 'lets the workflow return' });
  setHandler(described, () => 'yes', { description: 'a query with a description' });
  await condition(() => done);
  return 'returned';
}

/** Calls `sleep` with Temporal's timer options (a summary), which Endure refuses. */
export async function sleepWithSummary(): Promise<void> {
  await sleep(10, { summary: 'a nap' } as never);
}

/**
 * The option invokers' probe: makes the one call of `type` (an options type of the workflow API)
 * with minimal valid options plus `option: value`, and reports 'accepted' if nothing refused it.
 */
export async function optionProbe(type: string, option: string, value: unknown): Promise<string> {
  const extra = { [option]: value };
  switch (type) {
    case 'ActivityOptions':
      proxyActivities({ startToCloseTimeout: '1s', ...extra } as ActivityOptions);
      break;
    case 'RetryPolicy':
      proxyActivities({ startToCloseTimeout: '1s', retry: extra } as ActivityOptions);
      break;
    case 'LocalActivityOptions':
      proxyLocalActivities({ startToCloseTimeout: '1s', ...extra } as LocalActivityOptions);
      break;
    case 'ChildWorkflowOptions':
      await startChild('neverStarted', extra as ChildWorkflowOptions);
      break;
    case 'ContinueAsNewOptions':
      makeContinueAsNewFunc(extra as ContinueAsNewOptions);
      break;
    case 'SignalHandlerOptions':
      setHandler(defineSignal('probed'), () => {}, extra as never);
      break;
    case 'QueryHandlerOptions':
      setHandler(defineQuery('probed'), () => 0, extra as never);
      break;
    case 'UpdateHandlerOptions':
      setHandler({ type: 'update', name: 'probed' }, () => 0, extra as never);
      break;
    case 'TimerOptions':
      await sleep(1, extra as never);
      break;
    default:
      throw new Error(`optionProbe: no probe for options type ${type}`);
  }
  return 'accepted';
}
