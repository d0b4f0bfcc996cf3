// Cron chains and delayed starts, on a real SQLite file and a clock the test sets: each run waits
// for its scheduled time, each close that completes, fails or times out starts the next run in the
// same write, and a restart between runs neither loses nor doubles the next one.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Command, EventOf, HistoryEvent, StartWorkflowRequest, WorkflowTask } from '@endure/protocol';
import { systemClock, type Clock, type Engine } from '../src/index.js';
import { openEngine, p, tempDir, type OpenEngine } from './support.js';

/** Engine time the test sets; deadlines fire when it passes them. */
class ManualClock implements Clock {
  private entries: { at: number; fn: () => void }[] = [];
  constructor(private t: number) {}
  readonly now = (): number => this.t;
  readonly schedule = (ms: number, fn: () => void): (() => void) => {
    const e = { at: this.t + Math.max(0, ms), fn };
    if (ms <= 0) {
      const h = setImmediate(fn);
      return () => clearImmediate(h);
    }
    this.entries.push(e);
    return () => (this.entries = this.entries.filter((x) => x !== e));
  };
  set(iso: string): void {
    this.t = Date.parse(iso);
    const due = this.entries.filter((e) => e.at <= this.t).sort((a, b) => a.at - b.at);
    this.entries = this.entries.filter((e) => e.at > this.t);
    for (const e of due) e.fn();
  }
}

const dir = tempDir();
const ns = 'default';
const taskQueue = 'cron';
const TEN_YEARS = 10 * 365 * 24 * 3600_000;

async function open(file: string, clock: ManualClock): Promise<OpenEngine> {
  // Real time for long-poll waits; every durable timer held in memory, so setting the clock reaches it.
  return openEngine(join(dir, file), { clock, waits: systemClock, timerHorizonMs: TEN_YEARS });
}

const start = (workflowId: string, more: Partial<StartWorkflowRequest>): StartWorkflowRequest => ({ namespace: ns, workflowId, workflowType: 'report', taskQueue, input: [p('in')], ...more });

async function poll(engine: Engine, timeoutMs = 2000): Promise<WorkflowTask | null> {
  return engine.pollWorkflowTask({ namespace: ns, taskQueue, identity: 'test', timeoutMs });
}

async function runOnce(engine: Engine, commands: Command[]): Promise<WorkflowTask> {
  const t = await poll(engine);
  assert.ok(t, 'the run got its workflow task');
  await engine.completeWorkflowTask({ taskToken: t.taskToken, commands, sawUpTo: t.lastEventId, time: Date.now() });
  return t;
}

async function closeEvent(engine: Engine, workflowId: string, runId: string): Promise<HistoryEvent> {
  const r = await engine.getResult({ namespace: ns, workflowId, runId, timeoutMs: 2000 });
  assert.ok(r.closeEvent, `run ${runId} closed`);
  return r.closeEvent;
}

async function started(engine: Engine, workflowId: string, runId: string): Promise<EventOf<'WorkflowExecutionStarted'>['attributes']> {
  const [first] = (await engine.getHistory({ namespace: ns, workflowId, runId })).events;
  assert.equal(first?.type, 'WorkflowExecutionStarted');
  return (first as EventOf<'WorkflowExecutionStarted'>).attributes;
}

const newRunIdOf = (e: HistoryEvent) => ('newRunId' in e.attributes ? e.attributes.newRunId : undefined);

async function runsOf(engine: Engine, workflowId: string) {
  return (await engine.listWorkflows({ namespace: ns, query: `WorkflowId = '${workflowId}'` })).executions;
}

