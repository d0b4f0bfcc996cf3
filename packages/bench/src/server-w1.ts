// W1 in server mode: latency of one workflow of 10 sequential no-op activities, client start →
// result, run serially; server, worker and client are three processes talking HTTP.
import { performance } from 'node:perf_hooks';
import { TASK_QUEUE, distribution, log, round, target, type ScenarioResult } from './harness.js';
import { cpuMeter, withServerEnv } from './server-env.js';
import { sequential } from './workflows/sequential.js';

const ACTIVITIES = 10;
const WARMUP = 20;
const RUNS = 200;

export async function run(): Promise<ScenarioResult> {
  const tuning = { maxCachedWorkflows: 1000, maxConcurrentActivityTaskExecutions: 100, maxConcurrentWorkflowTaskExecutions: 40 };
  return withServerEnv('sequential', tuning, async ({ client, pids }) => {
    const once = async (id: string): Promise<number> => {
      const t0 = performance.now();
      const handle = await client.workflow.start(sequential, { taskQueue: TASK_QUEUE, workflowId: id, args: [ACTIVITIES] });
      const n = await handle.result();
      const ms = performance.now() - t0;
      if (n !== ACTIVITIES) throw new Error(`workflow ${id} returned ${n}, expected ${ACTIVITIES}`);
      return ms;
    };
    log(`server-w1: ${WARMUP} warm-up runs`);
    for (let i = 0; i < WARMUP; i++) await once(`w1-warmup-${i}`);
    log(`server-w1: ${RUNS} measured runs`);
    const latencies: number[] = [];
    const cpu = cpuMeter(pids);
    const t0 = performance.now();
    for (let i = 0; i < RUNS; i++) latencies.push(await once(`w1-${i}`));
    const wall = (performance.now() - t0) / 1000;
    const cpuSeconds = cpu();
    const d = distribution(latencies);
    log(`server-w1: p50 ${d.p50} ms, p99 ${d.p99} ms; CPU s server ${cpuSeconds.server}, worker ${cpuSeconds.worker}, client ${cpuSeconds.client}`);
    return {
      description: `server mode (endure server, worker and client processes over HTTP): one workflow of ${ACTIVITIES} sequential no-op activities; end-to-end latency client start → result, ${RUNS} serial runs after ${WARMUP} warm-up runs`,
      settings: { activitiesPerWorkflow: ACTIVITIES, warmupRuns: WARMUP, runs: RUNS, worker: tuning },
      results: {
        latencyMs: d,
        perActivityMsAtP50: round(d.p50 / ACTIVITIES),
        totalSeconds: round(wall),
        cpuSecondsDuringRuns: cpuSeconds,
      },
      targets: [target('latency p50', '<=', 15, d.p50, 'ms')],
    };
  });
}
