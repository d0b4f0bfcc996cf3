// W2: throughput — 2,000 workflows × 3 sequential no-op activities, 200 workflows in flight.
import { performance } from 'node:perf_hooks';
import { TASK_QUEUE, distribution, log, pool, round, target, withEnv, type ScenarioResult } from './harness.js';
import { sequential } from './workflows/sequential.js';

const WORKFLOWS = 2000;
const ACTIVITIES = 3;
const IN_FLIGHT = 200;
const WARMUP = 100;

export async function run(): Promise<ScenarioResult> {
  const tuning = { maxCachedWorkflows: 1000, maxConcurrentActivityTaskExecutions: 200, maxConcurrentWorkflowTaskExecutions: 40 };
  return withEnv('sequential', tuning, async ({ client }) => {
    const one = async (id: string) => {
      const handle = await client.workflow.start(sequential, { taskQueue: TASK_QUEUE, workflowId: id, args: [ACTIVITIES] });
      if ((await handle.result()) !== ACTIVITIES) throw new Error(`workflow ${id} returned a wrong result`);
    };
    log(`w2: warm-up, ${WARMUP} workflows`);
    await pool(WARMUP, IN_FLIGHT, (i) => one(`w2-warmup-${i}`));
    log(`w2: ${WORKFLOWS} workflows × ${ACTIVITIES} activities, ${IN_FLIGHT} in flight`);
    const latencies: number[] = [];
    const t0 = performance.now();
    await pool(WORKFLOWS, IN_FLIGHT, async (i) => {
      const s = performance.now();
      await one(`w2-${i}`);
      latencies.push(performance.now() - s);
    });
    const secs = (performance.now() - t0) / 1000;
    const steps = WORKFLOWS * ACTIVITIES;
    const stepsPerSec = steps / secs;
    log(`w2: ${round(secs)} s, ${round(stepsPerSec, 0)} steps/s`);
    return {
      description: `${WORKFLOWS} workflows × ${ACTIVITIES} sequential no-op activities, ${IN_FLIGHT} workflows in flight (a new one starts as one finishes); step = one activity execution`,
      settings: { workflows: WORKFLOWS, activitiesPerWorkflow: ACTIVITIES, inFlight: IN_FLIGHT, warmupWorkflows: WARMUP, worker: tuning },
      results: {
        steps,
        totalSeconds: round(secs, 3),
        stepsPerSecond: round(stepsPerSec, 0),
        workflowsPerSecond: round(WORKFLOWS / secs, 0),
        workflowLatencyMs: distribution(latencies),
      },
      targets: [target('steps/s', '>=', 5000, stepsPerSec, 'steps/s')],
    };
  });
}