describe('cron schedules and delayed starts', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for the first matching time; each completed or failed run is followed by the next at its time, with the same input', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T00:00:30Z'));
    const h = await open('chain.db', clock);
    try {
      const { runId: first } = await h.engine.startWorkflow(start('report-1', { cronSchedule: '* * * * *' }));
      const d = await h.engine.describeWorkflow({ namespace: ns, workflowId: 'report-1' });
      assert.equal(d.status, 'RUNNING');
      assert.equal(d.cronSchedule, '* * * * *');
      assert.equal(new Date(d.executionTime!).toISOString(), '2030-01-01T00:01:00.000Z');
      assert.equal(d.pendingWorkflowTask, undefined, 'no workflow task before the scheduled time');
      assert.equal(await poll(h.engine, 100), null, 'nothing runs before 00:01');
      await assert.rejects(h.engine.queryWorkflow({ namespace: ns, workflowId: 'report-1', queryType: 'state', args: [] }), /has not started running: it waits for its cron schedule/);
      // An update could not be accepted before then either: said at once, not waited on.
      await assert.rejects(
        h.engine.updateWorkflow({ namespace: ns, workflowId: 'report-1', updateId: 'u-early', updateName: 'bump', args: [], waitForStage: 'ACCEPTED', timeoutMs: 60_000 }),
        /update 'bump': workflow 'report-1' has not started running: it waits for its cron schedule .* send it after that/,
      );

      clock.set('2030-01-01T00:01:00Z');
      const t1 = await runOnce(h.engine, [{ type: 'CompleteWorkflow', result: p(1) }]);
      const s1 = t1.events[0] as EventOf<'WorkflowExecutionStarted'>;
      assert.equal(s1.attributes.cronSchedule, '* * * * *');
      assert.equal(s1.attributes.firstWorkflowTaskBackoffMs, 30_000);

      const close1 = await closeEvent(h.engine, 'report-1', first);
      assert.equal(close1.type, 'WorkflowExecutionCompleted');
      const second = newRunIdOf(close1);
      assert.ok(second, 'the completion names the next run of the chain');
      const a2 = await started(h.engine, 'report-1', second);
      assert.deepEqual(a2.input, [p('in')], 'the same input');
      assert.deepEqual(a2.lastCompletionResult, p(1));
      assert.equal(a2.firstRunId, first);
      assert.equal(a2.firstWorkflowTaskBackoffMs, 60_000, 'closed at 00:01, next at 00:02');
      const d2 = await h.engine.describeWorkflow({ namespace: ns, workflowId: 'report-1' });
      assert.equal(d2.runId, second);
      assert.equal(new Date(d2.executionTime!).toISOString(), '2030-01-01T00:02:00.000Z');
      assert.equal(d2.firstRunId, first);

      // A failed run is followed too, and the chain remembers the last result.
      clock.set('2030-01-01T00:02:10Z');
      await runOnce(h.engine, [{ type: 'FailWorkflow', failure: { message: 'boom' } }]);
      const close2 = await closeEvent(h.engine, 'report-1', second);
      assert.equal(close2.type, 'WorkflowExecutionFailed');
      const third = newRunIdOf(close2)!;
      const a3 = await started(h.engine, 'report-1', third);
      assert.deepEqual(a3.lastCompletionResult, p(1));
      assert.equal(a3.continuedFailure?.message, 'boom');
      assert.equal(a3.firstWorkflowTaskBackoffMs, 50_000, 'closed at 00:02:10, next at 00:03');

      const runs = await runsOf(h.engine, 'report-1');
      assert.deepEqual(runs.map((r) => r.status).sort(), ['COMPLETED', 'FAILED', 'RUNNING']);
    } finally {
      await h.close();
    }
  });

  it('a restart between runs neither loses nor doubles the next run, which starts at its time', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
    let h = await open('restart.db', clock);
    const { runId: first } = await h.engine.startWorkflow(start('report-2', { cronSchedule: '@every 1h' }));
    clock.set('2030-01-01T01:00:00Z');
    await runOnce(h.engine, [{ type: 'CompleteWorkflow', result: p('a') }]);
    const second = newRunIdOf(await closeEvent(h.engine, 'report-2', first))!;
    await h.close();

    const later = new ManualClock(Date.parse('2030-01-01T01:30:00Z'));
    h = await open('restart.db', later);
    try {
      const runs = await runsOf(h.engine, 'report-2');
      assert.deepEqual(runs.map((r) => [r.runId, r.status]).sort(), [[first, 'COMPLETED'], [second, 'RUNNING']].sort());
      assert.equal(await poll(h.engine, 100), null, 'the next run still waits for 02:00');
      later.set('2030-01-01T02:00:00Z');
      const t = await runOnce(h.engine, [{ type: 'CompleteWorkflow', result: p('b') }]);
      assert.equal(t.runId, second);
      assert.equal((await runsOf(h.engine, 'report-2')).length, 3);
    } finally {
      await h.close();
    }
  });

  it('a run timeout closes a cron run into the next; terminating or cancelling ends the chain', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
    const h = await open('end.db', clock);
    try {
      const { runId: first } = await h.engine.startWorkflow(start('report-3', { cronSchedule: '0 * * * *', workflowRunTimeoutMs: 600_000 }));
      clock.set('2030-01-01T01:00:00Z');
      assert.ok(await poll(h.engine), 'the first run started');
      clock.set('2030-01-01T01:10:00Z');
      const timedOut = await closeEvent(h.engine, 'report-3', first);
      assert.equal(timedOut.type, 'WorkflowExecutionTimedOut');
      const second = newRunIdOf(timedOut)!;
      assert.equal((await started(h.engine, 'report-3', second)).continuedFailure?.message, 'workflow run timed out');

      await h.engine.terminateWorkflow({ namespace: ns, workflowId: 'report-3', reason: 'enough' });
      const terminated = await closeEvent(h.engine, 'report-3', second);
      assert.equal(terminated.type, 'WorkflowExecutionTerminated');
      assert.equal((await h.engine.describeWorkflow({ namespace: ns, workflowId: 'report-3' })).status, 'TERMINATED', 'no run follows');

      const { runId: c } = await h.engine.startWorkflow(start('report-4', { cronSchedule: '0 * * * *' }));
      await h.engine.requestCancelWorkflow({ namespace: ns, workflowId: 'report-4' });
      assert.equal(await poll(h.engine, 100), null, 'a cron run gets its cancel request at its scheduled time');
      clock.set('2030-01-01T02:00:00Z');
      const t = await runOnce(h.engine, [{ type: 'CancelWorkflow' }]);
      assert.ok(t.events.some((e) => e.type === 'WorkflowExecutionCancelRequested'));
      assert.equal((await closeEvent(h.engine, 'report-4', c)).type, 'WorkflowExecutionCanceled');
      assert.equal((await runsOf(h.engine, 'report-4')).length, 1, 'no run follows a cancelled one');
    } finally {
      await h.close();
    }
  });

  it('a start delay waits, and a signal ends it early', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
    const h = await open('delay.db', clock);
    try {
      await h.engine.startWorkflow(start('delayed-1', { startDelayMs: 3_600_000 }));
      assert.equal(await poll(h.engine, 100), null);
      clock.set('2030-01-01T01:00:00Z');
      assert.ok(await poll(h.engine), 'the first task comes at the end of the delay');

      await h.engine.startWorkflow(start('delayed-2', { startDelayMs: 3_600_000 }));
      assert.equal(await poll(h.engine, 100), null);
      await h.engine.signalWorkflow({ namespace: ns, workflowId: 'delayed-2', signalName: 'go', input: [] });
      const t = await poll(h.engine);
      assert.equal(t?.workflowId, 'delayed-2');
      assert.ok(t.events.some((e) => e.type === 'WorkflowExecutionSignaled'));
      const d = await h.engine.describeWorkflow({ namespace: ns, workflowId: 'delayed-2' });
      assert.equal(d.executionTime, Date.parse('2030-01-01T01:00:00Z'), 'it began when the signal came');
    } finally {
      await h.close();
    }
  });

  it('refuses a bad schedule, and cronSchedule with startDelay, naming the option', async () => {
    const h = await open('bad.db', new ManualClock(Date.parse('2030-01-01T00:00:00Z')));
    try {
      await assert.rejects(h.engine.startWorkflow(start('bad-1', { cronSchedule: '* * *' })), { code: 'INVALID_ARGUMENT', message: /^cronSchedule '\* \* \*': expected 5 fields/ });
      await assert.rejects(h.engine.startWorkflow(start('bad-2', { cronSchedule: '0 0 30 2 *' })), { code: 'INVALID_ARGUMENT', message: /cronSchedule '0 0 30 2 \*' never matches/ });
      await assert.rejects(h.engine.startWorkflow(start('bad-3', { cronSchedule: '@hourly', startDelayMs: 1000 })), { code: 'INVALID_ARGUMENT', message: /cronSchedule and startDelay cannot be used together/ });
      assert.equal((await h.engine.listWorkflows({ namespace: ns })).executions.length, 0, 'nothing was started');
    } finally {
      await h.close();
    }
  });
});
