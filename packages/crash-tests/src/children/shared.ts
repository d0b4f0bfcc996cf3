// Constants, ids and expected values shared by the child-workflow crash test
// (test/crash-children.test.ts), its workflows, activities and worker process. Pure code: it is
// also bundled into the workflow sandbox.
//
// Two kinds of parent workflow, all started by the first worker process:
//   family-<n>   runs `prepare`, then starts child family-<n>/child-0 (startChild) and, once that
//                one has started, child family-<n>/child-1 (executeChild); each child runs the
//                activity `childWork` and a durable sleep and returns; the parent awaits both and
//                returns a combination of the three results.
//   closer-<p>-<n>  (p: TERMINATE, REQUEST_CANCEL, ABANDON) starts child closer-<p>-<n>/child with
//                parentClosePolicy p, runs the activity `closerWork` and returns, leaving the child
//                behind: TERMINATE and REQUEST_CANCEL children wait (a long durable sleep) until the
//                parent's close reaches them — the first ends TERMINATED, the second cleans up (an
//                activity) and ends CANCELED; an ABANDON child works (an activity and a sleep)
//                and completes on its own, after its parent closed.
import type { RunnerLogLine } from '../common/log-lines.js';

export const TASK_QUEUE = 'crash-children';
/** Prefix of the lines the worker process prints on stdout for the test to read. */
export const PROTOCOL_PREFIX = '@@kids ';

export const FAMILIES = 30;
export const CHILDREN_PER_FAMILY = 2;
export const POLICIES = ['TERMINATE', 'REQUEST_CANCEL', 'ABANDON'] as const;
export type Policy = (typeof POLICIES)[number];
export const CLOSERS_PER_POLICY = 2;

/** The durable sleep of each family child (after its activity). */
export const CHILD_SLEEP_MS = 150;
/** The durable sleep of an ABANDON child: long enough that its parent closes first. */
export const ABANDONED_SLEEP_MS = 800;
/** What TERMINATE and REQUEST_CANCEL children sleep: until their parent's close reaches them. */
export const WAIT_FOREVER = '1 hour';

export function familyId(n: number): string {
  return `family-${n}`;
}
export function childId(n: number, k: number): string {
  return `${familyId(n)}/child-${k}`;
}
export function closerId(policy: Policy, n: number): string {
  return `closer-${policy}-${n}`;
}
export function closerChildId(policy: Policy, n: number): string {
  return `${closerId(policy, n)}/child`;
}

export type Top = { kind: 'family'; n: number; id: string } | { kind: 'closer'; policy: Policy; n: number; id: string };

/** Every workflow the test starts itself (the parents), in start order. */
export function allParents(): Top[] {
  return [
    ...Array.from({ length: FAMILIES }, (_, n): Top => ({ kind: 'family', n, id: familyId(n) })),
    ...POLICIES.flatMap((policy) => Array.from({ length: CLOSERS_PER_POLICY }, (_, n): Top => ({ kind: 'closer', policy, n, id: closerId(policy, n) }))),
  ];
}

/**
 * Every child workflow id, with what it belongs to: `n` is its parent's number; `family` (= n) is
 * set for a family child (number k of its family), `policy` for a closer's child.
 */
export function allChildren(): { parentId: string; childId: string; n: number; k: number; family?: number; policy?: Policy }[] {
  return [
    ...Array.from({ length: FAMILIES }, (_, n) => Array.from({ length: CHILDREN_PER_FAMILY }, (_, k) => ({ parentId: familyId(n), childId: childId(n, k), n, k, family: n }))).flat(),
    ...POLICIES.flatMap((policy) => Array.from({ length: CLOSERS_PER_POLICY }, (_, n) => ({ parentId: closerId(policy, n), childId: closerChildId(policy, n), n, k: 0, policy }))),
  ];
}

// --- expected values ---
export function prepared(n: number): string {
  return `prep-${n}`;
}
export function childValue(n: number, k: number): string {
  return `w${n}.${k}:${(n * 7 + k * 3) % 11}`;
}
/** What family child k of family n returns. */
export function expectedChildResult(n: number, k: number): string {
  return `${childId(n, k)}=${childValue(n, k)}`;
}
export function expectedFamilyResult(n: number): string {
  return [familyId(n), prepared(n), ...Array.from({ length: CHILDREN_PER_FAMILY }, (_, k) => expectedChildResult(n, k))].join('|');
}
export function closerValue(policy: Policy, n: number): string {
  return `closed-${policy}-${n}`;
}
export function expectedCloserResult(policy: Policy, n: number): string {
  return `${closerId(policy, n)}|${closerValue(policy, n)}`;
}
export function abandonedValue(n: number): string {
  return `abandoned-${n}`;
}
export function cleanupValue(n: number): string {
  return `cleaned-${n}`;
}
/** What the ABANDON child of closer n returns, completing on its own. */
export function expectedAbandonedResult(n: number): string {
  return `${closerChildId('ABANDON', n)}=${abandonedValue(n)}`;
}

/** How long each activity works while being killed; the final process runs them 10× faster. */
export const ACTIVITY_MS = { prepare: 250, childWork: 300, closerWork: 250, abandonedWork: 250, cleanup: 200 } as const;

/** One line of the log the worker processes and the activities append to (appendFileSync: survives SIGKILL). */
export type LogLine = RunnerLogLine;
