// queryRejectCondition: which closed runs refuse queries (Temporal checks it at the server; here
// the client describes the run first — a run closing between the two is queried as it closed).
import type { WorkflowStatus } from '@endure/protocol';
import { QueryRejectedError } from './errors.js';
import { statusOf } from './workflow-status.js';

export const QueryRejectCondition = {
  /** Every run may be queried (the default). */
  NONE: 'NONE',
  /** Closed runs refuse queries. */
  NOT_OPEN: 'NOT_OPEN',
  /** Runs that closed other than by completing refuse queries. */
  NOT_COMPLETED_CLEANLY: 'NOT_COMPLETED_CLEANLY',
  /** @deprecated Use QueryRejectCondition.NONE. */
  QUERY_REJECT_CONDITION_NONE: 'NONE',
  /** @deprecated Use QueryRejectCondition.NOT_OPEN. */
  QUERY_REJECT_CONDITION_NOT_OPEN: 'NOT_OPEN',
  /** @deprecated Use QueryRejectCondition.NOT_COMPLETED_CLEANLY. */
  QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY: 'NOT_COMPLETED_CLEANLY',
  /** @deprecated Use undefined. */
  QUERY_REJECT_CONDITION_UNSPECIFIED: undefined,
} as const;
export type QueryRejectCondition = (typeof QueryRejectCondition)[keyof typeof QueryRejectCondition];

/** Throws QueryRejectedError if `condition` refuses a query to a run in `status`. */
export function rejectQuery(condition: QueryRejectCondition, status: WorkflowStatus): void {
  const refused = condition === 'NOT_OPEN' ? status !== 'RUNNING' : condition === 'NOT_COMPLETED_CLEANLY' ? status !== 'RUNNING' && status !== 'COMPLETED' : false;
  if (refused) throw new QueryRejectedError(statusOf(status).code);
}
