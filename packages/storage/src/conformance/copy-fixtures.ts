// A store with one of everything copyStore must carry, written through the ordinary mutations
// the engine uses, and a dump of everything a store holds, to compare two stores by.
import type { Store, TaskRow, TimerRow, WorkflowRecord } from '../port.js';
import type { HistoryEvent } from '@endure/protocol';
import { T0, allTasks, allTimers, createOf, key, record, task, timer, updateOf } from './fixtures.js';
import { listAll } from './list-fixtures.js';

const json = (v: unknown) => ({ metadata: { encoding: 'json/plain' }, data: JSON.stringify(v) });

/**
 * Two namespaces; a ring of two token keys and an API key; a closed run whose history spans
 * several read pages; a continue-as-new chain (closed run, open successor with a task and a
 * timer); a workflow id started again after its first run closed, in the same millisecond; a
 * sleeping run; a run in the second namespace with an activity task and search attributes.
 */
export async function populate(store: Store): Promise<void> {
  const registry = { CustomKeywordField: 'Keyword', CustomIntField: 'Int' } as const;
  await store.putNamespace({ name: 'default', description: '', retentionMs: 86_400_000, createdTime: T0, searchAttributes: registry });
  await store.putNamespace({ name: 'billing', description: 'money – ✓', retentionMs: 3_600_000, createdTime: T0 + 1, searchAttributes: { Region: 'Keyword' } });
  await store.putTokenKeys([
    { keyId: 'k2', secret: 'c2VjcmV0LTI', createdTime: T0 + 2 },
    { keyId: 'k1', secret: 'c2VjcmV0LTE', createdTime: T0 + 1 },
  ]);
  await store.putApiKey({ keyId: 'ops', secretHash: 'aGFzaA', role: 'admin', namespaces: ['*'], description: 'ops', createdTime: T0 });

  const done = key('done');
  const long = createOf(done, { extra: 2400 });
  await store.createWorkflow({ ...long, record: { ...long.record, properties: { memo: { who: json('me') } }, searchAttributes: { CustomKeywordField: 'x' } } });
  await store.updateWorkflow(updateOf(done, 2402, 1, { record: record(done, 2403, { status: 'COMPLETED', closeTime: T0 + 9 }) }));

  const [c1, c2] = [key('chain', 'c1'), key('chain', 'c2')];
  await store.createWorkflow(createOf(c1, { tasks: [task(c1, 'wft', T0)] }));
  const successor = createOf(c2, { expectedCurrentRunId: 'c1', tasks: [task(c2, 'wft', T0 + 3)], timers: [timer(c2, 'run-timeout', T0 + 60_000)] });
  await store.updateWorkflow(updateOf(c1, 2, 1, { record: record(c1, 3, { status: 'CONTINUED_AS_NEW', closeTime: T0 + 2 }), deleteTasks: ['wft'], continueAsNew: successor }));

  const [a1, a2] = [key('again', 'a1'), key('again', 'a2')];
  await store.createWorkflow(createOf(a1));
  await store.updateWorkflow(updateOf(a1, 2, 1, { record: record(a1, 3, { status: 'FAILED', closeTime: T0 }) }));
  await store.createWorkflow(createOf(a2, { expectedCurrentRunId: 'a1', timers: [timer(a2, 'timer:1', T0 + 3000)] }));

  const sleeper = key('sleeper');
  await store.createWorkflow(createOf(sleeper, { extra: 3, timers: [timer(sleeper, 'timer:4', T0 + 3000), timer(sleeper, 'timer:5', T0 + 3000)] }));

  const bill = key('invoice-1', 'b1', 'billing');
  const billed = createOf(bill, { tasks: [task(bill, 'activity:5', T0 + 1, { kind: 'activity', taskQueue: 'payments' })] });
  await store.createWorkflow({ ...billed, record: { ...billed.record, searchAttributes: { Region: 'eu' } } });
}

export interface Dump {
  namespaces: unknown;
  tokenKeys: unknown;
  apiKeys: unknown;
  runs: { record: WorkflowRecord; current: boolean; history: HistoryEvent[] }[];
  tasks: TaskRow[];
  timers: TimerRow[];
}

/** Everything the store holds, in a fixed order. */
export async function dump(store: Store): Promise<Dump> {
  const namespaces = await store.listNamespaces();
  const runs: Dump['runs'] = [];
  for (const ns of namespaces) {
    for (const r of await listAll(store, ns.name)) {
      const current = (await store.getCurrentRun(r.namespace, r.workflowId))?.runId === r.runId;
      runs.push({ record: r, current, history: await store.readHistory(r) });
    }
  }
  return { namespaces, tokenKeys: await store.getTokenKeys(), apiKeys: await store.listApiKeys(), runs, tasks: await allTasks(store), timers: (await allTimers(store)).sort(timerOrder) };
}

/** listTimers orders by fireAt only; ties in a store's own order. */
function timerOrder(a: TimerRow, b: TimerRow): number {
  const k = (t: TimerRow) => JSON.stringify([t.namespace, t.workflowId, t.runId, t.timerId]);
  return a.fireAt - b.fireAt || (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0);
}
