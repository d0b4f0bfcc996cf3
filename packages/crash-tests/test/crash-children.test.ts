// Acceptance test "crash test with child workflows": workflows that are mid-child when the
// process is SIGKILLed all finish correctly after a restart.
//
// One worker process (src/children/runner.ts) runs the worker on the embedded engine; the first
// launch also starts the parents. This test kills it with SIGKILL at random moments (seeded PRNG),
// restarts it, and finally lets a last launch finish everything and report every outcome; then it
// opens the database itself and checks every history.
//
// Workflows (see src/children/shared.ts): FAMILIES parents that each prepare (an activity), then
// start two children one after the other (deterministic ids family-<n>/child-<k>; each child runs
// an activity and a durable sleep) and return a combination of the three results; and "closers"
// that start one child under parentClosePolicy TERMINATE, REQUEST_CANCEL or ABANDON and close at
// once, leaving the child to be terminated, cancelled (it cleans up), or to complete on its own.
//
// A child start is a durable effect (timer row fx:child-start:<seq> on the parent) carried out
// after the parent's StartChildWorkflowExecutionInitiated commit; a child's close reaches its
// parent through fx:notify-parent; a closing parent reaches its children through
// fx:close-child:<seq>. Those windows last a few milliseconds, so random kills rarely land in them:
// every other kill chases one instead. The worker process follows the histories and announces
// each window as it opens (see runner.ts); after a seeded random delay a chasing kill waits for the
// next announcement of a kind no kill has cut through yet and kills at once (within a millisecond
// or two). After each kill the test copies the database and reads what the kill cut through
// (which effects were pending, which children were open); at the end it judges the same by event
// times against kill times, and both must agree.
//
// Re-run a failing case with CRASH_SEED=<seed printed by the test> (the kill delays repeat; what
// they hit depends on timing); CRASH_KEEP_TMP=1 keeps the database, the copy taken after each kill
// and the log. In the table, `chased` reads "<window> <event time>/+<announced after>/+<killed after>"
// (ms since the test began), and `snap` reads what the copy showed: "i<children initiated, not
// started>/r<of which the child run existed> o<family children open> u<closed, parent not told>
// fx:<child-start>/<notify-parent>/<close-child effect rows>".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_PREFIX, TASK_QUEUE, allChildren, allParents, type LogLine } from '../src/children/shared.js';
import type { Outcome } from '../src/children/runner.js';
import { CLOSE_TYPES, eventsOf, type HistoryEvent } from '../src/common/history.js';
import type { RunnerProcess } from './harness/child-process.js';
import { startCrashRun } from './harness/crash-run.js';
import { createScratchDir } from './harness/scratch-dir.js';
import { assertNotIdle, finalResults, killRunning, randomDelay, runFor } from './harness/kills.js';
import { readRun, withEngineClient } from './harness/engine-client.js';
import { assertCompletedOnce, assertGaplessEventIds, assertStartedOnce, type ActivityCompletion } from './harness/history-checks.js';
import { assertStoredRuns, rowCount, storedRuns, withDatabase } from './harness/db.js';
import { assertAcknowledgedStarts, assertLaunchOrder, completionSourceViolations, executionViolations, executionsByActivity, linesOf, readLog } from './harness/activity-log.js';
import { WINDOWS, snapshotAfterKill, windowHit, type KillSnapshot, type Window } from './children/kill-snapshot.js';
import { FORBIDDEN_EVENTS, assertChildHistory, assertOutcomes, assertParentHistory } from './children/workflow-checks.js';
import { killStats, type Chase } from './children/kill-stats.js';

/** Kills always made; more (up to MAX_KILLS) only while a kind of mid-child kill is still missing. */
const MIN_KILLS = 6;
const MAX_KILLS = 10;
const KILL_DELAY_MIN_MS = 300;
const KILL_DELAY_MAX_MS = 1500;
/** A chasing kill waits KILL_DELAY_MIN_MS..CHASE_DELAY_MAX_MS, then up to CHASE_WAIT_MS for a window. */
const CHASE_DELAY_MAX_MS = 1000;
const CHASE_WAIT_MS = 1000;

const RUNNER_SCRIPT = fileURLToPath(new URL('../src/children/runner.js', import.meta.url));
const scratch = createScratchDir('crash-children');

