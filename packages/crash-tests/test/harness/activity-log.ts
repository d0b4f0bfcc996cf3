// Reading the execution log the runner processes and activities write (src/common/log-lines.ts),
// and the checks every crash test makes of it against the engine's record.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { ActivityLine, RunnerLogLine } from '../../src/common/log-lines.js';
import type { RunnerProcess } from './child-process.js';
import type { ActivityCompletion } from './history-checks.js';

/** Every line so far ([] before the first launch wrote one). A line that is not JSON is a torn write. */
export function readLog<L extends { kind: string }>(logPath: string): L[] {
  if (!existsSync(logPath)) return [];
  return readFileSync(logPath, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as L;
      } catch {
        throw new Error(`log line ${i + 1} is not JSON (torn write?): ${l}`);
      }
    });
}

export function linesOf<L extends { kind: string }, K extends L['kind']>(log: readonly L[], kind: K): Extract<L, { kind: K }>[] {
  return log.filter((l): l is Extract<L, { kind: K }> => l.kind === kind);
}

/** Any test's log: the lines every runner writes, among others. */
type Log = readonly { kind: string }[];
/** The lines of a kind every runner writes, from any test's log. */
function runnerLines<K extends RunnerLogLine['kind']>(log: Log, kind: K): Extract<RunnerLogLine, { kind: K }>[] {
  return linesOf(log as readonly RunnerLogLine[], kind);
}

/** Every process logged its launch, in launch order: `message` says so. */
export function assertLaunchOrder(log: Log, processes: readonly RunnerProcess[], message: string): void {
  assert.deepEqual(
    runnerLines(log, 'launch').map((l) => l.pid),
    processes.map((p) => p.pid),
    message,
  );
}

/** Each of `expected` workflows (`what`s) was started once, by the first launch, as the run that exists now. */
export function assertAcknowledgedStarts(log: Log, first: RunnerProcess, runIds: ReadonlyMap<string, string>, expected: number, what: string): void {
  const starts = runnerLines(log, 'wf-start');
  assert.equal(starts.length, expected, `one acknowledged start per ${what}`);
  for (const s of starts) {
    assert.equal(s.pid, first.pid, `${s.workflowId} was started by the first ${first.label}`);
    assert.equal(s.runId, runIds.get(s.workflowId), `${s.workflowId}: the acknowledged run is the run that finished`);
  }
}

/** An activity log line and its index in the log. */
export type Execution = ActivityLine & { line: number };

/** The activity lines by `<workflowId>/<activityId>`, in log order. */
export function executionsByActivity(log: Log): Map<string, Execution[]> {
  const executions = new Map<string, Execution[]>();
  (log as readonly RunnerLogLine[]).forEach((l, line) => {
    if (l.kind !== 'activity') return;
    const key = `${l.workflowId}/${l.activityId}`;
    let list = executions.get(key);
    if (!list) executions.set(key, (list = []));
    list.push({ ...l, line });
  });
  return executions;
}

/**
 * The executions against history, as every crash test checks them. An execution may be repeated
 * only while its completion was not yet recorded (at-least-once), never after: nothing started
 * after the completion was recorded (`clockSlackMs`: allowed skew between a log line and an event
 * time). And every completed activity was executed, by one of the launched processes; nothing ran
 * that no history knows. Returns the violations.
 */
export function executionViolations(
  executions: ReadonlyMap<string, readonly Execution[]>,
  completions: ReadonlyMap<string, ActivityCompletion>,
  launched: readonly RunnerProcess[],
  clockSlackMs: number,
): string[] {
  const violations: string[] = [];
  const pids = launched.map((p) => p.pid);
  for (const key of executions.keys()) if (!completions.has(key)) violations.push(`${key}: executed but not in any history`);
  for (const [key, a] of completions) {
    const starts = (executions.get(key) ?? []).filter((e) => e.phase === 'start');
    if (starts.length === 0) {
      violations.push(`${key}: completed in history but never executed`);
      continue;
    }
    for (const s of starts) {
      if (s.time > a.completedTime + clockSlackMs) {
        violations.push(`${key} (${a.activityType}): attempt ${s.attempt} started at ${s.time} by pid ${s.pid}, ${s.time - a.completedTime} ms AFTER its completion was recorded at ${a.completedTime}`);
      }
    }
    if (!pids.includes(a.completedBy)) violations.push(`${key}: completed by identity ${a.completedIdentity}, not one of the launched processes ${pids.join(', ')}`);
  }
  return violations;
}

/**
 * Where each completion came from: its completer logged a successful end, and the final launch
 * (never killed) started each activity at most once. Returns the violations.
 */
export function completionSourceViolations(executions: ReadonlyMap<string, readonly Execution[]>, completions: ReadonlyMap<string, ActivityCompletion>, final: RunnerProcess): string[] {
  const violations: string[] = [];
  for (const [key, a] of completions) {
    const list = executions.get(key) ?? [];
    if (!list.some((e) => e.phase === 'end' && e.ok && e.pid === a.completedBy)) violations.push(`${key}: no successful end logged by its completer pid ${a.completedBy}`);
    const finalStarts = list.filter((e) => e.phase === 'start' && e.pid === final.pid).length;
    if (finalStarts > 1) violations.push(`${key}: started ${finalStarts} times by the final ${final.label}`);
  }
  return violations;
}

/** The activity executions process `pid` began; `endOf` finds the end it logged for one, if any (a kill cuts off the rest). */
export function executionsBegunBy(log: Log, pid: number) {
  const mine = runnerLines(log, 'activity').filter((l) => l.pid === pid);
  const begun = mine.filter((l) => l.phase === 'start');
  const endOf = (s: ActivityLine) => mine.find((e) => e.phase === 'end' && e.workflowId === s.workflowId && e.activityId === s.activityId && e.attempt === s.attempt);
  return { begun, endOf, interrupted: begun.filter((s) => !endOf(s)).length };
}
