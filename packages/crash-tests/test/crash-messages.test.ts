// Acceptance test "crash test with messages": workflows that are mid-signal, mid-update and
// mid-cancellation when the process is SIGKILLed all finish correctly after a restart, and an
// update accepted before the crash is answered after it.
//
// One child process (src/messages/child.ts) runs the worker AND the clients: only one process may
// open the embedded engine's database, so the child both executes the workflows and sends them
// their signals, updates and cancellations, reading each workflow's history to send only what is
// missing. This test kills it with SIGKILL at random moments (seeded PRNG), restarts it, and
// finally lets a last child finish everything and print every result; then it opens the database
// itself and checks every history.
//
// Workflows (see src/messages/shared.ts), PER_KIND of each: carts (4 addItem signals, each priced
// by an activity, then checkout), steppers (3 updates, each handler an activity plus a durable
// sleep), bookings (2 reserve signals, a hold activity, then a cancel whose cleanup — a
// durable sleep and a release activity — runs in a non-cancellable scope).
//
// Re-run a failing case with CRASH_SEED=<seed printed by the test>; CRASH_KEEP_TMP=1 keeps the
// database and the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { PER_KIND, PROTOCOL_PREFIX, allWorkflowIds, workflowId, type LogLine } from '../src/messages/shared.js';
import { decodePayload, eventsOf, type HistoryEvent } from '../src/common/history.js';
import type { Outcome } from '../src/messages/child.js';
import type { RunnerProcess } from './harness/child-process.js';
import { startCrashRun } from './harness/crash-run.js';
import { createScratchDir } from './harness/scratch-dir.js';
import { assertNotIdle, finalResults, killRunning, randomDelay, runFor } from './harness/kills.js';
import { readRun, withEngineClient } from './harness/engine-client.js';
import { assertCompletedOnce, assertGaplessEventIds, assertStartedOnce, type ActivityCompletion } from './harness/history-checks.js';
import { assertStoredRuns, rowCount, storedRuns, withDatabase } from './harness/db.js';
import { assertAcknowledgedStarts, assertLaunchOrder, completionSourceViolations, executionViolations, executionsByActivity, linesOf, readLog } from './harness/activity-log.js';
import { FORBIDDEN_EVENTS, assertOutcome, assertPlannedHistory } from './messages/workflow-checks.js';
import { messageViolations } from './messages/message-checks.js';
import { killStats, logCoverage, updatesAnsweredAfterCrash } from './messages/kill-coverage.js';

/** Kills always made; more (up to MAX_KILLS) only while a kind of mid-flight kill is still missing. */
const MIN_KILLS = 6;
const MAX_KILLS = 10;
const KILL_DELAY_MIN_MS = 300;
const KILL_DELAY_MAX_MS = 1500;
/** Allowed skew between a log line's time and an engine event time (same clock, ms rounding). */
const CLOCK_SLACK_MS = 2;

const CHILD_SCRIPT = fileURLToPath(new URL('../src/messages/child.js', import.meta.url));
const scratch = createScratchDir('crash-messages');

