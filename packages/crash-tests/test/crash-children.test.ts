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
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Client, Connection } from '@endure/client';
import {
  ABANDONED_SLEEP_MS,
  CHILDREN_PER_FAMILY,
  CHILD_SLEEP_MS,
  PROTOCOL_PREFIX,
  TASK_QUEUE,
  allChildren,
  allParents,
  childId,
  cleanupValue,
  closerChildId,
  expectedAbandonedResult,
  expectedChildResult,
  expectedCloserResult,
  expectedFamilyResult,
  abandonedValue,
  childValue,
  closerValue,
  prepared,
  type LogLine,
} from '../src/children/shared.js';
import type { Outcome } from '../src/children/runner.js';
import { decodePayload, eventsOf, type HistoryEvent } from '../src/messages/history.js';

/** Kills always made; more (up to MAX_KILLS) only while a kind of mid-child kill is still missing. */
const MIN_KILLS = 6;
const MAX_KILLS = 10;
const KILL_DELAY_MIN_MS = 300;
const KILL_DELAY_MAX_MS = 1500;
/** A chasing kill waits KILL_DELAY_MIN_MS..CHASE_DELAY_MAX_MS, then up to CHASE_WAIT_MS for a window. */
const CHASE_DELAY_MAX_MS = 1000;
const CHASE_WAIT_MS = 1000;
/** The narrow windows a launch announces (see src/children/runner.ts). */
const WINDOWS = ['initiated', 'created', 'untold', 'closing'] as const;
type Window = (typeof WINDOWS)[number];
/** How long a launch may take to report ready / results before the test gives up. */
const STEP_TIMEOUT_MS = 30_000;

const RUNNER_SCRIPT = fileURLToPath(new URL('../src/children/runner.js', import.meta.url));

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

/** One launch of src/children/runner.js. */
class Launch {
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly spawnedAt = Date.now();
  killedAt: number | undefined;
  killDelay: number | undefined;
  /** A chasing kill: the window it aimed at, and how long after its announcement the kill came. */
  chased: { window: string; workflowId: string; eventTime: number; seenAt: number; killedAt: number } | undefined;
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
    this.proc = spawn(process.execPath, [RUNNER_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
      `launch #${this.index} (pid ${this.pid}) exit=${JSON.stringify(this.exitInfo ?? 'running')}`,
      ...errors.map((e) => `  reported error: ${e}`),
      this.stderr ? `  stderr:\n${this.stderr.slice(-4000)}` : '  stderr: (empty)',
      this.stdoutOther ? `  other stdout:\n${this.stdoutOther.slice(-2000)}` : '',
    ].join('\n');
  }

  /** Resolves when a message arrives or the process exits, or after `ms`. */
  private nextWake(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** The first message matching `pred` at index `from` or later; undefined after `timeoutMs` or once the process exits. */
  async nextMessage(pred: (m: Message) => boolean, from: number, timeoutMs: number): Promise<Message | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.slice(from).find(pred);
      if (m || this.exitInfo) return m;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await this.nextWake(left);
    }
  }

  /** Resolves with the first message of `type`; rejects if the process exits or reports an error first. */
  async waitFor(type: string, timeoutMs = STEP_TIMEOUT_MS): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.find((x) => x.type === type);
      if (m) return m;
      if (this.messages.some((x) => x.type === 'error') || this.exitInfo) throw new Error(`waiting for '${type}': ${this.describe()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for '${type}': ${this.describe()}`);
      await this.nextWake(Math.min(left, 1000));
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

const live = new Set<Launch>();
const tmp = mkdtempSync(join(tmpdir(), 'endure-crash-children-'));
const keepTmp = Boolean(process.env['CRASH_KEEP_TMP']);

