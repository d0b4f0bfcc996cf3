// The cluster environment of the cluster-* scenarios: three `endure server --cluster` processes on
// one fresh schema of the local PostgreSQL (dropped afterwards), one worker process per node and a
// client connection per node in this process. Every worker and client connection is given all the
// nodes, rotated so that its first choice differs (worker i and connection i talk to node i while
// it answers, and fail over in order when it does not): requests arrive at every node, and each node
// forwards what belongs to another node's shards, as a load balancer spreading clients would.
import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@endure/client';
import { startServerProcess, type ServerProcess } from '@endure/integration/server-process';
import { log, round, sleepMs, workerOverrides, type ScenarioResult, type WorkerTuning } from './harness.js';
import { openPgBench, perStep, type PgBench } from './pg.js';
import { cpuSecondsOf, exitOf, profiling, startWorker, stopWithin } from './server-env.js';

/** Three; BENCH_CLUSTER_NODES changes it for experiments (1: one cluster node, the baseline of the others). */
export const CLUSTER_NODES = Number(process.env['BENCH_CLUSTER_NODES'] ?? 3);
/** The server's defaults (64 shards, 10 s leases) unless a scenario says otherwise. */
export interface ClusterSettings {
  shards?: number;
  leaseMs?: number;
}

/** How long the nodes may take to share the shards out evenly (one shard changes hands per lease third). */
const SETTLE_TIMEOUT_MS = 240_000;

export interface ClusterEnv {
  /** Node i's URL. */
  addresses: string[];
  /** Connection i lists the nodes starting at node i. */
  clients: Client[];
  pids: { nodes: number[]; workers: number[] };
  pg: PgBench;
  /** What the setup is, in words, for a result's description. */
  setup: string;
  /** Rejects if a node or worker process exits before teardown, other than one killed by kill(). */
  crashed: Promise<never>;
  /** The end of what each node wrote to stderr (its JSON log lines). */
  logs(): string;
  /** SIGKILLs node `slot` (no grace: its leases run out and the others take its shards). */
  kill(slot: number): Promise<void>;
  /** Stops the workers, the client connections and the nodes; drops the schema. Idempotent. */
  teardown(): Promise<void>;
}

/**
 * Waits until every shard is held and no node holds more than one shard above another: the nodes
 * start together, the first to join takes most shards and hands them over one per round, and a
 * shard changing hands holds up its runs meanwhile. Measuring starts on the settled cluster.
 */
async function settled(connection: Connection, timeoutMs: number): Promise<number> {
  const client = new Client({ connection });
  const t0 = performance.now();
  for (;;) {
    const d = await client.operator.describeCluster();
    const counts = d.nodes.filter((n) => n.alive).map((n) => n.shards.length);
    if (counts.length === CLUSTER_NODES && (d.unowned?.length ?? 0) === 0 && Math.max(...counts) - Math.min(...counts) <= 1) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`the cluster's shards were not evenly owned within ${timeoutMs} ms: ${JSON.stringify(d.nodes.map((n) => [n.nodeId, n.alive, n.shards.length]))}`);
    await sleepMs(500);
  }
}

/** `addresses` as one comma-separated list that starts at index `first`. */
export function rotated(addresses: readonly string[], first: number): string {
  return [...addresses.slice(first), ...addresses.slice(0, first)].join(',');
}

/** CPU seconds of every process of the cluster so far (killed nodes count up to their last reading). */
export function clusterCpuMeter(pids: ClusterEnv['pids']): () => Record<string, number> {
  const last = new Map<number, number>();
  const read = (pid: number) => {
    const s = cpuSecondsOf(pid);
    if (!Number.isNaN(s)) last.set(pid, s);
    return last.get(pid) ?? 0;
  };
  const sum = (list: number[]) => list.reduce((a, pid) => a + read(pid), 0);
  const nodes0 = sum(pids.nodes);
  const workers0 = sum(pids.workers);
  const client0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(client0);
    const nodes = sum(pids.nodes) - nodes0;
    const workers = sum(pids.workers) - workers0;
    const client = (c.user + c.system) / 1e6;
    return { nodes: round(nodes), workers: round(workers), client: round(client), total: round(nodes + workers + client) };
  };
}