test('SIGKILL mid-signal, mid-update and mid-cancellation: every workflow finishes exactly as planned', { timeout: 120_000 }, async (t) => {
  const { seed, random, dbPath, logPath, t0, launch } = startCrashRun(t, scratch, { name: 'crash-messages', script: CHILD_SCRIPT, protocolPrefix: PROTOCOL_PREFIX, label: 'child', logFile: 'log.jsonl' });

  // --- the kills: at least MIN_KILLS; more, up to MAX_KILLS, until the log shows that kills cut
  //     through an accepted update, a signal being worked on and a cancellation being cleaned up.
  //     With two workflows of each kind mid-protocol at any moment this nearly always holds after
  //     the first few kills; the bound keeps a freak run from going on forever.
  const children: RunnerProcess[] = [];
  const seen = { update: false, signal: false, cancel: false };
  for (let i = 0; i < MAX_KILLS; i++) {
    const child = launch(i, ...(i === 0 ? ['--start'] : []));
    children.push(child);
    // The first child reports 'ready' after every start was acknowledged: no kill before the workflows exist.
    await child.waitFor('ready');
    child.killDelay = randomDelay(random, KILL_DELAY_MIN_MS, KILL_DELAY_MAX_MS);
    await runFor(child, child.killDelay);
    await killRunning(child);
    assertNotIdle(child);
    const c = logCoverage(readLog<LogLine>(logPath), child.pid);
    seen.update ||= c.update;
    seen.signal ||= c.signal;
    seen.cancel ||= c.cancel;
    if (i + 1 >= MIN_KILLS && seen.update && seen.signal && seen.cancel) break;
  }
  const kills = children.length;

  // --- the final run: it drives everything to the end without pauses and reports ---
  const finalChild = launch(kills, '--final');
  children.push(finalChild);
  const resultsMsg = await finalResults(finalChild, 'the final child');
  const elapsedRun = Date.now() - t0;

  // 1. The final child's view: every result exactly as planned.
  const outcomes = resultsMsg['results'] as Outcome[];
  assert.deepEqual(
    outcomes.map((o) => o.workflowId),
    allWorkflowIds().map((w) => w.id),
    'one outcome per workflow',
  );
  for (const o of outcomes) assertOutcome(o);

  // --- the engine's record, read now that no child holds the database ---
  const histories = new Map<string, HistoryEvent[]>();
  const runIds = new Map<string, string>();
  const activities = new Map<string, ActivityCompletion>();
  await withEngineClient(dbPath, async (client) => {
    for (const { kind, n, id } of allWorkflowIds()) {
      const { description: d, events } = await readRun(client, id);
      histories.set(id, events);
      runIds.set(id, d.runId);
      assert.equal(d.status, kind === 'booking' ? 'CANCELED' : 'COMPLETED', `${id} status`);
      assert.equal(d.pendingActivities.length, 0, `${id} has no pending activities`);

      // 2. One run, started once; event ids without gaps; nothing failed, timed out or was cancelled
      //    except the workflow itself (bookings).
      assertStartedOnce(id, d.runId, events);
      assertGaplessEventIds(id, events);
      const bad = events.filter((e) => FORBIDDEN_EVENTS.has(e.type)).map((e) => `${e.eventId} ${e.type}`);
      assert.deepEqual(bad, [], `${id}: no failure, timeout or cancelled activity/timer`);

      // 3. Every activity completed exactly once, on its first attempt (a crash is not a failed
      //    attempt); every timer fired exactly once.
      assert.equal(eventsOf(events, 'ActivityTaskCompleted').length, eventsOf(events, 'ActivityTaskScheduled').length, `${id}: as many activity completions as schedules`);
      const activityResults = assertCompletedOnce(id, events, activities).map((c) => decodePayload(c.attributes.result));

      // 4. Exactly the messages and the work its kind plans.
      assertPlannedHistory(kind, n, id, events, activityResults);
    }
    await assert.rejects(client.workflow.getHandle(workflowId('cart', PER_KIND)).describe(), { name: 'WorkflowNotFoundError' });
  });

  // 5. No workflow lost or duplicated, no work left behind.
  withDatabase(dbPath, (db) => {
    const runs = storedRuns(db);
    assertStoredRuns(runs, allWorkflowIds().map((w) => w.id), runIds, 'exactly one run per workflow id, and no other ids');
    assert.equal(rowCount(db, 'current_runs'), runs.length, 'one current run per workflow id');
    assert.equal(rowCount(db, 'tasks'), 0, 'no task rows left');
    assert.equal(rowCount(db, 'timers'), 0, 'no timer rows left');
  });

  // --- the log the children and activities wrote ---
  const log = readLog<LogLine>(logPath);
  assertLaunchOrder(log, children, 'every child logged its launch, in order (the children never overlapped)');
  assertAcknowledgedStarts(log, children[0]!, runIds, allWorkflowIds().length, 'workflow');

  // 6. Acknowledged means durable, and the drivers never sent a message twice (see messageViolations).
  // 7. Activities: none started after its completion was recorded, and the completing execution
  //    ended successfully in the process that reported it.
  const executions = executionsByActivity(log);
  const violations = [
    ...messageViolations(log, histories, CLOCK_SLACK_MS),
    ...executionViolations(executions, activities, children, CLOCK_SLACK_MS),
    ...completionSourceViolations(executions, activities, finalChild),
  ];
  assert.deepEqual(violations.slice(0, 30), [], `${violations.length} violation(s)`);

  // 8. The kills landed mid-flight, judged by history times (see killStats).
  const stats = killStats(children, histories, log);
  const reExecuted = linesOf(log, 'activity').filter((l) => l.phase === 'start').length - activities.size;
  const sent = (s: (typeof stats)[number]) => s.signals + s.updAccepted + s.cancels;
  const totalSent = stats.reduce((sum, s) => sum + sent(s), 0);
  console.log(
    `crash-messages: seed ${seed}, ${kills} kills, ${reExecuted} re-executed activity runs, ${sent(stats[kills]!)} of ${totalSent} messages left for the final child, ` +
      `run phase ${elapsedRun} ms (final child ${Date.now() - finalChild.spawnedAt} ms), total ${Date.now() - t0} ms`,
  );
  console.table(stats);

  const finalStats = stats[kills]!;
  assert.ok(finalStats.signals + finalStats.updAccepted + finalStats.updResumed + finalStats.cancels > 0, `messages were still left for the final child, so every kill landed before the end: ${JSON.stringify(finalStats)}`);
  const killedStats = stats.slice(0, kills);
  assert.ok(killedStats.some((s) => s.midSignal > 0), `at least one kill while an acknowledged signal was still being worked on: ${JSON.stringify(killedStats)}`);
  assert.ok(killedStats.some((s) => s.midUpdate > 0), `at least one kill between an update's acceptance and its completion: ${JSON.stringify(killedStats)}`);
  assert.ok(killedStats.some((s) => s.midCancel > 0), `at least one kill between a cancel request and the cancelled close: ${JSON.stringify(killedStats)}`);

  // 9. An update accepted before a crash is answered after it (see updatesAnsweredAfterCrash).
  const answeredAfterCrash = updatesAnsweredAfterCrash(children, kills, histories, log);
  console.log(`crash-messages: ${answeredAfterCrash.length} update(s) accepted before a kill and answered after it, e.g. ${answeredAfterCrash.slice(0, 3).join('; ')}`);
  assert.ok(answeredAfterCrash.length > 0, 'at least one update accepted before a kill was answered (by update id) after the restart');
});
