// W2: throughput — 2,000 workflows × 3 sequential no-op activities, 200 workflows in flight.
import { performance } from 'node:perf_hooks';
import type { Client } from '@endure/client';
import { TASK_QUEUE, clientFor, distribution, log, pool, round, target, withEnv, type ScenarioResult } from './harness.js';
import { sequential } from './workflows/sequential.js';

const WORKFLOWS = 2000;
const ACTIVITIES = 3;
const IN_FLIGHT = 200;
/**
 * Warm-up workflows before measuring: V8 compiles the hot paths through the first ~2,000 (the
 * first round runs at ~60% of the steady rate). Measured is the steady state; the warm-up's own
 * rate is reported as `coldStepsPerSecond`.
 */
const WARMUP = 2000;
/** Workflow steps (activities) of the whole scenario, warm-up included: what database counters cover. */
export const W2_ALL_STEPS = (WARMUP + WORKFLOWS) * ACTIVITIES;
export const W2_TUNING = { maxCachedWorkflows: 1000, maxConcurrentActivityTaskExecutions: 200, maxConcurrentWorkflowTaskExecutions: 40 };

export interface W2Variant {
  /** Log prefix: 'w2' or 'server-w2'. */
  label: string;
  /** What runs where, prepended to the description. */
  setup?: string;
  targetStepsPerSec: number;
  /** Starts measuring extra costs (e.g. CPU per process) with the measured runs; its stop() is reported. */
  meter?: () => () => Record<string, number>;
}

/**
 * The W2 measurement on a client whose worker already runs `sequential`; shared by embedded,
 * server and cluster mode (several clients: the workflows take them in turn).
 */
export async function measureW2(clients: Client | readonly Client[], v: W2Variant): Promise<ScenarioResult> {
  let started = 0;
  const one = async (id: string) => {
    const handle = await clientFor(clients, started++).workflow.start(sequential, { taskQueue: TASK_QUEUE, workflowId: id, args: [ACTIVITIES] });
    if ((await handle.result()) !== ACTIVITIES) throw new Error(`workflow ${id} returned a wrong result`);
  };
  log(`${v.label}: warm-up, ${WARMUP} workflows`);
  const w0 = performance.now();
  await pool(WARMUP, IN_FLIGHT, (i) => one(`w2-warmup-${i}`));
  const coldStepsPerSec = (WARMUP * ACTIVITIES) / ((performance.now() - w0) / 1000);
  log(`${v.label}: ${WORKFLOWS} workflows × ${ACTIVITIES} activities, ${IN_FLIGHT} in flight`);
  const latencies: number[] = [];
  const stopMeter = v.meter?.();
  const t0 = performance.now();
  await pool(WORKFLOWS, IN_FLIGHT, async (i) => {
    const s = performance.now();
    await one(`w2-${i}`);
    latencies.push(performance.now() - s);
  });
  const secs = (performance.now() - t0) / 1000;
  const extra = stopMeter?.();
  const steps = WORKFLOWS * ACTIVITIES;
  const stepsPerSec = steps / secs;
  log(`${v.label}: ${round(secs)} s, ${round(stepsPerSec, 0)} steps/s${extra ? `; CPU s ${JSON.stringify(extra)}` : ''}`);
  return {
    description: `${v.setup ?? ''}${WORKFLOWS} workflows × ${ACTIVITIES} sequential no-op activities, ${IN_FLIGHT} workflows in flight (a new one starts as one finishes); step = one activity execution; measured after ${WARMUP} warm-up workflows (coldStepsPerSecond: their rate, while V8 still compiles)`,
    settings: { workflows: WORKFLOWS, activitiesPerWorkflow: ACTIVITIES, inFlight: IN_FLIGHT, warmupWorkflows: WARMUP, worker: W2_TUNING },
    results: {
      steps,
      totalSeconds: round(secs, 3),
      stepsPerSecond: round(stepsPerSec, 0),
      workflowsPerSecond: round(WORKFLOWS / secs, 0),
      coldStepsPerSecond: round(coldStepsPerSec, 0),
      workflowLatencyMs: distribution(latencies),
      ...(extra ? { cpuSecondsDuringRuns: extra } : {}),
    },
    targets: [target('steps/s', '>=', v.targetStepsPerSec, stepsPerSec, 'steps/s')],
  };
}

export async function run(): Promise<ScenarioResult> {
  return withEnv('sequential', W2_TUNING, ({ client }) => measureW2(client, { label: 'w2', targetStepsPerSec: 5000 }));
}
