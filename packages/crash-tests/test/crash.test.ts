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
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Client, Connection } from '@endure/client';
import { ACTIVITY_ORDER, FLAKY_SUCCEEDS_ON, PROTOCOL_PREFIX, WORKFLOW_COUNT, expectedResult, sleepMs, workflowId, type LogLine } from '../src/shared.js';
import type { Outcome } from '../src/crash-worker.js';

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
/** How long a child may take to report ready / started / results before the test gives up. */
const STEP_TIMEOUT_MS = 30_000;

const WORKER_SCRIPT = fileURLToPath(new URL('../src/crash-worker.js', import.meta.url));

/** mulberry32: small, seedable, good enough for picking kill times. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Message = { type: string; [k: string]: unknown };

/** One child process running src/crash-worker.js. */
class Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly messages: Message[] = [];
  stderr = '';
  stdoutOther = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private waiters: (() => void)[] = [];

  constructor(
    readonly index: number,
    args: string[],
  ) {
    this.proc = spawn(process.execPath, [WORKER_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (this.proc.pid === undefined) throw new Error('could not spawn the worker process');
    this.pid = this.proc.pid;
    live.add(this);
    let buf = '';
    this.proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith(PROTOCOL_PREFIX)) this.messages.push(JSON.parse(line.slice(PROTOCOL_PREFIX.length)) as Message);
        else this.stdoutOther += `${line}\n`;
        this.wake();
      }
    });
    this.proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        live.delete(this);
        this.wake();
        resolve({ code, signal });
      });
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  describe(): string {
    const errors = this.messages.filter((m) => m.type === 'error').map((m) => String(m.message));
    return [
      `child #${this.index} (pid ${this.pid}) exit=${JSON.stringify(this.exitInfo ?? 'running')}`,
      ...errors.map((e) => `  reported error: ${e}`),
      this.stderr ? `  stderr:\n${this.stderr.slice(-4000)}` : '  stderr: (empty)',
      this.stdoutOther ? `  other stdout:\n${this.stdoutOther.slice(-2000)}` : '',
    ].join('\n');
  }

  /** Resolves with the first message of `type`; rejects if the child exits or reports an error first. */
  async waitFor(type: string, timeoutMs = STEP_TIMEOUT_MS): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.find((x) => x.type === type);
      if (m) return m;
      if (this.messages.some((x) => x.type === 'error') || this.exitInfo) {
        throw new Error(`waiting for '${type}': ${this.describe()}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for '${type}': ${this.describe()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exitInfo) this.proc.kill('SIGKILL');
    return this.exited;
  }
}

const live = new Set<Child>();
const tmp = mkdtempSync(join(tmpdir(), 'endure-crash-'));

/** CRASH_KEEP_TMP=1 keeps the database and the execution log for a post-mortem. */
const keepTmp = Boolean(process.env['CRASH_KEEP_TMP']);

/** Synchronous, so it also works from 'exit' and signal handlers. */
function killChildrenNow(): void {
  for (const c of live) {
    try {
      c.proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

after(async () => {
  // Whatever happened, no child survives the test.
  await Promise.all([...live].map((c) => c.kill()));
  if (keepTmp) console.log(`crash test: kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
});
// When the runner times the file out it terminates this process without running `after`:
// take the children down with it.
process.on('exit', () => {
  killChildrenNow();
  if (!keepTmp) rmSync(tmp, { recursive: true, force: true });
});
for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
  process.once(signal, () => {
    killChildrenNow();
    process.exit(code);
  });
}

interface ActivityRecord {
  workflowId: string;
  activityId: string;
  activityType: string;
  completedTime: number;
  completedAttempt: number;
  completedIdentity: string | undefined;
}

