// The options of a workflow start as Temporal names them (WorkflowOptions and its signal-with-start
// and update-with-start forms), each honoured or refused by name, and their translation into the
// engine's start request.
import type { Payload, StartWorkflowRequest } from '@endure/protocol';
import { optionalMs, optionTable, toPayloads, type Duration, type OptionTable, type PayloadConverter, type WorkflowIdConflictPolicy, type WorkflowIdReusePolicy } from '@endure/common';
import type { SignalRef } from './workflow-handle.js';

export interface WorkflowOptions<A extends readonly unknown[] = unknown[]> {
  /** The business id of the workflow, e.g. `order-1234`. Required. */
  workflowId: string;
  /** The task queue your Worker polls. Required. */
  taskQueue: string;
  args?: A;
  /** What a start does when the id was used by a closed run. Default ALLOW_DUPLICATE. */
  workflowIdReusePolicy?: WorkflowIdReusePolicy;
  /** What a start does when the id is used by a running run. Default FAIL (USE_EXISTING for signalWithStart). */
  workflowIdConflictPolicy?: WorkflowIdConflictPolicy;
  workflowExecutionTimeout?: Duration;
  workflowRunTimeout?: Duration;
  /** Default 10 seconds. */
  workflowTaskTimeout?: Duration;
  /**
   * A cron schedule (5 fields, or `@hourly`, `@daily`, `@every 30m`…; UTC): the run waits for the
   * next matching time, and each run that completes, fails or times out is followed by the next
   * with the same arguments. Cancelling or terminating a run ends the chain (a run still waiting
   * for its time is terminated at once; a cancel reaches it when it starts).
   */
  cronSchedule?: string;
  /** Wait this long before the workflow's first task (a signal ends the wait). Not with cronSchedule. */
  startDelay?: Duration;
  /** Free-form facts about the workflow, shown by describe(). */
  memo?: Record<string, unknown>;
  /** Indexed facts the list API filters on (names: letters, digits and _). */
  searchAttributes?: Record<string, unknown>;
  /** result() follows the run's continue-as-new and cron successors to the end of the chain. Default true. */
  followRuns?: boolean;
  /** Not supported: Endure does not retry workflows; retry inside the workflow (activities retry by policy). */
  retry?: never;
  /** Not supported: use searchAttributes (a record of values). */
  typedSearchAttributes?: never;
  /** Not supported: Endure keeps no static summary; use memo. */
  staticSummary?: never;
  /** Not supported: Endure keeps no static details; use memo. */
  staticDetails?: never;
  /** Not supported: task queues are served in order, without priorities. */
  priority?: never;
  /** Not supported: Endure has no worker versioning; use patched(). */
  versioningOverride?: never;
  /** Not supported: there is no eager start (an embedded start is already local). */
  requestEagerStart?: never;
}

export type WorkflowStartOptions<A extends readonly unknown[] = unknown[]> = WorkflowOptions<A>;

export interface WorkflowSignalWithStartOptions<A extends readonly unknown[] = unknown[], SA extends unknown[] = unknown[]> extends Omit<WorkflowOptions<A>, 'requestEagerStart'> {
  /** The signal: a defineSignal() definition or its name. */
  signal: SignalRef<SA>;
  signalArgs?: SA;
}

const START_TEST = 'packages/integration/test/start.test.ts';
const TIMEOUTS_TEST = 'packages/integration/test/workflows.test.ts';
const CRON_TEST = 'packages/integration/test/cron.test.ts';
const PROPERTIES_TEST = 'packages/integration/test/messages.test.ts';

