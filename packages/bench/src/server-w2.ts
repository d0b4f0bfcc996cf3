// W2 in server mode: throughput — 2,000 workflows × 3 sequential no-op activities, 200 in flight;
// server, worker and client are three processes talking HTTP. A step is one activity, as in W2.
import { performance } from 'node:perf_hooks';
import { TASK_QUEUE, distribution, log, pool, round, target, type ScenarioResult } from './harness.js';
import { cpuMeter, withServerEnv } from './server-env.js';
import { sequential } from './workflows/sequential.js';

const WORKFLOWS = 2000;
const ACTIVITIES = 3;
const IN_FLIGHT = 200;
const WARMUP = 100;

export async function run(): Promise<ScenarioResult> {
  const tuning = { maxCachedWorkflows: 1000, maxConcurrentActivityTaskExecutions: 200, maxConcurrentWorkflowTaskExecutions: 40 };
  return withServerEnv('sequential', tuning, async ({ client, pids }) => {
    const one = async (id: string) => {
      const handle = await client.workflow.start(sequential, { taskQueue: TASK_QUEUE, workflowId: id, args: [ACTIVITIES] });
      if ((await handle.result()) !== ACTIVITIES) throw new Error(`workflow ${id} returned a wrong result`);
    };
    log(`server-w2: warm-up, ${WARMUP} workflows`);
    await pool(WARMUP, IN_FLIGHT, (i) => one(`w2-warmup-${i}`));
    log(`server-w2: ${WORKFLOWS} workflows × ${ACTIVITIES} activities, ${IN_FLIGHT} in flight`);
    const latencies: number[] = [];
    const cpu = cpuMeter(pids);
    const t0 = performance.now();
    await pool(WORKFLOWS, IN_FLIGHT, async (i) => {
      const s = performance.now();
      await one(`w2-${i}`);
      latencies.push(performance.now() - s);
    });
    const secs = (performance.now() - t0) / 1000;
    const cpuSeconds = cpu();
    const steps = WORKFLOWS * ACTIVITIES;
    const stepsPerSec = steps / secs;
    log(`server-w2: ${round(secs)} s, ${round(stepsPerSec, 0)} steps/s; CPU s server ${cpuSeconds.server}, worker ${cpuSeconds.worker}, client ${cpuSeconds.client}`);
    return {
      description: `server mode (endure server, worker and client processes over HTTP): ${WORKFLOWS} workflows × ${ACTIVITIES} sequential no-op activities, ${IN_FLIGHT} workflows in flight (a new one starts as one finishes); step = one activity execution`,
      settings: { workflows: WORKFLOWS, activitiesPerWorkflow: ACTIVITIES, inFlight: IN_FLIGHT, warmupWorkflows: WARMUP, worker: tuning },
      results: {
        steps,
        totalSeconds: round(secs, 3),
        stepsPerSecond: round(stepsPerSec, 0),
        workflowsPerSecond: round(WORKFLOWS / secs, 0),
        workflowLatencyMs: distribution(latencies),
        cpuSecondsDuringRuns: cpuSeconds,
      },
      targets: [target('steps/s', '>=', 3000, stepsPerSec, 'steps/s')],
    };
  });
}
