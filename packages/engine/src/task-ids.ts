// The names of a run's tasks (the storage port's `TaskRow.taskId`, and the matching's refs).
// Stored task rows hold `wft` and `activity:<seq>`, so those texts are fixed for good; query
// tasks live in memory only.
import { StoredDataCorruptError } from '@endure/storage';
import { SEQ } from './timer-ids.js';

export type TaskId =
  | { kind: 'workflowTask' }
  | { kind: 'activity'; seq: number }
  /** A query waiting for a worker (queries.ts); never stored. */
  | { kind: 'query'; queryId: string };

/** A stored task id that is none of the kinds above: written by a newer release, or damaged. */
export class UnknownTaskIdError extends StoredDataCorruptError {
  override name = 'UnknownTaskIdError';
  constructor(
    readonly taskId: string,
    where: string,
  ) {
    super(`${where} has a task '${taskId}' that this release of Endure does not know: the database was written by a newer release (upgrade Endure) or is damaged (restore it from a backup)`);
  }
}

export const WFT_TASK_ID = 'wft';
const ACTIVITY = 'activity:';
const QUERY = 'query:';

export const activityTaskId = (seq: number): string => `${ACTIVITY}${seq}`;
export const queryTaskId = (queryId: string): string => `${QUERY}${queryId}`;

export function formatTaskId(id: TaskId): string {
  switch (id.kind) {
    case 'workflowTask':
      return WFT_TASK_ID;
    case 'activity':
      return activityTaskId(id.seq);
    case 'query':
      return queryTaskId(id.queryId);
    default: {
      const unknown: never = id;
      throw new Error(`internal: a task id of unknown kind ${JSON.stringify(unknown)}`);
    }
  }
}

/** Reads a task id; `where` names its run for the error an unknown id gets. */
export function parseTaskId(text: string, where = 'a run'): TaskId {
  if (text === WFT_TASK_ID) return { kind: 'workflowTask' };
  if (text.startsWith(ACTIVITY) && SEQ.test(text.slice(ACTIVITY.length))) return { kind: 'activity', seq: Number(text.slice(ACTIVITY.length)) };
  if (text.startsWith(QUERY) && text.length > QUERY.length) return { kind: 'query', queryId: text.slice(QUERY.length) };
  throw new UnknownTaskIdError(text, where);
}
