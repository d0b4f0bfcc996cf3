// A connection given the addresses of a cluster's nodes sends each request where it belongs:
// a request about a run to the node owning the run's shard, a completion to the node owning its
// task token's run, and a worker's poll to every node at once, each asked for its own tasks only
// (the poll-scope header). Three small HTTP servers play the nodes: each answers describeCluster
// with the same cluster, records what reaches it, and hands out the tasks the test gives it.
// Real nodes doing the same are in cluster.test.ts and cluster-chaos.test.ts.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { POLL_SCOPE_HEADER, shardOf, type DescribeClusterResponse } from '@endure/protocol';
import { openTransport, type Transport } from '@endure/transport';

const NS = 'default';
const SHARDS = 6;

interface Seen {
  operation: string;
  scope: string | undefined;
  request: Record<string, unknown>;
}

type Answer = (request: Record<string, unknown>) => unknown;

/** One pretend node: answers describeCluster from `cluster()`, polls from `tasks`, the rest from `answers`. */
class FakeNode {
  server: Server;
  address = '';
  seen: Seen[] = [];
  /** Tasks to hand out, by task queue. */
  tasks = new Map<string, { taskToken: string }[]>();
  answers = new Map<string, Answer>();
  private polls: (() => void)[] = [];

  constructor(private readonly cluster: () => DescribeClusterResponse) {
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.address = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Gives the node a task of `taskQueue` to hand out (to a poll waiting now, or the next one). */
  push(taskQueue: string, taskToken: string): void {
    this.queue(taskQueue).push({ taskToken });
    for (const wake of this.polls.splice(0)) wake();
  }

  private queue(taskQueue: string): { taskToken: string }[] {
    let q = this.tasks.get(taskQueue);
    if (!q) this.tasks.set(taskQueue, (q = []));
    return q;
  }

  /** What reached the node for `operation` (with `taskQueue`: polls of that queue only; a test's own queue keeps an earlier test's late polls out). */
  ops(operation: string, taskQueue?: string): Seen[] {
    return this.seen.filter((s) => s.operation === operation && (taskQueue === undefined || s.request['taskQueue'] === taskQueue));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
    const operation = (req.url ?? '').replace('/v1/', '');
    const scope = req.headers[POLL_SCOPE_HEADER] as string | undefined;
    const reply = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (operation === 'batch') {
      const calls = body['calls'] as { operation: string; request: Record<string, unknown> }[];
      for (const c of calls) this.seen.push({ operation: c.operation, scope, request: c.request });
      return reply(200, { results: calls.map(() => ({ result: {} })) });
    }
    this.seen.push({ operation, scope, request: body });
    if (operation === 'describeCluster') return reply(200, this.cluster());
    const answer = this.answers.get(operation);
    if (answer) {
      try {
        return reply(200, answer(body));
      } catch (err) {
        return reply(404, { error: { code: 'NOT_FOUND', message: (err as Error).message, details: { namespace: NS } } });
      }
    }
    if (operation === 'pollActivityTasks' || operation === 'pollWorkflowTasks') {
      const until = Date.now() + Math.min(Number(body['timeoutMs'] ?? 60_000), 3_000);
      const tasks = this.queue(String(body['taskQueue']));
      while (tasks.length === 0 && Date.now() < until) {
        await new Promise<void>((r) => {
          this.polls.push(r);
          setTimeout(r, until - Date.now());
        });
      }
      return reply(200, { tasks: tasks.splice(0, Number(body['maxTasks'] ?? 1)) });
    }
    return reply(200, {});
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** A task token naming a run, in the shape nodes route by (`<keyId>.<payload>.<signature>`). */
function tokenFor(workflowId: string): string {
  return `k1.${Buffer.from(JSON.stringify(['activity', NS, workflowId, 'run-1', 1])).toString('base64url')}.sig`;
}

async function until(what: string, check: () => boolean, ms = 5000, state?: () => unknown): Promise<void> {
  for (const end = Date.now() + ms; !check(); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${state ? `: ${JSON.stringify(state())}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a connection to the nodes of a cluster', () => {
  let mode: 'cluster' | 'single' = 'cluster';
  const nodes: FakeNode[] = [];
  /** Shard s is held by node s % 3. */
  const ownerOf = (workflowId: string) => nodes[shardOf(NS, workflowId, SHARDS) % nodes.length]!;
  const describeCluster = (): DescribeClusterResponse => ({
    mode,
    ...(mode === 'cluster' ? { shardCount: SHARDS, unowned: [] } : {}),
    nodes: nodes.map((n, i) => ({ nodeId: `n${i}`, address: n.address, startedAt: 0, heartbeatAt: Date.now(), expiresAt: Date.now() + 10_000, alive: true, shards: [] })),
    shards: Array.from({ length: SHARDS }, (_, s) => ({ shardId: s, nodeId: `n${s % 3}`, token: 1, expiresAt: Date.now() + 10_000, held: true })),
    now: Date.now(),
  });
  let transport: Transport;
  /** Workflow ids with at least one in each node's shards. */
  const ids = Array.from({ length: 12 }, (_, i) => `wf-${i}`);

  before(async () => {
    for (let i = 0; i < 3; i++) nodes.push(new FakeNode(describeCluster));
    for (const n of nodes) await n.listen();
  });
  after(async () => {
    for (const n of nodes) await n.close();
  });
  afterEach(async () => {
    await transport?.close();
    for (const n of nodes) {
      n.seen = [];
      n.tasks.clear();
      n.answers.clear();
    }
    mode = 'cluster';
  });

  /** A connection listing the nodes, once it has read the cluster's shape. */
  async function connect(): Promise<Transport> {
    transport = await openTransport(nodes.map((n) => n.address).join(','));
    await transport.api.describeWorkflow({ namespace: NS, workflowId: 'warm-up' });
    await until('the cluster to be read', () => nodes.some((n) => n.ops('describeCluster').length > 0));
    await new Promise((r) => setTimeout(r, 50));
    return transport;
  }

  it('sends a request about a run to the node owning its shard, and each node gets its own', async () => {
    const t = await connect();
    for (const n of nodes) n.seen = [];
    for (const workflowId of ids) await t.api.describeWorkflow({ namespace: NS, workflowId });
    for (const workflowId of ids) {
      const reached = nodes.filter((n) => n.ops('describeWorkflow').some((s) => s.request['workflowId'] === workflowId));
      assert.deepEqual(reached, [ownerOf(workflowId)], `${workflowId} went to its owner only`);
    }
    for (const n of nodes) assert.ok(n.ops('describeWorkflow').length > 0, 'every node owns some of the ids');
  });

  it("sends a task's completion to the node owning the run its token names", async () => {
    const t = await connect();
    for (const n of nodes) n.seen = [];
    await Promise.all(ids.map((workflowId) => t.api.completeActivityTask({ taskToken: tokenFor(workflowId), result: undefined } as never)));
    for (const workflowId of ids) {
      const reached = nodes.filter((n) => n.ops('completeActivityTask').some((s) => s.request['taskToken'] === tokenFor(workflowId)));
      assert.deepEqual(reached, [ownerOf(workflowId)], `${workflowId}'s completion went to its owner only`);
    }
  });

  it("keeps a poll open on every node, each asking for that node's tasks only, and hands the worker the first task any brings", async () => {
    const t = await connect();
    const poll = t.api.pollActivityTasks({ namespace: NS, taskQueue: 'q3', identity: 'w', maxTasks: 4 });
    await until('a poll on every node', () => nodes.every((n) => n.ops('pollActivityTasks', 'q3').length === 1));
    for (const n of nodes) assert.equal(n.ops('pollActivityTasks', 'q3')[0]!.scope, 'node');
    nodes[2]!.push('q3', 'task-on-node-2');
    assert.deepEqual((await poll).tasks, [{ taskToken: 'task-on-node-2' }]);
    // The polls of the other nodes stay open, and serve the next worker poll.
    const next = t.api.pollActivityTasks({ namespace: NS, taskQueue: 'q3', identity: 'w', maxTasks: 4 });
    nodes[0]!.push('q3', 'task-on-node-0');
    assert.deepEqual((await next).tasks, [{ taskToken: 'task-on-node-0' }]);
    assert.equal(nodes[0]!.ops('pollActivityTasks', 'q3').length, 1, 'node 0 was polled once for both');
  });

  it('gives a task back to its node when it arrives with no worker poll waiting for it', async () => {
    const t = await connect();
    const poll = t.api.pollActivityTasks({ namespace: NS, taskQueue: 'q4', identity: 'w', maxTasks: 1 });
    await until('a poll on every node', () => nodes.every((n) => n.ops('pollActivityTasks', 'q4').length === 1), 2000, () => nodes.map((n) => n.seen));
    nodes[0]!.push('q4', 'first');
    nodes[1]!.push('q4', 'second');
    const got = (await poll).tasks.map((x) => x.taskToken);
    assert.equal(got.length, 1);
    const other = got[0] === 'first' ? 'second' : 'first';
    const home = other === 'first' ? nodes[0]! : nodes[1]!;
    await until('the other task to be given back', () => home.ops('releaseTask').length > 0, 3000);
    assert.deepEqual(home.ops('releaseTask').map((s) => s.request['taskToken']), [other]);
  });

  it("fails the worker's poll with a node's refusal (an unknown namespace), which a worker stops on", async () => {
    const t = await connect();
    nodes[1]!.answers.set('pollActivityTasks', () => {
      throw new Error("namespace 'nowhere' is not registered");
    });
    await assert.rejects(t.api.pollActivityTasks({ namespace: NS, taskQueue: 'q', identity: 'w', maxTasks: 1 }), (err: Error & { code?: string }) => err.code === 'NOT_FOUND' && /nowhere/.test(err.message));
  });

  it('sends the requests of a node that cannot be reached to another node, which forwards them', async () => {
    const t = await connect();
    const gone = nodes[1]!;
    const workflowId = ids.find((id) => ownerOf(id) === gone)!;
    gone.server.closeAllConnections();
    await new Promise<void>((r) => gone.server.close(() => r()));
    try {
      for (const n of nodes) n.seen = [];
      await t.api.describeWorkflow({ namespace: NS, workflowId });
      assert.equal(nodes.filter((n) => n !== gone).flatMap((n) => n.ops('describeWorkflow')).length, 1, 'served by a node still there');
    } finally {
      await new Promise<void>((r) => gone.server.listen(Number(new URL(gone.address).port), '127.0.0.1', r));
    }
  });

  it('does not send a waiting poll again when the connection closes under it (its answer could hand out tasks to nobody)', async () => {
    const t = await connect();
    // Each node's link has made a request before: the poll goes on a kept-alive socket, which a
    // reset soon after sending would make look stale.
    for (const workflowId of ids) await t.api.describeWorkflow({ namespace: NS, workflowId });
    const poll = t.api.pollActivityTasks({ namespace: NS, taskQueue: 'q-close', identity: 'w', maxTasks: 1 });
    await until('a poll on every node', () => nodes.every((n) => n.ops('pollActivityTasks', 'q-close').length === 1));
    await t.close();
    assert.deepEqual((await poll).tasks, [], 'the waiting poll answers, empty');
    await new Promise((r) => setTimeout(r, 300));
    for (const n of nodes) assert.equal(n.ops('pollActivityTasks', 'q-close').length, 1, 'each node polled once');
  });

  it("reads the cluster's shape every few seconds while in use, and not while idle", async () => {
    const t = await connect();
    const reads = () => nodes.reduce((n, node) => n + node.ops('describeCluster').length, 0);
    // In use for over one refresh period: read again.
    const before = reads();
    for (const end = Date.now() + 5_600; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) await t.api.describeWorkflow({ namespace: NS, workflowId: ids[0]! });
    assert.ok(reads() > before, 'read again while requests came');
    // Idle for over one refresh period (after the tick that saw the last requests): not read.
    await new Promise((r) => setTimeout(r, 5_100));
    const idle = reads();
    await new Promise((r) => setTimeout(r, 5_200));
    assert.equal(reads(), idle, 'an idle connection costs the nodes nothing');
  });

  it('talks to a deployment that is no cluster the plain way: polls without the scope header, runs at the first server', async () => {
    mode = 'single';
    const t = await connect();
    for (const n of nodes) n.seen = [];
    for (const workflowId of ids) await t.api.describeWorkflow({ namespace: NS, workflowId });
    assert.equal(nodes[0]!.ops('describeWorkflow').length, ids.length, 'all at the first server');
    const poll = t.api.pollActivityTasks({ namespace: NS, taskQueue: 'q', identity: 'w', maxTasks: 1, timeoutMs: 100 });
    await poll;
    const polls = nodes.flatMap((n) => n.ops('pollActivityTasks'));
    assert.equal(polls.length, 1);
    assert.equal(polls[0]!.scope, undefined);
  });
});
