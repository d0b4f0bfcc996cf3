// One simulated run, fully determined by its seed: an engine on a simulated disk, workers and a
// client on a simulated network, all on a virtual clock, with one loop choosing every step —
// which message arrives, when writes become durable, when time moves — and injecting faults:
// process crashes at any point, failed and ambiguous commits, lost, duplicated and late
// messages, clock jumps. Afterwards the invariants are checked over what is durable.
import { mulberry32 } from '@endure/common';
import { Engine } from '@endure/engine';
import { activityWorker, client, newLedger, workflowWorker, type ActorContext, type Ledger } from './actors.js';
import { checkInvariants } from './invariants.js';
import { Network, type NetworkFaults } from './network.js';
import { SimDisk } from './sim-store.js';
import { VirtualClock, type ClockScope } from './virtual-clock.js';
import type { SimWorkflowInput } from './workflow-script.js';

export interface SimulationOptions {
  workflows?: number;
  /** Steps during which faults are injected; after them the system must settle and finish. */
  faultySteps?: number;
  /** A run not finished after this many steps is a liveness violation. */
  maxSteps?: number;
  faults?: boolean;
}

export interface FaultCounts {
  crashes: number;
  failedCommits: number;
  ambiguousCommits: number;
  clockJumps: number;
  droppedRequests: number;
  duplicatedRequests: number;
  droppedAnswers: number;
}

export interface SimulationReport {
  seed: number;
  steps: number;
  workflows: number;
  violations: string[];
  faults: FaultCounts;
  /** Activity attempts executed more than once (allowed: at least once), for the curious. */
  reExecutions: number;
  /** A digest of everything durable at the end: the same seed gives the same digest. */
  digest: string;
}

const NETWORK_FAULTS: NetworkFaults = { dropRequest: 0.03, duplicate: 0.03, dropAnswer: 0.05 };

/** FNV-1a over a string, as hex: a cheap digest to compare runs of the same seed. */
function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Lets every promise chain that can run, run: one macrotask turn drains the microtask queue. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function simulate(seed: number, opts: SimulationOptions = {}): Promise<SimulationReport> {
  const random = mulberry32(seed);
  const faultsOn = opts.faults ?? true;
  const faultySteps = opts.faultySteps ?? 1_500;
  const maxSteps = opts.maxSteps ?? 40_000;
  const clock = new VirtualClock(1_700_000_000_000 + Math.floor(random() * 1e9));
  const disk = new SimDisk();
  const net = new Network(random, NETWORK_FAULTS);
  const ledger: Ledger = newLedger();
  const faults: FaultCounts = { crashes: 0, failedCommits: 0, ambiguousCommits: 0, clockJumps: 0, droppedRequests: 0, duplicatedRequests: 0, droppedAnswers: 0 };
  let idCounter = 0;
  const newId = () => `${(random() * 2 ** 32) >>> 0}-${++idCounter}`;

  // --- the engine process: started, and restarted after every crash, on what is durable ---
  let engineScope: ClockScope | undefined;
  let generation = 0;
  const startEngine = () => {
    engineScope?.drop();
    net.attach(undefined);
    const scope = (engineScope = clock.scope());
    const mine = ++generation;
    Engine.open(disk.open(), { clock: scope, waits: scope, newId, maxCachedRuns: 1 + Math.floor(random() * 50) }).then(
      (engine) => {
        if (mine === generation) net.attach(engine);
      },
      () => {}, // crashed while recovering: a newer start follows
    );
  };
  startEngine();

  // --- the actors ---
  let stopped = false;
  const actorScope = clock.scope();
  const ctx: ActorContext = { net, clock: actorScope, random, ledger, stopped: () => stopped, nextId: (p) => `${p}-${newId()}` };
  const workflows = opts.workflows ?? 1 + Math.floor(random() * 4);
  const inputs = new Map<string, SimWorkflowInput>();
  for (let i = 0; i < workflows; i++) {
    const child = random() < 0.3 ? `wf-${i}-child` : undefined;
    inputs.set(`wf-${i}`, { activities: 1 + Math.floor(random() * 3), sleepMs: Math.floor(random() * 3_000), signals: Math.floor(random() * 3), child });
  }
  const clients = [...inputs].map(([id, input]) => client(ctx, id, input));
  // Workers loop until `stopped`; nothing waits for them (their last polls are dropped with the engine).
  void workflowWorker(ctx, 'wf-worker-1');
  void workflowWorker(ctx, 'wf-worker-2');
  void activityWorker(ctx, 'act-worker-1');
  void activityWorker(ctx, 'act-worker-2');
  let clientsDone = false;
  void Promise.all(clients).then(() => (clientsDone = true));

  // --- the loop: one step at a time ---
  let steps = 0;
  for (; steps < maxSteps && !clientsDone; steps++) {
    await settle();
    if (clientsDone) break;
    const faulty = faultsOn && steps < faultySteps;
    const r = random();
    if (faulty && r < 0.004) {
      // A crash lands between two microtasks of whatever the engine is doing: after a message
      // is delivered, a random number of promise hops in (any await point of its handling).
      faults.crashes++;
      net.deliverOne(faulty);
      let hops = Math.floor(random() * 30);
      const keep = random();
      const hop = () => {
        if (hops-- > 0) return queueMicrotask(hop);
        disk.crashKeeping(keep);
        startEngine();
      };
      queueMicrotask(hop);
    } else if (faulty && r < 0.007 && disk.pending > 0) {
      const ambiguous = random() < 0.5;
      if (ambiguous) faults.ambiguousCommits++;
      else faults.failedCommits++;
      disk.failNext(ambiguous); // the engine stops on a failed write; its supervisor restarts it
      startEngine();
    } else if (faulty && r < 0.01) {
      faults.clockJumps++;
      clock.advanceTo(clock.now() + Math.floor(random() * 3_000));
    } else if (disk.pending > 0 && r < 0.35) {
      disk.fsync(1 + Math.floor(random() * disk.pending));
    } else if (net.inFlight > 0 && r < 0.97) {
      // Usually one message a step; sometimes several in the same turn, so their handling
      // interleaves at every await point (two outcomes of one attempt racing, say).
      const burst = random() < 0.25 ? 2 + Math.floor(random() * 3) : 1;
      for (let i = 0; i < burst; i++) net.deliverOne(faulty);
    } else if (disk.pending > 0) {
      disk.fsync(disk.pending);
    } else if (net.inFlight > 0) {
      net.deliverOne(faulty);
    } else {
      clock.fireNext(); // nothing else can happen until time moves
    }
  }

  // --- the end: stop everyone, then check what a restarted engine would find on disk ---
  stopped = true;
  actorScope.drop();
  engineScope?.drop();
  net.attach(undefined);
  disk.crash(0); // keeps exactly what is durable
  const violations = checkInvariants(disk.data, ledger);
  if (!clientsDone) violations.push(`not finished after ${maxSteps} steps: ${[...inputs.keys()].filter((id) => !ledger.results.has(id)).join(', ')} still waiting`);
  Object.assign(faults, { droppedRequests: net.counts.droppedRequests, duplicatedRequests: net.counts.duplicated, droppedAnswers: net.counts.droppedAnswers });
  const histories = [...disk.data.history.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    seed,
    steps,
    workflows,
    violations,
    faults,
    reExecutions: [...ledger.executions.values()].filter((n) => n > 1).length,
    digest: fnv(JSON.stringify(histories)),
  };
}
