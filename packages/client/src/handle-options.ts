// Options of the handle methods, getHandle, result, list and updates, as Temporal names them:
// each honoured (with the test that shows it) or refused by name.
import { optionTable } from '@endure/common';
import type { WithStartWorkflowOperation } from './workflow-client.js';

const CRON_TEST = 'packages/integration/test/cron.test.ts';
const UPDATES_TEST = 'packages/integration/test/updates.test.ts';
const LISTING_TEST = 'packages/integration/test/listing.test.ts';
const HANDLES_TEST = 'packages/integration/test/client-handles.test.ts';

/** Options of client.workflow.result(). */
export interface WorkflowResultOptions {
  /** Follow continue-as-new and cron successors to the end of the chain. Default true. */
  followRuns?: boolean;
}

/** Options of client.workflow.getHandle(). */
export interface GetWorkflowHandleOptions extends WorkflowResultOptions {
  /** Without a runId: cancel, terminate and update act only on the chain this run started. */
  firstExecutionRunId?: string;
}

/** Options of handle.executeUpdate(). */
export interface WorkflowUpdateOptions<Args extends unknown[] = unknown[]> {
  /** Deduplicates the update: the same id again gets the first one's outcome. Default: a random id. */
  readonly updateId?: string;
  args?: Args;
}

/** Options of handle.startUpdate(): the stage to wait for (ACCEPTED; ADMITTED is taken as ACCEPTED, as in Temporal). */
export interface WorkflowStartUpdateOptions<Args extends unknown[] = unknown[]> extends WorkflowUpdateOptions<Args> {
  waitForStage?: 'ADMITTED' | 'ACCEPTED' | 'COMPLETED';
}

/** Options of client.workflow.executeUpdateWithStart(). */
export interface UpdateWithStartOptions<Args extends unknown[] = unknown[]> extends WorkflowUpdateOptions<Args> {
  startWorkflowOperation: WithStartWorkflowOperation;
}

/** Options of client.workflow.startUpdateWithStart(). */
export interface StartUpdateWithStartOptions<Args extends unknown[] = unknown[]> extends UpdateWithStartOptions<Args> {
  waitForStage: 'ADMITTED' | 'ACCEPTED' | 'COMPLETED';
}

export interface ListOptions {
  /** Filter, e.g. `WorkflowType = 'order' AND ExecutionStatus = 'Running'`. Default: every run. */
  query?: string;
  /** Runs fetched per request (1–1000). Default: the engine's (100). */
  pageSize?: number;
}

export interface IntoHistoriesOptions {
  /** Histories fetched at once. Default 5. */
  concurrency?: number;
  /** Histories fetched ahead of the loop at most. Default: concurrency. */
  bufferLimit?: number;
}

/** An activity named by its ids (async completion), instead of its task token. */
export interface FullActivityId {
  workflowId: string;
  runId?: string;
  activityId: string;
}

export const WORKFLOW_RESULT_OPTIONS = optionTable<WorkflowResultOptions>('WorkflowResultOptions', 'client.workflow.result', {
  followRuns: { honoured: CRON_TEST },
});

export const GET_WORKFLOW_HANDLE_OPTIONS = optionTable<GetWorkflowHandleOptions>('GetWorkflowHandleOptions', 'client.workflow.getHandle', {
  followRuns: { honoured: CRON_TEST },
  firstExecutionRunId: { honoured: HANDLES_TEST },
});

const update = { updateId: { honoured: UPDATES_TEST }, args: { honoured: UPDATES_TEST } } as const;

export const WORKFLOW_UPDATE_OPTIONS = optionTable<WorkflowUpdateOptions>('WorkflowUpdateOptions', 'handle.executeUpdate', update);

export const WORKFLOW_START_UPDATE_OPTIONS = optionTable<WorkflowStartUpdateOptions>('WorkflowStartUpdateOptions', 'handle.startUpdate', {
  ...update,
  waitForStage: { honoured: UPDATES_TEST },
});

export const UPDATE_WITH_START_OPTIONS = optionTable<UpdateWithStartOptions>('UpdateWithStartOptions', 'client.workflow.executeUpdateWithStart', {
  ...update,
  startWorkflowOperation: { honoured: UPDATES_TEST },
});

export const START_UPDATE_WITH_START_OPTIONS = optionTable<StartUpdateWithStartOptions>('StartUpdateWithStartOptions', 'client.workflow.startUpdateWithStart', {
  ...update,
  startWorkflowOperation: { honoured: UPDATES_TEST },
  waitForStage: { honoured: UPDATES_TEST },
});

export const LIST_OPTIONS = optionTable<ListOptions>('ListOptions', 'client.workflow.list', {
  query: { honoured: LISTING_TEST },
  pageSize: { honoured: LISTING_TEST },
});

export const INTO_HISTORIES_OPTIONS = optionTable<IntoHistoriesOptions>('IntoHistoriesOptions', 'client.workflow.list().intoHistories', {
  concurrency: { honoured: LISTING_TEST },
  bufferLimit: { honoured: HANDLES_TEST },
});

export const FULL_ACTIVITY_ID = optionTable<FullActivityId>('FullActivityId', 'client.activity.complete', {
  workflowId: { honoured: 'packages/integration/test/activities.test.ts' },
  runId: { honoured: HANDLES_TEST },
  activityId: { honoured: 'packages/integration/test/activities.test.ts' },
});

/** 'ADMITTED' and 'ACCEPTED' wait for acceptance (an update is never only admitted: that is not durable), 'COMPLETED' for the outcome. */
export function updateStage(where: string, stage: unknown): 'ACCEPTED' | 'COMPLETED' {
  if (stage === undefined || stage === 'ADMITTED' || stage === 'ACCEPTED') return 'ACCEPTED';
  if (stage === 'COMPLETED') return 'COMPLETED';
  throw new TypeError(`${where}: waitForStage must be WorkflowUpdateStage.ACCEPTED or COMPLETED, got ${String(stage)}`);
}

/** Temporal's update stages, as values. */
export const WorkflowUpdateStage = {
  /** Taken as ACCEPTED: an update that is only admitted is not durable yet. */
  ADMITTED: 'ADMITTED',
  ACCEPTED: 'ACCEPTED',
  COMPLETED: 'COMPLETED',
  /** @deprecated Not an allowed value. */
  UNSPECIFIED: undefined,
} as const;
export type WorkflowUpdateStage = (typeof WorkflowUpdateStage)[keyof typeof WorkflowUpdateStage];
