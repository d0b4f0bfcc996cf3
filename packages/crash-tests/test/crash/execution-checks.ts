// The crash test's own checks of the activity executions, beyond the ones every crash test makes
// (harness/activity-log.ts): its activities are simple enough to pin down each execution.
import { FLAKY_SUCCEEDS_ON } from '../../src/shared.js';
import type { Execution } from '../harness/activity-log.js';
import type { RunnerProcess } from '../harness/child-process.js';
import type { ActivityCompletion } from '../harness/history-checks.js';

/**
 * (b) The completion came from the last execution, which ran in the process that reported it and
 * ended successfully before the completion was recorded; (c) no attempt ran twice in one process;
 * (d) only the retrying activity ran attempts > 1, and its early attempts failed as planned;
 * (e) every execution the final launch (never killed) began also ended. Returns the violations.
 */
export function exactlyOnceViolations(
  executions: ReadonlyMap<string, readonly Execution[]>,
  completions: ReadonlyMap<string, ActivityCompletion>,
  final: RunnerProcess,
  clockSlackMs: number,
): string[] {
  const violations: string[] = [];
  for (const [key, a] of completions) {
    const list = executions.get(key) ?? [];
    const starts = list.filter((e) => e.phase === 'start');
    const ends = list.filter((e) => e.phase === 'end');
    if (starts.length === 0) continue; // never executed: executionViolations reports it
    // (b)
    const last = starts[starts.length - 1]!;
    if (last.pid !== a.completedBy || last.attempt !== a.completedAttempt) {
      violations.push(`${key}: last execution (pid ${last.pid}, attempt ${last.attempt}) is not the one history recorded as completing (pid ${a.completedBy}, attempt ${a.completedAttempt})`);
    }
    const lastEnd = ends.find((e) => e.line > last.line && e.pid === last.pid && e.attempt === last.attempt);
    if (!lastEnd?.ok) violations.push(`${key}: the completing execution did not log a successful end`);
    else if (lastEnd.time > a.completedTime + clockSlackMs) violations.push(`${key}: completion recorded at ${a.completedTime}, before the execution ended at ${lastEnd.time}`);
    // (c) No double dispatch.
    const seen = new Set<string>();
    for (const s of starts) {
      const k = `${s.pid}#${s.attempt}`;
      if (seen.has(k)) violations.push(`${key}: attempt ${s.attempt} started twice in pid ${s.pid}`);
      seen.add(k);
    }
    // (d) A crash is not a failed attempt.
    const maxAttempt = Math.max(...starts.map((s) => s.attempt));
    if (a.activityType === 'flaky') {
      if (maxAttempt !== FLAKY_SUCCEEDS_ON) violations.push(`${key}: retrying activity reached attempt ${maxAttempt}, expected ${FLAKY_SUCCEEDS_ON}`);
      for (let attempt = 1; attempt < FLAKY_SUCCEEDS_ON; attempt++) {
        if (!ends.some((e) => e.attempt === attempt && e.ok === false)) violations.push(`${key}: no failed execution of attempt ${attempt} logged`);
      }
      if (ends.some((e) => e.ok === true && e.attempt < FLAKY_SUCCEEDS_ON)) violations.push(`${key}: an early attempt succeeded`);
    } else if (maxAttempt !== 1) {
      violations.push(`${key}: ${a.activityType} ran attempt ${maxAttempt}, but it never fails`);
    }
  }
  // (e) The final launch exited cleanly.
  for (const [key, list] of executions) {
    for (const s of list.filter((e) => e.phase === 'start' && e.pid === final.pid)) {
      if (!list.some((e) => e.phase === 'end' && e.pid === final.pid && e.attempt === s.attempt && e.line > s.line)) {
        violations.push(`${key}: attempt ${s.attempt} began in the final worker and never ended`);
      }
    }
  }
  return violations;
}
