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
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Client, Connection } from '@endure/client';
import {
  ITEMS,
  PER_KIND,
  PROTOCOL_PREFIX,
  RELEASE_SLEEP_MS,
  SEATS,
  STEPS,
  STEP_SLEEP_MS,
  allWorkflowIds,
  expectedCartItems,
  expectedCartResult,
  expectedFinalBookingState,
  expectedSeats,
  expectedStepperResult,
  expectedUpdateResult,
  holdName,
  pricedItem,
  releasedName,
  stepValue,
  updateId,
  workflowId,
  type LogLine,
} from '../src/messages/shared.js';
import { decodePayload, eventsOf, signalArgs, updateEvents, type HistoryEvent } from '../src/messages/history.js';
import type { Outcome } from '../src/messages/child.js';

/** Kills always made; more (up to MAX_KILLS) only while a kind of mid-flight kill is still missing. */
const MIN_KILLS = 6;
const MAX_KILLS = 10;
const KILL_DELAY_MIN_MS = 300;
const KILL_DELAY_MAX_MS = 1500;
/** How long a child may take to report ready / results before the test gives up. */
const STEP_TIMEOUT_MS = 30_000;
/** Allowed skew between a log line's time and an engine event time (same clock, ms rounding). */
const CLOCK_SLACK_MS = 2;

