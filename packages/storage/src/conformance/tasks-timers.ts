// Task and timer rows: upsert/delete semantics, listing order and pagination.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunKey, Store, TaskRow } from '../port.js';
import type { WithStore } from './harness.js';
import { allTasks, allTimers, compareTasks, createOf, key, task, timer, updateOf } from './fixtures.js';

/** Runs in two namespaces with tasks whose visibleAt collide, so every sort key matters. */
async function seedTasks(store: Store): Promise<TaskRow[]> {
  const keys: RunKey[] = [key('b', 'r1', 'ns1'), key('a', 'r2', 'ns1'), key('a', 'r1', 'ns1'), key('a', 'r1', 'ns0'), key('c', 'r1', 'ns0')];
  const rows: TaskRow[] = [];
  const current = new Map<string, string>();
  for (const [i, k] of keys.entries()) {
    const mine = [task(k, 'wft', 100 + (i % 2)), task(k, 'activity:2', 50), task(k, 'activity:1', 50, { kind: 'activity' })];
    rows.push(...mine);
    // Half arrive with the create, half with a later update, in an order unrelated to the sort.
    const id = `${k.namespace}/${k.workflowId}`;
    await store.createWorkflow(createOf(k, { tasks: mine.slice(0, 1), expectedCurrentRunId: current.get(id) ?? null }));
    current.set(id, k.runId);
    await store.updateWorkflow(updateOf(k, 2, 1, { upsertTasks: mine.slice(1).reverse() }));
  }
  return rows.sort(compareTasks);
}

export function tasksAndTimersSuite(withStore: WithStore): void {
  void describe('tasks', () => {
    void it('listTasks orders by (visibleAt, namespace, workflowId, runId, taskId) and honours limit', () =>
      withStore(async ({ store }) => {
        const expected = await seedTasks(store);
        assert.deepEqual(await store.listTasks(1000), expected);
        assert.deepEqual(await store.listTasks(4), expected.slice(0, 4));
      }));

    void it('after pages through every task once, in order', () =>
      withStore(async ({ store }) => {
        const expected = await seedTasks(store);
        for (const limit of [1, 2, 4, 7]) {
          const paged: TaskRow[] = [];
          for (let pages = 0; ; pages++) {
            assert.ok(pages <= expected.length, `limit ${limit}: paging does not end`);
            const page = await store.listTasks(limit, paged.at(-1));
            assert.ok(page.length <= limit);
            paged.push(...page);
            if (page.length < limit) break;
          }
          assert.deepEqual(paged, expected, `limit ${limit}`);
        }
      }));

    void it('after need not be a stored row: listing resumes at its position in the order', () =>
      withStore(async ({ store }) => {
        const expected = await seedTasks(store);
        const cursor = { ...expected[4], taskId: expected[4].taskId + '~' };
        assert.deepEqual(await store.listTasks(1000, cursor), expected.slice(5));
        const pastEnd = { ...expected[expected.length - 1], visibleAt: 1e12 };
        assert.deepEqual(await store.listTasks(1000, pastEnd), []);
      }));

    void it('upsert replaces a task by (run, taskId); delete removes it; other runs keep theirs', () =>
      withStore(async ({ store }) => {
        const k1 = key('wf', 'r1');
        const k2 = key('wf2', 'r1');
        await store.createWorkflow(createOf(k1, { tasks: [task(k1, 'wft', 10)] }));
        await store.createWorkflow(createOf(k2, { tasks: [task(k2, 'wft', 20)] }));
        const moved = task(k1, 'wft', 30, { kind: 'activity', taskQueue: 'other' });
        await store.updateWorkflow(updateOf(k1, 2, 1, { upsertTasks: [moved] }));
        assert.deepEqual(await allTasks(store), [task(k2, 'wft', 20), moved]);
        await store.updateWorkflow(updateOf(k1, 3, 1, { deleteTasks: ['wft'] }));
        assert.deepEqual(await allTasks(store), [task(k2, 'wft', 20)]);
      }));
  });

  void describe('timers', () => {
    void it('listTimers returns fireAt < before, earliest first, at most limit', () =>
      withStore(async ({ store }) => {
        const a = key('a');
        const b = key('b', 'r1', 'ns2');
        await store.createWorkflow(createOf(a, { timers: [timer(a, 't3', 300), timer(a, 't1', 100)] }));
        await store.createWorkflow(createOf(b, { timers: [timer(b, 't2', 200), timer(b, 't4', 400)] }));
        const all = [timer(a, 't1', 100), timer(b, 't2', 200), timer(a, 't3', 300), timer(b, 't4', 400)];
        assert.deepEqual(await store.listTimers(1000, 100), all);
        assert.deepEqual(await store.listTimers(300, 100), all.slice(0, 2), 'before is exclusive');
        assert.deepEqual(await store.listTimers(301, 100), all.slice(0, 3));
        assert.deepEqual(await store.listTimers(1000, 2), all.slice(0, 2));
        assert.deepEqual(await store.listTimers(100, 10), []);
      }));

    void it('timers with equal fireAt are all listed', () =>
      withStore(async ({ store }) => {
        const k = key('wf');
        const same = ['x', 'y', 'z'].map((id) => timer(k, id, 500));
        await store.createWorkflow(createOf(k, { timers: same }));
        const got = await store.listTimers(501, 10);
        assert.deepEqual([...got].sort((p, q) => (p.timerId < q.timerId ? -1 : 1)), same);
      }));

    void it('upsert moves a timer by (run, timerId); delete removes it; other runs keep theirs', () =>
      withStore(async ({ store }) => {
        const k1 = key('wf', 'r1');
        const k2 = key('wf', 'r1', 'ns2');
        await store.createWorkflow(createOf(k1, { timers: [timer(k1, 'timer:1', 10)] }));
        await store.createWorkflow(createOf(k2, { timers: [timer(k2, 'timer:1', 20)] }));
        await store.updateWorkflow(updateOf(k1, 2, 1, { upsertTimers: [timer(k1, 'timer:1', 30)] }));
        assert.deepEqual(await allTimers(store), [timer(k2, 'timer:1', 20), timer(k1, 'timer:1', 30)]);
        await store.updateWorkflow(updateOf(k1, 3, 1, { deleteTimers: ['timer:1'] }));
        assert.deepEqual(await allTimers(store), [timer(k2, 'timer:1', 20)]);
      }));
  });
}
