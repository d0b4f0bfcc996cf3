import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivationResult, Command, HistoryEvent, Job } from '@endure/protocol';
import { HistoryGapError, WorkflowReplayer, type ActivationContext, type WorkflowCode } from '../src/index.js';

const run = { namespace: 'default', workflowId: 'w', runId: 'r' };
const payload = (v: unknown) => ({ metadata: { encoding: 'json/plain' }, data: JSON.stringify(v) });

/**
 * A hand-written "workflow": schedules activity `a` on start, then a timer when `a` resolves,
 * then completes when the timer fires. It records every activation it was given.
 */
class ScriptedWorkflow implements WorkflowCode {
  activations: { jobs: Job[]; ctx: ActivationContext }[] = [];
  constructor(private readonly activityType = 'a') {}
  activate(jobs: Job[], ctx: ActivationContext): ActivationResult {
    this.activations.push({ jobs, ctx });
    const commands: Command[] = [];
    for (const j of jobs) {
      if (j.type === 'startWorkflow') commands.push({ type: 'ScheduleActivity', seq: 1, activityId: '1', activityType: this.activityType, args: [], timeouts: {}, retryPolicy: {} });
      if (j.type === 'resolveActivity') commands.push({ type: 'StartTimer', seq: 1, durationMs: 1000 });
      if (j.type === 'fireTimer') commands.push({ type: 'CompleteWorkflow', result: payload(ctx.time) });
    }
    return { ok: true, commands };
  }
}

let t = 1000;
function ev<T extends HistoryEvent['type']>(eventId: number, type: T, attributes: Extract<HistoryEvent, { type: T }>['attributes']): HistoryEvent {
  return { eventId, eventTime: t++, type, attributes } as HistoryEvent;
}

const started = ev(1, 'WorkflowExecutionStarted', { workflowType: 'wf', taskQueue: 'q', input: [], firstRunId: 'r', attempt: 1, randomnessSeed: 's', workflowTaskTimeoutMs: 10_000 });
const fullHistory: HistoryEvent[] = [
  started,
  ev(2, 'WorkflowTaskCompleted', { sawUpTo: 1, time: 5000 }),
  ev(3, 'ActivityTaskScheduled', { seq: 1, activityId: '1', activityType: 'a', taskQueue: 'q', input: [], timeouts: {}, retryPolicy: {} }),
  ev(4, 'ActivityTaskCompleted', { seq: 1, result: payload('x'), attempt: 1 }),
  ev(5, 'WorkflowTaskCompleted', { sawUpTo: 4, time: 6000 }),
  ev(6, 'TimerStarted', { seq: 1, durationMs: 1000, fireAt: 7000 }),
  ev(7, 'TimerFired', { seq: 1 }),
];

describe('WorkflowReplayer', () => {
  it('replays recorded activations with their recorded times, then runs one live activation', () => {
    const code = new ScriptedWorkflow();
    const out = new WorkflowReplayer(code, run).advance(fullHistory, 9000);
    assert.deepEqual(out, { ok: true, commands: [{ type: 'CompleteWorkflow', result: payload(9000) }], sawUpTo: 7, time: 9000 });
    assert.deepEqual(code.activations.map((a) => [a.ctx.time, a.ctx.replaying, a.jobs.map((j) => j.type)]), [
      [5000, true, ['startWorkflow']],
      [6000, true, ['resolveActivity']],
      [9000, false, ['fireTimer']],
    ]);
  });

  it('continues a cached run from only the new events, accepting its own commands back from history', () => {
    const code = new ScriptedWorkflow();
    const r = new WorkflowReplayer(code, run);
    assert.equal(r.advance([started], 5000).ok, true);
    const second = r.advance(fullHistory.slice(1, 4), 6000);
    assert.deepEqual(second.ok && second.commands, [{ type: 'StartTimer', seq: 1, durationMs: 1000 }]);
    const third = r.advance(fullHistory.slice(4), 9000);
    assert.equal(third.ok, true);
    assert.equal(code.activations.length, 3, 'a cached run never re-runs old activations');
    assert.ok(code.activations.every((a) => !a.ctx.replaying));
  });

  it('delivers events that arrived during a task in the next activation, not the one that was running', () => {
    const code = new ScriptedWorkflow();
    const history: HistoryEvent[] = [
      started,
      ev(2, 'ActivityTaskCompleted', { seq: 9, result: payload('late'), attempt: 1 }), // arrived while task 1 ran
      ev(3, 'WorkflowTaskCompleted', { sawUpTo: 1, time: 5000 }),
      ev(4, 'ActivityTaskScheduled', { seq: 1, activityId: '1', activityType: 'a', taskQueue: 'q', input: [], timeouts: {}, retryPolicy: {} }),
    ];
    new WorkflowReplayer(code, run).advance(history, 6000);
    assert.deepEqual(code.activations.map((a) => a.jobs.map((j) => j.type)), [['startWorkflow'], ['resolveActivity']]);
  });

  it('reports nondeterminism with the event id, what history recorded and what the code did', () => {
    const out = new WorkflowReplayer(new ScriptedWorkflow('b'), run).advance(fullHistory, 9000);
    assert.equal(out.ok, false);
    assert.ok(!out.ok && out.nondeterminism);
    assert.match(!out.ok ? out.failure.message : '', /event 3: history recorded ActivityTaskScheduled\(seq 1, activity 'a'\), but the workflow code now issues ScheduleActivity\(seq 1, activity 'b'\)/);
    assert.equal(!out.ok && out.failure.info?.type === 'application' && out.failure.info.errorType, 'NondeterminismError');
  });

  it('detects a command the code no longer issues, and one it newly issues', () => {
    const silent: WorkflowCode = { activate: () => ({ ok: true, commands: [] }) };
    const missing = new WorkflowReplayer(silent, run).advance(fullHistory, 9000);
    assert.match(!missing.ok ? missing.failure.message : '', /event 3: history recorded ActivityTaskScheduled.*issues no such command/);

    const extra: WorkflowCode = {
      activate: (jobs) => ({
        ok: true,
        commands: jobs.some((j) => j.type === 'startWorkflow')
          ? [
              { type: 'ScheduleActivity', seq: 1, activityId: '1', activityType: 'a', args: [], timeouts: {}, retryPolicy: {} },
              { type: 'StartTimer', seq: 5, durationMs: 1 },
            ]
          : [],
      }),
    };
    const added = new WorkflowReplayer(extra, run).advance(fullHistory, 9000);
    assert.match(!added.ok ? added.failure.message : '', /event 4: history recorded ActivityTaskCompleted\(seq 1\).*but the workflow code now issues StartTimer\(seq 5\)/);
  });

  it('turns code that throws during replay into a task failure carrying that error', () => {
    const throwing: WorkflowCode = { activate: () => ({ ok: false, failure: { message: 'boom', info: { type: 'application', errorType: 'TypeError', nonRetryable: false } } }) };
    const out = new WorkflowReplayer(throwing, run).advance(fullHistory, 9000);
    assert.deepEqual(!out.ok && [out.failure.message, out.nondeterminism], ['boom', false]);
  });

  it('refuses events that do not continue where it stopped', () => {
    const r = new WorkflowReplayer(new ScriptedWorkflow(), run);
    r.advance([started], 5000);
    assert.throws(() => r.advance(fullHistory.slice(2), 6000), HistoryGapError);
  });

  it('never lets logical time run backwards', () => {
    const code = new ScriptedWorkflow();
    new WorkflowReplayer(code, run).advance(fullHistory, 1);
    assert.equal(code.activations.at(-1)!.ctx.time, 6000);
  });
});
