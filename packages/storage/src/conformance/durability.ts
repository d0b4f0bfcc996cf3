// Exact round-trips of what was written, and (for durable stores) survival across close + reopen.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryEvent } from '@endure/protocol';
import type { Store } from '../port.js';
import type { WithStore } from './harness.js';
import { T0, allTasks, allTimers, createOf, key, record, started, task, timer, updateOf } from './fixtures.js';

const WEIRD = 'naïve café – 日本語 – 🚀👩‍👩‍👧 – e\u0301 – "quotes" \\ back\nslash\ttab – \u0000 nul – \u2028 – lone \ud800';

/** Events whose attributes stress the serializer: nested failures, unicode, odd numbers, a big payload. */
function strangeEvents(from: number): HistoryEvent[] {
  return [
    {
      eventId: from,
      eventTime: T0 + 0.5,
      type: 'ActivityTaskFailed',
      attributes: {
        seq: 1,
        attempt: 3,
        retryState: 'MAXIMUM_ATTEMPTS_REACHED',
        failure: {
          message: WEIRD,
          source: 'typescript',
          stackTrace: 'Error: x\n    at f (file.ts:1:2)',
          info: { type: 'activity', activityType: 'send', activityId: '1', retryState: 'MAXIMUM_ATTEMPTS_REACHED', scheduledEventId: 2 },
          cause: {
            message: 'inner',
            info: {
              type: 'application',
              errorType: 'Boom',
              nonRetryable: false,
              nextRetryDelayMs: 1.25,
              details: [{ metadata: { encoding: 'json/plain', 'ключ': 'значение' }, data: JSON.stringify({ n: -1e-7, big: 2 ** 53 - 1 }) }],
            },
            cause: { message: 'root', info: { type: 'timeout', timeoutType: 'HEARTBEAT', lastHeartbeatDetails: [] } },
          },
        },
      },
    },
    {
      eventId: from + 1,
      eventTime: T0,
      type: 'ActivityTaskCompleted',
      attributes: { seq: 2, attempt: 1, result: { metadata: { encoding: 'binary/plain' }, data: 'x'.repeat(256 * 1024) } },
    },
    { eventId: from + 2, eventTime: T0, type: 'WorkflowExecutionCompleted', attributes: {} },
  ];
}

export function durabilitySuite(withStore: WithStore, durable: boolean): void {
  void describe('round-trips and durability', () => {
    void it('history events, records, tasks and timers round-trip exactly', () =>
      withStore(async ({ store }) => {
        const k = key(`wf-${WEIRD.slice(0, 30)}`, 'r-ü', 'ns-日本');
        const c = createOf(k, { tasks: [task(k, 'wft', T0 + 0.25)], timers: [timer(k, 'timer:ü', T0 + 1.5)] });
        c.record = record(k, 2, { state: WEIRD.replace('\ud800', '').replace('\u0000', ''), workflowType: 'wt-🚀' });
        await store.createWorkflow(c);
        const u = updateOf(k, 2, 3, {
          events: strangeEvents(2),
          record: record(k, 5, { status: 'COMPLETED', closeTime: T0 + 7, state: c.record.state, workflowType: 'wt-🚀' }),
        });
        await store.updateWorkflow(u);
        assert.deepEqual(await store.readHistory(k), [started('r-ü'), ...u.events]);
        assert.deepEqual(await store.getWorkflow(k), u.record);
        assert.deepEqual(await allTasks(store), c.tasks);
        assert.deepEqual(await allTimers(store), c.timers);
      }));

    if (!durable) return;

    void it('everything acknowledged is there after close and reopen', () =>
      withStore(async (ctx) => {
        const s = ctx.store;
        for (const ns of ['ns1', 'ns2']) {
          const k1 = key('wf', 'r1', ns);
          await s.createWorkflow(createOf(k1, { tasks: [task(k1, 'wft', 5)], timers: [timer(k1, 'run-timeout', 9)] }));
          await s.updateWorkflow(updateOf(k1, 2, 2, { deleteTasks: ['wft'], upsertTasks: [task(k1, 'activity:1', 6)] }));
          await s.createWorkflow(createOf(key('wf', 'r2', ns), { expectedCurrentRunId: 'r1', extra: 1 }));
          await s.createWorkflow(createOf(key('strange', 'r1', ns)));
          await s.updateWorkflow(updateOf(key('strange', 'r1', ns), 2, 3, { events: strangeEvents(2) }));
        }
        const before = await snapshot(s);
        const reopened = await ctx.reopen();
        assert.deepEqual(await snapshot(reopened), before);
        // The reopened store keeps enforcing the versions and current runs it found.
        await assert.rejects(reopened.updateWorkflow(updateOf(key('wf', 'r1', 'ns1'), 2, 1)), { name: 'VersionConflictError' });
        await assert.rejects(reopened.createWorkflow(createOf(key('wf', 'r3', 'ns1'), { expectedCurrentRunId: 'r1' })), {
          name: 'CurrentRunConflictError',
        });
        await reopened.updateWorkflow(updateOf(key('wf', 'r1', 'ns1'), 4, 1));
        const again = await ctx.reopen();
        assert.equal((await again.getWorkflow(key('wf', 'r1', 'ns1')))?.nextEventId, 5);
      }));

    void it('mutations issued just before close settle, and the acknowledged ones survive', () =>
      withStore(async (ctx) => {
        const k = key('wf');
        await ctx.store.createWorkflow(createOf(k));
        const pending = Array.from({ length: 10 }, (_, i) => ctx.store.updateWorkflow(updateOf(k, 2 + i, 1)));
        const settled = Promise.allSettled(pending);
        const reopened = await ctx.reopen();
        const acked = (await settled).filter((r) => r.status === 'fulfilled').length;
        assert.equal((await reopened.readHistory(k)).length, 1 + acked);
      }));
  });
}

async function snapshot(store: Store): Promise<unknown> {
  const runs = [];
  for (const ns of ['ns1', 'ns2']) {
    for (const [wf, run] of [['wf', 'r1'], ['wf', 'r2'], ['strange', 'r1']] as const) {
      const k = key(wf, run, ns);
      runs.push({ record: await store.getWorkflow(k), history: await store.readHistory(k) });
    }
    runs.push(await store.getCurrentRun(ns, 'wf'), await store.getCurrentRun(ns, 'strange'));
  }
  return { runs, tasks: await allTasks(store), timers: await allTimers(store) };
}