test('SIGKILL mid-child: every parent and child workflow finishes exactly as planned', { timeout: 120_000 }, async (t) => {
  const { seed, random, dbPath, logPath, t0, launch } = startCrashRun(t, scratch, { name: 'crash-children', script: RUNNER_SCRIPT, protocolPrefix: PROTOCOL_PREFIX, label: 'launch', logFile: 'log.jsonl' });

  // --- the kills: MIN_KILLS of them, half at random moments and half chasing a narrow window; up
  //     to MAX_KILLS while no kill has yet cut through a child start (initiated, not started) or a
  //     child's close on its way to its parent, as the copy of the database taken after each kill
  //     shows. Open children (started, not yet closed in the parent) are found by nearly every kill.
  const launches: RunnerProcess[] = [];
  const chases = new Map<RunnerProcess, Chase>();
  const snapshots: KillSnapshot[] = [];
  const hit = (w: Window) => windowHit(snapshots, w);
  for (let i = 0; i < MAX_KILLS; i++) {
    const current = launch(i, ...(i === 0 ? ['--start'] : []));
    launches.push(current);
    // The first launch reports 'ready' after every start was acknowledged: no kill before the parents exist.
    await current.waitFor('ready');
    // Even kills come at a random moment. Odd ones, and any beyond MIN_KILLS, chase: after a
    // random delay they wait for the next narrow window the launch announces (of a kind no kill
    // has cut through yet, if any is left) and kill at once — or give up waiting and kill anyway.
    const chase = i % 2 === 1 || i >= MIN_KILLS;
    current.killDelay = randomDelay(random, KILL_DELAY_MIN_MS, chase ? CHASE_DELAY_MAX_MS : KILL_DELAY_MAX_MS);
    await runFor(current, current.killDelay);
    if (chase) {
      const missing = WINDOWS.filter((w) => !hit(w));
      const wanted = new Set<string>(missing.length > 0 ? missing : WINDOWS);
      const w = await current.nextMessage((m) => m.type === 'window' && wanted.has(String(m['window'])), current.messages.length, CHASE_WAIT_MS);
      if (w) chases.set(current, { window: String(w['window']), workflowId: String(w['workflowId']), eventTime: Number(w['eventTime']), seenAt: Number(w['time']), killedAt: Date.now() });
    }
    await killRunning(current);
    assertNotIdle(current);
    snapshots.push(snapshotAfterKill(dbPath, join(scratch.path, `snapshot-${i}`), scratch.keep));
    if (i + 1 >= MIN_KILLS && snapshots.some((s) => s.open > 0) && (hit('initiated') || hit('untold'))) break;
  }
  const kills = launches.length;

  // --- the final run: it finishes everything and reports ---
  const finalLaunch = launch(kills, '--final');
  launches.push(finalLaunch);
  const resultsMsg = await finalResults(finalLaunch, 'the final launch');
  const elapsedRun = Date.now() - t0;

  // 1. The final launch's view: every parent's result exactly right, every child's outcome as planned.
  const outcome = assertOutcomes(resultsMsg['results'] as Outcome[]);

  // --- the engine's record, read now that no process holds the database ---
  const histories = new Map<string, HistoryEvent[]>();
  const runIds = new Map<string, string>();
  const activities = new Map<string, ActivityCompletion>();
  await withEngineClient(dbPath, async (client) => {
    for (const id of [...allParents().map((p) => p.id), ...allChildren().map((c) => c.childId)]) {
      const { description: d, events } = await readRun(client, id);
      histories.set(id, events);
      runIds.set(id, d.runId);
      assert.equal(d.status, outcome(id).status, `${id}: status`);

      // 2. One run per id, started once; gapless history; no failure, timeout or refused start.
      assertStartedOnce(id, d.runId, events);
      assert.equal(events[0].attributes.taskQueue, TASK_QUEUE, `${id}: task queue`);
      assert.equal(eventsOf(events, 'WorkflowExecutionStarted').length, 1, `${id}: exactly one WorkflowExecutionStarted`);
      assertGaplessEventIds(id, events);
      const bad = events.filter((e) => FORBIDDEN_EVENTS.has(e.type)).map((e) => `${e.eventId} ${e.type}`);
      assert.deepEqual(bad, [], `${id}: no failed, timed-out or cancelled activity, no failed or refused start`);
      assert.ok(CLOSE_TYPES.has(events[events.length - 1]!.type), `${id}: history ends with its close`);
      assert.equal(events.filter((e) => CLOSE_TYPES.has(e.type)).length, 1, `${id}: closed once`);

      // 3. Every activity completed exactly once, on its first attempt (a crash is not a failed
      //    attempt).
      assert.equal(eventsOf(events, 'ActivityTaskCompleted').length, eventsOf(events, 'ActivityTaskScheduled').length, `${id}: as many activity completions as schedules`);
      assertCompletedOnce(id, events, activities);
    }
  });

  // 4., 5. The parents' and the children's histories (see workflow-checks.ts).
  for (const p of allParents()) assertParentHistory(p, histories, runIds);
  for (const c of allChildren()) assertChildHistory(c, histories);

  // 6. No workflow lost or started twice, no work left behind.
  withDatabase(dbPath, (db) => {
    const runs = storedRuns(db);
    const ids = [...allParents().map((p) => p.id), ...allChildren().map((c) => c.childId)];
    assertStoredRuns(runs, ids, runIds, 'exactly one run per parent and per child id (no child started twice), and no other ids');
    assert.equal(rowCount(db, 'current_runs'), runs.length, 'one current run per workflow id');
    assert.deepEqual(db.prepare('SELECT workflow_id, task_id FROM tasks').all(), [], 'no task rows left');
    assert.deepEqual(db.prepare('SELECT workflow_id, timer_id FROM timers').all(), [], 'no timer rows left (no effect left undone)');
  });

  // --- the log the launches and the activities wrote ---
  const log = readLog<LogLine>(logPath);
  assertLaunchOrder(log, launches, 'every launch logged itself, in order (the launches never overlapped)');
  assertAcknowledgedStarts(log, launches[0]!, runIds, allParents().length, 'parent');

  // 7. Activities: none started after its completion was recorded, and the completing execution
  //    ended successfully in the process that reported it.
  const executions = executionsByActivity(log);
  const violations = [...executionViolations(executions, activities, launches, 0), ...completionSourceViolations(executions, activities, finalLaunch)];
  assert.deepEqual(violations.slice(0, 30), [], `${violations.length} violation(s)`);

  // 8. The kills landed mid-child, judged by history times (see killStats).
  const stats = killStats(launches, chases, snapshots, histories, log, t0);
  const reExecuted = linesOf(log, 'activity').filter((l) => l.phase === 'start').length - activities.size;
  console.log(
    `crash-children: seed ${seed}, ${kills} kills, ${reExecuted} re-executed activity runs, ` +
      `run phase ${elapsedRun} ms (final launch ${Date.now() - finalLaunch.spawnedAt} ms), total ${Date.now() - t0} ms`,
  );
  console.table(stats);
  const killedStats = stats.slice(0, kills);
  assert.ok(stats[kills]!.activities > 0, 'work was still left for the final launch, so every kill landed before the end');
  assert.ok(
    killedStats.some((s) => s.initiated > 0 || s.open > 0),
    `at least one kill while a child was initiated but not started, or started but its parent not yet told of its close: ${JSON.stringify(killedStats)}`,
  );
  assert.ok(
    hit('initiated') || hit('untold'),
    `at least one kill cut through a child start effect (initiated, not started) or a child's close on its way to its parent: ${JSON.stringify(snapshots)}`,
  );
  console.log(`crash-children: kills cut through ${WINDOWS.filter(hit).join(', ') || 'no'} window(s); ${killedStats.filter((s) => s.startRetried > 0).length} kill(s) left a child start to be retried after the child run existed`);
  // The two ways of judging agree: a kill that the copy of the database shows cutting through a
  // child start or an open child is also found by event times (and the other way round).
  for (const [i, s] of killedStats.entries()) {
    const snap = snapshots[i]!;
    assert.equal(s.initiated, snap.initiated, `kill #${i}: children initiated but not started, by times and by the copy`);
    assert.equal(s.startRetried, snap.initiatedRunExists, `kill #${i}: child starts to be retried though the child run existed, by times and by the copy`);
    assert.equal(s.open, snap.open, `kill #${i}: open family children, by times and by the copy`);
    assert.equal(s.untold, snap.closedUntold, `kill #${i}: closed children whose parent was not yet told, by times and by the copy`);
  }
});