const workflowOptions: OptionTable<WorkflowOptions> = {
  workflowId: { honoured: START_TEST },
  taskQueue: { honoured: START_TEST },
  args: { honoured: START_TEST },
  workflowIdReusePolicy: { honoured: START_TEST },
  workflowIdConflictPolicy: { honoured: START_TEST },
  workflowExecutionTimeout: { honoured: TIMEOUTS_TEST },
  workflowRunTimeout: { honoured: TIMEOUTS_TEST },
  workflowTaskTimeout: { honoured: 'packages/integration/test/activities.test.ts' },
  cronSchedule: { honoured: CRON_TEST },
  startDelay: { honoured: CRON_TEST },
  memo: { honoured: PROPERTIES_TEST },
  searchAttributes: { honoured: PROPERTIES_TEST },
  followRuns: { honoured: CRON_TEST },
  retry: { refused: 'Endure does not retry workflows; retry inside the workflow (activities retry by their policy), or start it again' },
  typedSearchAttributes: { refused: 'pass searchAttributes, a record of values, instead' },
  staticSummary: { refused: 'Endure keeps no static summary; put it in memo' },
  staticDetails: { refused: 'Endure keeps no static details; put them in memo' },
  priority: { refused: 'Endure serves task queues in order, without priorities' },
  versioningOverride: { refused: 'Endure has no worker versioning; branch in the workflow with patched()' },
  requestEagerStart: { refused: 'Endure has no eager workflow start; remove the option (an embedded start is already local)' },
};

export const WORKFLOW_OPTIONS = optionTable<WorkflowOptions>('WorkflowOptions', 'client.workflow.start', workflowOptions);

const { requestEagerStart: _eager, ...withoutEager } = workflowOptions;
export const WORKFLOW_SIGNAL_WITH_START_OPTIONS = optionTable<WorkflowSignalWithStartOptions>('WorkflowSignalWithStartOptions', 'client.workflow.signalWithStart', {
  ...withoutEager,
  signal: { honoured: PROPERTIES_TEST },
  signalArgs: { honoured: PROPERTIES_TEST },
});

function encodeMap(converter: PayloadConverter, values: Record<string, unknown> | undefined, what: string): Record<string, Payload> | undefined {
  if (!values) return undefined;
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, toPayloads(converter, [v], `${what}.${k}`)[0]!]));
}

/** The engine's start request for `options` (checked against `type`'s table first). */
export function startRequest(
  where: string,
  workflowType: string,
  options: WorkflowOptions,
  base: { namespace: string; identity: string; converter: PayloadConverter; requestId: string },
): StartWorkflowRequest {
  if (!options || typeof options.taskQueue !== 'string' || !options.taskQueue) {
    throw new TypeError(`${where}: options.taskQueue is required (the task queue your Worker polls)`);
  }
  if (typeof options.workflowId !== 'string' || !options.workflowId) {
    throw new TypeError(`${where}: options.workflowId is required (a business id such as "order-1234")`);
  }
  if (options.cronSchedule !== undefined && (typeof options.cronSchedule !== 'string' || !options.cronSchedule.trim())) {
    throw new TypeError(`${where}: cronSchedule must be a cron schedule such as '0 * * * *' or '@hourly'`);
  }
  return {
    namespace: base.namespace,
    workflowId: options.workflowId,
    workflowType,
    taskQueue: options.taskQueue,
    input: toPayloads(base.converter, (options.args ?? []) as unknown[], `workflow '${workflowType}' argument`),
    workflowIdReusePolicy: options.workflowIdReusePolicy,
    workflowIdConflictPolicy: options.workflowIdConflictPolicy,
    workflowExecutionTimeoutMs: optionalMs(options.workflowExecutionTimeout, 'workflowExecutionTimeout'),
    workflowRunTimeoutMs: optionalMs(options.workflowRunTimeout, 'workflowRunTimeout'),
    workflowTaskTimeoutMs: optionalMs(options.workflowTaskTimeout, 'workflowTaskTimeout'),
    cronSchedule: options.cronSchedule,
    startDelayMs: optionalMs(options.startDelay, 'startDelay') || undefined,
    identity: base.identity,
    requestId: base.requestId,
    memo: encodeMap(base.converter, options.memo, 'memo'),
    searchAttributes: encodeMap(base.converter, options.searchAttributes, 'searchAttributes'),
  };
}

