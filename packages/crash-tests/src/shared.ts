// Constants and expected values shared by the crash-test workflow, its activities, the worker
// fixture and the test. Pure code: it is also bundled into the workflow sandbox.
import type { RunnerLogLine } from './common/log-lines.js';

export const TASK_QUEUE = 'crash-tests';
export const WORKFLOW_COUNT = 50;
/** Prefix of the lines the worker fixture prints on stdout for the test to read. */
export const PROTOCOL_PREFIX = '@@crash ';

export function workflowId(n: number): string {
  return `crash-${n}`;
}

/** The sleep of workflow n: 300–800 ms, so the runs drift out of step with each other. */
export function sleepMs(n: number): number {
  return 300 + (n % 6) * 100;
}

/** How long activity `step` (1..4) of workflow n works: 30–110 ms. */
export function activityMs(n: number, step: number): number {
  return 30 + ((n * 37 + step * 53) % 81);
}

/** The attempt on which the retrying activity first succeeds. */
export const FLAKY_SUCCEEDS_ON = 3;

/** What workflow n must return (see workflows.ts: stepOne → stepTwo → sleep → stepThree → flaky). */
export function expectedResult(n: number): string {
  return `crash-${n}:v${n * 3 + 1000}!`;
}

/** Activity types in the order each workflow schedules them. */
export const ACTIVITY_ORDER = ['stepOne', 'stepTwo', 'stepThree', 'flaky'] as const;

/** One line of the execution log the activities and the worker fixture append to. */
export type LogLine = RunnerLogLine;
