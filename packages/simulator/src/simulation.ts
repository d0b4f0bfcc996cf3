// One simulated run, fully determined by its seed: an engine on a simulated disk, workers and a
// client on a simulated network, all on a virtual clock, with one loop choosing every step —
// which message arrives, when writes become durable, when time moves — and injecting faults:
// process crashes at any point, failed and ambiguous commits, lost, duplicated and late
// messages, clock jumps. Afterwards the invariants are checked over what is durable.
// (A cluster of several nodes over one database: simulate-cluster.ts.)
import { Engine } from '@endure/engine';
import { World, settle, type FaultCounts, type SimulationOptions, type SimulationReport } from './sim-world.js';
import type { ClockScope } from './virtual-clock.js';

export type { FaultCounts, SimulationOptions, SimulationReport } from './sim-world.js';

/** The network's name for the one engine. */
const ENGINE = 'engine';

export async function simulate(seed: number, opts: SimulationOptions = {}): Promise<SimulationReport> {
  const world = new World(seed);
  const { random, clock, disk, net } = world;
  const faultsOn = opts.faults ?? true;
  const faultySteps = opts.faultySteps ?? 1_500;
  const maxSteps = opts.maxSteps ?? 40_000;
  const faults: FaultCounts = { crashes: 0, failedCommits: 0, ambiguousCommits: 0, clockJumps: 0, droppedRequests: 0, duplicatedRequests: 0, droppedAnswers: 0 };

  // --- the engine process: started, and restarted after every crash, on what is durable ---
  let engineScope: ClockScope | undefined;
  let generation = 0;
  const startEngine = () => {
    engineScope?.drop();
    net.attach(ENGINE, undefined);
    const scope = (engineScope = clock.scope());
    const mine = ++generation;
    Engine.open(disk.open(), { clock: scope, waits: scope, newId: world.newId, maxCachedRuns: 1 + Math.floor(random() * 50) }).then(
      (engine) => {
        if (mine === generation) net.attach(ENGINE, engine);
      },
      () => {}, // crashed while recovering: a newer start follows
    );
  };
  startEngine();
  world.startActors((op, req) => net.call(ENGINE, op, req), opts.workflows);

  // --- the loop: one step at a time ---
  let steps = 0;
  for (; steps < maxSteps && !world.clientsDone; steps++) {
    await settle();
    if (world.clientsDone) break;
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
    } else {
      world.ordinaryStep(r, faulty);
    }
  }

  // --- the end: stop everyone, then check what a restarted engine would find on disk ---
  engineScope?.drop();
  net.attach(ENGINE, undefined);
  return world.finish(steps, maxSteps, faults);
}
