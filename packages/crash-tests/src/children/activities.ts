// Activities of the child-workflow crash test. Each execution logs its start and end (see
// common/logged-activity.ts).
import { timedActivities } from '../common/logged-activity.js';
import { ACTIVITY_MS, abandonedValue, childValue, cleanupValue, closerValue, prepared, type Policy } from './shared.js';

/** The activities, logging to `logPath`; `speed` divides their working time. */
export function createActivities(logPath: string, speed: number) {
  return timedActivities(logPath, ACTIVITY_MS, speed, {
    prepare: (n: number) => prepared(n),
    childWork: (n: number, k: number) => childValue(n, k),
    closerWork: (policy: Policy, n: number) => closerValue(policy, n),
    abandonedWork: (n: number) => abandonedValue(n),
    cleanup: (n: number) => cleanupValue(n),
  });
}

export type ChildrenActivities = ReturnType<typeof createActivities>;
