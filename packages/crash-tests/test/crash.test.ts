// Acceptance test "crash test with real processes": a worker process running 50 workflows (each:
// three activities, a durable sleep, and an activity that fails twice before it succeeds) is
// killed with SIGKILL at random points several times. After a final restart every workflow
// completes with the right result, no completed activity runs again, and no workflow is lost or
// duplicated.
//
// Only one process may open the database at a time, so the children run strictly one after the
// other, and the test itself opens the database only once the last child has exited.
//
// Randomness is only in the kill timing; it comes from a seeded PRNG. Re-run a failing case with
// CRASH_SEED=<seed printed by the test>.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ACTIVITY_ORDER, FLAKY_SUCCEEDS_ON, PROTOCOL_PREFIX, WORKFLOW_COUNT, expectedResult, sleepMs, workflowId, type LogLine } from '../src/shared.js';
import type { Outcome } from '../src/crash-worker.js';
import { eventsOf } from '../src/common/history.js';
import type { RunnerProcess } from './harness/child-process.js';
import { startCrashRun } from './harness/crash-run.js';
import { createScratchDir } from './harness/scratch-dir.js';
import { finalResults, killRunning, randomDelay, runFor } from './harness/kills.js';
import { withEngineClient, readRun } from './harness/engine-client.js';
import { assertCompletedOnce, assertGaplessEventIds, type ActivityCompletion } from './harness/history-checks.js';
import { assertStoredRuns, rowCount, storedRuns, withDatabase } from './harness/db.js';
import { assertAcknowledgedStarts, assertLaunchOrder, executionViolations, executionsBegunBy, executionsByActivity, readLog } from './harness/activity-log.js';
import { exactlyOnceViolations } from './crash/execution-checks.js';

const KILLS = 6;
/**
 * Kills that must cut off an activity execution. Each killed child keeps 2 running nearly all the
 * time, so almost every kill does; the rest land while both are reporting their results.
 */
const MIN_MID_ACTIVITY_KILLS = 3;
const KILL_DELAY_MIN_MS = 300;
const KILL_DELAY_MAX_MS = 1500;
/** Allowed clock skew between an activity's log line and the engine's event time (same clock). */
const CLOCK_SLACK_MS = 2;

const WORKER_SCRIPT = fileURLToPath(new URL('../src/crash-worker.js', import.meta.url));
const scratch = createScratchDir('crash');

