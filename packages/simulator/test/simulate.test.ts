// The deterministic simulator in CI: a fixed range of seeds across every fault kind with all
// invariants holding, the same seed repeating exactly, and the invariant checks themselves
// catching what they are meant to catch. More seeds: `npm run simulate -- --seeds 100000`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryEvent } from '@endure/protocol';
import { simulate, type FaultCounts } from '../src/simulation.js';
import { checkHistory } from '../src/invariants.js';

const SEEDS = 1_000;

describe('deterministic simulation', () => {
  it(`holds every invariant over ${SEEDS} seeds, with every kind of fault injected`, async () => {
    const totals: FaultCounts = { crashes: 0, failedCommits: 0, ambiguousCommits: 0, clockJumps: 0, droppedRequests: 0, duplicatedRequests: 0, droppedAnswers: 0 };
    const failing: string[] = [];
    let workflows = 0;
    let reExecutions = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = await simulate(seed);
      workflows += r.workflows;
      reExecutions += r.reExecutions;
      for (const k of Object.keys(totals) as (keyof FaultCounts)[]) totals[k] += r.faults[k];
      if (r.violations.length) failing.push(`seed ${seed} (rerun: npm run simulate -- --seed ${seed}):\n  ${r.violations.join('\n  ')}`);
    }
    assert.deepEqual(failing, []);
    for (const [kind, n] of Object.entries(totals)) assert.ok(n >= 20, `fault kind ${kind} was injected only ${n} times over ${SEEDS} seeds`);
    assert.ok(workflows >= 2 * SEEDS, `${workflows} workflows`);
    assert.ok(reExecutions > 0, 'some activity ran more than once (at-least-once is exercised)');
  });

  it('repeats a seed exactly', async () => {
    for (const seed of [7, 4242, 99_001]) {
      const [a, b] = [await simulate(seed), await simulate(seed)];
      assert.deepEqual({ steps: b.steps, digest: b.digest, faults: b.faults }, { steps: a.steps, digest: a.digest, faults: a.faults });
    }
    assert.notEqual((await simulate(1)).digest, (await simulate(2)).digest);
  });

  it('runs without faults too, and then never re-executes an activity', async () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = await simulate(seed, { faults: false });
      assert.deepEqual(r.violations, []);
      assert.equal(r.faults.crashes + r.faults.droppedAnswers, 0);
    }
  });
});

describe('the invariant checks', () => {
  const started: HistoryEvent = { eventId: 1, eventTime: 0, type: 'WorkflowExecutionStarted', attributes: { workflowType: 'sim', taskQueue: 'sim', input: [], attempt: 1 } } as unknown as HistoryEvent;
  const scheduled = (id: number, seq: number) => ({ eventId: id, eventTime: 0, type: 'ActivityTaskScheduled', attributes: { seq, activityId: String(seq), activityType: 'a', input: [], timeouts: {}, retryPolicy: {} } }) as unknown as HistoryEvent;
  const completed = (id: number, seq: number) => ({ eventId: id, eventTime: 0, type: 'ActivityTaskCompleted', attributes: { seq, attempt: 1 } }) as unknown as HistoryEvent;
  const closed = (id: number) => ({ eventId: id, eventTime: 0, type: 'WorkflowExecutionCompleted', attributes: {} }) as unknown as HistoryEvent;

  it('accept a sound history', () => {
    assert.deepEqual(checkHistory('w', [started, scheduled(2, 1), completed(3, 1), closed(4)]), []);
  });

  it('catch a second outcome for one activity, a gap, two closes and events after a close', () => {
    assert.match(checkHistory('w', [started, scheduled(2, 1), completed(3, 1), completed(4, 1)]).join(), /a second outcome for activity 1/);
    assert.match(checkHistory('w', [started, scheduled(3, 1)]).join(), /not gap-free/);
    assert.match(checkHistory('w', [started, closed(2), closed(3)]).join(), /2 close events/);
    assert.match(checkHistory('w', [started, closed(2), scheduled(3, 1)]).join(), /is not the last event/);
    assert.match(checkHistory('w', [started, completed(2, 5)]).join(), /never scheduled/);
  });
});
