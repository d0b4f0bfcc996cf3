// Cluster members over one store, on real time with short leases: a second node gets its share,
// a halted node's shards are taken over, and its runs finish on the node that took them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore, emptyData } from '@endure/storage/memory';
import { ClusterMember, clusterApi, shardOf, type NodeApi, type RunActions } from '../src/index.js';
import { completeTask, p } from './support.js';

const SHARDS = 8;

async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a second node gets its share; a halted node is taken over and its runs finish elsewhere', async () => {
  const store = new MemoryStore(emptyData());
  const members = new Map<string, ClusterMember>();
  const join = async (nodeId: string) => {
    const m = await ClusterMember.join(store, {
      nodeId,
      address: `mem://${nodeId}`,
      shardCount: SHARDS,
      leaseMs: 600,
      tickMs: 100,
      peerAt: (address) => members.get(address.slice('mem://'.length))!.engine as RunActions,
    });
    members.set(nodeId, m);
    return m;
  };
  const a = await join('a');
  assert.equal(a.engine.ownedShards()?.length, SHARDS, 'a lone node owns every shard');
  const b = await join('b');
  await eventually('the shards are shared evenly', () => a.engine.ownedShards()!.length === SHARDS / 2 && b.engine.ownedShards()!.length === SHARDS / 2);

  // Runs on a's shards, started through a and left waiting for their next task.
  const ids: string[] = [];
  for (let i = 0; ids.length < 3; i++) {
    const id = `w-${i}`;
    const shard = (await import('../src/index.js')).shardOf('default', id, SHARDS);
    if (a.ownerOf(shard)?.nodeId !== 'a') continue;
    await a.engine.startWorkflow({ namespace: 'default', workflowId: id, workflowType: 'W', taskQueue: 'q', input: [] });
    ids.push(id);
  }
  await a.halt(); // a crash, as the others see it: nothing released
  await eventually('b owns every shard', () => b.engine.ownedShards()!.length === SHARDS);
  for (let n = 0; n < ids.length; n++) await completeTask(b.engine, 'default', 'q', [{ type: 'CompleteWorkflow', result: p('done') }]);
  for (const id of ids) {
    const r = await b.engine.getResult({ namespace: 'default', workflowId: id, timeoutMs: 5000 });
    assert.equal(r.closeEvent?.type, 'WorkflowExecutionCompleted', id);
  }
  await b.leave();
  assert.deepEqual((await store.listNodes()).map((n) => n.nodeId), ['a'], 'b left the node list; a, halted, is still on it until removed');
});

test('any node answers: runs are served by their owner, polls reach tasks on every node, completions follow their token', async () => {
  const store = new MemoryStore(emptyData());
  const members = new Map<string, ClusterMember>();
  const nodeApi = (address: string): NodeApi => members.get(address.slice('mem://'.length))!.engine;
  for (const nodeId of ['a', 'b']) {
    members.set(nodeId, await ClusterMember.join(store, { nodeId, address: `mem://${nodeId}`, shardCount: SHARDS, leaseMs: 600, tickMs: 100, peerAt: nodeApi }));
  }
  const [a, b] = [members.get('a')!, members.get('b')!];
  await eventually('the shards are shared', () => a.engine.ownedShards()!.length === SHARDS / 2 && b.engine.ownedShards()!.length === SHARDS / 2);
  await Promise.all([a.refresh(), b.refresh()]);
  const viaA = clusterApi(a, nodeApi);
  // Workflow ids owned by b, started and driven entirely through a.
  const ids: string[] = [];
  for (let i = 0; ids.length < 4; i++) if (b.ownerOf(shardOf('default', `r-${i}`, SHARDS))?.nodeId === 'b') ids.push(`r-${i}`);
  for (const id of ids) await viaA.startWorkflow({ namespace: 'default', workflowId: id, workflowType: 'W', taskQueue: 'q', input: [] });
  for (let n = 0; n < ids.length; n++) {
    const t = await viaA.pollWorkflowTask({ namespace: 'default', taskQueue: 'q', identity: 'w', timeoutMs: 5000 });
    assert.ok(t && ids.includes(t.workflowId), 'a poll through a reaches the tasks held by b');
    await viaA.completeWorkflowTask({ taskToken: t.taskToken, commands: [{ type: 'CompleteWorkflow', result: p(t.workflowId) }], sawUpTo: t.lastEventId, time: Date.now() });
  }
  for (const id of ids) {
    const r = await viaA.getResult({ namespace: 'default', workflowId: id, timeoutMs: 5000 });
    assert.deepEqual(r.closeEvent?.attributes, { result: p(id) });
  }
  assert.equal(await viaA.pollWorkflowTask({ namespace: 'default', taskQueue: 'q', identity: 'w', timeoutMs: 100 }), null, 'nothing handed out twice');
  await Promise.all([a.leave(), b.leave()]);
});

test('a node started with fewer shards than its cluster has is refused; one with more is reported by the others', async () => {
  const store = new MemoryStore(emptyData());
  const peerAt = (): RunActions => assert.fail('no peers here');
  const log: string[] = [];
  const a = await ClusterMember.join(store, { nodeId: 'a', address: 'mem://a', shardCount: SHARDS, leaseMs: 600, tickMs: 100, peerAt, log: (m) => log.push(m) });
  await assert.rejects(ClusterMember.join(store, { nodeId: 'b', address: 'mem://b', shardCount: SHARDS / 2, leaseMs: 600, tickMs: 100, peerAt }), new RegExp(`at least ${SHARDS} shards.*started with ${SHARDS / 2}.*--shards`));
  const c = await ClusterMember.join(store, { nodeId: 'c', address: 'mem://c', shardCount: SHARDS * 2, leaseMs: 600, tickMs: 100, peerAt });
  await eventually('a reports the node that counts more shards', () => log.some((m) => /node c leases shard \d+, beyond this node's 8 shards/.test(m)));
  await Promise.all([a.leave(), c.leave()]);
});