test('worker SIGKILLed at random points: every workflow completes exactly once, no completed activity re-runs', { timeout: 120_000 }, async (t) => {
  const seed = process.env['CRASH_SEED'] ? Number(process.env['CRASH_SEED']) : Math.floor(Math.random() * 2 ** 31);
  const random = prng(seed);
  t.diagnostic(`seed ${seed} (re-run with CRASH_SEED=${seed})`);
  console.log(`crash test seed: ${seed} (re-run with CRASH_SEED=${seed}), temp dir ${tmp}`);
  const dbPath = join(tmp, 'endure.db');
  const logPath = join(tmp, 'executions.jsonl');
  const baseArgs = ['--db', dbPath, '--log', logPath];
  const t0 = Date.now();

  // --- the kills ---
  const children: Child[] = [];
  const killDelays: number[] = [];
  for (let i = 0; i < KILLS; i++) {
    const child = new Child(i, i === 0 ? [...baseArgs, '--start'] : baseArgs);
    children.push(child);
    // The first launch starts the workflows: count its delay from the acknowledged starts, so a
    // kill cannot land before a workflow exists (an unacknowledged start is not a lost workflow).
    await child.waitFor(i === 0 ? 'started' : 'ready');
    const wait = Math.round(KILL_DELAY_MIN_MS + random() * (KILL_DELAY_MAX_MS - KILL_DELAY_MIN_MS));
    killDelays.push(wait);
    const cancelWait = new AbortController();
    await Promise.race([delay(wait, undefined, { signal: cancelWait.signal }).catch(() => undefined), child.exited]);
    cancelWait.abort();
    assert.equal(child.exitInfo, undefined, `the worker died on its own before it was killed:\n${child.describe()}`);
    const exit = await child.kill();
    assert.equal(exit.signal, 'SIGKILL', `child #${i} should have died of SIGKILL:\n${child.describe()}`);
  }

  // --- the final run: it waits for every result itself, then shuts down cleanly ---
  const finalChild = new Child(KILLS, [...baseArgs, '--final']);
  children.push(finalChild);
  const resultsMsg = await finalChild.waitFor('results');
  const timeout = new AbortController();
  const finalExit = await Promise.race([finalChild.exited, delay(STEP_TIMEOUT_MS, undefined, { signal: timeout.signal }).catch(() => undefined)]);
  timeout.abort();
  assert.deepEqual(finalExit, { code: 0, signal: null }, `the final worker should exit cleanly:\n${finalChild.describe()}`);
  const elapsedRun = Date.now() - t0;

  // 1. Every workflow completed with its exact result (as the final worker saw it).
  const outcomes = resultsMsg['results'] as Outcome[];
  assert.equal(outcomes.length, WORKFLOW_COUNT);
  for (let n = 0; n < WORKFLOW_COUNT; n++) {
    assert.deepEqual(outcomes[n], { workflowId: workflowId(n), ok: true, result: expectedResult(n) }, `result of ${workflowId(n)}`);
  }

  // --- the engine's own record, read by this process now that no child holds the file ---
  const runIds = new Map<string, string>();
  const activities = new Map<string, ActivityRecord>();
  const connection = await Connection.connect({ address: `sqlite:${dbPath}` });
  try {
    const client = new Client({ connection });
    for (let n = 0; n < WORKFLOW_COUNT; n++) {
      const id = workflowId(n);
      const handle = client.workflow.getHandle<string>(id);
      const d = await handle.describe();
      assert.equal(d.status, 'COMPLETED', `${id} status`);
      assert.equal(d.pendingActivities.length, 0, `${id} has no pending activities`);
      assert.equal(await handle.result(), expectedResult(n), `${id} result`);
      const { events } = await handle.fetchHistory();
      runIds.set(id, d.runId);

      // 2. One run, started once: the first event names this run as its own first run.
      const first = events[0];
      assert.ok(first?.type === 'WorkflowExecutionStarted', `${id}: history starts with WorkflowExecutionStarted`);
      assert.equal(first.attributes.firstRunId, d.runId, `${id}: run ${d.runId} is the first run of its chain`);
      assert.equal(first.attributes.continuedFromRunId, undefined, `${id}: not continued from another run`);
      assert.equal(first.attributes.attempt, 1, `${id}: workflow attempt`);
      assert.deepEqual(
        events.map((e) => e.eventId),
        events.map((_, i) => i + 1),
        `${id}: event ids are 1..n without gaps`,
      );

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
      const scheduled = events.filter((e) => e.type === 'ActivityTaskScheduled');
      assert.deepEqual(scheduled.map((e) => e.attributes.activityType), [...ACTIVITY_ORDER], `${id}: activity order`);
      for (const s of scheduled) {
        const done = events.filter((e) => e.type === 'ActivityTaskCompleted' && e.attributes.seq === s.attributes.seq);
        assert.equal(done.length, 1, `${id}: activity seq ${s.attributes.seq} completed exactly once`);
        const c = done[0]!;
        assert.ok(c.type === 'ActivityTaskCompleted');
        const expectedAttempt = s.attributes.activityType === 'flaky' ? FLAKY_SUCCEEDS_ON : 1;
        assert.equal(c.attributes.attempt, expectedAttempt, `${id}: ${s.attributes.activityType} completed on attempt ${expectedAttempt}`);
        activities.set(`${id}/${s.attributes.activityId}`, {
          workflowId: id,
          activityId: s.attributes.activityId,
          activityType: s.attributes.activityType,
          completedTime: c.eventTime,
          completedAttempt: c.attributes.attempt,
          completedIdentity: c.attributes.identity,
        });
      }
      const started = events.filter((e) => e.type === 'TimerStarted');
      const fired = events.filter((e) => e.type === 'TimerFired');
      assert.equal(started.length, 1, `${id}: one TimerStarted`);
      assert.equal(fired.length, 1, `${id}: one TimerFired`);
      const ts = started[0]!;
      const tf = fired[0]!;
      assert.ok(ts.type === 'TimerStarted' && tf.type === 'TimerFired');
      assert.equal(tf.attributes.seq, ts.attributes.seq, `${id}: the fired timer is the started one`);
      assert.equal(ts.attributes.durationMs, sleepMs(n), `${id}: sleep duration`);
      assert.ok(tf.eventTime >= ts.attributes.fireAt, `${id}: timer fired at ${tf.eventTime}, before its due time ${ts.attributes.fireAt}`);
    }
    // Nothing answers for ids that were never started.
    await assert.rejects(client.workflow.getHandle(workflowId(WORKFLOW_COUNT)).describe(), { name: 'WorkflowNotFoundError' });
  } finally {
    await connection.close();
  }

  // 4. No workflow lost or duplicated, and no work left behind: the raw tables hold exactly the
  //    50 runs (one per id, the ones the API reported), and no task or timer remains.
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    const rows = db.prepare('SELECT workflow_id AS id, run_id AS runId, status FROM workflows ORDER BY workflow_id').all() as { id: string; runId: string; status: string }[];
    assert.deepEqual(
      rows.map((r) => r.id).sort(),
      Array.from({ length: WORKFLOW_COUNT }, (_, n) => workflowId(n)).sort(),
      'exactly one run per workflow id, and no other workflow ids',
    );
    for (const r of rows) {
      assert.equal(r.runId, runIds.get(r.id), `${r.id}: the stored run is the one the API reports`);
      assert.equal(r.status, 'COMPLETED', `${r.id}: stored status`);
    }
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    assert.equal(count('current_runs'), WORKFLOW_COUNT, 'one current run per workflow id');
    assert.equal(count('tasks'), 0, 'no task rows left after every workflow closed');
    assert.equal(count('timers'), 0, 'no timer rows left after every workflow closed');
  } finally {
    db.close();
  }

  // --- the execution log written by the activities ---
  const lines = readFileSync(logPath, 'utf8').split('\n').filter((l) => l !== '');
  const log = lines.map((l, i) => {
    try {
      return JSON.parse(l) as LogLine;
    } catch {
      throw new Error(`execution log line ${i + 1} is not JSON (torn write?): ${l}`);
    }
  });
  const pids = children.map((c) => c.pid);
  const launchOf = new Map(children.map((c) => [c.pid, c.index]));
  assert.deepEqual(
    log.filter((l) => l.kind === 'launch').map((l) => l.pid),
    pids,
    'every launched child logged its launch, in order (the children never overlapped)',
  );

  // 5. Each workflow was started exactly once, by the first child, as the run that exists now.
  const wfStarts = log.filter((l) => l.kind === 'wf-start');
  assert.equal(wfStarts.length, WORKFLOW_COUNT, 'one acknowledged start per workflow');
  for (const s of wfStarts) {
    assert.equal(s.pid, children[0]!.pid, `${s.workflowId} was started by the first child`);
    assert.equal(s.runId, runIds.get(s.workflowId), `${s.workflowId}: the acknowledged run is the run that completed`);
  }

  // 6. Activity executions against the history. An execution may be repeated only if it had not
  //    been recorded as completed (at-least-once), never after.
  type Exec = Extract<LogLine, { kind: 'activity' }> & { line: number };
  const execs = new Map<string, Exec[]>();
  log.forEach((l, line) => {
    if (l.kind !== 'activity') return;
    const key = `${l.workflowId}/${l.activityId}`;
    let list = execs.get(key);
    if (!list) execs.set(key, (list = []));
    list.push({ ...l, line });
  });
  const violations: string[] = [];
  for (const key of execs.keys()) if (!activities.has(key)) violations.push(`${key}: executed but not in any history`);
  let reExecutions = 0;
  for (const [key, a] of activities) {
    const list = execs.get(key) ?? [];
    const starts = list.filter((e) => e.phase === 'start');
    const ends = list.filter((e) => e.phase === 'end');
    if (starts.length === 0) {
      violations.push(`${key}: completed in history but never executed`);
      continue;
    }
    // (a) Nothing started after the completion was recorded.
    for (const s of starts) {
      if (s.time > a.completedTime + CLOCK_SLACK_MS) {
        violations.push(`${key} (${a.activityType}): attempt ${s.attempt} started at ${s.time} by pid ${s.pid}, ${s.time - a.completedTime} ms AFTER its completion was recorded at ${a.completedTime}`);
      }
    }
    // (b) The completion came from the last execution, which ran in the process that reported it.
    const completer = Number.parseInt(a.completedIdentity ?? '', 10);
    if (!launchOf.has(completer)) violations.push(`${key}: completed by identity ${a.completedIdentity}, not one of the launched workers ${pids.join(', ')}`);
    const last = starts[starts.length - 1]!;
    if (last.pid !== completer || last.attempt !== a.completedAttempt) {
      violations.push(`${key}: last execution (pid ${last.pid}, attempt ${last.attempt}) is not the one history recorded as completing (pid ${completer}, attempt ${a.completedAttempt})`);
    }
    const lastEnd = ends.find((e) => e.line > last.line && e.pid === last.pid && e.attempt === last.attempt);
    if (!lastEnd?.ok) violations.push(`${key}: the completing execution did not log a successful end`);
    else if (lastEnd.time > a.completedTime + CLOCK_SLACK_MS) violations.push(`${key}: completion recorded at ${a.completedTime}, before the execution ended at ${lastEnd.time}`);
    // (c) Within one process an attempt is executed at most once (no double dispatch).
    const seen = new Set<string>();
    for (const s of starts) {
      const k = `${s.pid}#${s.attempt}`;
      if (seen.has(k)) violations.push(`${key}: attempt ${s.attempt} started twice in pid ${s.pid}`);
      seen.add(k);
    }
    // (d) Attempts: a crash is not a failed attempt. Only the retrying activity has attempts > 1,
    //     and its attempts 1 and 2 failed as planned.
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
    // Executions beyond the planned ones: repeats of work a kill interrupted (or whose result a
    // kill kept from being recorded).
    reExecutions += starts.length - (a.activityType === 'flaky' ? FLAKY_SUCCEEDS_ON : 1);
  }
  // (e) The final worker exited cleanly, so every execution it began also ended.
  const finalPid = finalChild.pid;
  for (const [key, list] of execs) {
    for (const s of list.filter((e) => e.phase === 'start' && e.pid === finalPid)) {
      if (!list.some((e) => e.phase === 'end' && e.pid === finalPid && e.attempt === s.attempt && e.line > s.line)) {
        violations.push(`${key}: attempt ${s.attempt} began in the final worker and never ended`);
      }
    }
  }
  assert.deepEqual(violations.slice(0, 30), [], `${violations.length} violation(s) of exactly-once completion`);

  // 7. The kills really landed mid-flight. Per child: the activity executions it began, how many
  //    a kill cut off before they ended, and how many ended but were recorded only from a later
  //    child's re-execution (the kill came between the end and the durable completion).
  const completedBy = new Map([...activities].map(([key, a]) => [key, Number.parseInt(a.completedIdentity ?? '', 10)]));
  const stats = children.map((c) => {
    const mine = log.filter((l): l is Exec => l.kind === 'activity' && l.pid === c.pid);
    const begun = mine.filter((l) => l.phase === 'start');
    const ended = (s: Exec) => mine.find((e) => e.phase === 'end' && e.workflowId === s.workflowId && e.activityId === s.activityId && e.attempt === s.attempt);
    const interrupted = begun.filter((s) => !ended(s)).length;
    const unrecorded = begun.filter((s) => {
      const e = ended(s);
      return e?.ok === true && completedBy.get(`${s.workflowId}/${s.activityId}`) !== c.pid;
    }).length;
    return { child: c.index, pid: c.pid, killAfterMs: killDelays[c.index] ?? null, started: begun.length, interrupted, unrecorded };
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
