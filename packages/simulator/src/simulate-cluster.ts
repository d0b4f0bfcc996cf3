// One simulated run of a cluster, fully determined by its seed: two or three nodes over one
// database (a process of its own: a node's crash does not touch what the database holds), the
// actors calling any node, nodes calling each other over the same lossy network, every node on
// its own scope of one virtual clock with short leases. On top of the single engine's faults —
// crashes at any await point, failed and ambiguous commits, lost, duplicated and late messages,
// clock jumps — a node can freeze past its lease and wake to find its shards taken (whatever it
// had decided to write then must be fenced off), or miss its lease renewals while still serving.
// Afterwards the same invariants hold over what is durable, and the database's audit of every
// run write (fenced, under the writing node's current lease, never interleaved) found nothing.
import { SimNode, type ClusterShape } from './sim-node.js';
import { World, settle, type SimulationOptions, type SimulationReport } from './sim-world.js';

export interface ClusterSimulationOptions extends SimulationOptions {
  /** How many nodes (default 2 or 3, by the seed). */
  nodes?: number;
  /** A database that ignores fences: stale writes land, and the fence audit must report them. */
  unfencedDatabase?: boolean;
}

/** Short leases, so a node's absence is noticed within the run (virtual milliseconds). */
const SHAPE: Omit<ClusterShape, 'shardCount'> = { leaseMs: 3_000, tickMs: 1_000 };

export async function simulateCluster(seed: number, opts: ClusterSimulationOptions = {}): Promise<SimulationReport> {
  const world = new World(seed);
  const { random, clock, disk, net } = world;
  disk.enforceFences = !opts.unfencedDatabase;
  const faultsOn = opts.faults ?? true;
  const faultySteps = opts.faultySteps ?? 2_000;
  const maxSteps = opts.maxSteps ?? 40_000;
  const faults = {
    nodeCrashes: 0,
    nodePauses: 0,
    missedRenewals: 0,
    failedCommits: 0,
    ambiguousCommits: 0,
    clockJumps: 0,
    fencedOffWrites: 0,
    fencedOffAfterPause: 0,
    shardsGivenUp: 0,
    droppedRequests: 0,
    duplicatedRequests: 0,
    droppedAnswers: 0,
  };
  const shape: ClusterShape = { ...SHAPE, shardCount: 2 + Math.floor(random() * 5) };
  const count = opts.nodes ?? 2 + Math.floor(random() * 2);
  let names = 0;
  const counts = { shardsGivenUp: 0, fencedOffAfterPause: 0 };
  const nodes = Array.from({ length: count }, () => new SimNode(`node-${++names}`, world, shape, counts));
  for (const n of nodes) n.start();
  // A client or worker reaches whichever node it picks (a load balancer's choice), up or not.
  world.startActors((op, req) => net.call(nodes[Math.floor(random() * nodes.length)]!.nodeId, op, req), opts.workflows ?? 1 + Math.floor(random() * 2));

  /** The supervisor's alarm: a fault ends (a node restarts, wakes) `ms` of virtual time later. */
  const later = (ms: number, fn: () => void) => world.actorScope.schedule(ms, fn);
  /** A fault lands on `node` a random number of promise hops into its handling of its next message (or of nothing). */
  const amid = (node: SimNode, fn: () => void) => {
    net.deliverOne(true, node.nodeId);
    let hops = Math.floor(random() * 30);
    const hop = () => (hops-- > 0 ? queueMicrotask(hop) : fn());
    queueMicrotask(hop);
  };
  const pick = (): SimNode | undefined => {
    const healthy = nodes.filter((n) => n.healthy);
    return healthy.length ? healthy[Math.floor(random() * healthy.length)] : undefined;
  };
  /** Longer than a lease, so the others take the node's shards meanwhile (usually). */
  const pastLease = () => shape.leaseMs + Math.floor(random() * 2 * shape.leaseMs);

  let steps = 0;
  for (; steps < maxSteps && !world.clientsDone; steps++) {
    await settle();
    if (world.clientsDone) break;
    const faulty = faultsOn && steps < faultySteps;
    const r = random();
    const node = faulty && r < 0.008 ? pick() : undefined;
    if (node && r < 0.003) {
      faults.nodeCrashes++;
      const newId = random() < 0.5 ? `node-${++names}` : undefined;
      const downFor = Math.floor(random() * 2 * shape.leaseMs);
      amid(node, () => {
        node.crash();
        later(downFor, () => node.restart(newId));
      });
    } else if (node && r < 0.0055) {
      faults.nodePauses++;
      const pausedFor = pastLease();
      // Anywhere in what it is doing, or right between deciding on a write and sending it.
      const resumeLater = (pause: number) => later(pausedFor, () => node.resume(pause));
      if (random() < 0.5) node.pauseBeforeNextWrite(resumeLater);
      else amid(node, () => resumeLater(node.pause()));
    } else if (node && r < 0.008) {
      faults.missedRenewals++;
      node.freezeAlarms();
      later(pastLease(), () => node.thawAlarms());
    } else if (faulty && r < 0.011 && disk.pending > 0) {
      // The database errs on the oldest commit in flight (and loses the rest in flight, as a
      // restart would); `ambiguous`: that commit landed anyway. The nodes stay up: each gives up
      // the shards whose writes failed, and takes them again from what the database holds.
      const ambiguous = random() < 0.5;
      if (ambiguous) faults.ambiguousCommits++;
      else faults.failedCommits++;
      disk.failNext(ambiguous);
    } else if (faulty && r < 0.013) {
      faults.clockJumps++;
      clock.advanceTo(clock.now() + Math.floor(random() * 3_000));
    } else {
      world.ordinaryStep(r, faulty);
    }
  }

  for (const n of nodes) n.crash();
  Object.assign(faults, counts, { fencedOffWrites: disk.fencedOff });
  return world.finish(steps, maxSteps, faults);
}
