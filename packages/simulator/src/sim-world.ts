// What every simulation shares, embedded or clustered: the seeded randomness, the virtual clock,
// the simulated disk and network, the actors with their workload, the ordinary steps of the loop
// (commits landing, messages arriving, time moving), and the report checked at the end.
import { mulberry32 } from '@endure/common';
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

/** How many faults of each kind a run injected (or, for fenced-off writes, provoked). */
export type FaultCounts = Record<string, number>;

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
export function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Lets every promise chain that can run, run: one macrotask turn drains the microtask queue. */
export const settle = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

export class World {
  readonly random: () => number;
  readonly clock: VirtualClock;
  readonly disk: SimDisk;
  readonly net: Network;
  readonly ledger: Ledger = newLedger();
  readonly actorScope: ClockScope;
  readonly inputs = new Map<string, SimWorkflowInput>();
  stopped = false;
  clientsDone = false;
  private idCounter = 0;

  constructor(readonly seed: number) {
    this.random = mulberry32(seed);
    this.clock = new VirtualClock(1_700_000_000_000 + Math.floor(this.random() * 1e9));
    // Lease and membership writes are stamped with the simulation's time, for replays after a crash.
    this.disk = new SimDisk(() => this.clock.now());
    this.net = new Network(this.random, NETWORK_FAULTS);
    this.actorScope = this.clock.scope();
  }

  readonly newId = (): string => `${(this.random() * 2 ** 32) >>> 0}-${++this.idCounter}`;

  /** Starts the clients (one per workflow, `workflows` or 1–4) and two workers of each kind, sending each request through `call`. */
  startActors(call: ActorContext['call'], workflows = 1 + Math.floor(this.random() * 4)): void {
    const ctx: ActorContext = { call, clock: this.actorScope, random: this.random, ledger: this.ledger, stopped: () => this.stopped, nextId: (p) => `${p}-${this.newId()}` };
    for (let i = 0; i < workflows; i++) {
      const child = this.random() < 0.3 ? `wf-${i}-child` : undefined;
      this.inputs.set(`wf-${i}`, { activities: 1 + Math.floor(this.random() * 3), sleepMs: Math.floor(this.random() * 3_000), signals: Math.floor(this.random() * 3), child });
    }
    const clients = [...this.inputs].map(([id, input]) => client(ctx, id, input));
    // Workers loop until `stopped`; nothing waits for them (their last polls are dropped with the engine).
    void workflowWorker(ctx, 'wf-worker-1');
    void workflowWorker(ctx, 'wf-worker-2');
    void activityWorker(ctx, 'act-worker-1');
    void activityWorker(ctx, 'act-worker-2');
    void Promise.all(clients).then(() => (this.clientsDone = true));
  }

  /**
   * A step with no fault (`r` already drawn, above the fault range): usually some writes become
   * durable or some messages arrive; when nothing is in flight, time moves to the next alarm.
   */
  ordinaryStep(r: number, faulty: boolean): void {
    const { disk, net } = this;
    if (disk.pending > 0 && r < 0.35) {
      disk.fsync(1 + Math.floor(this.random() * disk.pending));
    } else if (net.inFlight > 0 && r < 0.97) {
      // Usually one message a step; sometimes several in the same turn, so their handling
      // interleaves at every await point (two outcomes of one attempt racing, say).
      const burst = this.random() < 0.25 ? 2 + Math.floor(this.random() * 3) : 1;
      let delivered = false;
      for (let i = 0; i < burst; i++) delivered = net.deliverOne(faulty) || delivered;
      if (!delivered) this.idleStep();
    } else if (disk.pending > 0) {
      disk.fsync(disk.pending);
    } else if (!net.deliverOne(faulty)) {
      this.idleStep();
    }
  }

  private idleStep(): void {
    if (this.disk.pending > 0) this.disk.fsync(this.disk.pending);
    else this.clock.fireNext(); // nothing else can happen until time moves
  }

  /** Ends the run: the actors stop, and the invariants are checked over what is durable. */
  finish(steps: number, maxSteps: number, faults: FaultCounts): SimulationReport {
    this.stopped = true;
    this.actorScope.drop();
    const { disk, ledger, net } = this;
    disk.crash(0); // keeps exactly what is durable
    const violations = [...checkInvariants(disk.data, ledger), ...disk.audit.violations];
    if (!this.clientsDone) violations.push(`not finished after ${maxSteps} steps: ${[...this.inputs.keys()].filter((id) => !ledger.results.has(id)).join(', ')} still waiting`);
    Object.assign(faults, { droppedRequests: net.counts.droppedRequests, duplicatedRequests: net.counts.duplicated, droppedAnswers: net.counts.droppedAnswers });
    const histories = [...disk.data.history.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    return {
      seed: this.seed,
      steps,
      workflows: this.inputs.size,
      violations,
      faults,
      reExecutions: [...ledger.executions.values()].filter((n) => n > 1).length,
      digest: fnv(JSON.stringify(histories)),
    };
  }
}
