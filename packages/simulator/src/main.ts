#!/usr/bin/env node
// `npm run simulate -- --seeds N [--from S] [--seed S] [--nodes N | --cluster] [--verbose]`: runs
// seeded simulations and prints one JSON report: seeds and simulated workflows per second of wall
// time, the faults injected, and every failing seed with its violations (rerun one with --seed to
// reproduce it). `--nodes 2` or more simulates a cluster of that many nodes over one database;
// `--cluster` one of 2 or 3 nodes as each seed picks (what CI runs).
import { simulateCluster } from './simulate-cluster.js';
import { simulate, type FaultCounts, type SimulationReport } from './simulation.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function wholeNumber(name: string, fallback: number): number {
  const text = flag(name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} takes a whole number, not '${text}'`);
    process.exit(2);
  }
  return n;
}

const one = flag('seed');
const from = one !== undefined ? wholeNumber('seed', 0) : wholeNumber('from', 1);
const count = one !== undefined ? 1 : wholeNumber('seeds', 200);
const verbose = process.argv.includes('--verbose');
const cluster = process.argv.includes('--cluster');
const nodes = wholeNumber('nodes', 1);
if (nodes < 1 || (cluster && flag('nodes') !== undefined)) {
  console.error('--nodes takes 1 (one engine, the default) or more (a cluster of that many); --cluster alone picks 2 or 3 by the seed');
  process.exit(2);
}
const run = (seed: number): Promise<SimulationReport> => (cluster ? simulateCluster(seed) : nodes === 1 ? simulate(seed) : simulateCluster(seed, { nodes }));

const totals: FaultCounts = {};
const failures: SimulationReport[] = [];
let workflows = 0;
let steps = 0;
const t0 = process.hrtime.bigint();
for (let seed = from; seed < from + count; seed++) {
  const r = await run(seed);
  workflows += r.workflows;
  steps += r.steps;
  for (const [kind, n] of Object.entries(r.faults)) totals[kind] = (totals[kind] ?? 0) + n;
  if (r.violations.length) failures.push(r);
  if (verbose || one !== undefined) console.error(`seed ${seed}: ${r.workflows} workflows, ${r.steps} steps, digest ${r.digest}${r.violations.length ? `, VIOLATIONS:\n  ${r.violations.join('\n  ')}` : ''}`);
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(
  JSON.stringify(
    {
      seeds: count,
      from,
      nodes: cluster ? '2-3' : nodes,
      workflows,
      steps,
      wallSeconds: Number(seconds.toFixed(2)),
      seedsPerSecond: Number((count / seconds).toFixed(1)),
      workflowsPerSecond: Number((workflows / seconds).toFixed(1)),
      faults: totals,
      failingSeeds: failures.map((f) => ({ seed: f.seed, violations: f.violations })),
    },
    null,
    2,
  ),
);
process.exitCode = failures.length ? 1 : 0;
