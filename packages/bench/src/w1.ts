// W1: latency of one workflow of 10 sequential no-op activities, client start → result, run serially.
import { performance } from 'node:perf_hooks';
import type { Client } from '@endure/client';
import { TASK_QUEUE, clientFor, distribution, log, round, target, withEnv, type ScenarioResult } from './harness.js';
import { sequential } from './workflows/sequential.js';

const ACTIVITIES = 10;
/**
 * Warm-up runs before measuring. V8 is still compiling the hot paths (on its helper threads,
 * competing for the two cores) through the first few hundred runs: the first 200 take ~2.5x the
 * steady latency. The measured runs are the steady state a long-running process has; the first
 * 200 warm-up runs are reported beside them as `coldLatencyMs`.
 */
const WARMUP = 600;
const COLD = 200;
const RUNS = 200;
/** Workflow steps (activities) of the whole scenario, warm-up included: what database counters cover. */
export const W1_ALL_STEPS = (WARMUP + RUNS) * ACTIVITIES;
export const W1_TUNING = { maxCachedWorkflows: 1000, maxConcurrentActivityTaskExecutions: 100, maxConcurrentWorkflowTaskExecutions: 40 };

export interface W1Variant {
  /** Log and id prefix: 'w1' or 'server-w1'. */
  label: string;
  /** What runs where, prepended to the description. */
  setup?: string;
  targetP50Ms: number;
  /** Starts measuring extra costs (e.g. CPU per process) at the first measured run; its stop() is reported. */
  meter?: () => () => Record<string, number>;
}

/**
 * The W1 measurement on a client whose worker already runs `sequential`; shared by embedded,
 * server and cluster mode (several clients: the runs take them in turn).
 */
export async function measureW1(clients: Client | readonly Client[], v: W1Variant): Promise<ScenarioResult> {
  let runs = 0;
  const once = async (id: string): Promise<number> => {
    const t0 = performance.now();
    const handle = await clientFor(clients, runs++).workflow.start(sequential, { taskQueue: TASK_QUEUE, workflowId: id, args: [ACTIVITIES] });
    const n = await handle.result();
    const ms = performance.now() - t0;
    if (n !== ACTIVITIES) throw new Error(`workflow ${id} returned ${n}, expected ${ACTIVITIES}`);
    return ms;
  };
  log(`${v.label}: ${WARMUP} warm-up runs`);
  const cold: number[] = [];
  for (let i = 0; i < WARMUP; i++) {
    const ms = await once(`w1-warmup-${i}`);
    if (i < COLD) cold.push(ms);
  }
  log(`${v.label}: ${RUNS} measured runs`);
  const latencies: number[] = [];
  const stopMeter = v.meter?.();
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i++) latencies.push(await once(`w1-${i}`));
  const wall = (performance.now() - t0) / 1000;
  const extra = stopMeter?.();
  const d = distribution(latencies);
  log(`${v.label}: p50 ${d.p50} ms, p99 ${d.p99} ms${extra ? `; CPU s ${JSON.stringify(extra)}` : ''}`);
  return {
    description: `${v.setup ?? ''}one workflow of ${ACTIVITIES} sequential no-op activities; end-to-end latency client start → result, ${RUNS} serial runs after ${WARMUP} warm-up runs (coldLatencyMs: the first ${COLD} warm-up runs, while V8 still compiles)`,
    settings: { activitiesPerWorkflow: ACTIVITIES, warmupRuns: WARMUP, coldRuns: COLD, runs: RUNS, worker: W1_TUNING },
    results: {
      latencyMs: d,
      perActivityMsAtP50: round(d.p50 / ACTIVITIES),
      coldLatencyMs: distribution(cold),
      totalSeconds: round(wall),
      ...(extra ? { cpuSecondsDuringRuns: extra } : {}),
    },
    targets: [target('latency p50', '<=', v.targetP50Ms, d.p50, 'ms')],
  };
}

export async function run(): Promise<ScenarioResult> {
  return withEnv('sequential', W1_TUNING, ({ client }) => measureW1(client, { label: 'w1', targetP50Ms: 4 }));
}