/** Synchronous, so it also works from 'exit' and signal handlers. */
function killAllNow(): void {
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
  if (keepTmp) console.log(`crash-children test: kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
});
// When the runner times the file out it terminates this process without running `after`.
process.on('exit', () => {
  killAllNow();
  if (!keepTmp) rmSync(tmp, { recursive: true, force: true });
});
for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
  process.once(signal, () => {
    killAllNow();
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
 * What one kill cut through, read from a copy of the database taken while no process holds it
 * (the killed process is gone, the next one not yet spawned): exactly what was durable at the kill.
 */
interface KillSnapshot {
  /** Children initiated in the parent's history but not yet started there (fx:child-start pending). */
  initiated: number;
  /** …of which the child run already existed: the restart retries a start that happened. */
  initiatedRunExists: number;
  /** Family children started in the parent's history whose close the parent had not recorded yet. */
  open: number;
  /** Children closed in their own history, whose close their (open) parent had not recorded yet. */
  closedUntold: number;
  /** Pending effect rows by kind. */
  fxChildStart: number;
  fxNotifyParent: number;
  fxCloseChild: number;
}

function snapshotAfterKill(dbPath: string, dir: string): KillSnapshot {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, 'copy.db');
  copyFileSync(dbPath, copy);
  // The engine runs WAL with locking_mode=EXCLUSIVE: the WAL holds the latest commits and there
  // is no -shm; opening the copy read-write replays the WAL like the next launch will.
  if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, `${copy}-wal`);
  const db = new Database(copy, { fileMustExist: true });
  try {
    const runs = new Set((db.prepare('SELECT workflow_id AS id FROM workflows').all() as { id: string }[]).map((r) => r.id));
    const historyOf = new Map<string, HistoryEvent[]>();
    for (const row of db.prepare('SELECT workflow_id AS id, event FROM history ORDER BY workflow_id, event_id').all() as { id: string; event: string }[]) {
      let list = historyOf.get(row.id);
      if (!list) historyOf.set(row.id, (list = []));
      list.push(JSON.parse(row.event) as HistoryEvent);
    }
    const timers = (db.prepare('SELECT timer_id AS id FROM timers').all() as { id: string }[]).map((r) => r.id);
    const s: KillSnapshot = {
      initiated: 0,
      initiatedRunExists: 0,
      open: 0,
      closedUntold: 0,
      fxChildStart: timers.filter((t) => t.startsWith('fx:child-start:')).length,
      fxNotifyParent: timers.filter((t) => t === 'fx:notify-parent').length,
      fxCloseChild: timers.filter((t) => t.startsWith('fx:close-child:')).length,
    };
    for (const { parentId, childId: cid, policy } of allChildren()) {
      const events = historyOf.get(parentId) ?? [];
      const initiated = eventsOf(events, 'StartChildWorkflowExecutionInitiated').find((e) => e.attributes.workflowId === cid);
      if (!initiated) continue;
      const seq = initiated.attributes.seq;
      const started = eventsOf(events, 'ChildWorkflowExecutionStarted').some((e) => e.attributes.seq === seq);
      const told = eventsOf(events, 'ChildWorkflowExecutionClosed').some((e) => e.attributes.seq === seq);
      if (!started) {
        s.initiated++;
        if (runs.has(cid)) s.initiatedRunExists++;
      } else if (!told && policy === undefined) {
        s.open++;
        const own = historyOf.get(cid) ?? [];
        if (own.some((e) => CLOSE_TYPES.has(e.type))) s.closedUntold++;
      }
    }
    return s;
  } finally {
    db.close();
    if (!keepTmp) rmSync(dir, { recursive: true, force: true });
  }
}

const CLOSE_TYPES: ReadonlySet<string> = new Set([
  'WorkflowExecutionCompleted',
  'WorkflowExecutionFailed',
  'WorkflowExecutionCanceled',
  'WorkflowExecutionTerminated',
  'WorkflowExecutionTimedOut',
  'WorkflowExecutionContinuedAsNew',
]);

/** Never expected anywhere: a crash must not look like a failure, a timeout or a refused start. */
const FORBIDDEN_EVENTS = new Set([
  'ActivityTaskFailed',
  'ActivityTaskTimedOut',
  'ActivityTaskCancelRequested',
  'ActivityTaskCanceled',
  'WorkflowExecutionFailed',
  'WorkflowExecutionTimedOut',
  'WorkflowExecutionContinuedAsNew',
  'StartChildWorkflowExecutionFailed',
  'ExternalWorkflowRequestInitiated',
  'ExternalWorkflowRequestDone',
]);

interface ActivityRecord {
  workflowId: string;
  activityId: string;
  activityType: string;
  completedTime: number;
  completedIdentity: string | undefined;
}

test('SIGKILL mid-child: every parent and child workflow finishes exactly as planned', { timeout: 120_000 }, async (t) => {
  const seed = process.env['CRASH_SEED'] ? Number(process.env['CRASH_SEED']) : Math.floor(Math.random() * 2 ** 31);
  const random = prng(seed);
  t.diagnostic(`seed ${seed} (re-run with CRASH_SEED=${seed})`);
  console.log(`crash-children seed: ${seed} (re-run with CRASH_SEED=${seed}), temp dir ${tmp}`);
  const dbPath = join(tmp, 'endure.db');
  const logPath = join(tmp, 'log.jsonl');
  const baseArgs = ['--db', dbPath, '--log', logPath];
  const t0 = Date.now();

  // --- the kills: MIN_KILLS of them, half at random moments and half chasing a narrow window; up
  //     to MAX_KILLS while no kill has yet cut through a child start (initiated, not started) or a
  //     child's close on its way to its parent, as the copy of the database taken after each kill
  //     shows. Open children (started, not yet closed in the parent) are found by nearly every kill.
  const launches: Launch[] = [];
  const snapshots: KillSnapshot[] = [];
  const hit = (w: Window) =>
    snapshots.some((s) =>
      w === 'initiated' ? s.initiated > 0
      : w === 'created' ? s.initiatedRunExists > 0
      : w === 'untold' ? s.closedUntold > 0 || s.fxNotifyParent > 0
      : s.fxCloseChild > 0,
    );
  for (let i = 0; i < MAX_KILLS; i++) {
    const launch = new Launch(i, i === 0 ? [...baseArgs, '--start'] : baseArgs);
    launches.push(launch);
    // The first launch reports 'ready' after every start was acknowledged: no kill before the parents exist.
    await launch.waitFor('ready');
    // Even kills come at a random moment. Odd ones, and any beyond MIN_KILLS, chase: after a
    // random delay they wait for the next narrow window the launch announces (of a kind no kill
    // has cut through yet, if any is left) and kill at once — or give up waiting and kill anyway.
    const chase = i % 2 === 1 || i >= MIN_KILLS;
    launch.killDelay = Math.round(KILL_DELAY_MIN_MS + random() * ((chase ? CHASE_DELAY_MAX_MS : KILL_DELAY_MAX_MS) - KILL_DELAY_MIN_MS));
    const cancelWait = new AbortController();
    await Promise.race([delay(launch.killDelay, undefined, { signal: cancelWait.signal }).catch(() => undefined), launch.exited]);
    cancelWait.abort();
    if (chase) {
      const missing = WINDOWS.filter((w) => !hit(w));
      const wanted = new Set<string>(missing.length > 0 ? missing : WINDOWS);
      const w = await launch.nextMessage((m) => m.type === 'window' && wanted.has(String(m['window'])), launch.messages.length, CHASE_WAIT_MS);
      if (w) launch.chased = { window: String(w['window']), workflowId: String(w['workflowId']), eventTime: Number(w['eventTime']), seenAt: Number(w['time']), killedAt: Date.now() };
    }
    assert.equal(launch.exitInfo, undefined, `launch #${i} died on its own before it was killed:\n${launch.describe()}`);
    const exit = await launch.kill();
    assert.equal(exit.signal, 'SIGKILL', `launch #${i} should have died of SIGKILL:\n${launch.describe()}`);
    assert.ok(!launch.messages.some((m) => m.type === 'idle'), `launch #${i} ran out of work before it was killed: the work must outlast the kills`);
    snapshots.push(snapshotAfterKill(dbPath, join(tmp, `snapshot-${i}`)));
    if (i + 1 >= MIN_KILLS && snapshots.some((s) => s.open > 0) && (hit('initiated') || hit('untold'))) break;
  }
  const kills = launches.length;

  // --- the final run: it finishes everything and reports ---
  const finalLaunch = new Launch(kills, [...baseArgs, '--final']);
  launches.push(finalLaunch);
  const resultsMsg = await finalLaunch.waitFor('results');
  const timeout = new AbortController();
  const finalExit = await Promise.race([finalLaunch.exited, delay(STEP_TIMEOUT_MS, undefined, { signal: timeout.signal }).catch(() => undefined)]);
  timeout.abort();
  assert.deepEqual(finalExit, { code: 0, signal: null }, `the final launch should exit cleanly:\n${finalLaunch.describe()}`);
  const elapsedRun = Date.now() - t0;

  // 1. The final launch's view: every parent's result exactly right, every child's outcome as planned.
  const outcomes = new Map((resultsMsg['results'] as Outcome[]).map((o) => [o.workflowId, o]));
  const outcome = (id: string) => {
    const o = outcomes.get(id);
    assert.ok(o, `the final launch reported ${id}`);
    return o;
  };
  assert.equal(outcomes.size, allParents().length + allChildren().length, 'one outcome per parent and per child');
  for (const p of allParents()) {
    const o = outcome(p.id);
    const expected = p.kind === 'family' ? expectedFamilyResult(p.n) : expectedCloserResult(p.policy, p.n);
    assert.deepEqual({ status: o.status, result: o.result, error: o.error }, { status: 'COMPLETED', result: expected, error: undefined }, `${p.id}: outcome`);
  }
  for (const c of allChildren()) {
    const o = outcome(c.childId);
    if (c.family !== undefined) {
      assert.deepEqual({ status: o.status, result: o.result, error: o.error }, { status: 'COMPLETED', result: expectedChildResult(c.family, c.k), error: undefined }, `${c.childId}: outcome`);
    } else if (c.policy === 'ABANDON') {
      assert.deepEqual({ status: o.status, result: o.result, error: o.error }, { status: 'COMPLETED', result: expectedAbandonedResult(c.n), error: undefined }, `${c.childId}: outcome`);
    } else {
      const [status, causeName] = c.policy === 'TERMINATE' ? ['TERMINATED', 'TerminatedFailure'] : ['CANCELED', 'CancelledFailure'];
      assert.deepEqual({ status: o.status, result: o.result, name: o.error?.name, causeName: o.error?.causeName }, { status, result: undefined, name: 'WorkflowFailedError', causeName }, `${c.childId}: outcome ${JSON.stringify(o.error)}`);
    }
  }

  // --- the engine's record, read now that no process holds the database ---
  const histories = new Map<string, HistoryEvent[]>();
  const runIds = new Map<string, string>();
  const activities = new Map<string, ActivityRecord>();
  const connection = await Connection.connect({ address: `sqlite:${dbPath}` });
  try {
    const client = new Client({ connection });
    for (const id of [...allParents().map((p) => p.id), ...allChildren().map((c) => c.childId)]) {
      const handle = client.workflow.getHandle(id);
      const d = await handle.describe();
      const { events } = await handle.fetchHistory();
      histories.set(id, events);
      runIds.set(id, d.runId);
      assert.equal(d.status, outcome(id).status, `${id}: status`);

      // 2. One run per id, started once; gapless history; no failure, timeout or refused start.
      const first = events[0];
      assert.ok(first?.type === 'WorkflowExecutionStarted', `${id}: history starts with WorkflowExecutionStarted`);
      assert.equal(first.attributes.firstRunId, d.runId, `${id}: the first run of its chain`);
      assert.equal(first.attributes.attempt, 1, `${id}: workflow attempt`);
      assert.equal(first.attributes.taskQueue, TASK_QUEUE, `${id}: task queue`);
      assert.equal(eventsOf(events, 'WorkflowExecutionStarted').length, 1, `${id}: exactly one WorkflowExecutionStarted`);
      assert.deepEqual(
        events.map((e) => e.eventId),
        events.map((_, i) => i + 1),
        `${id}: event ids are 1..n without gaps`,
      );
      const bad = events.filter((e) => FORBIDDEN_EVENTS.has(e.type)).map((e) => `${e.eventId} ${e.type}`);
      assert.deepEqual(bad, [], `${id}: no failed, timed-out or cancelled activity, no failed or refused start`);
      assert.ok(CLOSE_TYPES.has(events[events.length - 1]!.type), `${id}: history ends with its close`);
      assert.equal(events.filter((e) => CLOSE_TYPES.has(e.type)).length, 1, `${id}: closed once`);

      // 3. Every activity completed exactly once, on its first attempt (a crash is not a failed
      //    attempt).
      const scheduled = eventsOf(events, 'ActivityTaskScheduled');
      const completedActs = eventsOf(events, 'ActivityTaskCompleted');
      assert.equal(completedActs.length, scheduled.length, `${id}: as many activity completions as schedules`);
      for (const s of scheduled) {
        const done = completedActs.filter((c) => c.attributes.seq === s.attributes.seq);
        assert.equal(done.length, 1, `${id}: activity seq ${s.attributes.seq} (${s.attributes.activityType}) completed exactly once`);
        const c = done[0]!;
        assert.equal(c.attributes.attempt, 1, `${id}: ${s.attributes.activityType} completed on attempt 1`);
        activities.set(`${id}/${s.attributes.activityId}`, {
          workflowId: id,
          activityId: s.attributes.activityId,
          activityType: s.attributes.activityType,
          completedTime: c.eventTime,
          completedIdentity: c.attributes.identity,
        });
      }
    }
  } finally {
    await connection.close();
  }

  const activityResults = (events: HistoryEvent[]) =>
    eventsOf(events, 'ActivityTaskScheduled').map((s) => [s.attributes.activityType, decodePayload(eventsOf(events, 'ActivityTaskCompleted').find((c) => c.attributes.seq === s.attributes.seq)!.attributes.result)]);
  const timerSeqs = (events: HistoryEvent[], type: 'TimerStarted' | 'TimerFired' | 'TimerCanceled') => eventsOf(events, type).map((e) => e.attributes.seq);
  const closeEvent = (id: string) => histories.get(id)!.at(-1)!;
  const childEventsOf = (events: HistoryEvent[]) => ({
    initiated: eventsOf(events, 'StartChildWorkflowExecutionInitiated'),
    started: eventsOf(events, 'ChildWorkflowExecutionStarted'),
    closed: eventsOf(events, 'ChildWorkflowExecutionClosed'),
  });

  // 4. The parents' histories: exactly one Initiated, one Started and (for a family) one Closed
  //    event per child, in that order, with the child's one run id and its result.
  for (const p of allParents()) {
    const events = histories.get(p.id)!;
    const { initiated, started, closed } = childEventsOf(events);
    assert.deepEqual(timerSeqs(events, 'TimerStarted'), [], `${p.id}: no timers`);
    assert.equal(eventsOf(events, 'WorkflowExecutionSignaled').length + eventsOf(events, 'WorkflowExecutionCancelRequested').length, 0, `${p.id}: no signals or cancellation`);
    assert.equal(closeEvent(p.id).type, 'WorkflowExecutionCompleted', `${p.id}: closes completed`);
    if (p.kind === 'family') {
      const ids = Array.from({ length: CHILDREN_PER_FAMILY }, (_, k) => childId(p.n, k));
      assert.deepEqual(initiated.map((e) => e.attributes.workflowId), ids, `${p.id}: one StartChildWorkflowExecutionInitiated per child, in order`);
      assert.deepEqual(started.map((e) => e.attributes.workflowId), ids, `${p.id}: one ChildWorkflowExecutionStarted per child, in order`);
      assert.deepEqual(closed.map((e) => e.attributes.workflowId).sort(), [...ids].sort(), `${p.id}: one ChildWorkflowExecutionClosed per child`);
      for (const [k, cid] of ids.entries()) {
        const i = initiated[k]!;
        const s = started.find((e) => e.attributes.seq === i.attributes.seq);
        const c = closed.find((e) => e.attributes.seq === i.attributes.seq);
        assert.ok(s && c, `${p.id}: child ${cid}: Started and Closed carry the seq of its Initiated event`);
        assert.deepEqual(
          { workflowType: i.attributes.workflowType, input: i.attributes.input.map(decodePayload), policy: i.attributes.parentClosePolicy },
          { workflowType: 'familyChild', input: [p.n, k], policy: 'TERMINATE' },
          `${p.id}: child ${cid} initiated as planned`,
        );
        assert.ok(i.eventId < s.eventId && s.eventId < c.eventId, `${p.id}: child ${cid}: Initiated < Started < Closed`);
        assert.equal(s.attributes.runId, runIds.get(cid), `${p.id}: child ${cid}: Started names the child's one run`);
        assert.equal(c.attributes.runId, runIds.get(cid), `${p.id}: child ${cid}: Closed names the child's one run`);
        assert.deepEqual({ status: c.attributes.status, result: decodePayload(c.attributes.result) }, { status: 'COMPLETED', result: expectedChildResult(p.n, k) }, `${p.id}: child ${cid}: Closed carries its result`);
        if (k > 0) assert.ok(started[k - 1]!.eventId < i.eventId, `${p.id}: child ${cid} initiated only after child ${k - 1} started`);
      }
      assert.deepEqual(activityResults(events), [['prepare', prepared(p.n)]], `${p.id}: activities`);
      assert.equal(decodePayload((closeEvent(p.id) as Extract<HistoryEvent, { type: 'WorkflowExecutionCompleted' }>).attributes.result), expectedFamilyResult(p.n), `${p.id}: result in history`);
    } else {
      const cid = closerChildId(p.policy, p.n);
      assert.deepEqual(initiated.map((e) => [e.attributes.workflowId, e.attributes.parentClosePolicy]), [[cid, p.policy]], `${p.id}: one Initiated event, with its policy`);
      assert.deepEqual(started.map((e) => [e.attributes.seq, e.attributes.workflowId, e.attributes.runId]), [[initiated[0]!.attributes.seq, cid, runIds.get(cid)]], `${p.id}: one Started event, naming the child's one run`);
      // The parent closed right after the child started, long before the child closed.
      assert.deepEqual(closed, [], `${p.id}: closed before its child, so never told of its close`);
      assert.ok(closeEvent(p.id).eventTime <= closeEvent(cid).eventTime, `${p.id}: closed before its child ${cid}`);
      assert.deepEqual(activityResults(events), [['closerWork', closerValue(p.policy, p.n)]], `${p.id}: activities`);
      assert.equal(decodePayload((closeEvent(p.id) as Extract<HistoryEvent, { type: 'WorkflowExecutionCompleted' }>).attributes.result), expectedCloserResult(p.policy, p.n), `${p.id}: result in history`);
    }
  }

  // 5. The children's histories: the planned input, work and end.
  for (const c of allChildren()) {
    const events = histories.get(c.childId)!;
    const first = events[0] as Extract<HistoryEvent, { type: 'WorkflowExecutionStarted' }>;
    const last = closeEvent(c.childId);
    const fired = timerSeqs(events, 'TimerFired');
    const startedTimers = timerSeqs(events, 'TimerStarted');
    assert.equal(eventsOf(events, 'WorkflowExecutionSignaled').length, 0, `${c.childId}: no signals`);
    assert.equal(childEventsOf(events).initiated.length, 0, `${c.childId}: no children of its own`);
    if (c.family !== undefined) {
      assert.deepEqual({ type: first.attributes.workflowType, input: first.attributes.input.map(decodePayload) }, { type: 'familyChild', input: [c.family, c.k] }, `${c.childId}: started as planned`);
      assert.deepEqual(activityResults(events), [['childWork', childValue(c.family, c.k)]], `${c.childId}: activities`);
      assert.deepEqual({ started: startedTimers.length, fired }, { started: 1, fired: startedTimers }, `${c.childId}: one sleep, fired once`);
      assert.deepEqual(eventsOf(events, 'TimerStarted').map((e) => e.attributes.durationMs), [CHILD_SLEEP_MS], `${c.childId}: its sleep`);
      assert.equal(eventsOf(events, 'WorkflowExecutionCancelRequested').length, 0, `${c.childId}: not cancelled`);
      assert.ok(last.type === 'WorkflowExecutionCompleted' && decodePayload(last.attributes.result) === expectedChildResult(c.family, c.k), `${c.childId}: result in history`);
      continue;
    }
    const n = c.n;
    const parentClosed = closeEvent(c.parentId).eventTime;
    if (c.policy === 'ABANDON') {
      // 5a. Abandoned: it completed on its own, after its parent had closed.
      assert.deepEqual({ type: first.attributes.workflowType, input: first.attributes.input.map(decodePayload) }, { type: 'abandonedChild', input: [n] }, `${c.childId}: started as planned`);
      assert.deepEqual(activityResults(events), [['abandonedWork', abandonedValue(n)]], `${c.childId}: activities`);
      assert.deepEqual(eventsOf(events, 'TimerStarted').map((e) => e.attributes.durationMs), [ABANDONED_SLEEP_MS], `${c.childId}: its sleep`);
      assert.deepEqual(fired, startedTimers, `${c.childId}: its sleep fired`);
      assert.equal(eventsOf(events, 'WorkflowExecutionCancelRequested').length, 0, `${c.childId}: not cancelled`);
      assert.ok(last.type === 'WorkflowExecutionCompleted' && decodePayload(last.attributes.result) === expectedAbandonedResult(n), `${c.childId}: result in history`);
      assert.ok(last.eventTime >= parentClosed, `${c.childId}: completed after its parent closed`);
      continue;
    }
    assert.deepEqual({ type: first.attributes.workflowType, input: first.attributes.input.map(decodePayload) }, { type: 'waitingChild', input: [n] }, `${c.childId}: started as planned`);
    assert.deepEqual(fired, [], `${c.childId}: its long sleep never fired`);
    assert.ok(startedTimers.length <= 1, `${c.childId}: at most its one long sleep`);
    if (c.policy === 'TERMINATE') {
      // 5b. Terminated by its parent's close (whenever that reached it): nothing else happened to it.
      assert.ok(last.type === 'WorkflowExecutionTerminated', `${c.childId}: ends terminated, got ${last.type}`);
      assert.match(last.attributes.reason ?? '', /parentClosePolicy TERMINATE/, `${c.childId}: terminated because its parent closed`);
      assert.ok(last.eventTime >= parentClosed, `${c.childId}: terminated after its parent closed`);
      assert.deepEqual(activityResults(events), [], `${c.childId}: no activities`);
      assert.equal(eventsOf(events, 'WorkflowExecutionCancelRequested').length, 0, `${c.childId}: not cancelled`);
    } else {
      // 5c. Cancelled by its parent's close, once; its cleanup ran once; it ended CANCELED.
      const requests = eventsOf(events, 'WorkflowExecutionCancelRequested');
      assert.equal(requests.length, 1, `${c.childId}: exactly one cancel request`);
      assert.match(requests[0]!.attributes.reason ?? '', /parentClosePolicy REQUEST_CANCEL/, `${c.childId}: cancelled because its parent closed`);
      assert.ok(requests[0]!.eventTime >= parentClosed, `${c.childId}: cancel requested after its parent closed`);
      assert.deepEqual(timerSeqs(events, 'TimerCanceled'), startedTimers, `${c.childId}: its sleep (if it began) was cancelled`);
      assert.deepEqual(activityResults(events), [['cleanup', cleanupValue(n)]], `${c.childId}: the cleanup ran once`);
      assert.ok(last.type === 'WorkflowExecutionCanceled', `${c.childId}: ends cancelled, got ${last.type}`);
    }
  }

  // 6. No workflow lost or started twice, no work left behind.
  const db = new Database(dbPath, { fileMustExist: true, readonly: true });
  try {
    const rows = db.prepare('SELECT workflow_id AS id, run_id AS runId FROM workflows').all() as { id: string; runId: string }[];
    assert.deepEqual(
      rows.map((r) => r.id).sort(),
      [...allParents().map((p) => p.id), ...allChildren().map((c) => c.childId)].sort(),
      'exactly one run per parent and per child id (no child started twice), and no other ids',
    );
    for (const r of rows) assert.equal(r.runId, runIds.get(r.id), `${r.id}: the stored run is the one the API reports`);
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    assert.equal(count('current_runs'), rows.length, 'one current run per workflow id');
    assert.deepEqual(db.prepare('SELECT workflow_id, task_id FROM tasks').all(), [], 'no task rows left');
    assert.deepEqual(db.prepare('SELECT workflow_id, timer_id FROM timers').all(), [], 'no timer rows left (no effect left undone)');
  } finally {
    db.close();
  }

  // --- the log the launches and the activities wrote ---
  const log = readLog(logPath);
  const pids = launches.map((c) => c.pid);
  const launchOf = new Map(launches.map((c) => [c.pid, c]));
  assert.deepEqual(
    linesOf(log, 'launch').map((l) => l.pid),
    pids,
    'every launch logged itself, in order (the launches never overlapped)',
  );
  const wfStarts = linesOf(log, 'wf-start');
  assert.equal(wfStarts.length, allParents().length, 'one acknowledged start per parent');
  for (const s of wfStarts) {
    assert.equal(s.pid, launches[0]!.pid, `${s.workflowId} was started by the first launch`);
    assert.equal(s.runId, runIds.get(s.workflowId), `${s.workflowId}: the acknowledged run is the run that finished`);
  }

  // 7. Activities: none started after its completion was recorded, and the completing execution
  //    ended successfully in the process that reported it.
  const violations: string[] = [];
  for (const [key, a] of activities) {
    const execs = linesOf(log, 'activity').filter((l) => `${l.workflowId}/${l.activityId}` === key);
    const starts = execs.filter((e) => e.phase === 'start');
    if (starts.length === 0) violations.push(`${key}: completed in history but never executed`);
    for (const s of starts) if (s.time > a.completedTime) violations.push(`${key} (${a.activityType}): started at ${s.time} by pid ${s.pid}, after its completion was recorded at ${a.completedTime}`);
    const completer = Number.parseInt(a.completedIdentity ?? '', 10);
    if (!launchOf.has(completer)) violations.push(`${key}: completed by identity ${a.completedIdentity}, not a launched process`);
    if (!execs.some((e) => e.phase === 'end' && e.ok && e.pid === completer)) violations.push(`${key}: no successful end logged by its completer pid ${completer}`);
    const finalStarts = starts.filter((s) => s.pid === finalLaunch.pid).length;
    if (finalStarts > 1) violations.push(`${key}: started ${finalStarts} times by the final launch`);
  }
  for (const l of linesOf(log, 'activity')) if (!activities.has(`${l.workflowId}/${l.activityId}`)) violations.push(`${l.workflowId}/${l.activityId}: executed but in no history`);
  assert.deepEqual(violations.slice(0, 30), [], `${violations.length} violation(s)`);

  // 8. The kills landed mid-child, judged by history times: a kill at K (launch i, the next one
  //    spawned at S) cut through a step if the step began at or before K and its next step was
  //    recorded only at or after S:
  //    - initiated: the parent's Initiated event, then its Started event (the start effect);
  //      startRetried: of those, the child's run already existed at K (its first event ≤ K);
  //    - open: the parent's Started event, then its Closed event (family children);
  //    - untold: the child's close, then the parent's Closed event (the notify effect);
  //    - closing: a closer parent's close, then its child's termination or cancel request.
  const stats = launches.map((c, i) => {
    const K = c.killedAt;
    const next = launches[i + 1]?.spawnedAt;
    const cut = (before: number | undefined, afterT: number | undefined) => K !== undefined && next !== undefined && before !== undefined && afterT !== undefined && before <= K && afterT >= next;
    let initiated = 0;
    let startRetried = 0;
    let open = 0;
    let untold = 0;
    let closing = 0;
    for (const ch of allChildren()) {
      const events = histories.get(ch.parentId)!;
      const { initiated: ini, started, closed } = childEventsOf(events);
      const iEv = ini.find((e) => e.attributes.workflowId === ch.childId)!;
      const sEv = started.find((e) => e.attributes.seq === iEv.attributes.seq);
      const cEv = closed.find((e) => e.attributes.seq === iEv.attributes.seq);
      const own = histories.get(ch.childId)!;
      if (cut(iEv.eventTime, sEv?.eventTime)) {
        initiated++;
        if (K !== undefined && own[0]!.eventTime <= K) startRetried++;
      }
      if (ch.family !== undefined) {
        if (cut(sEv?.eventTime, cEv?.eventTime)) open++;
        if (cut(own.at(-1)!.eventTime, cEv?.eventTime)) untold++;
      } else if (ch.policy !== 'ABANDON') {
        const reached = ch.policy === 'TERMINATE' ? own.at(-1) : eventsOf(own, 'WorkflowExecutionCancelRequested')[0];
        if (cut(closeEvent(ch.parentId).eventTime, reached?.eventTime)) closing++;
      }
    }
    const mine = log.filter((l) => l.pid === c.pid);
    const begun = linesOf(mine, 'activity').filter((l) => l.phase === 'start');
    const interrupted = begun.filter((s) => !linesOf(mine, 'activity').some((e) => e.phase === 'end' && e.activityId === s.activityId && e.workflowId === s.workflowId)).length;
    const snap = snapshots[i];
    return {
      launch: c.index,
      pid: c.pid,
      spawnedAt: c.spawnedAt - t0,
      killedAt: c.killedAt === undefined ? null : c.killedAt - t0,
      chased: c.chased ? `${c.chased.window} ${c.chased.eventTime - t0}/+${c.chased.seenAt - c.chased.eventTime}/+${c.chased.killedAt - c.chased.seenAt}` : '',
      activities: begun.length,
      interrupted,
      initiated,
      startRetried,
      open,
      untold,
      closing,
      snap: snap ? `i${snap.initiated}/r${snap.initiatedRunExists} o${snap.open} u${snap.closedUntold} fx:${snap.fxChildStart}/${snap.fxNotifyParent}/${snap.fxCloseChild}` : '',
    };
  });
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
