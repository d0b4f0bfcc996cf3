// importRun: a whole run written as another store held it (copyStore), in any status, with the
// current-run pointer set only when asked; all or nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CurrentRunConflictError } from '../port.js';
import type { ImportRun, RunKey, Store } from '../port.js';
import type { WithStore } from './harness.js';
import { T0, allTasks, allTimers, events, key, record, rejectsWith, started, task, timer, updateOf } from './fixtures.js';
import { custom, eq, idsOf, listAll } from './list-fixtures.js';

/** A closed run of `history` events with a task, a timer, search attributes and properties. */
function closedRun(k: RunKey, current: boolean, history = 5): ImportRun {
  return {
    record: record(k, history + 1, {
      status: 'COMPLETED',
      closeTime: T0 + 50,
      startTime: T0 + 1,
      searchAttributes: { CustomKeywordField: 'moved', CustomIntField: 7 },
      properties: { memo: { note: { metadata: { encoding: 'json/plain' }, data: '"kept – ✓"' } } },
    }),
    events: [started(k.runId), ...events(2, history - 1)],
    // A closed run owing its parent an effect keeps a timer row; tasks are possible for an open run only,
    // but the store keeps whatever rows it is given.
    tasks: [task(k, 'wft', T0 + 5)],
    timers: [timer(k, 'fx:parent', T0 + 6)],
    current,
  };
}

async function assertNothingOf(store: Store, k: RunKey): Promise<void> {
  assert.equal(await store.getWorkflow(k), undefined);
  assert.deepEqual(await store.readHistory(k), []);
  assert.deepEqual((await allTasks(store)).filter((t) => t.workflowId === k.workflowId && t.runId === k.runId), []);
  assert.deepEqual((await allTimers(store)).filter((t) => t.workflowId === k.workflowId && t.runId === k.runId), []);
}

export function importRunSuite(withStore: WithStore, durable: boolean): void {
  void describe('importRun', () => {
    void it('writes a closed run whole: record, history, tasks, timers, search attributes, properties', () =>
      withStore(async (ctx) => {
        const k = key('moved');
        const r = closedRun(k, true, 1200);
        await ctx.store.importRun(r);
        const check = async (store: Store) => {
          assert.deepEqual(await store.getWorkflow(k), r.record);
          assert.deepEqual(await store.getCurrentRun('default', 'moved'), r.record);
          assert.deepEqual(await store.readHistory(k), r.events);
          assert.deepEqual(await allTasks(store), r.tasks);
          assert.deepEqual(await allTimers(store), r.timers);
          assert.deepEqual(idsOf(await listAll(store, 'default', eq(custom('CustomKeywordField', 'Keyword'), 'moved'))), ['moved']);
          assert.equal(await store.countWorkflows('default'), 1);
        };
        await check(ctx.store);
        if (durable) await check(await ctx.reopen());
      }));

    void it('current: false leaves the pointer alone, whichever of a workflow id\'s runs comes first', () =>
      withStore(async ({ store }) => {
        await store.importRun(closedRun(key('wf', 'old'), false));
        assert.equal(await store.getCurrentRun('default', 'wf'), undefined);
        await store.importRun(closedRun(key('wf', 'now'), true));
        await store.importRun(closedRun(key('wf', 'older'), false));
        assert.equal((await store.getCurrentRun('default', 'wf'))?.runId, 'now');
        assert.equal(await store.countWorkflows('default'), 3);
      }));

    void it('current: true is refused when the id already has a current run, and writes nothing', () =>
      withStore(async ({ store }) => {
        await store.importRun(closedRun(key('wf', 'r1'), true));
        await rejectsWith(store.importRun(closedRun(key('wf', 'r2'), true)), CurrentRunConflictError, (e) => assert.equal(e.currentRunId, 'r1'));
        await assertNothingOf(store, key('wf', 'r2'));
        assert.equal((await store.getCurrentRun('default', 'wf'))?.runId, 'r1');
      }));

    void it('refuses, writing nothing, a run that exists, a history not from 1 or with a gap, a version that does not follow, a row of another run', () =>
      withStore(async ({ store }) => {
        const k = key('bad');
        await store.importRun(closedRun(key('dup'), false));
        await assert.rejects(store.importRun(closedRun(key('dup'), false)));
        const good = closedRun(k, true);
        const cases: ImportRun[] = [
          { ...good, events: good.events.slice(1), record: { ...good.record, nextEventId: good.events.length } },
          { ...good, events: [good.events[0]!, ...good.events.slice(2)], record: { ...good.record, nextEventId: good.events.length } },
          { ...good, record: { ...good.record, nextEventId: good.record.nextEventId + 1 } },
          { ...good, tasks: [task(key('other'), 'wft', T0)] },
          { ...good, timers: [timer(key('bad', 'r2'), 't', T0)] },
        ];
        for (const c of cases) {
          await assert.rejects(store.importRun(c), /importRun: run default\/bad\/r1/);
          await assertNothingOf(store, k);
        }
        assert.equal(await store.getCurrentRun('default', 'bad'), undefined);
      }));

    void it('an imported open run continues: updates apply from its version', () =>
      withStore(async ({ store }) => {
        const k = key('open');
        const evs = [started('r1'), ...events(2, 3)];
        await store.importRun({ record: record(k, 5), events: evs, tasks: [task(k, 'activity:3', T0, { kind: 'activity' })], timers: [], current: true });
        await store.updateWorkflow(updateOf(k, 5, 2, { deleteTasks: ['activity:3'] }));
        assert.equal((await store.getWorkflow(k))?.nextEventId, 7);
        assert.equal((await store.readHistory(k)).length, 6);
        assert.deepEqual(await allTasks(store), []);
      }));
  });
}

const idsOfList = (records: readonly { workflowId: string }[]): string[] => records.map((r) => r.workflowId);
