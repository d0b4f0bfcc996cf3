// W1: latency of one workflow of 10 sequential no-op activities, client start → result, run serially.
import { performance } from 'node:perf_hooks';
import { TASK_QUEUE, distribution, log, round, target, withEnv, type ScenarioResult } from './harness.js';
import { sequential } from './workflows/sequential.js';

const ACTIVITIES = 10;
const WARMUP = 20;
const RUNS = 200;

export async function run(): Promise<ScenarioResult> {
  const tuning = { maxCachedWorkflows: 1000, maxConcurrentActivityTaskExecutions: 100, maxConcurrentWorkflowTaskExecutions: 40 };
  return withEnv('sequential', tuning, async ({ client }) => {
    const once = async (id: string): Promise<number> => {
      const t0 = performance.now();
      const handle = await client.workflow.start(sequential, { taskQueue: TASK_QUEUE, workflowId: id, args: [ACTIVITIES] });
      const n = await handle.result();
      const ms = performance.now() - t0;
      if (n !== ACTIVITIES) throw new Error(`workflow ${id} returned ${n}, expected ${ACTIVITIES}`);
      return ms;
    };
    log(`w1: ${WARMUP} warm-up runs`);
    for (let i = 0; i < WARMUP; i++) await once(`w1-warmup-${i}`);
    log(`w1: ${RUNS} measured runs`);
    const latencies: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < RUNS; i++) latencies.push(await once(`w1-${i}`));
    const wall = (performance.now() - t0) / 1000;
    const d = distribution(latencies);
    log(`w1: p50 ${d.p50} ms, p99 ${d.p99} ms`);
    return {
      description: `one workflow of ${ACTIVITIES} sequential no-op activities; end-to-end latency client start → result, ${RUNS} serial runs after ${WARMUP} warm-up runs`,
      settings: { activitiesPerWorkflow: ACTIVITIES, warmupRuns: WARMUP, runs: RUNS, worker: tuning },
      results: {
        latencyMs: d,
        perActivityMsAtP50: round(d.p50 / ACTIVITIES),
        totalSeconds: round(wall),
      },
      targets: [target('latency p50', '<=', 4, d.p50, 'ms')],
    };
  });
}