const CHILD_SCRIPT = fileURLToPath(new URL('../src/messages/child.js', import.meta.url));

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
type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** One child process running src/messages/child.js. */
class Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly spawnedAt = Date.now();
  killedAt: number | undefined;
  killDelay: number | undefined;
  readonly messages: Message[] = [];
  stderr = '';
  stdoutOther = '';
  readonly exited: Promise<Exit>;
  exitInfo: Exit | undefined;
  private waiters: (() => void)[] = [];

  constructor(
    readonly index: number,
    args: string[],
  ) {
    this.proc = spawn(process.execPath, [CHILD_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (this.proc.pid === undefined) throw new Error('could not spawn the child process');
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
      if (this.messages.some((x) => x.type === 'error') || this.exitInfo) throw new Error(`waiting for '${type}': ${this.describe()}`);
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

  async kill(): Promise<Exit> {
    if (!this.exitInfo) {
      this.killedAt ??= Date.now();
      this.proc.kill('SIGKILL');
    }
    return this.exited;
  }
}

const live = new Set<Child>();
const tmp = mkdtempSync(join(tmpdir(), 'endure-crash-messages-'));
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
  await Promise.all([...live].map((c) => c.kill()));
  if (keepTmp) console.log(`crash-messages test: kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
});
// When the runner times the file out it terminates this process without running `after`.
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

function readLog(logPath: string): LogLine[] {
  if (!existsSync(logPath)) return [];
  return readFileSync(logPath, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as LogLine;
      } catch {
        throw new Error(`log line ${i + 1} is not JSON (torn write?): ${l}`);
      }
    });
}
type LineOf<K extends LogLine['kind']> = Extract<LogLine, { kind: K }>;
function linesOf<K extends LogLine['kind']>(log: readonly LogLine[], kind: K): LineOf<K>[] {
  return log.filter((l): l is LineOf<K> => l.kind === kind);
}

/**
 * What the log says a kill of `pid` cut through (the log is all this process can read while
 * children come and go; the exact, history-based check follows at the end):
 * - update: an update this child saw accepted, whose result it never got;
 * - signal: an acknowledged addItem signal whose pricing activity has not ended yet;
 * - cancel: an acknowledged cancel whose booking had not been seen closed.
 */
function logCoverage(log: readonly LogLine[], pid: number) {
  const mine = log.filter((l) => l.pid === pid);
  const answered = new Set(linesOf(mine, 'update-result').map((l) => l.updateId));
  const update = linesOf(mine, 'update-accepted').some((l) => !answered.has(l.updateId));
  const signal = [...new Set(linesOf(log, 'signal').filter((l) => l.name === 'addItem').map((l) => l.workflowId))].some((wf) => {
    const sent = linesOf(log, 'signal').filter((l) => l.workflowId === wf && l.name === 'addItem').length;
    const priced = new Set(linesOf(log, 'activity').filter((l) => l.workflowId === wf && l.activityType === 'priceItem' && l.phase === 'end').map((l) => l.activityId)).size;
    return sent > priced;
  });
  const closed = new Set(linesOf(log, 'closed').map((l) => l.workflowId));
  const cancel = linesOf(log, 'cancel').some((l) => !closed.has(l.workflowId));
  return { update, signal, cancel };
}

const FORBIDDEN_EVENTS = new Set([
  'ActivityTaskFailed',
  'ActivityTaskTimedOut',
  'ActivityTaskCancelRequested',
  'ActivityTaskCanceled',
  'TimerCanceled',
  'WorkflowExecutionFailed',
  'WorkflowExecutionTerminated',
  'WorkflowExecutionTimedOut',
  'WorkflowExecutionContinuedAsNew',
]);

interface ActivityRecord {
  workflowId: string;
  activityId: string;
  activityType: string;
  completedTime: number;
  completedIdentity: string | undefined;
}

test('SIGKILL mid-signal, mid-update and mid-cancellation: every workflow finishes exactly as planned', { timeout: 120_000 }, async (t) => {
  const seed = process.env['CRASH_SEED'] ? Number(process.env['CRASH_SEED']) : Math.floor(Math.random() * 2 ** 31);
  const random = prng(seed);
  t.diagnostic(`seed ${seed} (re-run with CRASH_SEED=${seed})`);
  console.log(`crash-messages seed: ${seed} (re-run with CRASH_SEED=${seed}), temp dir ${tmp}`);
  const dbPath = join(tmp, 'endure.db');
  const logPath = join(tmp, 'log.jsonl');
  const baseArgs = ['--db', dbPath, '--log', logPath];
  const t0 = Date.now();

  // --- the kills: at least MIN_KILLS; more, up to MAX_KILLS, until the log shows that kills cut
  //     through an accepted update, a signal being worked on and a cancellation being cleaned up.
  //     With two workflows of each kind mid-protocol at any moment this nearly always holds after
  //     the first few kills; the bound keeps a freak run from going on forever.
  const children: Child[] = [];
  const seen = { update: false, signal: false, cancel: false };
  for (let i = 0; i < MAX_KILLS; i++) {
    const child = new Child(i, i === 0 ? [...baseArgs, '--start'] : baseArgs);
    children.push(child);
    // The first child reports 'ready' after every start was acknowledged: no kill before the workflows exist.
    await child.waitFor('ready');
    child.killDelay = Math.round(KILL_DELAY_MIN_MS + random() * (KILL_DELAY_MAX_MS - KILL_DELAY_MIN_MS));
    const cancelWait = new AbortController();
    await Promise.race([delay(child.killDelay, undefined, { signal: cancelWait.signal }).catch(() => undefined), child.exited]);
    cancelWait.abort();
    assert.equal(child.exitInfo, undefined, `child #${i} died on its own before it was killed:\n${child.describe()}`);
    const exit = await child.kill();
    assert.equal(exit.signal, 'SIGKILL', `child #${i} should have died of SIGKILL:\n${child.describe()}`);
    assert.ok(!child.messages.some((m) => m.type === 'idle'), `child #${i} ran out of work before it was killed: the work must outlast the kills`);
    const c = logCoverage(readLog(logPath), child.pid);
    seen.update ||= c.update;
    seen.signal ||= c.signal;
    seen.cancel ||= c.cancel;
    if (i + 1 >= MIN_KILLS && seen.update && seen.signal && seen.cancel) break;
  }
  const kills = children.length;

  // --- the final run: it drives everything to the end without pauses and reports ---
  const finalChild = new Child(kills, [...baseArgs, '--final']);
  children.push(finalChild);
  const resultsMsg = await finalChild.waitFor('results');
  const timeout = new AbortController();
  const finalExit = await Promise.race([finalChild.exited, delay(STEP_TIMEOUT_MS, undefined, { signal: timeout.signal }).catch(() => undefined)]);
  timeout.abort();
  assert.deepEqual(finalExit, { code: 0, signal: null }, `the final child should exit cleanly:\n${finalChild.describe()}`);
  const elapsedRun = Date.now() - t0;

  // 1. The final child's view: every result exactly as planned.
  const outcomes = resultsMsg['results'] as Outcome[];
  assert.deepEqual(
    outcomes.map((o) => o.workflowId),
    allWorkflowIds().map((w) => w.id),
    'one outcome per workflow',
  );
  for (const o of outcomes) {
    if (o.kind === 'cart') {
      assert.deepEqual({ result: o.result, error: o.error }, { result: expectedCartResult(o.n), error: undefined }, `${o.workflowId} result`);
    } else if (o.kind === 'stepper') {
      assert.deepEqual({ result: o.result, error: o.error }, { result: expectedStepperResult(o.n), error: undefined }, `${o.workflowId} result`);
      assert.deepEqual(
        o.updates,
        Array.from({ length: STEPS }, (_, k) => ({ updateId: updateId(o.n, k), viaHandle: expectedUpdateResult(o.n, k), viaExecute: expectedUpdateResult(o.n, k) })),
        `${o.workflowId}: every update's result, by handle and by re-executing the same id`,
      );
    } else {
      assert.equal(o.result, undefined, `${o.workflowId} has no result`);
      assert.deepEqual(
        { name: o.error?.name, causeName: o.error?.causeName },
        { name: 'WorkflowFailedError', causeName: 'CancelledFailure' },
        `${o.workflowId} ends cancelled: ${JSON.stringify(o.error)}`,
      );
      assert.deepEqual(o.state, expectedFinalBookingState(o.n), `${o.workflowId}: state of the closed run (query)`);
    }
  }

  // --- the engine's record, read now that no child holds the database ---
  const histories = new Map<string, HistoryEvent[]>();
  const runIds = new Map<string, string>();
  const activities = new Map<string, ActivityRecord>();
  const connection = await Connection.connect({ address: `sqlite:${dbPath}` });
  try {
    const client = new Client({ connection });
    for (const { kind, n, id } of allWorkflowIds()) {
      const handle = client.workflow.getHandle(id);
      const d = await handle.describe();
      const { events } = await handle.fetchHistory();
      histories.set(id, events);
      runIds.set(id, d.runId);
      assert.equal(d.status, kind === 'booking' ? 'CANCELED' : 'COMPLETED', `${id} status`);
      assert.equal(d.pendingActivities.length, 0, `${id} has no pending activities`);

      // 2. One run, started once; event ids without gaps; nothing failed, timed out or was cancelled
      //    except the workflow itself (bookings).
      const first = events[0];
      assert.ok(first?.type === 'WorkflowExecutionStarted', `${id}: history starts with WorkflowExecutionStarted`);
      assert.equal(first.attributes.firstRunId, d.runId, `${id}: the first run of its chain`);
      assert.equal(first.attributes.attempt, 1, `${id}: workflow attempt`);
      assert.deepEqual(
        events.map((e) => e.eventId),
        events.map((_, i) => i + 1),
        `${id}: event ids are 1..n without gaps`,
      );
      const bad = events.filter((e) => FORBIDDEN_EVENTS.has(e.type)).map((e) => `${e.eventId} ${e.type}`);
      assert.deepEqual(bad, [], `${id}: no failure, timeout or cancelled activity/timer`);

      // 3. Every activity completed exactly once, on its first attempt (a crash is not a failed
      //    attempt); every timer fired exactly once.
      const scheduled = eventsOf(events, 'ActivityTaskScheduled');
      const completedActs = eventsOf(events, 'ActivityTaskCompleted');
      assert.equal(completedActs.length, scheduled.length, `${id}: as many activity completions as schedules`);
      const activityResults: unknown[] = [];
      for (const s of scheduled) {
        const done = completedActs.filter((c) => c.attributes.seq === s.attributes.seq);
        assert.equal(done.length, 1, `${id}: activity seq ${s.attributes.seq} (${s.attributes.activityType}) completed exactly once`);
        const c = done[0]!;
        assert.equal(c.attributes.attempt, 1, `${id}: ${s.attributes.activityType} completed on attempt 1`);
        activityResults.push(decodePayload(c.attributes.result));
        activities.set(`${id}/${s.attributes.activityId}`, {
          workflowId: id,
          activityId: s.attributes.activityId,
          activityType: s.attributes.activityType,
          completedTime: c.eventTime,
          completedIdentity: c.attributes.identity,
        });
      }
      const timersStarted = eventsOf(events, 'TimerStarted');
      const timersFired = eventsOf(events, 'TimerFired');
      assert.deepEqual(
        timersFired.map((e) => e.attributes.seq).sort((a, b) => a - b),
        timersStarted.map((e) => e.attributes.seq).sort((a, b) => a - b),
        `${id}: every timer fired exactly once`,
      );
      const types = scheduled.map((s) => s.attributes.activityType);
      const cancelRequests = eventsOf(events, 'WorkflowExecutionCancelRequested');
      const last = events[events.length - 1]!;
      const signalNames = eventsOf(events, 'WorkflowExecutionSignaled').map((e) => e.attributes.signalName);
      const accepted = eventsOf(events, 'WorkflowExecutionUpdateAccepted');
      const completedUpdates = eventsOf(events, 'WorkflowExecutionUpdateCompleted');

      if (kind === 'cart') {
        // 4a. Exactly the planned signals, each once and in order: no signal lost, none doubled.
        assert.deepEqual(signalArgs(events, 'addItem'), expectedCartItems(n), `${id}: addItem signals`);
        assert.deepEqual(signalNames, [...Array<string>(ITEMS).fill('addItem'), 'checkout'], `${id}: signal sequence`);
        assert.deepEqual(types, [...Array<string>(ITEMS).fill('priceItem'), 'chargeCart'], `${id}: activities`);
        assert.deepEqual(activityResults.slice(0, ITEMS), expectedCartItems(n).map(pricedItem), `${id}: each item priced once, in order`);
        assert.deepEqual(timersStarted.length + accepted.length + cancelRequests.length, 0, `${id}: no timers, updates or cancellation`);
        assert.ok(last.type === 'WorkflowExecutionCompleted', `${id}: closes completed`);
        assert.equal(decodePayload(last.attributes.result), expectedCartResult(n), `${id}: result in history`);
      } else if (kind === 'stepper') {
        // 4b. Each update id: exactly one acceptance and one completion, with the handler's result.
        assert.deepEqual(
          accepted.map((e) => e.attributes.updateId),
          Array.from({ length: STEPS }, (_, k) => updateId(n, k)),
          `${id}: exactly the planned updates were accepted, once each, in order`,
        );
        assert.deepEqual(
          completedUpdates.map((e) => e.attributes.updateId),
          Array.from({ length: STEPS }, (_, k) => updateId(n, k)),
          `${id}: each update completed exactly once, in order`,
        );
        for (let k = 0; k < STEPS; k++) {
          const u = updateEvents(events, updateId(n, k));
          const a = u.accepted[0]!;
          const c = u.completed[0]!;
          assert.ok(a.eventId < c.eventId, `${id}: update ${k} accepted before it completed`);
          assert.deepEqual(a.attributes.input.map(decodePayload), [k], `${id}: update ${k} input`);
          assert.equal(c.attributes.failure, undefined, `${id}: update ${k} did not fail`);
          assert.equal(decodePayload(c.attributes.result), expectedUpdateResult(n, k), `${id}: update ${k} result in history`);
        }
        assert.deepEqual(types, Array<string>(STEPS).fill('applyStep'), `${id}: activities`);
        assert.deepEqual(activityResults, Array.from({ length: STEPS }, (_, k) => stepValue(n, k)), `${id}: activity results`);
        assert.deepEqual(timersStarted.map((e) => e.attributes.durationMs), Array<number>(STEPS).fill(STEP_SLEEP_MS), `${id}: one sleep per update`);
        assert.deepEqual(signalNames.length + cancelRequests.length, 0, `${id}: no signals or cancellation`);
        assert.ok(last.type === 'WorkflowExecutionCompleted', `${id}: closes completed`);
        assert.equal(decodePayload(last.attributes.result), expectedStepperResult(n), `${id}: result in history`);
      } else {
        // 4c. The seats arrived once each; one cancel request (however often it was sent); the
        //     cleanup ran after it, exactly once, and the run closed CANCELED.
        assert.deepEqual(signalArgs(events, 'reserve'), expectedSeats(n), `${id}: reserve signals`);
        assert.deepEqual(signalNames, Array<string>(SEATS).fill('reserve'), `${id}: signal sequence`);
        assert.equal(cancelRequests.length, 1, `${id}: exactly one WorkflowExecutionCancelRequested`);
        assert.deepEqual(types, ['holdSeats', 'releaseSeats'], `${id}: activities: the hold, then the cleanup, once each`);
        const hold = holdName(n, expectedSeats(n));
        assert.deepEqual(activityResults, [hold, releasedName(hold)], `${id}: activity results`);
        const cancelAt = cancelRequests[0]!.eventId;
        const holdDone = completedActs.find((c) => c.attributes.seq === scheduled[0]!.attributes.seq)!;
        assert.ok(holdDone.eventId < cancelAt, `${id}: cancelled only after the seats were held`);
        assert.ok(scheduled[1]!.eventId > cancelAt, `${id}: the cleanup activity was scheduled after the cancel request`);
        assert.deepEqual(timersStarted.map((e) => e.attributes.durationMs), [RELEASE_SLEEP_MS], `${id}: the cleanup's sleep`);
        assert.ok(timersStarted[0]!.eventId > cancelAt, `${id}: the cleanup's sleep started after the cancel request`);
        assert.equal(accepted.length, 0, `${id}: no updates`);
        assert.ok(last.type === 'WorkflowExecutionCanceled', `${id}: closes with WorkflowExecutionCanceled, got ${last.type}`);
      }
    }
    await assert.rejects(client.workflow.getHandle(workflowId('cart', PER_KIND)).describe(), { name: 'WorkflowNotFoundError' });
  } finally {
    await connection.close();
  }

  // 5. No workflow lost or duplicated, no work left behind.
  const db = new Database(dbPath, { fileMustExist: true, readonly: true });
  try {
    const rows = db.prepare('SELECT workflow_id AS id, run_id AS runId, status FROM workflows').all() as { id: string; runId: string; status: string }[];
    assert.deepEqual(rows.map((r) => r.id).sort(), allWorkflowIds().map((w) => w.id).sort(), 'exactly one run per workflow id, and no other ids');
    for (const r of rows) assert.equal(r.runId, runIds.get(r.id), `${r.id}: the stored run is the one the API reports`);
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    assert.equal(count('current_runs'), rows.length, 'one current run per workflow id');
    assert.equal(count('tasks'), 0, 'no task rows left');
    assert.equal(count('timers'), 0, 'no timer rows left');
  } finally {
    db.close();
  }

  // --- the log the children and activities wrote ---
  const log = readLog(logPath);
  const pids = children.map((c) => c.pid);
  const childOf = new Map(children.map((c) => [c.pid, c]));
  assert.deepEqual(
    linesOf(log, 'launch').map((l) => l.pid),
    pids,
    'every child logged its launch, in order (the children never overlapped)',
  );
  const wfStarts = linesOf(log, 'wf-start');
  assert.equal(wfStarts.length, allWorkflowIds().length, 'one acknowledged start per workflow');
  for (const s of wfStarts) {
    assert.equal(s.pid, children[0]!.pid, `${s.workflowId} was started by the first child`);
    assert.equal(s.runId, runIds.get(s.workflowId), `${s.workflowId}: the acknowledged run is the run that finished`);
  }

  const violations: string[] = [];
  const eventTimeOf = (wf: string, pred: (e: HistoryEvent) => boolean) => histories.get(wf)!.find(pred)?.eventTime;

  // 6. Acknowledged means durable, and the drivers never sent a signal twice: each acknowledged
  //    signal is in history (recorded no later than its acknowledgement), and no signal was
  //    acknowledged twice (a lost signal would have been sent again).
  const signalLines = linesOf(log, 'signal');
  const signalKeys = new Map<string, number>();
  for (const l of signalLines) {
    const key = `${l.workflowId}/${l.name}#${l.index}`;
    signalKeys.set(key, (signalKeys.get(key) ?? 0) + 1);
    const events = histories.get(l.workflowId)!;
    const recorded = eventsOf(events, 'WorkflowExecutionSignaled').filter((e) => e.attributes.signalName === l.name)[l.index];
    if (!recorded || decodePayload(recorded.attributes.input[0]) !== (l.arg ?? undefined)) violations.push(`${key}: acknowledged (pid ${l.pid}) but not in history as signal #${l.index}`);
    else if (recorded.eventTime > l.time + CLOCK_SLACK_MS) violations.push(`${key}: acknowledged at ${l.time} but recorded only at ${recorded.eventTime}`);
  }
  for (const [key, times] of signalKeys) if (times > 1) violations.push(`${key}: acknowledged ${times} times (sent again after it was durable)`);
  // Cancels: a first cancel request was acknowledged at most once per booking, and only after it was durable.
  for (const l of linesOf(log, 'cancel')) {
    const at = eventTimeOf(l.workflowId, (e) => e.type === 'WorkflowExecutionCancelRequested');
    if (at === undefined || at > l.time + CLOCK_SLACK_MS) violations.push(`${l.workflowId}: cancel acknowledged at ${l.time} (pid ${l.pid}) but recorded at ${at}`);
  }
  const firstCancels = linesOf(log, 'cancel').filter((l) => !l.resend);
  for (const wf of new Set(firstCancels.map((l) => l.workflowId))) {
    const n = firstCancels.filter((l) => l.workflowId === wf).length;
    if (n > 1) violations.push(`${wf}: cancelled ${n} times though history held the request`);
  }
  // Updates: accepted means durably accepted; every result any child got is the handler's result.
  const expectedUpdate = new Map(allWorkflowIds().filter((w) => w.kind === 'stepper').flatMap(({ n }) => Array.from({ length: STEPS }, (_, k) => [updateId(n, k), expectedUpdateResult(n, k)] as const)));
  for (const l of linesOf(log, 'update-accepted')) {
    const at = eventTimeOf(l.workflowId, (e) => e.type === 'WorkflowExecutionUpdateAccepted' && e.attributes.updateId === l.updateId);
    if (at === undefined || at > l.time + CLOCK_SLACK_MS) violations.push(`${l.updateId}: startUpdate returned at ${l.time} (pid ${l.pid}) but acceptance recorded at ${at}`);
  }
  for (const l of linesOf(log, 'update-result')) {
    if (l.result !== expectedUpdate.get(l.updateId)) violations.push(`${l.updateId}: pid ${l.pid} got ${JSON.stringify(l.result)}, expected ${expectedUpdate.get(l.updateId)}`);
  }

  // 7. Activities: none started after its completion was recorded, and the completing execution
  //    ended successfully in the process that reported it.
  for (const [key, a] of activities) {
    const execs = linesOf(log, 'activity').filter((l) => `${l.workflowId}/${l.activityId}` === key);
    const starts = execs.filter((e) => e.phase === 'start');
    if (starts.length === 0) violations.push(`${key}: completed in history but never executed`);
    for (const s of starts) if (s.time > a.completedTime + CLOCK_SLACK_MS) violations.push(`${key} (${a.activityType}): started at ${s.time} by pid ${s.pid}, after its completion was recorded at ${a.completedTime}`);
    const completer = Number.parseInt(a.completedIdentity ?? '', 10);
    if (!childOf.has(completer)) violations.push(`${key}: completed by identity ${a.completedIdentity}, not a launched child`);
    if (!execs.some((e) => e.phase === 'end' && e.ok && e.pid === completer)) violations.push(`${key}: no successful end logged by its completer pid ${completer}`);
    const finalStarts = starts.filter((s) => s.pid === finalChild.pid).length;
    if (finalStarts > 1) violations.push(`${key}: started ${finalStarts} times by the final child`);
  }
  for (const l of linesOf(log, 'activity')) if (!activities.has(`${l.workflowId}/${l.activityId}`)) violations.push(`${l.workflowId}/${l.activityId}: executed but in no history`);
  assert.deepEqual(violations.slice(0, 30), [], `${violations.length} violation(s)`);

  // 8. The kills landed mid-flight, judged by history times: a kill at time K (child i) was
  //    - mid-update if an update was accepted at or before K and completed only by a later child,
  //    - mid-signal if an addItem signal was recorded at or before K and its pricing activity
  //      completed only in a later child (the signal's effect was still being worked on),
  //    - mid-cancellation if a cancel request was recorded at or before K and the run closed
  //      CANCELED only in a later child.
  //    "unprocessed": a signal recorded before K that no workflow task had seen yet (reported only).
  const killed = children.slice(0, kills);
  const stats = children.map((c, i) => {
    const K = c.killedAt;
    const next = children[i + 1]?.spawnedAt;
    const cut = (before: number | undefined, afterT: number | undefined) => K !== undefined && next !== undefined && before !== undefined && afterT !== undefined && before <= K && afterT >= next;
    let midUpdate = 0;
    let midSignal = 0;
    let unprocessed = 0;
    let midCancel = 0;
    for (const { kind, n, id } of allWorkflowIds()) {
      const events = histories.get(id)!;
      if (kind === 'stepper') {
        for (let k = 0; k < STEPS; k++) {
          const u = updateEvents(events, updateId(n, k));
          if (cut(u.accepted[0]?.eventTime, u.completed[0]?.eventTime)) midUpdate++;
        }
      } else if (kind === 'cart') {
        const sigs = eventsOf(events, 'WorkflowExecutionSignaled').filter((e) => e.attributes.signalName === 'addItem');
        const priced = eventsOf(events, 'ActivityTaskScheduled').filter((e) => e.attributes.activityType === 'priceItem');
        const wfts = eventsOf(events, 'WorkflowTaskCompleted');
        sigs.forEach((s, k) => {
          const done = eventsOf(events, 'ActivityTaskCompleted').find((e) => e.attributes.seq === priced[k]?.attributes.seq);
          if (cut(s.eventTime, done?.eventTime)) midSignal++;
          if (cut(s.eventTime, wfts.find((w) => w.attributes.sawUpTo >= s.eventId)?.eventTime)) unprocessed++;
        });
      } else {
        const req = eventsOf(events, 'WorkflowExecutionCancelRequested')[0];
        if (cut(req?.eventTime, eventsOf(events, 'WorkflowExecutionCanceled')[0]?.eventTime)) midCancel++;
      }
    }
    const mine = log.filter((l) => l.pid === c.pid);
    const begun = linesOf(mine, 'activity').filter((l) => l.phase === 'start');
    const interrupted = begun.filter((s) => !linesOf(mine, 'activity').some((e) => e.phase === 'end' && e.activityId === s.activityId && e.workflowId === s.workflowId)).length;
    return {
      child: c.index,
      pid: c.pid,
      killAfterMs: c.killDelay ?? null,
      signals: linesOf(mine, 'signal').length,
      updAccepted: linesOf(mine, 'update-accepted').length,
      updResumed: linesOf(mine, 'update-resumed').length,
      cancels: linesOf(mine, 'cancel').length,
      activities: begun.length,
      interrupted,
      midSignal,
      unprocessed,
      midUpdate,
      midCancel,
    };
  });
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

  // 9. An update accepted before a crash is answered after it: a killed child saw it accepted but
  //    never got its result; a later child waited for it by id (no new request) and got the
  //    handler's result, which history recorded only after the kill.
  const answeredAfterCrash: string[] = [];
  for (const [i, c] of killed.entries()) {
    const mine = log.filter((l) => l.pid === c.pid);
    const gotResult = new Set(linesOf(mine, 'update-result').map((l) => l.updateId));
    for (const a of linesOf(mine, 'update-accepted')) {
      if (gotResult.has(a.updateId)) continue;
      const later = linesOf(log, 'update-result').find((l) => l.updateId === a.updateId && l.resumed && pids.indexOf(l.pid) > i);
      const completedAt = eventTimeOf(a.workflowId, (e) => e.type === 'WorkflowExecutionUpdateCompleted' && e.attributes.updateId === a.updateId);
      if (later && later.result === expectedUpdate.get(a.updateId) && completedAt !== undefined && completedAt >= children[i + 1]!.spawnedAt) {
        answeredAfterCrash.push(`${a.updateId} (accepted in child #${i}, answered in child #${childOf.get(later.pid)!.index})`);
      }
    }
  }
  console.log(`crash-messages: ${answeredAfterCrash.length} update(s) accepted before a kill and answered after it, e.g. ${answeredAfterCrash.slice(0, 3).join('; ')}`);
  assert.ok(answeredAfterCrash.length > 0, 'at least one update accepted before a kill was answered (by update id) after the restart');
});
