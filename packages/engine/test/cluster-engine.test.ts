// Two engines as two nodes of a cluster over one store: each owns the shards it holds leases on,
// refuses another node's runs, reaches them through its peer for effects (a parent in one shard,
// its child in the other), and when a shard is taken over, the old owner's next write is fenced
// off and the new owner finishes the run from the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@endure/protocol';
import type { ShardLease, Store } from '@endure/storage';
import { MemoryStore, emptyData } from '@endure/storage/memory';
import { Engine } from '../src/index.js';
import { shardOf } from '@endure/protocol';
import { completeTask, nextTask, p } from './support.js';

const SHARDS = 2;
const LEASE_MS = 10_000;

/** A workflow id that falls in `shard`. */
function idIn(shard: number, prefix: string): string {
  for (let i = 0; ; i++) if (shardOf('default', `${prefix}-${i}`, SHARDS) === shard) return `${prefix}-${i}`;
}

/**
 * `failing()`: whether a run write that lands is answered with an error anyway (an ambiguous
 * commit); `reading()`: what a run's read waits for before it is answered.
 */
async function twoNodes({
  failing = () => false,
  reading = () => Promise.resolve(),
  peerFails = () => undefined,
}: { failing?: () => boolean; reading?: () => Promise<void>; peerFails?: (operation: string) => ApiError | undefined } = {}) {
  let storeNow = 1_000_000;
  const store: Store = new MemoryStore(emptyData(), () => storeNow);
  const update = store.updateWorkflow.bind(store);
  store.updateWorkflow = async (u) => {
    await update(u);
    if (failing()) throw new Error('connection reset while committing');
  };
  const get = store.getWorkflow.bind(store);
  store.getWorkflow = async (k) => {
    const record = await get(k);
    await reading();
    return record;
  };
  const engines: Record<string, Engine> = {};
  const owner = new Map<number, string>();
  const lost: { node: string; shardId: number; why: string }[] = [];
  const open = (node: string) =>
    Engine.open(store, {
      cluster: {
        shardCount: SHARDS,
        peer: (shardId) => {
          const other = owner.get(shardId) && owner.get(shardId) !== node ? engines[owner.get(shardId)!] : undefined;
          // A call to the other node that fails on the way (`peerFails`), before it reaches that node.
          return (
            other &&
            new Proxy(other, {
              get: (target, key) => {
                const value: unknown = Reflect.get(target, key);
                if (typeof value !== 'function') return value;
                return (...args: unknown[]) => {
                  const failure = peerFails(String(key));
                  return failure ? Promise.reject(failure) : (value as (...a: unknown[]) => unknown).apply(target, args);
                };
              },
            })
          );
        },
        onShardLost: (shardId, why) => lost.push({ node, shardId, why }),
      },
    });
  engines.a = await open('a');
  engines.b = await open('b');
  const take = async (node: string, shardId: number): Promise<ShardLease> => {
    const lease = await store.acquireShard(shardId, node, LEASE_MS);
    assert.ok(lease, `${node} could not take shard ${shardId}`);
    owner.set(shardId, node);
    await engines[node]!.adoptShards([lease]);
    return lease;
  };
  return { store, a: engines.a, b: engines.b, take, lost, pass: (ms: number) => (storeNow += ms) };
}

const start = (engine: Engine, workflowId: string) =>
  engine.startWorkflow({ namespace: 'default', workflowId, workflowType: 'W', taskQueue: 'q', input: [] });

