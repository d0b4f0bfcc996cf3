// Creating runs, the current-run compare-and-set, optimistic updates and history reads.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CurrentRunConflictError, VersionConflictError } from '../port.js';
import type { WithStore } from './harness.js';
import { T0, allTasks, allTimers, createOf, events, key, record, rejectsWith, started, task, timer, updateOf } from './fixtures.js';

export function runSuite(withStore: WithStore): void {
  void describe('create and read', () => {
    void it('createWorkflow stores the record and history and makes the run current', () =>
      withStore(async ({ store }) => {
        const k = key('wf');
        const c = createOf(k, { extra: 2 });
        await store.createWorkflow(c);
        assert.deepEqual(await store.getWorkflow(k), c.record);
        assert.deepEqual(await store.getCurrentRun('default', 'wf'), c.record);
        assert.deepEqual(await store.readHistory(k), c.events);
      }));

    void it('unknown runs read as undefined with empty history', () =>
      withStore(async ({ store }) => {
        await store.createWorkflow(createOf(key('wf')));
        assert.equal(await store.getWorkflow(key('wf', 'r2')), undefined);
        assert.equal(await store.getWorkflow(key('other')), undefined);
        assert.equal(await store.getCurrentRun('default', 'other'), undefined);
        assert.equal(await store.getCurrentRun('elsewhere', 'wf'), undefined);
        assert.deepEqual(await store.readHistory(key('wf', 'r2')), []);
      }));

    void it('an update can close a run and create its continue-as-new successor atomically', () =>
      withStore(async ({ store }) => {
        const k1 = key('wf', 'r1');
        const k2 = key('wf', 'r2');
        await store.createWorkflow(createOf(k1, { tasks: [task(k1, 'wft', 5)] }));
        const next = { ...createOf(k2, { expectedCurrentRunId: 'r1', tasks: [task(k2, 'wft', 6)] }) };
        // A successor whose compare-and-set fails takes the closing update down with it.
        const bad = { ...next, expectedCurrentRunId: 'someone-else' };
        await rejectsWith(store.updateWorkflow(updateOf(k1, 2, 1, { record: record(k1, 3, { status: 'CONTINUED_AS_NEW', closeTime: T0 }), deleteTasks: ['wft'], continueAsNew: bad })), CurrentRunConflictError);
        assert.equal((await store.getWorkflow(k1))?.status, 'RUNNING');
        assert.equal(await store.getWorkflow(k2), undefined);
        await store.updateWorkflow(updateOf(k1, 2, 1, { record: record(k1, 3, { status: 'CONTINUED_AS_NEW', closeTime: T0 }), deleteTasks: ['wft'], continueAsNew: next }));
        assert.equal((await store.getWorkflow(k1))?.status, 'CONTINUED_AS_NEW');
        assert.deepEqual(await store.getWorkflow(k2), next.record);
        assert.equal((await store.getCurrentRun('default', 'wf'))?.runId, 'r2');
        assert.deepEqual((await allTasks(store)).map((t) => t.runId), ['r2']);
      }));

    void it('createWorkflow writes its tasks and timers', () =>
      withStore(async ({ store }) => {
        const k = key('wf');
        const tasks = [task(k, 'wft', 5), task(k, 'activity:1', 7, { kind: 'activity', taskQueue: 'aq' })];
        const timers = [timer(k, 'run-timeout', 100)];
        await store.createWorkflow(createOf(k, { tasks, timers }));
        assert.deepEqual(await allTasks(store), tasks);
        assert.deepEqual(await allTimers(store), timers);
      }));
  });

  void describe('current run compare-and-set', () => {
    void it('null expectation fails when a run exists, carrying the current run id, and writes nothing', () =>
      withStore(async ({ store }) => {
        const first = createOf(key('wf', 'r1'));
        await store.createWorkflow(first);
        const k2 = key('wf', 'r2');
        const second = createOf(k2, { tasks: [task(k2, 'wft', 1)], timers: [timer(k2, 't', 1)] });
        await rejectsWith(store.createWorkflow(second), CurrentRunConflictError, (e) => {
          assert.equal(e.namespace, 'default');
          assert.equal(e.workflowId, 'wf');
          assert.equal(e.currentRunId, 'r1');
        });
        assert.equal(await store.getWorkflow(k2), undefined);
        assert.deepEqual(await store.readHistory(k2), []);
        assert.deepEqual(await store.getCurrentRun('default', 'wf'), first.record);
        assert.deepEqual(await allTasks(store), []);
        assert.deepEqual(await allTimers(store), []);
      }));

    void it('a run id expectation fails when no run exists, with currentRunId null', () =>
      withStore(async ({ store }) => {
        const k = key('wf');
        const create = store.createWorkflow(createOf(k, { expectedCurrentRunId: 'r0' }));
        await rejectsWith(create, CurrentRunConflictError, (e) => {
          assert.equal(e.currentRunId, null);
        });
        assert.equal(await store.getWorkflow(k), undefined);
        assert.equal(await store.getCurrentRun('default', 'wf'), undefined);
      }));

    void it('a wrong run id expectation fails with the real current run id', () =>
      withStore(async ({ store }) => {
        await store.createWorkflow(createOf(key('wf', 'r1')));
        await store.createWorkflow(createOf(key('wf', 'r2'), { expectedCurrentRunId: 'r1' }));
        const stale = store.createWorkflow(createOf(key('wf', 'r3'), { expectedCurrentRunId: 'r1' }));
        await rejectsWith(stale, CurrentRunConflictError, (e) => {
          assert.equal(e.currentRunId, 'r2');
        });
        assert.equal(await store.getWorkflow(key('wf', 'r3')), undefined);
        assert.equal((await store.getCurrentRun('default', 'wf'))?.runId, 'r2');
      }));

    void it('the right run id makes the new run current and the old run stays readable', () =>
      withStore(async ({ store }) => {
        const k1 = key('wf', 'r1');
        const first = createOf(k1);
        await store.createWorkflow(first);
        const closed = record(k1, 3, { status: 'CONTINUED_AS_NEW', closeTime: 1234 });
        await store.updateWorkflow({ key: k1, expectedNextEventId: 2, record: closed, events: events(2, 1) });
        const second = createOf(key('wf', 'r2'), { expectedCurrentRunId: 'r1' });
        await store.createWorkflow(second);
        assert.deepEqual(await store.getCurrentRun('default', 'wf'), second.record);
        assert.deepEqual(await store.getWorkflow(k1), closed);
        assert.deepEqual(await store.readHistory(k1), [started('r1'), ...events(2, 1)]);
        const third = createOf(key('wf', 'r3'), { expectedCurrentRunId: 'r2' });
        await store.createWorkflow(third);
        assert.deepEqual(await store.getCurrentRun('default', 'wf'), third.record);
      }));
    void it('creating a run that already exists fails and changes nothing', () =>
      withStore(async ({ store }) => {
        const k = key('wf', 'r1');
        const first = createOf(k, { extra: 1, tasks: [task(k, 'wft', 1)] });
        await store.createWorkflow(first);
        const again = createOf(k, { expectedCurrentRunId: 'r1', extra: 3, tasks: [task(k, 'wft', 9)], timers: [timer(k, 't', 1)] });
        await assert.rejects(store.createWorkflow(again));
        assert.deepEqual(await store.getWorkflow(k), first.record);
        assert.deepEqual(await store.readHistory(k), first.events);
        assert.deepEqual(await allTasks(store), first.tasks);
        assert.deepEqual(await allTimers(store), []);
      }));
  });

  void describe('updateWorkflow', () => {
    void it('appends events, replaces the record and applies task and timer changes', () =>
      withStore(async ({ store }) => {
        const k = key('wf');
        await store.createWorkflow(
          createOf(k, { tasks: [task(k, 'wft', 10), task(k, 'keep', 11)], timers: [timer(k, 'old', 50), timer(k, 'keep', 60)] }),
        );
        const u = updateOf(k, 2, 3, {
          record: record(k, 5, { status: 'COMPLETED', closeTime: 999, state: '{"done":true}' }),
          upsertTasks: [task(k, 'activity:1', 20, { kind: 'activity', taskQueue: 'aq' }), task(k, 'keep', 15)],
          deleteTasks: ['wft', 'never-existed'],
          upsertTimers: [timer(k, 'new', 40), timer(k, 'keep', 70)],
          deleteTimers: ['old'],
        });
        await store.updateWorkflow(u);
        assert.deepEqual(await store.getWorkflow(k), u.record);
        assert.deepEqual(await store.getCurrentRun('default', 'wf'), u.record);
        assert.deepEqual(await store.readHistory(k), [started('r1'), ...u.events]);
        assert.deepEqual(await allTasks(store), [task(k, 'keep', 15), task(k, 'activity:1', 20, { kind: 'activity', taskQueue: 'aq' })]);
        assert.deepEqual(await allTimers(store), [timer(k, 'new', 40), timer(k, 'keep', 70)]);
      }));

    void it('a wrong expectedNextEventId is a VersionConflictError and writes nothing', () =>
      withStore(async ({ store }) => {
        const k = key('wf');
        const c = createOf(k, { extra: 2, tasks: [task(k, 'wft', 1)], timers: [timer(k, 't', 1)] });
        await store.createWorkflow(c);
        for (const expected of [1, 3, 5]) {
          const bad = updateOf(k, expected, 2, {
            upsertTasks: [task(k, 'x', 2)],
            deleteTasks: ['wft'],
            upsertTimers: [timer(k, 'y', 2)],
            deleteTimers: ['t'],
          });
          await rejectsWith(store.updateWorkflow(bad), VersionConflictError, (e) => {
            assert.deepEqual(e.key, k);
            assert.equal(e.expected, expected);
            assert.equal(e.actual, 4);
          });
        }
        assert.deepEqual(await store.getWorkflow(k), c.record);
        assert.deepEqual(await store.readHistory(k), c.events);
        assert.deepEqual(await allTasks(store), [task(k, 'wft', 1)]);
        assert.deepEqual(await allTimers(store), [timer(k, 't', 1)]);
      }));

    void it('an update of a missing run is a VersionConflictError with no actual version', () =>
      withStore(async ({ store }) => {
        await store.createWorkflow(createOf(key('wf')));
        const missing = key('wf', 'nope');
        await rejectsWith(store.updateWorkflow(updateOf(missing, 2, 1)), VersionConflictError, (e) => {
          assert.equal(e.actual, undefined);
        });
        assert.deepEqual(await store.readHistory(missing), []);
      }));

    void it('an update without events still replaces the record and tasks', () =>
      withStore(async ({ store }) => {
        const k = key('wf');
        await store.createWorkflow(createOf(k));
        const u = updateOf(k, 2, 0, { record: record(k, 2, { state: 'v2' }), upsertTasks: [task(k, 'wft', 3)] });
        await store.updateWorkflow(u);
        assert.deepEqual(await store.getWorkflow(k), u.record);
        assert.deepEqual(await store.readHistory(k), [started('r1')]);
        assert.deepEqual(await allTasks(store), [task(k, 'wft', 3)]);
      }));
  });

  void describe('readHistory', () => {
    void it('returns events in id order from fromEventId, at most limit', () =>
      withStore(async ({ store }) => {
        const k = key('wf');
        await store.createWorkflow(createOf(k, { extra: 9 }));
        for (let next = 11; next < 31; next += 5) await store.updateWorkflow(updateOf(k, next, 5));
        const all = [started('r1'), ...events(2, 29)];
        assert.deepEqual(await store.readHistory(k), all);
        assert.deepEqual(await store.readHistory(k, 1, 1000), all);
        assert.deepEqual(await store.readHistory(k, 10), all.slice(9));
        assert.deepEqual(await store.readHistory(k, 10, 5), all.slice(9, 14));
        assert.deepEqual(await store.readHistory(k, 30), all.slice(29));
        assert.deepEqual(await store.readHistory(k, 31), []);
        const paged = [];
        for (let from = 1; ; ) {
          assert.ok(paged.length <= all.length, 'readHistory paging does not end');
          const page = await store.readHistory(k, from, 7);
          paged.push(...page);
          if (page.length < 7) break;
          from = page[page.length - 1].eventId + 1;
        }
        assert.deepEqual(paged, all);
      }));
  });
}
