// A poll sent to one node of a cluster waits on every node (each holds the tasks of its own
// shards), unless it asks for that node's tasks only with the poll-scope header — what a
// connection that polls every node itself sends (cluster-routing.test.ts). Two real nodes over
// one PostgreSQL schema, raw HTTP to set the header.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { POLL_SCOPE_HEADER, shardOf, type DescribeClusterResponse } from '@endure/protocol';
import { TestCluster } from '../src/cluster-nodes.js';
import { freshPostgresSchema } from '../src/postgres-schema.js';

const SHARDS = 8;
const NS = 'default';

async function post(base: string, operation: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}/v1/${operation}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('a poll on a cluster node', () => {
  const schema = freshPostgresSchema('pollscope');
  const cluster = new TestCluster(schema.address, { shards: SHARDS, leaseMs: 2000 });
  /** Workflow ids whose shard each node owns, by node address. */
  const idsOf = new Map<string, string[]>();

  before(async () => {
    await cluster.start(2);
    let d: DescribeClusterResponse | undefined;
    for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
      d = (await post(cluster.addresses[0]!, 'describeCluster', {})).json as unknown as DescribeClusterResponse;
      const counts = d.nodes.filter((n) => n.alive).map((n) => n.shards.length);
      if (counts.length === 2 && counts.every((c) => c === SHARDS / 2)) break;
    }
    const owner = new Map(d!.nodes.filter((n) => n.alive).flatMap((n) => n.shards.map((s) => [s, n.address] as const)));
    for (let i = 0; idsOf.size < 2 || [...idsOf.values()].some((l) => l.length < 2); i++) {
      const id = `scoped-${i}`;
      const at = owner.get(shardOf(NS, id, SHARDS))!;
      idsOf.set(at, [...(idsOf.get(at) ?? []), id]);
    }
  });
  after(async () => {
    await cluster.stop();
    await schema.drop();
  });

  it("with the poll-scope header gets that node's tasks only; without it, any node's", async () => {
    const [a, b] = cluster.addresses as [string, string];
    const start = async (workflowId: string, taskQueue: string) =>
      assert.equal((await post(a, 'startWorkflow', { namespace: NS, workflowId, workflowType: 'w', taskQueue, input: [] })).status, 200);
    const poll = (base: string, taskQueue: string, headers?: Record<string, string>) =>
      post(base, 'pollWorkflowTasks', { namespace: NS, taskQueue, identity: 't', maxTasks: 10, timeoutMs: 1000 }, headers);
    const idsOfTasks = (r: { json: Record<string, unknown> }) => ((r.json['tasks'] ?? []) as { workflowId: string }[]).map((t) => t.workflowId).sort();

    // A task in b's shards only: a scoped poll of a finds nothing; a plain one finds it through b.
    const onB = idsOf.get(b)![0]!;
    await start(onB, 'only-b');
    assert.deepEqual(idsOfTasks(await poll(a, 'only-b', { [POLL_SCOPE_HEADER]: 'node' })), []);
    assert.deepEqual(idsOfTasks(await poll(a, 'only-b')), [onB]);

    // Tasks on both: each node's scoped poll hands out its own.
    const onA = idsOf.get(a)![1]!;
    const onB2 = idsOf.get(b)![1]!;
    await start(onA, 'both');
    await start(onB2, 'both');
    assert.deepEqual(idsOfTasks(await poll(a, 'both', { [POLL_SCOPE_HEADER]: 'node' })), [onA]);
    assert.deepEqual(idsOfTasks(await poll(b, 'both', { [POLL_SCOPE_HEADER]: 'node' })), [onB2]);
  });

  it('refuses a scope it does not know, naming the header and the values it takes', async () => {
    const r = await post(cluster.addresses[0]!, 'pollWorkflowTasks', { namespace: NS, taskQueue: 'q', identity: 't', maxTasks: 1, timeoutMs: 10 }, { [POLL_SCOPE_HEADER]: 'cluster' });
    assert.equal(r.status, 400);
    const error = r.json['error'] as { code: string; message: string };
    assert.equal(error.code, 'INVALID_ARGUMENT');
    assert.match(error.message, new RegExp(`header ${POLL_SCOPE_HEADER}: 'cluster' is not a poll scope; send 'node'`));
  });
});