test('a node owns only its shards: another node refuses their runs as retryable, naming the shard', async () => {
  const { a, b, take } = await twoNodes();
  await take('a', 0);
  await take('b', 1);
  assert.deepEqual(a.ownedShards(), [0]);
  assert.deepEqual(b.ownedShards(), [1]);
  const id = idIn(0, 'order');
  await start(a, id);
  await assert.rejects(start(b, idIn(0, 'other')), (e: unknown) => e instanceof ApiError && e.code === 'UNAVAILABLE' && /shard 0/.test(e.message));
  await assert.rejects(b.describeWorkflow({ namespace: 'default', workflowId: id }), (e: unknown) => e instanceof ApiError && e.code === 'UNAVAILABLE');
  assert.equal((await a.describeWorkflow({ namespace: 'default', workflowId: id })).status, 'RUNNING');
  await Promise.all([a.close(), b.close()]);
});

test("a parent in one node's shard and its child in the other's: the child starts there, and its close reaches the parent", async () => {
  const { a, b, take } = await twoNodes();
  await take('a', 0);
  await take('b', 1);
  const parentId = idIn(0, 'parent');
  const childId = idIn(1, 'child');
  await start(a, parentId);
  await completeTask(a, 'default', 'q', [{ type: 'StartChildWorkflow', seq: 1, workflowId: childId, workflowType: 'C', args: [p(7)], parentClosePolicy: 'TERMINATE' }]);
  // The child's first task is on b, the node owning its shard.
  const childTask = await nextTask(b, 'default', 'q');
  assert.equal(childTask.workflowId, childId);
  await b.completeWorkflowTask({ taskToken: childTask.taskToken, commands: [{ type: 'CompleteWorkflow', result: p('child-done') }], sawUpTo: childTask.lastEventId, time: Date.now() });
  // The parent, on a, hears of the start and the close (one task or two, as they arrive).
  const seen: string[] = [];
  while (!seen.includes('ChildWorkflowExecutionClosed')) {
    const t = await nextTask(a, 'default', 'q');
    assert.equal(t.workflowId, parentId);
    seen.push(...t.events.map((e) => e.type));
    const closed = seen.includes('ChildWorkflowExecutionClosed');
    await a.completeWorkflowTask({ taskToken: t.taskToken, commands: closed ? [{ type: 'CompleteWorkflow', result: p('parent-done') }] : [], sawUpTo: t.lastEventId, time: Date.now() });
  }
  const parent = await a.getResult({ namespace: 'default', workflowId: parentId, timeoutMs: 2000 });
  assert.equal(parent.closeEvent?.type, 'WorkflowExecutionCompleted');
  const history = (await a.getHistory({ namespace: 'default', workflowId: parentId })).events;
  const closed = history.find((e) => e.type === 'ChildWorkflowExecutionClosed');
  assert.equal(closed?.attributes.status, 'COMPLETED');
  assert.deepEqual(closed?.attributes.result, p('child-done'));
  await Promise.all([a.close(), b.close()]);
});

test("a child's close that the parent's node does not answer in time (DEADLINE_EXCEEDED) is told again until it is recorded", async () => {
  let timeouts = 0;
  const { a, b, take } = await twoNodes({
    peerFails: (op) => (op === 'recordChildClosed' && timeouts++ < 2 ? new ApiError('DEADLINE_EXCEEDED', 'no answer from the node within 70000 ms') : undefined),
  });
  await take('a', 0);
  await take('b', 1);
  const parentId = idIn(0, 'patient-parent');
  const childId = idIn(1, 'quick-child');
  await start(a, parentId);
  await completeTask(a, 'default', 'q', [{ type: 'StartChildWorkflow', seq: 1, workflowId: childId, workflowType: 'C', args: [], parentClosePolicy: 'TERMINATE' }]);
  const childTask = await nextTask(b, 'default', 'q');
  await b.completeWorkflowTask({ taskToken: childTask.taskToken, commands: [{ type: 'CompleteWorkflow', result: p('done') }], sawUpTo: childTask.lastEventId, time: Date.now() });
  const seen: string[] = [];
  while (!seen.includes('ChildWorkflowExecutionClosed')) {
    // Each telling that failed is tried again a second later.
    const t = await a.pollWorkflowTask({ namespace: 'default', taskQueue: 'q', identity: 'test', timeoutMs: 10_000 });
    assert.ok(t, 'the parent hears of its child');
    seen.push(...t.events.map((e) => e.type));
    await a.completeWorkflowTask({ taskToken: t.taskToken, commands: [], sawUpTo: t.lastEventId, time: Date.now() });
  }
  assert.equal(timeouts, 3, 'told twice in vain, then recorded');
  await Promise.all([a.close(), b.close()]);
});

