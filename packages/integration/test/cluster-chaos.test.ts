// Chaos with real processes: three `endure server --cluster` nodes and three worker processes over
// one PostgreSQL; thousands of orders (an activity, a timer, a signal and a child each) while nodes
// are SIGKILLed and started again at random and PostgreSQL itself is restarted. Afterwards every
// order completed once with the right result and every history is whole, each activity outcome,
// timer firing, child and signal recorded once (cluster-checks.ts).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@endure/client';
import { mulberry32 } from '@endure/common';
import { TestCluster } from '../src/cluster-nodes.js';
import { checkClusterHistories } from '../src/cluster-checks.js';
import { chaosDatabase, type ChaosDatabase } from '../src/chaos-database.js';

/** ENDURE_CHAOS_WORKFLOWS makes a quicker (or longer) run; the acceptance figure is 2,000. */
const ORDERS = Number(process.env['ENDURE_CHAOS_WORKFLOWS'] ?? 2000);
const KILLS = 10;
const DB_RESTARTS = 2;
const TASK_QUEUE = 'chaos';
const WORKER_APP = fileURLToPath(new URL('../src/cluster-worker-app.js', import.meta.url));
const expected = (n: number) => `order ${n}: doubled ${2 * n}, approved by ${n + 1}, item ${4 * n}`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
/** ENDURE_CHAOS_VERBOSE=1 prints the run's progress (what the chaos did, how far the orders got). */
const progress = (m: string) => process.env['ENDURE_CHAOS_VERBOSE'] && process.stderr.write(`[chaos ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`);

/** Longer than any wait a node kill or a database restart causes (leases, task timeouts, back-off). */
const STALL_MS = 90_000;

/** What the first few unfinished orders show: status, pending activities, and their history's last events. */
async function stuckOrders(client: Client, done: Set<number>): Promise<string> {
  const lines: string[] = [];
  for (let n = 0; n < ORDERS && lines.length < 5; n++) {
    if (done.has(n)) continue;
    for (const workflowId of [`chaos-${n}`, `chaos-${n}-item`]) {
      try {
        const h = client.workflow.getHandle(workflowId);
        const d = await h.describe();
        const events = (await h.fetchHistory()).events ?? [];
        const tail = events.slice(-6).map((e) => `${e.eventId}:${e.type}`);
        lines.push(`${workflowId}: ${d.status.name}, pending activities ${JSON.stringify(d.pendingActivities)}, last events ${tail.join(' ')}`);
      } catch (err) {
        lines.push(`${workflowId}: ${(err as Error).message}`);
      }
    }
  }
  return lines.join('\n');
}

function startWorker(address: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [WORKER_APP, address, TASK_QUEUE], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
  });
}

describe('chaos: three nodes and three workers, nodes killed and PostgreSQL restarted', () => {
  let db: ChaosDatabase | undefined;
  let cluster: TestCluster | undefined;
  const workers: ChildProcess[] = [];
  let conn: Connection | undefined;

  after(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await conn?.close();
    await cluster?.killAll();
    await db?.destroy();
  });

  it(`finishes ${ORDERS} orders exactly once through ${KILLS} node kills and ${DB_RESTARTS} database restarts`, { timeout: 15 * 60_000 }, async () => {
    const random = mulberry32(Number(process.env['ENDURE_CHAOS_SEED'] ?? 7));
    db = await chaosDatabase('chaos');
    cluster = new TestCluster(db.address, { shards: 16, leaseMs: 2000 });
    await cluster.start(3);
    const list = (first: number) => [0, 1, 2].map((i) => cluster!.addresses[(first + i) % 3]).join(',');
    for (let i = 0; i < 3; i++) workers.push(await startWorker(list(i)));
    conn = await Connection.connect({ address: list(0) });
    const client = new Client({ connection: conn });

    // The chaos, on its own schedule while the orders run: a node killed and brought back every
    // couple of seconds, and the database restarted twice among the kills.
    const log: string[] = [];
    let kills = 0;
    let restarts = 0;
    const chaos = (async () => {
      for (let round = 0; round < KILLS; round++) {
        await pause(1500 + random() * 1500);
        const slot = Math.floor(random() * 3);
        await cluster!.kill(slot);
        kills++;
        log.push(`kill node${slot}`);
        progress(`killed node${slot}`);
        if (round === 3 || round === 7) {
          await db!.restart();
          restarts++;
          log.push('restart database');
          progress('restarted the database');
        }
        await pause(300 + random() * 1200);
        await cluster!.restart(slot);
        log.push(`restart node${slot}`);
      }
    })();

    // Orders start in waves and each gets its signal a little later, spread over the chaos. A task
    // handed out through a node that died before answering is offered again after its timeout:
    // short timeouts (4 s here, 5 s for the activity) keep such waits short.
    const handles: WorkflowHandle[] = [];
    const signals: Promise<void>[] = [];
    for (let wave = 0; wave * 200 < ORDERS; wave++) {
      const ns = Array.from({ length: Math.min(200, ORDERS - wave * 200) }, (_, i) => wave * 200 + i);
      const started = await Promise.all(ns.map((n) => client.workflow.start('order', { taskQueue: TASK_QUEUE, workflowId: `chaos-${n}`, args: [n, Math.floor(random() * 4000)], workflowTaskTimeout: '4s' })));
      handles.push(...started);
      signals.push(
        pause(500 + random() * 3000).then(async () => {
          await Promise.all(ns.map((n) => client.workflow.getHandle(`chaos-${n}`).signal('approve', n + 1)));
        }),
      );
    }
    progress(`started ${handles.length} orders`);
    await Promise.all(signals);
    progress('signalled every order');
    let finished = 0;
    const done = new Set<number>();
    const all = Promise.all(
      handles.map((h, n) =>
        h.result().finally(() => {
          done.add(n);
          if (++finished % 200 === 0) progress(`${finished} orders finished`);
        }),
      ),
    );
    // A stall (no order finishing for STALL_MS) fails the test with what the stuck orders show,
    // rather than waiting out the test's timeout: the database is gone afterwards.
    const stalled = (async () => {
      for (let seen = -1; seen !== finished || finished < ORDERS; ) {
        seen = finished;
        await pause(STALL_MS);
        if (finished === ORDERS) return;
        if (finished === seen) throw new Error(`no order finished for ${STALL_MS / 1000} s (${finished} of ${ORDERS} done); stuck:\n${await stuckOrders(client, done)}\n${log.join(', ')}\n${cluster!.logs()}`);
      }
    })();
    const results = await Promise.race([all, stalled.then(() => all)]);
    await chaos;
    assert.equal(kills, KILLS);
    assert.equal(restarts, DB_RESTARTS);
    const wrong = results.map((r, n) => (r === expected(n) ? undefined : `chaos-${n}: ${String(r)}`)).filter(Boolean);
    assert.deepEqual(wrong, [], `${log.join(', ')}\n${cluster.logs()}`);
    const ids = [...Array(ORDERS).keys()].flatMap((n) => [`chaos-${n}`, `chaos-${n}-item`]);
    for (let i = 0; i < ids.length; i += 200) await checkClusterHistories(client, ids.slice(i, i + 200));
    // Every node is back and the shards are all owned again.
    const described = await client.operator.describeCluster();
    assert.equal(described.nodes.filter((n) => n.alive).length, 3);
  });
});