export async function setupCluster(workflows: string, tuning: WorkerTuning, settings: ClusterSettings = {}): Promise<ClusterEnv> {
  Object.assign(tuning, workerOverrides());
  const pg = openPgBench();
  const nodes: (ServerProcess | undefined)[] = [];
  const workers: ChildProcess[] = [];
  const connections: Connection[] = [];
  const killed = new Set<number>();
  const killAll = () => {
    for (const w of workers) w.kill('SIGKILL');
    for (const n of nodes) n?.child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  let done: Promise<void> | undefined;
  const teardown = () =>
    (done ??= (async () => {
      try {
        await Promise.all(connections.map((c) => c.close()));
        await Promise.all(
          workers.map((w) => {
            if (w.connected) w.send('stop');
            else w.kill('SIGTERM');
            return stopWithin('a worker process', exitOf(w), () => w.kill('SIGKILL'));
          }),
        );
        await Promise.all(nodes.map((n) => (n ? stopWithin('a cluster node', n.stop(), () => n.kill()) : Promise.resolve())));
      } finally {
        killAll();
        process.off('exit', killAll);
        await pg.close();
      }
    })());
  try {
    const args = ['--cluster', ...(settings.shards ? ['--shards', String(settings.shards)] : []), ...(settings.leaseMs ? ['--lease-ms', String(settings.leaseMs)] : [])];
    // Started together: their migrations and first lease grabs race, as in a real rollout.
    const started = await Promise.all(
      Array.from({ length: CLUSTER_NODES }, (_, i) => startServerProcess(pg.address, { args: [...args, '--node-id', `node${i}`], env: profiling('server') })),
    );
    nodes.push(...started);
    const addresses = started.map((n) => n.address);
    const nodePids = started.map((n) => n.child.pid!);
    for (let i = 0; i < CLUSTER_NODES; i++) workers.push(await startWorker(rotated(addresses, i), workflows, tuning, nodePids));
    for (let i = 0; i < CLUSTER_NODES; i++) connections.push(await Connection.connect({ address: rotated(addresses, i) }));
    const settledMs = await settled(connections[0]!, SETTLE_TIMEOUT_MS);
    log(`cluster: ${CLUSTER_NODES} nodes (${addresses.join(' ')}), ${workers.length} worker processes; shards evenly owned after ${round(settledMs / 1000)} s`);
    const crashed = new Promise<never>((_, reject) => {
      const onExit = (what: string, stderr?: () => string) => (code: number | null, signal: string | null) => {
        if (!done) reject(new Error(`${what} exited during the scenario (code ${code}, signal ${signal})${stderr ? `; stderr:\n${stderr().slice(-2000)}` : ''}`));
      };
      started.forEach((n, i) =>
        n.child.once('exit', (code, signal) => {
          if (!killed.has(i)) onExit(`cluster node ${i}`, () => n.stderr())(code, signal);
        }),
      );
      workers.forEach((w, i) => w.once('exit', onExit(`worker process ${i}`)));
    });
    crashed.catch(() => {}); // observed by withCluster
    const shardsText = `${settings.shards ?? 'default 64'} shards, ${settings.leaseMs ? `${settings.leaseMs} ms` : 'default 10 s'} leases`;
    return {
      addresses,
      clients: connections.map((connection) => new Client({ connection })),
      pids: { nodes: nodePids, workers: workers.map((w) => w.pid!) },
      pg,
      setup: `cluster: ${CLUSTER_NODES} endure server --cluster nodes (${shardsText}) on one schema of PostgreSQL on this machine (fsync and synchronous_commit on), ${CLUSTER_NODES} worker processes and the client process; worker i and client connection i are given every node, node i first (requests reach every node, which forwards what belongs to other nodes' shards); workflows are started round-robin over the client connections; `,
      crashed,
      logs: () => started.map((n, i) => `--- node${i} ---\n${n.stderr().slice(-4000)}`).join('\n'),
      async kill(slot) {
        killed.add(slot);
        await nodes[slot]?.kill();
        nodes[slot] = undefined;
      },
      teardown,
    };
  } catch (err) {
    await teardown();
    throw err;
  }
}

/** Runs `fn` with a fresh cluster and always tears it down. */
export async function withCluster<T>(workflows: string, tuning: WorkerTuning, fn: (env: ClusterEnv) => Promise<T>, settings?: ClusterSettings): Promise<T> {
  const env = await setupCluster(workflows, tuning, settings);
  try {
    return await Promise.race([fn(env), env.crashed]);
  } finally {
    await env.teardown();
  }
}

/** An idle period before measuring, long enough to cover several lease renewals (a third of a lease). */
const IDLE_MS = 5_000;

/** What the cluster costs PostgreSQL with no work: lease renewals and heartbeats, per second. */
async function idleRate(pg: PgBench): Promise<Record<string, number>> {
  const a = await pg.counters();
  const t0 = performance.now();
  await sleepMs(IDLE_MS);
  const b = await pg.counters();
  const secs = (performance.now() - t0) / 1000;
  return { transactionsPerSecond: round((b.transactions - a.transactions) / secs, 1), walFsyncsPerSecond: round((b.walFsyncs - a.walFsyncs) / secs, 1) };
}

/**
 * A scenario on a fresh cluster, with PostgreSQL's counters read around `measure` (the whole
 * scenario after the nodes started, warm-up included: `steps` workflow steps) and reported per step.
 */
export async function onCluster(
  workflows: string,
  tuning: WorkerTuning,
  steps: number,
  measure: (env: ClusterEnv) => Promise<ScenarioResult>,
  settings?: ClusterSettings,
): Promise<ScenarioResult> {
  return withCluster(
    workflows,
    tuning,
    async (env) => {
      const idle = await idleRate(env.pg);
      const before = await env.pg.counters();
      const result = await measure(env);
      const after = await env.pg.counters();
      return { ...result, results: { ...result.results, postgres: { ...perStep(before, after, steps), idleCluster: idle } } };
    },
    settings,
  );
}