test("a shard taken over: the old owner's next write is fenced off (it drops the shard), the new owner finishes the run", async () => {
  const { a, b, take, lost, pass } = await twoNodes();
  await take('a', 0);
  await take('b', 1);
  const id = idIn(0, 'moving');
  await start(a, id);
  await completeTask(a, 'default', 'q', []); // the run now waits
  pass(LEASE_MS + 1); // a's lease ran out (a paused, say) and b takes the shard over
  const lease = await take('b', 0);
  assert.equal(lease.token, 2);
  // a still thinks it owns shard 0: its write carries the old token and is refused by the store,
  // and the caller is told to go to the shard's owner (retryable, naming the shard), not an internal error.
  await assert.rejects(a.signalWorkflow({ namespace: 'default', workflowId: id, signalName: 's', input: [] }), (e: unknown) => e instanceof ApiError && e.code === 'UNAVAILABLE' && e.details['shardId'] === 0);
  assert.deepEqual(a.ownedShards(), []);
  assert.deepEqual(lost.map((l) => [l.node, l.shardId]), [['a', 0]]);
  assert.match(lost[0]!.why, /taken over/);
  // b owns the run now: it takes the signal and the run finishes there, its history in one piece.
  await b.signalWorkflow({ namespace: 'default', workflowId: id, signalName: 's', input: [p(1)] });
  const t = await nextTask(b, 'default', 'q');
  assert.equal(t.workflowId, id);
  await b.completeWorkflowTask({ taskToken: t.taskToken, commands: [{ type: 'CompleteWorkflow', result: p('ok') }], sawUpTo: t.lastEventId, time: Date.now() });
  const events = (await b.getHistory({ namespace: 'default', workflowId: id })).events;
  assert.deepEqual(events.map((e) => e.eventId), events.map((_, i) => i + 1));
  assert.equal(events.filter((e) => e.type === 'WorkflowExecutionSignaled').length, 1, 'the fenced-off signal never landed');
  assert.equal(events.at(-1)?.type, 'WorkflowExecutionCompleted');
  await Promise.all([a.close(), b.close()]);
});

test('a write that fails on a node is told to its caller as UNAVAILABLE and ambiguous (resend with the request id); the node gives the shard up', async () => {
  let failing = false;
  const { a, take, lost } = await twoNodes({ failing: () => failing });
  await take('a', 0);
  const id = idIn(0, 'flaky');
  await start(a, id);
  failing = true; // the commit lands, yet the node hears an error (a connection lost while committing)
  await assert.rejects(a.signalWorkflow({ namespace: 'default', workflowId: id, signalName: 's', input: [], requestId: 'sig-1' }), (e: unknown) => e instanceof ApiError && e.code === 'UNAVAILABLE' && e.details['ambiguous'] === true && /same requestId/.test(e.message));
  assert.deepEqual(a.ownedShards(), []);
  assert.deepEqual(lost.map((l) => [l.node, l.shardId]), [['a', 0]]);
  failing = false;
  await take('a', 0);
  // The resend with the same request id is answered as the first was: one signal in history.
  await a.signalWorkflow({ namespace: 'default', workflowId: id, signalName: 's', input: [], requestId: 'sig-1' });
  const events = (await a.getHistory({ namespace: 'default', workflowId: id })).events;
  assert.equal(events.filter((e) => e.type === 'WorkflowExecutionSignaled').length, 1);
});

