// Every option of the workflow API's options types decided: honoured (with the test that shows
// it) or refused with what to do instead. The checks run inside the sandbox, where a refusal
// fails the workflow task; its message (naming the option) is the task failure the worker logs
// and describe().pendingWorkflowTask.lastFailure shows, and the workflow continues once fixed.
import { optionTable } from '@endure/common';
import type { ActivityOptions, LocalActivityOptions, RetryOptions } from './activities.js';
import type { ChildWorkflowOptions } from './children.js';
import type { ContinueAsNewOptions } from './continue-as-new.js';
import type { QueryHandlerOptions, SignalHandlerOptions, UpdateHandlerOptions } from './handlers.js';
import type { TimerOptions } from './timers.js';

const ACTIVITIES_TEST = 'packages/integration/test/activities.test.ts';
const OPTIONS_TEST = 'packages/integration/test/workflow-options.test.ts';
const NO_METADATA = 'user metadata (summaries and details shown in a UI) is not implemented; log it with log from @endure/workflow instead';
const NO_PRIORITY = 'task priorities are not implemented: tasks are handed out in the order they became ready';
const NO_VERSIONING = 'Endure has no worker versioning: keep old and new code paths with patched()/deprecatePatch()';

export const activityOptionTable = optionTable<ActivityOptions>('ActivityOptions', 'proxyActivities', {
  activityId: { honoured: ACTIVITIES_TEST },
  taskQueue: { honoured: ACTIVITIES_TEST },
  heartbeatTimeout: { honoured: ACTIVITIES_TEST },
  retry: { honoured: ACTIVITIES_TEST },
  startToCloseTimeout: { honoured: ACTIVITIES_TEST },
  scheduleToStartTimeout: { honoured: ACTIVITIES_TEST },
  scheduleToCloseTimeout: { honoured: ACTIVITIES_TEST },
  cancellationType: { honoured: ACTIVITIES_TEST },
  // Temporal's eager dispatch is a permission, never a promise; Endure never dispatches eagerly.
  allowEagerDispatch: { honoured: OPTIONS_TEST },
  versioningIntent: { refused: NO_VERSIONING },
  summary: { refused: NO_METADATA },
  priority: { refused: NO_PRIORITY },
});

export const retryOptionTable = optionTable<RetryOptions>('RetryPolicy', 'proxyActivities options.retry', {
  initialInterval: { honoured: 'packages/common/test/retry.test.ts' },
  backoffCoefficient: { honoured: 'packages/common/test/retry.test.ts' },
  maximumInterval: { honoured: 'packages/common/test/retry.test.ts' },
  maximumAttempts: { honoured: ACTIVITIES_TEST },
  nonRetryableErrorTypes: { honoured: ACTIVITIES_TEST },
});

export const localActivityOptionTable = optionTable<LocalActivityOptions>('LocalActivityOptions', 'proxyLocalActivities', {
  retry: { honoured: ACTIVITIES_TEST },
  startToCloseTimeout: { honoured: ACTIVITIES_TEST },
  scheduleToCloseTimeout: { honoured: ACTIVITIES_TEST },
  scheduleToStartTimeout: { refused: 'a local activity starts as soon as one of the worker\'s maxConcurrentLocalActivityExecutions slots is free; bound the whole call with scheduleToCloseTimeout' },
  localRetryThreshold: { refused: 'local activity retries always back off inside the workflow task (which is heartbeaten meanwhile); use proxyActivities for long back-offs' },
  cancellationType: { refused: 'local activities are not cancelled with their scope: they run to completion within the workflow task; keep them short' },
  summary: { refused: NO_METADATA },
});

export const childWorkflowOptionTable = optionTable<ChildWorkflowOptions>('ChildWorkflowOptions', 'startChild', {
  workflowId: { honoured: 'packages/integration/test/children.test.ts' },
  args: { honoured: 'packages/integration/test/children.test.ts' },
  taskQueue: { honoured: OPTIONS_TEST },
  parentClosePolicy: { honoured: 'packages/integration/test/children.test.ts' },
  cancellationType: { honoured: OPTIONS_TEST },
  workflowExecutionTimeout: { honoured: OPTIONS_TEST },
  workflowRunTimeout: { honoured: OPTIONS_TEST },
  workflowTaskTimeout: { honoured: OPTIONS_TEST },
  workflowIdReusePolicy: { refused: 'a child always starts a new run, and fails to start if its workflow id is in use; pick a fresh workflowId' },
  retry: { refused: 'workflow retry policies are not implemented; retry inside the child, or catch ChildWorkflowFailure and start it again' },
  cronSchedule: { refused: 'cron children are not implemented; loop with sleep() in the child, or start a cron workflow from a client' },
  memo: { refused: 'setting a child\'s memo at start is not implemented; call upsertMemo() in the child' },
  searchAttributes: { refused: 'setting a child\'s search attributes at start is not implemented; call upsertSearchAttributes() in the child' },
  typedSearchAttributes: { refused: 'typed search attributes are not implemented; call upsertSearchAttributes() in the child' },
  staticSummary: { refused: NO_METADATA },
  staticDetails: { refused: NO_METADATA },
  priority: { refused: NO_PRIORITY },
  versioningIntent: { refused: NO_VERSIONING },
});

export const continueAsNewOptionTable = optionTable<ContinueAsNewOptions>('ContinueAsNewOptions', 'makeContinueAsNewFunc', {
  workflowType: { honoured: OPTIONS_TEST },
  taskQueue: { honoured: OPTIONS_TEST },
  workflowRunTimeout: { honoured: OPTIONS_TEST },
  workflowTaskTimeout: { honoured: OPTIONS_TEST },
  memo: { refused: 'setting the next run\'s memo is not implemented; call upsertMemo() in the next run' },
  searchAttributes: { refused: 'setting the next run\'s search attributes is not implemented; call upsertSearchAttributes() in the next run' },
  typedSearchAttributes: { refused: 'typed search attributes are not implemented; call upsertSearchAttributes() in the next run' },
  versioningIntent: { refused: NO_VERSIONING },
  initialVersioningBehavior: { refused: NO_VERSIONING },
});

const HANDLERS_TEST = 'packages/integration/test/workflow-options.test.ts';
export const signalHandlerOptionTable = optionTable<SignalHandlerOptions>('SignalHandlerOptions', 'setHandler', {
  description: { honoured: HANDLERS_TEST },
  unfinishedPolicy: { honoured: HANDLERS_TEST },
});

export const queryHandlerOptionTable = optionTable<QueryHandlerOptions>('QueryHandlerOptions', 'setHandler', {
  description: { honoured: HANDLERS_TEST },
});

export const updateHandlerOptionTable = optionTable<UpdateHandlerOptions<unknown[]>>('UpdateHandlerOptions', 'setHandler', {
  validator: { honoured: 'packages/integration/test/updates.test.ts' },
  description: { honoured: HANDLERS_TEST },
  unfinishedPolicy: { honoured: HANDLERS_TEST },
});

export const timerOptionTable = optionTable<TimerOptions>('TimerOptions', 'sleep', {
  summary: { refused: NO_METADATA },
});
