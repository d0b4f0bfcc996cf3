// Three `endure server --cluster` processes over one PostgreSQL schema, a worker and a client given
// all three addresses: orders with an activity, a timer, a signal and a child (mostly in another
// node's shard) finish with the right results while a node is SIGKILLed and started again; every
// history is whole and says each thing once; `describeCluster` shows who owns what.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import { TestCluster } from '../src/cluster-nodes.js';
import { freshPostgresSchema } from '../src/postgres-schema.js';
import { memoryLogger, workflowsPath } from '../src/harness.js';
import { checkClusterHistories } from '../src/cluster-checks.js';

const ENDURE = fileURLToPath(new URL('../../../server/bin/endure.js', import.meta.url));
const ORDERS = 30;
const SHARDS = 16;
const expected = (n: number) => `order ${n}: doubled ${2 * n}, approved by ${n + 1}, item ${4 * n}`;

describe('a cluster of three server nodes', () => {
  const schema = freshPostgresSchema('cluster');
  const cluster = new TestCluster(schema.address, { shards: SHARDS, leaseMs: 2000 });
  let client: Client;
  let conn: Connection;
  let wconn: NativeConnection;
  let worker: Worker;
  let running: Promise<void>;
  const executions = new Map<number, number>();

  before(async () => {
    await cluster.start(3);
    conn = await Connection.connect({ address: cluster.address });
    client = new Client({ connection: conn });
    wconn = await NativeConnection.connect({ address: cluster.address });
    const activities = {
      async double(n: number): Promise<number> {
        executions.set(n, (executions.get(n) ?? 0) + 1);
        return 2 * n;
      },
    };
    worker = await Worker.create({ connection: wconn, taskQueue: 'cluster', workflowsPath: workflowsPath('cluster'), activities, logger: memoryLogger() });
    running = worker.run();
  });

  after(async () => {
    worker?.shutdown();
    await running;
    await wconn?.close();
    await conn?.close();
    await cluster.stop();
    await schema.drop();
  });

  it('shares the shards evenly among the nodes and shows it', async () => {
    // Nodes that start together settle within a few rounds: the fullest gives a shard up each round.
    let described = await client.operator.describeCluster();
    for (const end = Date.now() + 30_000; Date.now() < end; described = await client.operator.describeCluster()) {
      const counts = described.nodes.filter((n) => n.alive).map((n) => n.shards.length);
      if (counts.length === 3 && counts.every((c) => c >= Math.floor(SHARDS / 3)) && described.unowned?.length === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(described.mode, 'cluster');
    assert.equal(described.shardCount, SHARDS);
    const alive = described.nodes.filter((n) => n.alive);
    assert.equal(alive.length, 3, JSON.stringify(described.nodes));
    assert.deepEqual(alive.flatMap((n) => n.shards).sort((a, b) => a - b), Array.from({ length: SHARDS }, (_, i) => i), 'every shard owned once');
    for (const n of alive) assert.ok(n.shards.length >= Math.floor(SHARDS / 3), `shared evenly: ${JSON.stringify(alive.map((x) => x.shards))}`);
    // The CLI, against any one node, lists all three.
    const { stdout } = await promisify(execFile)(process.execPath, [ENDURE, '--address', cluster.addresses[2]!, 'cluster', 'describe']);
    for (const address of cluster.addresses) assert.ok(stdout.includes(address), `${address} in:\n${stdout}`);
    assert.match(stdout, new RegExp(`Shards: ${SHARDS}, ${SHARDS} held, 0 unowned`), stdout);
  });

  it('finishes every order with the right result while a node is killed and restarted', async () => {
    const handles = [];
    for (let n = 0; n < ORDERS; n++) {
      handles.push(await client.workflow.start('order', { taskQueue: 'cluster', workflowId: `order-${n}`, args: [n, 300 + (n % 7) * 100] }));
    }
    await cluster.kill(1); // mid-flight: activities, timers and children of its shards in the air
    for (let n = 0; n < ORDERS; n++) await client.workflow.getHandle(`order-${n}`).signal('approve', n + 1);
    await cluster.restart(1);
    const results = await Promise.all(handles.map((h) => h.result()));
    results.forEach((r, n) => assert.equal(r, expected(n), `order-${n}\n${cluster.logs()}`));
    for (let n = 0; n < ORDERS; n++) assert.ok((executions.get(n) ?? 0) >= 1);
    await checkClusterHistories(client, [...Array(ORDERS).keys()].flatMap((n) => [`order-${n}`, `order-${n}-item`]));
  });
});