test('a run read while its shard left the node is not kept: the node, owning the shard again, reads it afresh', async () => {
  let hold: Promise<void> | undefined;
  const { a, b, take, pass } = await twoNodes({ reading: () => hold ?? Promise.resolve() });
  await take('a', 0);
  const id = idIn(0, 'reread');
  await start(a, id);
  await a.dropShard(0);
  await take('a', 0); // the run is no longer in a's memory
  let release!: () => void;
  hold = new Promise<void>((r) => (release = r));
  const reading = a.describeWorkflow({ namespace: 'default', workflowId: id });
  await new Promise((r) => setImmediate(r));
  await a.dropShard(0); // the shard leaves while the read is under way
  hold = undefined;
  release();
  await assert.rejects(reading, (e: unknown) => e instanceof ApiError && e.code === 'UNAVAILABLE' && e.details['shardId'] === 0);
  // b owns it a while and signals the run; then a takes it back and must see that signal.
  pass(LEASE_MS + 1);
  await take('b', 0);
  await b.signalWorkflow({ namespace: 'default', workflowId: id, signalName: 's', input: [] });
  pass(LEASE_MS + 1);
  await take('a', 0);
  const events = (await a.getHistory({ namespace: 'default', workflowId: id })).events;
  assert.equal(events.filter((e) => e.type === 'WorkflowExecutionSignaled').length, 1, 'a read the run afresh, not the copy read while the shard left');
  await Promise.all([a.close(), b.close()]);
});

test('a dropped shard ends the waits on its runs and takes its tasks out of the queues', async () => {
  const { a, take } = await twoNodes();
  await take('a', 0);
  const id = idIn(0, 'waiting');
  await start(a, id);
  const waiting = a.getResult({ namespace: 'default', workflowId: id, timeoutMs: 30_000 });
  await a.dropShard(0);
  await assert.rejects(waiting, (e: unknown) => e instanceof ApiError && e.code === 'UNAVAILABLE');
  assert.equal(await a.pollWorkflowTask({ namespace: 'default', taskQueue: 'q', identity: 't', timeoutMs: 50 }), null, 'its first task left the queue');
  await a.close();
});

test('one node sweeps retention, the one holding shard 0, and the sweep moves with the shard', async () => {
  let storeNow = 1_000_000;
  const store: Store = new MemoryStore(emptyData(), () => storeNow);
  const sweeps: Record<string, number> = { a: 0, b: 0 };
  // Each engine's view of the one store counts its own sweeps.
  const viewOf = (node: string): Store =>
    new Proxy(store, {
      get(target, key) {
        if (key === 'deleteClosedRuns') return (...args: Parameters<Store['deleteClosedRuns']>) => (sweeps[node]!++, target.deleteClosedRuns(...args));
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  const open = (node: string) => Engine.open(viewOf(node), { cluster: { shardCount: SHARDS, peer: () => undefined, onShardLost: () => {} }, retention: { intervalMs: 10 } });
  const a = await open('a');
  const b = await open('b');
  const take = async (engine: Engine, node: string, shardId: number) => {
    const lease = (await store.acquireShard(shardId, node, LEASE_MS))!;
    await engine.adoptShards([lease]);
    return lease;
  };
  const leaseA = await take(a, 'a', 0);
  await take(b, 'b', 1);
  const settle = async () => {
    sweeps.a = sweeps.b = 0;
    await new Promise((r) => setTimeout(r, 150));
  };
  await settle();
  assert.ok(sweeps.a > 0 && sweeps.b === 0, `a (shard 0) sweeps, b does not: ${JSON.stringify(sweeps)}`);
  await a.dropShard(0);
  await store.releaseShard(leaseA);
  await take(b, 'b', 0);
  await settle();
  assert.ok(sweeps.b > 0 && sweeps.a === 0, `b took shard 0 and the sweep: ${JSON.stringify(sweeps)}`);
  await Promise.all([a.close(), b.close()]);
});