test('worker SIGKILLed at random points: every workflow completes exactly once, no completed activity re-runs', { timeout: 120_000 }, async (t) => {
  const { seed, random, dbPath, logPath, t0, launch } = startCrashRun(t, scratch, { name: 'crash test', script: WORKER_SCRIPT, protocolPrefix: PROTOCOL_PREFIX, label: 'child', logFile: 'executions.jsonl' });

  // --- the kills ---
  const children: RunnerProcess[] = [];
  for (let i = 0; i < KILLS; i++) {
    const child = launch(i, ...(i === 0 ? ['--start'] : []));
    children.push(child);
    // The first launch starts the workflows: count its delay from the acknowledged starts, so a
    // kill cannot land before a workflow exists (an unacknowledged start is not a lost workflow).
    await child.waitFor(i === 0 ? 'started' : 'ready');
    child.killDelay = randomDelay(random, KILL_DELAY_MIN_MS, KILL_DELAY_MAX_MS);
    await runFor(child, child.killDelay);
    await killRunning(child);
  }

  // --- the final run: it waits for every result itself, then shuts down cleanly ---
  const finalChild = launch(KILLS, '--final');
  children.push(finalChild);
  const resultsMsg = await finalResults(finalChild, 'the final worker');
  const elapsedRun = Date.now() - t0;

  // 1. Every workflow completed with its exact result (as the final worker saw it).
  const outcomes = resultsMsg['results'] as Outcome[];
  assert.equal(outcomes.length, WORKFLOW_COUNT);
  for (let n = 0; n < WORKFLOW_COUNT; n++) {
    assert.deepEqual(outcomes[n], { workflowId: workflowId(n), ok: true, result: expectedResult(n) }, `result of ${workflowId(n)}`);
  }

  // --- the engine's own record, read by this process now that no child holds the file ---
  const runIds = new Map<string, string>();
  const activities = new Map<string, ActivityCompletion>();
  await withEngineClient(dbPath, async (client) => {
    for (let n = 0; n < WORKFLOW_COUNT; n++) {
      const id = workflowId(n);
      const { handle, description: d, events } = await readRun(client, id);
      assert.equal(d.status, 'COMPLETED', `${id} status`);
      assert.equal(d.pendingActivities.length, 0, `${id} has no pending activities`);
      assert.equal(await handle.result(), expectedResult(n), `${id} result`);
      runIds.set(id, d.runId);

      // 2. One run, started once: the first event names this run as its own first run.
      const first = events[0];
      assert.ok(first?.type === 'WorkflowExecutionStarted', `${id}: history starts with WorkflowExecutionStarted`);
      assert.equal(first.attributes.firstRunId, d.runId, `${id}: run ${d.runId} is the first run of its chain`);
      assert.equal(first.attributes.continuedFromRunId, undefined, `${id}: not continued from another run`);
      assert.equal(first.attributes.attempt, 1, `${id}: workflow attempt`);
      assertGaplessEventIds(id, events);

      // 3. The history is exactly the workflow's script: each activity scheduled and completed
      //    once, one timer started and fired once, one completion. Nothing failed or timed out.
      const script = events.filter((e) => e.type !== 'WorkflowTaskCompleted').map((e) => e.type);
      assert.deepEqual(
        script,
        [
          'WorkflowExecutionStarted',
          'ActivityTaskScheduled', 'ActivityTaskCompleted',
          'ActivityTaskScheduled', 'ActivityTaskCompleted',
          'TimerStarted', 'TimerFired',
          'ActivityTaskScheduled', 'ActivityTaskCompleted',
          'ActivityTaskScheduled', 'ActivityTaskCompleted',
          'WorkflowExecutionCompleted',
        ],
        `${id}: history event sequence`,
      );
      const scheduled = eventsOf(events, 'ActivityTaskScheduled');
      assert.deepEqual(scheduled.map((e) => e.attributes.activityType), [...ACTIVITY_ORDER], `${id}: activity order`);
      assertCompletedOnce(id, events, activities, (type) => (type === 'flaky' ? FLAKY_SUCCEEDS_ON : 1));
      const started = eventsOf(events, 'TimerStarted');
      const fired = eventsOf(events, 'TimerFired');
      assert.equal(started.length, 1, `${id}: one TimerStarted`);
      assert.equal(fired.length, 1, `${id}: one TimerFired`);
      const ts = started[0]!;
      const tf = fired[0]!;
      assert.equal(tf.attributes.seq, ts.attributes.seq, `${id}: the fired timer is the started one`);
      assert.equal(ts.attributes.durationMs, sleepMs(n), `${id}: sleep duration`);
      assert.ok(tf.eventTime >= ts.attributes.fireAt, `${id}: timer fired at ${tf.eventTime}, before its due time ${ts.attributes.fireAt}`);
    }
    // Nothing answers for ids that were never started.
    await assert.rejects(client.workflow.getHandle(workflowId(WORKFLOW_COUNT)).describe(), { name: 'WorkflowNotFoundError' });
  });

  // 4. No workflow lost or duplicated, and no work left behind: the raw tables hold exactly the
  //    50 runs (one per id, the ones the API reported), and no task or timer remains.
  withDatabase(dbPath, (db) => {
    const runs = storedRuns(db);
    const ids = Array.from({ length: WORKFLOW_COUNT }, (_, n) => workflowId(n));
    assertStoredRuns(runs, ids, runIds, 'exactly one run per workflow id, and no other workflow ids');
    for (const r of runs) assert.equal(r.status, 'COMPLETED', `${r.id}: stored status`);
    assert.equal(rowCount(db, 'current_runs'), WORKFLOW_COUNT, 'one current run per workflow id');
    assert.equal(rowCount(db, 'tasks'), 0, 'no task rows left after every workflow closed');
    assert.equal(rowCount(db, 'timers'), 0, 'no timer rows left after every workflow closed');
  });

  // --- the execution log written by the activities ---
  const log = readLog<LogLine>(logPath);
  assertLaunchOrder(log, children, 'every launched child logged its launch, in order (the children never overlapped)');

  // 5. Each workflow was started exactly once, by the first child, as the run that exists now.
  assertAcknowledgedStarts(log, children[0]!, runIds, WORKFLOW_COUNT, 'workflow');

  // 6. Activity executions against the history. An execution may be repeated only if it had not
  //    been recorded as completed (at-least-once), never after.
  const executions = executionsByActivity(log);
  const violations = [...executionViolations(executions, activities, children, CLOCK_SLACK_MS), ...exactlyOnceViolations(executions, activities, finalChild, CLOCK_SLACK_MS)];
  assert.deepEqual(violations.slice(0, 30), [], `${violations.length} violation(s) of exactly-once completion`);
  // Executions beyond the planned ones: repeats of work a kill interrupted (or whose result a
  // kill kept from being recorded).
  let reExecutions = 0;
  for (const [key, a] of activities) {
    const starts = (executions.get(key) ?? []).filter((e) => e.phase === 'start').length;
    if (starts > 0) reExecutions += starts - (a.activityType === 'flaky' ? FLAKY_SUCCEEDS_ON : 1);
  }

  // 7. The kills really landed mid-flight. Per child: the activity executions it began, how many
  //    a kill cut off before they ended, and how many ended but were recorded only from a later
  //    child's re-execution (the kill came between the end and the durable completion).
  const stats = children.map((c) => {
    const { begun, endOf, interrupted } = executionsBegunBy(log, c.pid);
    const unrecorded = begun.filter((s) => endOf(s)?.ok === true && activities.get(`${s.workflowId}/${s.activityId}`)?.completedBy !== c.pid).length;
    return { child: c.index, pid: c.pid, killAfterMs: c.killDelay ?? null, started: begun.length, interrupted, unrecorded };
  });
  console.log(`crash test: seed ${seed}, ${KILLS} kills, ${reExecutions} re-executed activity runs, run phase ${elapsedRun} ms, total ${Date.now() - t0} ms`);
  console.table(stats);
  const killed = stats.slice(0, KILLS);
  // Workflows only move forward, so work left for the final child means every workflow that
  // final child touched was open at every kill.
  assert.ok(stats[KILLS]!.started > 0, `work was still left for the final worker, so the last kill landed before the end: ${JSON.stringify(stats)}`);
  assert.ok(killed.every((s) => s.started > 0), `every killed worker was running activities before it was killed: ${JSON.stringify(killed)}`);
  const midActivity = killed.filter((s) => s.interrupted > 0).length;
  assert.ok(
    midActivity >= MIN_MID_ACTIVITY_KILLS,
    `expected at least ${MIN_MID_ACTIVITY_KILLS} of the ${KILLS} kills to cut off running activity executions, got ${midActivity}: ${JSON.stringify(killed)}`,
  );
});
