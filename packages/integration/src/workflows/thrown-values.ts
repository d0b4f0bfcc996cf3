// Workflows for thrown-values.test.ts: activities and workflow code that throw things that are
// not Errors, and what the workflow and the client then see.
import { ActivityFailure, ApplicationFailure, proxyActivities, proxyLocalActivities } from '@endure/workflow';

export interface ThrowingActivities {
  /** Throws `value` as it is (an object, a string, a number…). */
  throwValue(value: unknown): Promise<never>;
}

const once = { startToCloseTimeout: '5s', retry: { maximumAttempts: 1 } } as const;
const { throwValue } = proxyActivities<ThrowingActivities>(once);
const local = proxyLocalActivities<ThrowingActivities>(once);

/** Lets the activity's failure fail the workflow (the client sees it in WorkflowFailedError). */
export async function activityThrows(value: unknown): Promise<void> {
  await throwValue(value);
}

/** The ActivityFailure as the workflow code catches it, as plain data. */
export async function catchesActivityFailure(value: unknown, kind: 'remote' | 'local'): Promise<unknown> {
  try {
    await (kind === 'local' ? local.throwValue(value) : throwValue(value));
    return 'no error';
  } catch (err) {
    if (!(err instanceof ActivityFailure)) return `unexpected ${String(err)}`;
    const cause = err.cause as ApplicationFailure;
    return { message: err.message, activityType: err.activityType, activityId: err.activityId, causeMessage: cause.message, causeType: cause.type, details: cause.details };
  }
}

/** Workflow code that throws a non-Error: a bug, so the workflow task fails (and is retried). */
export async function workflowThrows(value: unknown): Promise<void> {
  throw value;
}
